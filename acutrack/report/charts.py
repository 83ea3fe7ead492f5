"""The report's charts: how each is drawn, its size on its own, and as an embedded PNG."""

from __future__ import annotations

import base64

from matplotlib.figure import Figure

from .. import plots
from .gather import ReportTables

__all__ = ["CHARTS", "PDF_PAGES", "figure", "pain_over_time", "png_base64"]

# Each chart: how to draw it, and its size on its own (width, height in inches).
CHARTS = {
    "weekly": (lambda t, ax: pain_over_time(t, ax), (9, 3.6)),
    "calendar": (lambda t, ax: plots.plot_calendar(t.daily, ax=ax), (9, 3.2)),
    "routines": (lambda t, ax: plots.plot_routine_forest(t.routines, ax=ax), (9, 3.5)),
    "points": (lambda t, ax: plots.plot_point_forest(t.points, ax=ax), (9, 5.5)),
    "body": (lambda t, ax: plots.plot_body_map(t.points, ax=ax, labels="all"), (8, 6)),
}
# The PDF's chart pages after the first, two charts to a page.
PDF_PAGES = (("calendar", "routines"), ("points", "body"))


def pain_over_time(t: ReportTables, ax) -> None:
    """The weekly trend, or pain day by day while there is too little for weeks."""
    plots.plot_pain_over_time(t.weekly, t.daily, t.shortfall, alerts=t.alerts, ax=ax)


def figure(t: ReportTables, key: str) -> Figure:
    """One chart on a figure of its own, which belongs to no window (no GUI, no pyplot)."""
    draw, size = CHARTS[key]
    fig = Figure(figsize=size, layout="tight")
    draw(t, fig.add_subplot())
    return fig


def png_base64(t: ReportTables, key: str) -> str:
    """Chart ``key`` as a PNG, in base64 for a ``data:`` address."""
    return base64.b64encode(plots.figure_png(figure(t, key))).decode("ascii")
