"""What a plan can find, said before it starts: power simulated on realistic diaries.

`acutrack plan --new` says how likely the plan is to find real relieving 1 point more
than sham, and how many sessions 80 % would take at 1 and at 2 points. The figures are
simulated once, with the verdict the plan will get (`real_sham.sham_verdict`), on three
kinds of realistic diary (`simulate`): calmer, typical and harder (more day-to-day
swing, relief in stronger spells, more flare-ups). A person's own diary lies somewhere
among them, so a plan's power is said as the range across the three. The table is
stored beside this module (``power_table.csv``, remade by ``make power-table``), so the
command line looks figures up and simulates nothing.
"""

from __future__ import annotations

import csv
import functools
import math
from pathlib import Path

__all__ = ["power_range", "power_words", "sessions_for", "simulate_power_table"]

TABLE = Path(__file__).with_name("power_table.csv")
#: Plan lengths simulated (sessions): whole blocks of 2 or 4.
LENGTHS = tuple(range(8, 101, 4))
EFFECTS = (1.0, 2.0)
#: How the three kinds of diary differ from the typical one (`simulate.DiarySettings`).
KINDS = {
    "calmer": {"day_sd": 1.0, "relief_sd": 0.5, "level_sd": 0.4},
    "typical": {},
    "harder": {"day_sd": 1.6, "relief_sd": 1.0, "flare_chance": 0.08},
}
TARGET = 0.8


def simulate_power_table(diaries: int = 800, seed: int = 2026) -> list[dict]:
    """Power of a plan of each length in `LENGTHS`, for each effect and kind of diary.

    Plans have blocks of 2 or 4 at random, as `acutrack.plan.make_plan` draws them, and
    are judged when done. About ten minutes for 800 diaries a cell.

    Returns
    -------
    list of dict
        ``sessions``, ``effect``, ``kind``, ``power`` and ``diaries``.
    """
    import numpy as np

    from .real_sham import sham_verdict
    from .simulate import DiarySettings, mixed_layout, simulate_diaries

    rows = []
    for k, (kind, changes) in enumerate(KINDS.items()):
        for effect in EFFECTS:
            for sessions in LENGTHS:
                rng = np.random.default_rng([seed, k, int(10 * effect), sessions])
                layout = mixed_layout(rng, sessions)
                settings = DiarySettings(real_effect=effect, **changes)
                d = simulate_diaries(
                    diaries, sessions, settings, seed=int(rng.integers(2**31)), layout=layout
                )
                found = [
                    sham_verdict(
                        d.drops[i],
                        d.real[i],
                        layout,
                        state="done",
                        planned_blocks=int(layout[-1]) + 1,
                        before=d.before[i],
                        interval=False,
                    )[0]
                    == "real"
                    for i in range(diaries)
                ]
                power = float(np.mean(found))
                rows.append(
                    {
                        "sessions": sessions,
                        "effect": effect,
                        "kind": kind,
                        "power": round(power, 3),
                        "diaries": diaries,
                    }
                )
    return rows


@functools.cache  # read once: the words look it up several times
def _table() -> list[dict]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return [
            {
                **row,
                "sessions": int(row["sessions"]),
                "effect": float(row["effect"]),
                "power": float(row["power"]),
            }
            for row in csv.DictReader(f)
        ]


def power_range(sessions: int, effect: float = 1.0) -> tuple[float, float]:
    """The lowest and highest power across the kinds of diary, for a plan of ``sessions``.

    Between two simulated lengths the shorter one's figure is used (so the power is never
    overstated); beyond the longest, the longest's.
    """
    rows = [r for r in _table() if r["effect"] == effect and r["sessions"] <= sessions]
    if not rows:
        return (0.0, 0.0)
    length = max(r["sessions"] for r in rows)
    powers = [r["power"] for r in rows if r["sessions"] == length]
    return (min(powers), max(powers))


def sessions_for(effect: float = 1.0, power: float = TARGET) -> tuple[int, int] | None:
    """Sessions needed for ``power`` in the easiest and the hardest kind of diary.

    For each kind, the shortest plan from which every longer simulated plan reaches
    ``power`` (so a lucky figure in the simulation does not shorten it). None when the
    longest simulated plan falls short in the hardest kind.
    """
    needed = []
    for kind in KINDS:
        cells = sorted(
            (r["sessions"], r["power"])
            for r in _table()
            if r["kind"] == kind and r["effect"] == effect
        )
        short = [length for length, found in cells if found < power]
        if short and short[-1] == cells[-1][0]:
            return None
        needed.append(next(length for length, _ in cells if length > max(short, default=0)))
    return (min(needed), max(needed))


def power_words(sessions: int, what: str = "real relieves 1 point more than sham") -> str:
    """What a plan of ``sessions`` can find, and what 80 % would take, in words.

    ``what`` names the difference of 1 point the plan looks for.
    """
    low, high = power_range(sessions)

    def share(x: float) -> str:
        return f"{math.floor(100 * x):.0f} %"

    said = (
        f"If {what}, this plan of {sessions} sessions finds it "
        f"{share(low)} to {share(high)} of the time (simulated on realistic diaries, calmer "
        "to harder)."
    )
    for effect in EFFECTS:
        needed = sessions_for(effect)
        said += (
            f" For 80 % at {effect:g} point{'s' * (effect != 1)}: about "
            f"{needed[0]}–{needed[1]} sessions."
            if needed
            else f" 80 % at {effect:g} points needs more than {LENGTHS[-1]} sessions."
        )
    return said


if __name__ == "__main__":  # `make power-table`
    import time

    started = time.perf_counter()
    table = simulate_power_table()
    with TABLE.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    print(f"{len(table)} rows written to {TABLE} in {time.perf_counter() - started:.0f} s")
