"""Routines described: pain before and after, and each routine's mean drop.

Each routine has its own colour; real sessions are drawn solid and sham ones dashed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ..fields import CONDITIONS
from ..stats.scales import DROP, MIN_FOR_INTERVAL
from ..words import plural
from ._axes import DROP_LABEL, GREY, PAIN_LABEL, axes, empty, span_of, too_few, whisker

__all__ = ["plot_before_after", "plot_routine_forest"]

#: Okabe–Ito colours: told apart with the common kinds of colour blindness.
_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")


def _routine_colours(routines) -> dict[str, str]:
    """A colour for each routine, by name, so that every chart gives it the same one."""
    names = sorted({str(r) for r in routines})
    return {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(names)}


def _dashes(condition: str) -> str:
    return "--" if condition == "sham" else "-"


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
        One faint line per session and one bold line per routine and condition
        (``gid="routine-mean"``, labelled), in the routine's colour; sham dashed; a
        running blind plan's sessions left out.
    """
    ax = axes(ax)
    # A blind plan's sessions (condition "set A", "set B") are shown when it ends.
    sessions = sessions[sessions["condition"].isin(CONDITIONS)]
    if sessions.empty:
        return empty(ax, "No sessions yet")
    colours = _routine_colours(sessions["routine"])
    rng = np.random.default_rng(0)  # a little sideways jitter so equal lines stay visible
    for row in sessions.itertuples():
        dx = rng.uniform(-0.04, 0.04)
        ax.plot(
            [dx, 1 + dx],
            [row.pain_before, row.pain_after],
            color=colours[str(row.routine)],
            alpha=0.15,
            linewidth=0.8,
        )
    for (routine, condition), group in sessions.groupby(["routine", "condition"], observed=True):
        ax.plot(
            [0, 1],
            [group["pain_before"].mean(), group["pain_after"].mean()],
            marker="o",
            linewidth=3,
            color=colours[str(routine)],
            linestyle=_dashes(condition),
            label=f"{routine} ({condition}), {plural(len(group), 'session')}",
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
    """Each routine's mean drop with its 95 % interval, and its drop at a common start.

    A description, not a ranking: rows keep the table's order (by routine name), and no
    line marks a "meaningful" drop, since that threshold is for single sessions, not for
    averages.

    Parameters
    ----------
    comparison : DataFrame
        From `acutrack.analysis.compare_routines`.
    ax : Axes, optional

    Returns
    -------
    Axes
        Rows in the table's order, the first on top: a square at ``mean_drop``, a
        whisker from ``ci_low`` to ``ci_high`` cut at −10 and 10 (``gid="ci"``; an arrow
        ``gid="ci-cut"`` at a cut end; none when the interval is NaN), and a hollow
        circle at ``adjusted_drop`` (``gid="adjusted"``). A routine with fewer than
        `acutrack.stats.scales.MIN_FOR_INTERVAL` sessions is grey, with "too few sessions for
        an interval" beside it (``gid="too-few"``) instead of a whisker; the axis
        follows the other routines' intervals.
    """
    ax = axes(ax)
    if comparison.empty:
        return empty(ax, "No sessions yet")
    colours = _routine_colours(comparison["routine"])
    common = comparison.attrs.get("common_before", np.nan)
    rows = comparison.iloc[::-1].reset_index(drop=True)  # the table's first row on top
    reach = [*rows["mean_drop"], *rows["adjusted_drop"]]
    for y, row in rows.iterrows():
        small = row["sessions"] < MIN_FOR_INTERVAL
        colour = GREY if small else colours[str(row["routine"])]
        if not small:
            ends = whisker(
                ax,
                (row["ci_low"], row["ci_high"]),
                y,
                DROP,
                colour=colour,
                linewidth=2,
                linestyle=_dashes(row["condition"]),
            )
            reach += ends or []
        ax.plot(row["mean_drop"], y, marker="s", color=colour, markersize=8, gid="mean")
        ax.plot(
            row["adjusted_drop"],
            y,
            marker="o",
            markersize=12,
            markerfacecolor="none",
            markeredgecolor=colour,
            linestyle="none",
            gid="adjusted",
        )
    labels = [
        f"{r.routine} ({r.condition}), {plural(r.sessions, 'session')}" for r in rows.itertuples()
    ]
    ax.set_yticks(range(len(rows)), labels)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    # The axis follows the groups with intervals; a small group's is not drawn at all.
    ax.set_xlim(*span_of(reach, 0.7, DROP))
    for y, row in rows[rows["sessions"] < MIN_FOR_INTERVAL].iterrows():
        too_few(ax, row["mean_drop"], y)
    ax.axvline(0, color=GREY, linewidth=1)
    legend = [
        Line2D([], [], marker="s", color=GREY, label="mean drop, 95 % interval"),
        Line2D(
            [],
            [],
            marker="o",
            markerfacecolor="none",
            markeredgecolor=GREY,
            linestyle="none",
            label=f"at a common starting pain of {common:.1f}",
        ),
    ]
    ax.set_xlabel(DROP_LABEL)
    ax.set_title("Average drop per routine\n(a description: routines were not assigned at random)")
    # Below the axes, where no whisker can run under it.
    ax.legend(
        handles=legend,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.2),
        ncols=2,
        frameon=False,
        fontsize="small",
    )
    return ax
