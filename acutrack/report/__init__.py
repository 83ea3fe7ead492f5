"""A report for the clinician: a first page to read in a minute, the details after.

The first page stands alone: who and when, weekly pain now against the start with its
interval, PEG-3, the global impression of change, as-needed medication, the red-flag
screen, pain alerts, the real-vs-sham verdict in one line, and the weekly chart. The
pain over time in detail, routines, points (with the body map) and, when asked for, the
person's notes follow on later pages.

The HTML page is self-contained (charts embedded as PNG, styles inline): it needs nothing
from the network and can be emailed or printed; its print stylesheet ends the first page
with a page break, and the first page fits one sheet of A4 or Letter. The PDF is drawn by
matplotlib's own PDF backend on either paper: no browser is involved.
"""

from __future__ import annotations

import base64
import html
import io
import os
import warnings
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from string import Template
from typing import BinaryIO

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.textpath import text_to_path

from . import analysis, plots, stats
from .analysis.experiment import RESPONSE
from .analysis.measures import PegChange, Pgic, RescueDoses
from .analysis.trend import (
    ALERT_DAYS,
    ALERT_PAIN,
    ALERT_RISE,
    CLINICIAN_ADVICE,
    Episode,
    PainChange,
    fmt_signed,
)
from .answers import Screen
from .csvstore import private_output
from .errors import InvalidValue
from .journal import Journal, JournalWarning
from .journal_choice import unread_rows_note
from .outcomes import standing_flag
from .plan import plan_slots
from .screening import NOT_A_DIAGNOSIS, QUESTIONS
from .standing import Standing
from .stats.results import fmt, fmt_ci
from .tables_for_people import MISSING, cell_text

__all__ = [
    "PAPERS",
    "FirstPage",
    "ReportTables",
    "first_page",
    "render_html",
    "render_pdf",
    "report_tables",
    "write_report",
]

TITLE = "Back pain and self-acupressure"
CAVEAT = (
    "These are self-reported pain ratings from a personal acupressure diary kept with "
    "acutrack. They are not a diagnosis and not medical advice; the statistics describe this "
    "one person's entries and carry the uncertainty shown."
)
MIN_READINGS = 3
NOT_ENOUGH = (
    "Not enough entries yet",
    f"This journal holds too few pain ratings for charts or statistics (at least "
    f"{MIN_READINGS} are needed). Log sessions and daily check-ins for a few weeks, then make "
    "the report again.",
)
#: Paper sizes of the PDF (width, height in inches).
PAPERS = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}
#: Pain alerts named on the first page; any earlier ones are counted and listed after it.
FIRST_PAGE_ALERTS = 2


@dataclass(frozen=True)
class ReportTables:
    """Everything the report shows, computed once (the report's analysis).

    Attributes
    ----------
    sessions, ratings : DataFrame
        The entries since ``since``.
    since : date or None
    made : date
        The day the report was made.
    profile : dict
        The name and id the person set (`Journal.profile`), if any.
    weekly, daily, alerts, routines, points : DataFrame
        From `acutrack.analysis` (``alerts`` from `pain_alerts`).
    shortfall : str or None
        Why there is too little for a weekly trend yet (`weekly_shortfall`); the report
        then charts pain day by day instead.
    unread : str or None
        "N rows could not be read: run acutrack validate" when `Journal.problems` found any.
    change : PainChange
    episode : Episode
    peg : PegChange
    pgic : Pgic
    rescue : RescueDoses
        As-needed doses in the windows of ``change``.
    real_vs_sham : RealVsSham
        For the back routine against its sham, within the plan when there is one.
    rescue_check : DataFrame
        `analysis.real_vs_sham_rescue`: the same with and without sessions that followed
        as-needed medication.
    screen : Screen or None
        The latest red-flag screen, whatever ``since`` (an answer stands until the next).
    flag : Standing or None
        The red-flag answer that stands, or a screen row that cannot be read
        (`acutrack.outcomes.standing_flag`).
    notes : DataFrame
        Every non-empty note since ``since``, oldest first: ``local_time``, ``entry`` (what
        it belongs to, in words) and ``text``.
    """

    sessions: pd.DataFrame
    ratings: pd.DataFrame
    since: date | None
    made: date
    profile: dict[str, str]
    weekly: pd.DataFrame
    daily: pd.DataFrame
    alerts: pd.DataFrame
    shortfall: str | None
    unread: str | None
    change: PainChange
    episode: Episode
    peg: PegChange
    pgic: Pgic
    rescue: RescueDoses
    routines: pd.DataFrame
    points: pd.DataFrame
    real_vs_sham: stats.RealVsSham
    rescue_check: pd.DataFrame
    screen: Screen | None
    flag: Standing | None
    notes: pd.DataFrame

    @property
    def enough(self) -> bool:
        """Whether there is enough for charts (at least three pain readings)."""
        return len(analysis.pain_readings(self.sessions, self.ratings)) >= MIN_READINGS

    @property
    def period(self) -> tuple[date, date] | None:
        days = pd.concat([self.sessions["local_time"], self.ratings["local_time"]])
        return (days.min().date(), days.max().date()) if len(days) else None


