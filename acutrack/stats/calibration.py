"""How often each verdict claims too much, and how often each interval holds the truth.

Every figure is measured on realistic simulated diaries (`simulate`) and set beside its
band: a false-claim rate at most 5 %, an approximate 95 % interval covering 92–98 % of
the time, an exact (test-inverted) one at least 95 %. Bands are widened by twice the
figure's own Monte Carlo error, so that a figure within its target passes however the
simulation falls. `make calibrate` prints the full table; the test suite runs a short
version and fails when any figure leaves its band.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

from ..words import plural
from .before_after import CAUTIOUS_BELOW, mean_drop_intervals
from .benefit import prob_benefit, standard_error
from .randomisation import randomisation_test
from .real_sham import sham_verdict
from .simulate import (
    POINTS,
    Diaries,
    DiarySettings,
    check_realism,
    mixed_layout,
    simulate_checkins,
    simulate_diaries,
    true_mean_drops,
)

__all__ = ["calibrate", "sessions_table"]

ALPHA = 0.05
PLANNED = 10  # blocks in the plans whose looks and early ends are simulated


def _range(target: str) -> tuple[float, float]:
    """``"70–90 %"`` as (0.7, 0.9), and ``"≥ 70 %"`` as (0.7, 1)."""
    low, _, high = target.removeprefix("≥ ").removesuffix(" %").partition("–")
    return float(low) / 100, float(high or 100) / 100


def _row(check: str, setting: str, hits: np.ndarray, target: str) -> dict:
    """A figure, its Monte Carlo error and whether it is within its band."""
    hits = np.asarray(hits, dtype=float)
    rate = float(hits.mean())
    error = math.sqrt(max(rate * (1 - rate), 0.01 * 0.99) / hits.size)
    low, high = {
        "≤ 5 %": (0.0, ALPHA),
        "92–98 %": (0.92, 0.98),
        "93–97 %": (0.93, 0.97),
        "≥ 95 %": (0.95, 1.0),
        "reported": (0.0, 1.0),
    }.get(target) or _range(target)
    within = low - 2 * error <= rate <= high + 2 * error
    return {
        "check": check,
        "setting": setting,
        "figure": rate,
        "mc_error": error,
        "target": target,
        "within": within,
        "runs": hits.size,
    }


def _plan_arrays(d: Diaries, i: int, blocks: int) -> tuple[np.ndarray, ...]:
    """Diary ``i``'s first ``blocks`` blocks: drops, real, block, pain before."""
    keep = d.block < blocks
    return d.drops[i, keep], d.real[i, keep], d.block[keep], d.before[i, keep]


def _judged(d: Diaries, i: int, blocks: int, state: str, planned: int, interval: bool):
    """`sham_verdict` of diary ``i``'s first ``blocks`` blocks, as a plan gives it."""
    drops, real, block, before = _plan_arrays(d, i, blocks)
    return sham_verdict(
        drops, real, block, state=state, planned_blocks=planned, before=before, interval=interval
    )


def _said(d: Diaries, blocks: int, state: str = "done", planned: int | None = None):
    """Each diary's verdict after ``blocks`` blocks (of ``planned``: by default as many)."""
    planned = planned or blocks
    return np.array([_judged(d, i, blocks, state, planned, False)[0] for i in range(len(d.before))])


def _claims(d: Diaries, blocks: int, state: str = "done", planned: int | None = None):
    """Whether each diary's verdict claims a difference after ``blocks`` blocks."""
    return np.isin(_said(d, blocks, state, planned), ("real", "sham"))


