"""The command line of the first weeks: correct, delete, follow-ups, `--at` words, and
`show` and `report` saying when rows could not be read (issue 13, item 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from test_cli import one_line_error, run
from test_hostile_cli import POSIX, refused, resolve, snapshot

import acutrack as at
from acutrack import cli

NOW = datetime.now().astimezone()


def journal_with_a_session(folder: Path) -> tuple[at.Journal, at.Session]:
    """A journal holding one session an hour ago, with a note."""
    journal = at.Journal(folder)
    session = journal.log_session(6, 3, started_at=NOW - timedelta(hours=1), notes="warm")
    return journal, session


def data(folder: Path) -> dict[str, tuple[int, bytes]]:
    """`snapshot` without the empty lock files a write may leave (they hold no data)."""
    return {name: file for name, file in snapshot(folder).items() if not name.endswith(".lock")}


def on_terminal(*args: str, journal: Path, answer: str) -> subprocess.CompletedProcess:
    """Run ``acutrack`` with a terminal as its input, typing ``answer``."""
    leader, follower = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "acutrack", "--journal", str(journal), *args],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(leader, answer.encode())
        out, err = process.communicate(timeout=60)
    finally:
        os.close(leader)
        os.close(follower)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize("command", ["correct", "delete"])
def test_correct_and_delete_have_help(command):
    result = run(command, "--help")
    assert result.returncode == 0 and result.stdout.startswith(f"usage: acutrack {command}")


# -- correct -----------------------------------------------------------------------------
def test_correct_changes_only_the_values_given(tmp_path):
    journal, session = journal_with_a_session(tmp_path)
    result = run("correct", session.id, "--after", "4", journal=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"corrected {session.id} ")
    assert "back (real) pain 6 → 4, 2.5 min, lower-back · note: warm" in result.stdout
    row = journal.sessions().iloc[0]
    assert (row["pain_before"], row["pain_after"], row["notes"]) == (6, 4, "warm")


def test_correct_a_check_in_and_unlink_it(tmp_path):
    journal, session = journal_with_a_session(tmp_path)
    rating = journal.log_rating(5, session_id=session.id)
    result = run(
        *("correct", rating.id, "--pain", "3", "--stress", "2", "--after-session", ""),
        *("--at", "yesterday 21:00", "--note", "after a walk"),
        journal=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "pain 3 (lower-back, stress 2) · note: after a walk" in result.stdout
    row = journal.ratings().iloc[0]
    assert (row["pain"], row["stress"], row["notes"]) == (3, 2, "after a walk")
    assert journal.ratings()["session_id"].isna().all()
    assert row["local_time"] == datetime.combine(NOW.date() - timedelta(days=1), time(21))


def test_correcting_the_routine_brings_a_sham_routines_condition(tmp_path):
    journal, session = journal_with_a_session(tmp_path)
    result = run("correct", session.id, "--routine", "back-sham", journal=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "back-sham (sham)" in result.stdout
    assert journal.sessions().iloc[0]["condition"] == "sham"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("s-doesnotexist", "--after", "4"), ("s-doesnotexist", "acutrack show")),
        (("{session}", "--pain", "4"), ("--pain", "session", "--before")),
        (("{rating}", "--before", "4"), ("--before", "check-in", "--pain")),
        (("{session}",), ("nothing to change",)),
        (("{rating}", "--after-session", "s-nope"), ("--after-session", "s-nope")),
        (("{session}", "--after", "11"), ("pain_after", "'11'")),
        (("{session}", "--at", "2026-11-20"), ("a date alone", "add the time")),
    ],
)
def test_correct_refuses_and_writes_nothing(tmp_path, args, words):
    journal, session = journal_with_a_session(tmp_path)
    rating = journal.log_rating(5)
    before = data(tmp_path)
    given = [a.format(session=session.id, rating=rating.id) for a in args]
    refused(run("correct", *given, journal=tmp_path), 2, *words)
    assert data(tmp_path) == before


# -- delete ------------------------------------------------------------------------------
def test_delete_yes_deletes_without_asking(tmp_path):
    journal, session = journal_with_a_session(tmp_path)
    result = run("delete", session.id, "--yes", journal=tmp_path, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"deleted {session.id} (") and "back (real)" in result.stdout
    assert journal.sessions().empty


def test_delete_without_a_terminal_refuses_instead_of_waiting(tmp_path):
    _, session = journal_with_a_session(tmp_path)
    before = data(tmp_path)
    result = run("delete", session.id, journal=tmp_path, stdin=subprocess.DEVNULL, timeout=20)
    refused(result, 2, "--yes", session.id)
    assert data(tmp_path) == before


def test_delete_refuses_an_unknown_id(tmp_path):
    journal_with_a_session(tmp_path)
    before = data(tmp_path)
    refused(run("delete", "s-doesnotexist", "--yes", journal=tmp_path), 2, "'s-doesnotexist'")
    assert data(tmp_path) == before


@POSIX
@pytest.mark.parametrize(("answer", "deleted"), [("y\n", True), ("\n", False), ("no\n", False)])
def test_delete_asks_on_a_terminal(tmp_path, answer, deleted):
    journal, session = journal_with_a_session(tmp_path)
    result = on_terminal("delete", session.id, journal=tmp_path, answer=answer)
    assert result.returncode == 0, result.stderr
    when = (NOW - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    assert result.stderr == f"Delete {session.id} ({when} back (real) pain 6 → 3, 2.5 min)? [y/N] "
    assert journal.sessions().empty is deleted
    assert result.stdout.startswith("deleted" if deleted else f"kept {session.id}")


# -- rate: follow-ups --------------------------------------------------------------------
def test_rate_after_last_links_the_latest_session(tmp_path):
    journal, first = journal_with_a_session(tmp_path)
    latest = journal.log_session(5, 2, started_at=NOW - timedelta(minutes=10))
    result = run("rate", "4", "--after-last", journal=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"after session {latest.id}" in result.stdout and "pain 5 → 2" in result.stdout
    assert journal.ratings().iloc[0]["session_id"] == latest.id
    # A check-in dated back follows the latest session before it, not a later one.
    at_time = (NOW - timedelta(minutes=30)).isoformat(timespec="minutes")
    assert run("rate", "4", "--after-last", "--at", at_time, journal=tmp_path).returncode == 0
    assert set(journal.ratings()["session_id"]) == {first.id, latest.id}


def test_rate_after_last_without_a_session_refuses(tmp_path):
    result = run("rate", "4", "--after-last", journal=tmp_path / "j")
    refused(result, 2, "--after-last", "no session", "acutrack log")
    assert not (tmp_path / "j").exists()


def test_rate_after_last_and_after_session_together_is_a_usage_error(tmp_path):
    _, session = journal_with_a_session(tmp_path)
    result = run("rate", "4", "--after-last", "--after-session", session.id, journal=tmp_path)
    one_line_error(result, 2, "usage: acutrack rate", "not allowed with")
    assert not (tmp_path / "ratings.csv").exists()


def test_rate_after_session_refuses_an_id_no_session_has(tmp_path):
    journal, session = journal_with_a_session(tmp_path)
    refused(run("rate", "4", "--after-session", "s-doesnotexist", journal=tmp_path), 2, "s-doe")
    journal.delete(session.id)
    refused(run("rate", "4", "--after-session", session.id, journal=tmp_path), 2, session.id)
    assert not (tmp_path / "ratings.csv").exists()


def test_rate_after_session_refuses_a_check_in_before_the_session(tmp_path):
    _, session = journal_with_a_session(tmp_path)
    earlier = (NOW - timedelta(hours=2)).isoformat(timespec="minutes")
    result = run("rate", "4", "--after-session", session.id, "--at", earlier, journal=tmp_path)
    refused(result, 2, session.id, "after this check-in")
    assert not (tmp_path / "ratings.csv").exists()


def test_plain_rate_never_reads_the_sessions_file(tmp_path):
    """A plain check-in is one append: a sessions file that cannot be read at all (here a
    folder in its place) does not stop it, while a follow-up, which checks it, stops."""
    journal, session = journal_with_a_session(tmp_path)
    (tmp_path / "sessions.csv").rename(tmp_path / "kept.csv")
    (tmp_path / "sessions.csv").mkdir()
    assert run("rate", "4", journal=tmp_path).returncode == 0
    refused(run("rate", "4", "--after-session", session.id, journal=tmp_path), 1)
    assert len(journal.ratings()) == 1


def test_rate_after_last_is_quiet_about_unreadable_rows(tmp_path):
    journal, session = journal_with_a_session(tmp_path)
    with open(tmp_path / "sessions.csv", "a") as file:
        file.write("a torn line\n")
    result = run("rate", "4", "--after-last", journal=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert journal.ratings().iloc[0]["session_id"] == session.id


# -- --at --------------------------------------------------------------------------------
@POSIX
@pytest.mark.parametrize(
    ("text", "now", "meant"),
    [
        ("yesterday 21:00", "2026-11-26T10:00+01:00", "2026-11-25T21:00:00+01:00"),
        ("Yesterday  9:05", "2026-11-26T00:10+01:00", "2026-11-25T09:05:00+01:00"),
        ("today 08:00", "2026-11-26T10:00+01:00", "2026-11-26T08:00:00+01:00"),
        # The offset in force that day, across a change of the clocks.
        ("yesterday 23:00", "2026-03-29T10:00+02:00", "2026-03-28T23:00:00+01:00"),
        ("yesterday 12:00", "2026-10-26T10:00+01:00", "2026-10-25T12:00:00+01:00"),
        ("today 01:30", "2026-03-29T10:00+02:00", "2026-03-29T01:30:00+01:00"),
    ],
)
def test_at_takes_today_and_yesterday(text, now, meant):
    assert resolve(text, now) == meant


@POSIX
@pytest.mark.parametrize(
    ("text", "now", "words"),
    [
        ("2026-11-20", "2026-11-26T10:00+01:00", ("a date alone", "'2026-11-20 21:00'")),
        ("yesterday", "2026-11-26T10:00+01:00", ("'yesterday 21:00'",)),
        ("today 23:00", "2026-11-26T10:00+01:00", ("still to come",)),
        ("yesterday 25:00", "2026-11-26T10:00+01:00", ("time of day",)),
        ("today 02:30", "2026-03-29T10:00+02:00", ("forward",)),
        ("yesterday 02:30", "2026-10-26T10:00+01:00", ("twice", "+02:00", "+01:00")),
    ],
)
def test_at_refuses_a_date_alone_and_days_without_that_time(text, now, words):
    said = resolve(text, now)
    assert said.startswith("refused: at:"), said
    for word in words:
        assert word in said


def test_a_date_alone_is_not_stored_at_midnight(tmp_path):
    result = run("log", "--before", "6", "--after", "3", "--at", "2026-11-20", journal=tmp_path)
    refused(result, 2, "add the time")
    assert not (tmp_path / "sessions.csv").exists()


# -- show and report: rows that could not be read ------------------------------------------
def unreadable_rows(folder: Path) -> at.Journal:
    """A journal with two readable entries, and pain 11, 30 February and a torn line."""
    journal, session = journal_with_a_session(folder)
    journal.log_rating(4, location="neck")
    path = folder / "sessions.csv"
    row = path.read_text().splitlines()[1]
    day = session.started_at.date().isoformat()
    bad = [
        row.replace(session.id, "s-pain11").replace(",6,3,", ",11,3,"),
        row.replace(session.id, "s-feb30").replace(day, "2026-02-30"),
        "s-torn,2026-11-",
    ]
    with open(path, "a") as file:
        file.write("\n".join(bad) + "\n")
    return journal


def test_show_lists_where_it_hurts(tmp_path):
    journal, _ = journal_with_a_session(tmp_path)
    journal.log_rating(4, location="neck")
    result = run("show", journal=tmp_path)
    assert result.returncode == 0, result.stderr
    header, session, rating = result.stdout.strip().splitlines()
    assert header.split() == ["when", "entry", "id", "what", "where", "pain", "notes"]
    assert "lower-back" in session and "neck" in rating
    assert "could not be read" not in result.stdout


def test_show_ends_with_the_rows_it_could_not_read(tmp_path):
    unreadable_rows(tmp_path)
    assert len(at.Journal(tmp_path).problems()) == 3
    result = run("show", journal=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4  # the header, the two readable entries, and:
    assert lines[-1] == "3 rows could not be read: run acutrack validate"


def test_show_with_no_readable_entry_does_not_say_the_journal_is_empty(tmp_path):
    at.Journal(tmp_path).log_rating(4, notes="pain 11 by hand")
    path = tmp_path / "ratings.csv"
    path.write_text(path.read_text().replace(",4,", ",11,"))
    result = run("show", journal=tmp_path)
    assert result.returncode == 0
    assert "no entries yet" not in result.stdout
    assert result.stdout.strip().splitlines()[-1] == (
        "1 row could not be read: run acutrack validate"
    )


def test_report_ends_with_the_rows_it_could_not_read(tmp_path, monkeypatch, capsys):
    """The command's own line after the report is written (the report is stubbed here:
    its contents are tests/test_report.py's)."""
    from acutrack import report

    unreadable_rows(tmp_path / "j")
    written = []

    def write_report(journal, out, *, since=None, pdf=None, **options):
        written.append(journal.path)
        out.write_text("<html></html>")
        return out

    monkeypatch.setattr(report, "write_report", write_report)
    out = tmp_path / "r.html"
    assert cli.main(["--journal", str(tmp_path / "j"), "report", "--out", str(out)]) == 0
    assert written == [tmp_path / "j"]
    said = capsys.readouterr()
    assert said.out.splitlines() == [
        f"wrote {out}",
        "3 rows could not be read: run acutrack validate",
    ]
    assert said.err == ""
