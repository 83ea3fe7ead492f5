"""Making a randomised plan: slots in balanced blocks, spaced by the carry-over gap, checked
that it starts from today and can reach a verdict, stored, and written as a calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from ..errors import InvalidValue, JournalError
from ..records import Slot
from ..words import plural
from .state import _arms, _newest_open, paused, progress

if TYPE_CHECKING:
    import random

    from ..journal import Journal


# What ``plan.csv`` can hold and read back: seeds of 31 bits, days whose times fall after
# 1970 in UTC, and a last day of a year-long plan before the year 10000.
SEEDS = range(2**31)
FIRST_DAY, LAST_DAY = date(1970, 1, 2), date(9998, 12, 31)
#: The least time between two planned sessions, so that one's relief has faded before the
#: next one's "before" is rated (a carry-over guard).
MIN_GAP = timedelta(hours=4)


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
    block_sizes: tuple[int, ...] = (2, 4),
    blind: bool = False,
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
        Sessions of each routine per week: even, 2–14.
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
    block_sizes : tuple of int
        The sizes a block may have, each even (half of each arm), drawn at random block by
        block: by default 2 or 4, so that the last slot of a block cannot be worked out
        from the ones before it. A block may run on into the next week.
    blind : bool
        Make a blind plan: real and sham are shown as "set A" and "set B" (which is
        which drawn at random), pressed alike, until the plan ends. Only for a routine
        whose sham presses other spots (``back``, ``stress``), not with ``leave_out``.

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
    _check_block_sizes(block_sizes, weeks * sessions_per_week)
    drafts = []
    block = 0
    for k, routine in enumerate(routines):
        arms = (
            _leave_out_arms(journal, routine, leave_out) if leave_out else _arms(journal, routine)
        )
        labels = _blocks_of(rng, weeks * sessions_per_week, block_sizes, first=block + 1)
        block = labels[-1][0]
        for i, (number, arm) in enumerate(labels):
            week, place = divmod(i, sessions_per_week)
            day = start + timedelta(days=7 * week + place * 7 // sessions_per_week)
            drafts.append((day, k, number, *arms[arm]))
    drafts = _spaced(drafts, hour, tz)
    sets = _blind_sets(journal, rng, routines, leave_out) if blind else {}
    return [
        Slot(
            f"{plan_id}-{i + 1:03d}",
            plan_id,
            number,
            due,
            key,
            condition,
            seed,
            None,
            point,
            blind_set=sets.get(condition),
        )
        for i, (due, _, number, key, condition, point) in enumerate(drafts)
    ]


def _blind_sets(
    journal: Journal, rng: random.Random, routines: list[str] | tuple[str, ...], leave_out: Any
) -> dict[str, str]:
    """Which set, ``a`` or ``b``, shows each condition in a blind plan: drawn after every
    other draw, so that a seed makes the same slots blind or not."""
    if leave_out:
        raise InvalidValue("blind", True, "a real/sham plan: a leave-one-out plan is not blinded")
    for routine in routines:
        real, sham = _arms(journal, routine)
        if real[0] == sham[0]:
            raise InvalidValue(
                "blind",
                True,
                f"a routine whose sham presses other spots (back, stress): {routine!r} is its "
                "own sham pressed lightly, which cannot be hidden",
            )
    real = rng.choice("ab")
    return {"real": real, "sham": "b" if real == "a" else "a"}


def _blocks_of(
    rng: random.Random, sessions: int, sizes: tuple[int, ...], *, first: int
) -> list[tuple[int, int]]:
    """(block number, arm) of each of ``sessions`` slots: blocks of ``sizes`` drawn at
    random, numbered from ``first``, each half of one arm and half of the other, shuffled."""
    labels: list[tuple[int, int]] = []
    block = first
    while len(labels) < sessions:
        left = sessions - len(labels)
        fits = [n for n in sizes if n <= left] or [left]
        size = fits[0] if len(fits) == 1 else rng.choice(fits)
        chunk = [0, 1] * (size // 2)  # the first arm and the second
        rng.shuffle(chunk)
        labels += [(block, arm) for arm in chunk]
        block += 1
    return labels


def _check_block_sizes(sizes: tuple[int, ...], sessions: int) -> None:
    """Refuse block sizes that are not even and positive, or that cannot fill the plan."""
    if not sizes or any(not isinstance(n, int) or n < 2 or n % 2 for n in sizes):
        raise InvalidValue("block_sizes", sizes, "expected even sizes of 2 or more, e.g. (2, 4)")
    if sessions % min(sizes):
        why = f"expected sizes that fill {sessions} sessions: {min(sizes)} does not divide it"
        raise InvalidValue("block_sizes", sizes, why)


def _spaced(drafts: list[tuple], hour: int, tz: tzinfo | None) -> list[tuple]:
    """The drafts (day, routine's index, ...) given times: a day's slots at least `MIN_GAP`
    apart, the last at ``hour``, in the order of their routines."""
    from itertools import groupby

    gap = int(MIN_GAP.total_seconds() // 3600)
    timed = []
    for day, group in groupby(sorted(drafts, key=lambda d: (d[0], d[1])), key=lambda d: d[0]):
        same = list(group)
        first = hour - (len(same) - 1) * gap
        if first < 0:
            raise InvalidValue(
                "sessions_per_week",
                len(same),
                f"expected at most {hour // gap + 1} sessions a day when they are {gap} h "
                f"apart and the last is at {hour}:00: fewer sessions or routines, or a later hour",
            )
        for position, (_, k, *rest) in enumerate(same):
            due = _local(datetime.combine(day, time(hour=first + position * gap)), tz)
            timed.append((due, k, *rest))
    return timed


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
    journal: Journal,
    routines: list[str] | tuple[str, ...] = ("back",),
    *,
    anyway: bool = False,
    replace: bool = False,
    **settings: Any,
) -> list[Slot]:
    """Make a randomised real/sham plan and store it in the journal (``plan.csv``).

    Takes the same settings as `schedule`. The newest plan with open slots is the active
    one: the session form and ``acutrack log`` follow it.

    Parameters
    ----------
    journal : Journal
        Where to store it.
    routines : list of str
        The routines to test (see `schedule`).
    anyway : bool
        Make it although it starts before today (its first slots begin overdue) or can
        never reach a verdict (too few blocks for the smallest p-value to reach 0.05).
    replace : bool
        End the active plan, if there is one, and make this one: the old plan's open
        slots are closed, its sessions kept, and its verdict counts it as ended early.
    **settings
        Those of `schedule`.

    Returns
    -------
    list of Slot
        In the order they are meant to be done.

    Raises
    ------
    InvalidValue
        Field ``start`` for a plan starting before today, ``weeks`` for one that can
        never reach a verdict, unless ``anyway``; field ``plan`` while another plan is
        open, unless ``replace``.
    JournalError
        While an urgent red-flag answer stands (`paused`).
    """
    why = paused(journal)
    if why:
        raise JournalError(f"no new plan: {why}")
    slots = schedule(journal, routines, **settings)
    if not anyway:
        _check_new_plan(journal, slots, settings.get("weeks", 4))

    def ends(stored: list[Slot]) -> str | None:
        """The plan the new one replaces, checked under the plan's lock."""
        active = _newest_open(stored)
        begun = next((s for s in active if s.started), None)
        if begun is not None:
            raise InvalidValue(
                "plan",
                begun.plan,
                f"a new plan once the session started {begun.started_at:%a %d %b %H:%M} is "
                "logged (acutrack log --planned --after N): its pain before and what was "
                "shown would be lost",
            )
        if active and not replace:
            done = progress(active, journal.now().date())
            raise InvalidValue(
                "plan",
                active[0].plan,
                f"one plan at a time: the plan begun {active[0].due:%a %d %b} is still open "
                f"({done.done} of {done.total} done). Finish it, or replace it on purpose "
                "(--replace): its sessions are kept and its verdict counts it as ended early",
            )
        return active[0].plan if active else None

    journal.store_plan(slots, ends)
    return slots


def _check_new_plan(journal: Journal, slots: list[Slot], weeks: int) -> None:
    """Refuse a plan whose first slots would begin overdue, or that can never decide."""
    today = journal.now().date()
    late = sum(s.due.date() < today for s in slots)
    if late:
        raise InvalidValue(
            "start",
            f"{slots[0].due:%Y-%m-%d}",
            f"a first day from today on: {late} of its {len(slots)} sessions would begin "
            "overdue (make it anyway on purpose: --anyway)",
        )
    smallest = smallest_p(slots)
    if smallest > 0.05:
        raise InvalidValue(
            "weeks",
            weeks,
            f"a plan that can reach a verdict: with {blocks_in_words(slots)} its "
            f"smallest possible p-value is {smallest:.3g}, above 0.05. Make it longer (more "
            "weeks or sessions a week), or make it anyway on purpose (--anyway)",
        )


def blocks_in_words(slots: list[Slot]) -> str:
    """How many blocks a plan has, in words: "1 block", "4 blocks"."""
    count = len({s.block for s in slots})
    return plural(count, "block")


def smallest_p(slots: list[Slot]) -> float:
    """The smallest two-sided p-value a plan's randomisation test can give.

    As `acutrack.stats.smallest_p` computes it from the plan's first arm (real, or the
    whole routine in a leave-one-out plan) and its blocks.
    """
    from ..stats import smallest_p as design_p

    first_arm = [s.condition == "real" and s.leave_out is None for s in slots]
    return design_p(first_arm, [s.block for s in slots])


def to_ics(
    slots: list[Slot],
    *,
    minutes: int = 15,
    stamp: datetime | None = None,
    cancelled: list[Slot] | tuple[Slot, ...] = (),
) -> str:
    """The slots as an iCalendar file (RFC 5545): `acutrack.reminders.plan_calendar`.

    Every event is titled without its routine or condition, has an alarm, and keeps its
    slot's UID, so a file written again (``stamp``: when; now by default) updates the same
    events; ``cancelled`` slots (of a plan replaced) are written as cancelled.
    """
    from ..reminders import plan_calendar

    when = stamp or datetime.now(UTC)
    return plan_calendar(slots, stamp=when, minutes=minutes, cancelled=cancelled)