def _from(table: pd.DataFrame, since: date | None) -> pd.DataFrame:
    """The rows of ``table`` on or after ``since`` (local time)."""
    if since is None:
        return table
    return table[table["local_time"] >= pd.Timestamp(since)].reset_index(drop=True)


def report_tables(journal: Journal, *, since: date | None = None) -> ReportTables:
    """Run the report's analysis on ``journal`` (entries on or after ``since``).

    Returns
    -------
    ReportTables
    """
    sessions, ratings = (_from(table, since) for table in journal.entries())
    with warnings.catch_warnings():  # unreadable rows are `validate`'s to report
        warnings.simplefilter("ignore", JournalWarning)
        peg, pgic, medications, screens = (
            _from(table, since)
            for table in (journal.peg(), journal.pgic(), journal.medications(), journal.screens())
        )
    slots = plan_slots(journal, kind="real/sham")
    change = analysis.pain_change(sessions, ratings)
    compare = {"ratings": ratings, "plan": slots or None, "routine": "back"}
    rescue_check = analysis.real_vs_sham_rescue(sessions, medications, **compare)
    return ReportTables(
        sessions=sessions,
        ratings=ratings,
        since=since,
        made=journal.now().date(),
        profile=journal.profile(),
        weekly=analysis.weekly_trend(sessions, ratings),
        daily=analysis.daily_pain(analysis.pain_readings(sessions, ratings)),
        alerts=analysis.pain_alerts(sessions, ratings),
        shortfall=analysis.weekly_shortfall(sessions, ratings),
        unread=unread_rows_note(journal),
        change=change,
        episode=analysis.episode(sessions, ratings),
        peg=analysis.peg_change(peg),
        pgic=analysis.latest_pgic(pgic),
        rescue=analysis.rescue_doses(medications, change.start, change.end, days=change.days),
        routines=analysis.compare_routines(sessions),
        points=analysis.rank_points(sessions),
        real_vs_sham=rescue_check.attrs["results"][0],
        rescue_check=rescue_check,
        screen=journal.latest("screens"),
        flag=standing_flag(journal),
        notes=_notes(sessions, ratings, peg, pgic, medications, screens),
    )


def _notes(sessions, ratings, peg, pgic, medications, screens) -> pd.DataFrame:
    """Every non-empty note, oldest first, with what it belongs to in words."""
    session_words = "session (" + sessions["routine"] + ", " + sessions["condition"].astype(str)
    rating_words = ratings["session_id"].isna().map({True: "check-in", False: "follow-up"})
    parts = [
        (sessions, session_words + ")"),
        (ratings, rating_words),
        (peg, "PEG-3"),
        (pgic, "impression of change"),
        (medications, medications["name"].astype(str)),
        (screens, "red-flag screen"),
    ]
    frames = [
        pd.DataFrame({"local_time": t["local_time"], "entry": words, "text": t["notes"]})
        for t, words in parts
        if len(t)
    ]
    columns = ["local_time", "entry", "text"]
    if not frames:
        return pd.DataFrame(columns=columns)
    notes = pd.concat(frames, ignore_index=True)[columns]
    notes = notes[notes["text"].fillna("").str.strip() != ""]
    return notes.sort_values("local_time", kind="stable").reset_index(drop=True)


# -- the first page, in words ----------------------------------------------------------
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
        Weekly pain now against the start, with its interval, or why there is none.
    basis : str
        Which days and readings the headline rests on.
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
            f"Made on {t.made:%d %b %Y} · Period covered: {covered} · {len(t.sessions)} "
            f"sessions, {len(t.ratings)} pain check-ins"
        ),
        flag=urgent.words() if urgent else None,
        unread=t.unread,
        headline=headline,
        basis=basis,
        rows=rows,
        chart=t.enough,
        footer=f"{CAVEAT} {more}".strip(),
    )


