"""The app's page in Python, driven like a person: the whole kit, the Today card, the chart,
the report. Every journal here has a clock the test sets: nothing reads the wall clock."""

from __future__ import annotations

import base64
import html
import re
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import ipywidgets as w
import matplotlib
import pandas as pd
import pytest
from test_notebooks import WIDGET, assert_clean, execute, outputs

import acutrack as at
from acutrack.app import APP_NOTEBOOK
from acutrack.app.page import STYLE, AppPage
from acutrack.plan import make_plan
from acutrack.plots.trend import plot_daily_pain
from acutrack.screening import QUESTIONS

matplotlib.use("Agg")
NOW = datetime(2026, 6, 20, 20, 0, tzinfo=timezone(timedelta(hours=2)))


def _journal(tmp_path):
    return at.Journal(tmp_path / "j", clock=lambda: NOW)


def _descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _descendants(child)


def _said(form):
    """The form's message as a person reads it."""
    return html.unescape(form.feedback.value)


def _answer_screen(page, **yes):
    for name, choice in page.screen.answers.items():
        choice.value = "yes" if name in yes else "no"
    page.screen.save.click()


def _log_session(page, before, after, *, earlier=None, notes="", location=None):
    form = page.session
    form.before.value, form.after.value = before, after
    if earlier is not None:  # a naive local date and time, as the picker gives it
        form.when.choice.value = "earlier"
        form.when.at.value = earlier
    form.notes.value = notes
    if location is not None:
        form.location.value = location
    form.save.click()
    assert "acutrack-ok" in form.feedback.value, _said(form)
    return form.last_saved


def _check_in(page, pain, peg=None):
    form = page.check_in
    form.pain.value = pain
    for field, answer in (peg or {}).items():
        form.peg.items[field].value = answer
    form.save.click()
    assert "acutrack-ok" in form.feedback.value, _said(form)
    return form.last_saved


def test_the_session_log_stores_a_session_and_the_chart_follows(tmp_path):
    journal = _journal(tmp_path)
    journal.log_rating(5, rated_at=NOW - timedelta(days=20))  # before the two weeks shown
    page = AppPage(journal)
    first = page.two_weeks.chart.value
    page.session.save.click()
    assert "Choose pain before (0–10) first" in page.session.feedback.value
    assert not (journal.path / "sessions.csv").exists()
    page.session.before.value, page.session.after.value = 6, 3
    page.session.routine.value = "stress"
    page.session.save.click()
    [session] = journal.sessions().itertuples()
    assert (session.routine, session.pain_before, session.pain_after) == ("stress", 6, 3)
    assert page.session.before.value is None  # cleared for the next one
    assert page.two_weeks.chart.value != first
    # The check-in offers the new session to follow up: the forms keep in step.
    assert any(session.id in str(v) for _, v in page.check_in.follow_up.options)


def test_the_session_log_offers_when_notes_and_where_it_hurts(tmp_path):
    page = AppPage(_journal(tmp_path))
    assert page.quick is page.session  # the old name, for scripts that used it
    assert not page.session.quick  # the full form, the notebook kit's
    shown = (page.session.when.choice, page.session.notes, page.session.location)
    assert all(c.layout.display != "none" for c in shown)
    page.session.when.choice.value = "earlier"
    assert page.session.when.at.layout.display != "none"


def test_the_page_is_the_whole_kit_in_sections_not_tabs(tmp_path):
    journal = _journal(tmp_path)
    page = AppPage(journal)
    forms = (page.session, page.guided, page.check_in, page.medication, page.change)
    forms += (page.screen, page.correction, page.two_weeks, page.report, page.today)
    widgets = list(_descendants(page.widget))
    assert all(form.widget in widgets for form in forms)
    assert not any(isinstance(c, w.Tab) for c in widgets)  # tab titles are cut on a phone
    headings = [c.value for c in widgets if isinstance(c, w.HTML) and "<h2>" in c.value]
    assert headings == [f"<h2>{title}</h2>" for title in page.sections]
    # First use: the red-flag screen comes first, under the Today card.
    assert list(page.sections)[:3] == ["Today", "Red flags", "Log a session"]
    sessions = [c for c in widgets if "acutrack-session-form" in c._dom_classes]
    assert sessions == [page.session.widget]  # the browser test clicks the first one
    assert widgets.index(page.banner.widget) < widgets.index(page.today.widget)
    _answer_screen(page)
    # Not due: still on the page, lower down, under the other forms.
    later = list(AppPage(journal).sections)
    assert later.index("Red flags") > later.index("Correct or delete")
    for rule in (".acutrack-app h2 {", ".acutrack-download {", ".widget-toggle-buttons {"):
        assert rule in STYLE


