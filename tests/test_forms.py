"""The notebook forms, driven as a person drives them: set values, click buttons."""

from __future__ import annotations

import csv
import os
import time

import pytest

import acutrack as at
from acutrack.forms import CheckInForm, CorrectionForm, GuidedSession, SessionForm
from acutrack.plan import make_plan, next_slot, plan_slots


def csv_rows(journal, name):
    path = journal.path / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds, guided=None):
        self.now += seconds
        if guided is not None:
            guided.tick()


def test_session_form_saves_resets_and_lists(journal):
    form = SessionForm(journal)
    assert form.routine.value == "back"
    assert form.points.value == at.ROUTINES["back"].points
    assert (form.condition.value, form.minutes.value) == ("real", 2.5)
    form.before.value, form.after.value = 6, 3
    form.location.value = "buttock-leg"
    form.notes.value = 'after the walk, "ok"'
    form.save.click()

    [row] = csv_rows(journal, "sessions.csv")
    assert (row["pain_before"], row["pain_after"], row["routine"]) == ("6", "3", "back")
    assert (row["points"], row["condition"], row["duration_min"]) == (
        "BL23;BL52;GB30;CV4;BL57",
        "real",
        "2.5",
    )
    assert (row["location"], row["notes"]) == ("buttock-leg", 'after the walk, "ok"')
    assert form.last_saved.id == row["id"]
    assert row["id"] in form.feedback.value and "pain 6 → 3" in form.feedback.value
    assert "acutrack-ok" in form.feedback.value
    # Ready for the next entry, and the list shows the new one.
    assert (form.before.value, form.after.value, form.notes.value) == (None, None, "")
    assert form.location.value == "lower-back"
    assert row["id"] in form.recent.value


def test_session_form_routine_fills_points_minutes_and_condition(journal):
    form = SessionForm(journal)
    form.routine.value = "stress-sham"
    assert form.points.value == ("SH-ARM", "SH-TEMPLE", "SH-CHEST")
    assert (form.condition.value, form.condition.disabled, form.minutes.value) == ("sham", True, 9)
    form.routine.value = "custom"
    assert form.points.value == () and not form.condition.disabled
    form.points.value = ("GB30", "BL57")
    form.condition.value = "sham"
    form.minutes.value = 4
    form.before.value, form.after.value = 5, 5
    form.save.click()
    [row] = csv_rows(journal, "sessions.csv")
    assert (row["routine"], row["points"], row["condition"]) == ("custom", "GB30;BL57", "sham")


def test_session_form_offers_the_users_routines(journal):
    journal.add_routine("evening", ["BL23", "GB30"], seconds_per_point=30)
    form = SessionForm(journal)
    form.routine.value = "evening"
    assert form.points.value == ("BL23", "GB30") and form.minutes.value == 1


def test_session_form_shows_errors_in_its_own_words_and_writes_nothing(journal):
    form = SessionForm(journal)
    form.before.value, form.after.value = 6, 3
    form.routine.value = "custom"  # no points chosen
    form.save.click()
    assert "acutrack-error" in form.feedback.value
    assert "Points: choose at least one point" in form.feedback.value
    form.points.value = ("BL23",)
    form.minutes.value = 0
    form.save.click()
    assert "Minutes: 0.0 is not allowed" in form.feedback.value
    assert "duration_min" not in form.feedback.value
    assert not (journal.path / "sessions.csv").exists()
    assert form.points.value == ("BL23",)  # the entry is kept for fixing


def test_session_form_shows_a_failed_write(journal, monkeypatch):
    form = SessionForm(journal)
    form.before.value, form.after.value = 6, 3

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("acutrack.csvstore.os.open", refuse)
    form.save.click()
    assert "acutrack-error" in form.feedback.value
    assert "Permission denied" in form.feedback.value


def test_session_form_offers_the_suggested_slot_unticked(journal):
    slot = make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=1, anyway=True)[0]
    form = SessionForm(journal, suggest=lambda: slot)
    assert form.planned.box.layout.display == "" and not form.planned.box.value
    assert f"due {slot.due:%a %d %b}; 0 of 2 done" in form.planned.box.description
    assert slot.condition not in form.planned.box.description  # shown once ticked
    assert form.routine.value == "back"  # nothing is taken from the plan unasked
    form.planned.box.value = True  # without the pain before: refused, nothing shown
    assert not form.planned.box.value and "rated first" in form.feedback.value
    assert form.routine.value == "back" and not plan_slots(journal)[0].started
    form.before.value = 6
    form.planned.box.value = True
    assert plan_slots(journal)[0].started and plan_slots(journal)[0].pain_before == 6
    assert (form.routine.value, form.condition.value) == (slot.routine, slot.condition)
    assert form.routine.disabled and form.condition.disabled
    form.planned.box.value = False
    assert not form.routine.disabled


