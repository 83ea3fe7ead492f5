"""The stored records that logging returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["Problem", "Rating", "Session"]


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

    @property
    def drop(self) -> int:
        """Pain before minus pain after: positive when pain went down."""
        return self.pain_before - self.pain_after


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


@dataclass(frozen=True)
class Problem:
    """Something wrong in a journal file: where it is, what it holds and why it is wrong."""

    file: str
    line: int
    field: str
    value: str
    why: str
