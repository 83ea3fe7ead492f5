"""The first weeks: a person's own few entries are analysed, their pain alert shown, and
tables read as words."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

import acutrack as at
from acutrack.report import report_tables, write_report
from acutrack.tables_for_people import cell_text, people_table, plan_summary, plan_table

START = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
CHECK_INS = [5, 6, 8, 8, 9, 6, 5, 4]  # pain 8 or more on three days running
ALERT = "check-in pain averaged 8 or more on 3 days in a row (03 Jun to 05 Jun)"
SAMPLE_SIGNS = ("sample journal", "chronic", "111 days", "sixteen weeks")


def first_weeks_journal(folder) -> at.Journal:
    """9 sessions over 8 days, a check-in each morning."""
    journal = at.Journal(folder)
    for day, pain in enumerate(CHECK_INS):
        journal.log_rating(pain, rated_at=START + timedelta(days=day))
        journal.log_session(
            pain_before=min(pain + 1, 10),
            pain_after=max(pain - 2, 0),
            started_at=START + timedelta(days=day, hours=10),
        )
    journal.log_session(pain_before=6, pain_after=4, started_at=START + timedelta(days=7, hours=12))
    return journal


def test_the_analysis_journal_is_yours_unless_you_ask_for_the_sample(tmp_path):
    journal = first_weeks_journal(tmp_path / "mine")
    assert at.journal_for_analysis(journal) is journal
    assert at.journal_for_analysis(journal, sample=True).path == at.sample_journal().path
    heading = at.journal_heading(journal)
    assert f"Your journal: {journal.path}, 9 sessions and 8 check-ins" in heading
    assert ALERT in heading
    assert not any(sign in heading for sign in SAMPLE_SIGNS)
    assert "You are looking at the sample journal" in at.journal_heading(at.sample_journal())


@pytest.mark.slow
def test_the_report_shows_your_own_alert_and_the_days_you_have(tmp_path):
    journal = first_weeks_journal(tmp_path / "mine")
    text = write_report(journal, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Period covered: 01 Jun 2026 to 08 Jun 2026 · 9 sessions, 8 pain check-ins" in text
    assert ALERT in text and "Pain alerts" in text
    assert "you have 8 days" in text  # too little for weeks: pain day by day instead
    assert not any(sign in text for sign in SAMPLE_SIGNS)
    assert "could not be read" not in text
    assert "red flag" not in text.lower()


@pytest.mark.slow
def test_the_report_says_when_rows_could_not_be_read(tmp_path):
    journal = first_weeks_journal(tmp_path / "mine")
    with (journal.path / "ratings.csv").open("a", encoding="utf-8") as file:
        file.write("r-torn,2026-06-09T08:00:00+02:00,11\n")
    tables = report_tables(journal)
    assert tables.unread == "1 row could not be read: run acutrack validate"
    text = write_report(journal, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "1 row could not be read: run acutrack validate" in text


def test_cells_read_as_words():
    assert cell_text(float("nan")) == cell_text(None) == cell_text(pd.NaT) == "—"
    assert (cell_text(True), cell_text(False)) == ("yes", "no")
    assert cell_text(pd.Timestamp("2026-06-01")) == "Mon 01 Jun 2026"
    assert cell_text(pd.Timestamp("2026-06-01 19:30")) == "Mon 01 Jun 2026 19:30"
    assert cell_text(-1.25, 2) == "−1.25"


def test_a_people_table_has_no_index_nan_truth_values_or_midnights():
    frame = pd.DataFrame(
        {
            "Week starting": pd.to_datetime(["2026-06-01", "2026-06-08"]),
            "Average pain": [4.5, float("nan")],
            "Enough": [True, False],
        },
        index=[7, 9],
    )
    html = people_table(frame)._repr_html_()
    for raw in ("nan", "NaN", "True", "False", "00:00", ">7<", ">9<"):
        assert raw not in html
    assert html.count("<th ") == 3 and "Mon 08 Jun 2026" in html and "—" in html
    assert "white-space:normal" in html  # long text wraps rather than running off the page
    heads = re.findall(r"<th [^>]*>", html)
    cells = re.findall(r"<td [^>]*>", html)
    assert all("overflow-wrap:break-word" in h for h in heads)  # "Sessions", never "Sessio/ns"
    assert all("overflow-wrap:anywhere" in c for c in cells)  # a long note may break anywhere
    folded = people_table(frame, summary="All weeks")._repr_html_()
    assert folded.startswith("<details><summary>All weeks</summary>")


def test_a_plan_is_summed_up_by_week(tmp_path):
    journal = at.Journal(tmp_path / "j")
    slots = at.make_plan(
        journal, ["back"], weeks=2, sessions_per_week=4, start=START.date(), anyway=True
    )
    headline, weeks = plan_summary(slots, START.date())
    assert headline == "Planned sessions: 0 of 8 done · next: today."  # it starts on START
    assert "real" not in headline and "sham" not in headline
    assert weeks.columns.tolist() == ["Week starting", "Planned", "Done", "To do"]
    assert weeks["Planned"].sum() == 8 and weeks["To do"].sum() == 8
    full = plan_table(slots, journal)
    assert set(full["Real or sham"]) == {"shown when you start"}  # none started yet
    assert len(full) == 8 and set(full["Done by session"]) == {"not yet"}