def _headline(change: PainChange) -> tuple[str, str]:
    """Weekly pain now against the start, and what it rests on."""
    if not change.n:
        return "No pain ratings yet.", "Pain ratings from check-ins and sessions show here."
    if not change.enough:
        so_far = f"Average pain so far: {fmt(change.mean)} of 10 ({change.n} readings)."
        return "Pain now against the start: too little data yet.", f"{change.shortfall()} {so_far}"
    interval = (
        f"95 % CI {fmt_ci(change.ci)}"
        if pd.notna(change.ci[0])
        else "no interval: too few readings in a week"
    )
    headline = (
        f"Weekly pain now {fmt(change.end_mean)} against {fmt(change.start_mean)} at the "
        f"start: change {fmt_signed(change.change)} points ({interval})."
    )
    (s0, s1), (e0, e1) = change.start, change.end
    basis = (
        f"Average pain (0–10) in the last {change.days} days, {e0:%d %b} to {e1:%d %b %Y} "
        f"({change.end_n} readings), and the first {change.days}, {s0:%d %b} to "
        f"{s1:%d %b %Y} ({change.start_n}); readings: {change.readings}."
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
        return f"{heading}: {asked} answer{'' if asked == 1 else 's'} yes, set out above."
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
    count = f"{len(alerts)} alert{'' if len(alerts) == 1 else 's'}"
    count += f", the latest {len(shown)}" if earlier else ""
    more = f"; {earlier} earlier, listed after this page." if earlier else "."
    return f"{count}: {'; '.join(shown)}{more}"


def _episode_line(episode: Episode) -> str:
    if episode.start is None:
        return "Nothing logged yet."
    weeks = round(episode.days / 7)  # as `Episode.summary` counts them
    length = f"{weeks} week{'' if weeks == 1 else 's'}" if weeks else f"{episode.days + 1} days"
    return (
        f"Since {episode.start:%d %b %Y} ({length}): {episode.label} by the journal's length "
        "(it knows when logging began, not when the pain did)."
    )


# -- the later pages, in words ---------------------------------------------------------
ROUTINES_INTRO = (
    "Drop in pain during sessions (before − after) with 95 % intervals, and the drop each "
    "routine would show from the same starting pain (sessions that start higher fall "
    "further: regression to the mean). Routines were chosen by the day, so this describes "
    f"them and ranks none. A single session's drop of at least 2 points or {100 * RESPONSE:.0f} % "
    "counts as clinically meaningful."
)
POINTS_INTRO = (
    "Each point's own share of the relief, adjusted for the other points, the starting "
    "pain and the date, with an interval corrected for the number of points. A point is "
    "called helpful only when enough sessions of its routine went without it and its "
    "interval lies above no effect; the honest test is a leave-one-out plan."
)
WEEKLY_KEY = (
    "Line: weekly average; band: lowest to highest reading; dashed: 4-week average; "
    "triangles: weeks with sessions; red: pain alerts."
)


def _points_shown(points: pd.DataFrame, all_points: bool) -> tuple[pd.DataFrame, str]:
    """The points the table lists (the helpful ones unless ``all_points``), and a sentence
    on the others."""
    if all_points or points.empty:
        return points, ""
    helpful = points[points["helpful"].astype(bool)]
    others = analysis.not_helpful(points)
    if not others:
        return helpful, ""
    hidden = len(points) - len(helpful)
    why = ", ".join(f"{n} {words}" for words, n in others)
    lead = (
        "Only the points shown as helpful are listed"
        if len(helpful)
        else ("No point is shown as helpful")
    )
    return helpful, f"{lead}; {hidden} other point{'s' if hidden > 1 else ''} pressed: {why}."


def _screen_details(t: ReportTables) -> str:
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


def _rescue_details(check: pd.DataFrame) -> str:
    left = int(check["left_out"].iloc[1])
    if not left:
        return "No compared session followed as-needed medication."
    return f"Without the {left} session(s) after as-needed medication: " + (
        check.attrs["results"][1].summary()
    )


def _note_lines(notes: pd.DataFrame) -> list[str]:
    return [
        f"{cell_text(n.local_time)} · {n.entry}: {n.text}" for n in notes.itertuples(index=False)
    ]


# -- pictures --------------------------------------------------------------------------
# Each chart: how to draw it, and its size on its own (width, height in inches).
_CHARTS = {
    "weekly": (lambda t, ax: _pain_over_time(t, ax), (9, 3.6)),
    "calendar": (lambda t, ax: plots.plot_calendar(t.daily, ax=ax), (9, 3.2)),
    "routines": (lambda t, ax: plots.plot_routine_forest(t.routines, ax=ax), (9, 3.5)),
    "points": (lambda t, ax: plots.plot_point_forest(t.points, ax=ax), (9, 5.5)),
    "body": (lambda t, ax: plots.plot_body_map(t.points, ax=ax, labels="all"), (8, 6)),
}
# The PDF's chart pages after the first, two charts to a page.
_PDF_PAGES = (("calendar", "routines"), ("points", "body"))


def _pain_over_time(t: ReportTables, ax) -> None:
    """The weekly trend, or pain day by day while there is too little for weeks."""
    if t.shortfall:
        plots.plot_daily_pain(t.daily, alerts=t.alerts, ax=ax)
    else:
        plots.plot_weekly_trend(t.weekly, alerts=t.alerts, ax=ax)


def _figure(t: ReportTables, key: str) -> Figure:
    """One chart on a figure of its own, which belongs to no window (no GUI, no pyplot)."""
    draw, size = _CHARTS[key]
    fig = Figure(figsize=size, layout="tight")
    draw(t, fig.add_subplot())
    return fig


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# -- HTML ------------------------------------------------------------------------------
# The page is filled in by `_fill`, the one place where text becomes HTML.
_PAGE = Template("""\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>$title</title><style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 180mm; margin: 1.5em auto; line-height: 1.35; font-size: 11pt;
       overflow-wrap: break-word; }
h1 { font-size: 17pt; margin: 0 0 0.2em; } h2 { font-size: 13pt; margin-top: 1.4em; }
table { border-collapse: collapse; font-size: 9.5pt; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
th.number, td.number { text-align: right; }
img { max-width: 100%; height: auto; }
.caveat { border: 1px solid #d08c2c; background: #fff6e5; padding: 6px 10px; }
.alert, .stress { color: #b71c1c; } .muted { color: #666; } .stress { font-weight: 600; }
.first-page .facts, .first-page .basis { margin: 0.2em 0; font-size: 9.5pt; color: #444; }
.first-page .who { margin: 0.2em 0; font-weight: 600; }
.first-page .headline { font-size: 13pt; font-weight: 600; margin: 0.6em 0 0.1em; }
.first-page .flag { border: 2px solid #b71c1c; background: #fdecea; color: #7f0000;
                    padding: 6px 10px; margin: 0.5em 0; }
.first-page .flag b { display: block; font-size: 12pt; }
table.first-page { width: 100%; font-size: 9.5pt; }
table.first-page th { width: 22%; font-weight: 600; }
table.first-page td, ul.notes, .first-page p { overflow-wrap: anywhere; }
.first-page .caveat { font-size: 8.5pt; padding: 3px 8px; margin: 0.4em 0 0; }
ul.notes { font-size: 9.5pt; padding-left: 1.2em; }
@media print {
  @page { margin: 12mm; }  /* no page size: fits A4 and Letter alike */
  body { margin: 0; max-width: none; font-size: 10pt; }
  section { break-inside: avoid; page-break-inside: avoid; }
  section.first-page { break-after: page; page-break-after: always; }
  .first-page img { max-height: 80mm; width: auto; display: block; margin: 0 auto; }
  section.notes { break-inside: auto; page-break-inside: auto; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
</style></head>
<body>
$first
$body
</body></html>
""")

_FIRST = Template("""\
<section class="first-page">
<h1>$title</h1>
<p class="muted">Report for the clinician</p>$who
<p class="facts">$facts</p>$flag$unread
<p class="headline">$headline</p>
<p class="basis">$basis</p>
<table class="first-page"><tbody>$rows</tbody></table>
$chart
<p class="caveat">$footer</p>
</section>""")
_WHO = Template('\n<p class="who">$text</p>')
_FLAG = Template('\n<div class="flag"><b>$heading</b>$text</div>')
_FIRST_ROW = Template('<tr class="$kind"><th>$label</th><td>$text</td></tr>')

_NOT_ENOUGH = Template("<h2>$heading</h2><p>$text</p>")

_DETAILS = Template("""\
<section><h2>Pain now and at the start</h2><p>$change</p><p>$episode</p></section>
<section><h2>Pain over time</h2>$weekly$calendar</section>
<section><h2>Pain alerts</h2>$alerts</section>
<section><h2>Red-flag screen</h2><p>$screen</p></section>
<section><h2>Routines described</h2><p>$routines_intro</p>$routines_table$routines</section>
<section><h2>Which points helped most</h2><p>$points_intro</p>$points_table$points_note\
$points$body_map</section>
<section><h2>Real against sham</h2><p>$real_vs_sham</p><p>$rescue</p></section>""")

_NOTES = Template('<section class="notes"><h2>Notes</h2><ul class="notes">$items</ul></section>')
_IMAGE = Template('<img src="data:image/png;base64,$png" alt="$alt">')
_PARAGRAPH = Template("<p>$text</p>")
_MUTED = Template('<p class="muted">$text</p>')
_UNREAD = Template('\n<p class="alert"><b>$text</b></p>')
_ALERTS = Template('<ul class="alert">$items</ul><p>$advice</p>')
_ITEM = Template("<li>$text</li>")
_TABLE = Template('<table class="$name"><thead><tr>$head</tr></thead><tbody>$body</tbody></table>')
_ROW = Template("<tr>$cells</tr>")
_HEADER = Template('<th class="$kind">$text</th>')
_CELL = Template('<td class="$kind">$text</td>')

#: Kinds of table column, and their CSS classes: numbers align right, text left.
_NUMBER, _TEXT = "number", "text"


class _Markup(str):
    """HTML made by `_fill` (or joined by `_join`): goes into a page as it is."""


_NOTHING = _Markup("")


def _fill(template: Template, **values: object) -> _Markup:
    """``template`` with each ``$name`` replaced by ``values[name]``.

    A `_Markup` value is HTML and goes in as it is; anything else (a note, a routine's
    or a point's name, a number) is escaped, so that nothing a person typed becomes markup.
    """
    return _Markup(
        template.substitute(
            {k: v if isinstance(v, _Markup) else html.escape(str(v)) for k, v in values.items()}
        )
    )


def _join(parts: Iterable[_Markup]) -> _Markup:
    return _Markup("".join(parts))


def _table(
    name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]]
) -> _Markup:
    """A table named ``name`` (its CSS class).

    ``columns`` holds each column's header and kind, ``_NUMBER`` or ``_TEXT``: a cell aligns by
    its column's kind, never by what its text looks like.
    """
    kinds = [kind for _, kind in columns]
    head = _join(_fill(_HEADER, kind=kind, text=header) for header, kind in columns)
    body = _join(
        _fill(
            _ROW,
            cells=_join(
                _fill(_CELL, kind=kind, text=cell_text(cell))
                for kind, cell in zip(kinds, row, strict=True)
            ),
        )
        for row in rows
    )
    return _fill(_TABLE, name=name, head=head, body=body)


