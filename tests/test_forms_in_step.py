"""Forms that stay in step: with each other, with other programs, and with the person.

Every form on one journal sees the others' saves at once; forms in another kernel (here:
the journal written directly) catch up before they save. Pain is never saved unless chosen,
a session can be dated earlier, and every message is in the form's own words.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta

import pytest

import acutrack as at
from acutrack.forms import CheckInForm, CorrectionForm, GuidedSession, SessionForm
from acutrack.forms.guided import BEEP
from acutrack.plan import log_planned, make_plan, plan_slots, start_planned

NOW = datetime.fromisoformat("2026-11-25T10:00:00+01:00")


@pytest.fixture
def journal(tmp_path) -> at.Journal:
    return at.Journal(tmp_path / "journal", clock=lambda: NOW)


def rows(journal, name):
    path = journal.path / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def values(dropdown):
    return [value for _, value in dropdown.options]


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def save_session(form, before=6, after=3):
    form.before.value, form.after.value = before, after
    form.save.click()
    assert "acutrack-ok" in form.feedback.value, form.feedback.value
    return form.last_saved


# -- in step with each other ---------------------------------------------------------------
def test_a_saved_session_appears_at_once_in_every_other_form(journal):
    session_form, checkin, correction = (
        SessionForm(journal),
        CheckInForm(journal),
        CorrectionForm(journal),
    )
    guided = GuidedSession(journal, clock=FakeClock(), timer=False)
    saved = save_session(session_form)
    assert values(checkin.follow_up)[1] == saved.id  # newest first, after "no session"
    assert correction.entry.value == saved.id and correction.pain_after.value == 3
    for form in (session_form, checkin, guided):
        assert saved.id in form.recent.value
    checkin.follow_up.value = saved.id
    checkin.pain.value = 2
    checkin.save.click()
    rating = checkin.last_saved
    assert rating.session_id == saved.id
    assert values(correction.entry)[:2] == [rating.id, saved.id]
    assert rating.id in session_form.recent.value and rating.id in guided.recent.value


def test_a_correction_in_progress_stays_while_another_form_saves(journal):
    first = journal.log_rating(5)
    correction = CorrectionForm(journal)
    correction.pain.value = 2  # being edited, not saved yet
    saved = save_session(SessionForm(journal))
    assert saved.id in values(correction.entry)
    assert (correction.entry.value, correction.pain.value) == (first.id, 2)
    correction.save.click()
    assert "changed: pain" in correction.feedback.value
    assert journal.ratings().set_index("id").loc[first.id, "pain"] == 2


def test_a_chosen_follow_up_stays_while_other_sessions_arrive(journal):
    older = journal.log_session(7, 4)
    checkin = CheckInForm(journal)
    checkin.follow_up.value = older.id
    save_session(SessionForm(journal))
    assert checkin.follow_up.value == older.id


def test_forms_of_another_journal_and_closed_forms_are_left_alone(journal, tmp_path):
    other = CheckInForm(at.Journal(tmp_path / "other", clock=lambda: NOW))
    closed = CheckInForm(journal)
    closed.close()
    saved = save_session(SessionForm(journal))
    assert saved.id not in values(other.follow_up)
    assert saved.id not in values(closed.follow_up)


def test_the_next_planned_slot_moves_on_in_every_form(journal):
    first, second = make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=2, anyway=True)
    form, other = SessionForm(journal), SessionForm(journal)
    guided = GuidedSession(journal, clock=FakeClock(), timer=False)
    for f in (form, other, guided):
        assert f"due {first.due:%a %d %b}; 0 of 2 done" in f.planned.box.description
    form.before.value = 6
    form.planned.box.value = True
    save_session(form)
    for f in (form, other, guided):
        assert f"due {second.due:%a %d %b}; 1 of 2" in f.planned.box.description
        assert not f.planned.box.value


# -- catching up with another kernel -------------------------------------------------------
def test_a_slot_filled_in_another_kernel_is_not_filled_again(journal):
    first, second = make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=6, anyway=True)
    form = SessionForm(journal)
    form.before.value = 6
    form.planned.box.value = True
    log_planned(journal, 6, 3, routine=first.routine, condition=first.condition, slot=first.slot)
    form.before.value, form.after.value = 6, 2
    form.save.click()
    assert "acutrack-error" in form.feedback.value
    assert f"The planned session due {first.due:%a %d %b} was saved elsewhere" in (
        form.feedback.value
    )
    assert len(rows(journal, "sessions.csv")) == 1
    assert f"due {second.due:%a %d %b}; 1 of 2" in form.planned.box.description
    assert not form.planned.box.value
    assert form.before.value == 6  # what was entered stays, to save once the box is right
    form.save.click()
    assert len(journal.sessions()) == 2 and form.last_saved.slot is None  # off the plan


def test_a_check_in_catches_up_before_saving(journal):
    session = journal.log_session(6, 3)
    checkin = CheckInForm(journal)
    checkin.follow_up.value = session.id
    journal.delete(session.id)  # in another kernel
    later = journal.log_session(5, 2)
    checkin.pain.value = 3
    checkin.save.click()
    assert "acutrack-error" in checkin.feedback.value and session.id in checkin.feedback.value
    assert not rows(journal, "ratings.csv")
    assert values(checkin.follow_up) == [None, later.id]  # the list is the journal's now


# -- pain chosen on purpose ----------------------------------------------------------------
def test_pain_buttons_start_unset_and_read_in_words(journal):
    picker = SessionForm(journal).before
    buttons = picker.buttons
    assert picker.value is None and "not chosen" in picker.words.value
    assert [label for label, _ in buttons.options] == [str(i) for i in range(11)]
    assert buttons.tooltips[0] == "0: no pain" and buttons.tooltips[10] == "10: worst imaginable"
    assert "acutrack-pain" in buttons._dom_classes
    assert buttons.layout.width == "40em"  # 11 buttons of 2.6em beside a 9em label: > 300 px
    picker.value = 7
    assert "severe" in picker.words.value


def test_save_refuses_pain_nobody_chose(journal):
    form = SessionForm(journal)
    form.save.click()
    assert "Choose pain before (0–10) first." in form.feedback.value
    form.before.value = 6
    form.save.click()
    assert "Choose pain after (0–10) first." in form.feedback.value
    checkin = CheckInForm(journal)
    checkin.save.click()
    assert "Choose pain now (0–10) first." in checkin.feedback.value
    guided = GuidedSession(journal, clock=(clock := FakeClock()), timer=False)
    guided.start_button.click()
    clock.now = 5.0
    guided.tick()
    guided.stop_button.click()
    assert guided.after.value is None  # not copied from "before": chosen or nothing
    guided.save.click()
    assert "Choose pain before (0–10) first." in guided.feedback.value
    assert not journal.path.exists()


# -- when ----------------------------------------------------------------------------------
def test_a_session_done_an_hour_ago(journal):
    form = SessionForm(journal)
    form.when.choice.value = "earlier"
    assert form.when.at.layout.display == ""
    form.when.at.value -= timedelta(hours=1)  # offered: now on this computer's clock
    save_session(form)
    [row] = rows(journal, "sessions.csv")
    assert datetime.fromisoformat(row["started_at"]) == NOW - timedelta(hours=1)
    assert form.when.choice.value == "now" and form.when.at.layout.display == "none"


def test_a_check_in_dated_earlier_and_one_too_far_ahead(journal):
    checkin = CheckInForm(journal)
    checkin.pain.value = 4
    checkin.when.choice.value = "earlier"
    checkin.when.at.value = None
    checkin.save.click()
    assert "Choose the date and time (When) first." in checkin.feedback.value
    checkin.when.at.value = NOW.astimezone().replace(tzinfo=None) + timedelta(days=2)
    checkin.save.click()
    assert (
        "When: " in checkin.feedback.value and "no more than a day ahead" in checkin.feedback.value
    )
    assert "rated_at" not in checkin.feedback.value and not journal.path.exists()
    checkin.when.at.value -= timedelta(days=3)
    checkin.save.click()
    [row] = rows(journal, "ratings.csv")
    assert datetime.fromisoformat(row["rated_at"]) == NOW - timedelta(days=1)


def test_a_guided_session_starts_when_start_was_pressed(journal):
    started = [NOW]
    journal = at.Journal(journal.path, clock=lambda: started[0])
    clock = FakeClock()
    guided = GuidedSession(journal, clock=clock, timer=False)
    guided.before.value = 6
    guided.start_button.click()
    started[0] = NOW + timedelta(minutes=3)  # saved three minutes later
    clock.now = 30.0
    guided.stop_button.click()
    guided.after.value = 4
    guided.save.click()
    [row] = rows(journal, "sessions.csv")
    assert datetime.fromisoformat(row["started_at"]) == NOW


# -- words ---------------------------------------------------------------------------------
def test_dropdowns_say_what_empty_means(journal):
    assert CheckInForm(journal).follow_up.options[0][0].startswith("no session")
    assert CheckInForm(journal).stress.options[0] == ("not recorded", None)
    assert CorrectionForm(journal).entry.options == (("no entries yet", None),)


def test_a_correction_names_what_changed_in_the_forms_words(journal):
    journal.log_session(6, 3)
    form = CorrectionForm(journal)
    form.pain_after.value = 2
    form.save.click()
    assert "changed: pain after" in form.feedback.value and "pain_after" not in form.feedback.value


# -- the guided session's cue and figure -------------------------------------------------
def test_guided_session_beeps_at_each_point_and_mutes(journal):
    clock = FakeClock()
    guided = GuidedSession(journal, clock=clock, timer=False)
    armed = []
    guided.beep.observe(lambda change: armed.append(change.new == BEEP), names="value")
    guided.routine.value = "stress"  # three points of 180 s
    guided.start_button.click()
    assert armed.count(True) == 1 and guided.beep.value == BEEP  # the first point
    assert guided.beep.autoplay and not guided.beep.loop
    guided.skip_button.click()
    assert armed.count(True) == 2 and armed[-2:] == [False, True]  # re-set, so it plays again
    clock.now = 180.0
    guided.tick()
    assert armed.count(True) == 3
    guided.sound.value = False
    assert guided.beep.value == b""  # a playing beep stops
    guided.skip_button.click()
    assert armed.count(True) == 3 and guided.beep.value == b""


def test_guided_session_marks_the_point_on_a_body_figure(journal):
    journal.add_point("MY1", "My spot", "behind the ear")  # no place on the map
    journal.add_routine("mine", ["BL23", "MY1", "GB30"], seconds_per_point=10)
    guided = GuidedSession(journal, clock=FakeClock(), timer=False)
    guided.routine.value = "mine"
    guided.start_button.click()
    first = bytes(guided.figure.value)  # widgets hold bytes as memoryview
    assert first.startswith(b"\x89PNG") and guided.figure.layout.display == ""
    guided.skip_button.click()
    assert guided.figure.layout.display == "none"  # MY1 is not on the map
    guided.skip_button.click()
    assert guided.figure.layout.display == "" and bytes(guided.figure.value) not in (b"", first)
    again = GuidedSession(journal, clock=FakeClock(), timer=False)
    again.routine.value = "mine"
    again.start_button.click()
    assert bytes(again.figure.value) == first


def test_a_session_started_on_the_command_line_is_finished_in_the_form(timed_journal, clock):
    journal = timed_journal
    make_plan(journal, ["back"], weeks=1, sessions_per_week=2, seed=7, anyway=True)
    started = start_planned(journal, 7, early=True)
    clock.advance(hours=0.25)
    form = SessionForm(journal)
    assert form.planned.box.value and form.planned.box.disabled  # starting commits
    shown = (form.routine.value, form.condition.value, form.before.value)
    assert shown == (started.routine, started.condition, 7)
    assert "started" in form.planned.box.description
    guided = GuidedSession(journal, clock=FakeClock(), timer=False)
    assert guided.planned.box.value and guided.routine.value == started.routine
    assert guided.before.value == 7
    form.after.value = 4
    form.save.click()
    assert "acutrack-ok" in form.feedback.value, form.feedback.value
    stored = journal.sessions().iloc[-1]
    assert stored["started_at"] == started.started_at  # when it started, not when saved
    assert plan_slots(journal)[0].session_id == stored["id"]
