"""The first page in words, for the HTML page and the PDF alike.

Who and when, typical pain now against the start with its interval, PEG-3, the global
impression of change, as-needed medication, the red-flag screen, pain alerts, the
real-vs-sham verdict in one line, and whether the weekly chart follows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import analysis
from ..analysis.pain_now import PainChange
from ..analysis.trend import ALERT_DAYS, ALERT_PAIN, ALERT_RISE, Episode, fmt_signed
from ..importing import by_source
from ..stats.results import fmt
from ..stats.scales import DROP, interval_words
from ..words import plural
from .gather import MIN_READINGS, ReportTables

__all__ = ["CAVEAT", "FIRST_PAGE_ALERTS", "NOT_ENOUGH", "TITLE", "FirstPage", "first_page"]

TITLE = "Back pain and self-acupressure"
CAVEAT = (
    "These are self-reported pain ratings from a personal acupressure diary kept with "
    "acutrack. They are not a diagnosis and not medical advice; the statistics describe this "
    "one person's entries and carry the uncertainty shown."
)
NOT_ENOUGH = (
    "Not enough entries yet",
    f"This journal holds too few pain ratings for charts or statistics (at least "
    f"{MIN_READINGS} are needed). Log sessions and daily check-ins for a few weeks, then make "
    "the report again.",
)
#: Pain alerts named on the first page; any earlier ones are counted and listed after it.
FIRST_PAGE_ALERTS = 2


@dataclass(frozen=True)
class FirstPage:
    """What the first page says, for the HTML page and the PDF alike.

    Attributes
    ----------
    title : str
    who : str
        The person's name and id, when set; else empty.
    facts : str
        When the report was made, the period covered, and how many entries.
    flag : (str, str) or None
        A standing emergency or same-day answer of the red-flag screen: heading and text.
    unread : str or None
    headline : str
        Typical pain now against the start, with its interval, or why there is none.
    basis : str
        What typical pain is, the smallest change the headline can tell, and which readings
        it rests on.
    rows : tuple of (str, str, bool)
        Each measure's name, what it shows, and whether to stress it.
    chart : bool
        Whether the weekly chart (or pain day by day) follows; without it,
        `NOT_ENOUGH` is said in its place.
    footer : str
    """

    title: str
    who: str
    facts: str
    flag: tuple[str, str] | None
    unread: str | None
    headline: str
    basis: str
    rows: tuple[tuple[str, str, bool], ...]
    chart: bool
    footer: str


def first_page(t: ReportTables, *, title: str = TITLE) -> FirstPage:
    """The first page's words, from the report's analysis.

    Returns
    -------
    FirstPage
    """
    period = t.period
    covered = f"{period[0]:%d %b %Y} to {period[1]:%d %b %Y}" if period else "no entries yet"
    who = " · ".join(
        f"{label}: {t.profile[key]}"
        for key, label in (("name", "Name"), ("patient_id", "ID"))
        if t.profile.get(key)
    )
    urgent = t.flag if t.flag and t.flag.urgent else None
    headline, basis = _headline(t.change)
    rows = (
        ("PEG-3 (0–10)", t.peg.summary(), False),
        ("Impression of change", t.pgic.summary(), False),
        ("As-needed medication", t.rescue.summary(), False),
        ("Red-flag screen", _screen_line(t), t.flag is not None),
        ("Pain alerts", _alerts_line(t.alerts), not t.alerts.empty),
        ("Real against sham", analysis.real_vs_sham_line(t.rescue_check), False),
        ("Logged for", _episode_line(t.episode), False),
    )
    more = "Details on the following pages." if t.enough else ""
    return FirstPage(
        title=title,
        who=who,
        facts=(
            f"Made on {t.made:%d %b %Y} · Period covered: {covered} · "
            f"{plural(len(t.sessions), 'session')}, {plural(len(t.ratings), 'pain check-in')}"
            + _imported_words(t.imported)
        ),
        flag=urgent.words() if urgent else None,
        unread=t.unread,
        headline=headline,
        basis=basis,
        rows=rows,
        chart=t.enough,
        footer=f"{CAVEAT} {more}".strip(),
    )


def _imported_words(imported: pd.DataFrame) -> str:
    """The imported history in the facts, each source with its scale, and that the
    averages leave it out."""
    if imported.empty:
        return ""
    counted = "; ".join(
        f"{plural(len(rows), 'rating')} imported {source}" for source, rows in by_source(imported)
    )
    return (
        f" · {counted}. Averages use the sessions and check-ins; imported ratings are "
        "shown, not averaged."
    )


def _headline(change: PainChange) -> tuple[str, str]:
    """Typical pain now against the start, in dates, and what it rests on."""
    if not change.n:
        return "No pain ratings yet.", "Pain ratings from check-ins and sessions show here."
    if not change.enough:
        so_far = f"Average pain so far: {fmt(change.mean)} of 10 ({plural(change.n, 'reading')})."
        return "Pain now against the start: too little data yet.", f"{change.shortfall()} {so_far}"
    known = pd.notna(change.ci[0])
    # A change between two pains lies within −10 and 10, as a drop does.
    interval = (
        f"95 % CI {interval_words(change.ci, DROP)}" if known else "no interval: too few readings"
    )
    (s0, s1), (e0, e1) = change.start, change.end
    headline = (
        f"Typical pain now {fmt(change.end_mean)} ({e0:%d %b} to {e1:%d %b %Y}) against "
        f"{fmt(change.start_mean)} at the start ({s0:%d %b} to {s1:%d %b %Y}): change "
        f"{fmt_signed(change.change)} points ({interval})."
    )
    basis = (
        f"Typical pain is the level the ratings swing around, estimated by the average (0–10) "
        f"of the last {change.days} days ({plural(change.end_n, 'reading')}) and the first "
        f"{change.days} ({change.start_n}). "
        + (f"{change.detectable_words()} " if known else "")
        + f"Readings: {change.readings}."
    )
    return headline, basis


def _screen_line(t: ReportTables) -> str:
    if t.screen is None and t.flag is None:
        return "Not yet screened: the 10 questions on signs of serious disease were never answered."
    if t.flag is None:
        return f"No warning signs at the screen of {t.screen.answered_at:%d %b %Y}."
    heading, text = t.flag.words()
    if t.flag.urgent:  # said in full in the box at the top of the page
        if t.flag.tier is None or not t.flag.tier.urgent:
            return f"{heading}: set out above."
        asked = len(t.flag.screen.yes)
        return f"{heading}: {plural(asked, 'answer')} yes, set out above."
    return f"{heading}. {text}"


def _alerts_line(alerts: pd.DataFrame) -> str:
    """The latest pain alerts in a line, or what none means (check-ins only)."""
    rule = (
        f"check-in pain {ALERT_PAIN} or more on {ALERT_DAYS} days running, or a week's "
        f"average up {ALERT_RISE} points"
    )
    if not alerts.attrs.get("checkins"):
        return f"None can be read: alerts come from check-ins ({rule}), and there are none."
    if alerts.empty:
        return f"None ({rule})."
    shown = alerts["detail"].iloc[-FIRST_PAGE_ALERTS:]
    earlier = len(alerts) - len(shown)
    count = plural(len(alerts), "alert")
    count += f", the latest {len(shown)}" if earlier else ""
    more = f"; {earlier} earlier, listed after this page." if earlier else "."
    return f"{count}: {'; '.join(shown)}{more}"


def _episode_line(episode: Episode) -> str:
    if episode.start is None:
        return "Nothing logged yet."
    weeks = round(episode.days / 7)  # as `Episode.summary` counts them
    length = plural(weeks, "week") if weeks else plural(episode.days + 1, "day")
    return (
        f"Since {episode.start:%d %b %Y} ({length}): {episode.label} by the journal's length "
        "(it knows when logging began, not when the pain did)."
    )
