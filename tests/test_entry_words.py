"""A session reads the same wherever it is shown: `session_words` is the one wording."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import acutrack as at
from acutrack import timeline
from acutrack.report.gather import report_tables
from acutrack.timeline import latest_entries, session_words

T = datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def journal(tmp_path):
    journal = at.Journal(tmp_path, clock=lambda: T.replace(day=28))
    journal.log_session(6, 3, routine="back", started_at=T, notes="warm hands")
    return journal


def _row(journal):
    return journal.sessions().iloc[-1]


def test_the_words_of_a_session():
    row = {"local_time": T, "routine": "back", "condition": "real"}
    row |= {"pain_before": 6, "pain_after": 3}
    assert session_words(row) == "2026-11-25 09:30 back (real) pain 6 → 3"
    assert session_words(row, short=True) == "back (real)"


def test_timeline_report_and_log_say_the_same_of_a_session(journal):
    row = _row(journal)
    [entry] = latest_entries(journal)
    assert entry.what == session_words(row, short=True)
    assert entry.describe() == session_words(row)
    notes = report_tables(journal).notes
    assert notes["entry"].tolist() == [f"{session_words(row, short=True)} session"]


def test_log_says_of_a_session_what_session_words_says(tmp_path):
    # `acutrack log` prints `Session.describe`: its id, the same words, then its length.
    journal = at.Journal(tmp_path, clock=lambda: T.replace(day=28))
    stored = journal.log_session(6, 3, started_at=T, duration_min=2.5)
    words = session_words(_row(journal))
    assert stored.describe() == f"{stored.id} {words}, 2.5 min"


def test_timeline_and_report_take_their_words_from_session_words(journal, monkeypatch):
    # Were either to word a session its own way again, it would not say this.
    monkeypatch.setattr(timeline, "session_words", lambda s, *, short=False: f"W{short}")
    [entry] = latest_entries(journal)
    assert entry.what == "WTrue" and entry.describe().startswith("2026-11-25 09:30 WTrue pain")
    assert report_tables(journal).notes["entry"].tolist() == ["WTrue session"]


def test_a_menu_label_says_each_thing_once_and_names_no_id(journal):
    session = journal.sessions().iloc[-1]
    journal.log_rating(2, rated_at=T.replace(hour=11), session_id=session["id"])
    journal.log_peg(5, 4, 6, answered_at=T.replace(hour=12))
    entries = timeline.other_entries(journal, 10) + latest_entries(journal)
    labels = {e.kind: e.label() for e in entries}
    # "pain 6 → 3" held together by non-breaking spaces: a list wraps it whole.
    assert labels["session"] == "Wed 25 Nov 09:30 · session · back (real) · pain\xa06\xa0→\xa03"
    assert labels["check-in"] == "Wed 25 Nov 11:30 · check-in · after a session · pain\xa02"
    assert session["id"] not in labels["check-in"]
    assert labels["PEG"].startswith("Wed 25 Nov 12:30 · PEG ") and "PEG · PEG" not in labels["PEG"]
