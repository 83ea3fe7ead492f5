"""How pain moves over days and weeks: readings, weekly trend, episode length, pain alerts.

All dates are in the entry's own local time (the wall-clock time it was logged with), so a
Monday-morning check-in belongs to that Monday's week wherever the offset was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..stats.results import fmt
from ..words import plural

__all__ = [
    "CLINICIAN_ADVICE",
    "Episode",
    "daily_pain",
    "episode",
    "fmt_signed",
    "pain_alerts",
    "pain_alerts_summary",
    "pain_readings",
    "rolling_shown",
    "session_excess",
    "weekly_readings",
    "weekly_shortfall",
    "weekly_trend",
]

CLINICIAN_ADVICE = (
    "Consider seeing a clinician about this; acutrack's numbers are not medical advice."
)
ACUTE_DAYS = 6 * 7  # the article: acute pain lasts up to six weeks
CHRONIC_DAYS = 91  # ... and chronic pain three months or more
WEEKLY_DAYS = 14  # a trend needs at least two weeks to compare


def pain_readings(sessions: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Every reading of the day's pain level, oldest first.

    Check-ins count, and so does each session's "before" rating (the pain that made the
    person reach for the routine). Follow-up ratings (those linked to a session) and
    "after" ratings are left out: they measure relief just after pressing, not the day.

    Returns
    -------
    DataFrame
        ``local_time`` (naive wall-clock time), ``day`` (its date, as a Timestamp at
        midnight), ``pain`` (int, 0–10) and ``source`` (``"check-in"`` or ``"session"``).
    """
    checkins = ratings[ratings["session_id"].isna()]
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "local_time": checkins["local_time"],
                    "pain": checkins["pain"],
                    "source": "check-in",
                }
            ),
            pd.DataFrame(
                {
                    "local_time": sessions["local_time"],
                    "pain": sessions["pain_before"],
                    "source": "session",
                }
            ),
        ],
        ignore_index=True,
    )
    frame["pain"] = frame["pain"].astype("int64")
    frame["local_time"] = pd.to_datetime(frame["local_time"])
    frame.insert(1, "day", frame["local_time"].dt.normalize())
    return frame.sort_values("local_time", kind="stable").reset_index(drop=True)


