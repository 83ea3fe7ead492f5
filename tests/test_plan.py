from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from conftest import subprocess_env
from icalendar import Calendar
from test_cli import run as run_cli

import acutrack as at
from acutrack import plan
from acutrack.stats import power


def test_every_block_is_balanced_and_the_seed_reproduces_the_plan(journal):
    slots = plan.schedule(
        journal, ["back", "stress"], weeks=6, sessions_per_week=4, start=date(2026, 12, 7), seed=9
    )
    assert len(slots) == 2 * 6 * 4
    sizes = Counter(s.block for s in slots)
    assert set(sizes.values()) == {2, 4}  # blocks of 2 and of 4, at random
    for block, size in sizes.items():
        members = [s for s in slots if s.block == block]
        assert Counter(s.condition for s in members) == {"real": size // 2, "sham": size // 2}
        assert len({s.routine.removesuffix("-sham") for s in members}) == 1
    assert {(s.routine, s.condition) for s in slots} == {
        ("back", "real"),
        ("back-sham", "sham"),
        ("stress", "real"),
        ("stress-sham", "sham"),
    }
    again = plan.schedule(
        journal, ["back", "stress"], weeks=6, sessions_per_week=4, start=date(2026, 12, 7), seed=9
    )
    assert again == slots
    other = plan.schedule(
        journal, ["back", "stress"], weeks=6, sessions_per_week=4, start=date(2026, 12, 7), seed=10
    )
    assert [s.condition for s in other] != [s.condition for s in slots]
    assert slots[0].due.date() == date(2026, 12, 7)
    assert max(s.due.date() for s in slots) < date(2026, 12, 7) + timedelta(weeks=6)


def test_block_sizes_can_be_chosen_and_blocks_run_on_into_the_next_week(journal):
    fixed = plan.schedule(journal, ["back"], weeks=3, sessions_per_week=2, seed=1, block_sizes=(2,))
    assert len({s.block for s in fixed}) == 3
    for block in {s.block for s in fixed}:
        assert sorted(s.condition for s in fixed if s.block == block) == ["real", "sham"]
    seeds = [
        plan.schedule(journal, ["back"], weeks=3, sessions_per_week=2, seed=n) for n in range(9)
    ]
    spans = [
        {(s.due - slots[0].due).days // 7 for s in slots if s.block == block}
        for slots in seeds
        for block in {s.block for s in slots}
    ]
    assert any(len(weeks) == 2 for weeks in spans)  # a block of 4 across two weeks
    with pytest.raises(at.InvalidValue, match="does not divide"):
        plan.schedule(journal, ["back"], weeks=3, sessions_per_week=2, block_sizes=(4,))
    with pytest.raises(at.InvalidValue, match="even sizes"):
        plan.schedule(journal, ["back"], block_sizes=(3,))


def test_a_users_routine_is_tested_against_itself_pressed_lightly(journal):
    journal.add_routine("mine", ["GB30", "BL57"], seconds_per_point=20)
    slots = plan.schedule(journal, ["mine"], weeks=1, sessions_per_week=2, seed=2)
    assert {(s.routine, s.condition) for s in slots} == {("mine", "real"), ("mine", "sham")}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sessions_per_week": 3}, "sessions_per_week"),
        ({"sessions_per_week": 0}, "sessions_per_week"),
        ({"weeks": 0}, "weeks"),
        ({"routines": ["yoga"]}, "routine"),
        ({"routines": ["custom"]}, "routine"),
        ({"routines": []}, "routines"),
    ],
)
def test_bad_plans_are_refused(journal, kwargs, field):
    with pytest.raises(at.InvalidValue) as info:
        plan.make_plan(journal, **({"routines": ["back"]} | kwargs), anyway=True)
    assert info.value.field == field
    assert not (journal.path / "plan.csv").exists()


