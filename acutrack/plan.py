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

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from .errors import InvalidValue, JournalError
from .records import Session, Slot

if TYPE_CHECKING:
    from .journal import Journal

__all__ = [
    "Due",
    "Progress",
    "Slot",
    "active_plan",
    "check_seed",
    "due_slot",
    "log_planned",
    "make_plan",
    "next_slot",
    "plan_slots",
    "planned_words",
    "press_words",
    "progress",
    "schedule",
    "shown",
    "smallest_p",
    "start_planned",
    "to_ics",
]


# What ``plan.csv`` can hold and read back: seeds of 31 bits, days whose times fall after
# 1970 in UTC, and a last day of a year-long plan before the year 10000.
SEEDS = range(2**31)
FIRST_DAY, LAST_DAY = date(1970, 1, 2), date(9998, 12, 31)
#: What stands for a slot's real or sham until its session starts.
CONCEALED = "shown when you start"
#: The least time between two planned sessions, so that one's relief has faded before the
#: next one's "before" is rated (a carry-over guard).
MIN_GAP = timedelta(hours=4)


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
                drafts.append((day, k, number, *arms[arm]))
    drafts = _spaced(drafts, hour, tz)
    return [
        Slot(f"{plan_id}-{i + 1:03d}", plan_id, number, due, key, condition, seed, None, point)
        for i, (due, _, number, key, condition, point) in enumerate(drafts)
    ]


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
    active = active_plan(journal)
    if active and not replace:
        done = progress(active, journal.now().date())
        raise InvalidValue(
            "plan",
            active[0].plan,
            f"one plan at a time: the plan begun {active[0].due:%a %d %b} is still open "
            f"({done.done} of {done.total} done). Finish it, or replace it on purpose "
            "(--replace): its sessions are kept and its verdict counts it as ended early",
        )
    journal.store_plan(slots)
    if active:
        journal.close_plan(active[0].plan)
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
            f"a plan that can reach a verdict: with {len({s.block for s in slots})} blocks its "
            f"smallest possible p-value is {smallest:.3g}, above 0.05. Make it longer (more "
            "weeks or sessions a week), or make it anyway on purpose (--anyway)",
        )


def smallest_p(slots: list[Slot]) -> float:
    """The smallest two-sided p-value a plan's randomisation test can give.

    As `acutrack.stats.smallest_p` computes it from the plan's first arm (real, or the
    whole routine in a leave-one-out plan) and its blocks.
    """
    from .stats import smallest_p as design_p

    first_arm = [s.condition == "real" and s.leave_out is None for s in slots]
    return design_p(first_arm, [s.block for s in slots])


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
    return slots if any(s.open for s in slots) else []


def next_slot(
    journal: Journal,
    routine: str | None = None,
    *,
    plan: list[Slot] | None = None,
    day: date | None = None,
) -> Slot | None:
    """The open slot of the active plan that a session on ``day`` fills (`due_slot`), or
    the one whose session was started and is not logged yet.

    Parameters
    ----------
    journal : Journal
        Whose plan.
    routine : str, optional
        Only slots testing this routine (its real or sham arm).
    plan : list of Slot, optional
        The active plan's slots, when the caller has read them already.
    day : date, optional
        The session's day where the person is; today by the journal's clock by default.

    Returns
    -------
    Slot or None
        None without an open slot, or while planned sessions are paused (`paused`).
    """
    slots = active_plan(journal) if plan is None else plan
    if routine is not None:
        try:
            arms = {key for key, _, _ in _arms(journal, routine)}
        except InvalidValue:
            return None
        slots = [s for s in slots if s.routine in arms]
    begun = _started(slots)  # a session started and not logged comes first
    due = due_slot(slots, journal.now().date() if day is None else day)
    if due is None or paused(journal):
        return None
    return begun or due.slot


@dataclass(frozen=True)
class Due:
    """The slot a session on ``day`` fills, and how its due day stands against that day."""

    slot: Slot
    day: date

    @property
    def overdue(self) -> bool:
        """Whether the slot was due on an earlier day."""
        return self.slot.due.date() < self.day

    @property
    def early(self) -> bool:
        """Whether the slot is due on a later day."""
        return self.slot.due.date() > self.day

    def words(self) -> str:
        """When it is due, in words: "due today", "overdue since Sat 05 Dec", ..."""
        if self.overdue:
            return f"overdue since {self.slot.due:%a %d %b}"
        return "due today" if not self.early else f"due {self.slot.due:%a %d %b}"