def _routines_table(routines: pd.DataFrame) -> _Markup:
    common = routines.attrs.get("common_before", float("nan"))
    columns = [
        ("routine", _TEXT),
        ("condition", _TEXT),
        ("sessions", _NUMBER),
        ("pain before", _NUMBER),
        ("pain after", _NUMBER),
        ("mean drop", _NUMBER),
        ("95 % interval", _NUMBER),
        (f"drop if starting at {fmt(common, missing=MISSING)}", _NUMBER),
        ("meaningful drops", _NUMBER),
    ]
    rows = [
        [
            r.routine,
            r.condition,
            r.sessions,
            fmt(r.mean_before, missing=MISSING),
            fmt(r.mean_after, missing=MISSING),
            fmt(r.mean_drop, missing=MISSING),
            fmt_ci((r.ci_low, r.ci_high), missing=MISSING),
            fmt(r.adjusted_drop, missing=MISSING),
            f"{r.meaningful_share:.0%}",
        ]
        for r in routines.itertuples()
    ]
    return _table("routines", columns, rows)


def _points_table(points: pd.DataFrame) -> _Markup:
    if points.empty:
        return _NOTHING
    columns = [
        ("point", _TEXT),
        ("name", _TEXT),
        ("with", _NUMBER),
        ("without", _NUMBER),
        ("own effect", _NUMBER),
        ("interval", _NUMBER),
        ("verdict", _TEXT),
    ]
    rows = [
        [
            p.point,
            p.name,
            p.sessions_with,
            p.sessions_without,
            fmt(p.estimate, missing=MISSING),
            fmt_ci((p.ci_low, p.ci_high), missing=MISSING),
            p.reason,
        ]
        for p in points.itertuples()
    ]
    return _table("points", columns, rows)


