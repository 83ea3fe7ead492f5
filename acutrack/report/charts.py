"""The report's charts: how each is drawn, its size on its own, and its pixels and PNG,
drawn once for the HTML page and the PDF alike."""

from __future__ import annotations

import base64
from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure

from .. import analysis, plots
from ..plots.png import figure_pixels
from .gather import ReportTables

__all__ = [
    "CHARTS",
    "MARGINS",
    "PDF_PAGES",
    "Drawn",
    "drawn",
    "figure",
    "pain_over_time",
    "png_base64",
    "size",
]

# Each chart: how to draw it (the tables, the Axes, and whether every point is shown or
# only those that went with more relief), and its size on its own (width, height in inches).
CHARTS = {
    "weekly": (lambda t, ax, every: pain_over_time(t, ax), (9, 3.6)),
    "calendar": (
        lambda t, ax, every: plots.plot_calendar(t.daily, imported=t.imported, ax=ax),
        (9, 3.2),
    ),
    "routines": (lambda t, ax, every: plots.plot_routine_forest(t.routines, ax=ax), (9, 3.5)),
    "points": (lambda t, ax, every: point_forest(t, ax, every), (9, 5.5)),
    "body": (
        lambda t, ax, every: plots.plot_body_map(
            t.points, ax=ax, labels="all" if every else "more_relief"
        ),
        (8, 6),
    ),
}
#: The points chart's height (inches): its title and axis, and each point's row.
POINTS_BASE, POINTS_ROW = 1.5, 0.32
# The PDF's chart pages after the first, two charts to a page.
PDF_PAGES = (("calendar", "routines"), ("points", "body"))
#: Margins (left, right, bottom, top, in inches) of the charts whose labels do not grow
#: with the data: set once, where a tight layout measured every label twice at each
#: drawing (a third of the drawing's time). The others fit their routines' and points'
#: names.
MARGINS = {
    "weekly": (0.65, 0.42, 0.82, 0.38),  # day by day, ticks take two lines
    "calendar": (0.55, 0.2, 0.8, 0.38),
    "body": (0.2, 0.2, 0.45, 0.6),
}


def pain_over_time(t: ReportTables, ax) -> None:
    """The weekly trend, or pain day by day while there is too little for weeks."""
    # The headline's two windows, so that the chart shows what it compares.
    windows = (t.change.start, t.change.end) if t.change.enough else None
    plots.plot_pain_over_time(
        t.weekly, t.daily, t.shortfall, alerts=t.alerts, imported=t.imported, windows=windows, ax=ax
    )


def point_forest(t: ReportTables, ax, every: bool) -> None:
    """The points that went with more relief (every point pressed with ``every``), never a
    sham spot."""
    shown = analysis.points_to_show(t.points, all_points=every)
    plots.plot_point_forest(shown, ax=ax, nothing="No point went with more relief yet")


def size(t: ReportTables, key: str, *, all_points: bool = False) -> tuple[float, float]:
    """Chart ``key``'s width and height in inches: the points chart as tall as its rows (a
    line of words when no point is shown), the others as `CHARTS` has them."""
    width, height = CHARTS[key][1]
    if key == "points":
        rows = len(analysis.points_to_show(t.points, all_points=all_points))
        height = min(height, POINTS_BASE + POINTS_ROW * rows)
    return width, height


def figure(t: ReportTables, key: str, *, all_points: bool = False) -> Figure:
    """One chart on a figure of its own, which belongs to no window (no GUI, no pyplot)."""
    draw = CHARTS[key][0]
    width, height = size(t, key, all_points=all_points)
    if key not in MARGINS:
        fig = Figure(figsize=(width, height), layout="tight")
    else:
        fig = Figure(figsize=(width, height))
        left, right, bottom, top = MARGINS[key]
        fig.subplots_adjust(
            left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height
        )
    draw(t, fig.add_subplot(), all_points)
    return fig


class Drawn(NamedTuple):
    """A chart drawn by Agg: its pixels (height × width × RGBA) and the same as a PNG."""

    pixels: np.ndarray
    png: bytes


def drawn(t: ReportTables, key: str, *, all_points: bool = False) -> Drawn:
    """Chart ``key``, drawn the first time it is asked for and kept in ``t.drawn``.

    The HTML page embeds its PNG and the PDF places its pixels: drawing a chart costs
    more than the rest of the page.

    Parameters
    ----------
    t : ReportTables
    key : str
        One of `CHARTS`.
    all_points : bool
        Every point pressed, not only those that went with more relief.

    Returns
    -------
    Drawn
    """
    if (key, all_points) not in t.drawn:
        chart = figure(t, key, all_points=all_points)
        t.drawn[key, all_points] = Drawn(*figure_pixels(chart))
    return t.drawn[key, all_points]


def png_base64(t: ReportTables, key: str, *, all_points: bool = False) -> str:
    """Chart ``key`` as a PNG (see `drawn`), in base64 for a ``data:`` address."""
    return base64.b64encode(drawn(t, key, all_points=all_points).png).decode("ascii")
