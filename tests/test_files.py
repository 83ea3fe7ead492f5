"""The journal's files as people and accidents leave them: hand-edited, damaged, shared."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pandas as pd
import pytest
from conftest import kill_after
from hypothesis import example, given, settings
from hypothesis import strategies as st

import acutrack as at
from acutrack.journal import JournalWarning
from acutrack.tables import session_spec

HAND_MADE = (
    "\ufeffnotes,pain_after,pain_before,id,started_at,routine,points,condition,"
    "duration_min,location,mood,action\r\n"
    '"ok, really",2,6,h-1,2026-11-20T08:00:00+01:00,back,BL23;GB30,real,3,lower-back,calm,add\r\n'
    "'=cmd,3,5,h-2,2026-11-21T08:00:00+01:00,stress,PC6,real,9,neck,tense,\r\n"
)


def test_spreadsheet_edited_file_loads_and_keeps_extra_column(journal):
    journal.path.mkdir()
    path = journal.path / "sessions.csv"
    path.write_bytes(HAND_MADE.encode("utf-8"))
    table = journal.sessions()
    assert list(table["id"]) == ["h-1", "h-2"]
    assert list(table["mood"]) == ["calm", "tense"]
    assert list(table["notes"]) == ["ok, really", "=cmd"]
    assert table["points"].iloc[0] == ("BL23", "GB30")

    new = journal.log_session(4, 2, notes="after edit")
    raw = path.read_bytes()
    assert raw.startswith(HAND_MADE.encode("utf-8"))  # nothing before it was rewritten
    last = raw.decode("utf-8").split("\r\n")[-2]  # the file's CRLF and column order are kept
    assert last.startswith("after edit,2,4," + new.id + ",")
    assert last.endswith(",lower-back,,add")  # the user's column is left empty

    fixed = journal.correct("h-1", pain_after=1)
    assert fixed.pain_after == 1
    table = journal.sessions().set_index("id")
    assert table.loc["h-1", "mood"] == "calm"  # a correction carries the user's column over
    assert table.loc[new.id, "mood"] == ""
    assert journal.problems().empty


def test_a_correction_needs_the_action_column(journal):
    journal.path.mkdir()
    path = journal.path / "ratings.csv"
    header = "id,rated_at,pain,location,session_id,stress,notes"
    path.write_text(header + "\nr-1,2026-11-20T08:00:00+00:00,4,neck,,,\n")
    assert journal.log_rating(3).pain == 3  # a plain row needs no bookkeeping column
    with pytest.raises(at.JournalError, match=r"lacks 1 column: action"):
        journal.correct("r-1", pain=2)
    assert len(journal.ratings()) == 2


def test_bad_rows_are_reported_and_the_rest_load(journal):
    for pain in (5, 6, 7):
        journal.log_session(pain, 3)
    path = journal.path / "sessions.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace(",6,3,", ",11,3,")  # pain 11 typed by hand
    lines.insert(3, "s-x,not a time,yoga,BL99,real,3,2,1,lower-back,,add,\n")
    path.write_text("".join(lines))

    with pytest.warns(at.JournalWarning, match="4 problem"):
        table = journal.sessions()
    assert sorted(table["pain_before"]) == [5, 7]
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [
        [3, "pain_before"],
        [4, "started_at"],
        [4, "routine"],
        [4, "points"],
    ]
    assert problems["file"].eq("sessions.csv").all()
    assert problems["value"].tolist()[:3] == ["11", "not a time", "yoga"]
    assert "0 to 10" in problems["why"].iloc[0]
    assert path.read_text() == "".join(lines)  # loading changed nothing


def test_a_header_without_a_required_column_is_reported_and_not_written_to(journal):
    journal.path.mkdir()
    path = journal.path / "ratings.csv"
    path.write_text("id,rated_at,location\nr-1,2026-11-20T08:00:00+00:00,neck\n")
    problems = journal.problems().set_index("field")
    assert list(problems.index) == ["notes", "pain", "session_id", "stress"]
    assert "none of its 1 row can" in problems.loc["pain", "why"]
    assert "every row reads it as empty" in problems.loc["notes", "why"]
    with pytest.raises(at.JournalError, match="lacks 1 column: pain;"):
        journal.log_rating(3)
    assert path.read_text().count("\n") == 2


def test_dangling_follow_up_and_reused_id_are_reported(journal):
    s = journal.log_session(6, 3)
    journal.log_rating(4, session_id="s-missing00")
    path = journal.path / "sessions.csv"
    path.write_text(path.read_text() + path.read_text().splitlines(keepends=True)[1])
    problems = journal.problems()
    assert set(problems["field"]) == {"id", "session_id"}
    assert problems.set_index("field").loc["id", "value"] == s.id
    with pytest.warns(at.JournalWarning):
        assert len(journal.sessions()) == 1


def test_torn_last_line_is_reported_and_later_rows_survive(journal):
    first = journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    with path.open("a") as fh:
        fh.write('s-torn,2026-11-25T09:30:00+00:00,back,BL23,real,3,6,2,lower-back,"half a no')
    # The torn line reads as a problem, not as an error.
    assert len(journal.problems()) == 1
    second = journal.log_session(7, 4)
    third = journal.log_session(5, 5, notes="multi\nline")
    with pytest.warns(at.JournalWarning):
        ids = list(journal.sessions()["id"])
    assert ids == [first.id, second.id, third.id]
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [[3, ""]]
    assert problems["value"].iloc[0].startswith("s-torn")


def _append_many(folder: str, worker: int, count: int) -> None:
    j = at.Journal(folder)
    for i in range(count):
        j.log_session(i % 11, (i + worker) % 11, notes=f"worker {worker}, #{i}\nline two")


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(journal):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_append_many, args=(str(journal.path), w, 250)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(timeout=120)
        assert p.exitcode == 0
    table = journal.sessions()
    assert len(table) == 1000 and table["id"].is_unique
    assert journal.problems().empty
    for w in range(4):
        notes = set(table["notes"][table["notes"].str.startswith(f"worker {w},")])
        assert notes == {f"worker {w}, #{i}\nline two" for i in range(250)}


KILLED_WRITER = """
import sys
import acutrack as at
j = at.Journal(sys.argv[1])
i = 0
while True:
    s = j.log_session(i % 11, 3, notes="row " + str(i))
    print(s.id, flush=True)
    i += 1
