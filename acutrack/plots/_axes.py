"""Helpers shared by the chart functions."""

from __future__ import annotations

from matplotlib.axes import Axes

PAIN_LABEL = "Pain (0 no pain – 10 worst imaginable)"
DROP_LABEL = "Drop in pain during a session (points; more is more relief)"
REAL, SHAM, GREY = "#1f6f8b", "#d08c2c", "#9e9e9e"
SESSION = "#37474f"  # sessions drawn over a pain line: dark, apart from its blue


def axes(ax: Axes | None) -> Axes:
    """The Axes to draw on: the given one, else the current one."""
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def empty(ax: Axes, message: str) -> Axes:
    """Say there is nothing to draw yet, rather than drawing an empty frame."""
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color=GREY)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax
