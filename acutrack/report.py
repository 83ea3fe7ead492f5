"""A report for the clinician: one self-contained HTML page (and a PDF) from the journal.

Charts are embedded as PNG images and the styles inline, so the file needs nothing from
the network and can be emailed or printed (the print stylesheet fits A4 and Letter).
The PDF is drawn by matplotlib's own PDF backend: no browser is involved.
"""

from __future__ import annotations

import base64
import html
import io
import os
import textwrap
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from string import Template
from typing import BinaryIO

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from . import analysis, plots, stats
from .analysis.trend import CLINICIAN_ADVICE, Episode, PainChange
from .csvstore import private_output
from .errors import InvalidValue
from .journal import Journal
from .journal_choice import unread_rows_note
from .plan import plan_slots
from .stats.results import fmt, fmt_ci
from .tables_for_people import MISSING, cell_text

__all__ = ["ReportTables", "report_tables", "write_report"]

CAVEAT = (
    "These are self-reported pain ratings from a personal acupressure diary kept with "
    "acutrack. They are not a diagnosis and not medical advice; the statistics describe this "
    "one person's entries and carry the uncertainty shown."
)
MIN_READINGS = 3


@dataclass(frozen=True)
class ReportTables:
    """Everything the report shows, computed once (the report's analysis).

    Attributes
    ----------
    sessions, ratings : DataFrame
        The entries since ``since``.
    since : date or None
    weekly, daily, alerts, routines, points : DataFrame
        From `acutrack.analysis` (``alerts`` from `pain_alerts`).
    shortfall : str or None
        Why there is too little for a weekly trend yet (`weekly_shortfall`); the report
        then charts pain day by day instead.
    unread : str or None
        "N rows could not be read: run acutrack validate" when `Journal.problems` found any.
    change : PainChange
    episode : Episode
    real_vs_sham : RealVsSham
        For the back routine against its sham, within the plan when there is one.
    """

    sessions: pd.DataFrame
    ratings: pd.DataFrame
    since: date | None
    weekly: pd.DataFrame
    daily: pd.DataFrame
    alerts: pd.DataFrame
    shortfall: str | None
    unread: str | None
    change: PainChange
    episode: Episode
    routines: pd.DataFrame
    points: pd.DataFrame
    real_vs_sham: stats.RealVsSham

    @property
    def enough(self) -> bool:
        """Whether there is enough for charts (at least three pain readings)."""
        return len(analysis.pain_readings(self.sessions, self.ratings)) >= MIN_READINGS

    @property
    def period(self) -> tuple[date, date] | None:
        days = pd.concat([self.sessions["local_time"], self.ratings["local_time"]])
        return (days.min().date(), days.max().date()) if len(days) else None


def report_tables(journal: Journal, *, since: date | None = None) -> ReportTables:
    """Run the report's analysis on ``journal`` (entries on or after ``since``).

    Returns
    -------
    ReportTables
    """
    sessions, ratings = journal.entries()
    if since is not None:
        start = pd.Timestamp(since)
        sessions = sessions[sessions["local_time"] >= start].reset_index(drop=True)
        ratings = ratings[ratings["local_time"] >= start].reset_index(drop=True)
    slots = plan_slots(journal, kind="real/sham")
    return ReportTables(
        sessions=sessions,
        ratings=ratings,
        since=since,
        weekly=analysis.weekly_trend(sessions, ratings),
        daily=analysis.daily_pain(analysis.pain_readings(sessions, ratings)),
        alerts=analysis.pain_alerts(sessions, ratings),
        shortfall=analysis.weekly_shortfall(sessions, ratings),
        unread=unread_rows_note(journal),
        change=analysis.pain_change(sessions, ratings),
        episode=analysis.episode(sessions, ratings),
        routines=analysis.compare_routines(sessions),
        points=analysis.rank_points(sessions),
        real_vs_sham=stats.real_vs_sham(
            sessions, ratings=ratings, plan=slots or None, routine="back"
        ),
    )


# -- pictures --------------------------------------------------------------------------
# Each chart: how to draw it, and its size on its own (width, height in inches).
_CHARTS = {
    "weekly": (lambda t, ax: _pain_over_time(t, ax), (9, 4.2)),
    "calendar": (lambda t, ax: plots.plot_calendar(t.daily, ax=ax), (9, 3.2)),
    "routines": (lambda t, ax: plots.plot_routine_forest(t.routines, ax=ax), (9, 3.5)),
    "points": (lambda t, ax: plots.plot_point_forest(t.points, ax=ax), (9, 5.5)),
    "body": (lambda t, ax: plots.plot_body_map(t.points, ax=ax), (7, 6)),
}
# The PDF's chart pages, two charts (or one) to an A4 page.
_PDF_PAGES = (("weekly", "calendar"), ("routines", "points"), ("body",))


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
       max-width: 180mm; margin: 1.5em auto; line-height: 1.4; font-size: 11pt; }
