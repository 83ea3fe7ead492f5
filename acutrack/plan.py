"""Randomised real/sham experiment plans: an N-of-1 trial in balanced blocks.

A plan is a list of slots: when, which routine, real or sham. Slots come in blocks that
each hold as many real as sham sessions in random order, so that a slow drift in pain
(better weeks, worse weeks) falls on both conditions alike, and a randomisation test that
shuffles labels only within blocks stays valid although sessions are not independent.

Plans live in ``plan.csv`` in the journal, append-only like everything else: fulfilling a
slot appends the slot again with the session's id. Pure Python (no pandas), so that
``acutrack log`` can follow the plan and stay fast.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from .errors import InvalidValue, JournalError
from .records import Slot

if TYPE_CHECKING:
    from .journal import Journal

__all__ = [
    "Slot",
    "active_plan",
    "check_seed",
    "make_plan",
    "next_slot",
    "plan_slots",
    "schedule",
    "to_ics",
]


# What ``plan.csv`` can hold and read back: seeds of 31 bits, days whose times fall after
# 1970 in UTC, and a last day of a year-long plan before the year 10000.
SEEDS = range(2**31)
FIRST_DAY, LAST_DAY = date(1970, 1, 2), date(9998, 12, 31)


def _arms(journal: Journal, routine: str) -> tuple[tuple[str, str, None], tuple[str, str, None]]:
    """The (routine, condition, point left out) of the real and the sham arm of ``routine``."""
    r = journal.catalog.routine(routine)
    if r.condition == "sham" and r.twin:
        r = journal.catalog.routine(r.twin)
    if r.condition is None:
        if not r.points:
            raise InvalidValue("routine", routine, "expected a routine with points of its own")
        # A routine of the user's: the same points, pressed lightly for sham.
        return (r.key, "real", None), (r.key, "sham", None)
    if not r.twin:
        raise InvalidValue("routine", routine, "expected a routine with a sham twin")
    return (r.key, "real", None), (r.twin, "sham", None)


def schedule(
    journal: Journal,
    routines: list[str] | tuple[str, ...] = ("back",),
    *,
    weeks: int = 4,
    sessions_per_week: int = 4,
    start: date | None = None,
    seed: int | None = None,
    hour: int = 19,
    tz: tzinfo | None = None,
    leave_out: str | None = None,
) -> list[Slot]:
    """Make a plan's slots without storing them (`make_plan` stores them).

    Parameters
    ----------
    journal : Journal
        Whose routines and clock to use.
    routines : list of str
        Routines to test; each gets its own slots (``back`` is tested against
        ``back-sham``; a routine of your own against itself pressed lightly).
    weeks : int
        How long, 1–52 weeks.
    sessions_per_week : int
        Sessions of each routine per week: even, 2–14. Blocks hold four slots (two real,
        two sham) when this is a multiple of four, else two.
    start : date, optional
        The first day, from 1970-01-02 to 9998-12-31; tomorrow by default.
    seed : int, optional
        Random seed from 0 to 2**31 - 1; a new one by default. It is stored, so the plan
        can be remade.
    hour : int
        Hour of the day the slots are due (a reminder only).
    tz : tzinfo, optional
        Time zone of the slots; by default this computer's, with the UTC offset in force on
        each day (a plan may span a daylight-saving change).
    leave_out : str, optional
        Make a leave-one-out plan instead: real sessions only, each block holding as many
        sessions of the whole routine as of the routine without this point, in random
        order. It answers whether that point adds to the relief.

    Returns
    -------
    list of Slot
        In the order they are meant to be done.
    """
    _check_plan_size(routines, weeks, sessions_per_week)
    import random  # here, not at the top: `acutrack log` reads plans but never makes one
    import secrets

    seed = secrets.randbelow(len(SEEDS)) if seed is None else check_seed(seed)
    rng = random.Random(seed)
    start = start or (journal.now().date() + timedelta(days=1))
    if not isinstance(start, date) or not FIRST_DAY <= start <= LAST_DAY:
        raise InvalidValue("start", str(start), f"expected a day from {FIRST_DAY} to {LAST_DAY}")
    plan_id = f"p{start:%Y%m%d}-{seed:08x}"  # the whole seed: two plans never share ids
    block_size = 4 if sessions_per_week % 4 == 0 else 2
    drafts = []
    block = 0
    for k, routine in enumerate(routines):
        arms = (
            _leave_out_arms(journal, routine, leave_out) if leave_out else _arms(journal, routine)
        )
        for week in range(weeks):
            labels: list[tuple[int, int]] = []
            for _ in range(sessions_per_week // block_size):
                block += 1
                chunk = [0, 1] * (block_size // 2)  # the first arm and the second
                rng.shuffle(chunk)
                labels += [(block, arm) for arm in chunk]
            for i, (number, arm) in enumerate(labels):
                day = start + timedelta(days=7 * week + i * 7 // sessions_per_week)
                due = _local(datetime.combine(day, time(hour=(hour + k) % 24)), tz)
                drafts.append((due, k, number, *arms[arm]))
    drafts.sort(key=lambda d: (d[0], d[1]))
    return [
        Slot(f"{plan_id}-{i + 1:03d}", plan_id, number, due, key, condition, seed, None, point)
        for i, (due, _, number, key, condition, point) in enumerate(drafts)
    ]


def _check_plan_size(
    routines: list[str] | tuple[str, ...], weeks: int, sessions_per_week: int
) -> None:
    """Refuse a plan length, a number of sessions a week or a list of routines out of range."""
    if not isinstance(weeks, int) or not 1 <= weeks <= 52:
        raise InvalidValue("weeks", weeks, "expected a whole number of weeks from 1 to 52")
    if not isinstance(sessions_per_week, int) or sessions_per_week not in range(2, 15, 2):
        raise InvalidValue(
            "sessions_per_week",
            sessions_per_week,
            "expected an even number from 2 to 14 (half real, half sham)",
        )
    if not routines:
        raise InvalidValue("routines", routines, "expected at least one routine")


def _leave_out_arms(
    journal: Journal, routine: str, point: str
) -> tuple[tuple[str, str, None], tuple[str, str, str]]:
    """The two arms of a leave-one-out plan: the whole real routine, and it without ``point``."""
    real = _arms(journal, routine)[0][0]
    points = journal.catalog.routine(real).points
    code = journal.catalog.point_code(point)
    if code not in points or len(points) < 2:
        raise InvalidValue(
            "leave_out",
            point,
            f"expected one of the points of routine {real!r}: {', '.join(points)}",
        )
    return (real, "real", None), (real, "real", code)


def _local(wall: datetime, tz: tzinfo | None) -> datetime:
    return wall.replace(tzinfo=tz) if tz else wall.astimezone()


def check_seed(seed: object) -> int:
    """``seed`` if a plan can store it: a whole number from 0 to 2**31 - 1."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed not in SEEDS:
        raise InvalidValue("seed", seed, f"expected a whole number from 0 to {len(SEEDS) - 1}")
    return seed


