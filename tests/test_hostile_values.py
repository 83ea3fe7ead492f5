"""Hostile values: text a spreadsheet would change, huge or odd values, times that did not
exist, numbers in Python's own spellings, look-alike point codes, and forms whose entry
changed or vanished underneath them. Each case was found by a hostile test (issue 10)."""

from __future__ import annotations

import csv
import itertools
import os
import time
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from filelock import Timeout
from hypothesis import given, settings
from hypothesis import strategies as st

import acutrack as at
from acutrack.catalog import Catalog
from acutrack.errors import InvalidValue, JournalError
from acutrack.fields import (
    IntField,
    PositiveField,
    TextField,
    TimeField,
    escape_text,
    unescape_text,
)
from acutrack.forms import CheckInForm, CorrectionForm, GuidedSession, SessionForm
from acutrack.tables import check_routine, routine_spec

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    """A clock a second ahead at each reading, shared by every program in a test."""
    ticks = itertools.count()
    return lambda: NOW + timedelta(seconds=next(ticks))


@pytest.fixture
def journal(tmp_path, clock) -> at.Journal:
    return at.Journal(tmp_path / "journal", clock=clock)


@pytest.fixture
def elsewhere(journal, clock) -> at.Journal:
    """The same journal, opened by another program."""
    return at.Journal(journal.path, clock=clock)


