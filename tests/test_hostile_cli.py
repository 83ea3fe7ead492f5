"""Hostile input to the `acutrack` command: every bad value is one line, nothing is written.

Each command runs as a person runs it, in a subprocess. A refusal is one line on stderr
with exit status 2 (usage) or 1 (data), never a traceback, and leaves every file as it was.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
from test_cli import one_line_error, run

import acutrack as at

POSIX = pytest.mark.skipif(os.name != "posix", reason="file modes and TZ are POSIX")
# What a terminal obeys rather than shows: C0 and C1 controls, DEL.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
HOSTILE_NOTE = "\x1b[2J\x1b[31mred\x9b1m\x07bell"


def refused(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    """``result`` is a one-line refusal with status ``code`` naming ``words``."""
    one_line_error(result, code, *words)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``folder``: its mode and bytes (to show nothing was written)."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mode, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- lab ---------------------------------------------------------------------------------
FAKE_LAB = """
import json, os, sys
print(json.dumps({"argv": sys.argv, "token": os.environ.get("JUPYTER_TOKEN"),
                  "home": os.environ.get("ACUTRACK_HOME")}))
"""


@pytest.fixture
def fake_lab(tmp_path):
    """An environment in which ``python -m jupyterlab`` prints how it was started and stops."""
    package = tmp_path / "fake" / "jupyterlab"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(FAKE_LAB)
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "fake"))
    env.pop("JUPYTER_TOKEN", None)
    return env


@pytest.mark.parametrize("port", ["80000", "-5", "0", "65536"])
def test_lab_refuses_a_port_out_of_range_and_starts_nothing(tmp_path, fake_lab, port):
    result = run("lab", "--no-browser", "--port", port, journal=tmp_path / "j", env=fake_lab)
    refused(result, 2, "port", "1 to 65535")


@pytest.mark.parametrize("port", [None, "8123"])
@pytest.mark.parametrize("token", [None, "", "my own token/+"])
def test_lab_prints_a_url_that_opens_the_lab(tmp_path, fake_lab, port, token):
    if token is not None:
        fake_lab["JUPYTER_TOKEN"] = token
    options = ["--port", port] if port else []
    result = run("lab", "--no-browser", *options, journal=tmp_path / "j", env=fake_lab)
    assert result.returncode == 0, result.stderr
    said, started = result.stdout.strip().splitlines()
    started = json.loads(started)
    (listening,) = [a for a in started["argv"] if a.startswith("--ServerApp.port=")]
    chosen = listening.split("=")[1]
    assert port in (None, chosen)
    assert "--ServerApp.port_retries=0" in started["argv"]  # the printed port stays true
    first = "/lab/tree/01_log_a_session.ipynb"  # the kit opens on the logging notebook
    url = f"http://127.0.0.1:{chosen}{first}?token={quote(started['token'], safe='')}"
    assert url in said
    assert f"--LabApp.default_url={first}" in started["argv"]
    assert started["token"] == token if token else len(started["token"]) >= 24
    assert started["token"] not in " ".join(started["argv"])  # not visible to other users


def test_lab_hands_the_kernel_an_absolute_journal(tmp_path, fake_lab):
    result = run("lab", "--no-browser", journal="relative", env=fake_lab, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    home = json.loads(result.stdout.splitlines()[-1])["home"]
    assert Path(home) == tmp_path / "relative"  # the kernel runs in another folder


# -- plan --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--start", "9999-12-31", ("start", "9999-12-31")),
        ("--start", "9999-01-01", ("start",)),
        ("--start", "1900-01-01", ("start", "1900-01-01")),
        ("--start", "0001-01-01", ("start",)),
        ("--start", "1970-01-01", ("start",)),
        ("--seed", "-1", ("seed", "-1")),
        ("--seed", "2147483648", ("seed",)),
        ("--seed", "100000000000000000000", ("seed",)),
    ],
)
def test_plans_that_could_not_be_read_back_are_refused(tmp_path, option, value, words):
    journal = tmp_path / "j"
    result = run("plan", "--new", option, value, journal=journal)
    refused(result, 2, *words)
    assert not journal.exists()


def test_plan_ics_into_a_missing_folder_stores_no_plan(tmp_path):
    journal = tmp_path / "j"
    result = run("plan", "--new", "--ics", str(tmp_path / "missing" / "p.ics"), journal=journal)
    refused(result, 1, "missing")
    assert not journal.exists() and not (tmp_path / "missing").exists()
    folder = tmp_path / "a-folder.ics"
    folder.mkdir()
    refused(run("plan", "--new", "--ics", str(folder), journal=journal), 1)
    assert not journal.exists() and list(folder.iterdir()) == []


def test_plan_ics_of_a_failed_plan_is_not_written(tmp_path):
    ics = tmp_path / "p.ics"
    refused(run("plan", "--new", "--weeks", "99", "--ics", str(ics), journal=tmp_path / "j"), 2)
    assert sorted(tmp_path.iterdir()) == []


@POSIX
def test_ics_is_private_under_umask_000(tmp_path):
    new, old = tmp_path / "new.ics", tmp_path / "old.ics"
    old.write_text("an old calendar")
    old.chmod(0o644)
    journal = tmp_path / "j"
    assert run("plan", "--new", "--ics", str(new), journal=journal, umask=0).returncode == 0
    assert run("plan", "--ics", str(old), journal=journal, umask=0).returncode == 0
    assert (mode(new), mode(old)) == (0o600, 0o600)
    assert old.read_text().count("BEGIN:VEVENT") == 16
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@POSIX
def test_plan_slots_keep_their_hour_across_a_daylight_saving_change(tmp_path):
    journal = tmp_path / "j"
    env = dict(os.environ, TZ="Europe/Berlin")
    made = run(
        *("plan", "--new", "--start", "2026-03-23", "--weeks", "2", "--anyway"),
        journal=journal,
        env=env,
    )
    assert made.returncode == 0, made.stderr
    dues = {s.due.isoformat() for s in at.plan_slots(at.Journal(journal))}
    assert {d[10:] for d in dues} == {"T19:00:00+01:00", "T19:00:00+02:00"}
    assert all(d[10:] == "T19:00:00+02:00" for d in dues if d >= "2026-03-29")


@pytest.mark.parametrize("name", ["sessions.csv", "plan.csv", "journal.json"])
def test_reports_and_calendars_never_replace_a_journal_file(tmp_path, name):
    journal = tiny_journal(tmp_path / "j")
    at.make_plan(journal, weeks=1, sessions_per_week=2, anyway=True)
    before = snapshot(tmp_path)
    target = str(journal.path / name)
    refused(run("report", "--out", target, journal=journal.path), 2, name)
    refused(run("report", "--pdf", target, journal=journal.path, cwd=tmp_path), 2, name)
    refused(run("plan", "--new", "--ics", target, journal=journal.path), 2, name)
    assert snapshot(tmp_path) == before


def test_plan_ics_without_a_plan_writes_nothing(tmp_path):
    result = run("plan", "--ics", str(tmp_path / "p.ics"), journal=tmp_path / "j")
    assert result.returncode == 0 and "no plan yet" in result.stdout
    assert not (tmp_path / "p.ics").exists()


# -- sample ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--real-advantage", "nan"), ("real_advantage", "nan")),
        (("--real-advantage", "inf"), ("real_advantage",)),
        (("--real-advantage=-inf",), ("real_advantage",)),
        (("--real-advantage", "1e400"), ("real_advantage",)),
        (("--real-advantage", "11"), ("real_advantage", "-10 to 10")),
        (("--seed", "-5"), ("seed", "-5")),
        (("--seed", "2147483648"), ("seed",)),
    ],
)
def test_sample_refuses_bad_settings_before_writing(tmp_path, args, words):
    out = tmp_path / "s"
    refused(run("sample", "--out", str(out), *args), 2, *words)
    assert not out.exists()


# -- report ------------------------------------------------------------------------------
def tiny_journal(folder: Path) -> at.Journal:
    """Three sessions on one morning: one week of data, a single point on a date axis."""
    journal = at.Journal(folder)
    start = datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    for minutes in (0, 30, 60):
        journal.log_session(6, 3, started_at=start + timedelta(minutes=minutes))
    return journal


@pytest.mark.parametrize("which", ["sample", "tiny"])
@pytest.mark.slow
def test_report_says_nothing_on_stderr(tmp_path, which):
    journal = at.sample_journal().path if which == "sample" else tiny_journal(tmp_path / "j").path
    result = run("report", "--out", str(tmp_path / "r.html"), "--pdf", journal=journal, timeout=120)
    assert result.returncode == 0 and result.stderr == ""


@POSIX
@pytest.mark.slow
def test_report_files_are_private_under_umask_000(tmp_path):
    journal = tiny_journal(tmp_path / "j").path
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    assert run("report", "--out", str(html), "--pdf", journal=journal, umask=0).returncode == 0
    assert (mode(html), mode(pdf)) == (0o600, 0o600)
    html.chmod(0o644)
    pdf.chmod(0o666)
    assert run("report", "--out", str(html), "--pdf", journal=journal, umask=0).returncode == 0
    assert (mode(html), mode(pdf)) == (0o600, 0o600)
    assert pdf.read_bytes().startswith(b"%PDF") and b"<html" in html.read_bytes()


@pytest.mark.parametrize(
    "paths", [("same.pdf", None), ("a.html", "a.html"), ("a.html", "./sub/../a.html")]
)
def test_report_refuses_one_file_for_html_and_pdf(tmp_path, paths):
    (tmp_path / "sub").mkdir()
    html, pdf = paths
    option = ["--pdf"] if pdf is None else ["--pdf", pdf]
    result = run("report", "--out", html, *option, journal=at.sample_journal().path, cwd=tmp_path)
    refused(result, 2, "pdf")
    assert [p.name for p in tmp_path.iterdir()] == ["sub"]


def test_report_into_a_missing_folder_writes_nothing(tmp_path):
    result = run(
        "report",
        *("--out", str(tmp_path / "r.html"), "--pdf", str(tmp_path / "missing" / "r.pdf")),
        journal=at.sample_journal().path,
    )
    refused(result, 1, "missing")
    assert list(tmp_path.iterdir()) == []


# -- show and validate -------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("show", "--last", "1_0"),
        ("plan", "--new", "--weeks", "1_0"),
        ("plan", "--new", "--seed", "1e3"),
        ("lab", "--port", "８０８０"),
        ("--journal", "", "rate", "3"),
        ("sample", "--out", ""),
        ("report", "--out", ""),
    ],
)
def test_odd_numbers_and_empty_paths_are_usage_errors(tmp_path, args):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2 and "usage: acutrack" in result.stderr, result
    assert "Traceback" not in result.stderr and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("last", ["0", "-3"])
def test_show_last_must_be_at_least_one(tmp_path, last):
    result = run("show", "--last", last, journal=tmp_path / "j")
    assert result.returncode == 2 and result.stdout == ""
    assert "usage: acutrack show" in result.stderr and "--last" in result.stderr


def hostile_journal(folder: Path) -> at.Journal:
    journal = at.Journal(folder)
    session = journal.log_session(6, 3, notes=HOSTILE_NOTE)
    journal.log_rating(4, session_id=session.id, notes="\x1b]0;title\x07\u202eevil")
    return journal


def assert_escaped(text: str) -> None:
    assert not RAW_CONTROL.search(text) and "\u202e" not in text, repr(text)
    assert "\\x1b" in text


def test_show_escapes_terminal_controls(tmp_path):
    journal = hostile_journal(tmp_path / "j")
    result = run("show", journal=journal.path)
    assert result.returncode == 0, result.stderr
    assert_escaped(result.stdout)
    assert "\\x1b[2J\\x1b[31mred\\x9b1m\\x07bell" in result.stdout


def test_log_and_rate_escape_what_they_echo(tmp_path):
    result = run("rate", "3", "--location", "\x1b[2Jback", journal=tmp_path / "j")
    assert result.returncode == 0, result.stderr
    assert_escaped(result.stdout)


def test_points_escape_a_users_point(tmp_path):
    at.Journal(tmp_path).add_point("MY1", "my \x1b[2J point", location="\x1b[31mhere")
    result = run("points", journal=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_escaped(result.stdout)


def test_validate_escapes_terminal_controls_in_bad_cells(tmp_path):
    journal = hostile_journal(tmp_path)
    path = journal.path / "sessions.csv"
    path.write_text(path.read_text().replace(",6,3,", ",\x1b[2J6,3,"))
    before = snapshot(tmp_path)
    result = run("validate", journal=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert_escaped(result.stdout)
    assert snapshot(tmp_path) == before


def test_error_messages_escape_terminal_controls(tmp_path):
    folder = tmp_path / "j\x1b[2J"
    folder.mkdir()
    (folder / "journal.json").write_text('{"schema_version": 99}')
    result = run("rate", "3", journal=folder)
    refused(result, 1, "newer acutrack")
    assert_escaped(result.stderr)


def latin1_journal(folder: Path) -> at.Journal:
    journal = at.Journal(folder)
    journal.log_session(6, 3, notes="cafe")
    journal.log_rating(4, notes="ok")
    path = folder / "sessions.csv"
    path.write_bytes(path.read_bytes().replace(b"cafe", b"caf\xe9 \x1b[31m"))
    return journal


def test_validate_prints_latin1_bytes_escaped(tmp_path):
    latin1_journal(tmp_path)
    result = run("validate", journal=tmp_path, env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "caf\\xe9" in result.stdout
    assert_escaped(result.stdout)


@pytest.mark.parametrize("command", ["show", "report"])
def test_latin1_bytes_do_not_crash_show_or_report(tmp_path, command):
    journal = latin1_journal(tmp_path / "j")
    result = run(command, journal=journal.path, cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


def test_show_survives_a_terminal_that_cannot_show_unicode(tmp_path):
    journal = hostile_journal(tmp_path / "j")
    journal.log_rating(2, notes="slept badly 😴")
    result = run("show", journal=journal.path, env=dict(os.environ, PYTHONIOENCODING="ascii"))
    assert result.returncode == 0, result.stderr
    assert "6 \\u2192 3" in result.stdout


# -- --at --------------------------------------------------------------------------------
RESOLVE = """
import sys
from datetime import datetime
from acutrack.cli import _time
from acutrack.errors import InvalidValue
try:
    when = _time(sys.argv[1], datetime.fromisoformat(sys.argv[2]))
