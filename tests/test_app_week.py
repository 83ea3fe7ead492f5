"""A week of `acutrack app` in headless Chromium at phone size, on a new journal and a clock
the test moves: what a person taps is exactly what the files hold.

(`tests/test_app_page.py` drives the same page's widgets from Python, day by day; this
drives the page a person sees, through Voilà, with taps and typing.)
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from conftest import need_chromium, start_app, stop
from test_app import _check_phone_layout

import acutrack as at
from acutrack.screening import QUESTIONS

TOKEN = "app-week-token-83f2"
PHONE = {"width": 390, "height": 844}
SAVED = 30_000  # ms a save may take on a busy machine


@pytest.fixture
def week(tmp_path):
    """The app on a new journal, its kernels' clock read from a file the test writes."""
    need_chromium()
    clock = tmp_path / "now.txt"
    clock.write_text(datetime(2026, 11, 24, 9, 0, tzinfo=UTC).isoformat())
    journal = tmp_path / "journal"
    proc, url = start_app(journal, TOKEN, base=tmp_path, ACUTRACK_TEST_NOW=f"@{clock}")
    yield {"url": f"{url}/?token={TOKEN}", "journal": journal, "clock": clock}
    stop(proc)
    shutil.rmtree(journal, ignore_errors=True)


def _set_clock(week, *when: int) -> None:
    week["clock"].write_text(datetime(*when, tzinfo=UTC).isoformat())


def _local(*when: int) -> str:
    """A time of the test's clock as the page names it, on this computer's clock."""
    return f"{datetime(*when, tzinfo=UTC).astimezone():%a %d %b %H:%M}"


def _rows(journal: Path, name: str) -> int:
    path = journal / name
    return len(list(csv.DictReader(path.open(encoding="utf-8")))) if path.exists() else 0


def _open(page, url):
    page.goto(url)
    page.wait_for_selector(".acutrack-app .acutrack-pain", timeout=90_000)
    page.wait_for_selector(".acutrack-two-weeks[src]", timeout=SAVED)


def _sections(page) -> list[str]:
    return [h.strip() for h in page.locator(".acutrack-app h2").all_inner_texts()]


def _tap(box, number: int) -> None:
    """Tap a number on a 0–10 picker (exactly that number: "1" is not "10")."""
    box.locator("button").filter(has_text=re.compile(rf"^\s*{number}\s*$")).click()


def _field(form, label: str):
    """The input, text box or menu beside ``label`` in ``form``."""
    row = form.locator(".widget-inline-hbox").filter(
        has=form.page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(label)}$"))
    )
    return row.locator("input, textarea, select").first