def test_a_slot_is_filled_only_by_the_session_it_asks_for(timed_journal, clock):
    journal = timed_journal
    slots = plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=4, seed=5, anyway=True)
    assert plan.plan_slots(journal) == slots and plan.active_plan(journal) == slots
    first = plan.next_slot(journal)
    assert first == slots[0]
    # A session not logged as a slot is off the plan, whatever its routine.
    s = journal.log_session(5, 4, routine=first.routine)
    assert s.slot is None and plan.next_slot(journal) == first
    wrong = "back-sham" if first.condition == "real" else "back"
    with pytest.raises(at.InvalidValue, match="start it to see what to press"):
        plan.log_planned(journal, 5, 4, routine=wrong, slot=first.slot)
    before = len(journal.sessions())
    for slot in slots:
        clock.advance()  # planned sessions lie hours apart
        s = plan.log_planned(journal, 6, 3, routine=slot.routine, slot=slot.slot)
        assert s.slot == slot.slot
    assert len(journal.sessions()) == before + len(slots)
    clock.advance()
    with pytest.raises(at.InvalidValue, match="session s-"):  # done already
        plan.log_planned(journal, 6, 3, routine=slots[0].routine, slot=slots[0].slot)
    with pytest.raises(at.InvalidValue, match="slot"):
        plan.log_planned(journal, 6, 3, slot="p-nosuchslot")
    assert plan.next_slot(journal) is None and plan.active_plan(journal) == []
    assert [x.session_id for x in plan.plan_slots(journal)] == list(journal.sessions()["id"][-4:])
    assert journal.problems().empty


def test_a_failed_slot_write_leaves_no_session(journal, monkeypatch):
    slot = plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=6, anyway=True)[0]
    journal.log_session(5, 4)
    sessions = (journal.path / "sessions.csv").read_bytes()
    real = journal._append_held

    def plan_write_fails(spec, records, action, not_before=None):
        if spec.name == "plan":
            raise OSError(28, "No space left on device")
        return real(spec, records, action, not_before)

    monkeypatch.setattr(journal, "_append_held", plan_write_fails)
    with pytest.raises(at.JournalError, match="No space left"):
        plan.log_planned(journal, 6, 3, routine=slot.routine, slot=slot.slot)
    assert (journal.path / "sessions.csv").read_bytes() == sessions  # nothing half-stored
    monkeypatch.undo()
    assert plan.next_slot(journal) == slot


def test_the_same_plan_made_twice_is_refused(journal):
    same = dict(weeks=1, sessions_per_week=2, seed=7, start=date(2026, 12, 1), anyway=True)
    plan.make_plan(journal, ["back"], **same)
    with pytest.raises(at.InvalidValue, match="same seed and start"):
        plan.make_plan(journal, ["back"], **same, replace=True)
    assert len(plan.plan_slots(journal)) == 2


def test_a_new_plan_becomes_the_active_one(journal):
    old = plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=1, anyway=True)
    new = plan.make_plan(
        journal, ["stress"], weeks=1, sessions_per_week=2, seed=2, anyway=True, replace=True
    )
    assert plan.active_plan(journal) == new
    assert [s.slot for s in plan.plan_slots(journal, old[0].plan)] == [s.slot for s in old]


def test_ics_has_one_event_per_slot(journal):
    slots = plan.make_plan(journal, ["back"], weeks=2, sessions_per_week=4, seed=3, anyway=True)
    text = plan.to_ics(slots)
    events = Calendar.from_ical(text).walk("VEVENT")
    assert len(events) == len(slots)
    for event, slot in zip(events, slots, strict=True):
        assert str(event["UID"]) == f"{slot.slot}@acutrack"
        start = event.decoded("DTSTART")
        assert start == slot.due and start.utcoffset() == timedelta(0)  # stored in UTC
        assert event.decoded("DURATION") == timedelta(minutes=15)
        assert str(event["SUMMARY"]) == "acupressure session — open acutrack to see which"
        assert "DTSTAMP" in event and event.walk("VALARM")
    assert not {"real", "sham", "back"} & set(text.lower().replace("-", " ").split())
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")


def test_ics_never_names_the_routine_and_keeps_lines_short(journal):
    # A name the journal would refuse, to show the calendar does not rely on that.
    odd = "Rücken; Nacken, Schultern \\ «sanft» 指圧 " * 3
    slot = replace(plan.schedule(journal, ["back"], weeks=1, seed=4)[0], routine=odd)
    text = plan.to_ics([slot], minutes=20)
    octets = text.encode("utf-8")
    assert all(len(line) <= 75 for line in octets.split(b"\r\n"))
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    assert "Rücken" not in text and "sanft" not in text  # the routine is never named
    assert event.decoded("DURATION") == timedelta(minutes=20)


