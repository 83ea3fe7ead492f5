"""Routines compared: pain before and after, and the mean drop with its uncertainty."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._axes import DROP_LABEL, GREY, PAIN_LABEL, REAL, SHAM, axes, empty, mark_meaningful

__all__ = ["plot_before_after", "plot_routine_forest"]


def _colour(condition: str) -> str:
    return SHAM if condition == "sham" else REAL


def plot_before_after(sessions: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Slope chart: each session's pain before and after (faint), and each routine's mean.

    Parameters
    ----------
    sessions : DataFrame
        As `Journal.sessions` returns it.
    ax : Axes, optional

    Returns
    -------
    Axes
        One bold line per routine and condition (labelled), one faint line per session.
    """
    ax = axes(ax)
    if sessions.empty:
        return empty(ax, "No sessions yet")
    rng = np.random.default_rng(0)  # a little sideways jitter so equal lines stay visible
    for row in sessions.itertuples():
        dx = rng.uniform(-0.04, 0.04)
        ax.plot(
            [dx, 1 + dx],
            [row.pain_before, row.pain_after],
            color=_colour(row.condition),
            alpha=0.12,
            linewidth=0.8,
        )
    for (routine, condition), group in sessions.groupby(["routine", "condition"], observed=True):
        ax.plot(
            [0, 1],
            [group["pain_before"].mean(), group["pain_after"].mean()],
            marker="o",
            linewidth=3,
            color=_colour(condition),
            linestyle="-" if condition == "real" else "--",
            label=f"{routine} ({condition}), {len(group)} sessions",
            gid="routine-mean",
        )
    ax.set_xticks([0, 1], ["Before", "After"])
    ax.set_xlim(-0.3, 1.3)
    ax.set_ylim(0, 10.5)
    ax.set_ylabel(PAIN_LABEL)
    ax.set_title("Pain before and after each session")
    ax.legend(fontsize="small")
    return ax


def plot_routine_forest(comparison: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Mean drop per routine with its 95 % CI; the clinically meaningful 2 points marked.

    Parameters
    ----------
    comparison : DataFrame
        From `acutrack.analysis.compare_routines`.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = axes(ax)
    if comparison.empty:
        return empty(ax, "No sessions yet")
    rows = comparison.iloc[::-1].reset_index(drop=True)  # the largest drop on top
    for y, row in rows.iterrows():
        colour = _colour(row["condition"])
        if np.isfinite(row["ci_low"]):
            ax.plot([row["ci_low"], row["ci_high"]], [y, y], color=colour, linewidth=2)
        ax.plot(row["mean_drop"], y, marker="s", color=colour, markersize=8)
    labels = [f"{r.routine} ({r.condition}), n={r.sessions}" for r in rows.itertuples()]
    ax.set_yticks(range(len(rows)), labels)
    ax.axvline(0, color=GREY, linewidth=1)
    mark_meaningful(ax, vertical=True, label="clinically meaningful (2 points)")
    ax.set_xlabel(DROP_LABEL)
    ax.set_title("Average drop per routine, with 95 % confidence interval")
    ax.legend(loc="lower right", fontsize="small")
    return ax