"""


def test_killed_writer_leaves_a_journal_that_loads(journal):
    returned = kill_after(KILLED_WRITER, [str(journal.path)], 200)
    table = journal.sessions()  # would warn (an error in tests) on any damaged row
    assert set(returned) <= set(table["id"])
    assert len(table) - len(returned) <= 1  # at most the row being written when killed
    journal.log_session(4, 2)  # and the journal takes new rows
    assert len(journal.sessions()) == len(table) + 1


def test_a_short_row_is_reported_not_padded(journal):
    journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    path.write_text(path.read_text() + "s-short,2026-11-20T08:00:00+00:00,back\n")
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [[3, ""]]
    assert "found 3" in problems["why"].iloc[0]


ROW_TEXT = st.text(alphabet=st.sampled_from(list("ab ,;'\"=+-\n\r\t\u00e9\u20ac")), max_size=12)


def load_both(path, spec):
    """The table and problems of the fast reader, then of the careful one."""
    from acutrack import frames

    fast = frames.load_table(path, spec)
    original = frames._fast_records
    frames._fast_records = lambda *args: None
    try:
        careful = frames.load_table(path, spec)
    finally:
        frames._fast_records = original
    return fast, careful


@settings(max_examples=40, deadline=None)
@given(notes=st.lists(ROW_TEXT, min_size=1, max_size=6), crlf=st.booleans())
def test_fast_and_careful_readers_agree(notes, crlf):
    """pandas' C reader (used for clean one-line files) and the careful reader match."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        j = at.Journal(folder)
        for note in notes:
            j.log_session(5, 3, notes=note)
        path = j.path / "sessions.csv"
        if crlf:
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
        (fast_table, fast_problems), (careful_table, careful_problems) = load_both(
            path, session_spec(j.catalog)
        )
        assert fast_problems == careful_problems == []
        pd.testing.assert_frame_equal(fast_table, careful_table)
        if not crlf:  # (turning every line end to CRLF changes the notes' own line breaks)
            assert list(fast_table["notes"]) == notes


ODD_LINES = [
    "",
    "   ",
    ",,,",
    ",,,,,,,,,,,",  # as many cells as the header, all empty: a row with no id
    '"",""',
    "s-x,2026-11-20T08:00:00+00:00,back",  # a short row
    's-y,2026-11-20T09:00:00+00:00,back,BL23,real,2.5,5,3,neck,"a, b",add,',
    's-z,2026-11-20T09:00:00+00:00,back,BL23,real,2.5,5,3,neck,"a, b",add,x,y',  # long
    "s-w,2026-13-40T09:00:00+00:00,back,BL23,real,2.5,5,3,neck,,add,",  # no such date
    "s-v,2026-11-20 09:00:00+00:00,back,BL23,real,2.5,5,3, neck ,,add,",
    " s-u ,2026-11-20T09:00:00+01:00,back,BL23,sham,1,5,3,neck,,add,",
    "s-1,2026-11-21T09:00:00-05:30,back,BL23,real,2,6,6,neck,,correct,",
]


