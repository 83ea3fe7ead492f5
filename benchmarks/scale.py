"""acutrack at scale: time and peak memory of the common commands on long journals.

Run with ``make bench-scale`` (not part of ``make test``: it writes a million-row journal).
Journals of 10,000, 100,000 and 1,000,000 sessions (plus ten years of daily check-ins)
are written directly as CSV in acutrack's own format, not by a million locked appends.
Each measure runs in a fresh process, so its peak memory is its own.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

import acutrack as at
from acutrack.tables import rating_spec, session_spec

SIZES = (10_000, 100_000, 1_000_000)
RATINGS = 3650
START = pd.Timestamp("1996-01-01 07:00", tz="Europe/Berlin")

# Peak memory from /proc's VmHWM where there is one: unlike ru_maxrss, it starts afresh
# at exec, so a child does not inherit the peak of the process that started it.
MEASURE = """
import json, resource, sys, time
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
try:
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    peak = int(status.split()[0]) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak}}))
"""
BODIES = {
    "sessions()": "import acutrack as at\nat.Journal(sys.argv[1]).sessions()",
    "pandas.read_csv": "import pandas as pd\npd.read_csv(sys.argv[1] + '/sessions.csv')",
    "show --last 5": "from acutrack.cli import main\nmain(['--journal', sys.argv[1], 'show', "
    "'--last', '5'])",
    "validate": "from acutrack.cli import main\nmain(['--journal', sys.argv[1], 'validate'])",
    "correct": "from acutrack.cli import main\nmain(['--journal', sys.argv[1], 'correct', "
    "sys.argv[2], '--after', '4'])",
    "report": "from acutrack.cli import main\nmain(['--journal', sys.argv[1], 'report', "
    "'--out', sys.argv[1] + '/report.html'])",
}


DAMAGED = ("show --last 5", "validate")


def _times(count: int, every: str, offset: str) -> pd.Series:
    moments = pd.date_range(START, periods=count, freq=every) + pd.Timedelta(offset)
    local = moments.strftime("%Y-%m-%dT%H:%M:%S")
    zone = moments.strftime("%z")
    return pd.Series(local) + zone.str[:3] + ":" + zone.str[3:]


def write_journal(folder: Path, sessions: int) -> str:
    """A valid journal of ``sessions`` sessions written in one go; returns a session's id."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(sessions)
    before = rng.integers(2, 10, sessions)
    routines = np.array(["back", "back-sham", "stress", "stress-sham"])
    routine = routines[rng.integers(0, 4, sessions)]
    order = np.argsort(routines)
    points = np.array([";".join(at.ROUTINES[r].points) for r in routines[order]])[
        np.searchsorted(routines[order], routine)
    ]
    every = f"{max(1, 10 * 365 * 24 * 60 // sessions)}min"
    table = pd.DataFrame(
        {
            "id": [f"s-{i:010x}" for i in range(sessions)],
            "started_at": _times(sessions, every, "0h"),
            "routine": routine,
            "points": points,
            "condition": np.where(np.char.endswith(routine.astype(str), "sham"), "sham", "real"),
            "duration_min": 2.5,
            "pain_before": before,
            "pain_after": np.maximum(0, before - rng.integers(-1, 4, sessions)),
            "location": "lower-back",
            "notes": "",
            "action": "add",
            "recorded_at": "2026-11-01T00:00:00+00:00",
        }
    )
    assert list(table.columns) == list(session_spec(at.Journal(folder).catalog).columns)
    table.to_csv(folder / "sessions.csv", index=False, lineterminator="\n")
    ratings = pd.DataFrame(
        {
            "id": [f"r-{i:010x}" for i in range(RATINGS)],
            "rated_at": _times(RATINGS, "1D", "1h"),
            "pain": rng.integers(1, 9, RATINGS),
            "location": "lower-back",
            "session_id": "",
            "stress": "",
            "notes": "",
            "action": "add",
            "recorded_at": "2026-11-01T00:00:00+00:00",
        }
    )
    assert list(ratings.columns) == list(rating_spec().columns)
    ratings.to_csv(folder / "ratings.csv", index=False, lineterminator="\n")
    (folder / "journal.json").write_text(
        '{\n  "format": "acutrack journal",\n  "schema_version": 1\n}\n', encoding="utf-8"
    )
    return table["id"].iloc[sessions // 2]


def damage(folder: Path, copy: Path) -> None:
    """A copy of the journal with one decimal pain in its middle row."""
    import shutil

    shutil.copytree(folder, copy)
    data = (copy / "sessions.csv").read_bytes()
    middle = data.find(b"\n", len(data) // 2) + 1
    end = data.find(b"\n", middle)
    cells = data[middle:end].split(b",")
    cells[6] = b"5.5"  # pain_before
    (copy / "sessions.csv").write_bytes(data[:middle] + b",".join(cells) + data[end:])


def measure(name: str, folder: Path, entry: str) -> dict:
    script = MEASURE.format(body=BODIES[name])
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder), entry],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    results: dict[int, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            folder = Path(tmp) / f"j{size}"
            started = time.perf_counter()
            entry = write_journal(folder, size)
            written = time.perf_counter() - started
            results[size] = {name: measure(name, folder, entry) for name in BODIES}
            damage(folder, Path(tmp) / f"d{size}")
            for name in DAMAGED:
                results[size][f"{name} (one damaged row)"] = measure(
                    name, Path(tmp) / f"d{size}", entry
                )
            print(f"{size:,} sessions written in {written:.1f} s", file=sys.stderr)
    print(
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"pandas {pd.__version__}; {datetime.now(UTC):%Y-%m-%d}\n"
    )
    names = [*BODIES, *(f"{name} (one damaged row)" for name in DAMAGED)]
    print("| measure | " + " | ".join(f"{s:,}" for s in SIZES) + " | 1M ÷ 100k |")
    print("|---|" + "---|" * (len(SIZES) + 1))
    for name in names:
        cells = [
            f"{results[s][name]['seconds']:.2f} s, {results[s][name]['peak_mb']:.0f} MB"
            for s in SIZES
        ]
        ratio = results[SIZES[-1]][name]["seconds"] / results[SIZES[1]][name]["seconds"]
        print(f"| {name} | " + " | ".join(cells) + f" | {ratio:.1f} |")
    big, mid = results[SIZES[-1]], results[SIZES[1]]
    goals = [
        ("report 1M ÷ 100k", big["report"]["seconds"] / mid["report"]["seconds"], "≤ 12"),
        ("correct at 1M, seconds", big["correct"]["seconds"], "≤ 2"),
        ("correct at 1M, peak MB", big["correct"]["peak_mb"], "≤ 500"),
        ("show --last 5 ÷ sessions() at 1M", _ratio(big, "show --last 5", "sessions()"), "≤ 1.5"),
        (
            "validate with one damaged row ÷ without, at 1M",
            _ratio(big, "validate (one damaged row)", "validate"),
            "≈ 1",
        ),
        (
            "sessions() peak memory ÷ pandas.read_csv's at 1M",
            big["sessions()"]["peak_mb"] / big["pandas.read_csv"]["peak_mb"],
            "≤ 2",
        ),
    ]
    print()
    for words, figure, goal in goals:
        print(f"- {words}: {figure:.2f} (goal {goal})")


def _ratio(sizes: dict, name: str, baseline: str) -> float:
    return sizes[name]["seconds"] / sizes[baseline]["seconds"]


if __name__ == "__main__":
    main()
