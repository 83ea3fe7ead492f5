"""The journal where POSIX is missing: Windows' rules imitated on this machine.

CI runs the suite on Linux, macOS and Windows (``.github/workflows/ci.yml``), but the CI
that counts (``.ci/run``) runs on Linux. So these tests hand acutrack's modules an ``os``
that behaves as Windows' does wherever acutrack's code could tell: ``os.name`` is
``"nt"``, the POSIX-only calls are missing, a folder cannot be opened with ``os.open``,
and a file opened with ``os.open`` cannot be removed, renamed or replaced until it is
closed. Appends, loads, corrections and the files written for the person must all still
work, and lose nothing.
"""

from __future__ import annotations

import ast
import errno
import os
import stat
import sys
import types
from datetime import date
from pathlib import Path

import pytest

import acutrack as at

# Loaded now, so that the `windows` fixture finds them and hands each its `os`.
import acutrack.cli
import acutrack.csvstore
import acutrack.journal
import acutrack.lab
import acutrack.report
from acutrack import plan
from acutrack.report import write_report

PACKAGE = Path(acutrack.__file__).parent
#: Calls and flags of ``os`` that Windows' Python lacks (``fchmod`` came to it in 3.13).
POSIX_ONLY = frozenset(
    {
        "chown",
        "fchmod",
        "fchown",
        "fdatasync",
        "fork",
        "fstatvfs",
        "getegid",
        "geteuid",
        "getgid",
        "getpgid",
        "getuid",
        "killpg",
        "lchown",
        "mkfifo",
        "O_CLOEXEC",
        "O_DIRECTORY",
        "O_DSYNC",
        "O_NOFOLLOW",
        "O_SYNC",
        "pread",
        "preadv",
        "pwrite",
        "pwritev",
        "setsid",
        "statvfs",
        "sync",
    }
)
#: Modules that exist on POSIX only.
POSIX_MODULES = frozenset({"fcntl", "grp", "pwd", "resource", "termios"})
#: Signals that Windows does not have (``signal.SIGKILL`` raises AttributeError there).
POSIX_SIGNALS = frozenset({"SIGALRM", "SIGCHLD", "SIGHUP", "SIGKILL", "SIGPIPE", "SIGQUIT"})


class WindowsOs(types.ModuleType):
    """``os`` as acutrack would find it on Windows, as far as its code could tell."""

    def __init__(self) -> None:
        super().__init__("os")
        self.name = "nt"
        #: Files open through this module: real path by descriptor.
        self.opened: dict[int, str] = {}

    def __getattr__(self, attr: str) -> object:
        if attr in POSIX_ONLY:
            raise AttributeError(f"module 'os' has no attribute {attr!r} on Windows")
        return getattr(os, attr)

    def open(self, path, flags, mode=0o777, *, dir_fd=None):
        if os.path.isdir(path):  # Windows opens no folder with os.open
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        fd = os.open(path, flags, mode, dir_fd=dir_fd)
        self.opened[fd] = os.path.realpath(path)
        return fd

    def close(self, fd):
        self.opened.pop(fd, None)
        os.close(fd)

    def refusing_open(self, call):
        """``call`` (unlink, replace...) refusing a file still open, as Windows does."""

        def refuse(*paths, **kwargs):
            for path in paths:
                if os.path.realpath(path) in self.opened.values():
                    raise PermissionError(errno.EACCES, "file in use", os.fspath(path))
            return call(*paths, **kwargs)

        return refuse


@pytest.fixture
def windows(monkeypatch) -> WindowsOs:
    """Give every loaded acutrack module a Windows `os`; refuse to remove open files."""
    fake = WindowsOs()
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] == "acutrack" and getattr(module, "os", None) is os:
            monkeypatch.setattr(module, "os", fake)
    # pathlib removes and renames through the real module: refuse there too.
    for call in ("unlink", "remove", "replace", "rename"):
        monkeypatch.setattr(os, call, fake.refusing_open(getattr(os, call)))
    return fake


def test_the_fake_is_windows_enough(windows, tmp_path):
    csvstore = acutrack.csvstore
    assert csvstore.os.name == "nt" and not hasattr(csvstore.os, "pread")
    with pytest.raises(PermissionError):
        csvstore.os.open(tmp_path, os.O_RDONLY)
    fd = csvstore.os.open(tmp_path / "open.csv", os.O_RDWR | os.O_CREAT)
    with pytest.raises(PermissionError):
        (tmp_path / "open.csv").unlink()
    csvstore.os.close(fd)
    (tmp_path / "open.csv").unlink()


def test_the_journal_keeps_every_entry(windows, journal):
    started = [journal.log_session(6, 3, notes=f"day {i}\nline two, «ä»") for i in range(5)]
    rated = [journal.log_rating(i) for i in (7, 5, 4)]
    journal.correct(started[0].id, pain_after=1, notes="corrected")
    journal.delete(started[1].id)
    journal.delete(rated[0].id)
    journal.add_point("MY1", "my own point", location="lower back")
    journal.add_routine("mine", ["MY1", "BL23"], seconds_per_point=30)
    mine = journal.log_session(5, 2, routine="mine")
    slots = plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=7, anyway=True)

    sessions = journal.sessions().set_index("id")
    assert set(sessions.index) == {s.id for s in started} - {started[1].id} | {mine.id}
    assert sessions.loc[started[0].id, ["pain_after", "notes"]].tolist() == [1, "corrected"]
    assert sessions.loc[started[2].id, "notes"] == "day 2\nline two, «ä»"
    assert sorted(journal.ratings()["pain"]) == [4, 5]
    assert journal.catalog.routine("mine").points == ("MY1", "BL23")
    assert plan.plan_slots(journal) == slots
    assert journal.problems().empty
    assert windows.opened == {}  # every file the journal opened, it closed


def test_a_failed_append_stores_nothing(windows, journal, monkeypatch):
    journal.log_rating(4)  # the journal and its format file exist
    before = (journal.path / "ratings.csv").read_bytes()

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(windows, "fsync", full_disk)
    with pytest.raises(at.JournalError, match="No space left"):
        journal.log_rating(3)
    with pytest.raises(at.JournalError, match="No space left"):
        journal.log_session(6, 3)  # the first row of a new file
    monkeypatch.undo()
    assert (journal.path / "ratings.csv").read_bytes() == before
    assert journal.sessions().empty and journal.problems().empty
    journal.log_session(6, 3)
    assert len(journal.sessions()) == 1 and journal.problems().empty


def test_a_file_whose_first_append_failed_is_removed(windows, journal, monkeypatch):
    journal.log_rating(4)

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(windows, "fsync", full_disk)
    with pytest.raises(at.JournalError):
        journal.log_session(6, 3)
    assert not (journal.path / "sessions.csv").exists()


@pytest.mark.slow
def test_calendars_and_reports_are_written_whole(windows, journal, tmp_path):
    for pain in (6, 5, 4):
        journal.log_session(pain, pain - 2)
    slots = plan.make_plan(
        journal, ["back"], weeks=1, sessions_per_week=2, start=date(2027, 1, 4), anyway=True
    )
    with journal.private_output(tmp_path / "plan.ics") as calendar:
        calendar.write(plan.to_ics(slots).encode("utf-8"))
    # An existing file is replaced once the new one is complete.
    with journal.private_output(tmp_path / "plan.ics") as calendar:
        calendar.write(plan.to_ics(slots).encode("utf-8"))
    out = write_report(journal, tmp_path / "report.html", pdf=tmp_path / "report.pdf")
    assert (tmp_path / "plan.ics").read_bytes().count(b"BEGIN:VEVENT") == len(slots)
    assert b"</html>" in out.read_bytes()
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.tmp"))


def test_the_command_line_and_the_lab_need_no_posix_calls(windows, tmp_path, capsys):
    status = acutrack.cli.main(
        ["--journal", str(tmp_path / "j"), "log", "--before", "6", "--after", "4"]
    )
    assert status == 0, capsys.readouterr().err
    assert len(at.Journal(tmp_path / "j").sessions()) == 1
    argv, _, _ = acutrack.lab.lab_command(port=8888, open_browser=False)
    assert "--allow-root" not in argv  # a question only POSIX can answer


def _posix_only_uses(path: Path) -> list[str]:
    """POSIX-only modules, ``os`` calls and signals that ``path`` uses unguarded.

    A call is guarded when the module asks ``hasattr(os, "<call>")`` before using it.
    """
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names]
            found += [f"import {n}" for n in names if n.partition(".")[0] in POSIX_MODULES]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner, attr = node.value.id, node.attr
            if owner == "os" and attr in POSIX_ONLY and f'hasattr(os, "{attr}")' not in source:
                found.append(f"os.{attr}")
            if owner == "signal" and attr in POSIX_SIGNALS:
                found.append(f"signal.{attr}")
    return [f"{path.relative_to(PACKAGE.parent)}: {use}" for use in found]


def test_the_library_uses_no_posix_only_call_unguarded():
    uses = [use for path in sorted(PACKAGE.rglob("*.py")) for use in _posix_only_uses(path)]
    assert uses == []


@pytest.mark.skipif(
    os.name == "nt",
    reason="Windows has no owner/group/other mode bits: the journal is private through the "
    "user profile's access list, which acutrack leaves as it is",
)
def test_files_are_private_whatever_the_umask(journal, tmp_path):
    old = os.umask(0)
    try:
        journal.log_session(6, 3)
        journal.log_rating(4)
        plan.make_plan(journal, ["back"], weeks=1, sessions_per_week=2, anyway=True)
        with journal.private_output(tmp_path / "plan.ics") as calendar:
            calendar.write(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o700
    files = [*journal.path.iterdir(), tmp_path / "plan.ics"]
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == dict.fromkeys(
        (p.name for p in files), 0o600
    )
