"""The outcome forms (PEG-3, change, medicine, red-flag screen) and the red-flag banner,
driven as a person drives them: set values, click buttons, read the CSV back."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from conftest import ROOT
from test_forms import csv_rows
from test_notebooks import assert_clean, execute, text_of

from acutrack.answers import PGIC_ANSWERS
from acutrack.forms import (
    ChangeForm,
    CheckInForm,
    LoggingKit,
    MedicationForm,
    ScreenForm,
    red_flag_banner,
    red_flag_html,
)
from acutrack.screening import QUESTIONS, TIERS

EMERGENCY = TIERS["emergency"].advice
ALL_NO = {q.name: "no" for q in QUESTIONS}


def days_ago(journal, days):
    return journal.now() - timedelta(days=days)


def said(form):
    """The form's message as a person reads it."""
    return html.unescape(form.feedback.value)


def answer_screen(form, **yes):
    for name, choice in form.answers.items():
        choice.value = "yes" if name in yes else "no"
    form.save.click()


# -- PEG-3 with the check-in ------------------------------------------------------------
def test_peg_is_stored_with_the_check_in_and_then_hidden_for_a_week(journal):
    form = CheckInForm(journal)
    assert form.peg.shown  # never answered: due
    assert all(picker.value is None for picker in form.peg.items.values())
    form.pain.value = 4
    form.peg.items["pain"].value = 6
    form.peg.items["enjoyment"].value = 5
    form.peg.items["activity"].value = 7
    form.save.click()

    [rating] = csv_rows(journal, "ratings.csv")
    [peg] = csv_rows(journal, "peg.csv")
    assert rating["pain"] == "4"
    assert (peg["pain"], peg["enjoyment"], peg["activity"]) == ("6", "5", "7")
    message = form.feedback.value
    assert "acutrack-ok" in message and rating["id"] in message and peg["id"] in message
    assert "PEG 6.0" in message and form.last_peg.id == peg["id"]
    assert not form.peg.shown  # answered: not due again for a week
    assert not CheckInForm(journal).peg.shown


def test_peg_is_offered_again_a_week_later(journal):
    journal.log_peg(5, 5, 5, answered_at=days_ago(journal, 8))
    assert CheckInForm(journal).peg.shown
    journal.log_peg(5, 4, 5, answered_at=days_ago(journal, 6))
    assert not CheckInForm(journal).peg.shown


def test_not_now_stores_no_peg(journal):
    form = CheckInForm(journal)
    for picker in form.peg.items.values():
        picker.value = 3
    form.peg.not_now.click()
    assert not form.peg.shown and all(p.value is None for p in form.peg.items.values())
    form.pain.value = 5
    form.save.click()
    assert len(csv_rows(journal, "ratings.csv")) == 1
    assert csv_rows(journal, "peg.csv") == []
    assert "weekly" not in form.feedback.value and form.last_peg is None
    assert not form.peg.shown  # put off for as long as this form lives


def test_a_half_answered_peg_is_refused_and_a_blank_one_skipped(journal):
    form = CheckInForm(journal)
    form.pain.value = 5
    form.peg.items["pain"].value = 6
    form.save.click()
    assert "Choose enjoyment of life (0–10) first, or press Not now." in form.feedback.value
    assert csv_rows(journal, "ratings.csv") == []
    form.peg.items["pain"].value = None
    form.save.click()
    assert len(csv_rows(journal, "ratings.csv")) == 1 and csv_rows(journal, "peg.csv") == []
    assert "the weekly questions are left for later" in form.feedback.value


# -- the global impression of change ----------------------------------------------------
def test_change_form_names_the_start_and_stores_the_answer(journal):
    start = days_ago(journal, 30)
    journal.log_rating(6, rated_at=start)
    kit = LoggingKit(journal)
    form = kit.change
    assert f"Since you started on {start:%d %B %Y}" in form.question.value
    assert "4 weeks have passed since you started" in kit.change.offer.value
    form.save.click()
    assert "Choose one of the seven answers first." in form.feedback.value
    form.change.value = 6
    form.save.click()
    [row] = csv_rows(journal, "pgic.csv")
    assert (row["change"], row["since"]) == ("6", start.date().isoformat())
    assert PGIC_ANSWERS[5] in form.feedback.value
    assert kit.change.offer.value == ""  # answered: no longer due
    assert form.change.value is None


def test_change_form_is_there_before_it_is_due(journal):
    form = ChangeForm(journal)
    assert "Since you started, how" in form.question.value and form.offer.value == ""
    assert form.change.buttons.options[0] == (PGIC_ANSWERS[0], 1)


