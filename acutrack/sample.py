"""A realistic, deterministic sample journal: 16 weeks of one person's acupressure diary.

The story: pain eases slowly over the weeks with flare-ups and day-to-day noise; morning
check-ins on most days, a few evening ones; the back and stress routines, open at first,
then a randomised phase in which each week holds a block of real and sham sessions in
random order; follow-up ratings a few hours after many sessions. Real pressure relieves
somewhat more than sham, and for longer, by ``real_advantage`` points (0 gives a journal
where real and sham differ by chance only).

Everything is written through `Journal`, so the sample obeys the same rules as a user's
journal, and the same seed always gives the same bytes.
"""

from __future__ import annotations

import functools
import random
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from .errors import InvalidValue
from .journal import Journal
from .plan import check_seed, log_planned, make_plan

__all__ = ["DEFAULT_SEED", "SAMPLE_DIR", "sample_journal", "write_sample"]

DEFAULT_SEED = 2026
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
START = date(2026, 6, 1)  # a Monday
TZ = timezone(timedelta(hours=2))

_NOTES = (
    "long drive, stiff after",
    'tried "gentle" pressure as the article says',
    "slept badly 😴",
    "-2 after stretching too",
    "gardening yesterday; sore",
    "calm evening",
    "busy day at work, tense shoulders",
    "warm bath first",
)
_LOCATIONS = ("lower-back",) * 16 + ("buttock-leg",) * 3 + ("upper-back",)
# How the real back routine's extra relief over sham is shared among its points, so that
# sessions that skip a sore point let the points ranking find something.
_POINT_WEIGHTS = {"BL23": 0.25, "BL52": 0.2, "GB30": 0.3, "CV4": 0.1, "BL57": 0.15}
#: A session of the day's plan: (hour, routine, trial?, the plan slot it fills).
_Planned = tuple[float, str, bool, str]


def _clip(x: float) -> int:
    return max(0, min(10, round(x)))


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(), TZ) + timedelta(hours=hour)


def write_sample(
    folder: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    weeks: int = 16,
    real_advantage: float = 1.0,
) -> Journal:
    """Write a sample journal into ``folder`` (which must not hold a journal yet).

    Parameters
    ----------
    folder : str or Path
        Where to write.
    seed : int
        Same seed, same files, byte for byte: from 0 to 2**31 - 1 (it seeds the stored plan).
    weeks : int
        Length of the diary; the randomised real/sham phase runs from week 5 to two weeks
        before the end.
    real_advantage : float
        How many points more real pressure relieves than sham, on average, from -10 to 10;
        0 for none.

    Returns
    -------
    Journal
        The journal written.
    """
    folder = Path(folder)
    _refuse_settings(folder, seed, real_advantage)
    rng = random.Random(seed)
    now = [datetime.combine(START, time(), TZ)]
    journal = Journal(folder, clock=lambda: now[0], make_id=_id_maker(seed))
    plan = _day_plan(journal, rng, weeks, seed)
    levels = _write_days(journal, now, rng, plan, real_advantage)
    _write_outcomes(journal, now, levels, random.Random(f"outcomes-{seed}"))
    return journal


def _refuse_settings(folder: Path, seed: int, real_advantage: float) -> None:
    """Refuse a seed, a real advantage or a folder that the sample cannot be written with."""
    # Checked before anything is written, so that a refused setting leaves no half journal.
    check_seed(seed)
    if not (isinstance(real_advantage, int | float) and -10 <= real_advantage <= 10):  # not NaN
        raise InvalidValue("real_advantage", real_advantage, "expected a number from -10 to 10")
    if any((folder / name).exists() for name in ("sessions.csv", "ratings.csv")):
        raise FileExistsError(f"{folder} already holds a journal; choose an empty folder")