def test_session_form_fills_a_slot_only_when_ticked(timed_journal, clock):
    journal = timed_journal
    slots = make_plan(journal, ["back"], weeks=1, sessions_per_week=4, seed=3, anyway=True)
    form = SessionForm(journal)
    form.before.value, form.after.value = 6, 3
    form.save.click()  # not ticked: off the plan
    assert "planned session" not in form.feedback.value
    assert next_slot(journal) == slots[0]
    for i, slot in enumerate(slots):
        clock.advance()  # planned sessions lie hours apart
        form.before.value = 6
        form.planned.box.value = True
        assert (form.routine.value, form.condition.value) == (slot.routine, slot.condition)
        form.after.value = 3
        form.save.click()
        assert f"the planned session due {slot.due:%a %d %b} · {i + 1} of 4 done" in (
            form.feedback.value
        )
    done = [s.session_id for s in plan_slots(journal, slots[0].plan)]
    assert done == list(journal.sessions()["id"])[1:]
    assert form.planned.box.layout.display == "none"  # the plan is done: nothing to offer


def test_guided_session_fills_a_slot_of_ones_own_routine_as_sham(timed_journal, clock):
    journal = timed_journal
    journal.add_routine("mine", ["PC6", "CV17"], seconds_per_point=20)
    slots = make_plan(journal, ["mine"], weeks=1, sessions_per_week=2, seed=5, anyway=True)
    sham = next(s for s in slots if s.condition == "sham")
    timer = FakeClock()
    guided = GuidedSession(journal, clock=timer, timer=False)
    for i, slot in enumerate(slots):
        clock.advance()
        guided.before.value = 6
        guided.planned.box.value = True
        assert guided.planned.chosen.slot == slot.slot and guided.routine.value == "mine"
        guided.start_button.click()
        timer.advance(30, guided)
        guided.stop_button.click()
        guided.before.value, guided.after.value = 6, 4
        guided.save.click()
        assert f"{i + 1} of 2 done" in guided.feedback.value
    stored = journal.sessions().set_index("id")
    done = {s.slot: s.session_id for s in plan_slots(journal)}
    assert stored.loc[done[sham.slot], "condition"] == "sham"


def test_check_in_form_plain_and_follow_up(journal):
    session = journal.log_session(7, 4)
    form = CheckInForm(journal)
    assert form.follow_up.options[1][1] == session.id
    form.pain.value = 3
    form.stress.value = 6
    form.notes.value = "two hours later"
    form.follow_up.value = session.id
    form.save.click()
    form.pain.value = 2
    form.save.click()
    first, second = csv_rows(journal, "ratings.csv")
    assert (first["pain"], first["stress"], first["session_id"]) == ("3", "6", session.id)
    assert first["notes"] == "two hours later"
    assert (second["pain"], second["stress"], second["session_id"]) == ("2", "", "")
    assert second["id"] in form.feedback.value and form.follow_up.value is None


def test_check_in_form_on_read_only_journal_shows_the_error(tmp_path):
    form = CheckInForm(at.Journal(tmp_path, read_only=True))
    form.pain.value = 4
    form.save.click()
    assert "read-only" in form.feedback.value and not os.listdir(tmp_path)


def test_guided_session_runs_through_every_point(journal):
    clock = FakeClock()
    guided = GuidedSession(journal, clock=clock, timer=False)
    guided.routine.value = "back"
    guided.before.value = 7
    guided.start_button.click()
    assert guided.phase == "running"
    assert "BL23" in guided.point.value and "Shenshu" in guided.point.value
    assert "spine" in guided.point.value  # the caution is shown
    assert "Point 1 of 5 · round 1 of 6" in guided.status.value
    clock.advance(2.5, guided)
    assert guided.progress.value == pytest.approx(0.5)
    clock.advance(3, guided)
    assert "BL52" in guided.point.value
    for _ in range(200):
        clock.advance(1, guided)
    assert guided.phase == "finished"
    assert guided.end_box.layout.display == "" and guided.run_box.layout.display == "none"
    guided.after.value = 4
    guided.save.click()
    [row] = csv_rows(journal, "sessions.csv")
    assert (row["pain_before"], row["pain_after"]) == ("7", "4")
    assert row["points"] == "BL23;BL52;GB30;CV4;BL57"
    assert float(row["duration_min"]) == 2.5  # 5 points x 5 s x 6 rounds
    assert guided.phase == "setup" and row["id"] in guided.feedback.value