@dataclass(frozen=True)
class Progress:
    """How far a plan has come on a day: done, the next slot to come, the overdue ones."""

    done: int
    total: int
    coming: Slot | None
    overdue: tuple[Slot, ...]
    day: date

    def words(self) -> str:
        """ "3 of 16 done · next: Thu 10 Dec · 1 overdue (Sat 05 Dec)", dates in words."""
        parts = [f"{self.done} of {self.total} done"]
        if self.coming is not None:
            when = self.coming.due.date()
            parts.append(f"next: {'today' if when == self.day else f'{when:%a %d %b}'}")
        if self.overdue:
            days = ", ".join(f"{s.due:%a %d %b}" for s in self.overdue[:3])
            more = f" and {len(self.overdue) - 3} more" if len(self.overdue) > 3 else ""
            parts.append(f"{len(self.overdue)} overdue ({days}{more})")
        return " · ".join(parts)


def progress(slots: list[Slot], day: date) -> Progress:
    """Where the plan ``slots`` stand on ``day`` (the person's local day)."""
    waiting = sorted((s for s in slots if s.open), key=lambda s: (s.due, s.slot))
    overdue = tuple(s for s in waiting if s.due.date() < day)
    coming = next((s for s in waiting if s.due.date() >= day), None)
    return Progress(sum(s.filled for s in slots), len(slots), coming, overdue, day)


def due_slot(slots: list[Slot], day: date) -> Due | None:
    """The open slot that a session on ``day`` fills: the calendar's, not the list's order.

    The slot due that day (the earlier of two); if none, the earliest overdue one; if none,
    the next one to come (which may be logged only on purpose, early). Days are each
    side's own: the session's wall-clock day where the person is, the slot's day where
    the plan was made.
    """
    waiting = sorted((s for s in slots if s.open), key=lambda s: (s.due, s.slot))
    if not waiting:
        return None
    on_day = [s for s in waiting if s.due.date() == day]
    return Due(on_day[0] if on_day else waiting[0], day)


def log_planned(
    journal: Journal,
    pain_before: int | None,
    pain_after: int,
    routine: str | None = None,
    condition: str | None = None,
    points: list[str] | tuple[str, ...] | str | None = None,
    duration_min: float | None = None,
    location: str = "lower-back",
    started_at: datetime | str | None = None,
    notes: str = "",
    *,
    slot: str | None = None,
    early: bool = False,
    started: bool = False,
) -> Session:
    """Record a planned session: it fills the slot of the active plan due on its day.

    The slot is chosen under the plan's lock by `due_slot` from the session's own day:
    the one due that day, else the earliest overdue one; a slot due on a later day only
    with ``early``. The routine, condition and points default to the slot's; given ones
    that contradict it are refused in the slot's words. Nothing is logged while an urgent
    red-flag answer stands (`paused`).

    Parameters
    ----------
    journal : Journal
        Where to log.
    pain_before, pain_after, routine, condition, points, duration_min, location, started_at, notes
        As for `Journal.log_session`; ``routine`` and ``condition`` default to the slot's,
        and for a started slot (`start_planned`) the pain before and the time to its start.
    slot : str, optional
        Fill this slot (by id) instead of the one due: a form that showed a slot passes it.
    early : bool
        Allow a slot due on a later day than the session's.
    started : bool
        Only the slot started with `start_planned`: how a person who did not see the
        routine before the session logs it (the command line and the forms). Without it,
        a slot may be started and filled at once, by a program that knows what was pressed.

    Returns
    -------
    Session
        The stored session, its ``slot`` the slot it filled.

    Raises
    ------
    InvalidValue
        Field ``slot`` when no slot can be filled now (none open, due later, paused), or
        ``routine``/``condition`` when they contradict the slot.
    """
    given = None if started_at is None else _session_time(journal, started_at)

    def choose(slots: list[Slot]) -> tuple[Slot, dict[str, Any]]:
        _refuse_while_paused(journal, slot, "logged")
        begun = _started(slots)
        if begun is not None and slot is not None and slot != begun.slot:
            raise InvalidValue("slot", slot, _one_at_a_time(begun))
        if begun is None and started:
            waiting = _newest_open(slots)
            raise InvalidValue("slot", slot, _START_FIRST if waiting else _NONE_OPEN)
        when = given or (begun.started_at if begun else None) or journal.now()
        if begun is not None:
            chosen = begun
            if when < begun.started_at:
                raise InvalidValue(
                    "started_at",
                    when,
                    f"a time from when the planned session was started "
                    f"({begun.started_at:%a %d %b %H:%M}) on: a started session is logged "
                    "as it happened, not earlier",
                )
        else:
            chosen = _chosen(slots, slot, when.date(), early)
            _check_gap(journal, slots, chosen, when)
        _check_fits(chosen, routine, condition, when.date())
        kept = points
        if chosen.leave_out and kept is None:
            kept = chosen.points_of(journal.catalog.routine(chosen.routine).points)
        before = chosen.pain_before if pain_before is None and begun else pain_before
        return chosen, dict(
            pain_before=before,
            pain_after=pain_after,
            duration_min=duration_min,
            location=location,
            started_at=when,
            notes=notes,
            routine=chosen.routine,
            condition=chosen.condition,
            points=kept,
        )

    return journal.fill_slot(choose)


