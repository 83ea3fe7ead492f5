"""A plan followed day by day: the slot a planned session fills is the one its calendar day
asks for, overdue slots are said, real or sham stays hidden until the session starts, and a
routine that contradicts the slot is refused in the slot's own words. Driven through the
command line in-process, with a clock the test sets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import subprocess_env
from test_cli import run as run_cli

import acutrack as at
from acutrack import plan
from acutrack.screening import QUESTIONS

UTC = UTC
MADE = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)  # a Sunday; the plan starts on Monday


def _fortnight(journal, **settings):
    """Four sessions a week for two weeks from Mon 30 Nov, due at 19:00 UTC."""
    return plan.make_plan(
        journal,
        ["back"],
        weeks=2,
        sessions_per_week=4,
        start=date(2026, 11, 30),
        seed=3,
        tz=UTC,
        anyway=True,
        **settings,
    )


@pytest.fixture
def planned(tmp_path):
    """A fortnight's plan, four sessions a week from Mon 30 Nov at 19:00 UTC."""
    journal = at.Journal(tmp_path / "j", clock=lambda: MADE)
    slots = _fortnight(journal)
    assert [s.due.date().day for s in slots[:4]] == [30, 1, 3, 5]
    return tmp_path / "j", slots


def run(*args, journal, now):
    return run_cli(*args, journal=journal, env=subprocess_env(ACUTRACK_TEST_NOW=now))


def _log(journal, when, *args):
    return run("log", "--before", "6", "--after", "4", *args, journal=journal, now=when)


def _start(journal, when, *args):
    return run("next", "--start", "--before", "6", *args, journal=journal, now=when)


def _planned(journal, when):
    """Start the planned session due at ``when``, then log it: what each command said."""
    started = _start(journal, when)
    assert started.returncode == 0, started.stderr
    logged = run("log", "--planned", "--after", "4", journal=journal, now=when)
    assert logged.returncode == 0, logged.stderr
    return started.stdout, logged.stdout


def test_the_slot_due_that_day_is_filled_not_the_first_open_one(planned):
    journal, slots = planned
    tuesday = "2026-12-01T19:05:00+00:00"  # Monday's slot was missed
    started, logged = _planned(journal, tuesday)
    filled = {s.slot: s.session_id for s in plan.plan_slots(at.Journal(journal))}
    assert filled[slots[1].slot] and not filled[slots[0].slot]
    assert "the planned session due today" in started
    assert f"Now {slots[1].routine} ({slots[1].condition}): press " in started
    assert "the planned session due that day · 1 of 8 done" in logged
    assert "1 overdue (Mon 30 Nov)" in logged
    stored = at.Journal(journal).sessions().iloc[-1]
    assert (stored["routine"], stored["condition"]) == (slots[1].routine, slots[1].condition)
    assert (stored["pain_before"], str(stored["started_at"])) == (6, "2026-12-01 19:05:00+00:00")


def test_with_none_due_that_day_the_earliest_overdue_slot_is_filled_and_said(planned):
    journal, slots = planned
    started, logged = _planned(journal, "2026-12-02T09:00:00+00:00")  # a Wednesday
    assert "the planned session overdue since Mon 30 Nov" in started
    assert "the planned session overdue since Mon 30 Nov" in logged
    assert "1 overdue (Tue 01 Dec)" in logged
    done = [s for s in plan.plan_slots(at.Journal(journal)) if s.filled]
    assert [s.slot for s in done] == [slots[0].slot]


def test_a_routine_that_contradicts_the_slot_is_refused_in_its_words(planned):
    journal, slots = planned
    saturday = "2026-12-05T19:00:00+00:00"
    for day in (
        "2026-11-30T19:00:00+00:00",
        "2026-12-01T19:00:00+00:00",
        "2026-12-03T19:00:00+00:00",
    ):
        _planned(journal, day)
    assert _start(journal, saturday).returncode == 0
    wrong = "back-sham" if slots[3].condition == "real" else "back"
    out = run("log", "--planned", "--after", "4", "--routine", wrong, journal=journal, now=saturday)
    assert out.returncode == 2
    assert f"the planned session due today is {slots[3].routine} ({slots[3].condition})" in (
        out.stderr
    )
    assert "press that, or log this session off the plan" in out.stderr
    assert len(at.Journal(journal).sessions()) == 3


