"""The stored records that logging returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .timetext import minute

__all__ = ["Problem", "Rating", "Session", "Slot", "present", "still_blind", "tested_point"]

# The outcome measures' records live in `acutrack.answers` (loaded on first use: creating
# dataclasses costs time at import, which every `acutrack log` would pay). Their old names
# here still work, with a warning, for one release.
_ANSWERS = ("Medication", "PGIC_ANSWERS", "Peg", "Pgic", "Screen")


def __getattr__(name: str):
    if name in _ANSWERS:
        import warnings

        from . import answers

        warnings.warn(
            f"acutrack.records.{name} moved to acutrack.answers.{name}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(answers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Session:
    """One treatment session as stored in ``sessions.csv``."""

    id: str
    started_at: datetime
    routine: str
    points: tuple[str, ...]
    condition: str
    duration_min: float
    pain_before: int
    pain_after: int
    location: str
    notes: str
    #: The plan slot this session filled when it was logged (kept in ``plan.csv``).
    slot: str | None = None

    @property
    def drop(self) -> int:
        """Pain before minus pain after: positive when pain went down."""
        return self.pain_before - self.pain_after

    def describe(self) -> str:
        """One line for people: ``s-… 2026-11-25 09:30 back (real) pain 6 → 3, 2.5 min``."""
        return (
            f"{self.id} {minute(self.started_at)} {self.routine} ({self.condition}) "
            f"pain {self.pain_before} → {self.pain_after}, {self.duration_min:g} min"
        )


@dataclass(frozen=True)
class Slot:
    """One planned session.

    Attributes
    ----------
    slot : str
        Its id, e.g. ``p20260629-007``.
    plan : str
        The plan it belongs to.
    block : int
        Its randomisation block: each block holds as many real as sham slots.
    due : datetime
        When it is planned (a reminder; slots are taken in order, whenever they happen).
    routine : str
        The routine to press: the real routine, or its sham twin.
    condition : str
        ``real`` or ``sham``.
    seed : int
        The plan's random seed: the same seed and settings give the same plan.
    session_id : str or None
        The session that fulfilled it.
    leave_out : str or None
        In a leave-one-out plan, the point to leave out of the routine this time (None:
        press them all).
    reopened : int
        How many times the slot was opened again because its session was deleted or
        corrected into another session than the slot asks for (then done again).
    closed_at : datetime or None
        When its plan was ended (replaced by a new plan) with this slot not done: it is
        never done, and the plan counts as ended early.
    started_at : datetime or None
        When its session was started: the pain before was rated, then the routine (real
        or sham) shown. A started slot is done by that session and no other.
    pain_before : int or None
        The pain before, rated when the session was started.
    revealed_at : datetime or None
        When the person asked to see every slot's real or sham before the plan ended
        (``acutrack plan --reveal``): the verdict then says the allocation was known. In
        a blind plan, when blinding was ended before the plan (``plan --unblind``).
    blind_set : str or None
        In a blind plan, the set (``a`` or ``b``) this slot's condition is shown as until
        the plan ends; None in an open-label plan.
    guess : str or None
        In a blind plan, the person's answer after this slot's session to "which set do
        you think is the real one?": ``a``, ``b`` or ``unsure``; None when not answered.
    guessed_at : datetime or None
        When the guess was recorded.
    statistic : str or None
        What the plan's real/sham test sums, fixed when it is made: ``"adjusted"`` (the
        drops adjusted for the starting pain) or ``"raw"``; None in a plan made before
        the choice was recorded, which keeps the raw drops.
    """

    slot: str
    plan: str
    block: int
    due: datetime
    routine: str
    condition: str
    seed: int
    session_id: str | None = None
    leave_out: str | None = None
    reopened: int = 0
    closed_at: datetime | None = None
    started_at: datetime | None = None
    pain_before: int | None = None
    revealed_at: datetime | None = None
    blind_set: str | None = None
    guess: str | None = None
    guessed_at: datetime | None = None
    statistic: str | None = "adjusted"

    @property
    def filled(self) -> bool:
        """Whether a session has done this slot."""
        return self.session_id is not None

    @property
    def open(self) -> bool:
        """Whether a session may still do this slot: not done, and its plan not ended."""
        return self.session_id is None and self.closed_at is None

    @property
    def started(self) -> bool:
        """Whether its session was started (its condition shown) and is not yet logged."""
        return self.open and self.started_at is not None

    def points_of(self, points: Iterable[str]) -> tuple[str, ...]:
        """The points to press for this slot, of its routine's ``points``: all of them, or
        all but the one a leave-one-out slot leaves out."""
        return tuple(p for p in points if p != self.leave_out)

    @property
    def pressed(self) -> str:
        """What it asks to press, in words: ``back``, or ``back without GB30``."""
        return f"{self.routine} without {self.leave_out}" if self.leave_out else self.routine

    def describe(self) -> str:
        what = self.arm if self.blind_set else f"{self.pressed} ({self.condition})"
        return f"slot {self.slot} (block {self.block}): {what}"

    @property
    def arm(self) -> str:
        """Its condition as named to the person: ``real``, ``sham``, or in a blind plan
        ``set A`` or ``set B`` (which is real is said when the plan ends)."""
        return f"set {self.blind_set.upper()}" if self.blind_set else self.condition

    def fits(self, session: Session, tested: str | None = None) -> bool:
        """Whether ``session`` is what this slot asks for.

        The same routine and condition; in a leave-one-out plan testing point ``tested``,
        without it when the slot leaves it out, and with it when not.
        """
        if (self.routine, self.condition) != (session.routine, session.condition):
            return False
        if self.leave_out:
            return self.leave_out not in session.points
        return tested is None or tested in session.points


def present(value: object) -> bool:
    """Whether a slot's field holds a value: not None, nor NaN or NaT (a table's blank)."""
    return value is not None and value == value


def still_blind(plan: Iterable[Any]) -> bool:
    """Whether a plan's sets must still be shown as A and B: it is blind, has a slot open,
    and blinding was not ended (``plan --unblind``). A plan ends blinding when it ends.

    ``plan``: its slots, as `Slot` records or a table's rows (``itertuples``).
    """
    slots = list(plan)
    return (
        any(present(getattr(s, "blind_set", None)) for s in slots)
        and any(
            not present(s.session_id) and not present(getattr(s, "closed_at", None)) for s in slots
        )
        and not any(present(getattr(s, "revealed_at", None)) for s in slots)
    )


def tested_point(plan: Iterable[Slot]) -> str | None:
    """The point a leave-one-out plan tests (its slots that leave one out name it), or None."""
    return next((s.leave_out for s in plan if s.leave_out), None)


@dataclass(frozen=True)
class Rating:
    """One pain check-in as stored in ``ratings.csv``."""

    id: str
    rated_at: datetime
    pain: int
    location: str
    session_id: str | None
    stress: int | None
    notes: str

    def describe(self) -> str:
        """One line for people: ``r-… 2026-11-25 11:30 pain 4 (lower-back)``."""
        extra = f", stress {self.stress}" if self.stress is not None else ""
        follow = f", after session {self.session_id}" if self.session_id else ""
        return (
            f"{self.id} {minute(self.rated_at)} pain {self.pain} ({self.location}{extra}{follow})"
        )


@dataclass(frozen=True)
class Problem:
    """Something wrong in a journal file: where it is, what it holds and why it is wrong.

    ``value`` is the cell as written, cut after 200 characters (a whole pasted file in
    one cell would otherwise travel into every report of it).
    """

    file: str
    line: int
    field: str
    value: str
    why: str

    def __post_init__(self) -> None:
        if len(self.value) > _VALUE_SHOWN:
            cut = f"{self.value[:_VALUE_SHOWN]}… ({len(self.value):,} characters)"
            object.__setattr__(self, "value", cut)


_VALUE_SHOWN = 200