def start_planned(
    journal: Journal,
    pain_before: int,
    *,
    started_at: datetime | str | None = None,
    slot: str | None = None,
    early: bool = False,
) -> Slot:
    """Start the planned session due now: record the pain before, then learn what to press.

    Until a session starts, its slot's routine and condition are not shown (a person who
    knew a sham session was next could put it off to a better moment). Starting commits:
    the slot is recorded as started with the pain before, and only its session can fill
    it (`log_planned`). The slot is chosen as `log_planned` chooses it.

    Parameters
    ----------
    journal : Journal
        Whose plan.
    pain_before : int
        Pain before the session, 0–10.
    started_at : datetime or str, optional
        When it starts; now by default.
    slot : str, optional
        Start this slot (by id) rather than the one due: a form that showed it passes it.
    early : bool
        Allow a slot due on a later day.

    Returns
    -------
    Slot
        The started slot: now its routine and condition may be shown (`press_words`).
    """
    when = journal.now() if started_at is None else _session_time(journal, started_at)

    def choose(slots: list[Slot]) -> tuple[Slot, int, datetime]:
        _refuse_while_paused(journal, slot, "started")
        begun = _started(slots)
        if begun is not None:
            raise InvalidValue("slot", begun.slot, _one_at_a_time(begun))
        chosen = _chosen(slots, slot, when.date(), early)
        _check_gap(journal, slots, chosen, when)
        return chosen, pain_before, when

    return journal.start_slot(choose)


def press_words(journal: Journal, slot: Slot) -> str:
    """What a started slot asks to press, in words: routine, real or sham, points, minutes."""
    routine = journal.catalog.routine(slot.routine)
    points = slot.points_of(routine.points)
    minutes = routine.default_minutes
    timing = f", about {minutes:g} min" if minutes else ""
    return f"{_what(slot)}: press {', '.join(points)}{timing}"


def shown(journal: Journal, slot: Slot) -> tuple[str, str]:
    """A slot's routine and condition as a person may see them before its session starts.

    A slot not yet started shows the routine it tests (its real arm) and "shown when you
    start" for real or sham, or for whether a leave-one-out slot leaves its point out;
    a started or done slot, or one of a plan revealed on request, shows what it asks for.
    """
    if slot.open and not slot.started and slot.revealed_at is None:
        return _arms(journal, slot.routine)[0][0], CONCEALED
    what = f"{slot.routine} without {slot.leave_out}" if slot.leave_out else slot.routine
    return what, slot.condition


def _refuse_while_paused(journal: Journal, slot: str | None, what: str) -> None:
    why = paused(journal)
    if why:
        raise InvalidValue("slot", slot, f"a planned session cannot be {what} now: {why}")


def _started(slots: list[Slot]) -> Slot | None:
    """The active plan's slot whose session was started and is not logged yet."""
    return next((s for s in _newest_open(slots) if s.started), None)


_NONE_OPEN = "no planned session is open: log it off the plan"
_START_FIRST = (
    "a planned session that was started first: rate your pain before and see what to press "
    "with acutrack next --start --before N (real or sham stays hidden until then)"
)


