"""The report as one self-contained HTML page, rendered by Jinja2 with autoescaping.

The page's markup is all in ``templates/report.html.j2``; this module hands it plain
values only (words, table cells, PNGs in base64), and autoescaping makes every one text:
nothing a person typed (a note, a routine's or a point's name) becomes markup. The charts
are embedded as PNG and the styles inline, so the page needs nothing from the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import jinja2
import pandas as pd

from .. import analysis
from ..analysis.trend import CLINICIAN_ADVICE
from ..stats.results import fmt
from ..stats.scales import DIFFERENCE, DROP, interval_words
from ..tables_for_people import MISSING, cell_text
from .details import (
    POINTS_INTRO,
    ROUTINES_INTRO,
    WEEKLY_KEY,
    note_lines,
    points_shown,
    rescue_details,
    screen_details,
)
from .first_page import NOT_ENOUGH, TITLE, first_page
from .gather import ReportTables

__all__ = ["render_html"]

#: Kinds of table column, and their CSS classes: numbers align right, text left.
_NUMBER, _TEXT = "number", "text"


def png_base64(t: ReportTables, key: str, *, all_points: bool = False) -> str:
    """`charts.png_base64`, imported on first use: a page without charts needs no matplotlib."""
    from .charts import png_base64 as chart_png

    return chart_png(t, key, all_points=all_points)


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("acutrack.report", "templates"),
        autoescape=True,  # on whatever the template's name ends with
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    return environment.get_template("report.html.j2")


@dataclass(frozen=True)
class _Table:
    """A table named ``name`` (its CSS class): each column's header and kind, and each row's
    cells as (kind, text). A cell aligns by its column's kind, never by what its text looks
    like."""

    name: str
    columns: Sequence[tuple[str, str]]
    rows: list[list[tuple[str, str]]]

    @classmethod
    def of(
        cls, name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]]
    ) -> _Table:
        kinds = [kind for _, kind in columns]
        cells = [
            [(kind, cell_text(cell)) for kind, cell in zip(kinds, row, strict=True)] for row in rows
        ]
        return cls(name, columns, cells)


@dataclass(frozen=True)
class _Chart:
    png: str  # base64
    alt: str


def _routines_table(routines: pd.DataFrame) -> _Table:
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
    ]
    rows = [
        [
            r.routine,
            r.condition,
            r.sessions,
            fmt(r.mean_before, missing=MISSING),
            fmt(r.mean_after, missing=MISSING),
            fmt(r.mean_drop, missing=MISSING),
            interval_words((r.ci_low, r.ci_high), DROP, n=r.sessions, missing=MISSING),
            fmt(r.adjusted_drop, missing=MISSING),
        ]
        for r in routines.itertuples()
    ]
    return _Table.of("routines", columns, rows)


def _points_table(points: pd.DataFrame) -> _Table | None:
    if points.empty:
        return None
    columns = [
        ("point", _TEXT),
        ("name", _TEXT),
        ("with", _NUMBER),
        ("without", _NUMBER),
        ("own effect", _NUMBER),
        ("interval", _NUMBER),
        ("what the diary shows", _TEXT),
    ]
    rows = [
        [
            p.point,
            p.name,
            p.sessions_with,
            p.sessions_without,
            fmt(p.estimate, missing=MISSING),
            interval_words((p.ci_low, p.ci_high), DIFFERENCE, missing=MISSING),
            p.reason,
        ]
        for p in points.itertuples()
    ]
    return _Table.of("points", columns, rows)


def _details(t: ReportTables, *, all_points: bool) -> dict[str, object]:
    """What the pages after the first say, and their charts."""
    points, hidden = points_shown(t.points, all_points)
    charts = {
        key: _Chart(png_base64(t, key, all_points=all_points), alt)
        for key, alt in (
            ("calendar", "daily pain calendar"),
            ("routines", "routines"),
            ("points", "points"),
            ("body", "body map"),
        )
    }
    return {
        "change": t.change.summary(),
        "episode": t.episode.summary(),
        "shortfall": t.shortfall,
        "alerts": list(t.alerts["detail"]) if not t.alerts.empty else [],
        "advice": CLINICIAN_ADVICE,
        "no_alerts": analysis.pain_alerts_summary(t.alerts),
        "screen": screen_details(t),
        "routines_intro": ROUTINES_INTRO,
        "routines": _routines_table(t.routines),
        "points_intro": POINTS_INTRO,
        "points": _points_table(points),
        "points_note": hidden,
        "charts": charts,
        "real_vs_sham": t.real_vs_sham.summary(),
        "rescue": rescue_details(t.rescue_check),
    }


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
        List every point pressed in the points table, not only those that went
        with more relief.

    Returns
    -------
    str
        The page: the first page in a ``<section class="first-page">`` that ends with a
        page break when printed, then the details.
    """
    page = first_page(t, title=title)
    first_chart = None
    if page.chart:
        alt = "daily pain" if t.shortfall else "weekly pain trend"
        first_chart = _Chart(png_base64(t, "weekly"), alt)
    return _template().render(
        title=title,
        page=page,
        first_chart=first_chart,
        chart_key=t.shortfall or WEEKLY_KEY,
        not_enough=NOT_ENOUGH,
        details=_details(t, all_points=all_points) if t.enough else None,
        notes=note_lines(t.notes) if notes and len(t.notes) else [],
    )
