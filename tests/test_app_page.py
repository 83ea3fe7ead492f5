"""The app's page in Python, driven like a person: the quick log, the chart, the report."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone

import matplotlib
import pandas as pd
import pytest
from test_notebooks import WIDGET, assert_clean, execute, outputs

import acutrack as at
from acutrack.app import APP_NOTEBOOK
from acutrack.app.page import AppPage
from acutrack.plots.trend import plot_daily_pain

matplotlib.use("Agg")
NOW = datetime(2026, 6, 20, 20, 0, tzinfo=timezone(timedelta(hours=2)))


def _journal(tmp_path):
    return at.Journal(tmp_path / "j", clock=lambda: NOW)


def test_the_quick_log_stores_a_session_and_the_chart_follows(tmp_path):
    journal = _journal(tmp_path)
    journal.log_rating(5, rated_at=NOW - timedelta(days=20))  # before the two weeks shown
    page = AppPage(journal)
    first = page.two_weeks.chart.value
    page.quick.save.click()
    assert "Choose pain before (0–10) first" in page.quick.feedback.value
    assert not (journal.path / "sessions.csv").exists()
    page.quick.before.value, page.quick.after.value = 6, 3
    page.quick.routine.value = "stress"
    page.quick.save.click()
    [session] = journal.sessions().itertuples()
    assert (session.routine, session.pain_before, session.pain_after) == ("stress", 6, 3)
    assert page.quick.before.value is None  # cleared for the next one
    assert page.two_weeks.chart.value != first
    # The check-in offers the new session to follow up: the forms keep in step.
    assert any(session.id in str(v) for _, v in page.check_in.follow_up.options)


def test_the_quick_log_shows_only_what_a_quick_log_needs(tmp_path):
    page = AppPage(_journal(tmp_path))
    hidden = (page.quick.points, page.quick.minutes, page.quick.notes, page.quick.location)
    assert all(c.layout.display == "none" for c in hidden)
    assert page.quick.routine.layout.display != "none"


def test_the_next_planned_slot_is_shown_and_can_be_ticked(tmp_path):
    journal = _journal(tmp_path)
    slots = at.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=4, anyway=True)
    page = AppPage(journal)
    assert f"due {slots[0].due:%a %d %b}. Plan: 0 of 2 done" in page.two_weeks.next.value
    assert slots[0].slot not in page.two_weeks.next.value  # dates in words, not ids
    page.quick.before.value = 5  # first: the routine shows once the session starts
    page.quick.planned.box.value = True
    page.quick.after.value = 4
    page.quick.save.click()
    assert journal.sessions()["routine"].tolist() == [slots[0].routine]
    assert f"Plan: 1 of 2 done · next: {slots[1].due:%a %d %b}." in page.two_weeks.next.value


@pytest.mark.slow
def test_the_report_is_offered_for_download_as_html_and_pdf(tmp_path):
    journal = _journal(tmp_path)
    for day in range(8):
        journal.log_rating(5, rated_at=NOW - timedelta(days=day, hours=2))
    page = AppPage(journal)
    page.report.make.click()
    assert "Report made" in page.report.feedback.value
    links = dict(
        re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', page.report.links.value)
    )
    html_name, pdf_name = "acutrack-report-2026-06-20.html", "acutrack-report-2026-06-20.pdf"
    assert set(links) == {html_name, pdf_name}
    assert "Back pain" in base64.b64decode(links[html_name]).decode("utf-8")
    assert base64.b64decode(links[pdf_name]).startswith(b"%PDF")
    assert not list(journal.path.glob("*report*"))  # nothing left in the journal


def test_sessions_are_drawn_as_arrows_from_before_to_after(tmp_path):
    journal = _journal(tmp_path)
    journal.log_session(7, 3, started_at=NOW - timedelta(days=1))
    journal.log_session(6, 5, routine="back-sham", started_at=NOW - timedelta(hours=3))
    sessions, ratings = journal.sessions_and_ratings()
    daily = at.analysis.daily_pain(at.analysis.pain_readings(sessions, ratings))
    ax = plot_daily_pain(daily, sessions=sessions)
    lines = {c.get_label(): c for c in ax.collections}
    real = lines["1 real session: before → after"].get_segments()[0]
    sham = lines["1 sham session: before → after"].get_segments()[0]
    assert (real[:, 1].tolist(), sham[:, 1].tolist()) == ([7, 3], [6, 5])
    when = matplotlib.dates.num2date(real[0, 0]).replace(tzinfo=None)
    assert when == pd.Timestamp(sessions["local_time"].iloc[0])


@pytest.mark.notebook
def test_the_app_notebook_runs_and_shows_the_page(tmp_path, monkeypatch):
    monkeypatch.setenv("ACUTRACK_HOME", str(tmp_path / "journal"))
    nb = execute(APP_NOTEBOOK, tmp_path)
    assert_clean(nb)
    assert [o for o in outputs(nb) if WIDGET in o.get("data", {})]
