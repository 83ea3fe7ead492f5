"""The CSV export's data dictionary: for every column of every table, its type, its unit or
range, and what it means (``data-dictionary.csv``, written by `write_csv`)."""

from __future__ import annotations

from ..answers import PGIC_ANSWERS
from ..screening import QUESTIONS, TIERS

TIME = ("text", "ISO 8601 with UTC offset", "{what}, local time with its UTC offset")
_ID = ("text", "", "the entry's id, the same in the journal and in every export")
_NOTES = ("text", "", "what the person wrote with the entry (exported only when asked)")
_WHERE = ("text", "", "where it hurt: lower-back, upper-back, neck, buttock-leg, or own words")
_ZERO_TEN = "0 to 10"
# The name of a file imported from: the person's words, like a note (a name may say anything).
_SOURCE_FILE = (
    "text",
    "",
    "the name of the file it was imported from (exported only when asked)",
)
_RATINGS = {
    "id": _ID,
    "rated_at": TIME,
    "pain": ("whole number", _ZERO_TEN, "pain at a check-in (0 none, 10 worst imaginable)"),
    "location": _WHERE,
    "session_id": (
        "text",
        "",
        "the session this check-in follows up (e.g. two hours later); empty if none",
    ),
    "stress": (
        "whole number",
        _ZERO_TEN,
        "stress at the check-in (0 none, 10 worst); empty when not recorded",
    ),
    "notes": _NOTES,
}

# table → column → (type, unit or range, meaning). A dictionary entry per exported column;
# a test checks that none is missing.
COLUMNS: dict[str, dict[str, tuple[str, str, str]]] = {
    "sessions": {
        "id": _ID,
        "started_at": TIME,
        "routine": ("text", "", "the acupressure routine followed (built-in or the person's own)"),
        "points": ("text", "point codes, space-separated", "the points pressed, e.g. BL23 GB30"),
        "condition": (
            "text",
            "real or sham",
            "real acupressure, or sham (light touch on non-points)",
        ),
        "duration_min": ("number", "minutes", "how long the session lasted"),
        "pain_before": (
            "whole number",
            _ZERO_TEN,
            "pain just before the session (0 none, 10 worst imaginable)",
        ),
        "pain_after": (
            "whole number",
            _ZERO_TEN,
            "pain just after the session (0 none, 10 worst imaginable)",
        ),
        "location": _WHERE,
        "notes": _NOTES,
    },
    "ratings": _RATINGS,
    # Ratings imported from another app on another scale or with only their day (see
    # `acutrack.importing`): the columns of ratings, then where each came from.
    "imported_ratings": {
        **_RATINGS,
        "rated_at": (
            "text",
            "ISO 8601 with UTC offset",
            "when it was rated, local time with its UTC offset; a time the app gave as a "
            "part of the day (am, evening) or not at all is the one acutrack stands in for it "
            "(see precision)",
        ),
        "pain": (
            "whole number",
            _ZERO_TEN,
            "the rating converted to 0 to 10 by acutrack: original × 10 / the top of the "
            "scale, rounded half up; the person did not rate it on 0 to 10 unless scale is 0-10",
        ),
        "original": ("text", "on the scale of the next column", "the rating as the app wrote it"),
        "scale": ("text", "0-N", "the app's pain scale, from 0 to its top, e.g. 0-4"),
        "precision": (
            "text",
            "exact, part-of-day or day",
            "how exactly the app gave the time: to the minute, as a part of the day, or only "
            "the day",
        ),
        "app": (
            "text",
            "bearable, pain-diary or csv",
            "the app it was imported from: Bearable, Privacy Friendly Pain Diary, or any CSV "
            "file read with a column map",
        ),
        "source_file": _SOURCE_FILE,
        "source_row": (
            "whole number",
            "2 or more",
            "the row of that file it came from (1 is the header)",
        ),
    },
    "peg": {
        "id": _ID,
        "answered_at": TIME,
        "pain": ("whole number", _ZERO_TEN, "PEG item 1: pain on average in the past week"),
        "enjoyment": (
            "whole number",
            _ZERO_TEN,
            "PEG item 2: how much pain interfered with enjoyment of life in the past week",
        ),
        "activity": (
            "whole number",
            _ZERO_TEN,
            "PEG item 3: how much pain interfered with general activity in the past week",
        ),
        "notes": _NOTES,
        "score": (
            "number",
            _ZERO_TEN,
            "PEG score: the mean of the three items (Krebs et al. 2009)",
        ),
    },
    "pgic": {
        "id": _ID,
        "answered_at": TIME,
        "change": (
            "whole number",
            "1 to 7",
            "patient global impression of change: "
            + "; ".join(f"{i} {words.lower()}" for i, words in enumerate(PGIC_ANSWERS, 1)),
        ),
        "since": (
            "date",
            "YYYY-MM-DD",
            "the day the change is compared with; empty when not given",
        ),
        "notes": _NOTES,
    },
    "medications": {
        "id": _ID,
        "taken_at": TIME,
        "name": ("text", "", "the medicine or other treatment taken"),
        "dose": (
            "number",
            "in the unit of the next column",
            "how much was taken; empty when not given",
        ),
        "unit": ("text", "", "the unit of the dose, e.g. mg; may be empty"),
        "use": (
            "text",
            "regular or as-needed",
            "taken on a schedule (regular) or because of pain (as-needed)",
        ),
        "notes": _NOTES,
    },
    "screens": {
        "id": _ID,
        "answered_at": TIME,
        **{
            q.name: (
                "text",
                "yes, no or seen" if TIERS[q.tier].urgent else "yes or no",
                f"red-flag screen: {q.text} (a yes means: {TIERS[q.tier].title.lower()}"
                + (
                    "; seen: still there, and a clinician said the person may go on)"
                    if TIERS[q.tier].urgent
                    else ")"
                ),
            )
            for q in QUESTIONS
        },
        "notes": _NOTES,
    },
}
OWN_COLUMN = (
    "text",
    "",
    "a column the person added to the file; as written (exported only when asked)",
)
TIME_WHAT = {
    "started_at": "when the session started",
    "rated_at": "when the check-in was made",
    "answered_at": "when it was answered",
    "taken_at": "when it was taken",
}
# Columns of the person's own words, exported only with the notes.
WORDS = (_NOTES, OWN_COLUMN, _SOURCE_FILE)
