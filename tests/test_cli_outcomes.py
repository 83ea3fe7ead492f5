"""The outcome measures and the red-flag screen from the command line."""

from __future__ import annotations

import pytest
from test_cli import one_line_error, run

import acutrack as at
from acutrack.screening import QUESTIONS


def test_peg_pgic_and_med_store_what_they_say(tmp_path):
    peg = run("peg", "6", "5", "7", journal=tmp_path)
    assert peg.returncode == 0 and "PEG 6.0 (pain 6, enjoyment 5, activity 7)" in peg.stdout
    med = run("med", "ibuprofen", "400", "mg", "--as-needed", "--at", "08:00", journal=tmp_path)
    assert med.returncode == 0 and "ibuprofen 400 mg (as-needed)" in med.stdout
    assert run("med", "heat pad", journal=tmp_path).returncode == 0
    run("rate", "5", "--at", "2026-06-01T09:00", journal=tmp_path)
    pgic = run("pgic", "6", journal=tmp_path)
    assert pgic.returncode == 0 and "change 6 of 7 since 2026-06-01: Better" in pgic.stdout
    journal = at.Journal(tmp_path)
    assert journal.peg()["score"].tolist() == [6.0]
    assert journal.medications()[["name", "use"]].values.tolist() == [
        ["ibuprofen", "as-needed"],
        ["heat pad", "regular"],
    ]
    assert journal.pgic()["change"].tolist() == [6]


def test_pgic_without_an_answer_lists_the_seven_and_stores_nothing(tmp_path):
    shown = run("pgic", journal=tmp_path)
    assert shown.returncode == 0
    assert "7  A great deal better" in shown.stdout and "1  No change" in shown.stdout
    assert not (tmp_path / "pgic.csv").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("peg", "6", "11", "7"), "enjoyment: '11' is not allowed"),
        (("pgic", "9"), "change: '9' is not allowed"),
        (("med", "ibuprofen", "lots"), "dose: 'lots' is not allowed"),
        (("screen", "--yes", "headache"), "no question is called 'headache'"),
        (("screen",), "no terminal to ask"),
    ],
)
def test_bad_input_is_one_line_and_stores_nothing(tmp_path, args, words):
    one_line_error(run(*args, journal=tmp_path), 2, words)
    assert not any(tmp_path.glob("*.csv"))


def test_the_screen_reminds_log_and_rate_and_an_urgent_answer_stands(tmp_path):
    logged = run("log", "--before", "6", "--after", "3", journal=tmp_path)
    assert "red-flag screen is due" in logged.stdout.splitlines()[-1]
    screen = run("screen", "--yes", "saddle_numbness", journal=tmp_path)
    assert screen.returncode == 0
    assert "EMERGENCY: ACT NOW: Call your local emergency number" in screen.stdout
    assert "act at once" in screen.stdout and "not a diagnosis" in screen.stdout
    rated = run("rate", "4", journal=tmp_path)
    assert "Call your local emergency number" in rated.stdout.splitlines()[-1]
    one_line_error(run("plan", "--new", journal=tmp_path), 1, "no new plan", "paused")
    clear = run("screen", "--none", journal=tmp_path)
    assert "no warning signs today" in clear.stdout
    assert len(run("rate", "3", journal=tmp_path).stdout.splitlines()) == 1
    answers = at.Journal(tmp_path).screens()
    assert answers["saddle_numbness"].tolist() == ["yes", "no"]
    assert set(answers[[q.name for q in QUESTIONS]].iloc[1]) == {"no"}


