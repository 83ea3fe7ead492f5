"""The real/sham experiment: drops by condition, after the session and at follow-up."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._axes import DROP_LABEL, GREY, REAL, SHAM, axes, empty

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
        One marker per condition and moment with data; its CI as a line.
    """
    ax = axes(ax)
    shown = table[table["n"] > 0]
    if shown.empty:
        return empty(ax, "No real or sham sessions yet")
    moments = list(dict.fromkeys(table["moment"]))
    for row in shown.itertuples():
        x = moments.index(row.moment) + (-0.1 if row.condition == "real" else 0.1)
        colour = REAL if row.condition == "real" else SHAM
        if np.isfinite(row.ci_low):
            ax.plot([x, x], [row.ci_low, row.ci_high], color=colour, linewidth=2)
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
        ax.annotate(f"n={row.n}", (x, row.mean_drop), textcoords="offset points", xytext=(8, -3))
    # No 2-point line here: that threshold is for one session's drop, not for a mean.
    ax.axhline(0, color=GREY, linewidth=1)
    ax.set_xticks(range(len(moments)), moments)
    ax.set_xlim(-0.6, len(moments) - 0.4)
    ax.set_ylabel(DROP_LABEL)
    ax.set_title("Real and sham: relief during the session and later, with 95 % CI")
    ax.legend(fontsize="small")
    return ax