def test_the_today_card_says_what_is_due_and_follows_every_save(timed_journal, clock):
    journal = timed_journal
    slots = make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=4, anyway=True)
    clock.now = slots[0].due + timedelta(days=2)  # the first slot is two days overdue
    page = AppPage(journal)
    today = page.today
    first_due = f"{slots[0].due:%a %d %b}"
    assert today.words["plan"].startswith(f"overdue since {first_due} (plan: 0 of 2 done")
    assert today.words["check_in"] == "due: none yet today. How much does it hurt now?"
    assert today.words["peg"].startswith("due: three questions")
    assert today.words["pgic"] == "asked 4 weeks after your first entry"
    assert today.words["screen"].startswith("due: ten yes/no questions")
    assert today.due == {"plan", "check_in", "peg", "screen"}
    card = html.unescape(today.card.value)
    assert f"Planned session: overdue since {first_due}" in card
    # Its day in words, never real or sham, the routine's set or the slot's id.
    for secret in ("real", "sham", slots[0].slot, slots[0].plan):
        assert secret not in card

    _check_in(page, 5, peg={"pain": 5, "enjoyment": 4, "activity": 6})
    assert today.words["check_in"] == f"done today at {clock.now:%H:%M}"
    assert today.words["peg"] == f"next due {clock.now + timedelta(days=7):%a %d %b}"
    _answer_screen(page)
    assert today.words["screen"] == f"next due {clock.now + timedelta(days=28):%a %d %b}"
    # The overdue session, logged as the plan's: the card moves on to the next one.
    page.session.before.value = 6
    page.session.planned.box.value = True
    page.session.after.value = 3
    page.session.save.click()
    assert "1 of 2 done" in today.words["plan"], _said(page.session)
    assert first_due not in today.words["plan"].split("(")[0]
    first_day = journal.first_day()
    assert today.words["pgic"] == f"next asked {first_day + timedelta(days=28):%a %d %b}"
    assert today.due == ({"plan"} if slots[1].due.date() <= clock.now.date() else set())
    assert "Check-in: done today" in html.unescape(today.card.value)
    # The next day the check-in is due again.
    clock.advance(24)
    assert "check_in" in AppPage(journal).today.due