def test_the_screen_asks_each_question_on_a_terminal(tmp_path):
    # A pseudo-terminal stands in for a person typing y or n.
    pty = pytest.importorskip("pty")  # POSIX only; --yes and --none serve elsewhere
    import os
    import subprocess
    import sys

    leader, follower = pty.openpty()
    answers = "".join("y\n" if q.name == "night_pain" else "n\n" for q in QUESTIONS)
    proc = subprocess.Popen(
        [sys.executable, "-m", "acutrack", "--journal", str(tmp_path), "screen"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.write(leader, ("maybe\n" + answers).encode())
    out, err = proc.communicate(timeout=60)
    os.close(leader)
    os.close(follower)
    assert proc.returncode == 0, err
    assert "SEE YOUR DOCTOR SOON: See your doctor soon" in out
    assert err.count("[y/n]") == len(QUESTIONS) + 1  # the unclear answer was asked again
    assert at.Journal(tmp_path).screens()["night_pain"].tolist() == ["yes"]


def prompted(command: str, folder, keys: bytes, interrupt: bool):
    """Run ``acutrack command`` on a pseudo-terminal; type ``keys``, then, when ``interrupt``,
    press Ctrl-C at the next question (SIGINT, as a terminal sends it)."""
    pty = pytest.importorskip("pty")  # POSIX only
    import os
    import signal
    import subprocess
    import sys

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "acutrack", "--journal", str(folder), *command.split()],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        os.write(leader, keys)
        err = b""
        while interrupt and err.count(b"? [") <= keys.count(b"\n"):
            chunk = os.read(proc.stderr.fileno(), 4096)  # wait for the next question
            assert chunk, "the command ended before its question"
            err += chunk
        if interrupt:
            proc.send_signal(signal.SIGINT)
        out, rest = proc.communicate(timeout=60)
    finally:
        os.close(leader)
        os.close(follower)
    return proc.returncode, out.decode(), (err + rest).decode()


@pytest.mark.parametrize(
    ("keys", "interrupt", "status", "said"),
    [
        (b"n\n\x04", False, 2, "the screen was not finished; nothing was stored"),  # Ctrl-D
        (b"n\nn\n", True, 130, "acutrack screen: interrupted"),  # Ctrl-C
    ],
)
def test_a_screen_left_halfway_stores_nothing_and_says_so(tmp_path, keys, interrupt, status, said):
    code, out, err = prompted("screen", tmp_path, keys, interrupt)
    assert code == status and "stored" not in out
    assert "Traceback" not in err and err.rstrip().splitlines()[-1].endswith(said)
    assert at.Journal(tmp_path).screens().empty


def test_ctrl_c_at_the_delete_question_keeps_the_entry(tmp_path):
    session = at.Journal(tmp_path).log_session(6, 3)
    code, out, err = prompted(f"delete {session.id}", tmp_path, b"", interrupt=True)
    assert code == 130 and "deleted" not in out and "Traceback" not in err
    assert err.rstrip().endswith("interrupted")
    assert at.Journal(tmp_path).sessions()["id"].tolist() == [session.id]


@pytest.mark.parametrize("value", ["abc", "nan", "-1", "inf"])
def test_a_bad_lock_timeout_is_one_line(tmp_path, value):
    from conftest import subprocess_env

    result = run("rate", "4", journal=tmp_path, env=subprocess_env(ACUTRACK_LOCK_TIMEOUT=value))
    one_line_error(result, 2, "ACUTRACK_LOCK_TIMEOUT", "seconds")
    assert not (tmp_path / "ratings.csv").exists()


def test_the_profile_is_shown_and_set(tmp_path):
    assert "anonymous" in run("profile", journal=tmp_path).stdout
    set_ = run("profile", "--name", "Sam Doe", "--id", "A-17", journal=tmp_path)
    assert set_.stdout.splitlines() == ["name: Sam Doe", "patient id: A-17"]
    assert at.Journal(tmp_path).profile() == {"name": "Sam Doe", "patient_id": "A-17"}


def test_any_entry_is_corrected_with_set_and_deleted(tmp_path):
    stored = run("peg", "6", "5", "7", journal=tmp_path).stdout.split()[1]
    fixed = run("correct", stored, "--set", "enjoyment=2", "--note", "misread", journal=tmp_path)
    assert fixed.returncode == 0 and "PEG 5.0 (pain 6, enjoyment 2, activity 7)" in fixed.stdout
    one_line_error(run("correct", stored, "--stress", "3", journal=tmp_path), 2, "--set")
    one_line_error(run("correct", stored, "--set", "joy=2", journal=tmp_path), 2, "joy")
    screen = run("screen", "--yes", "fever", journal=tmp_path).stdout.split()[1]
    assert run("correct", screen, "--set", "fever=no", journal=tmp_path).returncode == 0
    assert at.Journal(tmp_path).screens()["fever"].tolist() == ["no"]
    assert run("delete", stored, "--yes", journal=tmp_path).returncode == 0
    table = at.Journal(tmp_path).peg()
    assert table.empty
    lines = (tmp_path / "peg.csv").read_text().splitlines()
    assert [line.split(",")[-2] for line in lines[1:]] == ["add", "correct", "delete"]


def test_show_lists_every_kind_of_entry_with_its_id(tmp_path):
    ids = {
        kind: run(*args, journal=tmp_path).stdout.split()[idx]
        for kind, args, idx in (
            ("session", ("log", "--before", "6", "--after", "3", "--at", "08:00"), 2),
            ("PEG", ("peg", "6", "5", "7", "--at", "08:05"), 1),
            ("medicine", ("med", "ibuprofen", "400", "mg", "--as-needed", "--at", "08:10"), 1),
            ("screen", ("screen", "--yes", "fever", "--at", "08:15"), 1),
            ("change", ("pgic", "4", "--at", "08:20"), 1),
        )
    }
    lines = run("show", journal=tmp_path).stdout.splitlines()[1:]
    assert [line.split()[2:4] for line in lines] == [[kind, i] for kind, i in ids.items()]
    assert "PEG 6.0 (enjoyment 5, activity 7)" in lines[1]
    assert "ibuprofen 400 mg (as-needed)" in lines[2]
    assert "red-flag screen: yes to a fever with your back pain" in lines[3]
    assert "change 4 of 7" in lines[4]
    last = run("show", "--last", "2", journal=tmp_path).stdout.splitlines()[1:]
    assert [line.split()[3] for line in last] == [ids["screen"], ids["change"]]


@pytest.mark.parametrize(
    ("args", "value"),
    [
        (("med", "Ibu\nstored r-0000000000 pain 0", "200", "mg"), "Ibu\\x0astored"),
        (("profile", "--name", "Sam\npatient id: NHS 1"), "Sam\\x0apatient id"),
        (("med", "Ibu", "--note", "one\rtwo"), "stored m-"),
    ],
)
def test_a_line_break_in_a_value_cannot_forge_an_output_line(tmp_path, args, value):
    result = run(*args, journal=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1 and value in result.stdout
    assert "\r" not in result.stdout


@pytest.mark.parametrize("since", ["2099-01-01", "1900-01-01", "2026-12-08"])
def test_pgic_since_is_a_day_before_the_answer(tmp_path, since):
    from conftest import subprocess_env

    env = subprocess_env(ACUTRACK_TEST_NOW="2026-12-07T10:00:00+00:00")
    one_line_error(run("pgic", "4", "--since", since, journal=tmp_path, env=env), 2, "since")
    assert not (tmp_path / "pgic.csv").exists()
    assert run("pgic", "4", "--since", "2026-12-07", journal=tmp_path, env=env).returncode == 0