def csv_rows(journal, name):
    with (journal.path / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- text a spreadsheet would change -------------------------------------------------------
NUMBER_LIKE = [
    "0123",  # leading zero dropped
    "1e5",  # exponent: 100000
    "1E-5",
    "3/4",  # fraction or date
    "1-2",  # a date
    "2026-03-04",
    "2026-03-04T10:00",
    "3.4.26",
    "12:30",  # a time
    "12:30:45",
    "9:30 pm",
    "TRUE",  # booleans
    "false",
    "50%",  # percentages
    "5.5 %",
    "12",  # plain numbers
    "2.5",
    "1,5",
    ".5",
    "(5)",  # a negative amount
    "$5",  # currency
    "5 €",
    "£3.50",
    "1,000",  # thousands
    "1.000,50",
    "1 1/2",
    "Mar 4",  # dates with a month name
    "4-Mar-26",
    "March 2026",
    " 42 ",
    "−5",  # a minus sign
    "٥",  # another script's digit
]
PLAIN_TEXT = [
    "",
    "hello",
    "lower-back",
    "L4-L5",
    "back pain 3/10",
    "3 points",
    "marathon 5",
    "may",
    "e",
    "2e",
    "t5",
    "BL23",
]


@pytest.mark.parametrize("text", NUMBER_LIKE)
def test_number_like_text_is_guarded(text):
    assert escape_text(text) == "'" + text
    assert unescape_text(escape_text(text)) == text


@pytest.mark.parametrize("text", PLAIN_TEXT)
def test_plain_text_is_stored_as_it_is(text):
    assert escape_text(text) == text


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "'quoted", "＝1+1", "＠x"])
def test_formula_like_text_is_guarded(text):
    assert escape_text(text) == "'" + text


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"[0-9 .,:/%$()+-]{0,8}", fullmatch=True)))
def test_escaping_round_trips_exactly(text):
    field = TextField("notes")
    assert field.from_text(field.to_text(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[ 0-9.,:/%()$€+-]*[0-9][ 0-9.,:/%()$€+-]*", fullmatch=True))
def test_any_text_of_digits_and_number_marks_is_guarded(text):
    assert escape_text(text) == "'" + text


def test_every_free_text_cell_is_guarded(journal):
    """Notes, location, and the user's point and routine texts, through the files."""
    journal.log_session(6, 2, notes="0123", location="1-2")
    journal.log_rating(4, notes="12:30", location="TRUE")
    journal.add_point("KI3", "50%", location="3/4", how="1e5")
    journal.add_routine("evening", ["KI3"], title="9:30 pm", seconds_per_point=30)
    [session] = csv_rows(journal, "sessions.csv")
    [rating] = csv_rows(journal, "ratings.csv")
    [point] = csv_rows(journal, "points.csv")
    [routine] = csv_rows(journal, "routines.csv")
    assert (session["notes"], session["location"]) == ("'0123", "'1-2")
    assert (rating["notes"], rating["location"]) == ("'12:30", "'TRUE")
    assert (point["name"], point["location"], point["how"]) == ("'50%", "'3/4", "'1e5")
    assert routine["title"] == "'9:30 pm"
    # ... and read back exactly.
    assert journal.sessions()[["notes", "location"]].values.tolist() == [["0123", "1-2"]]
    assert journal.ratings()[["notes", "location"]].values.tolist() == [["12:30", "TRUE"]]
    ki3 = journal.catalog.points["KI3"]
    assert (ki3.name, ki3.location, ki3.how) == ("50%", "3/4", "1e5")
    assert journal.catalog.routines["evening"].title == "9:30 pm"


# -- error messages --------------------------------------------------------------------------
def test_a_huge_rejected_value_is_shortened_in_the_message_only(journal):
    notes = "x" * 100_000
    with pytest.raises(InvalidValue) as info:
        journal.log_session(6, 2, notes=notes)
    assert info.value.value == notes  # whole, for programs
    message = str(info.value)
    assert len(message) < 200 and "(100,000 characters)" in message


@pytest.mark.parametrize(
    "value",
    [list(range(1_000_000)), 10**5000, "9" * 5000, b"x" * 100_000],
    ids=["list", "int", "digits", "bytes"],
)
def test_other_huge_values_give_short_messages(value):
    with pytest.raises(InvalidValue) as info:
        IntField("pain").parse(value)
    assert len(str(info.value)) < 200


def test_messages_escape_control_characters():
    with pytest.raises(InvalidValue) as info:
        IntField("pain").parse("\x1b[2J5")
    assert "\x1b" not in str(info.value) and "\\x1b" in str(info.value)


def test_a_rejected_time_shows_iso_text_not_a_python_repr(journal):
    with pytest.raises(InvalidValue) as info:
        journal.log_session(6, 2, started_at=datetime(1969, 7, 20, 20, 17))
    message = str(info.value)
    assert "1969-07-20T20:17:00" in message and "after 1970" in message
    assert "datetime" not in message
    with pytest.raises(InvalidValue) as info:
        journal.log_session(6, 2, started_at=NOW + timedelta(days=3))
    assert "2026-12-04T12:00:00+00:00" in str(info.value) and "datetime" not in str(info.value)


# -- times -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "when",
    [
        "0001-01-01T00:00",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59",
        "9999-12-31T23:59:59-01:00",
        datetime(1, 1, 1),
        datetime(9999, 12, 31, 23, 59),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
        "2300-01-01T00:00:00+00:00",  # beyond what pandas holds
        "1969-12-31T23:59:59+00:00",
    ],
)
def test_times_out_of_range_are_refused_by_name(journal, when):
    with pytest.raises(InvalidValue) as info:
        journal.log_session(6, 2, started_at=when)
    assert info.value.field == "started_at"
    assert "after 1970 and before 2200" in str(info.value)


@pytest.mark.parametrize(
    ("when", "stored"),
    [
        ("2026-11-25T09:30:00Z", "2026-11-25T09:30:00+00:00"),
        ("2026-11-25T09:30+0100", "2026-11-25T09:30:00+01:00"),
        ("2026-11-25T09:30:00.999999+01:00", "2026-11-25T09:30:00+01:00"),
        ("2026-11-25T09:30:00+14:00", "2026-11-25T09:30:00+14:00"),
        ("2026-11-25T09:30:00-12:00", "2026-11-25T09:30:00-12:00"),
        ("2026-11-25T09:30:00+05:45", "2026-11-25T09:30:00+05:45"),
        (pd.Timestamp("2026-11-25 09:30", tz="Asia/Kolkata"), "2026-11-25T09:30:00+05:30"),
    ],
)
def test_offsets_are_stored_as_given(journal, when, stored):
    journal.log_session(6, 2, started_at=when)
    [row] = csv_rows(journal, "sessions.csv")
    assert row["started_at"] == stored
    assert journal.problems().empty


@pytest.mark.parametrize(
    "when",
    [
        "2026-11-25T09:30:00+24:00",
        "2026-11-25T09:30:00+14:30",  # no place uses it
        "2026-11-25T09:30:00-13:00",
        "2026-11-25T09:30:00+01:00:30",  # a CSV cell cannot hold seconds of offset
        datetime(2026, 11, 25, 9, 30, tzinfo=timezone(timedelta(hours=1, seconds=30))),
    ],
)
def test_impossible_offsets_are_refused(journal, when):
    with pytest.raises(InvalidValue) as info:
        journal.log_session(6, 2, started_at=when)
    assert info.value.field == "started_at"
    assert not (journal.path / "sessions.csv").exists()


def test_a_naive_pandas_timestamp_is_local_time(journal):
    session = journal.log_session(6, 2, started_at=pd.Timestamp("2026-11-25 09:30:00.5"))
    expected = datetime(2026, 11, 25, 9, 30).astimezone()
    assert session.started_at == expected
    assert journal.sessions()["started_at"][0] == expected


@pytest.mark.parametrize("missing", [pd.NaT, np.datetime64("NaT")])
def test_a_missing_time_is_refused_plainly(missing):
    with pytest.raises(InvalidValue) as info:
        TimeField("started_at").parse(missing)
    assert "a value is required" in str(info.value) or "ISO 8601" in str(info.value)


@pytest.fixture
def berlin():
    """The computer's clock in Europe/Berlin for one test (TZ and tzset, then restored)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available here")
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        if time.tzname != ("CET", "CEST"):
            pytest.skip("no time zone data for Europe/Berlin")
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


# Daylight saving in Europe/Berlin: 02:00 -> 03:00 on 29 March 2026, 03:00 -> 02:00 on 25
# October 2026. The rule (README, "Times and daylight saving"): an API call takes the first
# of a time shown twice and moves a skipped time forward by the gap; the command line and
# the forms refuse both and name both readings.
GAP, GAP_FORWARD, GAP_BACK = "2026-03-29 02:30", "2026-03-29T03:30+02:00", "2026-03-29T01:30+01:00"
TWICE, FIRST, SECOND = "2026-10-25 02:30", "2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00"


def stored(reading: str) -> str:
    """A reading as the journal's files hold it, with seconds."""
    return datetime.fromisoformat(reading).isoformat()


def test_an_api_time_the_clocks_skipped_is_moved_forward_by_the_gap(berlin, journal):
    session = journal.log_session(6, 2, started_at=GAP)
    assert session.started_at.isoformat() == "2026-03-29T03:30:00+02:00"
    journal.log_session(6, 2, started_at=datetime(2026, 3, 29, 2, 30))
    journal.log_session(6, 2, started_at=datetime(2026, 3, 29, 2, 30, fold=1))  # the other
    # With its offset the same wall-clock time is a time that existed: it is stored as said.
    journal.log_session(6, 2, started_at="2026-03-29T03:30+02:00")
    journal.log_session(6, 2, started_at="2026-03-29 01:59")
    journal.log_session(6, 2, started_at="2026-03-29 03:00")
    rows = [r["started_at"] for r in csv_rows(journal, "sessions.csv")]
    assert rows == [
        "2026-03-29T03:30:00+02:00",
        "2026-03-29T03:30:00+02:00",
        "2026-03-29T01:30:00+01:00",
        "2026-03-29T03:30:00+02:00",
        "2026-03-29T01:59:00+01:00",
        "2026-03-29T03:00:00+02:00",
    ]
    rating = journal.log_rating(3, rated_at=GAP)
    assert journal.correct(rating.id, rated_at="2026-03-29 02:45").rated_at.isoformat() == (
        "2026-03-29T03:45:00+02:00"
    )


def test_an_api_time_the_clocks_showed_twice_is_the_first(berlin, journal):
    journal.log_session(6, 2, started_at=TWICE)
    journal.log_session(6, 2, started_at=datetime(2026, 10, 25, 2, 30, fold=1))
    journal.log_session(6, 2, started_at="2026-10-25T02:30+01:00")
    rows = [r["started_at"] for r in csv_rows(journal, "sessions.csv")]
    assert rows == [
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:30:00+01:00",
        "2026-10-25T02:30:00+01:00",
    ]
    assert journal.log_rating(3, rated_at=TWICE).rated_at.isoformat() == stored(FIRST)


def test_a_zoned_time_that_did_not_exist_is_moved_forward():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Berlin")
    field = TimeField("started_at")
    assert field.parse(datetime(2026, 3, 29, 2, 30, tzinfo=zone)).isoformat() == (
        stored(GAP_FORWARD)
    )
    assert field.parse(datetime(2026, 10, 25, 2, 30, tzinfo=zone)).isoformat() == stored(FIRST)


@pytest.mark.parametrize(
    ("text", "now", "readings"),
    [
        (GAP, "2026-11-26T10:00+01:00", (GAP_FORWARD, GAP_BACK)),
        ("today 02:30", "2026-03-29T10:00+02:00", (GAP_FORWARD, GAP_BACK)),
        ("02:30", "2026-03-29T10:00+02:00", (GAP_FORWARD, GAP_BACK)),
        (TWICE, "2026-11-26T10:00+01:00", (FIRST, SECOND)),
        ("yesterday 02:30", "2026-10-26T10:00+01:00", (FIRST, SECOND)),
    ],
)
def test_at_refuses_a_time_skipped_or_shown_twice_naming_both_readings(berlin, text, now, readings):
    from acutrack.cli import _time

    with pytest.raises(InvalidValue) as info:
        _time(text, datetime.fromisoformat(now))
    said = str(info.value)
    assert info.value.field == "at"
    assert all(reading in said for reading in readings), said
    assert ("1 hour later" in said) == (readings[0] == GAP_FORWARD)


@pytest.mark.parametrize(
    ("text", "readings"), [(GAP, (GAP_FORWARD, GAP_BACK)), (TWICE, (FIRST, SECOND))]
)
def test_rate_at_such_a_time_writes_nothing_and_says_both(
    berlin, journal, monkeypatch, capsys, text, readings
):
    from acutrack.cli import main

    monkeypatch.setenv("ACUTRACK_TEST_NOW", NOW.isoformat())
    assert main(["--journal", str(journal.path), "rate", "4", "--at", text]) == 2
    said = capsys.readouterr().err
    assert len(said.strip().splitlines()) == 1
    assert all(reading in said for reading in readings), said
    assert not (journal.path / "ratings.csv").exists()
    assert main(["--journal", str(journal.path), "rate", "4", "--at", readings[1]]) == 0
    assert [r["rated_at"] for r in csv_rows(journal, "ratings.csv")] == [stored(readings[1])]


@pytest.mark.parametrize(
    ("wall", "readings"),
    [
        (datetime(2026, 3, 29, 2, 30), (GAP_FORWARD, GAP_BACK)),
        (datetime(2026, 10, 25, 2, 30), (FIRST, SECOND)),
    ],
)
@pytest.mark.parametrize("kind", ["session", "check-in"])
def test_a_form_refuses_such_a_time_before_the_journal_and_offers_both(
    berlin, journal, monkeypatch, wall, readings, kind
):
    if kind == "session":
        form, file, column = SessionForm(journal), "sessions.csv", "started_at"
        form.before.value, form.after.value = 6, 3
    else:
        form, file, column = CheckInForm(journal), "ratings.csv", "rated_at"
        form.pain.value = 4
    form.when.choice.value = "earlier"
    form.when.at.value = wall
    assert form.when.reading.layout.display == "none"
    form.save.click()
    said = form.feedback.value
    assert "acutrack-error" in said and all(reading in said for reading in readings), said
    assert not (journal.path / file).exists()  # refused before the journal, which would take it
    offered = [moment.isoformat(timespec="minutes") for _, moment in form.when.reading.options]
    assert offered == list(readings) and form.when.reading.layout.display == ""
    form.when.reading.value = form.when.reading.options[1][1]  # the one the API would not take
    form.save.click()
    assert "acutrack-ok" in form.feedback.value, form.feedback.value
    assert [r[column] for r in csv_rows(journal, file)] == [stored(readings[1])]
    assert form.when.reading.layout.display == "none" and form.when.value is None


def test_choosing_another_time_forgets_the_readings_offered(berlin, journal):
    form = SessionForm(journal)
    form.before.value, form.after.value = 6, 3
    form.when.choice.value = "earlier"
    form.when.at.value = datetime(2026, 10, 25, 2, 30)
    form.save.click()
    form.when.reading.value = form.when.reading.options[1][1]
    form.when.at.value = datetime(2026, 10, 25, 4, 0)  # changed its mind: an ordinary time
    assert form.when.reading.layout.display == "none" and form.when.reading.value is None
    form.save.click()
    assert [r["started_at"] for r in csv_rows(journal, "sessions.csv")] == [
        "2026-10-25T04:00:00+01:00"
    ]


HOSTILE_ISO = r"(19[6-9]\d|2[0-3]\d\d)-[01]\d-[0-3]\dT[0-2]\d:[0-6]\d:[0-6]\d[+-][0-2]\d:[0-6]\d"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(HOSTILE_ISO, fullmatch=True), min_size=1, max_size=20))
@pytest.mark.slow
def test_fast_time_reader_refuses_what_the_careful_one_does(cells):
    """Years up to 2399 and offsets up to ±29:69: both readers take and refuse the same."""
    field = TimeField("t")
    utc, local, whys = field.read(cells)
    for i, cell in enumerate(cells):
        try:
            value = field.from_text(cell)
        except InvalidValue as err:
            assert whys[i] == err.allowed
            continue
        assert whys[i] == ""
        assert utc[i] == value
        assert local[i] == value.replace(tzinfo=None)


