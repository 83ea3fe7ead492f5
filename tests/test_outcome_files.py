"""The outcome measures' files: PEG-3, the impression of change, medications, the red-flag
screen and the profile. Each has the guarantees of the sessions' file: validation naming
the field, locked durable appends, corrections and tombstones, damage reported by line."""

from __future__ import annotations

import errno
import multiprocessing
import os
import time
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest
from conftest import kill_after

import acutrack as at
from acutrack import csvstore
from acutrack.answers import PGIC_ANSWERS
from acutrack.outcomes import (
    after_rescue,
    peg_due,
    pgic_due,
    pgic_next,
    screen_reminder,
    standing_flag,
)
from acutrack.plan import log_planned, make_plan, next_slot, paused, plan_slots
from acutrack.screening import QUESTIONS, TIERS, tier_of

TZ = timezone(timedelta(hours=1))
NO = {q.name: "no" for q in QUESTIONS}


def _at(day: int, hour: float = 9) -> datetime:
    return datetime(2026, 6, 1, tzinfo=TZ) + timedelta(days=day, hours=hour)


def _clocked(tmp_path) -> tuple[at.Journal, list[datetime]]:
    now = [_at(0)]
    return at.Journal(tmp_path / "j", clock=lambda: now[0]), now


# One way to log each kind, with the values of a good entry.
LOGS = {
    "peg": lambda j: j.log_peg(6, 5, 7),
    "pgic": lambda j: j.log_pgic(5, since="2026-06-01"),
    "medications": lambda j: j.log_medication("ibuprofen", 400, "mg", as_needed=True),
    "screens": lambda j: j.log_screen(NO),
}


def test_peg_is_scored_as_the_mean_of_its_three_items(journal):
    peg = journal.log_peg(6, 5, 7)
    journal.log_peg(0, 1, 1)
    assert peg.score == pytest.approx(6.0)
    assert list(journal.peg()["score"]) == pytest.approx([6.0, 2 / 3])
    assert journal.peg()["pain"].dtype == "int64"


def test_pgic_keeps_its_number_its_words_and_the_day_it_asked_about(journal):
    journal.log_session(6, 3, started_at="2026-06-03T09:00+01:00")
    answer = journal.log_pgic(6)
    assert answer.since == date(2026, 6, 3)  # by default the journal's first day
    assert answer.answer == PGIC_ANSWERS[5] and answer.answer.startswith("Better")
    table = journal.pgic()
    assert table.loc[0, "change"] == 6 and table.loc[0, "since"] == date(2026, 6, 3)


def test_medications_load_typed_with_their_use(journal):
    journal.log_medication("ibuprofen", "400", "mg", as_needed=True)
    journal.log_medication("heat pad")
    table = journal.medications()
    assert list(table["use"]) == ["as-needed", "regular"]
    assert table.loc[0, "dose"] == 400.0 and pd.isna(table.loc[1, "dose"])
    assert list(table["unit"]) == ["mg", ""]


