"""Following a plan: starting the session due (real or sham shown only then) and logging it
into its slot, under the plan's lock, with the carry-over gap kept and progress said."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..errors import InvalidValue
from ..records import Session, Slot, still_blind
from .blind import set_words
from .making import MIN_GAP
from .state import Due, _newest_open, _started, due_slot, paused, progress

if TYPE_CHECKING:
    from ..journal import Journal


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
    guess: str | None = None,
) -> Session:
    """Record a planned session: it fills the slot of the active plan due on its day.

    The slot, chosen under the plan's lock, is the one started (`start_planned`), else the
    one `due_slot` gives for the session's own day (a later day's only with ``early``).
    Nothing not yet started is logged while an urgent red-flag answer stands (`paused`).

    Parameters
    ----------
    journal : Journal
        Where to log.
    pain_before, pain_after, routine, condition, points, duration_min, location, started_at, notes
        As for `Journal.log_session`; the routine and condition default to the slot's, and
        for a started slot the pain before and the time to those of its start.
    slot : str, optional
        Fill this slot (by id) instead of the one due: a form that showed a slot passes it.
    early : bool
        Allow a slot due on a later day than the session's.
    started : bool
        Only the slot started with `start_planned` (the command line, the forms); without
        it a program that knows what was pressed may start and fill a slot at once.
    guess : {"a", "b", "unsure"}, optional
        In a blind plan, which set the person thinks is the real one (never required):
        stored with the slot, and described when the plan ends
        (`acutrack.stats.blinding.guesses`).

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
        chosen, when = _slot_to_log(journal, slots, slot, given, early=early, started=started)
        if not chosen.started:  # a session started before a pause may still be logged
            _refuse_while_paused(journal, slot, "logged")
        _check_fits(chosen, routine, condition, when.date())
        kept = points
        if chosen.leave_out and kept is None:
            kept = chosen.points_of(journal.catalog.routine(chosen.routine).points)
        before = pain_before
        if chosen.started:  # rated before real or sham was shown: it stands
            if before is not None and before != chosen.pain_before:
                raise InvalidValue(
                    "pain_before",
                    before,
                    f"the pain before as rated when the session started: {chosen.pain_before}",
                )
            before = chosen.pain_before
        if guess is not None and not still_blind(s for s in slots if s.plan == chosen.plan):
            raise InvalidValue(
                "guess", guess, "a guess while the plan's sets are shown as A and B only"
            )
        return chosen, dict(
            guess=guess,
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


def _slot_to_log(
    journal: Journal,
    slots: list[Slot],
    slot: str | None,
    given: datetime | None,
    *,
    early: bool,
    started: bool,
) -> tuple[Slot, datetime]:
    """The slot a planned session fills and its time: the started one (from its start on),
    else the one its day asks for (`_chosen`, the gap kept), or why none."""
    begun = _started(slots)
    if begun is not None and slot is not None and slot != begun.slot:
        raise InvalidValue("slot", slot, _one_at_a_time(begun))
    if begun is None and started:
        raise InvalidValue("slot", slot, _START_FIRST if _newest_open(slots) else _NONE_OPEN)
    when = given or (begun.started_at if begun else None) or journal.now()
    if begun is None:
        chosen = _chosen(slots, slot, when.date(), early)
        _check_gap(journal, slots, chosen, when)
        return chosen, when
    if when < begun.started_at:
        raise InvalidValue(
            "started_at",
            when,
            f"a time from when the planned session was started "
            f"({begun.started_at:%a %d %b %H:%M}) on: a started session is logged as it "
            "happened, not earlier",
        )
    return begun, when


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
    from ..tables import session_spec

    # A start ahead would hold the plan: nothing else could start until it came.
    session_spec(journal.catalog).field("started_at").check_not_future(when, journal.now())

    def choose(slots: list[Slot]) -> tuple[Slot, int, datetime]:
        _refuse_while_paused(journal, slot, "started")
        begun = _started(slots)
        if begun is not None:
            raise InvalidValue("slot", begun.slot, _one_at_a_time(begun))
        chosen = _chosen(slots, slot, when.date(), early)
        due = due_slot(_newest_open(slots), when.date())
        if slot is not None and not early and due is not None and due.slot.slot != slot:
            raise InvalidValue(  # a form left open since another day offers a stale slot
                "slot",
                slot,
                f"the planned session due now: it is the one {due.words()}; look again",
            )
        _check_gap(journal, slots, chosen, when)
        return chosen, pain_before, when

    return journal.start_slot(choose)


def press_words(journal: Journal, slot: Slot) -> str:
    """What a started slot asks to press, in words: routine, real or sham, points, minutes;
    in a blind plan still blind, its set and each spot's place (`blind.set_words`)."""
    if slot.blind_set and still_blind(journal.plan_slots(slot.plan)):
        return set_words(journal, slot)
    routine = journal.catalog.routine(slot.routine)
    points = slot.points_of(routine.points)
    minutes = routine.default_minutes
    timing = f", about {minutes:g} min" if minutes else ""
    # A routine of one's own is its own sham, pressed lightly on the same points.
    how = " lightly" if slot.condition == "sham" and routine.condition is None else ""
    return f"{_what(slot)}: press{how} {', '.join(points)}{timing}"


def _refuse_while_paused(journal: Journal, slot: str | None, what: str) -> None:
    why = paused(journal)
    if why:
        raise InvalidValue("slot", slot, f"a planned session cannot be {what} now: {why}")


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
    due = Due(filled, day).words(now=False)
    said = f"the planned session {due} · {progress(slots, day).words()}"
    if filled.blind_set and not still_blind(slots):
        real = next(s for s in slots if s.condition == "real")
        said += f" · the plan is no longer blind: {real.arm} was real, the other set sham"
    return said


def _session_time(journal: Journal, started_at: datetime | str) -> datetime:
    """A session's time as the journal will store it (a local time gets its offset)."""
    from ..tables import session_spec

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


def _check_fits(slot: Slot, routine: str | None, condition: str | None, day: date) -> None:
    """Refuse a routine or condition the slot does not ask for, in the slot's own words
    once real or sham may be shown (the session started, or the plan revealed). A blind
    plan's slot refuses any routine or condition given: which was refused would tell."""
    if slot.blind_set and (routine is not None or condition is not None):
        name, given = ("routine", routine) if routine is not None else ("condition", condition)
        raise InvalidValue(
            name,
            given,
            "nothing: a blind plan's session takes its set from the plan (leave out the "
            "routine and the condition), or log this session off the plan",
        )
    for name, given, wanted in (
        ("routine", routine, slot.routine),
        ("condition", condition, slot.condition),
    ):
        if given is None or given == wanted:
            continue
        if slot.started or slot.revealed_at is not None:
            what = f"is {_what(slot)}: press that"
        else:  # not shown yet, and a refusal must not show it either
            what = "asks for another session: start it to see what to press"
        raise InvalidValue(
            name,
            given,
            f"the planned session {Due(slot, day).words()} {what}, or log this session off "
            "the plan",
        )


def _check_gap(journal: Journal, slots: list[Slot], chosen: Slot, when: datetime) -> None:
    """Refuse a planned session closer than `MIN_GAP` to another session of its plan.

    A done slot keeps when its session started (`Journal.fill_slot`), so ``plan.csv``
    alone answers; a slot done before slots kept it is looked up by its session's id.
    """
    for slot in slots:
        # (The chosen slot done already is the journal's to refuse.)
        if slot.plan != chosen.plan or slot.slot == chosen.slot or not slot.filled:
            continue
        other = slot if slot.started_at is not None else journal.find(slot.session_id)
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
    """What a slot asks to press, in words: "back (real)", "back without GB30 (real)"; a
    blind plan's set alone ("set A")."""
    return slot.arm if slot.blind_set else f"{slot.pressed} ({slot.condition})"