# -- numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "minutes"),
    [("2.5", 2.5), ("10", 10), (" 3 ", 3), (".5", 0.5), (2.5, 2.5), (np.float64(4), 4.0),
     (np.int64(7), 7.0), (1 / 60, 0.0166667), (2.123456789, 2.12346)],
)  # fmt: skip
def test_minutes_as_people_write_them(given, minutes):
    field = PositiveField("duration_min")
    assert field.parse(given) == minutes
    assert field.from_text(field.to_text(field.parse(given))) == minutes  # stored as read


@pytest.mark.parametrize(
    "given",
    ["1_0", "1e-300", "1e2", "inf", "nan", "0x10", "2,5", "٥", "1/2", "0", "-1", "0.0166",
     1e-300, float("inf"), float("nan"), True, 0, 601, "600.1"],
)  # fmt: skip
def test_minutes_in_other_spellings_or_too_small_are_refused(journal, given):
    with pytest.raises(InvalidValue) as info:
        journal.log_session(6, 2, duration_min=given)
    assert info.value.field == "duration_min"


@pytest.mark.parametrize(("given", "pain"), [("5", 5), (" 5 ", 5), ("+5", 5), ("007", 7),
                                             (np.int64(5), 5), (5, 5)])  # fmt: skip
def test_whole_numbers_as_people_and_pandas_write_them(given, pain):
    assert IntField("pain").parse(given) == pain


