"""When the outcome measures are due, and the medication questions the analysis asks.

PEG-3 is asked weekly, the global impression of change (PGIC) every 4 weeks and when a
plan is done, the red-flag screen on first use and every 4 weeks (`acutrack.screening`).
What is due is read without pandas, so that `acutrack log` can remind without slowing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from .screening import screen_due

if TYPE_CHECKING:
    import pandas as pd

    from .journal import Journal
    from .standing import Standing

__all__ = [
    "PEG_EVERY",
    "PGIC_EVERY",
    "RESCUE_WINDOW",
    "after_rescue",
    "peg_due",
    "pgic_due",
    "pgic_next",
    "screen_reminder",
    "standing_flag",
]

PEG_EVERY = timedelta(days=7)
PGIC_EVERY = timedelta(days=28)
#: A session started within this time after as-needed medication may owe its relief to
#: the medicine (ibuprofen and paracetamol act for about 4–6 hours).
RESCUE_WINDOW = timedelta(hours=4)


def peg_due(journal: Journal, now: datetime | None = None) -> bool:
    """Whether to offer PEG-3: never answered, or last answered a week or more ago."""
    last = journal.latest("peg")
    return last is None or (now or journal.now()) - last.answered_at >= PEG_EVERY


def pgic_due(
    journal: Journal, now: datetime | None = None, *, first: date | None = None
) -> str | None:
    """Why to offer the global impression of change now, or None when it is not due.

    Due 4 weeks after the first session or check-in and every 4 weeks after the last
    answer, and when the active plan's last slot was filled after the last answer.
    ``first`` passes `Journal.first_day` when the caller has read it already.
    """
    now = now or journal.now()
    first = first or journal.first_day()
    if first is None:
        return None
    last = journal.latest("pgic")
    answered = last.answered_at if last else None
    if pgic_next(journal, now, first=first) <= now:
        return f"4 weeks have passed since {'your last answer' if last else 'you started'}"
    slots = journal.plan_slots()  # the newest plan, done or not
    if slots and all(s.filled for s in slots):
        sessions = [journal.find(s.session_id) for s in slots]
        done = max((s.started_at for s in sessions if s is not None), default=None)
        if done is not None and (answered is None or done > answered):
            return "your experiment plan is done"
    return None


def pgic_next(journal: Journal, now: datetime, *, first: date | None = None) -> datetime | None:
    """When the impression of change is next asked by the calendar: 4 weeks after the last
    answer, else after the first day (``first``, as `pgic_due` takes it); None in an empty
    journal. (A finished plan may ask it sooner: `pgic_due`.)"""
    first = first or journal.first_day()
    if first is None:
        return None
    last = journal.latest("pgic")
    since = last.answered_at if last else datetime.combine(first, datetime.min.time(), now.tzinfo)
    return since + PGIC_EVERY


def standing_flag(journal: Journal) -> Standing | None:
    """The red-flag answer that stands (`acutrack.standing`), or None when nothing does.

    An urgent answer stands until a screen written after it clears it; a row of the
    screen's file that cannot be read stands as an urgent answer would.
    """
    from .standing import standing

    flag = standing(journal)
    return flag or None


def screen_reminder(journal: Journal) -> str | None:
    """One line for `log` and `rate`: a standing urgent answer or a due screen, else None."""
    flag = standing_flag(journal)
    if flag is not None and flag.urgent:
        return flag.reminder()
    last = journal.latest("screens")
    if screen_due(last.answered_at if last else None, journal.now()):
        return "The red-flag screen is due (a minute, 10 questions): run `acutrack screen`."
    return None


def after_rescue(
    sessions: pd.DataFrame, medications: pd.DataFrame, window: timedelta = RESCUE_WINDOW
) -> pd.Series:
    """For each session, whether as-needed medication was taken within ``window`` before it.

    Parameters
    ----------
    sessions : DataFrame
        As `Journal.sessions` returns (``started_at``).
    medications : DataFrame
        As `Journal.medications` returns (``taken_at``, ``use``).
    window : timedelta

    Returns
    -------
    Series of bool
        Indexed like ``sessions``.
    """
    import numpy as np
    import pandas as pd

    taken = np.sort(
        medications.loc[medications["use"] == "as-needed", "taken_at"].to_numpy("datetime64[ns]")
    )
    start = sessions["started_at"].to_numpy("datetime64[ns]")
    # The latest dose at or before each session's start.
    at = np.searchsorted(taken, start, side="right") - 1
    last = np.where(at >= 0, taken[np.clip(at, 0, None)] if len(taken) else start, start)
    hit = (at >= 0) & (start - last <= np.timedelta64(window))
    return pd.Series(hit, index=sessions.index, name="after_rescue")
