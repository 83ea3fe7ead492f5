"""Mutation check: do the tests catch wrong intervals, wrong verdicts and wrong whiskers?

Run with ``make mutate`` (not part of ``make test``; a few minutes). Each mutant below is
one small change to one line of acutrack: a flipped sign, a dropped term, an interval end
from the wrong array, a swapped method. Each is applied to a copy of the package in a
temporary folder, and only the test files that cover its module run against that copy,
stopping at the first failure. A mutant is *killed* when a test fails and *survives* when
every test passes: a survivor is a wrong number the tests would let through.

The copy comes first on ``PYTHONPATH``, ahead of the editable install, so the tests
import the mutated code. Two checks guard the run before any mutant counts: each test file
used must pass against the unmutated copy (a file that fails, say in a tree mid-edit, is
left out of the run, loudly), and a canary mutant (the package failing on import) must be
killed (otherwise the tests are not importing the copy, and the run stops).

A mutant earns its place only if it changes what some function returns: one that behaves
exactly like the original can never be killed and only lowers the rate (centring the drop
as well as the starting pain in ``routines._common_slope`` is such a one, so it is not
listed). Try a new mutant with ``--only ID`` and read which test killed it.

Usage::

    python tools/mutate.py [--jobs N] [--only ID ...] [--list] [--fail-under PERCENT]

The table printed at the end gives each mutant, where it is (``file:line`` in the copy
of the tree taken when the run began), whether it was killed and by which test, and the
kill rate of the mutants that ran. The exit status is 1 when the run cannot be trusted (a
test file failed unmutated, the canary survived, a mutant no longer matches its line) or
the kill rate is under ``--fail-under``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What a copy needs: the package, its tests, the sample journal the tests read, and the
#: pytest settings in pyproject.toml.
COPIED = ("acutrack", "tests", "sample_data", "pyproject.toml")
#: Longest matching prefix wins; files run in this order (fastest first, with -x).
TESTS = {
    "acutrack/__init__.py": ("tests/test_stats.py",),
    "acutrack/stats/": (
        "tests/test_stats.py",
        "tests/test_sharper.py",
        "tests/test_before_after.py",
        "tests/test_analysis.py",
        "tests/test_points_routines.py",
    ),
    "acutrack/stats/simulate.py": ("tests/test_calibration.py",),
    "acutrack/stats/calibration.py": ("tests/test_calibration.py",),
    "acutrack/analysis/": (
        "tests/test_analysis.py",
        "tests/test_points_routines.py",
        "tests/test_plot_whiskers.py",
        "tests/test_plots.py",
    ),
    "acutrack/plots/": (
        "tests/test_plot_whiskers.py",
        "tests/test_plots.py",
        "tests/test_points_routines.py",
    ),
    "acutrack/report/": (
        "tests/test_points_routines.py",
        "tests/test_plot_whiskers.py",
        "tests/test_report.py",
    ),
    "acutrack/loading.py": (
        "tests/test_journal.py",
        "tests/test_hostile_files.py",
        "tests/test_files.py",
    ),
}
TIMEOUT = 180  # seconds for one mutant's tests; a mutant that hangs them counts as killed


@dataclass(frozen=True)
class Mutant:
    """One textual change: ``old`` (found exactly once in ``path``) becomes ``new``."""

    id: str
    path: str
    old: str
    new: str
    what: str

    @property
    def tests(self) -> tuple[str, ...]:
        prefix = max((p for p in TESTS if self.path.startswith(p)), key=len)
        return TESTS[prefix]


CANARY = Mutant(
    "canary",
    "acutrack/__init__.py",
    "_HOMES = {",
    "_HOMES = 1 / 0 or {",
    "the package fails on import: must be killed, or the tests import another copy",
)

S, A, P = "acutrack/stats/", "acutrack/analysis/", "acutrack/plots/"
MUTANTS = [
    # -- the randomisation test and its interval --------------------------------------------
    Mutant(
        "rand-one-sided",
        S + "randomisation.py",
        "dist[np.abs(t - centre) >= observed - 1e-9]",
        "dist[t - centre >= observed - 1e-9]",
        "two-sided p-value made one-sided",
    ),
    Mutant(
        "rand-ci-end-rejected",
        S + "randomisation.py",
        "            return inside\n",
        "            return outside\n",
        "an interval's end taken at the first difference the test rejects",
    ),
    Mutant(
        "rand-ci-unbounded-finite",
        S + "randomisation.py",
        "return direction * math.inf",
        "return centre + direction * LIMIT",
        "an end the data cannot bound reported as a finite ±20",
    ),
    Mutant(
        "rand-smallest-p",
        S + "randomisation.py",
        "return min(1.0, 2 / count)",
        "return min(1.0, 1 / count)",
        "smallest two-sided p halved",
    ),
    # -- real against sham -------------------------------------------------------------------
    Mutant(
        "rand-no-block-dummies",
        S + "randomisation.py",
        "columns = [dummies]",
        "columns = [np.ones((n, 1))]",
        "block dummies dropped from the adjusted statistic",
    ),
    Mutant(
        "sham-durability-wrong-arm",
        S + "real_sham.py",
        "follow_real, follow_sham = kept[is_real], kept[~is_real]",
        "follow_real, follow_sham = kept[~is_real], kept[~is_real]",
        "durability: sham follow-ups used for real",
    ),
    Mutant(
        "sham-durability-off-plan",
        S + "real_sham.py",
        "merged = data.merge(first",
        "merged = sessions.merge(first",
        "durability from every session, not the plan's compared ones",
    ),
    Mutant(
        "sham-ended-early-level",
        S + "real_sham.py",
        'alpha = ALPHA if state == "done" else ALPHA / max(planned_blocks, 1)',
        "alpha = ALPHA",
        "a plan ended early judged at 0.05, not 0.05 ÷ planned blocks",
    ),
    Mutant(
        "sham-one-sided-equivalence",
        S + "real_sham.py",
        "all(design.p(drops, side * MARGIN) <= alpha for side in (-1, 1))",
        "any(design.p(drops, side * MARGIN) <= alpha for side in (-1, 1))",
        "'no difference' from one of the two one-sided tests",
    ),
    Mutant(
        "benefit-no-prior",
        S + "benefit.py",
        "precision = 1 / PRIOR_SD**2 + 1 / se**2",
        "precision = 1 / se**2",
        "the probability of a benefit without its sceptical prior",
    ),
    Mutant(
        "benefit-lags-short",
        S + "benefit.py",
        "for h in range(1, lags + 1)",
        "for h in range(1, lags)",
        "the standard error's autocorrelation one lag short",
    ),
    Mutant(
        "loo-sign",
        S + "leave_one_out.py",
        'full = data["id"].map(left_out).isna().to_numpy()',
        'full = data["id"].map(left_out).notna().to_numpy()',
        "leave-one-out: with and without the point swapped",
    ),
    # -- before/after ------------------------------------------------------------------------
    Mutant(
        "ba-no-floor",
        S + "before_after.py",
        "return min(max(raw + (1 + 4 * raw) / x.size, floor), RHO_CAP)",
        "return min(raw + (1 + 4 * raw) / x.size, RHO_CAP)",
        "autocorrelation floor removed",
    ),
    Mutant(
        "ba-no-bias-correction",
        S + "before_after.py",
        "return min(max(raw + (1 + 4 * raw) / x.size, floor), RHO_CAP)",
        "return min(max(raw, floor), RHO_CAP)",
        "Marriott–Pope bias correction dropped",
    ),
    Mutant(
        "ba-no-cap",
        S + "before_after.py",
        "return min(max(raw + (1 + 4 * raw) / x.size, floor), RHO_CAP)",
        "return max(raw + (1 + 4 * raw) / x.size, floor)",
        "autocorrelation cap removed",
    ),
    Mutant(
        "ba-inflation",
        S + "before_after.py",
        "return (1 + rho) / (1 - rho)",
        "return 1 + rho",
        "variance inflation (1 + ρ) / (1 − ρ) dropped its denominator",
    ),
    Mutant(
        "ba-no-cautious-floor",
        S + "before_after.py",
        "if n < CAUTIOUS_BELOW:  # the floor",
        "if False:  # the floor",
        "short diaries' interval without its cautious floor",
    ),
    Mutant(
        "ba-verdict-upper-end",
        S + "before_after.py",
        'return "lower after" if ci[0] > 0 else "no change detected"',
        'return "lower after" if ci[1] > 0 else "no change detected"',
        "'lower after' read from the interval's upper end",
    ),
    # -- paired statistics, responders, multiplicity ----------------------------------------
    Mutant(
        "hl-upper-median",
        S + "paired.py",
        'lower = averages[np.searchsorted(cumulative, (total - 1) // 2, side="right")]',
        'lower = averages[np.searchsorted(cumulative, total // 2, side="right")]',
        "Hodges–Lehmann: upper median for an even count",
    ),
    Mutant(
        "boot-level",
        S + "paired.py",
        "confidence_level=level,",
        "confidence_level=0.9,",
        "bootstrap interval at 90 % whatever the level",
    ),
    Mutant(
        "resp-wald",
        S + "responders.py",
        'method="newcomb"',
        'method="wald"',
        "Newcombe interval of a difference swapped for Wald",
    ),
    Mutant(
        "resp-or-ci-level",
        S + "responders.py",
        ".confidence_interval(0.95)",
        ".confidence_interval(0.9)",
        "odds-ratio interval at 90 %",
    ),
    Mutant(
        "holm-bonferroni",
        S + "adjust.py",
        'method="holm"',
        'method="bonferroni"',
        "Holm swapped for plain Bonferroni",
    ),
    # -- simulation and calibration ----------------------------------------------------------
    Mutant(
        "sim-no-relief-spells",
        S + "simulate.py",
        "a = s.relief_persistence * a + rng.normal(0, s.relief_sd, count)",
        "a = rng.normal(0, s.relief_sd, count)",
        "simulated relief no longer comes in spells (an easier world)",
    ),
    Mutant(
        "cal-coverage-truth",
        S + "calibration.py",
        "low <= 1.0 <= high",
        "low <= 0.0 <= high",
        "real-vs-sham coverage measured against the wrong truth",
    ),
    Mutant(
        "cal-claims-real-only",
        S + "calibration.py",
        'return np.isin(_said(d, blocks, state, planned), ("real", "sham"))',
        'return np.isin(_said(d, blocks, state, planned), ("real",))',
        "false claims of 'sham relieved more' not counted",
    ),
    # -- points ------------------------------------------------------------------------------
    Mutant(
        "pts-no-bonferroni",
        A + "points.py",
        "level = 1 - ALPHA / len(judged) if judged else math.nan",
        "level = 1 - ALPHA if judged else math.nan",
        "Bonferroni level dropped",
    ),
    Mutant(
        "pts-min-without-inverted",
        A + "points.py",
        "if without[j] < MIN_WITHOUT",
        "if without[j] >= MIN_WITHOUT",
        "MIN_WITHOUT check inverted",
    ),
    Mutant(
        "pts-no-regressor-ac",
        A + "points.py",
        "rho = autocorrelation(fit.resid) * autocorrelation(partial, floor=0.0)",
        "rho = autocorrelation(fit.resid)",
        "interval widened as if every point were skipped in spells",
    ),
    Mutant(
        "pts-verdict-from-estimate",
        A + "points.py",
        "reasons[j] = _verdict(*estimates[j, 1:])",
        "reasons[j] = _verdict(*estimates[j, :2])",
        "verdict from (estimate, low) instead of (low, high)",
    ),
    Mutant(
        "pts-more-relief-order",
        A + "points.py",
        'order = np.where(table["more_relief"], -table["estimate"], np.inf)',
        'order = np.where(table["more_relief"], table["estimate"], np.inf)',
        "points that went with more relief listed smallest first",
    ),
    # -- routines, experiment tables, trend --------------------------------------------------
    Mutant(
        "rt-ci-high-estimate",
        A + "routines.py",
        '"ci_high": r.ci[1],',
        '"ci_high": r.estimate,',
        "routine table's ci_high is the mean drop",
    ),
    Mutant(
        "exp-ci-nan",
        A + "experiment.py",
        "low, high = mean_drop_interval(values)",
        "low, high = np.nan, np.nan",
        "condition_drops intervals set to NaN",
    ),
    Mutant(
        "exp-followup-off-routine",
        A + "experiment.py",
        "merged = data.merge(first",
        "merged = sessions.merge(first",
        "follow-up drops from every session, not the routine's",
    ),
    Mutant(
        "trend-rolling-one-week",
        A + "trend.py",
        "rolling(4, min_periods=2)",
        "rolling(4, min_periods=1)",
        "4-week average from a single week",
    ),
    # -- charts ------------------------------------------------------------------------------
    Mutant(
        "plot-condition-whisker",
        P + "experiment.py",
        "ax, (row.ci_low, row.ci_high), x, DROP, colour=colour, vertical=True, linewidth=2",
        "ax, (row.ci_low, row.mean_drop), x, DROP, colour=colour, vertical=True, linewidth=2",
        "condition chart: whisker's top at the estimate",
    ),
    Mutant(
        "plot-point-whisker",
        P + "points.py",
        'whisker(ax, (row["ci_low"], row["ci_high"]), y, DIFFERENCE, colour=colour, lw=2)',
        'whisker(ax, (row["ci_low"], row["estimate"]), y, DIFFERENCE, colour=colour, lw=2)',
        "point forest: whisker's end at the estimate",
    ),
    Mutant(
        "plot-routine-whisker",
        P + "routines.py",
        '(row["ci_low"], row["ci_high"]),',
        '(row["ci_low"], row["mean_drop"]),',
        "routine forest: whisker's end at the mean drop",
    ),
    Mutant(
        "plot-point-colour",
        P + "points.py",
        'colour = REAL if row["more_relief"] else GREY',
        'colour = REAL if pd.notna(row["estimate"]) else GREY',
        "point forest colours every judged point as going with more relief",
    ),
    Mutant(
        "plot-body-colour",
        P + "points.py",
        'kind = "never" if code not in relief else "more_relief" if relief[code] else "pressed"',
        'kind = "never" if code not in relief else "more_relief"',
        "body map colours every pressed point as going with more relief",
    ),
    Mutant(
        "plot-two-point-line",
        P + "experiment.py",
        "ax.axhline(0, color=GREY, linewidth=1)",
        "ax.axhline(2, color=GREY, linewidth=1)",
        "a 2-point line on a chart of mean drops",
    ),
    Mutant(
        "plot-weekly-band",
        P + "trend.py",
        'x, weekly["min"], weekly["max"], color=REAL',
        'x, weekly["min"], weekly["mean"], color=REAL',
        "weekly band drawn to the mean, not the highest reading",
    ),
    # -- report and loading ------------------------------------------------------------------
    Mutant(
        "report-points-interval-dropped",
        "acutrack/report/html.py",
        "interval_words((p.ci_low, p.ci_high), DIFFERENCE, missing=MISSING),",
        "",
        "report's points interval column removed",
    ),
    Mutant(
        "report-points-interval-wrong",
        "acutrack/report/html.py",
        "interval_words((p.ci_low, p.ci_high), DIFFERENCE, missing=MISSING),",
        "interval_words((p.ci_low, p.estimate), DIFFERENCE, missing=MISSING),",
        "report's points interval ends at the estimate",
    ),
    Mutant(
        "load-tie-reversed",
        "acutrack/loading.py",
        "for _, position, key, action in sorted(timed):",
        "for _, position, key, action in sorted(timed, key=lambda r: (r[0], -r[1])):",
        "latest_rows: equal times broken by reverse file order",
    ),
]


def locate(source: str, mutant: Mutant) -> int:
    """The line ``mutant.old`` is on; ValueError unless it occurs exactly once."""
    count = source.count(mutant.old)
    if count != 1:
        raise ValueError(f"{mutant.id}: found {count} times in {mutant.path}, expected once")
    return source[: source.index(mutant.old)].count("\n") + 1


def where(folder: Path, mutants: list[Mutant]) -> dict[str, int]:
    """Each mutant's line in ``folder``'s copy of its file."""
    return {m.id: locate((folder / m.path).read_text(encoding="utf-8"), m) for m in mutants}


def snapshot(into: Path) -> None:
    """Copy what the tests need, without bytecode (stale .pyc must never mask a mutant)."""
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=skip)
        else:
            shutil.copy2(source, into / name)


def run_tests(folder: Path, files: tuple[str, ...]) -> tuple[str, str, float]:
    """Run ``files`` against the copy in ``folder``: (outcome, first failing test, seconds)."""
    env = dict(os.environ, PYTHONPATH=str(folder), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "pytest", "-x", "-q", "--tb=no", "-rfE"]
    command += ["-p", "no:cacheprovider", *files]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=folder, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return "killed", f"timeout after {TIMEOUT} s", time.perf_counter() - started
    took = time.perf_counter() - started
    if done.returncode == 0:
        return "survived", "", took
    for line in done.stdout.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return "killed", line.split(" ", 1)[1].split(" - ")[0], took
    return "killed", f"pytest exit {done.returncode}", took


def try_mutant(base: Path, work: Path, mutant: Mutant, broken: set[str]) -> tuple[str, str, float]:
    """Copy the snapshot, apply ``mutant`` to the copy, run its tests, remove the copy.

    Test files in ``broken`` (failing without any mutant) are left out: they cannot tell.
    """
    files = tuple(f for f in mutant.tests if f not in broken)
    if not files:
        return "not run", "every test file fails unmutated", 0.0
    folder = work / mutant.id
    shutil.copytree(base, folder)
    try:
        target = folder / mutant.path
        text = target.read_text(encoding="utf-8")
        mutated = text.replace(mutant.old, mutant.new, 1)
        compile(mutated, str(target), "exec")  # a mutant must be valid Python
        target.write_text(mutated, encoding="utf-8")
        return run_tests(folder, files)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once")
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--fail-under", type=float, default=90.0, metavar="PERCENT")
    args = parser.parse_args(argv)

    mutants = [m for m in MUTANTS if not args.only or m.id in args.only]
    if args.list:
        lines = where(ROOT, mutants)
        for m in mutants:
            print(f"{m.id:32} {m.path}:{lines[m.id]:<5} {m.what}")
        return 0

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="acutrack-mutate-") as tmp:
        base, work = Path(tmp) / "base", Path(tmp) / "work"
        work.mkdir()
        snapshot(base)
        try:  # on the snapshot: the tree may change while the run goes on
            lines = where(base, [CANARY, *mutants])
        except ValueError as err:
            print(f"a mutant no longer matches the source: {err}", file=sys.stderr)
            return 1
        files = list(dict.fromkeys(f for m in [CANARY, *mutants] for f in m.tests))
        print(f"baseline: {len(files)} test files against the unmutated copy …", flush=True)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            outcomes = pool.map(lambda f: run_tests(base, (f,)), files)
            baseline = dict(zip(files, outcomes, strict=True))
        broken = {f for f, (outcome, _, _) in baseline.items() if outcome != "survived"}
        for f in broken:
            print(f"WARNING: {f} fails unmutated ({baseline[f][1]}): left out", flush=True)
        print(f"baseline: {len(files) - len(broken)} of {len(files)} files pass", flush=True)
        outcome, failed, _ = try_mutant(base, work, CANARY, broken)
        if outcome != "killed":
            print("canary survived: the tests do not import the copy. Stopping.", file=sys.stderr)
            return 1
        print(f"canary killed ({failed}): the tests import the copy", flush=True)

        results: dict[str, tuple[str, str, float]] = {}

        def one(mutant: Mutant) -> None:
            results[mutant.id] = try_mutant(base, work, mutant, broken)
            outcome, by, took = results[mutant.id]
            print(
                f"[{len(results):2}/{len(mutants)}] {mutant.id:32} {outcome:8} {took:5.1f} s  {by}",
                flush=True,
            )

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            list(pool.map(one, mutants))

    print("\n| mutant | where | what | result | killed by |\n|---|---|---|---|---|")
    for m in mutants:
        outcome, by, _ = results[m.id]
        mark = outcome if outcome == "killed" else f"**{outcome}**"
        print(f"| {m.id} | {m.path}:{lines[m.id]} | {m.what} | {mark} | {by} |")
    ran = [m.id for m in mutants if results[m.id][0] != "not run"]
    killed = sum(results[m][0] == "killed" for m in ran)
    rate = 100 * killed / max(len(ran), 1)
    print(
        f"\n{killed} of {len(ran)} mutants killed ({rate:.0f} %) in "
        f"{time.perf_counter() - started:.0f} s"
    )
    for outcome in ("survived", "not run"):
        named = [m.id for m in mutants if results[m.id][0] == outcome]
        if named:
            print(f"{outcome}: " + ", ".join(named))
    if broken:
        print("not trusted: left out, failing unmutated: " + ", ".join(sorted(broken)))
    return 0 if rate >= args.fail_under and not broken else 1


if __name__ == "__main__":
    sys.exit(main())
