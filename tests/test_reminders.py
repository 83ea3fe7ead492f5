"""Calendar reminders: the plan's sessions blind to their condition, with alarms, stable
UIDs and a SEQUENCE that rises with every rewrite; removed sessions cancelled; the daily
check-in and weekly PEG-3 recurring at the same local wall time. Every file is parsed back
with ``icalendar``; every time is given, none read from the clock."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from conftest import subprocess_env
from dateutil.rrule import rrulestr
from icalendar import Calendar
from test_cli import run

import acutrack as at
from acutrack import plan, reminders
from acutrack.errors import InvalidValue

STAMP = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
LATER = STAMP + timedelta(hours=3)


@pytest.fixture
def slots(tmp_path):
    journal = at.Journal(tmp_path / "j", clock=lambda: STAMP)
    return plan.schedule(
        journal, ["back"], weeks=2, sessions_per_week=4, seed=1, start=date(2026, 11, 30)
    )


def _parse(text: str) -> Calendar:
    calendar = Calendar.from_ical(text)
    calendar.validate()  # PRODID, VERSION, a component or more
    for component in calendar.walk():
        assert not component.errors, component.errors
    assert text.endswith("\r\n") and all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    return calendar


def _events(calendar: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_every_event_is_complete_and_an_open_slot_alarms_ten_minutes_before(slots):
    calendar = _parse(reminders.plan_calendar(slots, stamp=STAMP))
    assert calendar["METHOD"] == "PUBLISH"
    events = _events(calendar)
    assert list(events) == [f"{s.slot}@acutrack" for s in sorted(slots, key=lambda s: s.due)]
    for s in slots:
        event = events[f"{s.slot}@acutrack"]
        assert event.decoded("DTSTAMP") == STAMP
        assert event.decoded("DTSTART") == s.due
        assert event.decoded("DURATION") == timedelta(minutes=15)
        assert event["SUMMARY"] == reminders.SESSION_TITLE
        assert event["STATUS"] == "CONFIRMED"
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and alarm["DESCRIPTION"]
        assert alarm.decoded("TRIGGER") == -timedelta(minutes=10)


def test_no_event_says_real_sham_or_the_routine(slots):
    done = [replace(slots[0], session_id="s-1"), *slots[1:]]
    text = reminders.plan_calendar(done, stamp=STAMP, cancelled=slots).lower()
    assert {s.condition for s in slots} == {"real", "sham"}
    for word in {"real", "sham", *(s.routine.lower() for s in slots)}:
        assert word not in text, word


def test_a_later_rewrite_has_the_same_uids_and_a_higher_sequence(slots):
    first = _events(_parse(reminders.plan_calendar(slots, stamp=STAMP)))
    again = _events(_parse(reminders.plan_calendar(slots, stamp=LATER)))
    minute = _events(_parse(reminders.plan_calendar(slots, stamp=STAMP + timedelta(minutes=1))))
    assert list(first) == list(again) == list(minute)
    for uid in first:
        assert again[uid]["SEQUENCE"] > minute[uid]["SEQUENCE"] > first[uid]["SEQUENCE"] >= 0
    assert reminders.sequence(datetime(2019, 1, 1, tzinfo=UTC)) == 0


def test_removed_slots_are_cancelled_and_a_done_one_stays_without_alarm(slots):
    kept, removed = slots[:3], slots[3:]
    done = [replace(kept[0], session_id="s-1"), *kept[1:]]
    calendar = _parse(reminders.plan_calendar(done, stamp=LATER, cancelled=slots))
    assert calendar["METHOD"] == "PUBLISH"
    events = _events(calendar)
    assert len(events) == len(slots)  # a slot both kept and cancelled is written once
    for s in removed:
        event = events[f"{s.slot}@acutrack"]
        assert event["STATUS"] == "CANCELLED" and not event.walk("VALARM")
        assert event["SEQUENCE"] == reminders.sequence(LATER)
    finished = events[f"{kept[0].slot}@acutrack"]
    assert finished["STATUS"] == "CONFIRMED" and not finished.walk("VALARM")
    assert "done" in finished["SUMMARY"]
    assert all(events[f"{s.slot}@acutrack"].walk("VALARM") for s in kept[1:])


def test_an_ended_plan_is_all_cancelled(slots):
    events = _events(_parse(reminders.plan_calendar([], stamp=LATER, cancelled=slots)))
    assert {str(e["STATUS"]) for e in events.values()} == {"CANCELLED"}


def test_plan_calendar_refuses_what_it_cannot_write(slots):
    with pytest.raises(ValueError, match="time zone"):
        reminders.plan_calendar(slots, stamp=datetime(2026, 11, 29, 10, 0))
    with pytest.raises(InvalidValue):
        reminders.plan_calendar([], stamp=STAMP)
    with pytest.raises(InvalidValue):
        reminders.plan_calendar(slots, stamp=STAMP, minutes=0)


def test_the_daily_check_in_floats_at_the_same_wall_time_across_daylight_saving():
    # Europe's clocks go forward on Sun 29 Mar 2026, America's on Sun 8 Mar.
    text = reminders.checkin_calendar(
        at=time(20, 0), weekdays=None, peg_weekday="sun", start=date(2026, 3, 1), stamp=STAMP
    )
    assert "TZID" not in text
    events = _events(_parse(text))
    checkin, peg = events["checkin@acutrack"], events["peg@acutrack"]
    assert checkin["SUMMARY"] == reminders.CHECKIN_TITLE
    assert peg["SUMMARY"] == reminders.PEG_TITLE
    start = checkin.decoded("DTSTART")
    assert start == datetime(2026, 3, 1, 20, 0) and start.tzinfo is None  # floating
    assert "DTSTART:20260301T200000\r\n" in text
    assert checkin["RRULE"].to_ical() == b"FREQ=DAILY"
    rule = rrulestr(checkin["RRULE"].to_ical().decode(), dtstart=start)
    days = rule.between(datetime(2026, 3, 1), datetime(2026, 4, 5))
    assert len(days) == 35 and {d.time() for d in days} == {time(20, 0)}
    assert peg["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=SU"
    assert peg.decoded("DTSTART") == datetime(2026, 3, 1, 20, 0)
    for event in (checkin, peg):
        assert event["SEQUENCE"] == reminders.sequence(STAMP)
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == timedelta(0)


def test_check_in_on_some_days_starts_on_the_first_of_them():
    text = reminders.checkin_calendar(
        at=time(8, 30, 15),
        weekdays=["Fri", "mon", "wednesday", "mo"],
        peg_weekday=None,
        start=date(2026, 11, 28),  # a Saturday
        stamp=STAMP,
    )
    events = _events(_parse(text))
    assert list(events) == ["checkin@acutrack"]  # no PEG-3
    checkin = events["checkin@acutrack"]
    assert checkin["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO,WE,FR"
    assert checkin.decoded("DTSTART") == datetime(2026, 11, 30, 8, 30)  # the Monday
    every = reminders.checkin_calendar(
        at=time(20),
        weekdays=["mo", "tu", "we", "th", "fr", "sa", "su"],
        peg_weekday=None,
        start=date(2026, 11, 28),
        stamp=STAMP,
    )
    assert b"FREQ=DAILY" in _events(_parse(every))["checkin@acutrack"]["RRULE"].to_ical()


@pytest.mark.parametrize("name", ["t", "s", "funday", "", "mondays"])
def test_a_day_that_is_no_day_is_refused(name):
    with pytest.raises(InvalidValue, match="day of the week"):
        reminders.weekday_code(name)


def test_days_as_people_write_them():
    assert [
        reminders.weekday_code(d) for d in ("Mon", "TUESDAY", "we", "thu", "fr ", "Sa", "sun")
    ] == list(reminders.WEEKDAY_CODES)
    with pytest.raises(InvalidValue):
        reminders.checkin_calendar(
            at=time(20), weekdays=[], peg_weekday=None, start=date(2026, 1, 1), stamp=STAMP
        )


def test_remind_writes_a_private_calendar_and_says_how_to_import_it(tmp_path):
    path = tmp_path / "reminders.ics"
    now = "2026-11-29T10:00:00+00:00"
    out = run(
        "remind",
        "--ics",
        str(path),
        "--at",
        "7:45",
        "--weekdays",
        "mon",
        "thu",
        journal=tmp_path / "j",
        env=subprocess_env(ACUTRACK_TEST_NOW=now),
    )
    assert out.returncode == 0, out.stderr
    assert str(path) in out.stdout and "import" in out.stdout.lower()
    assert len(out.stdout.strip().splitlines()) == 1
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    events = _events(_parse(path.read_bytes().decode("utf-8")))
    checkin, peg = events["checkin@acutrack"], events["peg@acutrack"]
    assert checkin.decoded("DTSTAMP") == STAMP
    assert checkin["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO,TH"
    assert checkin.decoded("DTSTART").time() == time(7, 45)
    assert peg["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=SU"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--at", "25:00"], "--at"),
        (["--at", "8pm"], "--at"),
        (["--weekdays", "mon", "someday"], "--weekdays"),
        (["--peg-day", "funday"], "--peg-day"),
    ],
)
def test_remind_refuses_bad_input(tmp_path, args, said):
    path = tmp_path / "reminders.ics"
    out = run("remind", "--ics", str(path), *args, journal=tmp_path / "j")
    assert out.returncode == 2 and said in out.stderr, out.stderr
    assert not path.exists()


def test_remind_needs_a_file_and_can_leave_the_peg_out(tmp_path):
    assert run("remind", journal=tmp_path / "j").returncode == 2
    path = tmp_path / "r.ics"
    out = run("remind", "--ics", str(path), "--peg-day", "None", journal=tmp_path / "j")
    assert out.returncode == 0, out.stderr
    assert list(_events(_parse(path.read_bytes().decode("utf-8")))) == ["checkin@acutrack"]
