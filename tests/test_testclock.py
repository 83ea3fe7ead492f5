"""`acutrack.testclock`: the clock the suite gives the command line and the app's kernels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from acutrack.app.page import AppPage
from acutrack.cli import main
from acutrack.testclock import clock_from_environment

NOON = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)


def test_unset_the_computer_clock_rules(monkeypatch):
    monkeypatch.delenv("ACUTRACK_TEST_NOW", raising=False)
    assert clock_from_environment() is None


def test_a_time_stays_and_a_file_moves(monkeypatch, tmp_path):
    monkeypatch.setenv("ACUTRACK_TEST_NOW", NOON.isoformat())
    assert clock_from_environment()() == NOON
    held = tmp_path / "now.txt"
    held.write_text("2026-03-29T12:00:00+01:00\n")
    monkeypatch.setenv("ACUTRACK_TEST_NOW", f"@{held}")
    now = clock_from_environment()
    assert now() == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)
    held.write_text(NOON.isoformat())
    assert now() == NOON  # read again at every call


@pytest.mark.parametrize("text", ["2026-03-29T12:00", "tomorrow", "@{missing}", "@{naive}"])
def test_a_time_without_its_offset_is_refused(monkeypatch, tmp_path, text):
    (tmp_path / "naive").write_text("2026-03-29 12:00")
    text = text.format(missing=tmp_path / "missing", naive=tmp_path / "naive")
    monkeypatch.setenv("ACUTRACK_TEST_NOW", text)
    with pytest.raises((ValueError, FileNotFoundError)):
        clock_from_environment()


def test_the_command_line_and_the_app_take_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ACUTRACK_HOME", str(tmp_path / "journal"))
    monkeypatch.setenv("ACUTRACK_TEST_NOW", NOON.isoformat())
    page = AppPage.for_default_journal()
    assert page.journal.now() == NOON
    page.close()
    monkeypatch.setenv("ACUTRACK_TEST_NOW", "noon")
    assert main(["--journal", str(tmp_path / "j"), "log", "--before", "5", "--after", "3"]) == 2
    assert "ACUTRACK_TEST_NOW: expected a time with its UTC offset, not 'noon'" in (
        capsys.readouterr().err
    )