@settings(max_examples=60, deadline=None)
@given(odd=st.lists(st.sampled_from(ODD_LINES), max_size=6), crlf=st.booleans())
@pytest.mark.slow
def test_fast_and_careful_readers_agree_on_damaged_files(odd, crlf):
    """Blank, empty, short, long and odd rows: the same table and the same problems."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(100))
        j = at.Journal(folder, make_id=lambda prefix: f"{prefix}-{next(counter)}")
        for i in range(3):
            j.log_session(5, i, notes="x, y" if i else "")
        path = j.path / "sessions.csv"
        text = path.read_text() + "".join(line + "\n" for line in odd)
        path.write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode())
        fast, careful = load_both(path, session_spec(j.catalog))
        assert fast[1] == careful[1]
        pd.testing.assert_frame_equal(fast[0], careful[0])


@pytest.mark.parametrize("first", [True, False])
def test_a_long_row_is_reported_wherever_it_is(journal, first):
    """pandas would take the first cells of a long first row as an index: not here."""
    journal.log_session(5, 3)
    path = journal.path / "sessions.csv"
    header, good = path.read_text().splitlines()
    long = good.replace(good.split(",")[0], "s-long") + ",extra"
    rows = [long, good] if first else [good, long]
    path.write_text("\n".join([header, *rows]) + "\n")
    fast, careful = load_both(path, session_spec(journal.catalog))
    assert fast[1] == careful[1]
    assert [(p.line, p.field) for p in fast[1]] == [(2 if first else 3, "")]
    pd.testing.assert_frame_equal(fast[0], careful[0])
    assert len(fast[0]) == 1


def test_the_fast_reader_takes_files_with_blank_and_empty_rows(journal):
    from acutrack import frames

    journal.log_session(5, 3, notes='quoted, "really"')
    path = journal.path / "sessions.csv"
    path.write_text(path.read_text() + "\n" + ",,,\n")
    header = path.read_text().splitlines()[0].split(",")
    raw, lines = frames._fast_records(path.read_bytes(), header)
    assert list(lines) == [2]  # the blank line 3 and the empty row on line 4 are skipped
    assert raw["notes"].tolist() == ['quoted, "really"']


def test_a_write_between_reading_and_parsing_is_not_mixed_in(journal, monkeypatch):
    """pandas parses the file by its path; if it changed since it was read, the bytes read
    first are parsed instead, so the checks and the table are of the same contents."""
    import pandas

    from acutrack import frames

    journal.log_session(5, 3, notes="first")
    path = journal.path / "sessions.csv"
    read_csv = pandas.read_csv

    def rewritten_first(source, **kwargs):
        if isinstance(source, type(path)):  # someone saves the file just before pandas reads
            path.write_text(path.read_text().replace("first", "other"))
        return read_csv(source, **kwargs)

    monkeypatch.setattr(pandas, "read_csv", rewritten_first)
    table, problems = frames.load_table(path, session_spec(journal.catalog))
    assert problems == []
    assert table["notes"].tolist() == ["first"]


def test_impossible_dates_are_reported_not_fatal(tmp_path):
    journal = at.Journal(tmp_path / "j", make_id=lambda prefix: "s-good")
    journal.log_session(5, 3)
    path = journal.path / "sessions.csv"
    good = path.read_text().splitlines()[1]
    bad = {
        "s-m13": "2026-13-01T08:00:00+01:00",
        "s-feb30": "2026-02-30T08:00:00+01:00",
        "s-h24": "2026-11-20T24:00:00+01:00",
        "s-off": "2026-11-20T08:00:00+24:00",
        "s-1969": "1970-01-01T00:30:00+01:00",
        "s-space": "2026-11-20 08:00:00+01:00",
    }
    cells = good.split(",")
    rows = [",".join([key, when, *cells[2:]]) for key, when in bad.items()]
    path.write_text(path.read_text() + "\n".join(rows) + "\n")
    problems = journal.problems()
    assert sorted(problems["value"]) == sorted(set(bad.values()) - {"2026-11-20 08:00:00+01:00"})
    assert set(problems["field"]) == {"started_at"}
    assert "after 1970" in problems.set_index("value")["why"]["1970-01-01T00:30:00+01:00"]
    with pytest.warns(JournalWarning, match="5 problem"):
        assert sorted(journal.sessions()["id"]) == ["s-good", "s-space"]


RAW_CELL = st.text(alphabet=st.sampled_from(list("ab1 ,;\"'\r\n-")), max_size=6)
PLAIN_CELL = st.text(alphabet=st.sampled_from(list("ab15 ;'-:+T")), max_size=6)
RAW_LINE = st.one_of(
    st.lists(RAW_CELL, max_size=14).map(",".join),
    st.lists(PLAIN_CELL, min_size=12, max_size=12).map(",".join),  # one row of the right width
)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(RAW_LINE, max_size=5))
@example(lines=[",,,,,,,11 ,,,,", ",,,,,,,+12,,,,"])  # a number out of range, as pandas reads it
@pytest.mark.slow
def test_fast_and_careful_readers_agree_on_any_text(lines):
    """Lines of stray quotes, commas and line breaks after good rows: same table, same report."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        j = at.Journal(folder)
        j.log_session(5, 3, notes='a "quoted", note')
        j.log_session(6, 2)
        path = j.path / "sessions.csv"
        path.write_text(path.read_text() + "".join(line + "\n" for line in lines))
        fast, careful = load_both(path, session_spec(j.catalog))
        assert fast[1] == careful[1]
        pd.testing.assert_frame_equal(fast[0], careful[0])


