"""Helpers shared by the chart functions."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from ..stats.scales import TOO_FEW, Scale

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
    ax.set_frame_on(False)
    return ax


def whisker(
    ax: Axes,
    ci: tuple[float, float],
    at: float,
    scale: Scale,
    *,
    colour: str,
    vertical: bool = False,
    **line,
) -> tuple[float, float] | None:
    """Draw ``ci`` at ``at`` within ``scale``; an arrow marks an end cut at its limit.

    Returns the ends drawn, or None when either end is missing (nothing drawn). The
    line has ``gid="ci"``, each arrow ``gid="ci-cut"``.
    """
    if not all(np.isfinite(ci)):
        return None
    low, high, low_cut, high_cut = scale.clip(ci)
    ends, there = [low, high], [at, at]
    ax.plot(*((there, ends) if vertical else (ends, there)), color=colour, gid="ci", **line)
    for end, cut, towards in ((low, low_cut, -1), (high, high_cut, 1)):
        if cut:
            arrow = ("^" if towards > 0 else "v") if vertical else (">" if towards > 0 else "<")
            xy = (at, end) if vertical else (end, at)
            ax.plot(*xy, marker=arrow, color=colour, markersize=7, gid="ci-cut")
    return low, high


def too_few(ax: Axes, x: float, y: float, *, lead: str = "") -> None:
    """Say under a small group's mark (after ``lead``) that it has too few sessions for an
    interval; call it once the limits are set, so that the words run towards the middle
    and stay inside the Axes."""
    low, high = ax.get_xlim()
    left = x < (low + high) / 2
    ax.annotate(
        lead + TOO_FEW,
        (x, y),
        xytext=(-6 if left else 6, -9),
        textcoords="offset points",
        ha="left" if left else "right",
        va="top",
        color=GREY,
        fontsize="small",
        gid="too-few",
    )


def span_of(values, pad: float, scale: Scale) -> tuple[float, float]:
    """Limits that hold ``values`` (NaNs ignored) with ``pad`` to spare, within ``scale``
    (and its pad): an axis follows the data, never past what its quantity allows."""
    found = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
    if not found.size:
        return scale.low - pad, scale.high + pad
    low, high = min(found.min(), 0.0), max(found.max(), 0.0)  # "no change" always shown
    return max(low - pad, scale.low - pad), min(high + pad, scale.high + pad)
