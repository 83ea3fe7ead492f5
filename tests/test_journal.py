from __future__ import annotations

import csv
import json
import math
import os
import stat
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acutrack as at

CET = timezone(timedelta(hours=1))


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_session_round_trip(journal):
    s = journal.log_session(
        pain_before=6,
        pain_after=3,
        routine="back",
        started_at=datetime(2026, 11, 25, 9, 30, tzinfo=CET),
        location="buttock-leg",
        notes="felt warm",
    )
    table = journal.sessions()
    assert len(table) == 1
    got = table.iloc[0]
    assert got["id"] == s.id and s.id.startswith("s-")
    assert got["started_at"] == pd.Timestamp("2026-11-25T08:30:00Z")
    assert got["local_time"] == pd.Timestamp("2026-11-25T09:30:00")
    assert got["points"] == ("BL23", "BL52", "GB30", "CV4", "BL57")
    assert got["condition"] == "real" and got["routine"] == "back"
    assert got["duration_min"] == pytest.approx(2.5)  # 5 points x 5 s x 6 rounds
    assert (got["pain_before"], got["pain_after"]) == (6, 3)
    assert (got["location"], got["notes"]) == ("buttock-leg", "felt warm")
    assert table["pain_before"].dtype == "int64"
    assert isinstance(table["condition"].dtype, pd.CategoricalDtype)
    assert str(table["started_at"].dt.tz) == "UTC"
    assert rows(journal.path / "sessions.csv")[0]["started_at"] == "2026-11-25T09:30:00+01:00"


def test_rating_round_trip(journal):
    s = journal.log_session(5, 4, routine="stress")
    r = journal.log_rating(3, session_id=s.id, stress=7, location="neck", notes="2 h later")
    table = journal.ratings()
    assert list(table["id"]) == [r.id]
    got = table.iloc[0]
    assert (got["pain"], got["stress"], got["session_id"]) == (3, 7, s.id)
    assert (got["location"], got["notes"]) == ("neck", "2 h later")
    plain = journal.log_rating(2)
    assert pd.isna(journal.ratings().set_index("id").loc[plain.id, "stress"])
    assert journal.problems().empty


def test_routine_fills_points_minutes_and_condition(journal):
    s = journal.log_session(4, 4, routine="stress-sham")
    assert s.condition == "sham"
    assert s.points == ("SH-ARM", "SH-TEMPLE", "SH-CHEST")
    assert s.duration_min == 9  # three points, three minutes each
    c = journal.log_session(5, 2, routine="custom", points="bl23; gb30", duration_min=4)
    assert c.points == ("BL23", "GB30")


def test_naive_time_is_taken_as_local(journal):
    naive = datetime(2026, 11, 20, 8, 0)
    s = journal.log_session(5, 3, started_at=naive)
    assert s.started_at == naive.astimezone()
    assert s.started_at.utcoffset() is not None


NOW = datetime.now(UTC)
BAD_SESSIONS = [
    ("pain_before", {"pain_before": 11}),
    ("pain_before", {"pain_before": -1}),
    ("pain_before", {"pain_before": 7.5}),
    ("pain_before", {"pain_before": "seven"}),
    ("pain_before", {"pain_before": None}),
    ("pain_before", {"pain_before": math.nan}),
    ("pain_after", {"pain_after": True}),
    ("pain_after", {"pain_after": 42}),
    ("condition", {"condition": "placebo"}),
    ("condition", {"routine": "back-sham", "condition": "real"}),
    ("duration_min", {"duration_min": 0}),
    ("duration_min", {"duration_min": -5}),
    ("duration_min", {"duration_min": "long"}),
    ("duration_min", {"duration_min": math.nan}),
    ("duration_min", {"routine": "custom", "points": ["BL23"]}),
    ("started_at", {"started_at": NOW + timedelta(days=3)}),
    ("started_at", {"started_at": "yesterday"}),
    ("started_at", {"started_at": datetime(1900, 1, 1, tzinfo=UTC)}),
    ("started_at", {"started_at": 1700000000}),
    ("routine", {"routine": "yoga"}),
    ("routine", {"routine": ""}),
    ("points", {"points": ["BL99"]}),
    ("points", {"points": []}),
    ("points", {"points": ["BL23", "bl23"]}),
    ("points", {"routine": "custom"}),
    ("location", {"location": 5}),
    ("notes", {"notes": 123}),
    ("notes", {"notes": "bad \udc80 byte"}),
]


