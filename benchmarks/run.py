"""acutrack benchmarks: each figure is a ratio against a baseline measured in the same run.

Run with ``make bench``. Prints a Markdown table (paste it into the README) with the
machine it ran on. Nothing here is a test: goals are printed beside the figures.
"""

from __future__ import annotations

import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import pandas as pd
from app_timing import bench_app  # beside this script: run as benchmarks/run.py
from report_timing import bench_report, report_rows

import acutrack as at
from acutrack.sample import write_sample

ROOT = Path(__file__).resolve().parent.parent
TZ = timezone(timedelta(hours=1))
BACK = at.ROUTINES["back"].points


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}, pandas {pd.__version__}"
    )


def synthetic(
    folder: Path, *, days: int, sessions_per_day: int, ratings_per_day: int
) -> at.Journal:
    """A large valid journal, written in big validated appends (not one fsync per row)."""
    rng = random.Random(days)
    journal = at.Journal(folder)
    catalog = journal.catalog
    start = datetime(2026, 11, 1, tzinfo=TZ) - timedelta(days=days)
    sessions, ratings = [], []
    for d in range(days):
        day = start + timedelta(days=d)
        for k in range(sessions_per_day):
            routine = rng.choice(["back", "back-sham", "stress", "stress-sham"])
            points = list(catalog.routine(routine).points)
            if routine == "back" and rng.random() < 0.3:
                points.remove(rng.choice(points))
            before = rng.randint(2, 9)
            values = {
                "id": f"s-{len(sessions):010x}",
                "started_at": day + timedelta(hours=7 + 1.5 * k, minutes=rng.randint(0, 59)),
                "routine": routine,
                "points": points,
                "condition": None,
                "duration_min": 5,
                "pain_before": before,
                "pain_after": max(0, before - rng.randint(-1, 4)),
                "location": "lower-back",
                "notes": "",
            }
            sessions.append(values)
        for k in range(ratings_per_day):
            follow = sessions[-1]["id"] if k == 0 and sessions else None
            values = {
                "id": f"r-{len(ratings):010x}",
                "rated_at": day + timedelta(hours=9 + 4 * k, minutes=30),
                "pain": rng.randint(1, 9),
                "location": "lower-back",
                "session_id": follow,
                "stress": rng.randint(0, 10),
                "notes": "",
            }
            ratings.append(values)
    for kind, rows in (("sessions", sessions), ("ratings", ratings)):
        for i in range(0, len(rows), 20_000):
            journal.log_many(kind, rows[i : i + 20_000])
    return journal


