"""The journal's latest entries, sessions and check-ins together, for lists people read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .journal import Journal

__all__ = ["Entry", "latest_entries"]


@dataclass(frozen=True)
class Entry:
    """One line of the timeline.

    Attributes
    ----------
    when : datetime
        Local wall-clock time as recorded.
    kind : str
        ``"session"`` or ``"check-in"``.
    id : str
    what : str
        ``"back (real)"`` for a session, ``"after s-…"`` for a follow-up check-in.
    pain : str
        ``"6 → 3"`` for a session, ``"4"`` for a check-in.
    notes : str
    """

    when: datetime
    kind: str
    id: str
    what: str
    pain: str
    notes: str

    def label(self) -> str:
        """``Wed 25 Nov 09:30 · session · back (real) · pain 6 → 3``."""
        parts = (f"{self.when:%a %d %b %H:%M}", self.kind, self.what, f"pain {self.pain}")
        return " · ".join(p for p in parts if p)


def latest_entries(journal: Journal, count: int = 10) -> list[Entry]:
    """The ``count`` latest sessions and check-ins, oldest first.

    Rows the journal cannot read are left out without a warning here: `Journal.problems`
    and ``acutrack validate`` are where they are reported.
    """
    sessions, ratings = journal.entries()
    entries = [
        Entry(t.to_pydatetime(), "session", i, f"{r} ({c})", f"{b} → {a}", n)
        for t, i, r, c, b, a, n in zip(
            sessions["local_time"],
            sessions["id"],
            sessions["routine"],
            sessions["condition"],
            sessions["pain_before"],
            sessions["pain_after"],
            sessions["notes"],
            strict=True,
        )
    ] + [
        Entry(t.to_pydatetime(), "check-in", i, f"after {s}" if s else "", str(p), n)
        for t, i, s, p, n in zip(
            ratings["local_time"],
            ratings["id"],
            ratings["session_id"].fillna(""),
            ratings["pain"],
            ratings["notes"],
            strict=True,
        )
    ]
    return sorted(entries, key=lambda e: e.when)[-count:] if count > 0 else []
