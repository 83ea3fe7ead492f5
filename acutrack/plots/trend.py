"""Pain over time: the weekly trend, pain day by day, and a calendar of daily pain."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.transforms import blended_transform_factory

from ..analysis.trend import rolling_shown
from ..importing import by_source
from ..words import plural
from ._axes import GREY, PAIN_LABEL, REAL, SESSION, SHAM, axes, empty

__all__ = ["plot_calendar", "plot_daily_pain", "plot_weekly_trend"]


ALERT_COLOUR, ALERT_LABEL = "#c62828", "pain alert: see a clinician"
NOTHING_EDGE = "#bdbdbd"  # the hatching of a day with nothing logged


def _alert_stripes(ax: Axes, alerts: pd.DataFrame | None, last_day: pd.Timestamp) -> None:
    """Shade the days of each pain alert, up to the end of ``last_day`` and never past it."""
    if alerts is None:
        return
    for i, alert in enumerate(alerts.itertuples()):
        end = alert.end if pd.isna(last_day) else min(alert.end, last_day)
        ax.axvspan(
            alert.start,
            end + pd.Timedelta(days=1),
            color=ALERT_COLOUR,
            alpha=0.15,
            label=ALERT_LABEL if i == 0 else None,
        )


def _date_axis(ax: Axes, first: pd.Timestamp, last: pd.Timestamp, label: str) -> None:
    """Ticks on Mondays (every few weeks when there are many) labelled like ``15 Jun``.

    One kind of label throughout, unlike matplotlib's automatic ticks, which mix days,
    months and years on one axis; the years go in the axis label.
    """
    weeks = max(1, (last - first).days // 7)
    ax.xaxis.set_major_locator(
        mdates.WeekdayLocator(byweekday=mdates.MO, interval=max(1, -(-weeks // 8)))
    )
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    years = f"{first:%Y}" if first.year == last.year else f"{first:%Y}–{last:%Y}"
    ax.set_xlabel(f"{label} ({years})")


#: Weeks with readings before the 4-week average is drawn: with fewer it is no such thing.
WINDOW_COLOUR = "#5e35b1"


def _windows(ax: Axes, windows: Sequence[tuple[date, date]] | None) -> None:
    """Shade the two windows the headline compares, each labelled with its dates low in
    the chart, above the session marks (the legend holds the top right)."""
    if not windows:
        return
    top = blended_transform_factory(ax.transData, ax.transAxes)
    for i, (first, last) in enumerate(windows):
        start, end = pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(days=1)
        ax.axvspan(
            start,
            end,
            color=WINDOW_COLOUR,
            alpha=0.08,
            gid="window",
        )
        which = "first" if i == 0 else "last"
        days = (end - start).days
        ax.text(
            start + (end - start) / 2,
            0.1,
            f"{which} {days} days\n{first:%d %b}–{last:%d %b}",
            transform=top,
            ha="center",
            va="bottom",
            fontsize="x-small",
            color=WINDOW_COLOUR,
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1},
            gid="window-label",
        )


def _session_marks(ax: Axes, moments: pd.Series, counts: pd.Series) -> None:
    """Triangles at the foot of the chart, sized by the sessions they stand for, with a
    key of two sizes."""
    size = 12  # points² per session
    ax.scatter(moments, np.full(len(moments), 0.4), s=size * counts, marker="^", color=SESSION)
    keys = sorted({int(counts.min()), int(counts.max())})
    for n in keys:
        ax.scatter([], [], s=size * n, marker="^", color=SESSION, label=plural(n, "session"))


def plot_weekly_trend(
    weekly: pd.DataFrame,
    *,
    alerts: pd.DataFrame | None = None,
    imported: pd.DataFrame | None = None,
    windows: Sequence[tuple[date, date]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Weekly pain: mean line, lowest-to-highest band, 4-week average, sessions, alerts.

    Parameters
    ----------
    weekly : DataFrame
        From `acutrack.analysis.weekly_trend`.
    alerts : DataFrame, optional
        From `acutrack.analysis.pain_alerts`; the days of each are shaded red, up to the
        last day with an entry (``weekly.attrs["last_day"]``), never into the future.
    imported : DataFrame, optional
        `Journal.imported_ratings`: hollow grey diamonds on their days, keyed by where
        they came from and their scale (``gid="imported"``); the dates cover them too.
    windows : sequence of (date, date), optional
        The first and last days that a headline compares
        (`acutrack.analysis.PainChange` ``start`` and ``end``): each shaded
        (``gid="window"``) and labelled with its dates (``gid="window-label"``).
    ax : Axes, optional
        Where to draw; the current Axes by default.

    Returns
    -------
    Axes
        The weekly average (the first line), the 4-week average (the second line,
        ``gid="rolling"``) only once enough weeks have readings (`rolling_shown`), the weeks
        with sessions as triangles sized by their number, with a key of sizes.
    """
    ax = axes(ax)
    if weekly.empty:
        return empty(ax, "No pain readings yet")
    x = weekly["week_start"]
    ax.fill_between(
        x, weekly["min"], weekly["max"], color=REAL, alpha=0.15, label="lowest to highest that week"
    )
    ax.plot(x, weekly["mean"], marker="o", color=REAL, label="weekly average")
    if rolling_shown(weekly):
        ax.plot(
            x,
            weekly["rolling_4w"],
            linestyle="--",
            color="black",
            label="4-week average",
            gid="rolling",
        )
    with_sessions = weekly[weekly["sessions"] > 0]
    if not with_sessions.empty:
        _session_marks(ax, with_sessions["week_start"], with_sessions["sessions"])
    _windows(ax, windows)
    last_day = weekly.attrs.get("last_day", pd.NaT)
    _imported_marks(ax, imported)
    _alert_stripes(ax, alerts, last_day)
    first, last = _covering(
        x.iloc[0], x.iloc[-1] if pd.isna(last_day) else max(x.iloc[-1], last_day), imported
    )
    # Half a week of room either side; a single week would otherwise have no width.
    ax.set_xlim(first - pd.Timedelta(days=3), last + pd.Timedelta(days=3))
    _date_axis(ax, first, last, "Week starting on the Monday")
    ax.set_ylim(0, 10.5)
    ax.set_ylabel(PAIN_LABEL)
    ax.set_title("Pain week by week")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def plot_pain_over_time(
    weekly: pd.DataFrame,
    daily: pd.DataFrame,
    shortfall: str | None,
    *,
    alerts: pd.DataFrame | None = None,
    imported: pd.DataFrame | None = None,
    windows: Sequence[tuple[date, date]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The weekly trend, or pain day by day while there is too little for weeks.

    The one rule for which of the two a page shows (the report, notebook 02).

    Parameters
    ----------
    weekly, daily : DataFrame
        `analysis.weekly_trend` and `analysis.daily_pain`.
    shortfall : str or None
        `analysis.weekly_shortfall`: why there is too little for weeks, or None.
    alerts, imported : DataFrame, optional
        As for `plot_weekly_trend` and `plot_daily_pain`.
    windows : sequence of (date, date), optional
        The days a headline compares, shaded on either chart (see `plot_weekly_trend`).
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    if shortfall:
        ax = plot_daily_pain(daily, alerts=alerts, imported=imported, ax=ax)
    else:
        ax = plot_weekly_trend(weekly, alerts=alerts, imported=imported, ax=ax)
    _windows(ax, windows)
    return ax


def plot_daily_pain(
    daily: pd.DataFrame,
    *,
    alerts: pd.DataFrame | None = None,
    sessions: pd.DataFrame | None = None,
    imported: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Pain day by day, for the first weeks (before a weekly trend means anything).

    Parameters
    ----------
    daily : DataFrame
        From `acutrack.analysis.daily_pain`; a day without readings is a gap in the line.
    alerts : DataFrame, optional
        From `acutrack.analysis.pain_alerts`; the days of each are shaded red.
    sessions : DataFrame, optional
        As `Journal.sessions` returns: each is marked at its time by an arrow from its
        pain before to its pain after (dashed for sham), and counted in the legend.
    imported : DataFrame, optional
        As for `plot_weekly_trend`; drawn even before the first check-in.
    ax : Axes, optional

    Returns
    -------
    Axes
        The day's average as a line with a marker per day, its highest reading as a small
        mark above.
    """
    ax = axes(ax)
    readings = not daily.empty and daily["count"].sum() > 0
    if not readings and (imported is None or imported.empty):
        return empty(ax, "No pain readings yet")
    days = daily["day"]
    if readings:
        ax.plot(days, daily["mean"], marker="o", color=REAL, label="average that day")
        ax.plot(
            days,
            daily["max"],
            marker="_",
            markersize=12,
            linestyle="none",
            color=REAL,
            label="highest that day",
        )
    last_day = days[daily["count"] > 0].max()
    if sessions is not None and not sessions.empty:
        _session_arrows(ax, sessions)
    _imported_marks(ax, imported)
    _alert_stripes(ax, alerts, last_day)
    first, last = _covering(days.min(), last_day, imported)
    ax.set_xlim(first - pd.Timedelta(days=1), last + pd.Timedelta(days=1))
    shown = (last - first).days + 1
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-shown // 7))))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%a\n%d %b"))
    ax.set_xlabel(f"Day ({first:%Y})")
    ax.set_ylim(0, 10.5)
    ax.set_ylabel(PAIN_LABEL)
    ax.set_title("Pain day by day")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def _imported_marks(
    ax: Axes, imported: pd.DataFrame | None, where: Callable | None = None, **style
) -> None:
    """Ratings imported on another scale (or with only a day) as hollow grey diamonds on
    their days (``gid="imported"``), one key for each app and scale they came from.

    Shown for the history they tell, kept out of the averages, the alerts and every
    verdict. ``where`` gives a group's x and y (by default its time and pain); ``style``
    changes the diamonds' look (the calendar colours each by its pain).
    """
    if imported is None or imported.empty:
        return
    for source, some in by_source(imported):
        x, y = where(some) if where else (some["local_time"], some["pain"])
        look = {"s": 22, "facecolors": "none", "edgecolors": GREY, "linewidths": 1.2} | {
            key: value(some) if callable(value) else value for key, value in style.items()
        }
        ax.scatter(
            x,
            y,
            marker="D",
            gid="imported",
            # Two short lines: a long key would cover the early days it describes.
            label=f"{plural(len(some), 'imported rating')}, not averaged:\n{source}",
            **look,
        )


def _covering(first: pd.Timestamp, last: pd.Timestamp, imported: pd.DataFrame | None):
    """``first`` and ``last`` widened to the days of the imported ratings, so that the
    history they tell is in the picture."""
    if imported is None or imported.empty:
        return first, last
    days = imported["local_time"].dt.normalize()
    # Series.min and max skip a missing end (a chart of imported ratings alone).
    return pd.Series([first, days.min()]).min(), pd.Series([last, days.max()]).max()


def _session_arrows(ax: Axes, sessions: pd.DataFrame) -> None:
    """Each session as an arrow from pain before to pain after, at its wall-clock time; a
    running blind plan's sessions alike, whatever their set."""
    blind = ~sessions["condition"].isin(["real", "sham"])
    for shown, style, colour, condition in (
        (sessions["condition"] == "real", "-", SESSION, "real"),
        (sessions["condition"] == "sham", "--", SHAM, "sham"),
        (blind, "-.", GREY, "blind-plan"),
    ):
        some = sessions[shown.to_numpy()]
        if some.empty:
            continue
        ax.vlines(
            some["local_time"],
            some["pain_before"],
            some["pain_after"],
            colors=colour,
            linestyles=style,
            linewidth=1.5,
            label=f"{plural(len(some), f'{condition} session')}: before → after",
        )
        ax.plot(some["local_time"], some["pain_after"], "v", color=colour, markersize=5)


def plot_calendar(
    daily: pd.DataFrame, *, imported: pd.DataFrame | None = None, ax: Axes | None = None
) -> Axes:
    """A calendar of daily average pain: one column per week, one row per weekday.

    Parameters
    ----------
    daily : DataFrame
        From `acutrack.analysis.daily_pain`.
    imported : DataFrame, optional
        `Journal.imported_ratings`: a diamond in its day's square, filled with the colour
        of its pain and outlined dark (side by side when a day has several), keyed by
        where they came from and their scale (``gid="imported"``); the weeks cover them
        too.
    ax : Axes, optional

    Returns
    -------
    Axes
        The days as an image; a day without readings is see-through, over a hatched white
        patch (``gid="nothing-logged"``), so that it cannot pass for a middling pain.
    """
    ax = axes(ax)
    if daily.empty or daily["count"].sum() == 0:
        return empty(ax, "No pain readings yet")
    days = daily["day"]
    first, last = _covering(days.min(), days.max(), imported)
    monday = first - pd.Timedelta(days=int(first.day_of_week))
    column = ((days - monday).dt.days // 7).to_numpy()
    grid = np.full((7, (last - monday).days // 7 + 1), np.nan)
    grid[days.dt.day_of_week.to_numpy(), column] = daily["mean"].to_numpy()
    colours = colormaps["RdYlGn_r"].with_extremes(bad=(0, 0, 0, 0))
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=colours, vmin=0, vmax=10, aspect="auto")
    nothing = Rectangle(
        (-0.5, -0.5),
        grid.shape[1],
        7,
        facecolor="white",
        edgecolor=NOTHING_EDGE,
        hatch="///",
        linewidth=0,
        zorder=image.get_zorder() - 1,
        gid="nothing-logged",
        label="nothing logged",
    )
    ax.add_patch(nothing)
    _imported_marks(
        ax,
        imported,
        lambda some: _in_squares(some, monday),
        s=30,
        facecolors=lambda some: colours(some["pain"].to_numpy() / 10),
        edgecolors=SESSION,
    )
    ax.figure.colorbar(image, ax=ax, label="Average pain that day")
    ax.set_yticks(range(7), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
    step = max(1, grid.shape[1] // 8)
    ticks = range(0, grid.shape[1], step)
    ax.set_xticks(ticks, [f"{monday + pd.Timedelta(weeks=t):%d %b}" for t in ticks])
    ax.set_xlabel(f"Week starting ({monday:%Y})")
    ax.set_title("Daily pain")
    imported_keys = [c for c in ax.collections if c.get_gid() == "imported"]
    ax.legend(
        handles=[nothing, *imported_keys],
        ncols=1 + len(imported_keys),  # side by side: the page leaves room for one row
        loc="upper left",
        bbox_to_anchor=(0, -0.18),
        fontsize="small",
        frameon=False,
    )
    return ax


def _in_squares(imported: pd.DataFrame, monday: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Where imported ratings go on the calendar: their day's square, side by side."""
    days = imported["local_time"].dt.normalize()
    nth = days.groupby(days).cumcount().to_numpy()
    many = days.map(days.value_counts()).to_numpy()
    x = ((days - monday).dt.days // 7).to_numpy() + 0.28 * (nth - (many - 1) / 2)
    return x, days.dt.day_of_week.to_numpy()
