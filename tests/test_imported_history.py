"""Imported history in the picture (issue 25, item 6).

A Bearable export of ten back-pain ratings (0–4, 16–25 Nov) imported into a journal with
check-ins and sessions from 24 Nov: the charts draw each imported rating on its day with
a key naming the app and scale, the report's period and "logged since" start on the first
imported day, and the averages are those of the check-ins and sessions alone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import matplotlib.dates as mdates
import pandas as pd
import pytest
from matplotlib.figure import Figure

import acutrack as at
from acutrack import analysis, plots
from acutrack.app.page import two_weeks_figure
from acutrack.importing import import_file, imported_source, to_ten
from acutrack.report import first_page, render_html, report_tables

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)  # the journal's "now": never the wall clock
FIRST_IMPORTED = date(2026, 11, 16)
BEARABLE = [2, 3, 3, 2, 4, 3, 2, 2, 1, 2]  # 16–25 Nov, one a morning, on 0–4
SOURCE_KEY = "from Bearable, 0–4 scale shown as 0–10"
PYTHON_CALL = re.compile(r"Journal\.|\w\(\)")


def _bearable(path):
    """A Bearable export (long format): a back-pain rating each morning, and a mood."""
    lines = ["date,weekday,time of day,category,rating/amount,detail,notes"]
    for k, value in enumerate(BEARABLE):
        day = FIRST_IMPORTED + timedelta(days=k)
        stamp = f"{day.day}th {day:%b %Y}"
        lines.append(f'"{stamp}","{day:%A}","am","Symptom","{value}","Back (lower) pain",""')
        lines.append(f'"{stamp}","{day:%A}","09:12","Mood","6","Meh",""')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def journal(tmp_path) -> at.Journal:
    """Check-ins each evening from 24 Nov to 6 Dec and a session every few days."""
    j = at.Journal(tmp_path / "journal", clock=lambda: NOW)
    start = datetime(2026, 11, 24, 19, tzinfo=UTC)
    for k in range(13):
        j.log_rating(pain=6 - k // 3, rated_at=start + timedelta(days=k))
        if k % 4 == 0:
            j.log_session(
                pain_before=6, pain_after=4, started_at=start + timedelta(days=k, hours=-10)
            )
    return j


@pytest.fixture
def imported(journal, tmp_path):
    """The journal's report before the import, then the import's own report."""
    before = report_tables(journal)
    done = import_file(journal, "bearable", _bearable(tmp_path / "bearable.csv"))
    return before, done


def _days(collection) -> list[date]:
    return [mdates.num2date(x).date() for x in collection.get_offsets()[:, 0]]


def _marks(ax):
    return [c for c in ax.collections if c.get_gid() == "imported"]


def test_the_import_goes_to_imported_ratings_in_words(imported):
    _, done = imported
    assert done.counts() == {"imported_ratings": 10}
    text = done.summary()
    assert "Added 10: 10 pain ratings on another scale" in text
    assert "shown on the pain charts on their days, not averaged" in text
    assert not PYTHON_CALL.search(text), text


def test_the_weekly_chart_draws_each_imported_rating_on_its_day(journal, imported):
    sessions, ratings = journal.sessions_and_ratings()
    history = journal.imported_ratings()
    ax = Figure().add_subplot()
    plots.plot_weekly_trend(analysis.weekly_trend(sessions, ratings), imported=history, ax=ax)
    (marks,) = _marks(ax)
    days = [FIRST_IMPORTED + timedelta(days=k) for k in range(10)]
    assert _days(marks) == days
    assert marks.get_offsets()[:, 1].tolist() == history["pain"].tolist()
    assert history["pain"].tolist() == [to_ten(v, 4) for v in BEARABLE]
    assert len(marks.get_facecolors()) == 0  # hollow
    # The dates cover the history, not only the weeks of check-ins.
    assert mdates.num2date(ax.get_xlim()[0]).date() < FIRST_IMPORTED
    key = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"10 imported ratings, not averaged:\n{SOURCE_KEY}" in key
    assert not any(PYTHON_CALL.search(k) for k in key)


def test_the_day_by_day_and_calendar_charts_draw_them_too(journal, imported):
    history = journal.imported_ratings()
    daily = analysis.daily_pain(analysis.pain_readings(*journal.sessions_and_ratings()))
    ax = plots.plot_daily_pain(daily, imported=history, ax=Figure().add_subplot())
    assert _days(_marks(ax)[0])[0] == FIRST_IMPORTED
    assert mdates.num2date(ax.get_xlim()[0]).date() < FIRST_IMPORTED
    ax = plots.plot_calendar(daily, imported=history, ax=Figure().add_subplot())
    (marks,) = _marks(ax)
    # Column 0 is the week of 16 Nov (a Monday), row its weekday.
    assert marks.get_offsets()[:, 0].tolist()[:7] == [0] * 7
    assert marks.get_offsets()[:, 1].tolist()[:7] == list(range(7))
    assert any(SOURCE_KEY in t.get_text() for t in ax.get_legend().get_texts())


def test_imported_ratings_alone_are_drawn_not_called_nothing():
    history = pd.DataFrame(
        {
            "local_time": pd.to_datetime(["2026-11-16 08:00", "2026-11-17 08:00"]),
            "pain": [5, 8],
            "app": ["bearable"] * 2,
            "scale": ["0-4"] * 2,
        }
    )
    daily = analysis.daily_pain(analysis.pain_readings(*at.sample_journal().sessions_and_ratings()))
    ax = plots.plot_daily_pain(daily.iloc[:0], imported=history, ax=Figure().add_subplot())
    assert _days(_marks(ax)[0]) == [date(2026, 11, 16), date(2026, 11, 17)]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        f"2 imported ratings, not averaged:\n{SOURCE_KEY}"
    ]


def test_source_words_name_the_app_and_scale():
    assert imported_source("bearable", "0-4") == SOURCE_KEY
    assert imported_source("csv", "0-10") == "from CSV, 0–10 scale"
    assert imported_source("", "") == "from another app, shown on 0–10"


def test_the_report_period_and_episode_start_on_the_first_imported_day(journal, imported):
    before, _ = imported
    after = report_tables(journal)
    assert before.period[0] == date(2026, 11, 24)
    assert after.period == (FIRST_IMPORTED, date(2026, 12, 6))
    assert after.episode.start == FIRST_IMPORTED
    page = first_page(after)
    assert "Period covered: 16 Nov 2026 to 06 Dec 2026" in page.facts
    assert f"10 ratings imported {SOURCE_KEY}" in page.facts
    assert "imported ratings are shown, not averaged" in page.facts
    assert "Since 16 Nov 2026" in dict((name, text) for name, text, _ in page.rows)["Logged for"]
    assert after.episode.summary().startswith("Logged since 16 Nov 2026")
    # The averages are the check-ins' and sessions' alone, as before the import.
    assert (after.change.n, after.change.mean) == (before.change.n, before.change.mean)
    assert after.change.mean == pytest.approx(56 / 13)  # the 13 check-ins alone
    assert (page.headline, page.basis) == (first_page(before).headline, first_page(before).basis)
    pd.testing.assert_frame_equal(after.weekly, before.weekly)
    pd.testing.assert_frame_equal(after.daily, before.daily)
    pd.testing.assert_frame_equal(after.alerts, before.alerts)
    for words in (page.facts, *(text for _, text, _ in page.rows), after.episode.summary()):
        assert not PYTHON_CALL.search(words), words


def test_the_report_charts_draw_the_history(journal, imported):
    from acutrack.report.charts import figure

    t = report_tables(journal)
    for key in ("weekly", "calendar"):
        (ax,) = [a for a in figure(t, key).axes if _marks(a)]
        assert len(_marks(ax)[0].get_offsets()) == 10
    page = render_html(t)
    assert "Period covered: 16 Nov 2026" in page and "Logged since 16 Nov 2026" in page


def test_the_app_chart_draws_those_of_the_last_two_weeks(journal, imported):
    fig = two_weeks_figure(journal)
    ax = fig.axes[0]
    (marks,) = _marks(ax)
    # The two weeks up to 7 Dec begin on 24 Nov: the imported 24 and 25 Nov are in them.
    assert _days(marks) == [date(2026, 11, 24), date(2026, 11, 25)]
    assert "2 imported ratings" in ax.get_title()
    key = " ".join(t.get_text() for t in fig.legends[0].get_texts()).replace("\n", " ")
    assert SOURCE_KEY in key and not PYTHON_CALL.search(key)


def test_the_notebooks_heading_counts_the_imported_history(journal, imported):
    heading = at.journal_heading(journal)
    assert "10 ratings imported from another app since 16 Nov 2026" in heading
    assert "check-ins from 24 Nov 2026" in heading  # the person's own, as before