def _id_maker(seed: int) -> Callable[[str], str]:
    """The journal's ``make_id``: seeded ids, sessions and check-ins apart from outcome measures."""
    # Sessions and check-ins draw their ids from one stream, the outcome measures from
    # another, so that adding a measure never changes the sessions' files.
    id_rngs = {"s": random.Random(f"ids-{seed}"), "other": random.Random(f"outcome-ids-{seed}")}
    id_rngs["r"] = id_rngs["s"]

    def make_id(prefix: str) -> str:
        return f"{prefix}-{id_rngs.get(prefix, id_rngs['other']).getrandbits(40):010x}"

    return make_id


def _day_plan(
    journal: Journal, rng: random.Random, weeks: int, seed: int
) -> dict[int, list[_Planned]]:
    """Each day's sessions; in the randomised phase the back sessions follow a stored plan."""
    days = weeks * 7
    trial_weeks = range(4, max(4, weeks - 2))
    plan: dict[int, list[_Planned]] = {d: [] for d in range(days)}
    for week in range(weeks):
        week_days = list(range(week * 7, week * 7 + 7))
        if week in trial_weeks:
            # The back routine follows a randomised plan (below); stress gets one real and
            # one sham session a week in random order, off the plan.
            stress = ["stress", "stress-sham"]
            rng.shuffle(stress)
            for day, routine in zip(sorted(rng.sample(week_days, 2)), stress, strict=True):
                plan[day].append((rng.uniform(12.0, 13.5), routine, True, ""))
        else:
            for day in week_days:
                if rng.random() < 0.55:
                    plan[day].append((rng.uniform(18.5, 21.5), "back", False, ""))
                if rng.random() < 0.25:
                    plan[day].append((rng.uniform(12.0, 13.5), "stress", False, ""))

    if trial_weeks:
        # One block a week: two real and two sham back sessions in random order (the
        # sample keeps blocks of 4, the story the README and the notebooks tell of it).
        slots = make_plan(
            journal,
            ["back"],
            weeks=len(trial_weeks),
            sessions_per_week=4,
            block_sizes=(4,),
            start=START + timedelta(weeks=trial_weeks[0]),
            seed=seed,
            tz=TZ,
        )
        for slot in slots:
            day = (slot.due.date() - START).days
            plan[day].append((rng.uniform(18.5, 21.5), slot.routine, True, slot.slot))
    return plan


def _write_days(
    journal: Journal,
    now: list[datetime],
    rng: random.Random,
    plan: dict[int, list[_Planned]],
    real_advantage: float,
) -> list[float]:
    """Write each day's check-ins and sessions in time order; return each day's pain level."""
    days = len(plan)
    flare = 0.0
    levels = []
    for d in range(days):
        day = START + timedelta(days=d)
        if rng.random() < 0.04:
            flare += rng.uniform(2.0, 3.0)
        level = 6.3 - 2.2 * d / days + flare + rng.gauss(0, 0.6)
        flare *= 0.7
        levels.append(level)
        stress_level = _clip(4 + 2 * (day.weekday() < 5) + rng.gauss(0, 1.2))
        location = rng.choice(_LOCATIONS)
        events = [(rng.uniform(7.0, 9.5), "morning", False, "")]
        if rng.random() < 0.3:
            events.append((rng.uniform(21.6, 22.9), "evening", False, ""))
        events += plan[d]
        for hour, what, in_trial, slot_id in sorted(events):
            when = _at(day, hour)
            now[0] = when + timedelta(minutes=1)
            note = rng.choice(_NOTES) if rng.random() < 0.12 else ""
            if what in ("morning", "evening"):
                if what == "morning" and rng.random() >= 0.85:
                    continue  # some mornings go unrecorded
                stress = stress_level if rng.random() < 0.6 else None
                journal.log_rating(
                    _clip(level + rng.gauss(0, 0.5)),
                    rated_at=when,
                    location=location,
                    stress=stress,
                    notes=note,
                )
                continue
            _log_session_and_follow_up(
                journal,
                now,
                rng,
                when,
                what,
                in_trial=in_trial,
                slot_id=slot_id,
                level=level,
                location=location,
                note=note,
                real_advantage=real_advantage,
            )
    return levels