RATING_LINES = [
    "r-a,2026-11-20T08:00:00+00:00,4,neck,,,,add,2026-11-20T08:00:00+00:00",
    "r-a,2026-11-20T08:00:00+00:00,5,neck,,,,correct,2026-11-20T09:00:00+00:00",
    "r-a,,,,,,,delete,2026-11-20T10:00:00+00:00",
    "r-a,2026-11-20T08:00:00+00:00,6,neck,,,,add,2026-11-20T11:00:00+00:00",  # reused
    "r-b,2026-11-21T08:00:00+00:00,11,neck,,,,add,2026-11-21T08:00:00+00:00",  # bad pain
    "r-b,2026-11-21T08:00:00+00:00,3,neck,,2,note,add,",
    "r-c,2026-11-22T08:00:00+00:00,2,back,s-x,,,correct,2026-11-22T07:00:00+00:00",
    "r-c,2026-11-22T08:00:00+00:00,1,back,s-x,,,add,2026-11-22T08:00:00+00:00",
    "r-d,2026-11-23T08:00:00+00:00,7,neck,,,,add,not a time",
    ",,,,,,,,",
]


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.sampled_from(RATING_LINES), max_size=8), crlf=st.booleans())
@pytest.mark.slow
def test_every_reader_resolves_versions_alike(lines, crlf):
    """Fast, careful, row-by-row and one-entry readers: the same standing rows and the
    same problems, on a table other than sessions, with corrections, deletions, reused ids
    and rows without a time."""
    import tempfile

    from acutrack import loading
    from acutrack.tables import rating_spec

    spec = rating_spec()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ratings.csv"
        text = ",".join(spec.columns) + "\n" + "".join(line + "\n" for line in lines)
        path.write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode())
        (fast, fast_problems), (careful, careful_problems) = load_both(path, spec)
        pd.testing.assert_frame_equal(fast, careful)
        assert fast_problems == careful_problems
        rows, row_problems = loading.read_rows(path, spec)
        assert sorted(rows) == sorted(fast["id"])
        assert [(p.line, p.field) for p in row_problems] == [
            (p.line, p.field) for p in fast_problems
        ]
        for key, row in rows.items():
            assert row.values["pain"] == fast.set_index("id").loc[key, "pain"]
        original = loading.FIND_WHOLE_BELOW
        loading.FIND_WHOLE_BELOW = 0  # the search that correct and delete use on big files
        try:
            for key in ("r-a", "r-b", "r-c", "r-d"):
                found, expected = loading.read_entry(path, spec, key), rows.get(key)
                assert (found and found.values) == (expected and expected.values)
        finally:
            loading.FIND_WHOLE_BELOW = original


def test_one_odd_cell_does_not_send_a_long_file_to_the_careful_reader(journal):
    """A decimal pain or a routine written as digits: that column is read again as
    written, the rest of the file stays on pandas' fast path, and the cell is reported."""
    from acutrack import frames

    for _ in range(3):
        journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    header, first, *rest = path.read_text().splitlines(keepends=True)
    cells = first.split(",")
    cells[6] = "5.5"  # pain_before
    path.write_text(header + ",".join(cells) + "".join(rest))
    names = header.strip().split(",")
    read_as = {"pain_before": "number", "pain_after": "number"}
    raw, _ = frames._fast_records(path.read_bytes(), names, read_as)
    assert raw["pain_before"].tolist() == ["5.5", "6", "6"]  # as written
    problems = journal.problems()
    assert problems[["line", "field", "value"]].values.tolist() == [[2, "pain_before", "5.5"]]
    with pytest.warns(at.JournalWarning):
        assert len(journal.sessions()) == 2
