"""Which points went with more relief: a forest plot of their own effects and a body map.

Only points that `acutrack.analysis.rank_points` shows went with more relief are
coloured; every other point is grey, with the reason it is not (too few sessions without
it, always pressed with another point, an interval that includes no effect, ...). Points
left out by choice show an association, not a cause, so each chart names the
leave-one-out plan that tests a point.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch
from matplotlib.transforms import blended_transform_factory

from ..catalog import POINTS, Point, point_label
from ..stats.scales import DIFFERENCE
from ._axes import GREY, REAL, axes, empty, span_of, whisker

__all__ = ["plot_body_map", "plot_point_forest"]

#: Each chart's last title line: what a coloured point means, and how to test one.
_TEST_IT = "an association, not a cause: test a point with acutrack plan --new --leave-out POINT"


def _heading(ranking: pd.DataFrame) -> str:
    """The title's first line, with the intervals' level (shared by the points judged)."""
    levels = ranking["ci_level"].dropna()
    if levels.empty:
        return "Each point's own share of the relief: no point can be judged yet"
    return f"Each point's own share of the relief, with {100 * levels.iloc[0]:.3g} % intervals"


#: Characters in a line of a reason beside the chart: wrapped, it stays on the page.
_REASON_WIDTH = 42


def plot_point_forest(
    ranking: pd.DataFrame, *, ax: Axes | None = None, nothing: str = "No sessions yet"
) -> Axes:
    """Each judged point's own effect with its interval; every point's reason beside it.

    Parameters
    ----------
    ranking : DataFrame
        From `acutrack.analysis.rank_points` (or the rows of it to show:
        `acutrack.analysis.points_to_show`).
    ax : Axes, optional
    nothing : str
        Said when ``ranking`` has no rows.

    Returns
    -------
    Axes
        Rows in the table's order, the first on top. Points that went with more relief:
        a coloured diamond and whisker (``gid="ci"``, ``ci_low`` to ``ci_high`` cut at
        −20 and 20, an arrow ``gid="ci-cut"`` at a cut end). Points judged but not
        shown with more relief: the same in grey. Every point not shown with more
        relief: its reason in grey to the right of the plot, wrapped (``gid="reason"``).
        The axis follows the intervals. The title names the leave-one-out plan.
    """
    ax = axes(ax)
    if ranking.empty:
        return empty(ax, nothing)
    rows = ranking.iloc[::-1].reset_index(drop=True)
    beside = blended_transform_factory(ax.transAxes, ax.transData)
    reach = []
    for y, row in rows.iterrows():
        colour = REAL if row["more_relief"] else GREY
        if pd.notna(row["estimate"]):
            ends = whisker(ax, (row["ci_low"], row["ci_high"]), y, DIFFERENCE, colour=colour, lw=2)
            reach += [row["estimate"], *(ends or [])]
            ax.plot(row["estimate"], y, marker="D", color=colour, gid="estimate")
        if not row["more_relief"]:
            ax.text(
                1.02,
                y,
                textwrap.fill(str(row["reason"]), _REASON_WIDTH),
                transform=beside,
                va="center",
                color=GREY,
                fontsize="small",
                gid="reason",
            )
    ax.set_yticks(range(len(rows)), [point_label(r.point, r.name) for r in rows.itertuples()])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.axvline(0, color=GREY, linewidth=1)
    ax.set_xlabel("Extra drop in pain when this point is pressed (points)")
    if ranking["estimate"].isna().all():
        ax.set_xlim(-2, 2)  # no interval to scale to: keep "no effect" in the middle
    else:
        ax.set_xlim(*span_of(reach, 0.5, DIFFERENCE))
    ax.set_title(
        f"{_heading(ranking)}\nblue: went with more relief; grey: not shown, with the reason"
        f"\n{_TEST_IT}"
    )
    return ax


def _body(ax: Axes, dx: float, title: str) -> None:
    """A plain standing figure centred at ``dx``: head, trunk, arms, legs."""
    style = {"facecolor": "#f2ebe3", "edgecolor": "#8d7b6a", "linewidth": 1}
    ax.add_patch(Circle((dx, 7.55), 0.42, **style))
    for x, y, w, h in [
        (-0.5, 3.8, 1.0, 3.0),  # trunk
        (-0.82, 3.5, 0.26, 3.2),  # arms
        (0.56, 3.5, 0.26, 3.2),
        (-0.44, 0.0, 0.38, 3.9),  # legs
        (0.06, 0.0, 0.38, 3.9),
        (-0.12, 6.75, 0.24, 0.4),  # neck
    ]:
        ax.add_patch(
            FancyBboxPatch((dx + x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.1", **style)
        )
    ax.text(dx, -0.45, title, ha="center", va="top")


#: How each kind of point is drawn on the body map, with its legend entry.
_MARKS = {
    "more_relief": ({"facecolors": REAL, "edgecolors": "black"}, "went with more relief"),
    "pressed": ({"facecolors": GREY, "edgecolors": "black"}, "pressed: no effect shown"),
    "never": ({"facecolors": "none", "edgecolors": GREY}, "never pressed"),
}


def _legend(ax: Axes) -> None:
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=8,
            markerfacecolor=style["facecolors"],
            markeredgecolor=style["edgecolors"],
            label=label,
        )
        for style, label in _MARKS.values()
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=3)


#: Vertical room (map units) each name needs in a column of labels.
_LABEL_GAP = 0.42


def _label_column(ax: Axes, points: dict[str, Point], dx: float, *, side: int) -> None:
    """Name each point of one figure in a column on its outer ``side`` (−1 left, 1 right).

    Each name sits as near its spot's height as the names above and below allow, with a
    thin line to the spot on that side of the body.
    """
    view = "front" if side < 0 else "back"
    spots = []
    for code, point in points.items():
        here = [(x, y) for v, x, y in point.map if v == view]
        if here:
            spots.append((max(here, key=lambda s: side * s[0]), code, point.name))
    spots.sort(key=lambda s: -s[0][1])  # top down
    heights: list[float] = []
    for (_, y), _, _ in spots:
        heights.append(min(y, heights[-1] - _LABEL_GAP) if heights else y)
    if heights and heights[-1] < 0:  # pushed below the feet: move the column up
        heights = [h - heights[-1] for h in heights]
    column = dx + side * 1.05
    for ((x, y), code, name), height in zip(spots, heights, strict=True):
        ax.annotate(
            point_label(code, name),
            (dx + x, y),
            xytext=(column, height),
            ha="right" if side < 0 else "left",
            va="center",
            fontsize="x-small",
            arrowprops={"arrowstyle": "-", "color": GREY, "linewidth": 0.6},
            gid=f"label-{code}",
        )


def plot_body_map(
    ranking: pd.DataFrame,
    *,
    ax: Axes | None = None,
    points: dict[str, Point] | None = None,
    labels: str = "more_relief",
) -> Axes:
    """Front and back of a figure with each point at its place; more relief coloured.

    Parameters
    ----------
    ranking : DataFrame
        From `acutrack.analysis.rank_points`. Points that went with more relief are
        filled blue; points pressed but not shown with more relief (for whatever reason:
        see `plot_point_forest`) are filled grey; catalog points never pressed are hollow.
    ax : Axes, optional
    points : dict, optional
        The catalog's points (by default the built-in acupoints, without the sham
        spots); points without a map position are left out.
    labels : {"more_relief", "all"}
        Which points are named: those that went with more relief, or every point on the
        map; in a column beside each figure with a line to its spot (the spots on the
        back lie too close together to be named in place), the names stacked so that
        none overlaps another and no two lines cross.

    Returns
    -------
    Axes
        One scatter per point and side, ``gid="point-<code>"``, a legend, and one label
        per point named, ``gid="label-<code>"``. The title names the leave-one-out
        plan.
    """
    if labels not in ("more_relief", "all"):
        raise ValueError(
            "The value for `labels` must be one of 'more_relief', 'all', but "
            f"{labels!r} was passed."
        )
    ax = axes(ax)
    points = points or {code: point for code, point in POINTS.items() if not point.sham}
    offsets = {"front": -1.1, "back": 1.1}
    _body(ax, offsets["front"], "Front")
    _body(ax, offsets["back"], "Back")
    relief = dict(zip(ranking["point"], ranking["more_relief"], strict=True))
    for code, point in points.items():
        kind = "never" if code not in relief else "more_relief" if relief[code] else "pressed"
        style = _MARKS[kind][0]
        spots = [(offsets[view] + x, y) for view, x, y in point.map]
        for x, y in spots:
            ax.scatter([x], [y], s=70, zorder=3, linewidths=0.8, gid=f"point-{code}", **style)
    named = {
        code: point for code, point in points.items() if labels == "all" or relief.get(code, False)
    }
    _label_column(ax, named, offsets["front"], side=-1)
    _label_column(ax, named, offsets["back"], side=1)
    _legend(ax)
    ax.set_xlim(-3.3, 3.3)
    ax.set_ylim(-0.9, 8.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"Where the points are; blue: went with more relief in your diary\n{_TEST_IT}")
    return ax
