"""Lists of the latest entries hold as many as asked, or every one when there are fewer."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import run

import acutrack as at
from acutrack.screening import QUESTIONS
from acutrack.timeline import Entry, every_entry, latest_entries, newest

TZ = ZoneInfo("Europe/Paris")
T = datetime(2026, 3, 1, 8, tzinfo=TZ)
NO = {q.name: "no" for q in QUESTIONS}
# One way to log each kind of entry at a given time.
KINDS = {
    "session": lambda j, t: j.log_session(6, 4, started_at=t),
    "check-in": lambda j, t: j.log_rating(5, rated_at=t),
    "PEG": lambda j, t: j.log_peg(6, 5, 4, answered_at=t),
    "change": lambda j, t: j.log_pgic(4, since="2026-02-01", answered_at=t),
    "medicine": lambda j, t: j.log_medication("ibuprofen", 200, "mg", taken_at=t),
    "screen": lambda j, t: j.log_screen(NO, answered_at=t),
}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10_000), max_size=40), st.integers(1, 60))
def test_newest_holds_min_of_asked_and_all_newest_last(minutes, count):
    entries = [
        Entry(T + timedelta(minutes=m), "session", f"s-{i}", "", "", "")
        for i, m in enumerate(minutes)
    ]
    shown = newest(entries, count)
    assert len(shown) == min(count, len(entries))
    assert [e.when for e in shown] == sorted(e.when for e in entries)[len(entries) - len(shown) :]


@pytest.mark.parametrize("count", [1, 3, 8, 10, 50])
def test_every_kind_counts_in_the_latest_entries(tmp_path, count):
    journal = at.Journal(tmp_path, clock=lambda: T + timedelta(days=30))
    logged = []
    for i, (kind, log) in enumerate(list(KINDS.items()) * 2):  # 12 entries, every kind twice
        logged.append((kind, log(journal, T + timedelta(hours=i)).id))
    shown = every_entry(journal, count)
    assert [(e.kind, e.id) for e in shown] == logged[max(len(logged) - count, 0) :]


def test_show_and_the_forms_list_every_entry_of_a_short_journal(tmp_path):
    journal = at.Journal(tmp_path, clock=lambda: T + timedelta(days=30))
    ids = [journal.log_session(6, 4, started_at=T + timedelta(hours=i)).id for i in range(8)]
    assert [e.id for e in latest_entries(journal, 10)] == ids
    shown = run("show", journal=tmp_path)
    assert shown.returncode == 0 and all(i in shown.stdout for i in ids)
    screen = journal.log_screen({**NO, "fever": "yes"}, answered_at=T + timedelta(days=1))
    assert screen.id in run("show", journal=tmp_path).stdout
