"""What the analysis notebooks open: your journal, or the sample while yours is too small."""

from __future__ import annotations

import html

from .journal import Journal
from .sample import sample_journal

__all__ = ["journal_for_analysis"]

MIN_SESSIONS = 8
MIN_DAYS = 14


def journal_for_analysis(
    journal: Journal | None = None, *, min_sessions: int = MIN_SESSIONS, min_days: int = MIN_DAYS
) -> tuple[Journal, str | None]:
    """Your journal when it holds enough to chart, else the sample journal and a banner.

    Parameters
    ----------
    journal : Journal, optional
        Defaults to `Journal.default`.
    min_sessions, min_days : int
        Enough means at least this many sessions, over entries spanning this many days.

    Returns
    -------
    journal : Journal
        The journal to analyse.
    banner : str or None
        HTML saying the sample is shown and why; None when it is your own journal.
    """
    journal = journal or Journal.default()
    sessions, ratings = journal.entries()
    times = list(sessions["local_time"]) + list(ratings["local_time"])
    days = (max(times) - min(times)).days if times else 0
    if len(sessions) >= min_sessions and days >= min_days:
        return journal, None
    banner = (
        '<div style="border:2px solid #d08c2c;background:#fff6e5;padding:8px 12px;'
        'border-radius:6px"><b>You are looking at the sample journal</b>, sixteen weeks of '
        f"made-up entries. Your journal ({html.escape(str(journal.path))}) has "
        f"{len(sessions)} session(s) and {len(ratings)} check-in(s) over {days} day(s) so far; "
        f"these charts switch to your own data once it holds at least {min_sessions} sessions "
        f"over {min_days} days.</div>"
    )
    return sample_journal(), banner