@pytest.mark.parametrize("given", ["1_0", "٥", "5.0", 5.0, "0x5", "5e0", True, "", "five"])
def test_whole_numbers_in_other_spellings_are_refused(journal, given):
    with pytest.raises(InvalidValue) as info:
        journal.log_session(given, 2)
    assert info.value.field == "pain_before"


# -- catalog ---------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["bl23", "Bl23", "YINTANG", "sh-lb"])
def test_a_code_differing_from_a_built_in_only_in_case_is_refused(journal, code):
    with pytest.raises(InvalidValue) as info:
        journal.add_point(code, "look-alike")
    assert info.value.field == "code"
    assert not (journal.path / "points.csv").exists()


def test_a_hand_edited_look_alike_of_a_built_in_is_reported(journal):
    journal.path.mkdir()
    (journal.path / "points.csv").write_text("code,name,location,how\nbl23,mine,,\n")
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [[2, "code"]]
    assert journal.catalog.points["BL23"].name == "Shenshu"
    assert "bl23" not in journal.catalog.points


def test_user_codes_differing_only_in_case_are_one_point(journal):
    journal.add_point("KI3", "Taixi")
    journal.add_point("ki3", "Taixi, again")
    codes = [c for c in journal.catalog.points if c.casefold() == "ki3"]
    assert codes == ["KI3"]
    assert journal.catalog.points["KI3"].name == "Taixi, again"
    session = journal.log_session(5, 3, routine="custom", points="ki3", duration_min=2)
    assert session.points == ("KI3",)