@pytest.mark.parametrize(("field", "change"), BAD_SESSIONS)
def test_bad_session_input_names_the_field(journal, field, change):
    args = {"pain_before": 6, "pain_after": 3} | change
    with pytest.raises(ValueError, match=field) as info:
        journal.log_session(**args)
    err = info.value
    assert isinstance(err, at.InvalidValue)
    assert err.field == field
    assert "expected" in str(err)
    assert not (journal.path / "sessions.csv").exists()


BAD_RATINGS = [
    ("pain", {"pain": 11}),
    ("pain", {"pain": "7.5"}),
    ("stress", {"stress": 11}),
    ("session_id", {"session_id": "not an id"}),
    ("rated_at", {"rated_at": "2026-13-01T00:00"}),
]


@pytest.mark.parametrize(("field", "change"), BAD_RATINGS)
def test_bad_rating_input_names_the_field(journal, field, change):
    with pytest.raises(at.InvalidValue, match=field) as info:
        journal.log_rating(**({"pain": 4} | change))
    assert info.value.field == field
    assert repr(info.value.value) in str(info.value) or field == "rated_at"
    assert not (journal.path / "ratings.csv").exists()


def test_error_message_shows_value_and_what_is_allowed(journal):
    with pytest.raises(at.InvalidValue) as info:
        journal.log_session(pain_before=11, pain_after=3)
    assert str(info.value) == (
        "pain_before: 11 is not allowed; expected a whole number from 0 to 10"
    )


TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)


@settings(max_examples=60, deadline=None)
@given(note=TEXT, location=TEXT)
@pytest.mark.slow
def test_any_note_round_trips_and_is_never_a_formula(note, location):
    with tempfile.TemporaryDirectory() as folder:
        j = at.Journal(folder)
        s = j.log_session(5, 3, notes=note, location=location)
        r = j.log_rating(4, notes=note, location=location)
        table = j.sessions()
        assert table["notes"].iloc[0] == note
        assert table["location"].iloc[0] == location
        assert j.ratings()["notes"].iloc[0] == note
        for name in ("sessions.csv", "ratings.csv"):
            for row in rows(Path(folder) / name):
                for column in ("notes", "location"):
                    assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r"))
        # A correction carries the note over unchanged.
        assert j.correct(s.id, pain_after=2).notes == note
        assert j.sessions()["notes"].iloc[0] == note
        assert j.correct(r.id, pain=1).notes == note


@pytest.mark.parametrize("note", ["=SUM(A1:A9)", "+1", "-2 points", "@cmd", "'quoted", "''"])
def test_formula_like_notes_are_guarded_but_exact(journal, note):
    journal.log_session(5, 3, notes=note)
    cell = rows(journal.path / "sessions.csv")[0]["notes"]
    assert cell == "'" + note
    assert journal.sessions()["notes"].iloc[0] == note


def test_correct_appends_and_latest_wins(journal):
    s = journal.log_session(6, 3, notes="first")
    fixed = journal.correct(s.id, pain_after=4, notes="fixed")
    assert (fixed.pain_after, fixed.notes, fixed.id) == (4, "fixed", s.id)
    table = journal.sessions()
    assert len(table) == 1 and table["pain_after"].iloc[0] == 4
    history = rows(journal.path / "sessions.csv")
    assert [r["action"] for r in history] == ["add", "correct"]
    assert [r["pain_after"] for r in history] == ["3", "4"]