def test_guided_pause_skip_and_stop(journal):
    clock = FakeClock()
    guided = GuidedSession(journal, clock=clock, timer=False)
    guided.routine.value = "stress"
    guided.start_button.click()
    assert "PC6" in guided.point.value and "180 s left" in guided.status.value
    clock.advance(60, guided)
    guided.pause_button.click()
    assert guided.pause_button.description == "Resume" and "paused" in guided.status.value
    clock.advance(600, guided)  # a long pause does not count
    assert "120 s left" in guided.status.value
    guided.pause_button.click()
    clock.advance(30, guided)
    guided.skip_button.click()
    assert "Yintang" in guided.point.value
    guided.skip_button.click()  # Yintang not pressed at all
    assert "CV17" in guided.point.value
    clock.advance(30, guided)
    guided.stop_button.click()
    assert guided.phase == "finished"
    guided.before.value, guided.after.value = 5, 3  # chosen at the end: shown again there
    guided.save.click()
    [row] = csv_rows(journal, "sessions.csv")
    assert row["points"] == "PC6;CV17"
    assert float(row["duration_min"]) == 2.0  # 60 + 30 + 30 s pressing; the pause left out
    assert row["condition"] == "real"


def test_guided_session_follows_the_plan(journal):
    first = make_plan(journal, ["stress"], weeks=1, sessions_per_week=2, seed=4, anyway=True)[0]
    clock = FakeClock()
    guided = GuidedSession(journal, clock=clock, timer=False)
    guided.before.value = 6
    guided.planned.box.value = True
    assert guided.routine.value == first.routine
    guided.start_button.click()
    clock.advance(30, guided)
    guided.stop_button.click()
    guided.after.value = 4
    guided.save.click()
    assert f"the planned session due {first.due:%a %d %b} · 1 of" in guided.feedback.value
    assert plan_slots(journal)[0].session_id == guided.last_saved.id


def test_guided_save_before_the_end_is_refused(journal):
    guided = GuidedSession(journal, clock=FakeClock(), timer=False)
    guided.start_button.click()
    guided.save.click()
    assert "acutrack-error" in guided.feedback.value
    assert not (journal.path / "sessions.csv").exists()


def test_guided_timer_moves_without_blocking(journal):
    ticks = []
    guided = GuidedSession(journal, timer=True, tick_seconds=0.01)
    original = guided.tick
    guided.tick = lambda: (ticks.append(1), original())[1]
    guided.routine.value = "back"
    guided.start_button.click()  # returns at once; the countdown goes on in the background
    assert guided.phase == "running"
    deadline = time.monotonic() + 5
    while len(ticks) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(ticks) >= 5 and guided.progress.value < 1
    guided.stop_button.click()
    guided._ticker.join(timeout=2)
    assert not guided._ticker.is_alive()


def test_correction_form_corrects_and_deletes(journal):
    session = journal.log_session(6, 3, notes="first")
    rating = journal.log_rating(5)
    form = CorrectionForm(journal)
    assert form.entry.value == rating.id  # newest first
    assert form.rating_box.layout.display == "" and form.session_box.layout.display == "none"
    form.pain.value = 4
    form.save.click()
    assert "changed: pain" in form.feedback.value
    form.entry.value = session.id
    assert (form.pain_before.value, form.pain_after.value, form.notes.value) == (6, 3, "first")
    form.pain_after.value = 2
    form.notes.value = "corrected"
    form.save.click()
    assert journal.sessions().iloc[0][["pain_after", "notes"]].tolist() == [2, "corrected"]
    form.save.click()
    assert "Nothing was changed" in form.feedback.value
    form.delete.click()
    assert "Tick" in form.feedback.value and len(journal.sessions()) == 1
    form.confirm_delete.value = True
    form.delete.click()
    assert journal.sessions().empty
    actions = [r["action"] for r in csv_rows(journal, "sessions.csv")]
    assert actions == ["add", "correct", "delete"]


def test_correction_form_shows_invalid_values(journal):
    journal.log_session(6, 3)
    form = CorrectionForm(journal)
    form.minutes.value = 0
    form.save.click()
    assert "Minutes: 0.0 is not allowed" in form.feedback.value
    assert len(csv_rows(journal, "sessions.csv")) == 1


def test_forms_on_an_empty_journal(journal):
    form = CorrectionForm(journal)
    assert form.entry.value is None and form.entry.options == (("no entries yet", None),)
    form.save.click()
    assert "no entry" in form.feedback.value
    assert "No entries yet" in SessionForm(journal).recent.value
    assert not journal.path.exists()