h1 { font-size: 18pt; margin-bottom: 0.2em; } h2 { font-size: 13pt; margin-top: 1.4em; }
table { border-collapse: collapse; font-size: 9.5pt; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #ccc; padding: 2px 6px; text-align: left; }
th.number, td.number { text-align: right; }
img { max-width: 100%; height: auto; }
.caveat { border: 1px solid #d08c2c; background: #fff6e5; padding: 6px 10px; }
.alert { color: #b71c1c; } .muted { color: #666; }
@media print {
  @page { margin: 14mm; }  /* no page size: fits A4 and Letter alike */
  body { margin: 0; max-width: none; font-size: 10pt; }
  section { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
</style></head>
<body>
<h1>$title</h1>
<p class="muted">Period covered: $covered · $sessions sessions, $ratings pain check-ins · \
made by acutrack on $made</p>$unread
<p class="caveat">$caveat</p>
$body
</body></html>
""")

_NOT_ENOUGH = Template("""\
<section><h2>Not enough entries yet</h2><p>This journal holds too few pain ratings for charts
or statistics (at least $needed are needed). Log sessions and daily check-ins for a few weeks,
then make the report again.</p></section>""")

_ANALYSIS = Template("""\
<section><h2>Pain now and at the start</h2><p>$change</p><p>$episode</p></section>
<section><h2>Pain over time</h2>$weekly$calendar</section>
<section><h2>Pain alerts</h2>$alerts</section>
<section><h2>Routines described</h2><p>Drop in pain during sessions (before − after) with
95 % intervals, and the drop each routine would show from the same starting pain (sessions
that start higher fall further: regression to the mean). Routines were chosen by the day, so
this describes them and ranks none. A single session's drop of at least 2 points or 30 %
counts as clinically meaningful.</p>$routines_table$routines</section>
<section><h2>Which points helped most</h2><p>Each point's own share of the relief, adjusted
for the other points, the starting pain and the date, with an interval corrected for the
number of points. A point is called helpful only when enough sessions of its routine went
without it and its interval lies above no effect; the honest test is a leave-one-out
plan.</p>$points_table$points$body_map</section>
<section><h2>Real against sham</h2><p>$real_vs_sham</p></section>""")

_IMAGE = Template('<img src="data:image/png;base64,$png" alt="$alt">')
_WEEKLY_NOTE = Template("""<p class="muted">Line: weekly average; band: lowest to highest \
reading; dashed: 4-week average; triangles: weeks with sessions.</p>""")
_SHORTFALL = Template("<p>$text</p>")
_UNREAD = Template('\n<p class="alert"><b>$text</b></p>')
_NO_ALERTS = Template("<p>$text</p>")
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
        return _fill(_NO_ALERTS, text=analysis.pain_alerts_summary(alerts))
    items = _join(_fill(_ITEM, text=a.detail) for a in alerts.itertuples())
    return _fill(_ALERTS, items=items, advice=CLINICIAN_ADVICE)


def _weekly_html(t: ReportTables) -> _Markup:
    """The weekly chart and its key, or why there is none yet and pain day by day."""
    chart = _image(t, "weekly", "daily pain" if t.shortfall else "weekly pain trend")
    if t.shortfall:
        return _join([_fill(_SHORTFALL, text=t.shortfall), chart])
    return _join([chart, _fill(_WEEKLY_NOTE)])


def _image(t: ReportTables, key: str, alt: str) -> _Markup:
    return _fill(_IMAGE, png=_png(_figure(t, key)), alt=alt)


def render_html(t: ReportTables, *, title: str = "Back pain and self-acupressure") -> str:
    """The report as one self-contained HTML page."""
    period = t.period
    if t.enough:
        body = _fill(
            _ANALYSIS,
            change=t.change.summary(),
            episode=t.episode.summary(),
            weekly=_weekly_html(t),
            calendar=_image(t, "calendar", "daily pain calendar"),
            alerts=_alerts_html(t.alerts),
            routines_table=_routines_table(t.routines),
            routines=_image(t, "routines", "routines"),
            points_table=_points_table(t.points),
            points=_image(t, "points", "points"),
            body_map=_image(t, "body", "body map"),
            real_vs_sham=t.real_vs_sham.summary(),
        )
    else:
        body = _fill(_NOT_ENOUGH, needed=MIN_READINGS)
    return str(
        _fill(
            _PAGE,
            title=title,
            covered=f"{period[0]:%d %b %Y} to {period[1]:%d %b %Y}" if period else "no entries yet",
            sessions=len(t.sessions),
            ratings=len(t.ratings),
            made=f"{datetime.now():%d %b %Y}",
            unread=_fill(_UNREAD, text=t.unread) if t.unread else _Markup(""),
            caveat=CAVEAT,
            body=body,
        )
    )


# -- PDF -------------------------------------------------------------------------------
_A4 = (8.27, 11.69)


def _text_page(t: ReportTables, title: str) -> Figure:
    fig = Figure(figsize=_A4)
    period = t.period
    lines = [
        (title, 16, "bold"),
        (
            f"Period covered: {period[0]:%d %b %Y} to {period[1]:%d %b %Y}"
            if period
            else "No entries yet",
            10,
            "normal",
        ),
        (f"{len(t.sessions)} sessions, {len(t.ratings)} pain check-ins", 10, "normal"),
        *([(t.unread, 10, "bold")] if t.unread else []),
        (CAVEAT, 9, "italic"),
    ]
    if t.enough:
        lines += [
            ("Pain now and at the start", 12, "bold"),
            (t.change.summary(), 10, "normal"),
            (t.episode.summary(), 10, "normal"),
            *([(t.shortfall, 10, "normal")] if t.shortfall else []),
            ("Pain alerts", 12, "bold"),
            (analysis.pain_alerts_summary(t.alerts), 10, "normal"),
            ("Real against sham", 12, "bold"),
            (t.real_vs_sham.summary(), 10, "normal"),
        ]
    else:
        lines.append(
            (
                f"Not enough entries yet for charts (at least {MIN_READINGS} pain ratings).",
                11,
                "normal",
            )
        )
    y = 0.95
    for text, size, style in lines:
        wrapped = textwrap.fill(text, width=int(1000 / size))
        fig.text(
            0.08,
            y,
            wrapped,
            fontsize=size,
            va="top",
            style="italic" if style == "italic" else "normal",
            weight="bold" if style == "bold" else "normal",
        )
        y -= 0.018 * (wrapped.count("\n") + 1) * size / 10 + 0.015
    return fig


def render_pdf(
    t: ReportTables,
    path: str | os.PathLike[str] | BinaryIO,
    *,
    title: str = "Back pain and self-acupressure",
) -> int:
    """Write the report as an A4 PDF (matplotlib's PDF backend); returns its page count.

    ``path`` is a file name (the file is made readable by its owner only) or a binary file
    open for writing.
    """
    if isinstance(path, str | os.PathLike):
        with private_output(path) as file:
            return render_pdf(t, file, title=title)
    pages = [_text_page(t, title)]
    if t.enough:
        for keys in _PDF_PAGES:
            page = Figure(figsize=_A4, layout="tight")
            for i, key in enumerate(keys):
                _CHARTS[key][0](t, page.add_subplot(len(keys), 1, i + 1))
            pages.append(page)
    with PdfPages(path, metadata={"Title": title, "Creator": "acutrack"}) as pdf:
        for page in pages:
            pdf.savefig(page)
    return len(pages)


def write_report(
    journal: Journal | None = None,
    out: str | Path = "report.html",
    *,
    since: date | None = None,
    pdf: str | Path | None = None,
) -> Path:
    """Write the clinician's report.

    Its files are readable by their owner only, and each is written whole or not at all.

    Parameters
    ----------
    journal : Journal, optional
        Defaults to `Journal.default`.
    out : str or Path
        The HTML file to write.
    since : date, optional
        Only entries on or after this day.
    pdf : str or Path, optional
        Also write a PDF there (another file than ``out``).

    Returns
    -------
    Path
        The HTML file.

    Raises
    ------
    InvalidValue
        When ``pdf`` is the HTML file, or either is one of the journal's own files.
    """
    journal = journal or Journal.default()
    out = Path(out)
    if pdf is not None and _same_file(out, Path(pdf)):
        raise InvalidValue("pdf", str(pdf), f"expected another file than the HTML file {out}")
    tables = report_tables(journal, since=since)
    # Both files are opened before either is written: where one cannot go, neither is made.
    with ExitStack() as files:
        page = files.enter_context(journal.private_output(out))
        paper = files.enter_context(journal.private_output(pdf)) if pdf else None
        page.write(render_html(tables).encode("utf-8"))
        if paper:
            render_pdf(tables, paper)
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
