"""The report's analysis, run once: `ReportTables` and `report_tables`."""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from .. import analysis, stats, timeline
from ..analysis.measures import PegChange, PgicSummary, RescueDoses
from ..analysis.pain_now import PainChange
from ..analysis.trend import Episode
from ..answers import Screen
from ..journal import Journal, JournalWarning
from ..journal_choice import unread_rows_note
from ..outcomes import standing_flag
from ..plan import plan_slots
from ..standing import Standing

__all__ = ["MIN_READINGS", "ReportTables", "report_tables"]

#: Pain readings needed before the report draws charts or gives statistics.
MIN_READINGS = 3


@dataclass(frozen=True)
class ReportTables:
    """Everything the report shows, computed once (the report's analysis).

    Attributes
    ----------
    sessions, ratings : DataFrame
        The entries since ``since``.
    imported : DataFrame
        Ratings imported on another scale or with only a day
        (`Journal.imported_ratings`) since ``since``: drawn on the pain charts and
        counted in the period and the episode, never averaged.
    since : date or None
    made : date
        The day the report was made.
    profile : dict
        The name and id the person set (`Journal.profile`), if any.
    weekly, daily, alerts, routines, points : DataFrame
        From `acutrack.analysis` (``alerts`` from `pain_alerts`).
    shortfall : str or None
        Why there is too little for a weekly trend yet (`weekly_shortfall`); the report
        then charts pain day by day instead.
    unread : str or None
        "N rows could not be read: run acutrack validate" when `Journal.problems` found any.
    change : PainChange
    episode : Episode
    peg : PegChange
    pgic : PgicSummary
    rescue : RescueDoses
        As-needed doses in the windows of ``change``.
    real_vs_sham : RealVsSham
        For the back routine against its sham, within the plan when there is one.
    rescue_check : DataFrame
        `analysis.real_vs_sham_rescue`: the same with and without sessions that followed
        as-needed medication.
    screen : Screen or None
        The latest red-flag screen, whatever ``since`` (an answer stands until the next).
    flag : Standing or None
        The red-flag answer that stands, or a screen row that cannot be read
        (`acutrack.outcomes.standing_flag`).
    notes : DataFrame
        Every non-empty note since ``since``, oldest first: ``local_time``, ``entry`` (what
        it belongs to, in words) and ``text``.
    drawn : dict
        The charts drawn so far (`acutrack.report.charts.drawn`), so that the HTML page
        and the PDF show the same drawing, made once.
    """

    sessions: pd.DataFrame
    ratings: pd.DataFrame
    imported: pd.DataFrame
    since: date | None
    made: date
    profile: dict[str, str]
    weekly: pd.DataFrame
    daily: pd.DataFrame
    alerts: pd.DataFrame
    shortfall: str | None
    unread: str | None
    change: PainChange
    episode: Episode
    peg: PegChange
    pgic: PgicSummary
    rescue: RescueDoses
    routines: pd.DataFrame
    points: pd.DataFrame
    real_vs_sham: stats.RealVsSham
    rescue_check: pd.DataFrame
    screen: Screen | None
    flag: Standing | None
    notes: pd.DataFrame
    drawn: dict = field(default_factory=dict, repr=False, compare=False)

    @functools.cached_property  # asked by every page and chart: read the readings once
    def enough(self) -> bool:
        """Whether there is enough for charts (at least three pain readings)."""
        return len(analysis.pain_readings(self.sessions, self.ratings)) >= MIN_READINGS

    @property
    def period(self) -> tuple[date, date] | None:
        """The first and last days with an entry, imported history included."""
        days = pd.concat(
            [table["local_time"] for table in (self.sessions, self.ratings, self.imported)]
        )
        return (days.min().date(), days.max().date()) if len(days) else None


def _from(table: pd.DataFrame, since: date | None) -> pd.DataFrame:
    """The rows of ``table`` on or after ``since`` (local time)."""
    if since is None:
        return table
    return table[table["local_time"] >= pd.Timestamp(since)].reset_index(drop=True)


def report_tables(journal: Journal, *, since: date | None = None) -> ReportTables:
    """Run the report's analysis on ``journal`` (entries on or after ``since``), reading
    each of its files once.

    Returns
    -------
    ReportTables
    """
    with journal.snapshot():
        return _gathered(journal, since)


def _gathered(journal: Journal, since: date | None) -> ReportTables:
    sessions, ratings = (_from(table, since) for table in journal.sessions_and_ratings())
    with warnings.catch_warnings():  # unreadable rows are `validate`'s to report
        warnings.simplefilter("ignore", JournalWarning)
        peg, pgic, medications, screens, imported = (
            _from(table, since)
            for table in (
                journal.peg(),
                journal.pgic(),
                journal.medications(),
                journal.screens(),
                journal.imported_ratings(),
            )
        )
    slots = plan_slots(journal, kind="real/sham")
    change = analysis.pain_change(sessions, ratings)
    compare = {"ratings": ratings, "plan": slots or None, "routine": "back"}
    rescue_check = analysis.real_vs_sham_rescue(sessions, medications, **compare)
    return ReportTables(
        sessions=sessions,
        ratings=ratings,
        imported=imported,
        since=since,
        made=journal.now().date(),
        profile=journal.profile(),
        weekly=analysis.weekly_trend(sessions, ratings),
        daily=analysis.daily_pain(analysis.pain_readings(sessions, ratings)),
        alerts=analysis.pain_alerts(sessions, ratings),
        shortfall=analysis.weekly_shortfall(sessions, ratings),
        unread=unread_rows_note(journal),
        change=change,
        # Logging began with the imported history: its first day starts the episode.
        episode=analysis.episode(sessions, pd.concat([ratings, imported[ratings.columns]])),
        peg=analysis.peg_change(peg),
        pgic=analysis.latest_pgic(pgic),
        rescue=analysis.rescue_doses(medications, change.start, change.end, days=change.days),
        routines=analysis.compare_routines(sessions),
        points=analysis.rank_points(sessions),
        real_vs_sham=rescue_check.attrs["results"][0],
        rescue_check=rescue_check,
        screen=journal.latest("screens"),
        flag=standing_flag(journal),
        notes=_notes(sessions, ratings, peg, pgic, medications, screens),
    )


def _notes(sessions, ratings, peg, pgic, medications, screens) -> pd.DataFrame:
    """Every non-empty note, oldest first, with what it belongs to in words."""
    # "back (real) session", in the timeline's words (as a medicine goes by its name).
    session_words = pd.Series(
        [
            f"{timeline.session_words(s, short=True)} session"
            for s in sessions[["routine", "condition"]].to_dict("records")
        ],
        index=sessions.index,
        dtype=object,
    )
    rating_words = ratings["session_id"].isna().map({True: "check-in", False: "follow-up"})
    parts = [
        (sessions, session_words),
        (ratings, rating_words),
        (peg, "PEG-3"),
        (pgic, "impression of change"),
        (medications, medications["name"].astype(str)),
        (screens, "red-flag screen"),
    ]
    frames = [
        pd.DataFrame({"local_time": t["local_time"], "entry": words, "text": t["notes"]})
        for t, words in parts
        if len(t)
    ]
    columns = ["local_time", "entry", "text"]
    if not frames:
        return pd.DataFrame(columns=columns)
    notes = pd.concat(frames, ignore_index=True)[columns]
    notes = notes[notes["text"].fillna("").str.strip() != ""]
    return notes.sort_values("local_time", kind="stable").reset_index(drop=True)