def test_ics_of_no_slots_is_refused():
    with pytest.raises(at.InvalidValue, match="expected a slot to write"):
        plan.to_ics([])  # RFC 5545: a calendar holds at least one event


# "Now" for the command line in these tests: a week before the plans they make start.
NOW = "2026-11-24T09:00:00+01:00"


def run(*args, journal, now=NOW):
    return run_cli(*args, journal=journal, env=subprocess_env(ACUTRACK_TEST_NOW=now))


def test_plan_and_log_from_the_command_line(tmp_path):
    j = tmp_path / "j"
    assert "no plan yet" in run("plan", journal=j).stdout
    made = run(
        *("plan", "--new", "--weeks", "2", "--per-week", "2", "--seed", "8", "--anyway"),
        *("--start", "2026-12-01", "--ics", str(tmp_path / "plan.ics")),
        journal=j,
    )
    assert made.returncode == 0, made.stderr
    assert "4 sessions over 2 weeks, in 2 blocks" in made.stdout
    assert (tmp_path / "plan.ics").read_text(encoding="utf-8").count("BEGIN:VEVENT") == 4
    first = plan.next_slot(at.Journal(j))
    unplanned = run("log", "--before", "6", "--after", "4", journal=j)
    assert unplanned.returncode == 0, unplanned.stderr
    # The plan's first session is due on 1 Dec: a session on 24 Nov is simply off the plan.
    assert "plan" not in unplanned.stdout
    assert "back (real)" in unplanned.stdout  # the plan's routine is not taken unasked
    early = run("next", "--start", "--before", "6", journal=j)
    assert early.returncode == 2 and "--early" in early.stderr  # due on 1 Dec, not 24 Nov
    started = run("next", "--start", "--before", "6", "--early", journal=j)
    assert started.returncode == 0, started.stderr
    assert f"Now {first.routine} ({first.condition}): press " in started.stdout
    logged = run("log", "--after", "4", "--planned", journal=j)
    assert logged.returncode == 0, logged.stderr
    assert "the planned session due Tue 01 Dec · 1 of 4 done · next: Fri 04 Dec" in logged.stdout
    assert first.slot not in logged.stdout  # dates in words, not ids
    stored = at.Journal(j).sessions().iloc[-1]
    assert (stored["routine"], stored["condition"]) == (first.routine, first.condition)
    shown = run("plan", journal=j)
    assert stored["id"] in shown.stdout
    second = plan.next_slot(at.Journal(j))
    assert run("next", "--start", "--before", "5", journal=j, now=second.due.isoformat())
    on_the_day = run("log", "--after", "4", "--planned", journal=j, now=second.due.isoformat())
    assert on_the_day.returncode == 0, on_the_day.stderr  # due today: no --early needed
    assert "the planned session due that day · 2 of 4 done" in on_the_day.stdout
    bad = run("plan", "--new", "--per-week", "3", journal=j)
    assert bad.returncode == 2 and "sessions_per_week" in bad.stderr
    bad_date = run("plan", "--new", "--start", "soon", journal=j)
    assert bad_date.returncode == 2 and "start" in bad_date.stderr


def test_a_leave_one_out_plan_balances_the_point_within_blocks(journal):
    slots = plan.schedule(journal, ["back"], weeks=4, sessions_per_week=4, leave_out="gb30", seed=3)
    assert {s.condition for s in slots} == {"real"} and {s.routine for s in slots} == {"back"}
    for block in {s.block for s in slots}:
        members = [s.leave_out for s in slots if s.block == block]
        assert members.count("GB30") == members.count(None) == len(members) // 2
    with pytest.raises(at.InvalidValue, match="leave_out"):
        plan.schedule(journal, ["back"], leave_out="PC6")  # not a point of the routine


