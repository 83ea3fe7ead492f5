"""Which points helped: a forest plot of their own effects and a body map."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.patches import Circle, FancyBboxPatch

from ..catalog import POINTS, Point
from ._axes import GREY, REAL, axes, empty

__all__ = ["plot_body_map", "plot_point_forest"]


def plot_point_forest(ranking: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Each separable point's own effect with its 95 % CI; the others listed in grey.

    Parameters
    ----------
    ranking : DataFrame
        From `acutrack.analysis.rank_points`.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = axes(ax)
    if ranking.empty:
        return empty(ax, "No sessions yet")
    rows = ranking.iloc[::-1].reset_index(drop=True)
    for y, row in rows.iterrows():
        if row["separable"]:
            ax.plot([row["ci_low"], row["ci_high"]], [y, y], color=REAL, linewidth=2)
            ax.plot(row["estimate"], y, marker="D", color=REAL)
        else:
            ax.text(0, y, "  cannot be separated", va="center", color=GREY, fontsize="small")
    ax.set_yticks(range(len(rows)), [f"{r.point} {r.name}" for r in rows.itertuples()])
    ax.axvline(0, color=GREY, linewidth=1)
    ax.set_xlabel("Extra drop in pain when this point is pressed (points)")
    ax.set_title("Each point's own share of the relief, with 95 % CI")
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


def plot_body_map(
    ranking: pd.DataFrame,
    *,
    ax: Axes | None = None,
    points: dict[str, Point] | None = None,
) -> Axes:
    """Front and back of a figure with each point at its place, coloured by its effect.

    Parameters
    ----------
    ranking : DataFrame
        From `acutrack.analysis.rank_points`. Points it estimates are coloured (blue for
        more relief, red for less); points that cannot be separated are grey; catalog
        points never pressed are hollow.
    ax : Axes, optional
    points : dict, optional
        The catalog's points (by default the built-in ones); points without a map
        position are left out.

    Returns
    -------
    Axes
    """
    ax = axes(ax)
    points = points or POINTS
    offsets = {"front": -1.1, "back": 1.1}
    _body(ax, offsets["front"], "Front")
    _body(ax, offsets["back"], "Back")
    by_code = ranking.set_index("point") if not ranking.empty else pd.DataFrame()
    finite = ranking["estimate"].dropna() if not ranking.empty else pd.Series(dtype=float)
    limit = max(1.0, float(np.abs(finite).max())) if len(finite) else 1.0
    norm, cmap = Normalize(-limit, limit), colormaps["RdBu"]
    for code, point in points.items():
        for view, x, y in point.map:
            style: dict = {"s": 70, "zorder": 3, "edgecolors": "black", "linewidths": 0.8}
            if code not in by_code.index:
                style |= {"facecolors": "none"}
            elif by_code.loc[code, "separable"] and np.isfinite(by_code.loc[code, "estimate"]):
                style |= {"color": cmap(norm(by_code.loc[code, "estimate"]))}
            else:
                style |= {"color": GREY}
            ax.scatter([offsets[view] + x], [y], gid=f"point-{code}", **style)
    ax.figure.colorbar(
        ScalarMappable(norm=norm, cmap=cmap),
        ax=ax,
        label="Extra drop when pressed (grey: cannot be separated)",
    )
    ax.set_xlim(-2.2, 2.2)
    ax.set_ylim(-0.9, 8.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Where the points are, coloured by their own effect")
    return ax