def test_a_catalog_never_holds_two_codes_equal_but_for_case():
    catalog = Catalog(points={**Catalog().points, "KI3": at.Point("KI3", "a", "", "")}
                      | {"ki3": at.Point("ki3", "b", "", "")})  # fmt: skip
    assert [c for c in catalog.points if c.casefold() == "ki3"] == ["KI3"]
    assert catalog.points["KI3"] == at.Point("KI3", "b", "", "")


def test_routine_keys_match_in_any_case():
    assert Catalog().routine(" Back ").key == "back"


@pytest.mark.parametrize("seconds", [0.1, 0.5, "0.9", 1e-300])
def test_a_routine_too_short_to_log_is_refused_when_defined(journal, seconds):
    with pytest.raises(InvalidValue) as info:
        journal.add_routine("blink", ["BL23"], seconds_per_point=seconds)
    assert info.value.field == "seconds_per_point"
    assert not (journal.path / "routines.csv").exists()


def test_the_shortest_routine_can_be_logged(journal):
    journal.add_routine("blink", ["BL23"], seconds_per_point=1)
    session = journal.log_session(5, 4, routine="blink")
    assert session.duration_min == 0.02


def test_a_routine_too_long_to_log_is_refused():
    spec = routine_spec(Catalog())
    given = ["long", "", "BL23 BL52 GB30", 3600, 100, None]
    values = {f.name: f.parse(v) for f, v in zip(spec.fields, given, strict=True)}
    with pytest.raises(InvalidValue) as info:
        check_routine(values)
    assert info.value.field == "seconds_per_point" and "18000 minutes" in str(info.value)
    check_routine(values | {"rounds": 3})  # 3 × 3600 s × 3 = 540 minutes


