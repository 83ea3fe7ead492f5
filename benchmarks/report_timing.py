"""How long ``acutrack report`` takes in a fresh process: the 16-week sample, the sample
with ``--pdf``, and an empty journal, each against the time to import what a report
needs (``python -c "import pandas, matplotlib.pyplot, scipy.stats"``), all measured in
turn in the same run (medians). Called by ``run.py`` (``make bench``); run alone,
``python benchmarks/report_timing.py`` prints its own rows."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YARDSTICK = "import pandas, matplotlib.pyplot, scipy.stats"
#: Each measure's name in the table, and its goal as a multiple of the yardstick.
GOALS = {
    "sample": ("`acutrack report` (16-week sample)", 1.5),
    "pdf": ("`acutrack report --pdf` (16-week sample)", 2.0),
    "empty": ("`acutrack report` (empty journal)", 1.2),
}


def bench_report(tmp: Path, sample: Path, *, repeat: int = 7) -> dict[str, float]:
    """Median seconds of each report, and of the yardstick (``"import"``), taken in turn
    so that all see the same machine."""
    empty, out = tmp / "report-empty", tmp / "report-out"
    empty.mkdir()
    out.mkdir()
    acutrack = [sys.executable, "-m", "acutrack", "--journal"]
    commands = {
        "import": [sys.executable, "-c", YARDSTICK],
        "sample": [*acutrack, str(sample), "report", "--out", str(out / "sample.html")],
        "pdf": [*acutrack, str(sample), "report", "--out", str(out / "both.html"), "--pdf"],
        "empty": [*acutrack, str(empty), "report", "--out", str(out / "empty.html")],
    }
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            seconds[name].append(time.perf_counter() - start)
    return {name: statistics.median(s) for name, s in seconds.items()}


def report_rows(times: dict[str, float]) -> list[tuple[str, str, str, str]]:
    """The table's rows: each report as a multiple of the yardstick, with its seconds."""
    base = times["import"]
    return [
        (
            f"{name} ÷ `python -c '{YARDSTICK}'`",
            f"{times[key] / base:.2f}",
            f"≤ {goal}",
            f"{times[key]:.2f} s vs {base:.2f} s",
        )
        for key, (name, goal) in GOALS.items()
    ]


def main() -> None:
    from acutrack.sample import write_sample

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        write_sample(tmp / "sample")
        rows = report_rows(bench_report(tmp, tmp / "sample"))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