def daily_pain(readings: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar day from the first reading to the last; days without a reading
    are present with missing values (gaps, never zeros).

    Returns
    -------
    DataFrame
        ``day`` (Timestamp at midnight), ``mean``, ``max`` (float, NaN without readings)
        and ``count`` (int).
    """
    if readings.empty:
        return pd.DataFrame({"day": pd.to_datetime([]), "mean": [], "max": [], "count": []})
    per_day = readings.groupby("day")["pain"].agg(["mean", "max", "count"])
    days = pd.date_range(per_day.index.min(), per_day.index.max(), freq="D", name="day")
    per_day = per_day.reindex(days)
    per_day["count"] = per_day["count"].fillna(0).astype("int64")
    per_day["max"] = per_day["max"].astype(float)
    return per_day.reset_index()


#: How much higher a session's "before" rating runs than a check-in of the same day when
#: a journal has too few such days to measure it (the sample and simulated diaries).
SESSION_EXCESS = 0.3
#: Check-ins per week (on average, over the weeks with readings) enough for a trend alone.
CHECKINS_ENOUGH = 2


def session_excess(readings: pd.DataFrame) -> tuple[float, int]:
    """How much higher session "before" ratings run than check-ins of the same day.

    Returns the mean difference over the days with both (the default `SESSION_EXCESS`
    with fewer than 5 such days) and the number of such days.
    """
    per_day = readings.pivot_table(index="day", columns="source", values="pain", aggfunc="mean")
    if not {"check-in", "session"} <= set(per_day.columns):
        return SESSION_EXCESS, 0
    both = per_day.dropna(subset=["check-in", "session"])
    if len(both) < 5:
        return SESSION_EXCESS, len(both)
    return float((both["session"] - both["check-in"]).mean()), len(both)


def weekly_readings(readings: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The readings a weekly trend uses, and which they are, in words.

    Sessions start when pain is up, so their "before" ratings run higher than check-ins.
    With at least `CHECKINS_ENOUGH` check-ins a week on average, the trend uses check-ins
    alone; otherwise every reading, with session ratings lowered by the person's own
    excess (`session_excess`).
    """
    checkins = readings[readings["source"] == "check-in"]
    weeks = _week_start(readings["local_time"]).nunique()
    if weeks and len(checkins) >= CHECKINS_ENOUGH * weeks:
        return checkins, "check-ins only"
    excess, days = session_excess(readings)
    adjusted = readings.assign(
        pain=readings["pain"] - np.where(readings["source"] == "session", excess, 0.0)
    )
    basis = f"your {days} days with both" if days >= 5 else "a typical diary"
    return adjusted, (
        f"check-ins and session 'before' ratings, the latter lowered by {excess:.1f} points "
        f"(how much higher they run than check-ins, from {basis})"
    )


def _week_start(moments: pd.Series) -> pd.Series:
    days = pd.to_datetime(moments).dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


#: The 4-week average is shown (charted, listed) once this many weeks have readings.
ROLLING_WEEKS = 4


def rolling_shown(weekly: pd.DataFrame) -> bool:
    """Whether a `weekly_trend` table has enough weeks with readings to show its 4-week
    average (`ROLLING_WEEKS`): before that it would average two or three weeks."""
    return int((weekly["count"] > 0).sum()) >= ROLLING_WEEKS


def weekly_trend(sessions: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Pain per ISO week (Monday to Sunday, local time), with the sessions of each week.

    Parameters
    ----------
    sessions, ratings : DataFrame
        As `Journal.sessions` and `Journal.ratings` return them.

    Returns
    -------
    DataFrame
        One row per week from the first to the last with any entry:

        - ``week_start``: the Monday (Timestamp at midnight);
        - ``iso_year``, ``iso_week``: the ISO calendar week;
        - ``mean``, ``median``, ``min``, ``max``: of the week's pain readings (see
          `weekly_readings`: check-ins alone when there are enough, else check-ins and
          session "before" ratings corrected for how much higher those run); NaN in a
          week without readings, never 0 or an interpolation;
        - ``count``: readings that week;
        - ``rolling_4w``: mean of the weekly means of this and the three weeks before
          (weeks with readings only, at least two of them); NaN in a week without readings;
        - ``sessions``: sessions that week, and ``sessions_<routine>`` for each routine.

        ``table.attrs["readings"]`` says in words which readings were used, and
        ``table.attrs["last_day"]`` is the last day with an entry (NaT without any): the
        last week usually runs past it.
    """
    readings, used = weekly_readings(pain_readings(sessions, ratings))
    week_of_reading = _week_start(readings["local_time"])
    week_of_session = _week_start(sessions["local_time"])
    starts = pd.concat([week_of_reading, week_of_session])
    if starts.empty:
        columns = ["week_start", "iso_year", "iso_week", "mean", "median", "min", "max"]
        empty = pd.DataFrame(columns=[*columns, "count", "rolling_4w", "sessions"])
        empty.attrs.update(readings=used, last_day=pd.NaT)
        return empty
    weeks = pd.date_range(starts.min(), starts.max(), freq="7D", name="week_start")
    stats = readings.groupby(week_of_reading)["pain"].agg(["mean", "median", "min", "max", "count"])
    table = stats.reindex(weeks)
    table[["min", "max"]] = table[["min", "max"]].astype(float)
    table["count"] = table["count"].fillna(0).astype("int64")
    rolling = table["mean"].rolling(4, min_periods=2).mean()
    table["rolling_4w"] = rolling.where(table["count"] > 0)
    by_routine = pd.crosstab(week_of_session, sessions["routine"]).reindex(weeks, fill_value=0)
    table["sessions"] = by_routine.sum(axis=1).astype("int64")
    for routine in by_routine.columns:
        table[f"sessions_{routine}"] = by_routine[routine].astype("int64")
    table = table.reset_index()
    iso = table["week_start"].dt.isocalendar()
    table.insert(1, "iso_year", iso["year"].astype("int64"))
    table.insert(2, "iso_week", iso["week"].astype("int64"))
    last = pd.to_datetime(pd.concat([readings["local_time"], sessions["local_time"]])).max()
    table.attrs.update(readings=used, last_day=last.normalize())
    return table


@dataclass(frozen=True)
class Episode:
    """How long this episode of back pain has lasted, as far as the journal knows.

    Attributes
    ----------
    start : date or None
        The first entry in the journal.
    days : int
        Days from the start to ``today`` (0 without entries).
    label : str
        ``"acute"`` (up to 6 weeks), ``"subacute"`` (6 weeks to 3 months) or ``"chronic"``
        (3 months or more); ``"unknown"`` without entries.
    """

    start: date | None
    days: int
    label: str

    def summary(self) -> str:
        if self.start is None:
            return "No entries yet, so the episode's length is unknown."
        weeks = self.days / 7
        meaning = {
            "acute": "acute pain lasts up to six weeks",
            "subacute": "between acute (up to six weeks) and chronic (three months or more)",
            "chronic": "pain lasting three months or more is called chronic",
        }[self.label]
        return (
            f"Logged since {self.start:%d %b %Y}: {plural(self.days, 'day')} "
            f"({plural(round(weeks), 'week')}) so far, "
            f"{self.label} ({meaning}). The journal only knows when logging began, not when "
            "the pain did."
        )


def episode(sessions: pd.DataFrame, ratings: pd.DataFrame, *, today: date | None = None) -> Episode:
    """The episode length so far, labelled acute, subacute or chronic.

    Parameters
    ----------
    today : date, optional
        Defaults to the last entry's day (so the sample journal reads as it was written).
    """
    readings = pain_readings(sessions, ratings)
    if readings.empty:
        return Episode(None, 0, "unknown")
    start = readings["day"].min().date()
    end = today or readings["day"].max().date()
    days = (end - start).days
    label = "acute" if days <= ACUTE_DAYS else "chronic" if days >= CHRONIC_DAYS else "subacute"
    return Episode(start, days, label)


def fmt_signed(x: float) -> str:
    """A change with its sign: ``+0.4``, ``−1.2`` (``n/a`` when missing)."""
    return ("+" if x >= 0 else "") + fmt(x)


def weekly_shortfall(sessions: pd.DataFrame, ratings: pd.DataFrame) -> str | None:
    """Why there is too little for a weekly trend yet, in a sentence; None when there is enough.

    A weekly trend needs pain readings spanning `WEEKLY_DAYS` days: with fewer, a week's
    average is a handful of readings and two weeks cannot be compared.
    """
    readings = pain_readings(sessions, ratings)
    if readings.empty:
        return "Nothing logged yet: your pain will show here from your first entry."
    days = (readings["day"].max() - readings["day"].min()).days + 1
    if days >= WEEKLY_DAYS:
        return None
    return (
        f"{WEEKLY_DAYS // 7} weeks of check-ins are needed for a weekly trend; you have "
        f"{plural(days, 'day')}. Until then, here is your pain day by day."
    )


#: A pain alert: the day's mean check-in pain at or above `ALERT_PAIN` on `ALERT_DAYS`
#: days running, or a week's mean up by `ALERT_RISE` over the week before, each of the
#: two weeks with at least `ALERT_WEEK_CHECKINS` check-ins.
ALERT_PAIN, ALERT_DAYS, ALERT_RISE, ALERT_WEEK_CHECKINS = 8, 3, 2, 3


def pain_alerts(sessions: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Times when pain was high or rising enough to suggest seeing a clinician.

    Only check-ins count (ratings not linked to a session): a session's "before" rating
    is taken when pain is up, and runs higher than the day's pain.

    - **three days at 8 or more**: the day's mean check-in pain was 8 or more on at
      least three days running (one row per run; a day without a check-in ends a run);
    - **rising week**: a week's (Monday to Sunday) mean check-in pain rose by 2 points or
      more over the week before, both weeks with at least 3 check-ins.

    Parameters
    ----------
    sessions, ratings : DataFrame
        As `Journal.sessions` and `Journal.ratings` return them.

    Returns
    -------
    DataFrame
        ``kind``, ``start``, ``end`` (Timestamps at midnight: the days concerned, never
        past the last check-in), ``detail`` (what was seen, in words) and ``advice``.
        ``attrs["checkins"]`` holds the number of check-ins read.
    """
    readings = pain_readings(sessions, ratings)
    checkins = readings[readings["source"] == "check-in"]
    rows = []
    daily = daily_pain(checkins)
    high = (daily["mean"] >= ALERT_PAIN).to_numpy()
    run_id = np.cumsum(~high)
    for _, run in daily[high].groupby(run_id[high]):
        if len(run) >= ALERT_DAYS:
            first, last = run["day"].iloc[0], run["day"].iloc[-1]
            rows.append(
                (
                    "three days at 8 or more",
                    first,
                    last,
                    f"check-in pain averaged {ALERT_PAIN} or more on {len(run)} days in a row "
                    f"({first:%d %b} to {last:%d %b})",
                )
            )
    if not checkins.empty:
        week = _week_start(checkins["local_time"])
        per_week = checkins.groupby(week)["pain"].agg(["mean", "count"])
        # Every calendar week, so that "the week before" is never an older one.
        per_week = per_week.reindex(pd.date_range(week.min(), week.max(), freq="7D"))
        counted = per_week["mean"].where(per_week["count"] >= ALERT_WEEK_CHECKINS)
        rise = counted.diff()
        for start in rise.index[rise >= ALERT_RISE]:
            rows.append(
                (
                    "rising week",
                    start,
                    min(start + pd.Timedelta(days=6), checkins["day"].max()),
                    f"check-ins in the week of {start:%d %b} averaged {counted[start]:.1f}, "
                    f"{rise[start]:.1f} points above the week before",
                )
            )
    alerts = pd.DataFrame(rows, columns=["kind", "start", "end", "detail"])
    alerts["advice"] = CLINICIAN_ADVICE
    alerts = alerts.sort_values("start", kind="stable").reset_index(drop=True)
    alerts.attrs["checkins"] = len(checkins)
    return alerts


def pain_alerts_summary(alerts: pd.DataFrame) -> str:
    """The pain alerts in a sentence or two, also when there are none or nothing to judge.

    Parameters
    ----------
    alerts : DataFrame
        From `pain_alerts`.
    """
    if not alerts.attrs.get("checkins"):
        return (
            "Pain alerts are read from check-ins (your pain rated on its own, not at a "
            "session); there are none yet. A daily check-in lets acutrack tell you when "
            "pain stays high or rises."
        )
    if alerts.empty:
        return (
            f"No pain alerts: check-in pain did not average {ALERT_PAIN} or more on "
            f"{ALERT_DAYS} days running, and no week's check-ins averaged {ALERT_RISE} points "
            f"above the week before (each week needs {ALERT_WEEK_CHECKINS} check-ins)."
        )
    heading = "Pain alert" if len(alerts) == 1 else "Pain alerts"
    return f"{heading}: {'; '.join(alerts['detail'])}. {CLINICIAN_ADVICE}"