def _verdicts(d: Diaries, real: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Each diary's verdict on its whole plan, done, with these labels and blocks."""
    return np.array(
        [
            sham_verdict(
                d.drops[i],
                real[i],
                block[i],
                state="done",
                planned_blocks=PLANNED,
                before=d.before[i],
                interval=False,
            )[0]
            for i in range(len(d.before))
        ]
    )


def _real_vs_sham(diaries: int, seed: int, block_counts: list[int]) -> Iterator[dict]:
    for size in (2, 4):
        settings = DiarySettings(block_size=size)
        d = simulate_diaries(diaries, PLANNED * size, settings, seed=seed + size)
        for blocks in block_counts:
            yield _row(
                "real vs sham: claims a difference when there is none",
                f"plan of {plural(blocks, 'block')} of {size}, judged when done",
                _claims(d, blocks),
                "≤ 5 %",
            )
        # Looking after every block of a 10-block plan: interim looks give no verdict.
        any_claim = np.zeros(diaries, dtype=bool)
        for blocks in range(1, PLANNED + 1):
            state = "done" if blocks == PLANNED else "interim"
            any_claim |= _claims(d, blocks, state, PLANNED)
        yield _row(
            "real vs sham: claims a difference when there is none",
            f"looked at after every block of a {PLANNED}-block plan, blocks of {size}",
            any_claim,
            "≤ 5 %",
        )
        yield from _ended_early(d, size, seed)


def _ended_early(d: Diaries, size: int, seed: int) -> Iterator[dict]:
    """Plans abandoned part way: at random, or as soon as real and sham looked different."""
    rng = np.random.default_rng(seed)
    at_random = rng.integers(1, PLANNED, size=len(d.before))
    when_tempted = np.full(len(d.before), PLANNED)
    for i in range(len(d.before)):  # a person who stops at the first look with p < 0.05
        for blocks in range(2, PLANNED):
            drops, real, block, before = _plan_arrays(d, i, blocks)
            if randomisation_test(drops, real, block, before=before, statistic="adjusted") < ALPHA:
                when_tempted[i] = blocks
                break
    for how, stops in (("at a random block", at_random), ("when it looked good", when_tempted)):
        hits = np.zeros(len(d.before), dtype=bool)
        for blocks in np.unique(stops):
            rows = np.flatnonzero(stops == blocks)
            state = "done" if blocks == PLANNED else "ended early"
            hits[rows] = _claims(d.subset(rows), int(blocks), state, PLANNED)
        yield _row(
            "real vs sham: claims a difference when there is none",
            f"{PLANNED}-block plan ended early {how}, blocks of {size}",
            hits,
            "≤ 5 %",
        )


def _mixed_blocks(diaries: int, seed: int) -> Iterator[dict]:
    """Plans as `acutrack.plan.schedule` makes them: blocks of 2 or 4 at random.

    With no true difference the drops do not depend on the labels, so each diary keeps its
    simulated drops and gets a plan of its own: block sizes drawn at random, real and sham
    shuffled within each block.
    """
    rng = np.random.default_rng(seed + 50)
    sessions = PLANNED * 4
    d = simulate_diaries(diaries, sessions, DiarySettings(block_size=4), seed=seed + 50)
    block = np.array([mixed_layout(rng, sessions) for _ in range(diaries)])
    real = np.zeros((diaries, sessions), dtype=bool)
    for i in range(diaries):
        for members in np.split(np.arange(sessions), np.flatnonzero(np.diff(block[i])) + 1):
            real[i, members] = rng.permutation(np.arange(members.size) < members.size // 2)
    hits = np.isin(_verdicts(d, real, block), ("real", "sham"))
    yield _row(
        "real vs sham: claims a difference when there is none",
        f"plan of {sessions} sessions in blocks of 2 or 4 at random, judged when done",
        hits,
        "≤ 5 %",
    )


def _foreknowledge(diaries: int, seed: int) -> Iterator[dict]:
    """False "real" verdicts when sham sessions seen coming are put off from bad moments.

    A person who knows the next session is sham, and whose pain is 7 or more, does the
    next slot now and the sham one at the next moment (again and again while that holds).
    An open plan allows it; a concealed one (real or sham shown once the session starts)
    does not, so its sessions keep their random places.
    """
    size = 4
    d = simulate_diaries(diaries, PLANNED * size, DiarySettings(block_size=size), seed=seed + 40)
    real = d.real.copy()
    block = np.tile(d.block, (diaries, 1))
    rows = np.arange(diaries)
    for t in range(real.shape[1] - 1):  # the slots move; the moments (and pains) stay
        put_off = rows[~real[:, t] & (d.before[:, t] >= 7)]
        for moved in (real, block):
            moved[put_off, t], moved[put_off, t + 1] = moved[put_off, t + 1], moved[put_off, t]
    for how, labels, blocks in (
        ("open plan, sham put off from moments with pain ≥ 7", real, block),
        (
            "concealed plan: real or sham shown once a session starts",
            d.real,
            np.broadcast_to(d.block, block.shape),
        ),
    ):
        hits = _verdicts(d, labels, blocks) == "real"
        yield _row(
            "real vs sham: claims real when there is no difference, with foreknowledge",
            f"{PLANNED} blocks of {size}, {how}",
            hits,
            "reported" if labels is real else "≤ 5 %",
        )


def _coverage_and_power(diaries: int, seed: int) -> Iterator[dict]:
    """With real relieving 1 point more: the interval's coverage, power and false "no
    difference", for blocks of 2 and 4."""
    for size in (2, 4):
        settings = DiarySettings(block_size=size, real_effect=1.0)
        d = simulate_diaries(diaries, PLANNED * size, settings, seed=seed + 10 * size)
        covered = np.zeros(diaries, dtype=bool)
        verdicts = []
        for i in range(diaries):
            verdict, _, (low, high), _ = _judged(d, i, PLANNED, "done", PLANNED, True)
            covered[i] = not (np.isfinite(low) and np.isfinite(high)) or low <= 1.0 <= high
            verdicts.append(verdict)
        verdicts = np.array(verdicts)
        yield _row(
            "real vs sham: interval holds the true difference (1 point)",
            f"{PLANNED} blocks of {size}",
            covered,
            "95–97 %",
        )
        yield _row(
            "real vs sham: says 'no difference of 1 point or more' when real relieves 1 more",
            f"{PLANNED} blocks of {size}",
            verdicts == "no difference",
            "≤ 5 %",
        )
        for blocks in (PLANNED - 1, PLANNED) if size == 4 else (PLANNED,):
            found = verdicts if blocks == PLANNED else _said(d, blocks)
            yield _row(
                "real vs sham: power to find a 1-point difference",
                f"{blocks} blocks of {size} ({blocks * size} sessions)",
                found == "real",
                "reported",
            )


def _no_difference(diaries: int, seed: int) -> Iterator[dict]:
    """How often a plan says "no difference" when there is none (what it can find)."""
    d = simulate_diaries(diaries, PLANNED * 4, DiarySettings(block_size=4), seed=seed + 60)
    yield _row(
        "real vs sham: says 'no difference of 1 point or more' when there is none",
        f"{PLANNED} blocks of 4",
        _said(d, PLANNED) == "no difference",
        "reported",
    )


def _lingering(diaries: int, seed: int) -> Iterator[dict]:
    """Relief of real sessions that lingers 0.5 point into the next session's pain."""
    for effect in (0.0, 1.0):
        settings = DiarySettings(block_size=4, real_effect=effect, linger=0.5)
        d = simulate_diaries(diaries, PLANNED * 4, settings, seed=seed + 70 + int(effect))
        said = _said(d, PLANNED)
        if effect:
            yield _row(
                "real vs sham: power to find a 1-point difference",
                f"{PLANNED} blocks of 4, real relief also lingering 0.5 point",
                said == "real",
                "reported",
            )
        else:
            yield _row(
                "real vs sham: claims a difference when real relieves no more within sessions",
                f"{PLANNED} blocks of 4, real relief lingering 0.5 point into the next session",
                np.isin(said, ("real", "sham")),
                "≤ 5 %",
            )


#: `prob_benefit`'s reliability: diaries with real relieving each of these more than sham.
BENEFITS = (0.0, 0.5, 1.0, 1.5, 2.0)
#: The bands of stated probability.
RELIABILITY = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.0))