def test_a_planned_session_is_logged_only_once_started(planned):
    journal, _ = planned
    tuesday = "2026-12-01T19:05:00+00:00"
    out = run("log", "--planned", "--before", "6", "--after", "4", journal=journal, now=tuesday)
    assert out.returncode == 2 and "acutrack next --start --before N" in out.stderr
    assert not (journal / "sessions.csv").exists()
    assert _start(journal, tuesday).returncode == 0
    again = _start(journal, tuesday)
    assert again.returncode == 2 and "one planned session at a time" in again.stderr
    earlier = run(
        *("log", "--planned", "--after", "4", "--at", "2026-12-01 18:00"),
        journal=journal,
        now=tuesday,
    )
    assert earlier.returncode == 2 and "not earlier" in earlier.stderr  # no backdating


def test_no_output_before_a_session_names_a_future_slots_condition(planned, tmp_path):
    journal, _ = planned
    sunday = "2026-11-29T12:00:00+00:00"
    said = [
        run("plan", journal=journal, now=sunday).stdout,
        run("next", journal=journal, now=sunday).stdout,
        # Off the plan on a day a session is due: what follows the session's own words.
        _log(journal, "2026-11-30T08:00:00+00:00").stdout.split("·", 1)[1],
        run("plan", "--ics", str(tmp_path / "p.ics"), journal=journal, now=sunday).stdout,
        (tmp_path / "p.ics").read_text(encoding="utf-8"),
    ]
    for text in said:
        words = text.lower().replace("real or sham", "")  # the column and the reminder
        assert "sham" not in words and "(real)" not in words, text
    table = said[0].splitlines()[2:]
    assert len(table) == 8 and all("shown when you start" in row for row in table)


def test_off_the_plan_a_waiting_session_is_mentioned_without_its_condition(planned):
    journal, _ = planned
    out = _log(journal, "2026-12-05T08:00:00+00:00")
    assert out.returncode == 0, out.stderr
    assert "off the plan; the plan has a session due today: start it with acutrack next" in (
        out.stdout
    )
    assert "sham" not in out.stdout.split("·", 1)[1]


def test_a_later_slot_needs_early_and_a_done_plan_has_none(planned):
    journal, slots = planned
    sunday = "2026-11-29T12:00:00+00:00"
    refused = _start(journal, sunday)
    assert refused.returncode == 2 and "due on Mon 30 Nov" in refused.stderr
    assert "--early" in refused.stderr
    for i, slot in enumerate(slots):
        _, logged = _planned(journal, (slot.due + timedelta(minutes=5)).isoformat())
        assert f"{i + 1} of 8 done" in logged
    last = _start(journal, "2026-12-14T09:00:00+00:00")
    assert last.returncode == 2 and "no planned session is open" in last.stderr


def test_plan_shows_progress_in_words_before_the_table(planned):
    journal, _ = planned
    _planned(journal, "2026-12-01T19:05:00+00:00")
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


def test_plan_reveal_shows_every_slot_and_the_verdict_says_so(planned):
    journal, slots = planned
    sunday = "2026-11-29T12:00:00+00:00"
    shown = run("plan", "--reveal", journal=journal, now=sunday)
    assert shown.returncode == 0, shown.stderr
    assert "Real or sham of 8 sessions to come is shown below, and recorded" in shown.stdout
    assert "shown when you start" not in shown.stdout
    rows = shown.stdout.splitlines()[3:]
    assert [s.condition for s in slots] == [row.split()[5] for row in rows]
    stored = plan.plan_slots(at.Journal(journal))
    verdict = at.stats.real_vs_sham(at.Journal(journal).sessions(), plan=stored, today=MADE)
    assert "was shown on 29 Nov 2026 (acutrack plan --reveal)" in verdict.note


def test_next_says_why_no_session_waits(planned):
    journal, _ = planned
    sunday = "2026-11-29T12:00:00+00:00"
    at.Journal(journal, clock=lambda: MADE).log_screen(
        {q.name: "no" for q in QUESTIONS} | {"bladder_bowel": "yes"}
    )
    waits = run("next", journal=journal, now=sunday).stdout
    assert waits.startswith("planned sessions wait: your red-flag screen of 29 Nov said")
    refused = _start(journal, sunday, "--early")
    assert refused.returncode == 2 and "paused" in refused.stderr
    empty = run("next", journal=journal.parent / "empty", now=sunday).stdout
    assert empty == "no plan is open\n"


# -- what a started session holds to ------------------------------------------------------
def _timed(tmp_path, now):
    journal = at.Journal(tmp_path / "t", clock=lambda: now[0])
    return journal, _fortnight(journal)


