"""Which red-flag answer stands: neither a wrong clock nor a hand edit hides an urgent one."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from test_cli import run

import acutrack as at
from acutrack.forms import ScreenForm, red_flag_html
from acutrack.outcomes import screen_reminder, standing_flag
from acutrack.plan import make_plan, next_slot, paused
from acutrack.report import first_page, report_tables
from acutrack.screening import QUESTIONS, SEEN, TIERS

TZ = ZoneInfo("Europe/London")
NO = {q.name: "no" for q in QUESTIONS}
EMERGENCY = {**NO, "bladder_bowel": "yes"}
T = datetime(2026, 6, 1, 9, tzinfo=TZ)


@pytest.fixture
def clocked(tmp_path):
    """A journal and the list whose one item is its clock's "now"."""
    now = [T]
    return at.Journal(tmp_path / "j", clock=lambda: now[0]), now


def test_a_no_answered_with_the_clock_ahead_does_not_hide_a_later_emergency(clocked):
    journal, now = clocked
    now[0] = T + timedelta(hours=20)  # the computer's clock is 20 h ahead
    journal.log_screen(NO)
    now[0] = T + timedelta(hours=1)  # put right; then the emergency is answered
    journal.log_screen(EMERGENCY)
    flag = standing_flag(journal)
    assert flag.tier is TIERS["emergency"] and flag.urgent
    assert "emergency" in paused(journal).lower()
    assert "emergency number" in screen_reminder(journal)
    with pytest.raises(at.JournalError, match="no new plan"):
        make_plan(journal, ["back"], weeks=2, sessions_per_week=2, seed=1, anyway=True)


def test_a_no_with_an_earlier_time_does_not_clear_an_urgent_answer(clocked):
    journal, now = clocked
    journal.log_screen(EMERGENCY)
    now[0] = T - timedelta(hours=48)  # the clock is now 2 days behind
    kept = journal.log_screen(NO)
    flag = standing_flag(journal)
    assert flag.tier is TIERS["emergency"] and flag.kept_by_clock == kept
    assert "Check this computer's clock" in flag.words()[1]
    now[0] = T + timedelta(minutes=5)  # the clock put right: a new answer clears it
    journal.log_screen(NO)
    assert standing_flag(journal) is None and paused(journal) is None


def test_a_correction_of_an_older_screen_does_not_clear_a_later_urgent_one(clocked):
    journal, now = clocked
    now[0] = T + timedelta(hours=20)
    old = journal.log_screen(NO)
    now[0] = T + timedelta(hours=1)
    journal.log_screen({**NO, "fever": "yes"})
    now[0] = T + timedelta(hours=21)
    journal.correct(old.id, notes="typo fixed")  # written last, but the screen is older
    assert standing_flag(journal).tier is TIERS["same-day"]


def test_a_sign_seen_by_a_clinician_ends_the_pause_whatever_the_clock(clocked):
    journal, now = clocked
    make_plan(journal, ["back"], weeks=2, sessions_per_week=2, start=T.date(), seed=7, anyway=True)
    journal.log_screen(EMERGENCY)
    assert next_slot(journal) is None
    now[0] = T - timedelta(hours=3)
    seen = journal.log_screen({**NO, "bladder_bowel": SEEN})
    assert "seen by a clinician: bladder_bowel" in seen.describe()
    assert standing_flag(journal) is None and paused(journal) is None
    assert next_slot(journal) is not None
    # A new "yes" to another urgent sign stands again.
    journal.log_screen({**NO, "bladder_bowel": SEEN, "fever": "yes"})
    assert standing_flag(journal).tier is TIERS["same-day"]


@pytest.mark.parametrize("edited", ["y", "TRUE", "'yes"])
def test_a_screen_row_that_cannot_be_read_stands_as_urgent(clocked, edited):
    journal, now = clocked
    make_plan(journal, ["back"], weeks=2, sessions_per_week=2, start=T.date(), seed=7, anyway=True)
    journal.log_screen(NO)
    now[0] = T + timedelta(days=1)
    journal.log_screen(EMERGENCY)
    path = journal.path / "screens.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert ",yes," in lines[2]
    lines[2] = lines[2].replace(",yes,", f",{edited},", 1)  # a hand edit
    path.write_text("".join(lines), encoding="utf-8")

    flag = standing_flag(journal)
    assert flag.urgent and flag.tier is None
    said = "the red-flag screen of 02 Jun 2026 could not be read (screens.csv line 3)"
    assert said in flag.unread_words()
    assert said in screen_reminder(journal) and said in paused(journal)
    assert next_slot(journal) is None
    assert said.lower() in red_flag_html(journal).lower()
    page = first_page(report_tables(journal))
    assert page.flag is not None and said.lower() in page.flag[1].lower()
    screen_row = next(text for name, text, _ in page.rows if name == "Red-flag screen")
    assert "No warning signs" not in screen_row and "could not be read" in screen_row

    now[0] = T + timedelta(days=1, hours=1)
    journal.log_screen(NO)  # a readable screen written after it
    assert standing_flag(journal) is None and next_slot(journal) is not None


def test_a_torn_last_screen_row_stands_as_urgent(clocked):
    journal, _ = clocked
    journal.log_screen(NO)
    with open(journal.path / "screens.csv", "a", encoding="utf-8") as f:
        f.write("f-torn,2026-06-01T10:00:00+01:00,ye")  # a writer killed mid-row
    flag = standing_flag(journal)
    assert flag.urgent and "screens.csv line 3" in flag.unread_words()
    assert "the red-flag screen of 01 Jun 2026" in flag.unread_words()


def test_the_form_offers_seen_only_while_an_urgent_answer_stands(clocked):
    journal, now = clocked
    form = ScreenForm(journal)
    assert len(form.answers["bladder_bowel"].buttons.options) == 2
    assert form.seen_note.layout.display == "none"
    for name, choice in form.answers.items():
        choice.buttons.value = "yes" if name == "fever" else "no"
    form.save.click()
    assert form.seen_note.layout.display is None
    assert [v for _, v in form.answers["fever"].buttons.options] == ["yes", "no", SEEN]
    assert len(form.answers["night_pain"].buttons.options) == 2  # not an urgent question
    now[0] = T + timedelta(hours=1)
    for name, choice in form.answers.items():
        choice.buttons.value = SEEN if name == "fever" else "no"
    form.save.click()
    assert standing_flag(journal) is None
    assert form.seen_note.layout.display == "none"


def test_the_command_line_takes_seen_only_while_an_urgent_answer_stands(tmp_path):
    early = run("screen", "--none", "--seen", "fever", journal=tmp_path)
    assert early.returncode == 2 and "no urgent answer stands" in early.stderr
    assert run("screen", "--yes", "fever", journal=tmp_path).returncode == 0
    both = run("screen", "--yes", "fever", "--seen", "fever", journal=tmp_path)
    assert both.returncode == 2 and "both" in both.stderr
    seen = run("screen", "--seen", "fever", journal=tmp_path)
    assert seen.returncode == 0, seen.stderr
    assert "seen by a clinician: fever" in seen.stdout
    assert standing_flag(at.Journal(tmp_path)) is None


def test_the_command_line_says_when_an_older_answer_still_stands(tmp_path):
    journal = at.Journal(tmp_path)
    journal.log_screen(EMERGENCY, answered_at=T)
    kept = run("screen", "--none", "--at", "2026-05-30T09:00", journal=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "STILL STANDING: Emergency" in kept.stdout
