"""Fault injection: full disks, failing syncs, held locks, racing and killed writers.

The rule under test: a write that reports success stored its row; a write that reports
failure stored nothing, and left every file as it was (append-only, header intact).
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import subprocess
import sys
import time

import pytest
from conftest import kill_after

import acutrack as at
from acutrack import csvstore
from acutrack.forms import SessionForm


def _fail_after(monkeypatch, name, code, *, allow=0, partial=False):
    """Make the journal's ``os.<name>`` on data files fail after ``allow`` good calls."""
    real = getattr(os, name)
    calls = {"n": 0}

    def failing(fd, *args):
        calls["n"] += 1
        if calls["n"] > allow:
            if partial and name == "write":  # a full disk takes part of the row first
                real(fd, bytes(args[0])[: len(args[0]) // 2])
            raise OSError(code, os.strerror(code))
        return real(fd, *args)

    monkeypatch.setattr(csvstore.os, name, failing)


@pytest.mark.parametrize(
    ("name", "code"), [("write", errno.ENOSPC), ("fsync", errno.EIO), ("fsync", errno.ENOSPC)]
)
@pytest.mark.parametrize("table", ["sessions", "ratings"])
def test_a_failed_append_leaves_the_file_exactly_as_it_was(journal, monkeypatch, name, code, table):
    journal.log_session(6, 3)
    journal.log_rating(4)
    path = journal.path / f"{table}.csv"
    before = path.read_bytes()
    _fail_after(monkeypatch, name, code, partial=True)
    with pytest.raises(at.JournalError, match="nothing was written"):
        if table == "sessions":
            journal.log_session(7, 2, notes="lost?")
        else:
            journal.log_rating(5)
    monkeypatch.undo()
    assert path.read_bytes() == before
    journal.log_session(5, 4)
    journal.log_rating(3)
    assert journal.problems().empty
    assert (len(journal.sessions()), len(journal.ratings())) == (2, 2)


@pytest.mark.parametrize(("name", "code"), [("write", errno.ENOSPC), ("fsync", errno.EIO)])
def test_a_failed_first_append_leaves_no_headerless_file(journal, monkeypatch, name, code):
    journal.log_session(6, 3)  # the journal exists; ratings.csv does not yet
    _fail_after(monkeypatch, name, code, partial=True)
    with pytest.raises(at.JournalError):
        journal.log_rating(4)
    monkeypatch.undo()
    assert not (journal.path / "ratings.csv").exists()
    journal.log_rating(4)
    assert journal.problems().empty
    assert len(journal.ratings()) == 1


def test_a_full_disk_for_the_format_file_stores_nothing(journal, monkeypatch):
    """Reported failure means nothing stored: a retry makes no duplicate."""
    real = csvstore.write_private

    def full(path, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("acutrack.journal.store.write_private", full)
    with pytest.raises(at.JournalError, match="No space left"):
        journal.log_session(6, 3)
    monkeypatch.setattr("acutrack.journal.store.write_private", real)
    assert not (journal.path / "sessions.csv").exists()
    journal.log_session(6, 3)
    assert len(journal.sessions()) == 1


def test_a_failed_correction_changes_nothing(journal, monkeypatch):
    s = journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    before = path.read_bytes()
    _fail_after(monkeypatch, "fsync", errno.EIO)
    with pytest.raises(at.JournalError):
        journal.correct(s.id, pain_after=1)
    with pytest.raises(at.JournalError):
        journal.delete(s.id)
    monkeypatch.undo()
    assert path.read_bytes() == before


HOLD_LOCK = """
import sys, time
from pathlib import Path
from acutrack.csvstore import lock_for
with lock_for(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_lock(path, seconds):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE
    )
    assert proc.stdout.readline().strip() == b"held"
    return proc


def test_a_lock_held_past_its_timeout_is_a_clear_error(tmp_path):
    journal = at.Journal(tmp_path / "j", lock_timeout=0.3)
    s = journal.log_session(6, 3)
    path = journal.path / "sessions.csv"
    before = path.read_bytes()
    holder = _hold_lock(path, 20)
    try:
        started = time.monotonic()
        with pytest.raises(at.JournalError, match=r"held its lock for 0.3 s"):
            journal.log_session(5, 4)
        with pytest.raises(at.JournalError, match="lock"):
            journal.correct(s.id, pain_after=1)
        assert time.monotonic() - started < 10
        form = SessionForm(journal)
        form.before.value, form.after.value = 6, 2
        form.save.click()
        assert "lock" in form.feedback.value
    finally:
        holder.kill()
        holder.wait()
    assert path.read_bytes() == before


def test_the_lock_timeout_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ACUTRACK_LOCK_TIMEOUT", "0.25")
    assert at.Journal(tmp_path).lock_timeout == 0.25


def _correct_field(start, folder, ids, field, value):
    j = at.Journal(folder)
    start.wait()
    for entry in ids:
        j.correct(entry, **{field: value})


def _delete_all(start, folder, ids):
    j = at.Journal(folder)
    start.wait()
    for entry in ids:
        j.delete(entry)


def _correct_what_stands(start, folder, ids):
    j = at.Journal(folder)
    start.wait()
    for entry in ids:
        with contextlib.suppress(at.InvalidValue):  # deleted already: nothing to correct
            j.correct(entry, notes="corrected")


def _run(ctx, *jobs):
    """Run the jobs in processes that start their work together."""
    start = ctx.Event()
    procs = [ctx.Process(target=target, args=(start, *args)) for target, *args in jobs]
    for p in procs:
        p.start()
    time.sleep(1.5)  # every process has imported acutrack and waits at the start line
    start.set()
    for p in procs:
        p.join(timeout=180)
        assert p.exitcode == 0


@pytest.mark.slow
def test_concurrent_corrections_of_other_fields_are_all_kept(journal):
    ids = [journal.log_session(6, 3).id for _ in range(120)]
    ctx = multiprocessing.get_context("spawn")
    folder = str(journal.path)
    _run(
        ctx,
        (_correct_field, folder, ids, "pain_after", 1),
        (_correct_field, folder, ids, "notes", "by the other"),
    )
    table = journal.sessions()
    assert (table["pain_after"] == 1).all()
    assert (table["notes"] == "by the other").all()


@pytest.mark.slow
def test_a_correction_never_brings_back_a_deleted_entry(journal):
    ids = [journal.log_session(6, 3).id for _ in range(150)]
    ctx = multiprocessing.get_context("spawn")
    folder = str(journal.path)
    _run(ctx, (_delete_all, folder, ids), (_correct_what_stands, folder, ids))
    assert journal.sessions().empty
    assert journal.problems().empty


def _create_and_log(folder, start, results, worker):
    start.wait()
    try:
        at.Journal(folder).log_rating(worker)
        results.put((worker, "ok"))
    except Exception as err:  # the test reports any failure
        results.put((worker, repr(err)))


@pytest.mark.slow
def test_two_writers_creating_a_journal_at_once(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    for attempt in range(3):
        folder = tmp_path / f"new{attempt}" / "journal"
        start, results = ctx.Event(), ctx.Queue()
        procs = [
            ctx.Process(target=_create_and_log, args=(str(folder), start, results, w))
            for w in range(3)
        ]
        for p in procs:
            p.start()
        time.sleep(1.0)  # all three are waiting at the start line
        start.set()
        for p in procs:
            p.join(timeout=60)
        outcomes = sorted(results.get(timeout=10) for _ in procs)
        assert outcomes == [(0, "ok"), (1, "ok"), (2, "ok")]
        assert sorted(at.Journal(folder).ratings()["pain"]) == [0, 1, 2]


KILLED_CORRECTOR = """
import sys
import acutrack as at
j = at.Journal(sys.argv[1])
ids = sys.argv[2].split(",")
i = 0
while True:
    entry = ids[i % len(ids)]
    j.correct(entry, notes=f"pass {i}\\nline two", pain_after=i % 11)
    print(entry, i, flush=True)
    i += 1
"""


def test_a_writer_killed_while_correcting_leaves_a_journal_that_loads(journal):
    ids = [journal.log_session(6, 3).id for _ in range(5)]
    done = [
        line.split()
        for line in kill_after(KILLED_CORRECTOR, [str(journal.path), ",".join(ids)], 60)
    ]
    table = journal.sessions().set_index("id")  # no damaged row (it would warn: an error)
    last = {entry: int(i) for entry, i in done}
    for entry, i in last.items():  # every correction that returned is what stands, or a later
        assert int(table.loc[entry, "notes"].split()[1]) >= i
    journal.correct(ids[0], pain_after=0)
    assert journal.sessions().set_index("id").loc[ids[0], "pain_after"] == 0


def _add_points(start, folder, worker):
    j = at.Journal(folder)
    start.wait()
    for i in range(25):
        j.add_point(f"MY{i}", f"mine {i}", location=f"by worker {worker}")


@pytest.mark.slow
def test_two_writers_declaring_the_same_points_make_corrections_not_clashes(journal):
    ctx = multiprocessing.get_context("spawn")
    folder = str(journal.path)
    _run(ctx, (_add_points, folder, 1), (_add_points, folder, 2))
    assert journal.problems().empty
    assert {f"MY{i}" for i in range(25)} <= set(journal.catalog.points)