@pytest.mark.parametrize(
    ("log", "field"),
    [
        (lambda j: j.log_peg(11, 5, 5), "pain"),
        (lambda j: j.log_peg(5, "a lot", 5), "enjoyment"),
        (lambda j: j.log_peg(5, 5, 4.5), "activity"),
        (lambda j: j.log_pgic(0), "change"),
        (lambda j: j.log_pgic(8), "change"),
        (lambda j: j.log_pgic(4, since="2026-13-01"), "since"),
        (lambda j: j.log_medication(""), "name"),
        (lambda j: j.log_medication("x" * 101), "name"),
        (lambda j: j.log_medication("ibuprofen", -400), "dose"),
        (lambda j: j.log_medication("ibuprofen", "four hundred"), "dose"),
        (lambda j: j.log_medication("ibuprofen", 400, "m" * 21), "unit"),
        (lambda j: j.log_medication("ibuprofen", taken_at="2099-01-01T10:00+00:00"), "taken_at"),
        (lambda j: j.log_screen({**NO, "fever": "maybe"}), "fever"),
        (lambda j: j.log_screen({k: v for k, v in NO.items() if k != "injury"}), "injury"),
        (lambda j: j.log_screen({**NO, "headache": "no"}), "headache"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field_and_nothing_is_stored(journal, log, field):
    with pytest.raises(at.InvalidValue) as err:
        log(journal)
    assert err.value.field == field
    assert not any(journal.path.glob("*.csv"))


@pytest.mark.parametrize("kind", list(LOGS))
def test_each_kind_is_corrected_and_deleted_by_appending(journal, kind):
    entry = LOGS[kind](journal)
    other = LOGS[kind](journal)
    change = {
        "peg": {"pain": 2},
        "pgic": {"change": 7},
        "medications": {"dose": 200},
        "screens": {"fever": "yes"},
    }[kind]
    corrected = journal.correct(entry.id, **change)
    assert type(corrected) is type(entry)
    journal.delete(other.id)
    table = getattr(journal, kind)()
    assert list(table["id"]) == [entry.id]
    name, value = next(iter(change.items()))
    assert table.loc[0, name] == value
    assert journal.find(other.id) is None and journal.find(entry.id) == corrected
    lines = (journal.path / f"{kind}.csv").read_text().splitlines()
    assert [line.split(",")[-2] for line in lines[1:]] == ["add", "add", "correct", "delete"]


@pytest.mark.parametrize("kind", list(LOGS))
def test_a_failed_append_leaves_the_file_exactly_as_it_was(journal, monkeypatch, kind):
    LOGS[kind](journal)
    path = journal.path / f"{kind}.csv"
    before = path.read_bytes()
    real = os.write

    def full_disk(fd, data):
        real(fd, bytes(data)[: len(data) // 2])  # part of the row goes down first
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(csvstore.os, "write", full_disk)
    with pytest.raises(at.JournalError, match="nothing was written"):
        LOGS[kind](journal)
    monkeypatch.undo()
    assert path.read_bytes() == before
    LOGS[kind](journal)
    assert len(getattr(journal, kind)()) == 2 and journal.problems().empty


@pytest.mark.parametrize(
    ("kind", "column", "bad"),
    [
        ("peg", "enjoyment", "12"),
        ("pgic", "change", "9"),
        ("medications", "use", "sometimes"),
        ("screens", "night_pain", "perhaps"),
    ],
)
def test_a_damaged_row_is_reported_by_file_line_and_field_and_left_out(journal, kind, column, bad):
    for _ in range(3):
        LOGS[kind](journal)
    path = journal.path / f"{kind}.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")
    cells[header.index(column)] = bad
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    problems = journal.problems()
    assert problems[["file", "line", "field", "value"]].values.tolist() == [
        [f"{kind}.csv", 3, column, bad]
    ]
    with pytest.warns(at.JournalWarning):
        assert len(getattr(journal, kind)()) == 2
    assert path.read_text().splitlines()[2] == lines[2]  # reading changed nothing


def test_a_torn_last_row_is_reported_not_loaded(journal):
    journal.log_peg(6, 5, 7)
    path = journal.path / "peg.csv"
    with open(path, "ab") as f:
        f.write(b"g-torn,2026-06-01T09:00:00+01:00,6,")
    assert list(journal.problems()["file"]) == ["peg.csv"]
    journal.log_peg(3, 3, 3)  # the next append starts on a line of its own
    with pytest.warns(at.JournalWarning):
        assert list(journal.peg()["pain"]) == [6, 3]


def _append_many(start, folder, kind, n):
    j = at.Journal(folder)
    start.wait()
    for _ in range(n):
        LOGS[kind](j)


@pytest.mark.slow
def test_two_processes_appending_at_once_lose_nothing(journal):
    LOGS["peg"](journal)  # the files exist: the race is on appends
    LOGS["medications"](journal)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    jobs = [("peg", 60), ("peg", 60), ("medications", 60), ("medications", 60)]
    procs = [
        ctx.Process(target=_append_many, args=(start, str(journal.path), kind, n))
        for kind, n in jobs
    ]
    for p in procs:
        p.start()
    time.sleep(1.5)
    start.set()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    assert (len(journal.peg()), len(journal.medications())) == (121, 121)
    assert journal.problems().empty


KILLED = """
import sys
import acutrack as at
j = at.Journal(sys.argv[1])
while True:
    m = j.log_medication("ibuprofen", 400, "mg", as_needed=True, notes="a\\nnote")
    print(m.id, flush=True)
"""


def test_a_writer_killed_mid_append_leaves_every_reported_entry(journal):
    said = kill_after(KILLED, [str(journal.path)], 40)
    table = journal.medications()  # a torn row would warn, which is an error here
    assert set(said) <= set(table["id"])


def test_the_profile_is_optional_and_keeps_its_history(journal):
    assert journal.profile() == {}
    journal.set_profile(name="Sam Doe")
    journal.set_profile(patient_id="NHS 123", name="")
    assert journal.profile() == {"patient_id": "NHS 123"}
    rows = (journal.path / "profile.csv").read_text().splitlines()
    assert len(rows) == 4 and "Sam Doe" in rows[1]
    with pytest.raises(at.InvalidValue, match="value"):
        journal.set_profile(name="x" * 201)


def test_screen_tiers_go_by_the_most_urgent_yes():
    assert tier_of(NO) is None
    assert tier_of({**NO, "night_pain": "yes"}) is TIERS["soon"]
    assert tier_of({**NO, "night_pain": "yes", "fever": "yes"}) is TIERS["same-day"]
    assert tier_of({**NO, "fever": "yes", "saddle_numbness": "yes"}) is TIERS["emergency"]
    assert [q.tier for q in QUESTIONS].count("emergency") == 4


def test_an_urgent_answer_stands_until_a_later_screen_and_pauses_every_slot(tmp_path):
    journal, _ = _clocked(tmp_path)
    make_plan(
        journal,
        ["back"],
        weeks=2,
        sessions_per_week=2,
        start=_at(0).date(),
        seed=7,
        block_sizes=(2,),  # the first two slots: one real, one sham
        anyway=True,
    )
    first = next_slot(journal)
    journal.log_screen({**NO, "fever": "yes"})
    assert standing_flag(journal).tier is TIERS["same-day"]
    assert paused(journal) and "see a doctor today" in paused(journal)
    with pytest.raises(at.JournalError, match="no new plan"):
        make_plan(journal, ["back"], weeks=2, sessions_per_week=2, seed=8, anyway=True)
    assert next_slot(journal) is None
    for slot in plan_slots(journal)[:2]:  # one real, one sham: neither may be logged
        with pytest.raises(at.InvalidValue, match="planned session cannot be logged now"):
            log_planned(journal, 6, 3, routine=slot.routine, slot=slot.slot)
    assert {s.condition for s in plan_slots(journal)[:2]} == {"real", "sham"}
    assert "See a doctor today" in screen_reminder(journal)
    journal.log_screen(NO)  # the same minute: the later screen still stands
    assert standing_flag(journal) is None and paused(journal) is None
    assert next_slot(journal) == first
    assert screen_reminder(journal) is None


def test_a_soon_answer_is_reported_but_pauses_nothing(journal):
    journal.log_screen({**NO, "weight_loss": "yes"})
    assert standing_flag(journal).tier is TIERS["soon"] and paused(journal) is None


def test_the_screen_is_due_on_first_use_and_after_four_weeks(tmp_path):
    journal, now = _clocked(tmp_path)
    assert "red-flag screen is due" in screen_reminder(journal)
    journal.log_screen(NO)
    now[0] = _at(27)
    assert screen_reminder(journal) is None
    now[0] = _at(28)
    assert "red-flag screen is due" in screen_reminder(journal)


def test_peg_is_due_weekly_and_pgic_every_four_weeks(tmp_path):
    journal, now = _clocked(tmp_path)
    assert peg_due(journal) and pgic_due(journal) is None  # nothing logged: no start yet
    assert pgic_next(journal, now[0]) is None
    journal.log_rating(6)
    journal.log_peg(6, 6, 6)
    now[0] = _at(6, 23)
    assert not peg_due(journal)
    now[0] = _at(7, 9)
    assert peg_due(journal)
    now[0] = _at(27, 23)
    assert pgic_due(journal) is None
    now[0] = _at(28, 9)
    assert "4 weeks" in pgic_due(journal)
    assert pgic_next(journal, now[0]) <= now[0] < pgic_next(journal, now[0]) + timedelta(days=1)
    journal.log_pgic(3)
    assert pgic_due(journal) is None
    assert pgic_next(journal, now[0]) == now[0] + timedelta(days=28)  # from this answer


def test_pgic_is_due_when_the_plan_is_done(tmp_path):
    journal, now = _clocked(tmp_path)
    slots = make_plan(
        journal, ["back"], weeks=1, sessions_per_week=2, start=_at(0).date(), seed=3, anyway=True
    )
    for k, slot in enumerate(slots):
        now[0] = _at(k + 1)
        log_planned(journal, 6, 3, routine=slot.routine, slot=slot.slot, started_at=now[0])
    assert pgic_due(journal) == "your experiment plan is done"


def test_sessions_after_as_needed_medication_are_flagged():
    start = pd.to_datetime(
        ["2026-06-01 12:00", "2026-06-01 18:00", "2026-06-02 09:00", "2026-06-03 09:00"], utc=True
    )
    sessions = pd.DataFrame({"started_at": start})
    meds = pd.DataFrame(
        {
            "taken_at": pd.to_datetime(
                ["2026-06-01 10:00", "2026-06-02 08:30", "2026-06-03 08:00"], utc=True
            ),
            "use": ["as-needed", "as-needed", "regular"],
        }
    )
    # 2 h after, 8 h after, 30 min after, after a regular (not rescue) dose.
    assert after_rescue(sessions, meds).tolist() == [True, False, True, False]
    assert not after_rescue(sessions, meds.iloc[:0]).any()