def test_a_leave_one_out_plan_is_stored_followed_and_judged(timed_journal, clock):
    j = timed_journal
    slots = plan.make_plan(
        j, ["back"], weeks=3, sessions_per_week=4, leave_out="GB30", seed=4, anyway=True
    )
    assert [s.leave_out for s in plan.plan_slots(j)] == [s.leave_out for s in slots]
    for slot in slots:  # every session as planned: 4 points lower pain by 3, all 5 by 4
        points = [p for p in j.catalog.routine("back").points if p != slot.leave_out]
        clock.advance()
        session = plan.log_planned(j, 7, 4 if slot.leave_out else 3, points=points, slot=slot.slot)
        assert session.slot == slot.slot
    result = at.stats.leave_one_out(j.sessions(), plan=plan.plan_slots(j))
    assert (result.point, result.n_with, result.n_without) == ("GB30", 6, 6)
    assert result.estimate == pytest.approx(1)
    assert (result.verdict, result.plan_state) == ("helps", "done")  # p = 2/216
    assert "GB30 added to the relief" in result.summary()
    # A real/sham analysis does not take a leave-one-out plan's sessions for its own.
    assert at.stats.real_vs_sham(j.sessions(), plan=plan.plan_slots(j)).n == 0


def test_a_leave_one_out_slot_takes_only_a_session_with_the_right_points(journal):
    plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, leave_out="GB30", anyway=True)
    first = plan.next_slot(journal)
    every = list(journal.catalog.routine("back").points)
    opposite = every if first.leave_out else [p for p in every if p != "GB30"]
    with pytest.raises(at.InvalidValue, match="slot"):
        plan.log_planned(journal, 6, 3, points=opposite, slot=first.slot)
    assert plan.next_slot(journal) == first


@pytest.mark.slow
def test_plan_new_shows_its_power_and_warns_when_it_can_never_decide(tmp_path):
    def run(*args):
        command = [sys.executable, "-m", "acutrack", "--journal", str(tmp_path / "j"), "plan"]
        return subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)

    refused = run("--new", "--weeks", "2", "--per-week", "2")
    assert refused.returncode == 2 and "smallest possible p-value is 0." in refused.stderr
    assert "--anyway" in refused.stderr and not (tmp_path / "j" / "plan.csv").exists()
    short = run("--new", "--weeks", "2", "--per-week", "2", "--anyway")
    assert short.returncode == 0
    assert (
        "can never reach a verdict" in short.stdout and "smallest possible p-value" in short.stdout
    )
    longer = run("--new", "--weeks", "10", "--per-week", "4", "--replace")
    assert "If real relieves 1 point more than sham, this plan of 40 sessions" in longer.stdout
    low, high = power.power_range(40)
    assert f"{math.floor(100 * low)} % to {math.floor(100 * high)} %" in longer.stdout
    fewest, most = power.sessions_for(2.0)
    assert f"For 80 % at 2 points: about {fewest}–{most} sessions." in longer.stdout


def test_a_damaged_plan_file_is_reported(journal):
    plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=2, anyway=True)
    path = journal.path / "plan.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace(",real,", ",REAL-ish,").replace(",sham,", ",REAL-ish,")
    path.write_text("".join(lines) + "garbage line\n")
    problems = journal.problems()
    assert set(problems["file"]) == {"plan.csv"}
    assert {"condition", ""} <= set(problems["field"])


def test_log_planned_needs_an_open_slot(tmp_path):
    no_plan = run("log", "--before", "6", "--after", "4", "--planned", journal=tmp_path / "j")
    assert no_plan.returncode == 2 and "no planned session is open" in no_plan.stderr
    early_only = run("next", "--early", journal=tmp_path / "j")
    assert early_only.returncode == 2 and "--early go with --start" in early_only.stderr
    no_before = run("log", "--after", "4", journal=tmp_path / "j")
    assert no_before.returncode == 2 and "--before is required" in no_before.stderr
    assert not (tmp_path / "j" / "sessions.csv").exists()


def _fill_first(journal):
    slot = plan.next_slot(journal)
    session = plan.log_planned(journal, 6, 3, routine=slot.routine, slot=slot.slot)
    return slot, session