def test_correct_rejects_bad_values_and_unknown_ids(journal):
    s = journal.log_session(6, 3)
    before = (journal.path / "sessions.csv").read_bytes()
    with pytest.raises(at.InvalidValue, match="pain_after"):
        journal.correct(s.id, pain_after=12)
    with pytest.raises(at.InvalidValue, match="colour"):
        journal.correct(s.id, colour="red")
    with pytest.raises(at.InvalidValue, match="id"):
        journal.correct("s-0000000000", pain_after=2)
    assert (journal.path / "sessions.csv").read_bytes() == before


def test_delete_appends_a_tombstone(journal):
    keep = journal.log_session(6, 3)
    gone = journal.log_session(7, 2)
    r = journal.log_rating(5)
    journal.delete(gone.id)
    journal.delete(r.id)
    assert list(journal.sessions()["id"]) == [keep.id]
    assert journal.ratings().empty
    assert [x["action"] for x in rows(journal.path / "sessions.csv")] == ["add", "add", "delete"]
    with pytest.raises(at.InvalidValue, match="deleted"):
        journal.correct(gone.id, pain_after=1)


@pytest.mark.skipif(os.name == "nt", reason="Windows keeps files private by access lists")
def test_new_journal_is_private(journal):
    journal.log_session(5, 4)
    journal.log_rating(3)
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o700
    for path in journal.path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_schema_version_is_recorded_and_newer_refused(journal):
    journal.log_rating(3)
    meta = json.loads((journal.path / "journal.json").read_text())
    assert meta["schema_version"] == 1
    (journal.path / "journal.json").write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(at.JournalError, match="newer acutrack"):
        journal.ratings()
    with pytest.raises(at.JournalError, match="newer acutrack"):
        journal.log_rating(2)


def test_read_only_journal_refuses_writes(tmp_path):
    j = at.Journal(tmp_path, read_only=True)
    with pytest.raises(at.JournalError, match="read-only"):
        j.log_session(5, 3)
    assert not (tmp_path / "sessions.csv").exists()


def test_a_failed_write_is_a_clear_error_and_writes_nothing(journal, monkeypatch):
    journal.log_rating(3)
    before = (journal.path / "ratings.csv").read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # Tests run as root on CI, where chmod cannot make a folder read-only.
    monkeypatch.setattr("acutrack.csvstore.os.open", refuse)
    with pytest.raises(at.JournalError, match=r"cannot write .*Permission denied"):
        journal.log_rating(2)
    monkeypatch.undo()
    assert (journal.path / "ratings.csv").read_bytes() == before


def test_default_journal_follows_acutrack_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ACUTRACK_HOME", str(tmp_path / "mine"))
    assert at.Journal.default().path == tmp_path / "mine"
    monkeypatch.delenv("ACUTRACK_HOME")
    assert at.Journal.default().path == Path.home() / "acutrack"


def test_log_many_validates_every_entry_and_writes_once(journal):
    entries = [
        {"pain_before": 6, "pain_after": 3, "started_at": "2026-11-20T08:00:00+01:00"},
        {"pain_before": 5, "pain_after": 5, "routine": "stress", "id": "s-given00001"},
    ]
    assert journal.log_many("sessions", entries) == 2
    table = journal.sessions()
    assert table["routine"].tolist() == ["back", "stress"] and "s-given00001" in set(table["id"])
    with pytest.raises(at.InvalidValue, match="pain"):
        journal.log_many("ratings", [{"pain": 4}, {"pain": 11}])
    assert not (journal.path / "ratings.csv").exists()  # one bad entry stops the whole write
    with pytest.raises(at.InvalidValue, match="kind"):
        journal.log_many("points", [])


def test_the_catalog_is_read_again_only_when_its_files_change(journal, monkeypatch):
    from acutrack.journal import own_catalog as journal_module  # where the catalog is read

    journal.add_point("KI3", "Taixi")
    reads = []
    real = journal_module.read_rows

    def counting(path, spec):
        reads.append(path.name)
        return real(path, spec)

    monkeypatch.setattr(journal_module, "read_rows", counting)
    assert "KI3" in journal.catalog.points
    journal.log_session(6, 3)
    journal.log_session(5, 3, routine="stress")
    assert reads.count("points.csv") == 1 and reads.count("routines.csv") == 1
    journal.add_point("KI6", "Zhaohai")
    assert "KI6" in journal.catalog.points  # the file changed: read again