def _alerts_html(alerts: pd.DataFrame) -> _Markup:
    if alerts.empty:
        return _fill(_PARAGRAPH, text=analysis.pain_alerts_summary(alerts))
    items = _join(_fill(_ITEM, text=a.detail) for a in alerts.itertuples())
    return _fill(_ALERTS, items=items, advice=CLINICIAN_ADVICE)


def _image(t: ReportTables, key: str, alt: str) -> _Markup:
    return _fill(_IMAGE, png=_png(_figure(t, key)), alt=alt)


def _pain_chart(t: ReportTables) -> _Markup:
    return _image(t, "weekly", "daily pain" if t.shortfall else "weekly pain trend")


def _first_html(t: ReportTables, page: FirstPage) -> _Markup:
    """The first page: a section that ends with a page break when printed."""
    rows = _join(
        _fill(_FIRST_ROW, kind="stress" if stress else "", label=label, text=text)
        for label, text, stress in page.rows
    )
    chart = _fill(_NOT_ENOUGH, heading=NOT_ENOUGH[0], text=NOT_ENOUGH[1])
    if page.chart:
        key = _fill(_MUTED, text=t.shortfall if t.shortfall else WEEKLY_KEY)
        chart = _join([_pain_chart(t), key])
    return _fill(
        _FIRST,
        title=page.title,
        who=_fill(_WHO, text=page.who) if page.who else _NOTHING,
        facts=page.facts,
        flag=_fill(_FLAG, heading=page.flag[0], text=page.flag[1]) if page.flag else _NOTHING,
        unread=_fill(_UNREAD, text=page.unread) if page.unread else _NOTHING,
        headline=page.headline,
        basis=page.basis,
        rows=rows,
        chart=chart,
        footer=page.footer,
    )


def _details_html(t: ReportTables, *, all_points: bool) -> _Markup:
    points, hidden = _points_shown(t.points, all_points)
    return _fill(
        _DETAILS,
        change=t.change.summary(),
        episode=t.episode.summary(),
        weekly=_fill(_PARAGRAPH, text=t.shortfall) if t.shortfall else _NOTHING,
        calendar=_image(t, "calendar", "daily pain calendar"),
        alerts=_alerts_html(t.alerts),
        screen=_screen_details(t),
        routines_intro=ROUTINES_INTRO,
        routines_table=_routines_table(t.routines),
        routines=_image(t, "routines", "routines"),
        points_intro=POINTS_INTRO,
        points_table=_points_table(points),
        points_note=_fill(_PARAGRAPH, text=hidden) if hidden else _NOTHING,
        points=_image(t, "points", "points"),
        body_map=_image(t, "body", "body map"),
        real_vs_sham=t.real_vs_sham.summary(),
        rescue=_rescue_details(t.rescue_check),
    )


