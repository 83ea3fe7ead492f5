"""One save in the logging kit reads each journal file once, for every open form."""

from __future__ import annotations

import builtins
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import acutrack as at
from acutrack.forms.kit import LoggingKit
from acutrack.plan import make_plan
from acutrack.screening import QUESTIONS

T = datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.fixture
def reads(monkeypatch):
    """How often each journal file was opened to be read, by name."""
    counted: Counter[str] = Counter()
    read_bytes, open_ = Path.read_bytes, builtins.open

    def counting_read_bytes(self):
        counted[self.name] += 1
        return read_bytes(self)

    def counting_open(file, mode="r", *args, **kwargs):
        if str(file).endswith(".csv") and "r" in mode and "+" not in mode:
            counted[Path(file).name] += 1
        return open_(file, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", counting_read_bytes)
    monkeypatch.setattr(builtins, "open", counting_open)
    return counted


def a_month(folder) -> at.Journal:
    now = [T]
    journal = at.Journal(folder, clock=lambda: now[0])
    for day in range(20):
        now[0] = T + timedelta(days=day)
        journal.log_session(6, 3)
        journal.log_rating(4)
    journal.log_screen({q.name: "no" for q in QUESTIONS})
    journal.log_peg(5, 4, 4)
    make_plan(journal, ["back"], weeks=2, sessions_per_week=2, seed=1, anyway=True)
    return journal


@pytest.mark.parametrize("form", ["session", "check_in"])
def test_a_save_reads_each_file_once_for_every_open_form(tmp_path, reads, form):
    journal = a_month(tmp_path / "j")
    kit = LoggingKit(journal)
    chosen = getattr(kit, form)
    if form == "session":
        chosen.before.value, chosen.after.value = 6, 3
    else:
        chosen.pain.value = 5
    reads.clear()
    chosen.save.click()
    assert "Saved" in chosen.feedback.value
    written = "sessions.csv" if form == "session" else "ratings.csv"
    # The file written may be read before the write and once after it; every other once
    # (sessions.csv and ratings.csv were read 12 times each).
    assert reads.pop(written) <= 2 and reads and max(reads.values()) == 1, reads
    assert len(journal.sessions()) + len(journal.ratings()) == 41  # the save came in


def test_a_snapshot_sees_its_own_writes_and_nothing_outside_it_is_kept(tmp_path):
    journal = at.Journal(tmp_path, clock=lambda: T)
    other = at.Journal(tmp_path, clock=lambda: T)
    journal.log_rating(3)
    with journal.snapshot():
        assert len(journal.ratings()) == 1
        other.log_rating(4)  # another program: not seen inside the snapshot
        assert len(journal.ratings()) == 1
        journal.log_rating(5)  # its own write: the file is read again, all of it
        assert len(journal.ratings()) == 3
        mine = journal.ratings()
        mine.loc[mine.index[0], "pain"] = 9  # a caller's change stays its own
        assert journal.ratings()["pain"].tolist() == [3, 4, 5]
    other.log_rating(6)
    assert len(journal.ratings()) == 4  # outside a snapshot every read is fresh


def test_log_planned_and_the_report_read_each_file_once(tmp_path, reads):
    from test_cli import in_process

    from acutrack.report import report_tables

    journal = a_month(tmp_path / "j")
    env = dict(__import__("os").environ, ACUTRACK_TEST_NOW=(T + timedelta(days=30)).isoformat())
    start = ["--journal", str(journal.path), "next", "--start", "--before", "6", "--early"]
    assert in_process(start, env=env).returncode == 0
    reads.clear()
    argv = ["--journal", str(journal.path), "log", "--after", "4", "--planned"]
    logged = in_process(argv, env=env)
    assert logged.returncode == 0, logged.stderr
    # What the write holds under its locks is read again there: the plan slot it fills
    # (safety is never judged on an old view; a session started before a pause may be
    # logged, so the red-flag screen is read once, for the reminder).
    assert reads.pop("plan.csv") == 2 and reads.pop("screens.csv") == 1, reads
    assert max(reads.values(), default=1) == 1, reads
    reads.clear()
    report_tables(journal)
    assert max(reads.values()) == 1, reads  # sessions, ratings and screens were read twice


def test_a_snapshot_lists_the_folder_for_conflict_copies_once_per_file(tmp_path, monkeypatch):
    import os
    import shutil

    journal = at.Journal(tmp_path / "j", clock=lambda: T)
    journal.log_session(6, 3)
    journal.log_rating(4)
    elsewhere = tmp_path / "elsewhere"  # another device's sessions.csv, with a session more
    shutil.copytree(journal.path, elsewhere)
    at.Journal(elsewhere, clock=lambda: T).log_session(5, 2)
    shutil.copy(elsewhere / "sessions.csv", journal.path / "sessions 2.csv")
    listed = Counter()
    scandir = os.scandir

    def counting_scandir(path="."):
        listed[Path(path)] += 1
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counting_scandir)
    with journal.snapshot():
        for _ in range(3):
            with pytest.warns(at.JournalWarning, match="validate --repair"):
                assert len(journal.sessions()) == 1  # the copy is named on every load
            journal.ratings()
        assert listed[journal.path] == 2  # once for sessions.csv, once for ratings.csv
        journal.log_rating(5)  # a write: its file's copies are looked for again
        journal.ratings()
        with pytest.warns(at.JournalWarning, match="validate --repair"):
            journal.sessions()
        assert listed[journal.path] == 3
    journal.ratings()
    assert listed[journal.path] == 4  # outside a snapshot, every load looks