def test_deleting_a_session_opens_its_slot_again_and_a_redo_is_counted(timed_journal, clock):
    journal = timed_journal
    plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=11, anyway=True)
    slot, session = _fill_first(journal)
    assert plan.next_slot(journal) != slot
    journal.delete(session.id)
    assert plan.next_slot(journal) == replace(slot, reopened=1)
    clock.advance()
    again = plan.log_planned(journal, 5, 2, routine=slot.routine, slot=slot.slot)
    other = plan.next_slot(journal)
    clock.advance()
    plan.log_planned(journal, 5, 4, routine=other.routine, slot=other.slot)
    done = plan.plan_slots(journal)
    assert [s.session_id for s in done if s.slot == slot.slot] == [again.id]
    result = at.stats.real_vs_sham(journal.sessions(), plan=done)
    assert "1 slot done again" in result.note
    assert journal.problems().empty


def test_correcting_a_session_into_another_kind_opens_its_slot(journal):
    plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=12, anyway=True)
    slot, session = _fill_first(journal)
    journal.correct(session.id, pain_after=2)  # still the session the slot asks for
    assert plan.next_slot(journal) != slot
    other = "back-sham" if slot.condition == "real" else "back"
    journal.correct(session.id, routine=other, condition=None if other == "back" else "sham")
    assert plan.next_slot(journal).slot == slot.slot
    assert journal.problems().empty


def test_validate_reports_a_slot_whose_session_is_gone_or_another(journal):
    plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=13, anyway=True)
    _fill_first(journal)
    path = journal.path / "sessions.csv"
    header, row = path.read_text().splitlines(keepends=True)
    path.write_text(header + row.replace(",back,", ",stress,").replace(",back-sham,", ",stress,"))
    problems = journal.problems()  # edited by hand: the slot's session is another kind now
    assert problems[["file", "field"]].values.tolist() == [["plan.csv", "session_id"]]
    assert "but the slot asks for" in problems["why"].iloc[0]
    path.write_text(header)  # the session removed by hand: the slot still names it
    assert "no session in this journal" in journal.problems()["why"].iloc[0]


def test_plans_of_the_same_day_never_share_ids(journal):
    start = date(2026, 12, 1)
    a = plan.schedule(journal, ["back"], weeks=1, sessions_per_week=2, start=start, seed=1)
    b = plan.schedule(journal, ["back"], weeks=1, sessions_per_week=2, start=start, seed=1001)
    assert a[0].plan != b[0].plan  # seeds 1 and 1001 once gave the same id


def test_log_session_with_a_slot_still_works_for_one_release(journal):
    slot = plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=21, anyway=True)[0]
    with pytest.warns(DeprecationWarning, match="log_planned"):
        session = journal.log_session(6, 3, routine=slot.routine, slot=slot.slot)
    assert session.slot == slot.slot and plan.plan_slots(journal)[0].filled


def test_planned_sessions_keep_the_gap_and_plans_space_a_days_slots(timed_journal, clock):
    journal = timed_journal
    slots = plan.make_plan(
        journal, ["back", "stress"], weeks=1, sessions_per_week=4, seed=31, anyway=True
    )
    by_day = Counter(s.due.date() for s in slots)
    assert max(by_day.values()) == 2  # both routines on the same days ...
    for day in by_day:
        times = sorted(s.due for s in slots if s.due.date() == day)
        assert times[1] - times[0] >= plan.MIN_GAP  # ... hours apart, the last at 19:00
        assert times[-1].hour == 19
    first, second = slots[0], slots[1]
    plan.log_planned(journal, 6, 3, slot=first.slot)
    clock.advance(hours=3.5)
    with pytest.raises(at.InvalidValue, match="at least 4 h from the plan's others") as info:
        plan.log_planned(journal, 6, 3, slot=second.slot)
    assert info.value.field == "started_at"
    assert journal.log_session(6, 3).slot is None  # off the plan, it is taken
    clock.advance(hours=0.5)
    assert plan.log_planned(journal, 6, 3, slot=second.slot).slot == second.slot
    with pytest.raises(at.InvalidValue, match="sessions a day"):
        plan.schedule(journal, ["back", "stress"], sessions_per_week=14, hour=7)


