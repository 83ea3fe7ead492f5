"""Where a plan stands: the active plan, the slot a session's day fills, progress in words,
what may be shown before a session starts, and the pause while an urgent red-flag answer
stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..errors import InvalidValue
from ..records import Slot, still_blind

if TYPE_CHECKING:
    from ..journal import Journal


#: What stands for a slot's real or sham until its session starts.
CONCEALED = "shown when you start"


def _arms(journal: Journal, routine: str) -> tuple[tuple[str, str, None], tuple[str, str, None]]:
    """The (routine, condition, point left out) of the real and the sham arm of ``routine``."""
    r = journal.catalog.tested(routine)
    if r.condition is None:
        if not r.points:
            raise InvalidValue("routine", routine, "expected a routine with points of its own")
        # A routine of the user's: the same points, pressed lightly for sham.
        return (r.key, "real", None), (r.key, "sham", None)
    if not r.twin:
        raise InvalidValue("routine", routine, "expected a routine with a sham twin")
    return (r.key, "real", None), (r.twin, "sham", None)


def paused(journal: Journal) -> str | None:
    """Why planned sessions and new plans wait, or None: an urgent red-flag answer stands.

    Pressing on a back that may need a doctor today is not advised, real or sham; the
    pause lasts until a screen written after the answer clears it (`acutrack.standing`).
    A screen row that cannot be read pauses too, until the screen is answered again.
    """
    from ..outcomes import standing_flag

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


def _newest_open(slots: list[Slot]) -> list[Slot]:
    """The active plan's slots: the newest plan's, while any of its slots is open."""
    if not slots:
        return []
    newest = slots[-1].plan  # rows come in the order written: the newest plan's last
    mine = [s for s in slots if s.plan == newest]
    return mine if any(s.open for s in mine) else []


def _started(slots: list[Slot]) -> Slot | None:
    """The active plan's slot whose session was started and is not logged yet."""
    return next((s for s in _newest_open(slots) if s.started), None)


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

    def words(self, *, now: bool = True) -> str:
        """When it is due, in words: "due today" ("due that day" for a day past, ``now``
        False), "overdue since Sat 05 Dec", "due Thu 10 Dec"."""
        if self.overdue:
            return f"overdue since {self.slot.due:%a %d %b}"
        if self.early:
            return f"due {self.slot.due:%a %d %b}"
        return "due today" if now else "due that day"


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


def _waiting(slots: list[Slot]) -> list[Slot]:
    """The open slots, in the calendar's order."""
    return sorted((s for s in slots if s.open), key=lambda s: (s.due, s.slot))


def progress(slots: list[Slot], day: date) -> Progress:
    """Where the plan ``slots`` stand on ``day`` (the person's local day)."""
    waiting = _waiting(slots)
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
    waiting = _waiting(slots)
    if not waiting:
        return None
    on_day = [s for s in waiting if s.due.date() == day]
    return Due(on_day[0] if on_day else waiting[0], day)


def shown(journal: Journal, slot: Slot, plan: list[Slot] | None = None) -> tuple[str, str]:
    """A slot's routine and condition as a person may see them now.

    A slot not yet started shows the routine it tests (its real arm) and "shown when you
    start" for real or sham, or for whether a leave-one-out slot leaves its point out;
    a started or done slot, or one of a plan revealed on request, shows what it asks for;
    a blind plan's shows its set (``set A``) until the plan ends. ``plan``: the slot's
    plan, when the caller has read it (else it is read).
    """
    if slot.open and not slot.started and slot.revealed_at is None:
        return _arms(journal, slot.routine)[0][0], CONCEALED
    if slot.blind_set and still_blind(journal.plan_slots(slot.plan) if plan is None else plan):
        return _arms(journal, slot.routine)[0][0], slot.arm
    return slot.pressed, slot.condition
