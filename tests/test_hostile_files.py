"""Hostile and careless files: notes that look like rows, spreadsheet edits, odd folders.

Each test here failed before the fix it guards (issue 10 of the tracker).
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

import acutrack as at
from acutrack.tables import session_spec

FORGED = "s-0123456789,2026-11-20T09:30:00+01:00,back,BL23,real,1,9,0,neck,fake"


def _data_lines(path):
    header, *rows = path.read_text().splitlines(keepends=True)
    return header, rows


def test_a_note_cannot_forge_a_row(journal):
    real = journal.log_session(6, 2, notes="diary:\n" + FORGED)
    table = journal.sessions()
    assert table["id"].tolist() == [real.id]
    assert table["notes"].iloc[0].startswith("diary:\ns-0123456789")
    assert journal.problems().empty


def test_a_torn_note_at_the_end_is_never_read_as_rows(journal):
    """A writer killed inside a quoted note: what follows in the note stays inside it."""
    first = journal.log_session(6, 2)
    path = journal.path / "sessions.csv"
    with path.open("a") as fh:
        fh.write(
            f's-torn000001,2026-11-20T08:00:00+00:00,back,BL23,real,3,6,2,neck,"x\n{FORGED},,\n'
        )
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [[3, ""]]
    assert "3–4" in problems["why"].iloc[0]
    with pytest.warns(at.JournalWarning):
        assert journal.sessions()["id"].tolist() == [first.id]
    # The next append closes the torn quote, so its row and later ones are read again.
    second = journal.log_session(5, 4, notes='a "quoted" note')
    third = journal.log_session(5, 3)
    with pytest.warns(at.JournalWarning):
        assert journal.sessions()["id"].tolist() == [first.id, second.id, third.id]
    assert len(journal.problems()) == 1


def test_a_torn_row_outside_quotes_is_ended_before_the_next(journal):
    journal.log_session(6, 2)
    path = journal.path / "sessions.csv"
    with path.open("a") as fh:
        fh.write("s-torn000002,2026-11-20T08:00:00+00:00,back,BL2")
    later = journal.log_session(5, 4)
    with pytest.warns(at.JournalWarning):
        assert later.id in set(journal.sessions()["id"])


def _journal_with_history(journal):
    """Three sessions: one corrected twice, one deleted, one untouched."""
    a = journal.log_session(6, 3)
    b = journal.log_session(5, 5)
    c = journal.log_session(7, 2)
    journal.correct(a.id, pain_after=2)
    journal.correct(a.id, notes="second thoughts")
    journal.delete(b.id)
    return a, b, c


def test_resorting_rows_changes_nothing(tmp_path):
    clock = iter(pd.date_range("2026-11-20 08:00", periods=50, freq="min", tz="UTC"))
    journal = at.Journal(tmp_path / "j", clock=lambda: next(clock).to_pydatetime())
    a, b, _ = _journal_with_history(journal)
    before = journal.sessions()
    path = journal.path / "sessions.csv"
    header, rows = _data_lines(path)
    path.write_text(header + "".join(reversed(rows)))  # a spreadsheet sorted newest first
    after = journal.sessions()
    pd.testing.assert_frame_equal(before, after)
    assert after.set_index("id").loc[a.id, "pain_after"] == 2
    assert b.id not in set(after["id"])
    assert journal.problems().empty


def test_a_correction_wins_although_the_clock_went_back(tmp_path):
    now = [pd.Timestamp("2026-11-20T10:00:00+00:00").to_pydatetime()]
    journal = at.Journal(tmp_path / "j", clock=lambda: now[0])
    s = journal.log_session(6, 3, started_at="2026-11-20T08:00:00+00:00")
    now[0] -= pd.Timedelta(hours=1)  # the computer's clock is set back
    journal.correct(s.id, pain_after=1)
    assert journal.sessions()["pain_after"].tolist() == [1]


def test_without_the_action_column_versions_are_withheld_and_reported(journal):
    a, b, c = _journal_with_history(journal)
    path = journal.path / "sessions.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.drop(columns="action").to_csv(path, index=False)
    problems = journal.problems()
    assert set(problems["value"]) == {a.id, b.id}
    assert all("action" in why for why in problems["why"])
    with pytest.warns(at.JournalWarning):
        assert journal.sessions()["id"].tolist() == [c.id]  # b is never brought back


@pytest.mark.parametrize("column", ["notes", "location", "session_id"])
def test_a_removed_or_renamed_column_is_reported(journal, column):
    s = journal.log_session(6, 3, notes="kept", location="neck")
    journal.log_rating(4, session_id=s.id)
    spec = "ratings" if column == "session_id" else "sessions"
    path = journal.path / f"{spec}.csv"
    text = path.read_text()
    path.write_text(text.replace(column, column.title(), 1))
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [[1, column]]
    assert column.title() in problems["why"].iloc[0]  # the renamed column is named


def test_a_routine_hand_set_to_the_other_condition_is_reported(journal):
    journal.log_session(6, 3, routine="back")
    path = journal.path / "sessions.csv"
    path.write_text(path.read_text().replace(",real,", ",sham,"))
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [[2, "condition"]]
    assert "back-sham" in problems["why"].iloc[0]
    with pytest.warns(at.JournalWarning):
        assert journal.sessions().empty


def test_a_relative_journal_path_stays_put(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    journal = at.Journal("relj")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    journal.log_session(6, 3)
    assert journal.path == tmp_path / "relj"
    assert (tmp_path / "relj" / "sessions.csv").exists()
    monkeypatch.setenv("ACUTRACK_HOME", "home-rel")
    assert at.Journal.default().path == tmp_path / "elsewhere" / "home-rel"


def test_an_empty_journal_path_is_refused(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(at.InvalidValue, match="journal"):
        at.Journal("")
    assert list(tmp_path.iterdir()) == []


def test_cr_only_line_ends_load_and_are_kept(journal):
    journal.log_session(6, 3, notes="two\nlines")
    path = journal.path / "sessions.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    assert journal.sessions()["notes"].tolist() == ["two\rlines"]
    journal.log_session(5, 4)
    assert path.read_bytes().count(b"\n") == 0
    assert len(journal.sessions()) == 2
    assert journal.problems().empty


def test_bytes_of_another_encoding_in_a_user_column_survive_a_correction(journal):
    s = journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    header, rows = _data_lines(path)
    raw = (header.rstrip("\n") + ",mood\n" + rows[0].rstrip("\n") + ",").encode() + b"caf\xe9\n"
    path.write_bytes(raw)
    journal.correct(s.id, pain_after=2)
    assert path.read_bytes().count(b"caf\xe9") == 2  # written back exactly as it was
    assert journal.sessions()["pain_after"].tolist() == [2]


def test_a_user_column_named_like_a_table_column(journal):
    journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    header, rows = _data_lines(path)
    path.write_text(header.rstrip("\n") + ",local_time\n" + rows[0].rstrip("\n") + ",mine\n")
    table = journal.sessions()
    assert table["local_time (your column)"].tolist() == ["mine"]
    assert table["local_time"].dtype.kind == "M"


@pytest.mark.parametrize("version", ["1e400", "1.9", "true", "-1", '"1"', "null"])
def test_a_schema_version_that_is_no_whole_number_is_refused(journal, version):
    journal.log_session(6, 3)
    (journal.path / "journal.json").write_text(f'{{"schema_version": {version}}}')
    with pytest.raises(at.JournalError, match="schema_version"):
        journal.sessions()
    with pytest.raises(at.JournalError, match="schema_version"):
        journal.log_session(5, 4)
    problems = journal.problems()  # always answers
    assert problems["file"].tolist() == ["journal.json"]


def test_problems_answer_for_a_damaged_format_file(journal):
    journal.log_session(6, 3)
    (journal.path / "journal.json").write_text("{not json")
    assert journal.problems()["file"].tolist() == ["journal.json"]


def test_a_semicolon_separated_file_says_so(journal):
    journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    path.write_text(path.read_text().replace(",", ";"))
    problems = journal.problems()
    assert len(problems) == 1
    assert "';'" in problems["why"].iloc[0]


def test_rows_of_empty_cells_are_not_problems(journal):
    journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    width = len(session_spec(journal.catalog).columns)
    path.write_text(path.read_text() + "," * (width - 1) + "\n" + ",,\n")
    assert journal.problems().empty
    assert len(journal.sessions()) == 1


def test_unnamed_columns_do_not_stop_a_file(journal):
    journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    header, rows = _data_lines(path)
    path.write_text(header.rstrip("\n") + ",,\n" + rows[0].rstrip("\n") + ",a,b\n")
    table = journal.sessions()
    assert len(table) == 1
    assert journal.problems().empty
    journal.correct(table["id"].iloc[0], pain_after=1)
    assert path.read_text().splitlines()[-1].count(",a,b") == 1  # both kept in place


def test_deleting_a_session_with_corrected_follow_ups_is_no_problem(journal):
    s = journal.log_session(6, 3)
    r = journal.log_rating(4, session_id=s.id)
    journal.correct(r.id, pain=3)
    journal.correct(r.id, pain=2)
    journal.delete(s.id)
    assert journal.problems().empty
    journal.log_rating(4, session_id="s-neverthere")
    problems = journal.problems()
    assert problems[["line", "field", "value"]].values.tolist() == [
        [5, "session_id", "s-neverthere"]
    ]


def test_a_journal_path_that_is_a_file_or_a_dangling_link(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    for path, words in ((file, "is a file"), (tmp_path / "link", "does not exist")):
        if path.name == "link":
            if not hasattr(os, "symlink"):
                continue
            os.symlink(tmp_path / "gone", path)
        journal = at.Journal(path)
        with pytest.raises(at.JournalError, match=words):
            journal.log_session(6, 3)
        with pytest.raises(at.JournalError, match=words):
            journal.sessions()
        assert words in journal.problems()["why"].iloc[0]
    assert file.read_text() == "mine"
    assert not (tmp_path / "gone").exists()


def test_meta_file_is_well_formed(journal):
    journal.log_session(6, 3)
    assert json.loads((journal.path / "journal.json").read_text())["schema_version"] == 1
    assert [p.name for p in journal.path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_huge_bad_cell_is_shortened_in_problems(journal):
    journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    header, rows = _data_lines(path)
    cells = rows[0].rstrip("\n").split(",")
    cells[6] = "9" * 100_000  # pain_before
    path.write_text(header + ",".join(cells) + "\n")
    problems = journal.problems()
    assert len(problems) == 1
    assert len(problems["value"].iloc[0]) < 300
    assert "100,000 characters" in problems["value"].iloc[0]


def test_a_routine_too_long_to_log_is_reported_in_the_file(journal):
    journal.add_routine("mine", ["BL23"], seconds_per_point=60)
    path = journal.path / "routines.csv"
    path.write_text(path.read_text().replace(",60,", ",3600,").replace(",1,", ",100,"))
    problems = journal.problems()
    assert problems["field"].tolist() == ["seconds_per_point"]
    assert "mine" not in journal.catalog.routines


@pytest.mark.parametrize("crlf", [False, True])
def test_finding_one_entry_in_a_long_file_reads_what_the_whole_file_says(
    journal, monkeypatch, crlf
):
    """The search that correct and delete use on big files agrees with reading them whole,
    with versions, a tombstone, a reused id and a note that holds another entry's id."""
    from acutrack import loading

    a = journal.log_session(6, 3)
    journal.correct(a.id, pain_after=1)
    # A note whose last line, with the rest of its row, reads as a whole row of a's id.
    forged = f"{a.id},2026-11-20T09:30:00+01:00,back,BL23,real,1,9,0,neck,x"
    b = journal.log_session(5, 5, notes=f"see\n{forged}")  # written after a's correction
    journal.correct(b.id, notes=f'"{a.id}" again, with "quotes"')
    journal.delete(b.id)
    c = journal.log_session(7, 2)
    path = journal.path / "sessions.csv"
    if crlf:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    spec = session_spec(journal.catalog)
    whole, _ = loading.read_rows(path, spec)
    monkeypatch.setattr(loading, "FIND_WHOLE_BELOW", 0)  # take the search path
    for entry in (a.id, b.id, c.id, "s-nosuchentry"):
        found = loading.read_entry(path, spec, entry)
        expected = whole.get(entry)
        assert (found and (found.values, found.line)) == (
            expected and (expected.values, expected.line)
        )
    journal.correct(a.id, pain_before=9)
    assert journal.sessions().set_index("id").loc[a.id, ["pain_before", "pain_after"]].tolist() == [
        9,
        1,
    ]