# -- forms -----------------------------------------------------------------------------------
def test_correction_form_sends_only_what_the_person_changed(journal, elsewhere):
    session = journal.log_session(6, 3, notes="first")
    form = CorrectionForm(journal)
    assert form.entry.value == session.id
    elsewhere.correct(session.id, pain_after=1)  # another program, meanwhile
    form.notes.value = "better by evening"
    form.save.click()
    assert "changed: notes" in form.feedback.value and "pain_after" not in form.feedback.value
    [row] = journal.sessions()[["pain_after", "notes"]].values.tolist()
    assert row == [1, "better by evening"]
    assert (form.pain_after.value, form.notes.value) == (1, "better by evening")  # reloaded


def test_correction_form_after_the_entry_was_deleted_elsewhere(journal, elsewhere):
    older = journal.log_session(5, 4)
    session = journal.log_session(6, 3)
    form = CorrectionForm(journal)
    elsewhere.delete(session.id)
    form.notes.value = "too late"
    form.save.click()
    assert "acutrack-error" in form.feedback.value and "no longer" in form.feedback.value
    assert [value for _, value in form.entry.options] == [older.id]  # listed again
    assert form.entry.value == older.id
    assert [r["action"] for r in csv_rows(journal, "sessions.csv")] == ["add", "add", "delete"]