# -- medicine ---------------------------------------------------------------------------
def test_medication_form_stores_as_needed_and_offers_the_names_used(journal):
    journal.log_medication("paracetamol", 500, "mg", taken_at=days_ago(journal, 2))
    form = MedicationForm(journal)
    assert form.name.options == ("paracetamol",)
    form.save.click()
    assert "Write the medicine's name first." in said(form)
    form.name.value, form.dose.value, form.unit.value = "ibuprofen", "400", "mg"
    form.save.click()
    assert "Choose regular or as needed first." in form.feedback.value
    form.use.value = True
    form.when.choice.value = "earlier"
    form.save.click()
    row = csv_rows(journal, "medications.csv")[-1]
    assert (row["name"], row["dose"], row["unit"], row["use"]) == (
        "ibuprofen",
        "400",
        "mg",
        "as-needed",
    )
    assert "ibuprofen 400 mg (as-needed)" in form.feedback.value
    assert form.name.options == ("ibuprofen", "paracetamol")  # the latest first
    assert (form.name.value, form.use.value, form.when.value) == ("", None, None)


def test_medication_form_shows_a_refused_dose_in_its_words(journal):
    form = MedicationForm(journal)
    form.name.value, form.dose.value, form.use.value = "ibuprofen", "a lot", False
    form.save.click()
    assert "Dose: 'a lot' is not allowed" in said(form)
    assert csv_rows(journal, "medications.csv") == []


# -- the red-flag screen and the banner -------------------------------------------------
def test_screen_refuses_an_unanswered_question_and_names_it(journal):
    form = ScreenForm(journal)
    assert all(choice.value is None for choice in form.answers.values())
    for name, choice in form.answers.items():
        if name != "sexual_function":
            choice.value = "no"
    form.save.click()
    assert "acutrack-error" in form.feedback.value
    assert "New problems with sexual function" in form.feedback.value
    assert csv_rows(journal, "screens.csv") == []


def test_screen_stores_every_answer_and_an_emergency_shows_in_the_kits_banner(journal):
    kit = LoggingKit(journal)
    assert kit.tabs.titles[kit.tabs.selected_index] == "Red flags"  # first use
    assert kit.banner.widget.value == ""
    answer_screen(kit.screen, saddle_numbness=True, night_pain=True)

    [row] = csv_rows(journal, "screens.csv")
    assert {q.name: row[q.name] for q in QUESTIONS} == ALL_NO | {
        "saddle_numbness": "yes",
        "night_pain": "yes",
    }
    banner = kit.banner.widget.value
    assert "acutrack-flag-emergency" in banner and 'role="alert"' in banner
    assert EMERGENCY in banner and "#b00020" in banner  # red
    assert EMERGENCY in kit.screen.result.value
    assert all(choice.value is None for choice in kit.screen.answers.values())
    # Another kit opened later shows it too, on the session form: the screen is not due.
    later = LoggingKit(journal)
    assert EMERGENCY in later.banner.widget.value and later.tabs.selected_index == 0

    answer_screen(kit.screen)
    assert kit.banner.widget.value == "" == later.banner.widget.value
    assert kit.screen.result.value == ""
    assert "Nothing in it needs a doctor now" in kit.screen.feedback.value


def test_same_day_is_urgent_and_soon_is_a_calm_note(journal):
    kit = LoggingKit(journal)
    answer_screen(kit.screen, fever=True)
    assert "acutrack-flag-same-day" in kit.banner.widget.value
    assert TIERS["same-day"].advice in kit.banner.widget.value
    answer_screen(kit.screen, weight_loss=True)
    banner = kit.banner.widget.value
    assert "acutrack-flag-soon" in banner and TIERS["soon"].advice in banner
    assert 'role="alert"' not in banner and "#b00020" not in banner


def test_the_screen_is_asked_again_after_four_weeks(journal):
    journal.log_screen(ALL_NO, answered_at=days_ago(journal, 29))
    kit = LoggingKit(journal)
    assert kit.tabs.titles[kit.tabs.selected_index] == "Red flags"
    assert "due again now" in kit.screen.status.value
    answer_screen(kit.screen)
    assert "next due" in kit.screen.status.value


def test_red_flag_banner_for_notebooks(journal):
    assert red_flag_banner(journal) is None and red_flag_html(journal) == ""
    journal.log_screen(ALL_NO | {"bladder_bowel": "yes"})
    shown = red_flag_banner(journal)
    assert EMERGENCY in shown.data and shown.data == red_flag_html(journal)
    journal.log_screen(ALL_NO)
    assert red_flag_banner(journal) is None