def _log_session_and_follow_up(
    journal: Journal,
    now: list[datetime],
    rng: random.Random,
    when: datetime,
    what: str,
    *,
    in_trial: bool,
    slot_id: str,
    level: float,
    location: str,
    note: str,
    real_advantage: float,
) -> None:
    """Log one session of the story and, after many, a follow-up rating later that day."""
    day = when.date()
    retention_real = 0.3 + 0.35 * min(max(real_advantage, 0.0), 1.0)
    real = not what.endswith("-sham")
    routine = journal.catalog.routine(what)
    points = list(routine.points)
    if what == "back" and not in_trial and rng.random() < 0.45:
        points.remove(rng.choice(points))  # a sore point given a break
    share = sum(_POINT_WEIGHTS[p] for p in points) if what == "back" else 1.0
    sham_drop = 1.0 if what.startswith("back") else 0.8
    drop = sham_drop + (real_advantage * share if real else 0.0) + rng.gauss(0, 1.0)
    before = _clip(level + 0.4 + rng.gauss(0, 0.6))
    after = _clip(before - drop)
    minutes = (routine.default_minutes or 5.0) * len(points) / len(routine.points)
    fields = dict(
        routine=what,
        points=points,
        duration_min=round(minutes * rng.uniform(0.8, 1.4) * 2) / 2 or 0.5,
        location=location,
        started_at=when,
        notes=note,
    )
    session = (
        log_planned(journal, before, after, **fields, slot=slot_id)
        if slot_id
        else journal.log_session(before, after, **fields)
    )
    if rng.random() < 0.6:
        later = when + timedelta(hours=rng.uniform(2.0, 3.5))
        if later.date() != day:
            return
        retained = (retention_real if real else 0.3) * (before - after)
        now[0] = later + timedelta(minutes=1)
        journal.log_rating(
            _clip(before - retained + rng.gauss(0, 0.5)),
            rated_at=later,
            location=location,
            session_id=session.id,
        )


def _write_outcomes(
    journal: Journal, now: list[datetime], levels: list[float], rng: random.Random
) -> None:
    """The outcome measures of the story: a red-flag screen on the first day and every 4
    weeks (all "no"), PEG-3 on the first day and every Sunday evening, the impression of
    change every 4 weeks, and ibuprofen as needed on some bad days."""
    from .screening import QUESTIONS

    def at(d: int, hour: float) -> datetime:
        now[0] = _at(START + timedelta(days=d), hour) + timedelta(minutes=1)
        return now[0] - timedelta(minutes=1)

    for d in range(0, len(levels), 28):
        journal.log_screen({q.name: "no" for q in QUESTIONS}, answered_at=at(d, 7.2))
    for d in [0, *range(6, len(levels), 7)]:
        week = levels[max(0, d - 6) : d + 1]
        pain = sum(week) / len(week)
        journal.log_peg(
            _clip(pain + rng.gauss(0, 0.5)),
            _clip(pain - 0.8 + rng.gauss(0, 0.8)),
            _clip(pain - 0.3 + rng.gauss(0, 0.8)),
            answered_at=at(d, 20.5),
        )
    for k, d in enumerate(range(28, len(levels), 28)):
        journal.log_pgic(min(2 + k, 7), since=START, answered_at=at(d, 20.6))
    for d, level in enumerate(levels):
        if level > 6.0 and rng.random() < 0.5:
            journal.log_medication(
                "ibuprofen", 400, "mg", as_needed=True, taken_at=at(d, rng.uniform(9.0, 18.0))
            )


@functools.cache
def _generated() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="acutrack-sample-")) / "journal"
    write_sample(folder)
    return folder


def sample_journal() -> Journal:
    """The bundled sample journal, read-only.

    It is the ``sample_data/`` folder of the kit, written by `write_sample` with the
    default seed; where acutrack is installed without that folder, the same journal is
    generated into a temporary folder.

    Examples
    --------
    >>> import acutrack as at
    >>> len(at.sample_journal().sessions()) > 50
    True
    """
    folder = SAMPLE_DIR if (SAMPLE_DIR / "sessions.csv").exists() else _generated()
    return Journal(folder, read_only=True)