except InvalidValue as err:
    print("refused:", err)
else:
    print(when if isinstance(when, str) else when.isoformat())
"""


def resolve(text: str, now: str, tz: str = "Europe/Berlin") -> str:
    """What ``--at text`` means at ``now`` on a computer whose time zone is ``tz``."""
    result = subprocess.run(
        [sys.executable, "-c", RESOLVE, text, now],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, TZ=tz),
    )
    return result.stdout.strip()


@POSIX
@pytest.mark.parametrize(
    ("text", "now", "meant"),
    [
        # The most recent past occurrence: at half past midnight, 23:00 was yesterday.
        ("23:00", "2026-11-26T00:30+01:00", "2026-11-25T23:00:00+01:00"),
        ("00:30", "2026-11-26T00:30+01:00", "2026-11-26T00:30:00+01:00"),
        ("9:05", "2026-11-26T10:00+01:00", "2026-11-26T09:05:00+01:00"),
        # Spring forward (02:00 -> 03:00 on 29 March): the offset in force at that time.
        ("01:30", "2026-03-29T10:00+02:00", "2026-03-29T01:30:00+01:00"),
        ("03:30", "2026-03-29T10:00+02:00", "2026-03-29T03:30:00+02:00"),
        ("23:00", "2026-03-29T01:00+01:00", "2026-03-28T23:00:00+01:00"),
        ("23:00", "2026-03-29T04:00+02:00", "2026-03-28T23:00:00+01:00"),
        # Fall back (03:00 -> 02:00 on 25 October): 02:30 happened twice.
        ("02:30", "2026-10-25T12:00+01:00", "2026-10-25T02:30:00+01:00"),
        ("02:40", "2026-10-25T02:10+01:00", "2026-10-25T02:40:00+02:00"),
        ("02:05", "2026-10-25T02:10+02:00", "2026-10-25T02:05:00+02:00"),
        ("01:30", "2026-10-25T12:00+01:00", "2026-10-25T01:30:00+02:00"),
        # A full time without an offset: the offset in force then.
        ("2026-07-01T09:30", "2026-11-26T10:00+01:00", "2026-07-01T09:30:00+02:00"),
        ("2026-10-25T01:30", "2026-11-26T10:00+01:00", "2026-10-25T01:30:00+02:00"),
        # With an offset: as given, for the journal to check.
        ("2026-07-01T09:30+05:30", "2026-11-26T10:00+01:00", "2026-07-01T09:30+05:30"),
    ],
)
def test_at_means_the_most_recent_past_occurrence(text, now, meant):
    assert resolve(text, now) == meant


@POSIX
@pytest.mark.parametrize(
    ("text", "now", "words"),
    [
        ("02:30", "2026-03-29T10:00+02:00", ("02:30", "2026-03-29", "forward")),
        ("02:30", "2026-03-30T01:00+02:00", ("2026-03-29", "forward")),
        ("2026-03-29T02:30", "2026-11-26T10:00+01:00", ("forward",)),
        ("2026-10-25T02:30", "2026-11-26T10:00+01:00", ("twice", "+02:00", "+01:00")),
    ],
)
def test_at_refuses_a_local_time_that_did_not_happen_or_happened_twice(text, now, words):
    said = resolve(text, now)
    assert said.startswith("refused: at:")
    for word in words:
        assert word in said


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00+00:00",
        "9999-12-31T23:59+00:00",
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "0001-01-01",
        "9999-12-31",
        "1969-12-31T23:59",
        "2026-02-30T10:00",
        "24:00",
        "23:60",
        "-1:00",
        "",
        " ",
        "\x1b[2J",
        "１２:３０",
        "2026-11-20T10:00+25:00",
        "10:00+01:00",
        "9" * 5000,
    ],
)
def test_no_at_text_gives_a_traceback(tmp_path, text):
    journal = tmp_path / "j"
    result = run("rate", "3", f"--at={text}", journal=journal)
    if result.returncode == 0:
        return
    refused(result, 2)
    assert not journal.exists()