def test_correction_form_delete_after_the_entry_was_deleted_elsewhere(journal, elsewhere):
    session = journal.log_session(6, 3)
    form = CorrectionForm(journal)
    elsewhere.delete(session.id)
    form.confirm_delete.value = True
    form.delete.click()
    assert "no longer" in form.feedback.value and form.entry.value is None


def test_correction_form_choosing_an_entry_deleted_elsewhere(journal, elsewhere):
    first = journal.log_session(5, 4)
    second = journal.log_session(6, 3)
    form = CorrectionForm(journal)
    elsewhere.delete(first.id)
    form.entry.value = first.id  # still listed in the form
    assert "no longer" in form.feedback.value
    assert form.entry.value == second.id


def timeout(*args, **kwargs):
    raise Timeout("/journal/.sessions.csv.lock")


def journal_error(*args, **kwargs):
    raise JournalError("cannot write to /journal: another program held its lock for 30 s")


@pytest.mark.parametrize("fail", [timeout, journal_error])
def test_every_form_shows_a_lock_timeout(journal, monkeypatch, fail):
    journal.log_session(6, 3)
    for name in ("log_session", "log_rating", "correct", "delete"):
        monkeypatch.setattr(journal, name, fail)
    correction = CorrectionForm(journal)
    correction.notes.value = "changed"
    correction.confirm_delete.value = True
    guided = GuidedSession(journal, clock=lambda: 0.0, timer=False)
    guided.start_button.click()
    guided.pressed[guided.steps[0].code] = 5.0  # as if pressed for five seconds
    guided.stop_button.click()
    session, check_in = SessionForm(journal), CheckInForm(journal)
    # Pain chosen, so that each form gets as far as the journal, which fails.
    session.before.value, session.after.value = 6, 3
    guided.before.value, guided.after.value = 6, 3
    check_in.pain.value = 4
    for form, button in [
        (session, "save"),
        (check_in, "save"),
        (correction, "save"),
        (correction, "delete"),
        (guided, "save"),
    ]:
        form.feedback.value = ""
        getattr(form, button).click()
        assert "acutrack-error" in form.feedback.value, (form, button)
        assert "Choose pain" not in form.feedback.value, (form, button)
    assert len(csv_rows(journal, "sessions.csv")) == 1


def test_guided_session_stopped_before_any_point(journal):
    guided = GuidedSession(journal, clock=lambda: 0.0, timer=False)
    guided.start_button.click()
    guided.stop_button.click()
    assert guided.phase == "finished"
    assert "no session to save" in guided.summary.value
    assert guided.rate_box.layout.display == "none"  # nothing to rate or save
    guided.save.click()
    assert "acutrack-error" in guided.feedback.value
    assert "points" not in guided.feedback.value and "[]" not in guided.feedback.value
    guided.discard.click()
    assert guided.phase == "setup" and "nothing was saved" in guided.feedback.value
    assert not (journal.path / "sessions.csv").exists()


def test_guided_session_can_be_discarded_after_pressing(journal):
    clock = [0.0]
    guided = GuidedSession(journal, clock=lambda: clock[0], timer=False)
    guided.start_button.click()
    clock[0] = 3.0
    guided.stop_button.click()
    assert "Done" in guided.summary.value and guided.rate_box.layout.display == ""
    guided.discard.click()
    assert guided.phase == "setup" and not (journal.path / "sessions.csv").exists()


def test_a_time_set_by_correct_follows_the_rule_of_at(berlin, journal, monkeypatch, capsys):
    from acutrack.cli import main

    taken = journal.log_medication("ibuprofen", 200, "mg", taken_at=NOW - timedelta(days=3))
    before = (journal.path / "medications.csv").read_bytes()
    monkeypatch.setenv("ACUTRACK_TEST_NOW", NOW.isoformat())
    args = ["--journal", str(journal.path), "correct", taken.id, "--set", f"taken_at={TWICE}"]
    assert main(args) == 2
    said = capsys.readouterr().err
    assert FIRST in said and SECOND in said
    assert (journal.path / "medications.csv").read_bytes() == before
