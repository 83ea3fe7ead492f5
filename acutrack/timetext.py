"""A moment as the records' one-line descriptions write it (``2026-11-25 09:30``)."""

from __future__ import annotations

from datetime import datetime

__all__ = ["minute"]


def minute(moment: datetime) -> str:
    """``moment`` to the minute, in its own offset: ``2026-11-25 09:30``."""
    return moment.strftime("%Y-%m-%d %H:%M")