def make_plan(
    journal: Journal, routines: list[str] | tuple[str, ...] = ("back",), **settings: Any
) -> list[Slot]:
    """Make a randomised real/sham plan and store it in the journal (``plan.csv``).

    Takes the same settings as `schedule`. The newest plan with open slots is the active
    one: the session form and ``acutrack log`` follow it.

    Returns
    -------
    list of Slot
        In the order they are meant to be done.
    """
    why = paused(journal)
    if why:
        raise JournalError(f"no new plan: {why}")
    slots = schedule(journal, routines, **settings)
    journal.store_plan(slots)
    return slots


def paused(journal: Journal) -> str | None:
    """Why planned sessions and new plans wait, or None: an urgent red-flag answer stands.

    Pressing on a back that may need a doctor today is not advised, real or sham; the
    pause lasts until a screen written after the answer clears it (`acutrack.standing`).
    A screen row that cannot be read pauses too, until the screen is answered again.
    """
    from .outcomes import standing_flag

    flag = standing_flag(journal)
    if flag is None or not flag.urgent:
        return None
    if flag.tier is not None and flag.tier.urgent:
        said = (
            f"your red-flag screen of {flag.screen.answered_at:%d %b} said "
            f"{flag.tier.title.lower()!r}"
        )
    else:
        said = flag.unread_words().rstrip(".").split(":")[0]
    return (
        f"{said}; planned sessions and new plans are paused until a later screen "
        "(acutrack screen) has no emergency or same-day answer, or records that a "
        "clinician has seen you about it"
    )


def plan_slots(
    journal: Journal, plan_id: str | None = None, *, kind: str | None = None
) -> list[Slot]:
    """The slots of a plan as they now stand (see `Journal.plan_slots`)."""
    return journal.plan_slots(plan_id, kind=kind)


def active_plan(journal: Journal) -> list[Slot]:
    """The newest plan's slots while any is still open; empty when there is none."""
    slots = plan_slots(journal)
    return slots if not all(s.filled for s in slots) else []


def next_slot(
    journal: Journal, routine: str | None = None, *, plan: list[Slot] | None = None
) -> Slot | None:
    """The first open slot of the active plan: what the next session should be.

    With ``routine``, the first open slot testing that routine (real or sham arm): slots
    are taken in their random order, so that the person never picks the condition.
    ``plan`` passes the active plan's slots when the caller has read them already.
    """
    slots = [s for s in (active_plan(journal) if plan is None else plan) if not s.filled]
    if routine is not None:
        try:
            arms = {key for key, _, _ in _arms(journal, routine)}
        except InvalidValue:
            return None
        slots = [s for s in slots if s.routine in arms]
    if slots and paused(journal):
        return None
    return slots[0] if slots else None


def to_ics(slots: list[Slot], *, minutes: int = 15) -> str:
    """The slots as an iCalendar file (RFC 5545), one event per slot, for a calendar's reminders.

    Written by the ``icalendar`` package, which escapes the text (commas, semicolons, line
    breaks in a routine's name) and folds lines at 75 octets, as calendars expect.

    Parameters
    ----------
    slots : list of Slot
        The slots, e.g. from `plan_slots`.
    minutes : int
        How long each event lasts.

    Returns
    -------
    str
        The calendar, lines ending in ``\\r\\n``; write it encoded as UTF-8.
    """
    # Imported here: `acutrack log` imports this module and should not pay for icalendar.
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//acutrack//experiment plan//EN")
    calendar.add("version", "2.0")
    stamp = datetime.now(UTC)
    for s in slots:
        event = Event()
        event.add("uid", f"{s.slot}@acutrack")
        event.add("dtstamp", stamp)
        event.add("dtstart", s.due.astimezone(UTC))
        event.add("duration", timedelta(minutes=minutes))
        event.add("summary", f"acutrack: {s.describe()}")
        event.add(
            "description",
            f"Plan {s.plan}, slot {s.slot}, block {s.block}. "
            "Log it in the session form or with acutrack log.",
        )
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
