"""The journal's latest entries, sessions and check-ins together, for lists people read.

`other_entries` adds the rest (PEG, impression of change, medicines, red-flag screens,
imported ratings) for ``acutrack show``, where a person looks up an id to correct.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .journal import Journal

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Entry",
    "entries_of",
    "every_entry",
    "latest_entries",
    "newest",
    "other_entries",
    "session_words",
]


def session_words(session: Mapping[str, Any], *, short: bool = False) -> str:
    """A session in words for a person: the one wording of the timeline, the report and
    ``acutrack rate --after-last``.

    Parameters
    ----------
    session : Mapping
        A row of `Journal.sessions` (a dict or a pandas Series): ``routine`` and
        ``condition``; unless ``short``, also ``local_time``, ``pain_before`` and
        ``pain_after``.
    short : bool
        Only what was done, ``back (real)``: for lists that give the time and pain in
        columns of their own (the timeline) or leave them out (the report's notes).

    Returns
    -------
    str
        ``2026-11-25 09:30 back (real) pain 6 → 3``, or with ``short`` ``back (real)``.

    Examples
    --------
    >>> from datetime import datetime
    >>> row = {"local_time": datetime(2026, 11, 25, 9, 30), "routine": "back",
    ...        "condition": "real", "pain_before": 6, "pain_after": 3}
    >>> session_words(row)
    '2026-11-25 09:30 back (real) pain 6 → 3'
    >>> session_words(row, short=True)
    'back (real)'
    """
    what = f"{session['routine']} ({session['condition']})"
    if short:
        return what
    return _dated(session["local_time"], what, _pain_change(session))


def _pain_change(session: Mapping[str, Any]) -> str:
    """``6 → 3``: a session's pain before and after it."""
    return f"{session['pain_before']} → {session['pain_after']}"


def _dated(when: datetime, what: str, pain: str) -> str:
    """``2026-11-25 09:30 back (real) pain 6 → 3``."""
    return f"{when:%Y-%m-%d %H:%M} {what} pain {pain}"


@dataclass(frozen=True)
class Entry:
    """One line of the timeline.

    Attributes
    ----------
    when : datetime
        Local wall-clock time as recorded.
    kind : str
        ``"session"`` or ``"check-in"``; in `other_entries` also ``"PEG"``,
        ``"change"``, ``"medicine"``, ``"screen"`` and ``"imported"``.
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
        """``Wed 25 Nov 09:30 · session · back (real) · pain 6 → 3``: short enough for a
        menu on a phone. A follow-up check-in says "after a session" (not the session's
        id), and a kind its description starts with is not said twice (``· PEG 3.0 …``)."""
        nbsp = "\u00a0"  # "pain 6 → 3" is never broken across lines
        pain = f"pain {self.pain}".replace(" ", nbsp) if self.pain else ""
        what = "after a session" if self.what.startswith("after s-") else self.what
        kind = "" if what.startswith(self.kind) else self.kind
        parts = (f"{self.when:%a %d %b %H:%M}", kind, what, pain)
        return " · ".join(p for p in parts if p)

    def describe(self) -> str:
        """``2026-11-25 09:30 back (real) pain 6 → 3``, or for a check-in
        ``2026-11-25 11:30 check-in pain 4 after s-…``."""
        if self.kind == "session":
            return _dated(self.when, self.what, self.pain)
        follows = f" {self.what}" if self.what else ""
        return _dated(self.when, "check-in", f"{self.pain}{follows}")


def newest(entries: list[Entry], count: int | None) -> list[Entry]:
    """The ``count`` latest of ``entries`` (all of them when None), oldest first.

    Never fewer than asked when there are enough, and every one when there are fewer.
    """
    entries = sorted(entries, key=lambda e: e.when)
    if count is None:
        return entries
    return entries[max(len(entries) - count, 0) :] if count > 0 else []


#: The columns of `Journal.sessions` an `Entry` is made of.
_SESSION_COLUMNS = (
    "local_time",
    "id",
    "routine",
    "condition",
    "pain_before",
    "pain_after",
    "notes",
    "location",
)


def entries_of(
    sessions: pd.DataFrame, ratings: pd.DataFrame, count: int | None = None
) -> list[Entry]:
    """The standing sessions and check-ins of two loaded tables, oldest first.

    With ``count``, only the latest ``count``: each table is cut to its own latest
    ``count`` rows first, so a long journal never becomes a million Python objects.
    """
    if count is not None:
        sessions = sessions.sort_values("local_time", kind="stable").tail(count)
        ratings = ratings.sort_values("local_time", kind="stable").tail(count)
    entries = [
        Entry(
            s["local_time"].to_pydatetime(),
            "session",
            s["id"],
            session_words(s, short=True),
            _pain_change(s),
            s["notes"],
            s["location"],
        )
        for s in sessions[list(_SESSION_COLUMNS)].to_dict("records")
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
    return newest(entries, count)


def every_entry(journal: Journal, count: int = 10) -> list[Entry]:
    """The ``count`` latest entries of every kind (`latest_entries` and `other_entries`)."""
    if count <= 0:
        return []
    return newest(latest_entries(journal, count) + other_entries(journal, count), count)


def latest_entries(journal: Journal, count: int = 10) -> list[Entry]:
    """The ``count`` latest sessions and check-ins, oldest first.

    Rows the journal cannot read are left out without a warning here: `Journal.problems`
    and ``acutrack validate`` are where they are reported.
    """
    return entries_of(*journal.sessions_and_ratings(), count) if count > 0 else []


def other_entries(journal: Journal, count: int) -> list[Entry]:
    """The latest ``count`` entries of the journal's other files, oldest first.

    Unreadable rows are left out quietly, as by `latest_entries`.
    """
    import warnings

    from .journal import JournalWarning
    from .screening import QUESTIONS

    # Each question's first words, as a phrase: "a fever with your back pain".
    words = {q.name: q.text[0].lower() + q.text[1:].split(",")[0].split(" (")[0] for q in QUESTIONS}

    def screen(row) -> str:
        said = "; ".join(words[q.name] for q in QUESTIONS if row[q.name] == "yes")
        seen = "; ".join(words[q.name] for q in QUESTIONS if row[q.name] == "seen")
        seen = f"; seen by a clinician: {seen}" if seen else ""
        return f"red-flag screen: {f'yes to {said}' if said else 'no to all'}{seen}"

    def medicine(row) -> str:
        dose = "" if row["dose"] != row["dose"] else f" {row['dose']:g} {row['unit']}".rstrip()
        return f"{row['name']}{dose} ({row['use']})"

    kinds = (
        (
            "PEG",
            journal.peg,
            lambda r: (
                f"PEG {r['score']:.1f} (enjoyment {r['enjoyment']}, activity {r['activity']})"
            ),
            "pain",
        ),
        ("change", journal.pgic, lambda r: f"change {r['change']} of 7", None),
        ("medicine", journal.medications, medicine, None),
        ("screen", journal.screens, screen, None),
        (
            "imported",
            journal.imported_ratings,
            lambda r: f"{r['original']} on {r['scale']}, from {r['app']}",
            "pain",
        ),
    )
    entries = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JournalWarning)
        for kind, load, what, pain in kinds:
            for row in load().tail(count).to_dict("records"):
                entries.append(
                    Entry(
                        row["local_time"].to_pydatetime(),
                        kind,
                        row["id"],
                        what(row),
                        str(row[pain]) if pain else "",
                        row["notes"],
                        row.get("location", ""),
                    )
                )
    return newest(entries, count)
