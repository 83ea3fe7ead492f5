"""A cell longer than the csv module's limit (131,072 characters) in a journal file: the
one row is reported, by file, line and column, and every other row is read, by every
reader (issue 20, item 6). The import's side is in test_import_round_two.py."""

from __future__ import annotations

import csv
import itertools
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from test_files import load_both

import acutrack as at
from acutrack import loading
from acutrack.csvstore import read_records
from acutrack.journal import JournalWarning
from acutrack.tables import point_spec, rating_spec

LONG = 200_000
WHY = "holds 200,000 characters (at most 131,072)"


@pytest.fixture
def journal(tmp_path) -> at.Journal:
    ticks = itertools.count()
    start = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    return at.Journal(tmp_path / "journal", clock=lambda: start + timedelta(seconds=next(ticks)))


def _edit(path, line, old, new):
    """Replace ``old`` by ``new`` (bytes) in the file's line ``line`` (1 = header)."""
    lines = path.read_bytes().split(b"\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_bytes(b"\n".join(lines))


def _problems(journal, file):
    table = journal.problems()
    return table[table["file"] == file][["line", "field"]].values.tolist()


@pytest.mark.parametrize("bad_byte", [True, False], ids=["careful reader", "fast reader"])
def test_a_long_note_in_sessions_is_one_problem_and_the_rest_stay(journal, bad_byte):
    for i in range(5):
        journal.log_session(6, 2, started_at=f"2026-11-2{i} 09:00", notes=f"n{i}")
    path = journal.path / "sessions.csv"
    _edit(path, 3, b",n1,", b',"' + b"x" * LONG + b'",')  # quoted, as a spreadsheet saves it
    if bad_byte:  # not UTF-8: pandas' fast path is not taken
        _edit(path, 5, b",n3,", b",n\xff3,")
    with pytest.warns(JournalWarning):
        notes = journal.sessions()["notes"].tolist()
    assert notes == (["n0", "n2", "n4"] if bad_byte else ["n0", "n2", "n3", "n4"])
    assert _problems(journal, "sessions.csv") == [[3, "notes"]] + [[5, "notes"]] * bad_byte
    problem = journal.problems().iloc[0]
    assert WHY in problem["why"] and len(problem["value"]) < 300


@pytest.mark.parametrize("bad_byte", [True, False], ids=["careful reader", "fast reader"])
def test_a_long_note_over_lines_in_ratings_is_one_problem(journal, bad_byte):
    for pain in range(5):
        journal.log_rating(pain, notes=f"n{pain}")
    path = journal.path / "ratings.csv"
    note = "over\nlines " + "y" * LONG
    _edit(path, 3, b",n1,", f',"{note}",'.encode())  # the row now spans lines 3-4
    if bad_byte:
        _edit(path, 6, b",n3,", b",n\xff3,")
    (fast, fast_problems), (careful, careful_problems) = load_both(path, rating_spec())
    pd.testing.assert_frame_equal(fast, careful)
    assert fast_problems == careful_problems
    assert fast["pain"].tolist() == ([0, 2, 4] if bad_byte else [0, 2, 3, 4])
    found = [(p.line, p.field) for p in fast_problems]
    assert found == [(3, "notes")] + [(6, "notes")] * bad_byte
    assert f"holds {len(note):,} characters" in fast_problems[0].why


def test_a_long_cell_in_a_row_by_row_file_is_one_problem(journal):
    """points.csv is read by `read_rows` (no pandas), as routines, plans and the profile are."""
    for code in ("X1", "X2", "X3", "X4"):
        journal.add_point(code, f"point {code}", how="press")
    path = journal.path / "points.csv"
    _edit(path, 3, b",press,", b",press " + b"z" * LONG + b",")  # unquoted this time
    _edit(path, 4, b"point X3", b"point \xffX3")
    rows, problems = loading.read_rows(path, point_spec())
    assert sorted(rows) == ["X1", "X4"]
    assert [(p.line, p.field) for p in problems] == [(3, "how"), (4, "name")]
    assert f"holds {LONG + 6:,} characters" in problems[0].why
    assert {"X1", "X4"} <= set(journal.catalog.points)
    assert _problems(journal, "points.csv") == [[3, "how"], [4, "name"]]


def _big_sessions(journal, rows):
    """sessions.csv of ``rows`` sessions (ids s-0, s-1, ...), written at once."""
    journal.log_session(6, 2, started_at="2026-11-20 09:00", notes="first")
    path = journal.path / "sessions.csv"
    header, row = path.read_text().splitlines()
    key = row.split(",")[0]
    path.write_text("\n".join([header, *(row.replace(key, f"s-{i}") for i in range(rows))]) + "\n")
    return path


def test_find_and_correct_in_a_big_file_skip_only_the_long_row(journal):
    path = _big_sessions(journal, 9_000)
    assert path.stat().st_size > loading.FIND_WHOLE_BELOW  # the search, not a whole read
    # s-5's note mentions s-7, which the search finds inside it; s-6 holds a bad byte.
    _edit(path, 7, b",first,", b",see s-7 " + b"x" * LONG + b",")
    _edit(path, 8, b",first,", b",fir\xffst,")
    assert journal.find("s-5") is None  # its only row cannot be read, as in `sessions()`
    assert journal.find("s-7").notes == "first"
    assert journal.find("s-8999").notes == "first"
    journal.correct("s-7", pain_after=1)
    assert journal.find("s-7").pain_after == 1
    with pytest.raises(at.InvalidValue):
        journal.correct("s-5", pain_after=1)


@pytest.mark.parametrize("preset", [None, 10, 2**31 - 1])
def test_read_records_reports_the_long_record_and_reads_on(preset):
    """Whatever limit other code of the process set, which is left as it was."""
    header = "id,notes,n"
    text = "\n".join(
        [header, "a,x,1", f'b,"{"q" * LONG}\nmore",2', "c,y,3", f"d,{'u' * LONG},4", "e,z,5"]
    )
    before = csv.field_size_limit(*([preset] if preset else []))
    try:
        names, good, broken = read_records(text)
        assert csv.field_size_limit() == (preset or before)
    finally:
        csv.field_size_limit(before)
    assert names == ["id", "notes", "n"]
    assert [(r.line, r.cells[0]) for r in good] == [(2, "a"), (5, "c"), (7, "e")]
    assert [(r.line, r.end, r.cells[0]) for r in broken] == [(3, 4, "b"), (6, 6, "d")]


def test_a_long_header_cell_is_reported_not_raised(journal):
    journal.log_session(6, 2, notes="kept")
    path = journal.path / "sessions.csv"
    _edit(path, 1, b"notes", b"notes" + b"h" * LONG)
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [[1, "notes"]]
    with pytest.warns(JournalWarning):
        table = journal.sessions()
    assert table["notes"].tolist() == [""]  # as for any missing column
    assert journal.find(table["id"][0]) is not None
