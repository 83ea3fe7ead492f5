"""Outcome measures beside the pain ratings: PEG-3, the global impression of change and
as-needed medication, each now against the start.

PEG-3 is answered once a week, so its change is two answers apart and carries no
interval: one number a week has no spread to make one from. As-needed doses are counted
in the same first and last days as the pain (`acutrack.analysis.pain_change`), so that
"at the start" and "now" mean the same days throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..answers import PGIC_ANSWERS
from ..stats.results import fmt
from ..words import plural
from .trend import fmt_signed

__all__ = [
    "PegChange",
    "PgicSummary",
    "RescueDoses",
    "latest_pgic",
    "peg_change",
    "rescue_doses",
]


def __getattr__(name: str):
    # Its old name, which `acutrack.answers.Pgic` (one answer) also bears: for one release.
    if name == "Pgic":
        import warnings

        warnings.warn("acutrack.analysis.Pgic is now PgicSummary", DeprecationWarning, stacklevel=2)
        return PgicSummary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class PegChange:
    """The first and the latest PEG-3 score (0–10: the mean of pain, enjoyment, activity).

    Attributes
    ----------
    answers : int
        PEG-3 answers in the period.
    first_day, last_day : date or None
        When the first and the latest were answered.
    first_score, last_score : float
        Their scores (NaN without answers).
    """

    answers: int
    first_day: date | None
    last_day: date | None
    first_score: float
    last_score: float

    @property
    def change(self) -> float:
        """``last_score − first_score`` (negative: less pain and interference now)."""
        return self.last_score - self.first_score

    def summary(self) -> str:
        """The two scores and their change, or why there is no change yet."""
        if not self.answers:
            return "Not answered yet."
        first = f"{fmt(self.first_score)} on {self.first_day:%d %b %Y}"
        if self.answers == 1:
            return f"One answer so far: {first}; a change needs a second one."
        return (
            f"{fmt(self.last_score)} now ({self.last_day:%d %b %Y}) against {first}: change "
            f"{fmt_signed(self.change)} points ({self.answers} weekly answers; no interval for "
            "one number a week)."
        )


def peg_change(peg: pd.DataFrame) -> PegChange:
    """The first and the latest PEG-3 answer of ``peg`` (as `Journal.peg` returns it).

    Returns
    -------
    PegChange
    """
    if peg.empty:
        nan = float("nan")
        return PegChange(0, None, None, nan, nan)
    ordered = peg.sort_values("answered_at", kind="stable")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    return PegChange(
        answers=len(peg),
        first_day=first["local_time"].date(),
        last_day=last["local_time"].date(),
        first_score=float(first["score"]),
        last_score=float(last["score"]),
    )


@dataclass(frozen=True)
class PgicSummary:
    """The latest patient global impression of change.

    Attributes
    ----------
    answers : int
        Answers in the period.
    change : int or None
        The latest answer, 1 (no change, or worse) to 7 (a great deal better).
    day : date or None
        When it was answered.
    since : date or None
        The day the question asked about.
    """

    answers: int
    change: int | None
    day: date | None
    since: date | None

    @property
    def words(self) -> str:
        """The answer as the person chose it ("" without one)."""
        return PGIC_ANSWERS[self.change - 1] if self.change else ""

    def summary(self) -> str:
        """The latest answer in words, with its date."""
        if not self.change:
            return "Not answered yet."
        since = f", about the time since {self.since:%d %b %Y}" if self.since else ""
        return f"“{self.words}” ({self.change} of 7), answered {self.day:%d %b %Y}{since}."


def latest_pgic(pgic: pd.DataFrame) -> PgicSummary:
    """The latest answer of ``pgic`` (as `Journal.pgic` returns it).

    Returns
    -------
    PgicSummary
    """
    if pgic.empty:
        return PgicSummary(0, None, None, None)
    last = pgic.sort_values("answered_at", kind="stable").iloc[-1]
    since = last["since"]
    return PgicSummary(
        answers=len(pgic),
        change=int(last["change"]),
        day=last["local_time"].date(),
        since=None if pd.isna(since) else pd.Timestamp(since).date(),
    )


@dataclass(frozen=True)
class RescueDoses:
    """As-needed medication a week at the start and now.

    Attributes
    ----------
    logged : int
        As-needed doses in the period.
    start, end : (date, date) or None
        The windows counted (those of the pain comparison); None while the journal is
        too short for two windows that do not overlap.
    start_doses, end_doses : int
        As-needed doses taken in each window.
    days : int
        Length of each window.
    """

    logged: int
    start: tuple[date, date] | None
    end: tuple[date, date] | None
    start_doses: int
    end_doses: int
    days: int

    def per_week(self, doses: int) -> float:
        """Doses in a window, per 7 days."""
        return doses * 7 / self.days

    def summary(self) -> str:
        """Doses a week now and at the start, or why they cannot be compared yet."""
        if not self.logged:
            return "None logged in this period."
        if self.start is None or self.end is None:
            return (
                f"{plural(self.logged, 'dose')} logged; too little data "
                "to compare now with the start (the journal needs two separate weeks)."
            )
        now, then = self.per_week(self.end_doses), self.per_week(self.start_doses)
        return (
            f"{fmt(now, 0)} a week now ({self.end[0]:%d %b} to {self.end[1]:%d %b}) against "
            f"{fmt(then, 0)} at the start ({self.start[0]:%d %b} to {self.start[1]:%d %b}); "
            f"{self.logged} in the whole period."
        )


def rescue_doses(
    medications: pd.DataFrame,
    start: tuple[date, date] | None,
    end: tuple[date, date] | None,
    *,
    days: int = 7,
) -> RescueDoses:
    """Count as-needed doses in the windows ``start`` and ``end`` (first and last day).

    Parameters
    ----------
    medications : DataFrame
        As `Journal.medications` returns it.
    start, end : (date, date) or None
        Usually `PainChange.start` and `PainChange.end`.
    days : int
        The windows' length.

    Returns
    -------
    RescueDoses
    """
    taken = medications.loc[medications["use"] == "as-needed", "local_time"].dt.date

    def within(window: tuple[date, date] | None) -> int:
        return int(taken.between(*window).sum()) if window else 0

    return RescueDoses(len(taken), start, end, within(start), within(end), days)
