"""What both exports share: the tables exported, read once, and times and days as text."""

from __future__ import annotations

import warnings
from datetime import date
from typing import TYPE_CHECKING

from ..journal import Journal, JournalWarning

if TYPE_CHECKING:
    import pandas as pd

#: The journal's tables that are exported, by the name of their `Journal` loader and file.
TABLES = ("sessions", "ratings", "imported_ratings", "peg", "pgic", "medications", "screens")


def load(journal: Journal) -> dict[str, pd.DataFrame]:
    """The exported tables, read once; unreadable rows are left out quietly, as by
    `Journal.sessions_and_ratings` (`Journal.problems` and ``acutrack validate`` report
    them), and a blind plan still running shows its sets (`Journal.blinded`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JournalWarning)
        tables = {name: getattr(journal, name)() for name in TABLES}
    tables["sessions"] = journal.blinded(tables["sessions"])
    return tables


def stamps(utc: pd.Series, local: pd.Series) -> list[str]:
    """ISO 8601 times with the UTC offset they were recorded with, e.g. ``…T09:30:00+01:00``."""
    offsets = (local - utc.dt.tz_convert(None)).dt.total_seconds()
    texts = []
    for wall, seconds in zip(local, offsets, strict=True):
        minutes = round(seconds / 60)
        hours, rest = divmod(abs(minutes), 60)
        sign = "-" if minutes < 0 else "+"
        texts.append(f"{wall:%Y-%m-%dT%H:%M:%S}{sign}{hours:02d}:{rest:02d}")
    return texts


def day(value: object) -> str | None:
    """A day as ``YYYY-MM-DD`` (from a date, or text as stored), or None when missing."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
