"""The `acutrack` command, run as a person runs it: through `main` in this process, and
in a process of its own where starting, exit codes, encodings or servers are tested."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

import acutrack as at
from acutrack.sample import SAMPLE_DIR

COMMANDS = (
    "log",
    "rate",
    "show",
    "routines",
    "points",
    "validate",
    "sample",
    "lab",
    "peg",
    "pgic",
    "med",
    "screen",
    "profile",
    "export",
    "import",
    "app",
)


#: "Now" for tests that give the command a time of their own: after every time they give.
TEST_NOW = "2026-11-25T12:00:00+00:00"

# What only a process of its own shows: servers started, and how Python itself starts
# (its encoding and locale), which a run inside the test's process cannot change.
_OWN_PROCESS_COMMANDS = {"lab", "app"}
_OWN_PROCESS_ENV = ("PYTHON", "LC_", "LANG")


def run(*args: str, journal=None, process: bool = False, **options) -> subprocess.CompletedProcess:
    """Run ``acutrack`` with these arguments, as a person runs it, and return what it said.

    In this test's process, through `acutrack.cli.main` (`in_process`), unless ``process``
    or the command needs a process of its own (it starts a server, or ``env`` changes
    how Python starts): then in a subprocess. ``options`` are those of `subprocess.run`
    (``env``, ``cwd``, ``umask``, ``stdin``, ``timeout``).
    """
    argv = [*(["--journal", str(journal)] if journal else []), *args]
    changed = {k for k, v in (options.get("env") or {}).items() if os.environ.get(k) != v}
    if (
        process
        or _OWN_PROCESS_COMMANDS & set(args)
        or any(k.startswith(_OWN_PROCESS_ENV) for k in changed)
        or ("TZ" in changed and not hasattr(time, "tzset"))
    ):
        return subprocess.run(
            [sys.executable, "-m", "acutrack", *argv],
            capture_output=True,
            text=True,
            **{"timeout": 60, **options},
        )
    options.pop("timeout", None)
    return in_process(argv, **options)


def _tzset() -> None:
    if hasattr(time, "tzset"):  # POSIX; elsewhere TZ is read when Python starts
        time.tzset()


def in_process(argv, *, env=None, cwd=None, umask=None, stdin=None):
    """`acutrack.cli.main(argv)` with its own environment, folder, umask and empty input
    (no terminal, as in a script), its output captured; warnings print as in a process."""
    import contextlib
    import io
    import warnings

    from acutrack.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    old_mask = None
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
            _tzset()  # a TZ of its own, as a new process would read it
        if cwd is not None:
            os.chdir(cwd)
        if umask is not None:
            old_mask = os.umask(umask)
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("always")  # as a fresh process shows every warning
            saved_stdin, sys.stdin = sys.stdin, io.StringIO("")
            try:
                code = main(list(argv))
            except SystemExit as exit_:  # argparse: --help, or a mistake in the arguments
                code = exit_.code if isinstance(exit_.code, int) else 1
            finally:
                sys.stdin = saved_stdin
    finally:
        if old_mask is not None:
            os.umask(old_mask)
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        _tzset()
    return subprocess.CompletedProcess(["acutrack", *argv], code, out.getvalue(), err.getvalue())


def one_line_error(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert result.returncode == code, result
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: acutrack {command}")
    assert "--journal" in result.stdout


def test_log_rate_show_validate(tmp_path):
    j = tmp_path / "j"
    # A process of its own, as a person runs it (most tests run `main` in-process).
    logged = run(
        "log", "--before", "6", "--after", "3", "--routine", "back", journal=j, process=True
    )
    assert logged.returncode == 0, logged.stderr
    session = at.Journal(j).sessions().iloc[0]
    assert logged.stdout.strip().startswith(f"stored session {session['id']} ")
    assert "back (real) pain 6 → 3, 2.5 min" in logged.stdout
    # A new journal has no red-flag screen yet: one line says so, and nothing asks.
    assert logged.stdout.strip().splitlines()[1:] == [
        "The red-flag screen is due (a minute, 10 questions): run `acutrack screen`."
    ]

    sham = run(
        *("log", "--before", "5", "--after", "4", "--routine", "custom", "--condition", "sham"),
        *("--points", "BL23", "gb30", "--minutes", "4", "--at", "2026-11-20T21:00+01:00"),
        *("--location", "buttock-leg", "--note", '=tired, "really"'),
        journal=j,
        env=dict(os.environ, ACUTRACK_TEST_NOW=TEST_NOW),
    )
    assert sham.returncode == 0, sham.stderr
    row = at.Journal(j).sessions().iloc[0]  # the earlier start sorts first
    assert (row["points"], row["condition"], row["duration_min"]) == (("BL23", "GB30"), "sham", 4)
    assert (row["location"], row["notes"]) == ("buttock-leg", '=tired, "really"')

    rated = run("rate", "4", "--after-session", session["id"], "--stress", "6", journal=j)
    assert rated.returncode == 0, rated.stderr
    rating = at.Journal(j).ratings().iloc[0]
    assert rated.stdout.startswith(f"stored rating {rating['id']} ")
    assert (rating["pain"], rating["stress"], rating["session_id"]) == (4, 6, session["id"])

    shown = run("show", "--last", "2", journal=j)
    assert shown.returncode == 0
    lines = shown.stdout.strip().splitlines()
    assert len(lines) == 3 and lines[0].split()[:3] == ["when", "entry", "id"]
    assert session["id"] in lines[1] and rating["id"] in lines[2]

    clean = run("validate", journal=j)
    assert (clean.returncode, clean.stdout.strip()) == (0, f"no problems in {j}")


def test_validate_reports_problems_with_exit_1(tmp_path):
    at.Journal(tmp_path).log_session(5, 3)
    path = tmp_path / "sessions.csv"
    path.write_text(path.read_text().replace(",5,3,", ",55,3,"))
    result = run("validate", journal=tmp_path, process=True)
    assert result.returncode == 1
    header, row, summary = result.stdout.strip().splitlines()
    assert header.split() == ["file", "line", "field", "value", "why"]
    assert row.split()[:4] == ["sessions.csv", "2", "pain_before", "55"]
    assert summary.startswith("1 problem in")


def test_journal_defaults_to_acutrack_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ACUTRACK_HOME", str(tmp_path / "home-journal"))
    assert run("rate", "3").returncode == 0
    assert len(at.Journal(tmp_path / "home-journal").ratings()) == 1


def test_empty_journal_show_says_so(tmp_path):
    result = run("show", journal=tmp_path / "none")
    assert result.returncode == 0 and "no entries yet" in result.stdout


def test_routines_and_points_list_the_catalog(tmp_path):
    routines = run("routines", journal=tmp_path)
    assert routines.returncode == 0
    keys = [line.split()[0] for line in routines.stdout.strip().splitlines()[1:]]
    assert keys == list(at.ROUTINES)
    at.Journal(tmp_path).add_routine("mine", ["GB30"], seconds_per_point=20)
    assert "mine" in run("routines", journal=tmp_path).stdout
    points = run("points", journal=tmp_path)
    assert points.returncode == 0
    for code, point in at.POINTS.items():
        assert f"{code} {point.name}" in points.stdout
    assert "spine" in points.stdout


@pytest.mark.slow
def test_sample_writes_the_generator_output(tmp_path):
    result = run("sample", "--out", str(tmp_path / "s"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s" / "sessions.csv").read_bytes() == (
        SAMPLE_DIR / "sessions.csv"
    ).read_bytes()
    again = run("sample", "--out", str(tmp_path / "s"))
    one_line_error(again, 2, "already holds a journal")
    other = run("sample", "--out", str(tmp_path / "t"), "--seed", "3", "--real-advantage", "0")
    assert other.returncode == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("log", "--before", "11", "--after", "3"), ("pain_before", "'11'", "0 to 10")),
        (("log", "--before", "seven", "--after", "3"), ("pain_before", "'seven'")),
        (("log", "--before", "6", "--after", "-1"), ("pain_after",)),
        (("log", "--before", "6", "--after", "3", "--routine", "yoga"), ("routine", "'yoga'")),
        (("log", "--before", "6", "--after", "3", "--condition", "maybe"), ("condition",)),
        (("log", "--before", "6", "--after", "3", "--points", "XX9"), ("points", "XX9")),
        (("log", "--before", "6", "--after", "3", "--minutes", "0"), ("duration_min",)),
        (("log", "--before", "6", "--after", "3", "--at", "2026-11-27T10:00"), ("started_at",)),
        (("log", "--before", "6", "--after", "3", "--at", "25:61"), ("at", "HH:MM")),
        (("rate", "12"), ("pain", "'12'")),
        (("rate", "3", "--stress", "x"), ("stress",)),
        (("rate", "3", "--after-session", "not an id"), ("--after-session", "'not an id'")),
    ],
)
def test_bad_values_are_one_line_with_status_2(tmp_path, args, words):
    # "Now" is TEST_NOW: 27 Nov is more than a day ahead of it, whatever today's date.
    result = run(*args, journal=tmp_path / "j", env=dict(os.environ, ACUTRACK_TEST_NOW=TEST_NOW))
    one_line_error(result, 2, *words)
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "j").exists()


@pytest.mark.parametrize(
    "args",
    [(), ("frobnicate",), ("log", "--before", "3"), ("rate",), ("show", "--last", "many")],
)
def test_usage_errors_exit_2(args):
    result = run(*args, process=True)
    assert result.returncode == 2
    assert "usage: acutrack" in result.stderr and "Traceback" not in result.stderr


def test_data_problems_exit_1(tmp_path):
    (tmp_path / "journal.json").write_text('{"schema_version": 99}')
    newer = run("rate", "3", journal=tmp_path, process=True)
    one_line_error(newer, 1, "newer acutrack")
    damaged = tmp_path / "d"
    damaged.mkdir()
    (damaged / "ratings.csv").write_text("id,rated_at\n")
    one_line_error(run("rate", "3", journal=damaged), 1, "the header lacks")


FAST = """
import sys
from acutrack.cli import main
status = main(sys.argv[1:])
heavy = sorted(m for m in ("pandas", "matplotlib", "numpy", "scipy") if m in sys.modules)
print(status, heavy)
"""


@pytest.mark.parametrize(
    "args", [("log", "--before", "6", "--after", "3"), ("rate", "4", "--stress", "2")]
)
def test_logging_imports_neither_pandas_nor_matplotlib(tmp_path, args):
    result = subprocess.run(
        [sys.executable, "-c", FAST, "--journal", str(tmp_path), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []"


def test_a_parser_of_one_subcommand_knows_every_command():
    """`acutrack log` builds its own subcommand's parser alone; the list it checks against
    must name every command the whole parser has."""
    from acutrack import cli

    whole = cli._parser()
    [sub] = [a for a in whole._actions if a.dest == "command"]
    assert set(sub.choices) == set(cli._COMMANDS)
    assert cli._wanted(["--journal", "log", "rate", "4"]) == "rate"
    assert cli._wanted(["--journal=j", "log", "--before", "6"]) == "log"
    assert cli._wanted(["--help"]) is None and cli._wanted(["nonsense"]) is None


def test_unknown_commands_and_top_level_help_still_list_every_command(tmp_path):
    result = run("nonsense", journal=tmp_path)
    assert result.returncode == 2 and "invalid choice" in result.stderr
    assert all(c in result.stderr for c in ("log", "report", "lab"))
    assert all(c in run("--help").stdout for c in ("validate", "sample", "plan"))