def render_html(
    t: ReportTables, *, title: str = TITLE, notes: bool = False, all_points: bool = False
) -> str:
    """The report as one self-contained HTML page.

    Parameters
    ----------
    t : ReportTables
    title : str
    notes : bool
        Add the person's notes as a dated list (they may hold private things).
    all_points : bool
        List every point pressed in the points table, not only the helpful ones.

    Returns
    -------
    str
        The page: the first page in a ``<section class="first-page">`` that ends with a
        page break when printed, then the details.
    """
    parts = [_details_html(t, all_points=all_points)] if t.enough else []
    if notes and len(t.notes):
        items = _join(_fill(_ITEM, text=line) for line in _note_lines(t.notes))
        parts.append(_fill(_NOTES, items=items))
    return str(
        _fill(
            _PAGE,
            title=title,
            first=_first_html(t, first_page(t, title=title)),
            body=_join(parts),
        )
    )


# -- PDF -------------------------------------------------------------------------------
_MARGIN = 0.55  # inches on every side
_INK, _RED, _GREY, _RULE = "#222222", "#b71c1c", "#555555", "#cccccc"
#: Height of the first page's chart (inches): at least, and at most.
_CHART_MIN, _CHART_MAX = 2.8, 4.2
#: Room around the chart's Axes for its title, tick labels and axis labels (inches).
_CHART_PAD = {"left": 0.6, "right": 0.25, "bottom": 0.55, "top": 0.3}
#: Width of the first page's column of measure names (inches).
_LABEL_WIDTH = 1.55


class _Sheet:
    """Pages of one paper size, filled from the top with wrapped text and charts.

    Positions are in inches from the page's lower left corner. Text is wrapped by
    measuring it in the font, not by counting characters, so no line runs past the
    margin whatever its letters; every text is plain (a ``$`` a person typed is no
    formula).
    """

    def __init__(self, paper: str, scale: float = 1.0):
        self.size = PAPERS[paper]
        self.scale = scale
        self.pages: list[Figure] = []
        self.new_page()

    def new_page(self) -> None:
        fig = Figure(figsize=self.size)
        FigureCanvasAgg(fig)
        self.pages.append(fig)
        self.top, self.bottom = self.size[1] - _MARGIN, _MARGIN

    @property
    def fig(self) -> Figure:
        return self.pages[-1]

    @property
    def width(self) -> float:
        return self.size[0] - 2 * _MARGIN

    @staticmethod
    def _wrap(text: str, font: FontProperties, width: float) -> str:
        """``text`` with line breaks, so that no line is wider than ``width`` inches."""
        # The font's own widths, without the hinting of any one resolution: those of the PDF.
        limit = width * 72 * 0.99

        def fits(s: str) -> bool:
            return text_to_path.get_text_width_height_descent(s, font, ismath=False)[0] <= limit

        lines = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                trial = f"{line} {word}" if line else word
                if fits(trial):
                    line = trial
                    continue
                if line:
                    lines.append(line)
                while not fits(word):  # wider than a line (a link, say): break it
                    cut = max((n for n in range(1, len(word)) if fits(word[:n])), default=1)
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return "\n".join(lines)

    def _put(self, x: float, text: str, font: FontProperties, colour: str) -> tuple[Text, float]:
        """Place wrapped ``text`` with its top at ``self.top``; return it and its height."""
        artist = self.fig.text(
            _MARGIN + x,
            self.top,
            text,
            transform=self.fig.dpi_scale_trans,
            fontproperties=font,
            color=colour,
            va="top",
            ha="left",
            parse_math=False,
        )
        box = artist.get_window_extent(self.fig.canvas.get_renderer())
        return artist, box.height / self.fig.dpi

    def block(
        self,
        parts: Sequence[tuple[float, float, str, dict]],
        *,
        after: float = 0.07,
        breakable: bool = True,
    ) -> float:
        """Texts side by side, each ``(x, width, text, font)``, moving down past the tallest.

        On a later page a block that does not fit starts a new page; the first page never
        breaks (`breakable` False), its layout is checked instead. Returns the top of the
        block.
        """
        for attempt in (0, 1):
            placed = []
            for x, width, text, style in parts:
                style = dict(style)
                colour = style.pop("colour", _INK)
                font = FontProperties(size=style.pop("size", 9.5) * self.scale, **style)
                placed.append(self._put(x, self._wrap(text, font, width), font, colour))
            height = max(h for _, h in placed)
            fresh = self.top == self.size[1] - _MARGIN
            if not attempt and breakable and not fresh and self.top - height < self.bottom:
                for artist, _ in placed:
                    artist.remove()
                self.new_page()
                continue
            break
        top = self.top
        self.top -= height + after * self.scale
        return top

    def text(self, text: str, *, breakable: bool = True, after: float = 0.07, **style) -> float:
        """One paragraph across the page; see `block`."""
        return self.block([(0.0, self.width, text, style)], after=after, breakable=breakable)

    def rule(self, y: float) -> None:
        """A thin line across the text column at height ``y``."""
        self.fig.add_artist(
            Line2D(
                [_MARGIN, _MARGIN + self.width],
                [y, y],
                transform=self.fig.dpi_scale_trans,
                color=_RULE,
                linewidth=0.6,
            )
        )

    def box(self, top: float, colour: str, face: str) -> None:
        """A framed box behind what was placed from ``top`` down to here."""
        pad = 0.06
        self.fig.add_artist(
            Rectangle(
                (_MARGIN - pad, self.top),
                self.width + 2 * pad,
                top - self.top + pad,
                transform=self.fig.dpi_scale_trans,
                edgecolor=colour,
                facecolor=face,
                linewidth=1.5,
                zorder=-1,
            )
        )
        self.top -= 0.1

    def footer(self, text: str, **style) -> None:
        """``text`` at the foot of the page; what follows stays above it."""
        font = FontProperties(size=style.pop("size", 7.5) * self.scale, **style)
        artist = self.fig.text(
            _MARGIN,
            _MARGIN,
            self._wrap(text, font, self.width),
            transform=self.fig.dpi_scale_trans,
            fontproperties=font,
            color=_GREY,
            va="bottom",
            parse_math=False,
        )
        height = artist.get_window_extent(self.fig.canvas.get_renderer()).height / self.fig.dpi
        self.bottom = _MARGIN + height + 0.12

    def axes(self, height: float):
        """Axes for a chart filling ``height`` inches below here (its labels included)."""
        w, h = self.size
        pad = _CHART_PAD
        bottom = self.top - height
        rect = [
            (_MARGIN + pad["left"]) / w,
            (bottom + pad["bottom"]) / h,
            (self.width - pad["left"] - pad["right"]) / w,
            (height - pad["bottom"] - pad["top"]) / h,
        ]
        self.top = bottom
        return self.fig.add_axes(rect)


