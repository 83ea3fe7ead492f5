"""Pain over time: the weekly trend and a calendar of daily pain."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._axes import PAIN_LABEL, REAL, axes, empty

__all__ = ["plot_calendar", "plot_weekly_trend"]


def plot_weekly_trend(
    weekly: pd.DataFrame, *, flags: pd.DataFrame | None = None, ax: Axes | None = None
) -> Axes:
    """Weekly pain: mean line, lowest-to-highest band, 4-week rolling mean, sessions, red flags.

    Parameters
    ----------
    weekly : DataFrame
        From `acutrack.analysis.weekly_trend`.
    flags : DataFrame, optional
        From `acutrack.analysis.red_flags`; each is shaded red.
    ax : Axes, optional
        Where to draw; the current Axes by default.

    Returns
    -------
    Axes
    """
    ax = axes(ax)
    if weekly.empty:
        return empty(ax, "No pain readings yet")
    x = weekly["week_start"]
    ax.fill_between(
        x, weekly["min"], weekly["max"], color=REAL, alpha=0.15, label="lowest to highest that week"
    )
    ax.plot(x, weekly["mean"], marker="o", color=REAL, label="weekly average")
    ax.plot(x, weekly["rolling_4w"], linestyle="--", color="black", label="4-week average")
    with_sessions = weekly[weekly["sessions"] > 0]
    ax.scatter(
        with_sessions["week_start"],
        np.full(len(with_sessions), 0.4),
        s=12 * with_sessions["sessions"],
        marker="^",
        color="#555555",
        label="sessions (bigger: more)",
    )
    for i, flag in enumerate((flags if flags is not None else pd.DataFrame()).itertuples()):
        ax.axvspan(
            flag.start - pd.Timedelta(days=3),
            flag.end + pd.Timedelta(days=3),
            color="#c62828",
            alpha=0.15,
            label="red flag: see a clinician" if i == 0 else None,
        )
    if len(x) == 1:
        # A single week would give the date axis no width, and no tick interval fits it.
        ax.set_xlim(x.iloc[0] - pd.Timedelta(days=4), x.iloc[0] + pd.Timedelta(days=4))
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylim(0, 10.5)
    ax.set_ylabel(PAIN_LABEL)
    ax.set_xlabel("Week")
    ax.set_title("Pain week by week")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def plot_calendar(daily: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """A calendar of daily average pain: one column per week, one row per weekday.

    Parameters
    ----------
    daily : DataFrame
        From `acutrack.analysis.daily_pain`; days without readings stay blank.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = axes(ax)
    if daily.empty or daily["count"].sum() == 0:
        return empty(ax, "No pain readings yet")
    days = daily["day"]
    monday = days.min() - pd.Timedelta(days=int(days.min().day_of_week))
    column = ((days - monday).dt.days // 7).to_numpy()
    grid = np.full((7, column.max() + 1), np.nan)
    grid[days.dt.day_of_week.to_numpy(), column] = daily["mean"].to_numpy()
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="RdYlGn_r", vmin=0, vmax=10, aspect="auto")
    ax.figure.colorbar(image, ax=ax, label="Average pain that day")
    ax.set_yticks(range(7), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
    step = max(1, grid.shape[1] // 8)
    ticks = range(0, grid.shape[1], step)
    ax.set_xticks(ticks, [f"{monday + pd.Timedelta(weeks=t):%d %b}" for t in ticks])
    ax.set_xlabel("Week starting")
    ax.set_title("Daily pain (blank: nothing logged)")
    return ax