def _benefit(diaries: int, seed: int) -> Iterator[dict]:
    """Of the diaries where `prob_benefit` says 70–90 %, how many truly had 1 point more.

    The probability must never overstate: in each band, at least its lower end of the
    diaries had a true benefit of 1 point or more. With a sceptical prior it may
    understate when benefits are common, as they are here (three of the five truths).
    """
    stated, truth = [], []
    for k, effect in enumerate(BENEFITS):
        settings = DiarySettings(block_size=4, real_effect=effect)
        d = simulate_diaries(diaries, PLANNED * 4, settings, seed=seed + 80 + k)
        for i in range(diaries):
            drops, real, block, before = _plan_arrays(d, i, PLANNED)
            stated.append(prob_benefit(*standard_error(drops, real, block, before)))
        truth += [effect >= 1.0] * diaries
    stated, truth = np.array(stated), np.array(truth)
    for low, high in RELIABILITY:
        inside = (stated >= low) & (stated < high) if high < 1 else stated >= low
        if inside.sum() < 20:
            continue
        yield _row(
            f"prob_benefit: share with a true benefit of 1 point or more, when it says "
            f"{100 * low:.0f}–{100 * high:.0f} %",
            f"{PLANNED} blocks of 4, true benefit 0–2 points ({int(inside.sum())} diaries)",
            truth[inside],
            f"≥ {100 * low:.0f} %" if low else "reported",
        )


