"""Counts in words: one helper, and no "(s)" or "1 readings" in what a person reads."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest
from test_scales import START, html_words, two_weeks

from acutrack.report import render_html, report_tables
from acutrack.words import plural

ROOT = Path(__file__).resolve().parent.parent
#: A count of one with a plural noun: "1 readings", "(1 days)".
ONE_MANY = re.compile(
    r"(?<![\d.,])1 (?:\w+ )?(readings|days|sessions|check-ins|weeks|points|rows)\b"
)


def test_plural_says_one_and_many():
    assert plural(1, "reading") == "1 reading"
    assert plural(3, "reading") == "3 readings"
    assert plural(0, "day") == "0 days"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(2, "entry", "entries") == "2 entries"


def test_no_notebook_says_s_in_brackets():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            assert "(s)" not in cell.source, path.name


@pytest.mark.slow
def test_the_report_counts_in_words(tmp_path):
    journal = two_weeks(tmp_path / "journal")
    words = html_words(render_html(report_tables(journal)))
    assert "(s)" not in words
    assert not ONE_MANY.search(words), ONE_MANY.search(words)
    assert "14 sessions, 14 pain check-ins" in words
    # A journal of one day: one reading, one session.
    single = type(journal)(tmp_path / "one", clock=lambda: START + timedelta(days=1))
    single.log_rating(5, rated_at=START)
    single.log_session(6, 4, routine="back", started_at=START + timedelta(hours=2))
    words = html_words(render_html(report_tables(single)))
    assert "(s)" not in words and not ONE_MANY.search(words), ONE_MANY.search(words)
    assert "1 session, 1 pain check-in" in words
