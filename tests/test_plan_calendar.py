"""A plan followed day by day: the slot a planned session fills is the one its calendar day
asks for, overdue slots are said, and a routine that contradicts the slot is refused in the
slot's own words. Driven through the command line in-process, with a clock the test sets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import subprocess_env
from test_cli import run as run_cli

import acutrack as at
from acutrack import plan

UTC = UTC
MADE = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)  # a Sunday; the plan starts on Monday


@pytest.fixture
def planned(tmp_path):
    """A fortnight's plan, four sessions a week from Mon 30 Nov at 19:00 UTC."""
    journal = at.Journal(tmp_path / "j", clock=lambda: MADE)
    slots = plan.make_plan(
        journal,
        ["back"],
        weeks=2,
        sessions_per_week=4,
        start=date(2026, 11, 30),
        seed=3,
        tz=UTC,
        anyway=True,
    )
    assert [s.due.date().day for s in slots[:4]] == [30, 1, 3, 5]
    return tmp_path / "j", slots


def run(*args, journal, now):
    return run_cli(*args, journal=journal, env=subprocess_env(ACUTRACK_TEST_NOW=now))


def _log(journal, when, *args):
    return run("log", "--before", "6", "--after", "4", *args, journal=journal, now=when)


def test_the_slot_due_that_day_is_filled_not_the_first_open_one(planned):
    journal, slots = planned
    tuesday = "2026-12-01T19:05:00+00:00"  # Monday's slot was missed
    out = _log(journal, tuesday, "--planned")
    assert out.returncode == 0, out.stderr
    filled = {s.slot: s.session_id for s in plan.plan_slots(at.Journal(journal))}
    assert filled[slots[1].slot] and not filled[slots[0].slot]
    assert "the planned session due that day · 1 of 8 done" in out.stdout
    assert "1 overdue (Mon 30 Nov)" in out.stdout
    stored = at.Journal(journal).sessions().iloc[-1]
    assert (stored["routine"], stored["condition"]) == (slots[1].routine, slots[1].condition)


def test_with_none_due_that_day_the_earliest_overdue_slot_is_filled_and_said(planned):
    journal, slots = planned
    out = _log(journal, "2026-12-02T09:00:00+00:00", "--planned")  # a Wednesday: none due
    assert out.returncode == 0, out.stderr
    assert "the planned session overdue since Mon 30 Nov" in out.stdout
    assert "1 overdue (Tue 01 Dec)" in out.stdout
    done = [s for s in plan.plan_slots(at.Journal(journal)) if s.filled]
    assert [s.slot for s in done] == [slots[0].slot]


def test_a_routine_that_contradicts_the_slot_is_refused_in_its_words(planned):
    journal, slots = planned
    saturday = slots[3]
    wrong = "back-sham" if saturday.condition == "real" else "back"
    out = _log(journal, "2026-12-05T19:00:00+00:00", "--planned", "--routine", wrong)
    assert out.returncode == 2
    assert (
        f"the planned session due today is {saturday.routine} ({saturday.condition})" in out.stderr
    )
    assert "press that, or log this session off the plan" in out.stderr
    assert not (journal / "sessions.csv").exists()


def test_off_the_plan_a_waiting_session_is_mentioned_without_its_condition(planned):
    journal, _ = planned
    out = _log(journal, "2026-12-05T08:00:00+00:00")
    assert out.returncode == 0, out.stderr
    assert "off the plan; the plan has a session due today: log it with --planned" in out.stdout
    assert "sham" not in out.stdout.split("·", 1)[1]


def test_a_later_slot_needs_early_and_a_done_plan_has_none(planned):
    journal, slots = planned
    sunday = "2026-11-29T12:00:00+00:00"
    refused = _log(journal, sunday, "--planned")
    assert refused.returncode == 2 and "due on Mon 30 Nov" in refused.stderr
    assert "--early" in refused.stderr
    for i, slot in enumerate(slots):
        when = (slot.due + timedelta(minutes=5)).isoformat()
        out = _log(journal, when, "--planned")
        assert out.returncode == 0, out.stderr
        assert f"{i + 1} of 8 done" in out.stdout
    last = _log(journal, "2026-12-14T09:00:00+00:00", "--planned")
    assert last.returncode == 2 and "no planned session is open" in last.stderr


def test_plan_shows_progress_in_words_before_the_table(planned):
    journal, _ = planned
    _log(journal, "2026-12-01T19:05:00+00:00", "--planned")
    shown = run("plan", journal=journal, now="2026-12-02T09:00:00+00:00").stdout
    first = shown.splitlines()[0]
    assert first == "Progress: 1 of 8 done · next: Thu 03 Dec · 1 overdue (Mon 30 Nov)"


def test_due_slot_takes_the_earlier_of_two_due_the_same_day():
    def slot(n, day, hour):
        due = datetime(2026, 12, day, hour, tzinfo=UTC)
        return at.Slot(f"p-{n:03d}", "p", 1, due, "back", "real", 1)

    slots = [slot(1, 3, 20), slot(2, 3, 9), slot(3, 1, 9)]
    assert plan.due_slot(slots, date(2026, 12, 3)).slot.slot == "p-002"
    assert plan.due_slot(slots, date(2026, 12, 2)).overdue  # Tue 1 Dec's, overdue on the 2nd
    assert plan.due_slot(slots, date(2026, 11, 30)).early
    assert plan.due_slot([], date(2026, 12, 3)) is None