def _before_after(diaries: int, seed: int, lengths: list[int]) -> Iterator[dict]:
    """The mean drop's interval in weak and strong spells of relief, then its false claims.

    Each shorter diary is the start of the longest one, so one long-run truth per diary
    serves every length. Below `CAUTIOUS_BELOW` sessions the interval is cautious: it
    should cover at least 95 %, not 93–97 %.
    """
    spells = {  # relief in short, small spells and in long, large ones (default between)
        "weak spells": DiarySettings(relief_persistence=0.5, relief_sd=0.6),
        "strong spells": DiarySettings(relief_persistence=0.75, relief_sd=1.1),
    }
    for k, (name, settings) in enumerate(spells.items()):
        d = simulate_diaries(diaries, max(lengths), settings, seed=seed + 7 * k)
        truth = true_mean_drops(d, settings)
        for n in lengths:
            low, high = mean_drop_intervals(d.drops[:, :n])
            covered = ~np.isfinite(low) | ((low <= truth) & (truth <= high))
            cautious = n < CAUTIOUS_BELOW
            yield _row(
                "before/after: 95 % interval holds the mean drop"
                + (f" (cautious below {CAUTIOUS_BELOW} sessions)" if cautious else ""),
                f"{n} sessions, {name} (persistence {settings.relief_persistence:g}, "
                f"SD {settings.relief_sd:g})",
                covered,
                "≥ 95 %" if cautious else "93–97 %",
            )
    # No relief at all: any drop is regression to the mean and noise.
    settings = DiarySettings(relief_mean=(-1.0, 0.0))
    d = simulate_diaries(diaries * 3, 20, settings, seed=seed + 99)
    truth = true_mean_drops(d, settings)
    lows = mean_drop_intervals(d.drops)[0]
    flat = truth <= 0
    yield _row(
        "before/after: says 'lower after' when the mean drop is 0 or less",
        "20 sessions",
        (lows > 0)[flat],
        "≤ 5 %",
    )


def _pain_change(diaries: int, seed: int, layouts: list[tuple[int, int]]) -> Iterator[dict]:
    """The report's headline: the change in typical pain from the start, from check-ins.

    The truth is the change in typical pain between the two windows (`typical_trend`),
    not the two windows' own swings. With typical pain falling 2 points over the diary
    (less between the windows' middles), how often the interval excludes 0 is reported.
    """
    from ..analysis.pain_now import change_interval, comparison_window
    from .simulate import typical_trend

    for days, per_day in layouts:
        window = comparison_window(days)
        on = np.repeat(np.arange(days), per_day)
        for change in (0.0, -2.0):
            ratings, _ = simulate_checkins(
                diaries, days, per_day=per_day, change=change, seed=seed + days + per_day
            )
            moved = typical_trend(days, change)
            truth = moved[-window:].mean() - moved[:window].mean()
            covered, found = [], []
            for pain in ratings.reshape(diaries, -1):
                seen = ~np.isnan(pain)
                low, high = change_interval(on[seen], pain[seen], window)
                covered.append(not np.isfinite(low) or low <= truth <= high)
                found.append(high < 0 or low > 0)
            setting = (
                f"{days} days, {plural(per_day, 'check-in')} a day, {window}-day windows, "
                f"typical pain moving {change:+g}"
            )
            yield _row(
                "pain now vs the start: interval holds the change in typical pain",
                setting,
                np.array(covered),
                "93–97 %",
            )
            if change:
                yield _row(
                    "pain now vs the start: interval excludes 0 when typical pain falls 2 "
                    "points over the diary",
                    setting,
                    np.array(found),
                    "reported",
                )


def sessions_table(d: Diaries, i: int) -> pd.DataFrame:
    """Diary ``i`` as `Journal.sessions` would return it (a session a day)."""
    n = d.before.shape[1]
    started = pd.date_range("2026-01-05 19:00", periods=n, freq="D", tz="UTC")
    points = [tuple(p for p, on in zip(POINTS, row, strict=True) if on) for row in d.pressed[i]]
    return pd.DataFrame(
        {
            "id": [f"s-{i:05d}{k:05d}" for k in range(n)],
            "started_at": started,
            "local_time": started.tz_localize(None),
            "routine": "back",
            "points": points,
            "condition": pd.Categorical(np.where(d.real[i], "real", "sham")),
            "duration_min": 2.5,
            "pain_before": d.before[i],
            "pain_after": d.after[i],
            "location": "lower-back",
            "notes": "",
        }
    )


