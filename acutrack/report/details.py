"""The later pages in words: the introductions, the points listed, the screen's answers,
the comparison without as-needed medication, and the notes."""

from __future__ import annotations

import pandas as pd

from .. import analysis
from ..screening import NOT_A_DIAGNOSIS, QUESTIONS
from ..tables_for_people import cell_text
from ..words import plural
from .gather import ReportTables

__all__ = [
    "POINTS_INTRO",
    "ROUTINES_INTRO",
    "WEEKLY_KEY",
    "note_lines",
    "points_shown",
    "rescue_details",
    "screen_details",
]

ROUTINES_INTRO = (
    "Drop in pain during sessions (before − after) with 95 % intervals, and the drop each "
    "routine would show from the same starting pain (sessions that start higher fall "
    "further: regression to the mean). Routines were chosen by the day, so this describes "
    "them and ranks none."
)
POINTS_INTRO = (
    "Each point's own share of the relief, adjusted for the other points, the starting "
    "pain and the date, with an interval corrected for the number of points. A point is "
    "shown as going with more relief only when enough sessions of its routine went "
    f"without it and its interval lies above no effect. {analysis.LEAVE_ONE_OUT}"
)
WEEKLY_KEY = (
    "Line: weekly average; band: lowest to highest reading; dashed (from 4 weeks on): "
    "4-week average; triangles: sessions that week, bigger for more; shaded: the first and "
    "last days the headline compares; red: pain alerts; hollow grey diamonds: ratings "
    "imported from another app, on their days, not averaged."
)


def points_shown(points: pd.DataFrame, all_points: bool) -> tuple[pd.DataFrame, str]:
    """The points the table lists (those that went with more relief unless
    ``all_points``; never a sham spot), and a sentence on the others."""
    pressed = analysis.points_to_show(points, all_points=True)
    shown = analysis.points_to_show(points, all_points=all_points)
    others = analysis.why_not_more_relief(pressed)
    if all_points or not others:
        return shown, ""
    hidden = len(pressed) - len(shown)
    why = ", ".join(f"{n} {words}" for words, n in others)
    lead = (
        "Only the points that went with more relief are listed"
        if len(shown)
        else "No point is shown going with more relief"
    )
    return shown, f"{lead}; {plural(hidden, 'other point')} pressed: {why}."


def screen_details(t: ReportTables) -> str:
    """The latest screen's answers, in words, what stands if not that, and what the screen
    is not."""
    unread = f"{t.flag.unread_words()} " if t.flag and t.flag.unreadable else ""
    if t.screen is None:
        return f"{unread}The red-flag screen has not been answered yet. {NOT_A_DIAGNOSIS}"
    said = [
        f"{label}: " + "; ".join(q.text for q in QUESTIONS if q.name in names) + "."
        for label, names in (
            ("Answered yes", t.screen.yes),
            ("Still there, seen by a clinician who said to go on", t.screen.seen),
        )
        if names
    ]
    said = " ".join(said) or "Every answer was no."
    stands = t.flag.screen if t.flag and t.flag.urgent else None
    if stands is not None and stands.id != t.screen.id:
        said += f" An earlier answer still stands: {t.flag.words()[0]}."
    return f"{unread}Latest screen, {t.screen.answered_at:%d %b %Y}: {said} {NOT_A_DIAGNOSIS}"


def rescue_details(check: pd.DataFrame) -> str:
    left = int(check["left_out"].iloc[1])
    if not left:
        return "No compared session followed as-needed medication."
    return f"Without the {plural(left, 'session')} after as-needed medication: " + (
        check.attrs["results"][1].summary()
    )


def note_lines(notes: pd.DataFrame) -> list[str]:
    return [
        f"{cell_text(n.local_time)} · {n.entry}: {n.text}" for n in notes.itertuples(index=False)
    ]