def _save(page, form, button: str, journal: Path, name: str, rows: int) -> None:
    """Press ``button``; ``name`` then holds ``rows`` entries, and the form says it saved."""
    form.locator("button", has_text=button).click()
    for _ in range(SAVED // 200):
        if _rows(journal, name) >= rows:
            break
        page.wait_for_timeout(200)
    said = form.locator(".acutrack-ok, .acutrack-error")
    assert _rows(journal, name) == rows, said.all_inner_texts()
    form.locator(".acutrack-ok").first.wait_for(timeout=SAVED)


@pytest.mark.browser
def test_a_week_in_the_app_at_phone_size_stores_exactly_what_was_tapped(week, browser):
    journal = week["journal"]
    page = browser.new_page(viewport=PHONE)

    # Tue 24 Nov, 09:00, first use: the page opens on the red-flag screen.
    _open(page, week["url"])
    assert _sections(page)[:2] == ["Today", "Red flags"]
    _check_phone_layout(page, "first use")
    screen = page.locator(".acutrack-screen-form")
    for no in screen.locator(".widget-toggle-button", has_text=re.compile(r"^\s*no\s*$")).all():
        no.click()
    _save(page, screen, "Save screen", journal, "screens.csv", 1)

    # Last night's session, logged this morning: earlier, with a note and where it hurt.
    session = page.locator(".acutrack-session-form")
    _field(session, "When").select_option(label="earlier: choose date and time")
    _field(session, "Date and time").fill("2026-11-23T21:30")
    _tap(session.locator(".acutrack-pain").nth(0), 7)
    _tap(session.locator(".acutrack-pain").nth(1), 4)
    _field(session, "Where it hurts").fill("neck")
    _field(session, "Notes").fill("after gardening")
    _save(page, session, "Save session", journal, "sessions.csv", 1)

    # A check-in, with the week's three questions (PEG-3) asked on the first day.
    check_in = page.locator(".acutrack-checkin-form")
    pickers = check_in.locator(".acutrack-pain")
    assert check_in.locator(".acutrack-peg").is_visible()
    for nth, answer in enumerate((5, 6, 5, 7)):  # pain now, then the three questions
        _tap(pickers.nth(nth), answer)
    _save(page, check_in, "Save check-in", journal, "ratings.csv", 1)
    assert _rows(journal, "peg.csv") == 1

    medicine = page.locator(".acutrack-medication-form")
    _field(medicine, "Medicine").fill("ibuprofen")
    _field(medicine, "Dose").fill("400")
    _field(medicine, "Unit").fill("mg")
    medicine.locator(".widget-toggle-button", has_text="as needed, for pain").click()
    _save(page, medicine, "Save medicine", journal, "medications.csv", 1)
    _check_phone_layout(page, "after the first day's entries")

    # Fri 27 Nov: the app opened again in the morning for a check-in, and at night.
    _set_clock(week, 2026, 11, 27, 9, 0)
    _open(page, week["url"])
    assert _sections(page)[1] == "Log a session"  # screened this week: not due
    today = page.locator(".acutrack-today").inner_text()
    assert "Check-in" in today and "done today" not in today
    _tap(page.locator(".acutrack-checkin-form .acutrack-pain").first, 4)
    _save(page, page.locator(".acutrack-checkin-form"), "Save check-in", journal, "ratings.csv", 2)
    _set_clock(week, 2026, 11, 27, 21, 0)
    _tap(session.locator(".acutrack-pain").nth(0), 5)
    _tap(session.locator(".acutrack-pain").nth(1), 2)
    _field(session, "Notes").fill("day 3")
    _save(page, session, "Save session", journal, "sessions.csv", 2)

    # Tue 1 Dec: a week on, the PEG-3 again; then a correction, a deletion, the report.
    _set_clock(week, 2026, 12, 1, 9, 0)
    _open(page, week["url"])
    assert check_in.locator(".acutrack-peg").is_visible()
    for nth, answer in enumerate((3, 4, 3, 4)):
        _tap(pickers.nth(nth), answer)
    _save(page, check_in, "Save check-in", journal, "ratings.csv", 3)
    assert _rows(journal, "peg.csv") == 2

    correction = page.locator(".acutrack-correction-form")
    entries = correction.locator(".acutrack-entry label")
    entries.filter(has_text=f"{_local(2026, 11, 27, 21, 0)} · session").click()
    _tap(correction.locator(".acutrack-pain").nth(1), 1)  # pain after: 1, not 2
    _field(correction, "Notes").fill("day 3, felt better later")
    correction.locator("button", has_text="Save correction").click()
    page.wait_for_selector(".acutrack-correction-form :text('changed: pain after, notes')")
    entries.filter(has_text=f"{_local(2026, 11, 24, 9, 0)} · medicine").click()
    dose = correction.locator(".widget-html:has(small:text-is('Dose')) + .widget-text input")
    assert dose.input_value() == "400"
    dose.fill("200")
    correction.locator("button", has_text="Save correction").click()
    page.wait_for_selector(".acutrack-correction-form :text('changed: dose')")
    mistaken = re.compile(rf"{_local(2026, 11, 27, 9, 0)} · check-in · pain\u00a04$")
    entries.filter(has_text=mistaken).click()
    correction.locator("label", has_text="Yes, delete this entry").click()
    correction.locator("button", has_text="Delete").click()
    page.wait_for_selector(".acutrack-correction-form :text('Deleted')", timeout=SAVED)
    _check_phone_layout(page, "after a week, with the correction's messages")

    page.locator("button", has_text="Make the report").click()
    page.wait_for_selector(".acutrack-download", timeout=90_000)
    with page.expect_download() as download:
        page.locator(".acutrack-download").first.click()
    report = download.value.path().read_text(encoding="utf-8")
    # The report tells the week as it stands after the correction and the deletion.
    for said in ("2 sessions, 2 pain check-ins", "against 6.0 on 24 Nov 2026", "1 dose logged"):
        assert said in report
    assert "Every answer was no" in report
    page.close()

    # The files hold what was tapped and typed, nothing more.
    saved = at.Journal(journal)
    sessions = saved.sessions()
    assert sessions["pain_before"].tolist() == [7, 5]
    assert sessions["pain_after"].tolist() == [4, 1]
    assert sessions["notes"].tolist() == ["after gardening", "day 3, felt better later"]
    assert sessions["location"].tolist() == ["neck", "lower-back"]
    assert sessions["started_at"].tolist() == [
        pd.Timestamp(datetime(2026, 11, 23, 21, 30).astimezone()),
        pd.Timestamp(datetime(2026, 11, 27, 21, 0, tzinfo=UTC)),
    ]
    ratings = saved.ratings()
    assert ratings["pain"].tolist() == [5, 3]
    assert ratings["rated_at"].tolist() == [
        pd.Timestamp(datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
        pd.Timestamp(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    ]
    peg = saved.peg()[["pain", "enjoyment", "activity"]].values.tolist()
    assert peg == [[6, 5, 7], [4, 3, 4]]
    [medicine] = saved.medications().itertuples()
    assert (medicine.name, medicine.dose, medicine.unit, medicine.use) == (
        "ibuprofen",
        200,
        "mg",
        "as-needed",
    )
    [screen] = saved.screens().to_dict("records")
    assert {screen[q.name] for q in QUESTIONS} == {"no"}
    assert saved.pgic().empty