def _points(diaries: int, seed: int, lengths: list[int]) -> Iterator[dict]:
    from ..analysis.points import rank_points

    for n in lengths:
        d = simulate_diaries(diaries, n, seed=seed + 3 * n)
        hits = [rank_points(sessions_table(d, i))["more_relief"].any() for i in range(diaries)]
        yield _row(
            "points: says a point went with more relief when no point matters",
            f"{n} sessions of one routine, a point skipped on some days",
            np.array(hits),
            "≤ 5 %",
        )


def _realism(seed: int) -> Iterator[dict]:
    d = simulate_diaries(2000, 100, seed=seed)
    found = check_realism(d)
    for key, words, ok in (
        ("lag1", "lag-1 autocorrelation of drops (≥ 0.3)", found["lag1"] >= 0.3),
        (
            "start_drop",
            "correlation of starting pain with drop (≥ 0.3)",
            found["start_drop"] >= 0.3,
        ),
        ("zero_share", "share of zero drops (15–25 %)", 0.15 <= found["zero_share"] <= 0.25),
    ):
        yield {
            "check": "simulated diaries are at least as hard as real ones",
            "setting": words,
            "figure": found[key],
            "mc_error": 0.0,
            "target": "as stated",
            "within": ok,
            "runs": 2000,
        }


def calibrate(*, quick: bool = False, seed: int = 2026) -> pd.DataFrame:
    """Measure every verdict and interval on realistic simulated diaries.

    Parameters
    ----------
    quick : bool
        The short version for the test suite (fewer diaries and plan lengths; about a
        minute), instead of the full table (`make calibrate`).
    seed : int
        Random seed: the same seed gives the same table.

    Returns
    -------
    DataFrame
        One row per figure: ``check``, ``setting``, ``figure`` (a rate), ``mc_error``
        (its Monte Carlo standard error), ``target``, ``within`` (inside the target
        widened by twice the Monte Carlo error) and ``runs`` (simulated diaries).
    """
    n = 600 if quick else 4000
    parts: list[Callable[[], Iterator[dict]]] = [
        lambda: _realism(seed),
        # The exact test's verdicts are the slow part: fewer diaries in the quick version.
        lambda: _real_vs_sham(
            2 * n // 3 if quick else n, seed, [2, 6, 10] if quick else list(range(1, 11))
        ),
        lambda: _coverage_and_power(n // 3 if quick else n // 2, seed),
        lambda: _no_difference(n // 2, seed),
        lambda: _lingering(n // 2, seed),
        lambda: _benefit(n // 4, seed),
        lambda: _mixed_blocks(n, seed),
        lambda: _foreknowledge(n, seed),
        lambda: _before_after(n, seed, [10, 40] if quick else [5, 10, 20, 30, 40, 100]),
        lambda: _points(n // 4, seed, [40] if quick else [20, 40, 80]),
        lambda: _pain_change(
            n // 2, seed, [(14, 1), (56, 2)] if quick else [(14, 1), (28, 1), (56, 2), (112, 1)]
        ),
    ]
    return pd.DataFrame([row for part in parts for row in part()])


def format_table(table: pd.DataFrame) -> str:
    """The calibration table as Markdown, for the terminal and docs/statistics.md."""
    lines = [
        "| check | setting | figure | target | in band |",
        "|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        figure = f"{row.figure:.3f}" if row.target == "as stated" else f"{100 * row.figure:.1f} %"
        error = f" ± {100 * row.mc_error:.1f}" if row.mc_error else ""
        mark = "yes" if row.within else "**no**"
        lines.append(f"| {row.check} | {row.setting} | {figure}{error} | {row.target} | {mark} |")
    return "\n".join(lines)


if __name__ == "__main__":  # `make calibrate`
    import sys
    import time

    started = time.perf_counter()
    result = calibrate(quick="--quick" in sys.argv)
    print(format_table(result))
    print(
        f"\n{len(result)} figures, {int((~result['within']).sum())} outside their band; "
        f"{time.perf_counter() - started:.0f} s"
    )
    sys.exit(0 if result["within"].all() else 1)