def test_a_plan_starting_before_today_is_made_only_on_purpose(timed_journal, clock):
    journal = timed_journal  # 24 Nov 2026, 09:00 UTC
    start = date(2026, 11, 18)
    with pytest.raises(at.InvalidValue, match="4 of its 16 sessions would begin overdue") as info:
        plan.make_plan(journal, ["back"], weeks=4, sessions_per_week=4, start=start, seed=1)
    assert info.value.field == "start" and not (journal.path / "plan.csv").exists()
    made = plan.make_plan(
        journal, ["back"], weeks=4, sessions_per_week=4, start=start, seed=1, anyway=True
    )
    assert (
        plan.progress(made, clock().date())
        .words()
        .endswith("4 overdue (Wed 18 Nov, Thu 19 Nov, Sat 21 Nov and 1 more)")
    )


def test_a_second_plan_replaces_the_first_only_on_purpose(timed_journal, clock):
    journal = timed_journal
    old = plan.make_plan(journal, ["back"], weeks=4, sessions_per_week=4, seed=40)
    done = plan.log_planned(journal, 6, 3, slot=old[0].slot, started_at=clock())
    with pytest.raises(at.InvalidValue, match=r"one plan at a time.*\(1 of 16 done\)") as info:
        plan.make_plan(journal, ["back"], weeks=4, sessions_per_week=4, seed=41)
    assert info.value.field == "plan" and plan.active_plan(journal) == plan.plan_slots(journal)
    clock.advance()
    new = plan.make_plan(journal, ["back"], weeks=4, sessions_per_week=4, seed=41, replace=True)
    assert plan.active_plan(journal) == plan.plan_slots(journal) == new
    ended = plan.plan_slots(journal, old[0].plan)
    assert [s.session_id for s in ended if s.filled] == [done.id]  # its session kept
    assert all(s.closed_at == clock() for s in ended if not s.filled)
    with pytest.raises(at.InvalidValue, match="its plan was ended"):
        plan.log_planned(journal, 6, 3, slot=old[1].slot)
    verdict = at.stats.real_vs_sham(journal.sessions(), plan=ended, today=clock())
    assert verdict.plan_state == "ended early"
    assert journal.problems().empty


def test_plan_replace_from_the_command_line(tmp_path):
    j = tmp_path / "j"
    first = run("plan", "--new", "--weeks", "4", journal=j)
    assert first.returncode == 0, first.stderr
    second = run("plan", "--new", "--weeks", "4", journal=j)
    assert second.returncode == 2 and "--replace" in second.stderr
    ics = tmp_path / "plan.ics"
    third = run("plan", "--new", "--weeks", "4", "--replace", "--ics", str(ics), journal=j)
    assert third.returncode == 0, third.stderr
    events = Calendar.from_ical(ics.read_text(encoding="utf-8")).walk("VEVENT")
    assert [str(e["STATUS"]) for e in events].count("CANCELLED") == 16  # the old plan's
    assert len({s.plan for s in plan.active_plan(at.Journal(j))}) == 1


def test_a_started_session_never_logged_is_counted_in_the_verdicts_note(timed_journal, clock):
    journal = timed_journal
    slots = plan.make_plan(journal, ["back"], weeks=4, sessions_per_week=4, seed=50)
    plan.start_planned(journal, 6, early=True)
    clock.advance(hours=24 * 40)  # the plan is long over
    result = at.stats.real_vs_sham(journal.sessions(), plan=plan.plan_slots(journal), today=clock())
    assert "1 planned session started (real or sham shown) and never logged" in result.note
    assert plan.plan_slots(journal)[0].started and len(slots) == 16


def test_a_replacing_plan_is_stored_whole_or_not_at_all(timed_journal, monkeypatch):
    journal = timed_journal
    old = plan.make_plan(journal, ["back"], weeks=4, sessions_per_week=4, seed=60)
    before = (journal.path / "plan.csv").read_bytes()
    real = journal._append_held

    def closing_fails(spec, records, action, not_before=None):
        if spec.name == "plan" and action == "correct":
            raise OSError(28, "No space left on device")
        return real(spec, records, action, not_before)

    monkeypatch.setattr(journal, "_append_held", closing_fails)
    with pytest.raises(at.JournalError, match="No space left"):
        plan.make_plan(journal, ["back"], weeks=4, sessions_per_week=4, seed=61, replace=True)
    assert (journal.path / "plan.csv").read_bytes() == before  # neither plan changed
    monkeypatch.undo()
    assert plan.active_plan(journal) == old
