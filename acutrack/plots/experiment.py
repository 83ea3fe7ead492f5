"""The real/sham experiment: drops by condition, after the session and at follow-up."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from ..stats.scales import DROP, MIN_FOR_INTERVAL
from ._axes import DROP_LABEL, GREY, REAL, SHAM, axes, empty, span_of, too_few, whisker

__all__ = ["plot_condition_drops"]


def plot_condition_drops(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Mean drop of real and sham with 95 % CIs, after the session and at follow-up.

    Parameters
    ----------
    table : DataFrame
        From `acutrack.analysis.condition_drops`.
    ax : Axes, optional

    Returns
    -------
    Axes
        One marker per condition and moment with data; its interval as a line cut at
        −10 and 10 (an arrow at a cut end), or, for fewer than
        `acutrack.stats.scales.MIN_FOR_INTERVAL` sessions, a grey marker and "too few
        sessions for an interval". A moment without any (no follow-up ratings yet) says
        "no ratings yet" (``gid="no-ratings"``). The vertical axis follows the intervals
        drawn.
    """
    ax = axes(ax)
    shown = table[table["n"] > 0]
    if shown.empty:
        return empty(ax, "No real or sham sessions yet")
    moments = list(dict.fromkeys(table["moment"]))
    reach, small_groups = list(shown["mean_drop"]), []
    for row in shown.itertuples():
        x = moments.index(row.moment) + (-0.1 if row.condition == "real" else 0.1)
        small = row.n < MIN_FOR_INTERVAL
        colour = GREY if small else REAL if row.condition == "real" else SHAM
        if not small:
            ends = whisker(
                ax, (row.ci_low, row.ci_high), x, DROP, colour=colour, vertical=True, linewidth=2
            )
            reach += ends or []
        first = row.moment == moments[0]
        ax.plot(
            x,
            row.mean_drop,
            marker="o" if row.condition == "real" else "s",
            markersize=9,
            color=colour,
            linestyle="none",
            label=f"{row.condition}" if first else None,
        )
        if small:
            small_groups.append((x, row.mean_drop, row.n))
        else:
            ax.annotate(
                f"n={row.n}", (x, row.mean_drop), textcoords="offset points", xytext=(8, -3)
            )
    # No 2-point line here: that threshold is for one session's drop, not for a mean.
    ax.axhline(0, color=GREY, linewidth=1)
    ax.set_xticks(range(len(moments)), moments)
    ax.set_xlim(-0.6, len(moments) - 0.4)
    # The axis follows the groups with intervals, never past what a drop can be.
    ax.set_ylim(*span_of(reach, 0.7, DROP))
    for x, y, n in small_groups:
        too_few(ax, x, y, lead=f"n={n}: ")
    for x, moment in enumerate(moments):  # a column left empty says why
        if moment not in set(shown["moment"]):
            ax.text(
                x,
                0.5,
                "no ratings yet",
                transform=ax.get_xaxis_transform(),
                ha="center",
                color=GREY,
                gid="no-ratings",
            )
    ax.set_ylabel(DROP_LABEL)
    ax.set_title("Real and sham: relief during the session and later, with 95 % intervals")
    ax.legend(fontsize="small")
    return ax
