"""Conflict copies from sync apps: noticed everywhere, merged without loss or doubling."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from test_cli import run

import acutrack as at
from acutrack.conflicts import ASIDE, conflict_note, find_copies, merge_copies
from acutrack.journal_choice import unread_rows_note
from acutrack.outcomes import standing_flag
from acutrack.plan import log_planned, make_plan, plan_slots
from acutrack.screening import QUESTIONS

TZ = ZoneInfo("Europe/Amsterdam")
T = datetime(2026, 11, 2, 9, tzinfo=TZ)
NO = {q.name: "no" for q in QUESTIONS}
NAMES = [
    "sessions.sync-conflict-20261207-101500-ABCDEFG.csv",  # Syncthing
    "sessions (conflicted copy 2026-12-07).csv",  # Dropbox
    "sessions (Sam's conflicted copy 2026-12-07).csv",
    "sessions_conflict-20261207-101500.csv",  # Nextcloud
    "sessions 2.csv",  # iCloud
]


def two_devices(tmp_path):
    """One journal synced to two devices that both wrote before the sync; the sync app
    kept device B's file as a conflict copy. Returns (A's journal, B's journal)."""
    now = [T]
    a = at.Journal(tmp_path / "a", clock=lambda: now[0])
    shared = a.log_session(6, 4, started_at=T)
    now[0] = T + timedelta(hours=1)
    shutil.copytree(a.path, tmp_path / "b")
    b = at.Journal(tmp_path / "b", clock=lambda: now[0])
    a.log_session(5, 3, started_at=T + timedelta(minutes=30))  # only on A
    now[0] = T + timedelta(hours=2)
    b.log_session(7, 2, started_at=T + timedelta(minutes=40))  # only on B
    b.correct(shared.id, pain_after=3)  # B corrected the shared one
    return a, b


@pytest.mark.parametrize("name", NAMES)
def test_a_copy_is_noticed_by_every_reader(tmp_path, name):
    a, b = two_devices(tmp_path)
    shutil.copy(b.path / "sessions.csv", a.path / name)
    (copy,) = find_copies(a)
    assert copy.spec.name == "sessions" and copy.entries == 2 and len(copy.versions) == 2
    assert "hold 2 entries your journal lacks" in conflict_note(a)
    with pytest.warns(at.JournalWarning, match="validate --repair"):
        a.sessions()
    assert "validate --repair" in unread_rows_note(a)  # notebooks, the app and the report
    checked = run("validate", journal=a.path)
    assert checked.returncode == 1 and name in checked.stdout
    assert "validate --repair" in run("show", journal=a.path).stdout


def test_repair_merges_each_missing_version_once_and_moves_the_copy_aside(tmp_path):
    a, b = two_devices(tmp_path)
    name = NAMES[0]
    shutil.copy(b.path / "sessions.csv", a.path / name)
    copy_bytes = (a.path / name).read_bytes()
    repaired = run("validate", "--repair", journal=a.path)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "merged 2 versions of 2 entries" in repaired.stdout
    assert (a.path / ASIDE / name).read_bytes() == copy_bytes  # kept whole
    assert find_copies(a) == []
    sessions = a.sessions().set_index("pain_before")
    assert sorted(sessions.index) == [5, 6, 7]  # both devices' new sessions
    assert sessions.loc[6, "pain_after"] == 3  # B's later correction stands
    before = {p.name: p.read_bytes() for p in a.path.glob("*.csv")}
    again = run("validate", "--repair", journal=a.path)
    assert "no sync conflict copies to merge" in again.stdout
    assert {p.name: p.read_bytes() for p in a.path.glob("*.csv")} == before
    # The same copy once more (synced back, say): nothing new, nothing doubled.
    (a.path / name).write_bytes(copy_bytes)
    assert merge_copies(a)[0].startswith("merged 0 versions")
    assert len(a.sessions()) == 3


def test_a_slot_filled_on_both_devices_is_reported(tmp_path):
    now = [T]
    a = at.Journal(tmp_path / "a", clock=lambda: now[0])
    make_plan(a, ["back"], weeks=1, sessions_per_week=2, start=T.date(), seed=3, anyway=True)
    shutil.copytree(a.path, tmp_path / "b")
    b = at.Journal(tmp_path / "b", clock=lambda: now[0])
    first = plan_slots(a)[0]
    now[0] = T + timedelta(hours=1)
    here = log_planned(a, 6, 4, routine=first.routine, slot=first.slot)
    there = log_planned(b, 6, 3, routine=first.routine, slot=first.slot)
    shutil.copy(b.path / "plan.csv", a.path / "plan (conflicted copy 2026-11-02).csv")
    said = merge_copies(a)
    twice = [line for line in said if f"slot {first.slot} was filled on both devices" in line]
    assert len(twice) == 1 and here.id in twice[0] and there.id in twice[0]


def test_a_merged_screen_never_clears_an_urgent_answer(tmp_path):
    now = [T]
    a = at.Journal(tmp_path / "a", clock=lambda: now[0])
    a.log_screen(NO)
    shutil.copytree(a.path, tmp_path / "b")
    b = at.Journal(tmp_path / "b", clock=lambda: now[0])
    now[0] = T + timedelta(hours=1)
    a.log_screen({**NO, "fever": "yes"})
    now[0] = T + timedelta(hours=2)
    b.log_screen(NO)  # later, but on the other device
    b.log_screen({**NO, "saddle_numbness": "yes"}, answered_at=T + timedelta(minutes=5))
    shutil.copy(b.path / "screens.csv", a.path / "screens.sync-conflict-20261102-1100-XYZ.csv")
    merge_copies(a)
    assert len(a.screens()) == 4  # every answer is kept
    flag = standing_flag(a)
    assert flag is not None and flag.tier.key == "emergency"  # the merged alarm counts
    assert (a.path / "merged.csv").exists()
    now[0] = T + timedelta(hours=3)
    a.log_screen(NO)  # a screen answered here, after both, clears them
    assert standing_flag(a) is None