def _in_a_thread(action):
    """``action()``'s result, called in a thread of its own: another test's browser may hold
    an event loop in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(action).result()


def _in_a_kernel_loop(coroutine):
    """Run ``coroutine()`` on an event loop of its own, as a kernel runs a page."""
    import asyncio

    return _in_a_thread(lambda: asyncio.run(coroutine()))


def test_a_page_left_open_past_midnight_says_what_the_new_day_holds(timed_journal, clock):
    clock.now = datetime(2026, 11, 24, 23, 40, tzinfo=timezone(timedelta(hours=1)))
    page = AppPage(timed_journal)
    _check_in(page, 4)
    chart = page.two_weeks.chart.value
    assert page.today.words["check_in"] == "done today at 23:40" and not page.new_day()
    clock.advance(0.5)  # 00:10 the next day, the page still open
    assert page.new_day() and not page.new_day()
    assert page.today.words["check_in"] == "due: none yet today. How much does it hurt now?"
    assert "check_in" in page.today.due
    assert page.two_weeks.chart.value != chart  # the chart now ends on the new day


def test_an_open_page_looks_for_a_new_day_on_its_own(timed_journal, clock, monkeypatch):
    import asyncio

    from acutrack.app import page as app_page

    monkeypatch.setattr(app_page, "DAY_CHECK", 0.01)
    clock.now = datetime(2026, 11, 24, 23, 55, tzinfo=UTC)

    async def overnight():
        page = AppPage(timed_journal)  # in a kernel, as Voilà runs it: an event loop turns
        _check_in(page, 4)
        clock.advance(0.25)
        await asyncio.sleep(0.1)
        said = page.today.words["check_in"]
        page.close()
        return said

    assert _in_a_kernel_loop(overnight).startswith("due: none yet today")
    # Outside an event loop (a script) nothing is scheduled.
    assert _in_a_thread(lambda: AppPage(timed_journal)._timer) is None


def test_what_the_report_needs_is_imported_while_the_page_is_read(timed_journal, monkeypatch):
    import asyncio
    import importlib

    from acutrack.app import page as app_page

    monkeypatch.setattr(app_page, "WARM_AFTER", 0.01)
    imported = []
    load = importlib.import_module
    monkeypatch.setattr(
        app_page,
        "importlib",
        SimpleNamespace(import_module=lambda m: imported.append(m) or load(m)),
    )

    async def reading():
        page = AppPage(timed_journal)
        assert not imported  # not while the page is being built
        await asyncio.sleep(0.1)
        page.close()

    async def closed_at_once():  # as the app's kernel warms: a page built, then dropped
        AppPage(timed_journal).close()
        await asyncio.sleep(0.1)

    _in_a_kernel_loop(closed_at_once)
    assert not imported  # a closed page asks for nothing more
    _in_a_kernel_loop(reading)
    assert imported == list(app_page.REPORT_MODULES)


def test_the_page_opens_on_the_screen_whenever_it_is_due(timed_journal, clock):
    page = AppPage(timed_journal)
    _answer_screen(page)
    assert list(AppPage(timed_journal).sections)[1] != "Red flags"
    clock.advance(28 * 24)  # four weeks on: due again
    again = AppPage(timed_journal)
    assert list(again.sections)[1] == "Red flags" and again.screen.due
    assert "screen" in again.today.due


@pytest.mark.slow
def test_a_week_through_the_page_alone_stores_exactly_what_was_entered(timed_journal, clock):
    """A fresh journal, a week of use of the app page only, like a person: the files hold
    what was entered, nothing more."""
    journal = timed_journal  # Tue 24 Nov 2026, 09:00
    page = AppPage(journal)
    assert list(page.sections)[1] == "Red flags"  # first use: the screen first
    assert page.today.words["pgic"] == "asked 4 weeks after your first entry"
    _answer_screen(page)
    assert "no to every question" in _said(page.screen)
    assert page.banner.widget.value == ""

    # Last night's session, logged this morning: earlier, with a note and where it hurt.
    last_night = datetime(2026, 11, 23, 21, 30)
    first = _log_session(page, 7, 4, earlier=last_night, notes="after gardening", location="neck")
    assert page.session.when.choice.value == "now"  # reset for the next one
    _check_in(page, 5, peg={"pain": 6, "enjoyment": 5, "activity": 7})
    assert page.today.words["pgic"] == "next asked Mon 21 Dec"  # 4 weeks from the first day
    assert not page.change.offer.value
    assert page.today.words["peg"] == "next due Tue 01 Dec"

    page.medication.name.value = "ibuprofen"
    page.medication.dose.value, page.medication.unit.value = "400", "mg"
    page.medication.use.value = True
    page.medication.save.click()
    assert "acutrack-ok" in page.medication.feedback.value, _said(page.medication)

    befores = {}
    start = clock.now
    for day in (1, 3, 5):  # the app opened on a morning for a check-in, again at night
        page.close()  # yesterday's tab
        clock.now = start + timedelta(days=day)
        page = AppPage(journal)
        assert list(page.sections)[1] == "Log a session"  # the screen is not due
        assert "check_in" in page.today.due
        _check_in(page, 4)
        assert "check_in" not in page.today.due
        clock.advance(12)
        befores[day] = 6 - day % 3
        _log_session(page, befores[day], 2, notes=f"day {day}")

    # Tue 01 Dec: a week on, the PEG-3 is asked again with the check-in.
    page.close()
    clock.now = start + timedelta(days=7)
    page = AppPage(journal)
    assert "peg" in page.today.due and page.check_in.peg.shown
    _check_in(page, 3, peg={"pain": 4, "enjoyment": 3, "activity": 4})
    assert "peg" not in page.today.due

    # A correction and a deletion, through the correction form (it lists the latest).
    last = journal.sessions()["id"].iloc[-1]
    mistaken = journal.ratings()["id"].iloc[1]  # Wednesday's check-in
    listed = [value for _, value in page.correction.entry.options]
    assert last in listed and mistaken in listed
    page.correction.entry.value = last
    page.correction.pain_after.value = 1
    page.correction.notes.value = "day 5, felt better later"
    page.correction.save.click()
    assert "changed: pain after, notes" in _said(page.correction)
    page.correction.entry.value = mistaken
    page.correction.confirm_delete.value = True
    page.correction.delete.click()
    assert f"Deleted {mistaken}" in _said(page.correction)

    page.report.make.click()
    assert "Report made" in _said(page.report)
    assert not list(journal.path.glob("*report*"))

    sessions = journal.sessions()
    assert len(sessions) == 4
    gardening = sessions.iloc[0]
    assert (gardening["id"], gardening["pain_before"], gardening["pain_after"]) == (first.id, 7, 4)
    assert (gardening["notes"], gardening["location"]) == ("after gardening", "neck")
    assert gardening["started_at"] == pd.Timestamp(last_night.astimezone())
    assert sessions["pain_before"].tolist()[1:] == list(befores.values())
    notes = ["day 1", "day 3", "day 5, felt better later"]
    assert sessions["notes"].tolist()[1:] == notes
    assert sessions["pain_after"].tolist()[1:] == [2, 2, 1]
    assert set(sessions["routine"]) == {"back"}
    ratings = journal.ratings()
    assert len(ratings) == 4 and mistaken not in set(ratings["id"])
    assert ratings["pain"].tolist() == [5, 4, 4, 3]
    peg = journal.peg()
    assert peg[["pain", "enjoyment", "activity"]].values.tolist() == [[6, 5, 7], [4, 3, 4]]
    [medicine] = journal.medications().itertuples()
    assert (medicine.name, medicine.dose, medicine.unit, medicine.use) == (
        "ibuprofen",
        400,
        "mg",
        "as-needed",
    )
    screens = journal.screens()
    assert len(screens) == 1
    assert set(screens.iloc[0][[q.name for q in QUESTIONS]]) == {"no"}
    assert journal.pgic().empty  # not due in the first four weeks; the card said when


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