def _first_pdf_page(t: ReportTables, page: FirstPage, paper: str) -> Figure:
    """The first page on one sheet of ``paper``: smaller type when the words need room.

    The first scale that leaves the chart at least `_CHART_MIN` inches is kept.
    """
    for scale in (1.0, 0.92, 0.85, 0.78, 0.7):
        sheet = _Sheet(paper, scale)
        _first_words(sheet, page)
        if not page.chart or sheet.top - sheet.bottom >= _CHART_MIN * scale:
            break
    if not page.chart:
        sheet.text(NOT_ENOUGH[0], size=12.5, weight="bold", after=0.05, breakable=False)
        sheet.text(NOT_ENOUGH[1], size=9.5, breakable=False)
    else:
        height = min(sheet.top - sheet.bottom, _CHART_MAX)
        ax = sheet.axes(height)
        ax.set_gid("first-page-chart")
        _pain_over_time(t, ax)
    return sheet.fig


def _first_words(sheet: _Sheet, page: FirstPage) -> None:
    sheet.footer(page.footer, style="italic")
    fixed = {"breakable": False}
    sheet.text(page.title, size=16, weight="bold", after=0.02, **fixed)
    sheet.text("Report for the clinician", size=10, colour=_GREY, after=0.05, **fixed)
    if page.who:
        sheet.text(page.who, size=10.5, weight="bold", after=0.03, **fixed)
    sheet.text(page.facts, size=8.5, colour=_GREY, after=0.1, **fixed)
    if page.flag:
        top = sheet.text(page.flag[0], size=11.5, weight="bold", colour=_RED, after=0.03, **fixed)
        sheet.text(page.flag[1], size=9.5, colour=_RED, after=0.04, **fixed)
        sheet.box(top + 0.06, _RED, "#fdecea")
    if page.unread:
        sheet.text(page.unread, size=9.5, weight="bold", colour=_RED, **fixed)
    sheet.text(page.headline, size=12, weight="bold", after=0.03, **fixed)
    sheet.text(page.basis, size=8.5, colour=_GREY, after=0.08, **fixed)
    sheet.rule(sheet.top + 0.03)
    label = _LABEL_WIDTH * sheet.scale
    for name, words, stress in page.rows:
        colour = _RED if stress else _INK
        sheet.block(
            [
                (0.0, label - 0.1, name, {"size": 9, "weight": "bold"}),
                (label, sheet.width - label, words, {"size": 9, "colour": colour}),
            ],
            after=0.05,
            breakable=False,
        )
        sheet.rule(sheet.top + 0.025)
    sheet.top -= 0.08


