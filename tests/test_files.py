"""The journal's files as people and accidents leave them: hand-edited, damaged, shared."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import acutrack as at
from acutrack.schema import session_spec

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
    path.write_text("id,rated_at,pain,location\nr-1,2026-11-20T08:00:00+00:00,4,neck\n")
    assert journal.log_rating(3).pain == 3  # a plain row needs no bookkeeping column
    with pytest.raises(at.JournalError, match=r"lacks the column.*action"):
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
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [[1, "pain"]]
    assert "none of the 1 rows" in problems["why"].iloc[0]
    with pytest.raises(at.JournalError, match="lacks the column"):
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
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(journal.path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    returned = []
    deadline = time.monotonic() + 60
    while len(returned) < 200 and time.monotonic() < deadline:
        returned.append(proc.stdout.readline().strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    returned += [line.strip() for line in proc.stdout if line.strip()]
    assert len(returned) >= 200
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


@settings(max_examples=40, deadline=None)
@given(notes=st.lists(ROW_TEXT, min_size=1, max_size=6), crlf=st.booleans())
def test_fast_and_careful_readers_agree(notes, crlf):
    """pandas' C reader (used for clean one-line files) and the careful reader match."""
    import tempfile

    from acutrack import loading

    with tempfile.TemporaryDirectory() as folder:
        j = at.Journal(folder)
        for note in notes:
            j.log_session(5, 3, notes=note)
        path = j.path / "sessions.csv"
        if crlf:
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
        spec = session_spec(j.catalog)
        fast_table, fast_problems = loading.load_table(path, spec)
        original = loading._fast_records
        loading._fast_records = lambda text, header: None
        try:
            careful_table, careful_problems = loading.load_table(path, spec)
        finally:
            loading._fast_records = original
        assert fast_problems == careful_problems == []
        pd.testing.assert_frame_equal(fast_table, careful_table)
        if not crlf:  # (turning every line end to CRLF changes the notes' own line breaks)
            assert list(fast_table["notes"]) == notes