@pytest.mark.notebook
@pytest.mark.parametrize("name", ["02_weekly_trends", "03_routines_and_points", "04_real_vs_sham"])
def test_analysis_notebooks_show_a_standing_emergency(name, journal, tmp_path, monkeypatch):
    journal.log_session(6, 4)
    journal.log_screen(ALL_NO | {"leg_weakness": "yes"})
    monkeypatch.setenv("ACUTRACK_HOME", str(journal.path))
    nb = execute(ROOT / "notebooks" / f"{name}.ipynb", tmp_path)
    assert_clean(nb)
    assert EMERGENCY in text_of(nb)


def test_the_correct_tab_changes_the_note_of_any_entry_and_deletes_it(journal):
    from acutrack.forms import CorrectionForm

    peg = journal.log_peg(6, 5, 7, answered_at=journal.now() - timedelta(hours=2))
    med = journal.log_medication("ibuprofen", 400, "mg", as_needed=True)
    form = CorrectionForm(journal)
    labels = dict((v, k) for k, v in form.entry.options)
    assert "medicine · ibuprofen 400 mg (as-needed)" in labels[med.id]
    assert " · PEG 6.0 (enjoyment 5, activity 7) · pain\xa06" in labels[peg.id]
    form.entry.value = peg.id
    assert "PEG 6.0" in form.other.value
    assert form.location.layout.display == "none"
    assert {k: box.value for k, box in form.values.items()} == {
        "pain": "6",
        "enjoyment": "5",
        "activity": "7",
    }
    form.notes.value = "answered for the week before"
    form.save.click()
    assert "Corrected" in form.feedback.value
    assert journal.peg().loc[0, "notes"] == "answered for the week before"
    assert journal.peg().loc[0, "enjoyment"] == 5  # the rest as it was
    form.entry.value = med.id
    form.confirm_delete.value = True
    form.delete.click()
    assert journal.medications().empty and f"Deleted {med.id}" in form.feedback.value


def test_the_correct_tab_changes_the_values_of_any_kind_in_the_journal_s_words(journal):
    """A PEG or PGIC answer, a medicine or a screen: every value but its time, typed as the
    journal writes it and checked as ``acutrack correct --set`` checks it; only what was
    changed is sent."""
    from acutrack.forms import CorrectionForm
    from acutrack.screening import QUESTIONS

    when = journal.now() - timedelta(hours=2)
    peg = journal.log_peg(6, 5, 7, answered_at=when)
    med = journal.log_medication("ibuprofen", 400, "mg", as_needed=True, taken_at=when)
    screen = journal.log_screen({q.name: "no" for q in QUESTIONS}, answered_at=when)
    pgic = journal.log_pgic(5, answered_at=when)
    form = CorrectionForm(journal)

    form.entry.value = med.id
    assert {k: box.value for k, box in form.values.items()} == {
        "name": "ibuprofen",
        "dose": "400",  # as typed, not 400.0
        "unit": "mg",
        "use": "as-needed",
    }
    form.values["dose"].value, form.values["use"].value = "200", "regular"
    form.save.click()
    assert "changed: dose, regular or as needed" in html.unescape(form.feedback.value)
    [taken] = journal.medications().itertuples()
    assert (taken.name, taken.dose, taken.unit, taken.use) == ("ibuprofen", 200, "mg", "regular")

    form.entry.value = peg.id
    form.values["enjoyment"].value = "eleven"
    form.save.click()  # refused in the form's words, nothing written
    said = html.unescape(form.feedback.value)
    assert "Enjoyment of life: 'eleven' is not allowed" in said and "0 to 10" in said
    assert journal.peg().loc[0, "enjoyment"] == 5
    form.values["enjoyment"].value = "4"
    form.save.click()
    assert journal.peg()[["pain", "enjoyment", "activity"]].values.tolist() == [[6, 4, 7]]

    form.entry.value = screen.id
    assert set(form.values) == {q.name for q in QUESTIONS}
    form.values["fever"].value = "yes"
    form.save.click()
    answers = journal.screens().iloc[0]
    assert answers["fever"] == "yes" and answers["injury"] == "no"

    form.entry.value = pgic.id
    form.values["change"].value = "6"
    form.save.click()
    assert journal.pgic()["change"].tolist() == [6]
    form.save.click()  # nothing changed since: nothing sent
    assert "Nothing was changed" in form.feedback.value