def medians(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds of each run, taken in turn so that all see the same machine and disk."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(seconds) for name, seconds in times.items()}


def bench_append(tmp: Path) -> dict:
    small = synthetic(tmp / "small", days=100, sessions_per_day=1, ratings_per_day=0)
    large = synthetic(tmp / "large", days=10_000, sessions_per_day=10, ratings_per_day=0)
    n_large = len(large.sessions())
    out = medians(
        {"small": lambda: small.log_session(5, 3), "large": lambda: large.log_session(5, 3)}, 40
    )
    return {"n_large": n_large, **out, "ratio": out["large"] / out["small"]}


def bench_load(tmp: Path) -> dict:
    """Load the large journal, and a copy of it without the rows logged at this computer's
    UTC offset: pandas' ``parse_dates`` (the baseline) is much slower on mixed offsets."""
    shutil.copytree(tmp / "large", tmp / "one-offset")
    path = tmp / "one-offset" / "sessions.csv"
    lines = path.read_text().splitlines(keepends=True)
    offset = lines[1].split(",")[1][-6:]
    path.write_text("".join(lines[:1] + [x for x in lines[1:] if x.split(",")[1].endswith(offset)]))
    out = {}
    for name in ("large", "one-offset"):
        journal = at.Journal(tmp / name)
        path = journal.path / "sessions.csv"
        plain = partial(pd.read_csv, path, parse_dates=["started_at"])
        seconds = medians({"ours": journal.sessions, "plain": plain}, 9)
        out[name] = {"rows": len(journal.sessions()), **seconds}
        out[name]["ratio"] = seconds["ours"] / seconds["plain"]
        out[name]["offsets"] = pd.read_csv(path)["started_at"].str[-6:].nunique()
    return out


JRNL_CONFIG = """\
colors: {{body: none, date: none, tags: none, title: none}}
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: false
indent_character: '|'
journals:
  default:
    journal: {journal}
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%F %r'
version: v4.6
"""


def bench_cli(tmp: Path) -> dict:
    """Cold `acutrack log` into a journal with an active plan, beside its floor and jrnl.

    The floor is what any locked append from the command line pays before acutrack's own
    code runs: Python, its argument parser and the filelock package. jrnl (the `bench`
    extra) is a command-line journal whose cold add is the comparison a person would make.
    """
    import compileall
    import shutil

    # As after any install: bytecode compiled (this machine sets PYTHONDONTWRITEBYTECODE).
    compileall.compile_dir(ROOT / "acutrack", quiet=1)
    journal = at.Journal(tmp / "cli")
    at.make_plan(journal, ["back"], weeks=8, sessions_per_week=4, seed=1)
    scripts = Path(sys.executable).parent
    log = ["log", "--before", "6", "--after", "3"]
    commands = {
        "ours": [str(scripts / "acutrack"), "--journal", str(journal.path), *log],
        "plain": [sys.executable, "-c", "pass"],
        "floor": [sys.executable, "-c", "import argparse, filelock"],
    }
    jrnl = shutil.which("jrnl", path=str(scripts))
    if jrnl:
        config = tmp / "jrnl.yaml"
        config.write_text(JRNL_CONFIG.format(journal=tmp / "jrnl.txt"), encoding="utf-8")
        commands["jrnl"] = [jrnl, "--config-file", str(config), "Session: pain 6 to 3."]
    env = {**os.environ, "HOME": str(tmp)}  # jrnl writes nothing into the real home
    out = medians(
        {
            name: partial(subprocess.run, c, check=True, capture_output=True, env=env)
            for name, c in commands.items()
        },
        21,
    )
    return {**out, "ratio": out["ours"] / out["plain"]}


ANALYSE = """
import resource, sys, time
import acutrack as at
from acutrack.report import report_tables
journal = at.Journal(sys.argv[1])
start = time.perf_counter()
tables = report_tables(journal)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(seconds, peak_mb, len(tables.sessions), len(tables.ratings))
"""


def bench_analysis(tmp: Path) -> dict:
    out = {}
    for name, days in (("1 year", 365), ("10 years", 3650)):
        synthetic(tmp / name, days=days, sessions_per_day=3, ratings_per_day=3)
        runs = [
            subprocess.run(
                [sys.executable, "-c", ANALYSE, str(tmp / name)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            for _ in range(3)
        ]
        out[name] = {
            "seconds": statistics.median(float(r[0]) for r in runs),
            "peak_mb": max(float(r[1]) for r in runs),
            "sessions": int(runs[0][2]),
            "ratings": int(runs[0][3]),
        }
    return out


def bench_notebooks(tmp: Path) -> dict:
    import nbformat
    from nbclient import NotebookClient

    env = {"ACUTRACK_HOME": str(tmp / "nb-journal"), "HOME": str(tmp / "nb-home")}
    os.environ.update(env)
    seconds = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=300, kernel_name="python3").execute()
        seconds[path.stem] = time.perf_counter() - start
    return seconds


def _import_pandas() -> float:
    """Seconds for ``python -c "import pandas"`` (best of 3): the yardstick of this machine."""
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import pandas"], check=True)
        runs.append(time.perf_counter() - start)
    return min(runs)


def _app_rows(app: dict[str, float] | None, pandas_import: float) -> list[tuple[str, ...]]:
    """The app's timings in a real browser, each also as a multiple of importing pandas."""
    if app is None:
        return [("`acutrack app` in a browser", "—", "—", "Chromium not installed")]
    goals = {
        "first page": ("`acutrack app` to a page with buttons (16-week sample)", "≈ 8 s"),
        "reload": ("app page reloaded (median of 3)", "≤ 2 s"),
        "second tab": ("app page in a second tab", "≤ 2 s"),
        "report at once": (
            "app: *Make the report*, clicked as soon as the page shows (16-week sample)",
            "—",
        ),
        "report": (
            "app: *Make the report*, clicked after 5 s reading the page (16-week sample)",
            "≤ 3 s",
        ),
    }
    return [
        (
            name,
            f"{app[key]:.1f} s",
            goal,
            f"{app[key] / pandas_import:.1f}× `python -c 'import pandas'` ({pandas_import:.2f} s)",
        )
        for key, (name, goal) in goals.items()
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        append = bench_append(tmp)
        load = bench_load(tmp)
        cli = bench_cli(tmp)
        analysis = bench_analysis(tmp)
        notebooks = bench_notebooks(tmp)
        pandas_import = _import_pandas()
        write_sample(tmp / "sample")
        report = bench_report(tmp, tmp / "sample")
        app = bench_app(tmp, tmp / "sample")
    ten, one = analysis["10 years"], analysis["1 year"]
    rows = [
        (
            f"append into {append['n_large']:,} sessions ÷ into 100",
            f"{append['ratio']:.2f}",
            "≤ 1.3",
            f"median {1000 * append['large']:.1f} ms vs {1000 * append['small']:.1f} ms per append",
        ),
        *(
            (
                f"`Journal.sessions()` on {x['rows']:,} rows "
                f"({x['offsets']} UTC offset{'s' if x['offsets'] > 1 else ''}) "
                "÷ `pandas.read_csv`",
                f"{x['ratio']:.2f}",
                "≤ 2.0",
                f"{x['ours']:.2f} s vs {x['plain']:.2f} s",
            )
            for x in load.values()
        ),
        (
            "cold `acutrack log` (active plan) ÷ `python -c 'import argparse, filelock'`",
            f"{cli['ours'] / cli['floor']:.2f}",
            "≤ 1.4",
            f"{1000 * cli['ours']:.0f} ms vs {1000 * cli['floor']:.0f} ms "
            f"(`python -c pass`: {1000 * cli['plain']:.0f} ms)",
        ),
        (
            "cold `jrnl` add ÷ cold `acutrack log`",
            f"{cli['jrnl'] / cli['ours']:.2f}" if "jrnl" in cli else "—",
            "≥ 1",
            f"jrnl: {1000 * cli['jrnl']:.0f} ms" if "jrnl" in cli else "jrnl not installed",
        ),
        (
            f"report analysis, 10 years ({ten['sessions']:,} sessions, {ten['ratings']:,} ratings)",
            f"{ten['seconds']:.2f} s",
            "< 5 s",
            f"peak memory {ten['peak_mb']:.0f} MB (goal ≤ 400)",
        ),
        (
            "report analysis, 10 years ÷ 1 year",
            f"{ten['seconds'] / one['seconds']:.2f}",
            "≤ 3",
            f"1 year: {one['seconds']:.2f} s, {one['sessions']:,} sessions",
        ),
        (
            "all notebooks, executed headless",
            f"{sum(notebooks.values()):.1f} s",
            "—",
            ", ".join(f"{k.split('_')[0]}: {v:.1f} s" for k, v in notebooks.items()),
        ),
    ]
    rows += report_rows(report)
    rows += _app_rows(app, pandas_import)
    print(f"Machine: {machine()}; {datetime.now(UTC):%Y-%m-%d}\n")
    print("| measure | figure | goal | detail |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