def test_a_correction_checks_only_the_fields_it_sets_against_the_clock(tmp_path):
    from datetime import datetime, timedelta

    now = [datetime(2026, 6, 10, 9, tzinfo=UTC)]
    journal = at.Journal(tmp_path, clock=lambda: now[0])
    session = journal.log_session(6, 3)
    now[0] -= timedelta(days=3)  # the computer's clock went back
    assert journal.correct(session.id, notes="felt warm").notes == "felt warm"
    with pytest.raises(at.InvalidValue, match="started_at"):
        journal.correct(session.id, started_at=now[0] + timedelta(days=2))


def _shuffled_rows(path, seed: int) -> None:
    """The file's data rows in another order, as sorting by a column in a spreadsheet does."""
    import random

    header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(seed).shuffle(rows)
    path.write_text(header + "".join(rows), encoding="utf-8")


@pytest.mark.parametrize("behind", [timedelta(0), timedelta(hours=3)])
def test_versions_recorded_in_one_second_or_with_the_clock_back_keep_their_order(tmp_path, behind):
    now = [datetime(2026, 6, 10, 9, 0, 0, 250_000, tzinfo=UTC)]
    journal = at.Journal(tmp_path, clock=lambda: now[0])
    session = journal.log_session(6, 3)
    journal.correct(session.id, pain_after=4)
    now[0] -= behind  # the same second, or the clock put back
    journal.correct(session.id, pain_after=5)
    rows = pd.read_csv(tmp_path / "sessions.csv", dtype=str)
    stamps = pd.to_datetime(rows["recorded_at"]).tolist()
    assert stamps[0] < stamps[1] < stamps[2]  # strictly increasing, whatever the clock
    for seed in range(6):
        _shuffled_rows(tmp_path / "sessions.csv", seed)
        assert journal.sessions()["pain_after"].tolist() == [5]
    assert journal.problems().empty


def test_validate_reports_versions_that_only_their_position_orders(tmp_path):
    journal = at.Journal(tmp_path, clock=lambda: datetime(2026, 6, 1, 9, tzinfo=UTC))
    rating = journal.log_rating(4)
    journal.correct(rating.id, pain=6)
    path = tmp_path / "ratings.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count("2026-06-01T09:00:01+00:00") == 1  # the correction, a second later
    path.write_text(text.replace("09:00:01+00:00", "09:00:00+00:00"), encoding="utf-8")
    assert journal.ratings()["pain"].tolist() == [6]  # position decides, without a warning
    problems = journal.problems()
    assert problems[["file", "line", "field"]].values.tolist() == [
        ["ratings.csv", 3, "recorded_at"]
    ]
    assert "line 2" in problems["why"].iloc[0] and "sorting" in problems["why"].iloc[0]


def test_the_answers_old_home_still_works_with_a_warning():
    from acutrack import answers, records

    with pytest.warns(DeprecationWarning, match="acutrack.answers.Screen"):
        assert records.Screen is answers.Screen


def test_renamed_names_still_work_for_a_release_with_a_warning(journal):
    from acutrack import analysis
    from acutrack.app import page

    with pytest.warns(DeprecationWarning, match="sessions_and_ratings"):
        sessions, ratings = journal.entries()
    assert sessions.empty and ratings.empty
    with pytest.warns(DeprecationWarning, match="PgicSummary"):
        assert analysis.Pgic is analysis.PgicSummary
    with pytest.warns(DeprecationWarning, match="TwoWeeksChart"):
        assert page.TwoWeeks is page.TwoWeeksChart
    with pytest.warns(DeprecationWarning, match="importing.import_file"):
        sheet = journal.path.parent / "sheet.csv"
        sheet.write_text("when,pain\n2026-06-01 09:00,4\n", encoding="utf-8")
        assert len(journal.import_file("csv", sheet, mapping="time=when,pain=pain").added) == 1
