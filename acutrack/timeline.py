"""The journal's latest entries, sessions and check-ins together, for lists people read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .journal import Journal

__all__ = ["Entry", "find_entry", "latest_entries"]


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
    location : str
        Where it hurts, e.g. ``"lower-back"``.
    """

    when: datetime
    kind: str
    id: str
    what: str
    pain: str
    notes: str
    location: str = ""

    def label(self) -> str:
        """``Wed 25 Nov 09:30 · session · back (real) · pain 6 → 3``."""
        parts = (f"{self.when:%a %d %b %H:%M}", self.kind, self.what, f"pain {self.pain}")
        return " · ".join(p for p in parts if p)

    def describe(self) -> str:
        """``2026-11-25 09:30 back (real) pain 6 → 3``, or for a check-in
        ``2026-11-25 11:30 check-in pain 4 after s-…``."""
        if self.kind == "session":
            return f"{self.when:%Y-%m-%d %H:%M} {self.what} pain {self.pain}"
        follows = f" {self.what}" if self.what else ""
        return f"{self.when:%Y-%m-%d %H:%M} check-in pain {self.pain}{follows}"


def _all_entries(journal: Journal) -> list[Entry]:
    """Every standing session and check-in, oldest first.

    Rows the journal cannot read are left out without a warning here: `Journal.problems`
    and ``acutrack validate`` are where they are reported.
    """
    sessions, ratings = journal.entries()
    entries = [
        Entry(t.to_pydatetime(), "session", i, f"{r} ({c})", f"{b} → {a}", n, w)
        for t, i, r, c, b, a, n, w in zip(
            sessions["local_time"],
            sessions["id"],
            sessions["routine"],
            sessions["condition"],
            sessions["pain_before"],
            sessions["pain_after"],
            sessions["notes"],
            sessions["location"],
            strict=True,
        )
    ] + [
        Entry(t.to_pydatetime(), "check-in", i, f"after {s}" if s else "", str(p), n, w)
        for t, i, s, p, n, w in zip(
            ratings["local_time"],
            ratings["id"],
            ratings["session_id"].fillna(""),
            ratings["pain"],
            ratings["notes"],
            ratings["location"],
            strict=True,
        )
    ]
    return sorted(entries, key=lambda e: e.when)


def latest_entries(journal: Journal, count: int = 10) -> list[Entry]:
    """The ``count`` latest sessions and check-ins, oldest first.

    Rows the journal cannot read are left out without a warning here: `Journal.problems`
    and ``acutrack validate`` are where they are reported.
    """
    return _all_entries(journal)[-count:] if count > 0 else []


def find_entry(journal: Journal, entry_id: str) -> Entry | None:
    """The standing session or check-in with this id, or None (never logged, deleted, or
    in a row that cannot be read)."""
    return next((e for e in _all_entries(journal) if e.id == entry_id.strip()), None)