def _one_at_a_time(begun: Slot) -> str:
    return (
        f"one planned session at a time: the one started {begun.started_at:%a %d %b %H:%M} "
        "is not logged yet (log it with its pain after: acutrack log --planned --after N)"
    )


def planned_words(journal: Journal, session: Session) -> str:
    """What ``session`` did for its plan, in words ("" for a session off the plan).

    For example "the planned session overdue since Sat 05 Dec · 4 of 16 done · next: Thu
    10 Dec": the slot it filled against the session's day, then the plan's progress.
    """
    if not session.slot:
        return ""
    day = session.started_at.date()
    slots = journal.plan_slots(session.slot.rsplit("-", 1)[0])  # slot ids: "<plan>-<n>"
    filled = next((s for s in slots if s.slot == session.slot), None)
    if filled is None:
        return ""
    due = Due(filled, day).words().replace("due today", "due that day")
    return f"the planned session {due} · {progress(slots, day).words()}"


def _session_time(journal: Journal, started_at: datetime | str) -> datetime:
    """A session's time as the journal will store it (a local time gets its offset)."""
    from .tables import session_spec

    return session_spec(journal.catalog).field("started_at").parse(started_at)


def _chosen(slots: list[Slot], slot: str | None, day: date, early: bool) -> Slot:
    """The slot a planned session on ``day`` fills, or why none can be."""
    if slot is not None:
        found = [s for s in slots if s.slot == slot]
        if not found:
            raise InvalidValue("slot", slot, "expected the id of a slot of a plan")
        return found[0]
    due = due_slot(_newest_open(slots), day)
    if due is None:
        raise InvalidValue("slot", None, _NONE_OPEN)
    if due.early and not early:
        raise InvalidValue(
            "slot",
            due.slot.slot,
            f"the next planned session is due on {due.slot.due:%a %d %b}: log it on that "
            "day, or early on purpose (--early)",
        )
    return due.slot


def _newest_open(slots: list[Slot]) -> list[Slot]:
    """The active plan's slots: the newest plan's, while any of its slots is open."""
    if not slots:
        return []
    newest = slots[-1].plan  # rows come in the order written: the newest plan's last
    mine = [s for s in slots if s.plan == newest]
    return mine if any(s.open for s in mine) else []


def _check_fits(slot: Slot, routine: str | None, condition: str | None, day: date) -> None:
    """Refuse a routine or condition the slot does not ask for, in the slot's own words."""
    for name, given, wanted in (
        ("routine", routine, slot.routine),
        ("condition", condition, slot.condition),
    ):
        if given is not None and given != wanted:
            raise InvalidValue(
                name,
                given,
                f"the planned session {Due(slot, day).words()} is {_what(slot)}: press that, "
                "or log this session off the plan",
            )


def _check_gap(journal: Journal, slots: list[Slot], chosen: Slot, when: datetime) -> None:
    """Refuse a planned session closer than `MIN_GAP` to another session of its plan.

    Only the plan's done slots due within a week of ``when`` are looked up (each by id, in
    `Journal.find`), so that logging stays quick however long the journal is.
    """
    week = timedelta(days=7)
    for slot in slots:
        # (The chosen slot done already is the journal's to refuse.)
        if slot.plan != chosen.plan or slot.slot == chosen.slot or not slot.filled:
            continue
        if abs(slot.due - when) > week:
            continue
        other = journal.find(slot.session_id)
        if other is not None and abs(other.started_at - when) < MIN_GAP:
            hours = MIN_GAP.total_seconds() / 3600
            raise InvalidValue(
                "started_at",
                when,
                f"a planned session at least {hours:g} h from the plan's others, so that one "
                f"session's relief does not linger into the next one's ratings: one started "
                f"{other.started_at:%a %d %b %H:%M}. Log this one later, or off the plan",
            )


def _what(slot: Slot) -> str:
    """What a slot asks to press, in words: "back (real)", "back without GB30 (real)"."""
    return slot.describe().split(": ", 1)[1]


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
    from .reminders import plan_calendar

    when = stamp or datetime.now(UTC)
    return plan_calendar(slots, stamp=when, minutes=minutes, cancelled=cancelled)