def test_a_started_session_keeps_its_pain_before_and_may_be_logged_while_paused(tmp_path):
    now = [datetime(2026, 11, 30, 19, 0, tzinfo=UTC)]
    journal, _ = _timed(tmp_path, now)
    started = plan.start_planned(journal, 5)
    with pytest.raises(at.InvalidValue, match="as rated when the session started: 5"):
        plan.log_planned(journal, 9, 3, started=True)
    journal.log_screen({q.name: "no" for q in QUESTIONS} | {"fever": "yes"})  # pauses plans
    now[0] += timedelta(minutes=20)
    session = plan.log_planned(journal, None, 3, started=True)  # began before the pause
    assert (session.slot, session.pain_before) == (started.slot, 5)
    with pytest.raises(at.InvalidValue, match="paused"):
        plan.start_planned(journal, 5, early=True)


def test_the_gap_holds_when_overdue_sessions_are_caught_up(tmp_path):
    now = [datetime(2026, 12, 14, 19, 0, tzinfo=UTC)]  # a fortnight late
    journal, _ = _timed(tmp_path, now)
    plan.start_planned(journal, 6)
    plan.log_planned(journal, None, 3, started=True)
    now[0] += timedelta(hours=1)
    with pytest.raises(at.InvalidValue, match="at least 4 h from the plan's others"):
        plan.start_planned(journal, 6)
    assert plan.plan_slots(journal)[0].started_at == datetime(2026, 12, 14, 19, 0, tzinfo=UTC)


def test_a_start_ahead_a_stale_slot_and_a_new_plan_over_a_started_one_are_refused(tmp_path):
    now = [datetime(2026, 12, 1, 19, 0, tzinfo=UTC)]
    journal, slots = _timed(tmp_path, now)
    with pytest.raises(at.InvalidValue, match="no more than a day ahead"):
        plan.start_planned(journal, 6, started_at=datetime(2030, 1, 1, tzinfo=UTC))
    with pytest.raises(at.InvalidValue, match="the one due today; look again"):
        plan.start_planned(journal, 6, slot=slots[0].slot)  # yesterday's, offered by a stale form
    plan.start_planned(journal, 6, slot=slots[1].slot)
    with pytest.raises(at.InvalidValue, match="a new plan once the session started"):
        plan.make_plan(journal, ["back"], weeks=4, seed=4, replace=True)


def test_a_refusal_before_a_session_starts_does_not_tell_real_from_sham(tmp_path):
    now = [datetime(2026, 11, 30, 19, 0, tzinfo=UTC)]
    journal, slots = _timed(tmp_path, now)
    wrong = "back-sham" if slots[0].condition == "real" else "back"
    with pytest.raises(at.InvalidValue) as info:
        plan.log_planned(journal, 6, 3, routine=wrong)
    assert "start it to see what to press" in str(info.value)
    assert slots[0].condition not in str(info.value).split("is not allowed")[1]
    with pytest.warns(DeprecationWarning):  # the old way, with its default routine
        done = journal.log_session(6, 3, slot=slots[0].slot)
    assert (done.routine, done.condition) == (slots[0].routine, slots[0].condition)


def test_the_form_says_what_to_press_once_started_and_lightly_for_ones_own_sham(tmp_path):
    from acutrack.forms import SessionForm

    now = [datetime(2026, 11, 30, 19, 0, tzinfo=UTC)]
    journal = at.Journal(tmp_path / "own", clock=lambda: now[0])
    journal.add_routine("mine", ["GB30", "BL57"], seconds_per_point=20)
    slots = plan.make_plan(
        journal,
        ["mine"],
        weeks=1,
        sessions_per_week=4,
        start=date(2026, 11, 30),
        seed=2,
        tz=UTC,
        anyway=True,
    )
    form = SessionForm(journal)
    form.before.value = 6
    form.planned.box.value = True
    words = form.planned.box.description
    assert f"mine ({slots[0].condition}): press" in words and "GB30, BL57" in words
    assert ("lightly" in words) == (slots[0].condition == "sham")
    sham = next(s for s in slots if s.condition == "sham")
    assert "press lightly GB30" in plan.press_words(journal, sham)


def test_the_plan_table_shows_no_blocks_while_the_plan_runs(planned):
    journal, _ = planned
    shown = run("plan", journal=journal, now="2026-11-29T12:00:00+00:00").stdout
    assert "block" not in shown.splitlines()[1]