def _details_pdf(t: ReportTables, paper: str, *, notes: bool, all_points: bool) -> list[Figure]:
    """The later pages' words (the charts have pages of their own)."""
    sheet = _Sheet(paper)
    sections: list[tuple[str, list[str]]] = []
    if t.enough:
        points, hidden = _points_shown(t.points, all_points)
        helpful = [
            f"{p.point} {p.name}: {fmt(p.estimate)} points ({fmt_ci((p.ci_low, p.ci_high))})"
            for p in points.itertuples()
        ]
        sections += [
            ("Pain now and at the start", [t.change.summary(), t.episode.summary()]),
            ("Pain alerts", [analysis.pain_alerts_summary(t.alerts)]),
            ("Red-flag screen", [_screen_details(t)]),
            ("Routines described", [ROUTINES_INTRO]),
            ("Which points helped most", [POINTS_INTRO, *helpful, *([hidden] if hidden else [])]),
            ("Real against sham", [t.real_vs_sham.summary(), _rescue_details(t.rescue_check)]),
        ]
    if notes and len(t.notes):
        sections.append(("Notes", _note_lines(t.notes)))
    for heading, paragraphs in sections:
        sheet.text(heading, size=12.5, weight="bold", after=0.05)
        for paragraph in paragraphs:
            sheet.text(paragraph, size=9.5)
        sheet.top -= 0.12
    return sheet.pages if sections else []


def render_pdf(
    t: ReportTables,
    path: str | os.PathLike[str] | BinaryIO,
    *,
    title: str = TITLE,
    paper: str = "A4",
    notes: bool = False,
    all_points: bool = False,
) -> int:
    """Write the report as a PDF (matplotlib's PDF backend); returns its page count.

    Parameters
    ----------
    t : ReportTables
    path : str, PathLike or binary file
        A file name (the file is made readable by its owner only) or a binary file open
        for writing.
    title : str
    paper : {"A4", "Letter"}
    notes, all_points : bool
        As for `render_html`.

    Returns
    -------
    int
        The number of pages: the first page, the details, then two pages of charts.
    """
    if paper not in PAPERS:
        raise InvalidValue("paper", paper, f"expected one of {', '.join(PAPERS)}")
    if isinstance(path, str | os.PathLike):
        with private_output(path) as file:
            return render_pdf(t, file, title=title, paper=paper, notes=notes, all_points=all_points)
    page = first_page(t, title=title)
    pages = [_first_pdf_page(t, page, paper)]
    pages += _details_pdf(t, paper, notes=notes, all_points=all_points)
    if t.enough:
        for keys in _PDF_PAGES:
            sheet = Figure(figsize=PAPERS[paper], layout="tight")
            for i, key in enumerate(keys):
                _CHARTS[key][0](t, sheet.add_subplot(len(keys), 1, i + 1))
            pages.append(sheet)
    with PdfPages(path, metadata={"Title": title, "Creator": "acutrack"}) as pdf:
        for figure in pages:
            pdf.savefig(figure)
    return len(pages)


def write_report(
    journal: Journal | None = None,
    out: str | Path = "report.html",
    *,
    since: date | None = None,
    pdf: str | Path | None = None,
    paper: str = "A4",
    notes: bool = False,
    all_points: bool = False,
) -> Path:
    """Write the clinician's report: a first page to read in a minute, details after.

    Its files are readable by their owner only, and each is written whole or not at all.

    Parameters
    ----------
    journal : Journal, optional
        Defaults to `Journal.default`.
    out : str or Path
        The HTML file to write.
    since : date, optional
        Only entries on or after this day (the latest red-flag screen is shown whatever
        its day: an answer stands until the next screen).
    pdf : str or Path, optional
        Also write a PDF there (another file than ``out``).
    paper : {"A4", "Letter"}
        The PDF's paper (the HTML page prints on either).
    notes : bool
        Add the person's notes, as a dated list after the details. Off by default: notes
        may hold things a person would rather not hand over.
    all_points : bool
        List every point pressed in the points table, not only the helpful ones.

    Returns
    -------
    Path
        The HTML file.

    Raises
    ------
    InvalidValue
        When ``pdf`` is the HTML file, or either is one of the journal's own files, or
        ``paper`` is not known.
    """
    journal = journal or Journal.default()
    out = Path(out)
    if pdf is not None and _same_file(out, Path(pdf)):
        raise InvalidValue("pdf", str(pdf), f"expected another file than the HTML file {out}")
    if paper not in PAPERS:
        raise InvalidValue("paper", paper, f"expected one of {', '.join(PAPERS)}")
    options = {"notes": notes, "all_points": all_points}
    # Both files are opened before either is written, and before the analysis: where one
    # cannot go, neither is made, and the person hears so at once.
    with ExitStack() as files:
        page = files.enter_context(journal.private_output(out))
        sheet = files.enter_context(journal.private_output(pdf)) if pdf else None
        tables = report_tables(journal, since=since)
        page.write(render_html(tables, **options).encode("utf-8"))
        if sheet:
            render_pdf(tables, sheet, paper=paper, **options)
    return out


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` may name one file (also through links, ``..`` or letter case).

    Names that differ only in letter case count as one file everywhere: macOS and Windows
    ignore case by default, and neither file may exist yet to ask the system.
    """
    if a.exists() and b.exists():
        return a.samefile(b)
    folders = a.absolute().parent, b.absolute().parent
    if all(f.is_dir() for f in folders):
        same_folder = folders[0].samefile(folders[1])
    else:
        same_folder = folders[0].resolve() == folders[1].resolve()
    return same_folder and a.name.casefold() == b.name.casefold()
