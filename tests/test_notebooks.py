"""Every notebook runs top to bottom, unchanged, from another working directory."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient
from test_first_weeks import ALERT, first_weeks_journal

import acutrack as at

# Each test here executes notebooks in a kernel: the `notebook` tier (see the Makefile).
pytestmark = pytest.mark.notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ANALYSIS = [p for p in NOTEBOOKS if not p.name.startswith("01_")]
WIDGET = "application/vnd.jupyter.widget-view+json"
BANNER = "You are looking at the sample journal"


def execute(path, cwd):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


def outputs(nb):
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def text_of(nb) -> str:
    parts = []
    for out in outputs(nb):
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/html", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def assert_clean(nb):
    errors = [o for o in outputs(nb) if o.output_type == "error"]
    assert not errors, errors
    stderr = [o.text for o in outputs(nb) if o.get("name") == "stderr"]
    assert not any("Warning" in text or "Error" in text for text in stderr), stderr


def test_the_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == [
        "01_log_a_session.ipynb",
        "02_weekly_trends.ipynb",
        "03_routines_and_points.ipynb",
        "04_real_vs_sham.ipynb",
    ]


def test_logging_notebook_shows_the_forms_and_the_journal(tmp_path, monkeypatch):
    journal = tmp_path / "my-journal"
    monkeypatch.setenv("ACUTRACK_HOME", str(journal))  # the kernel inherits it
    nb = execute(ROOT / "notebooks" / "01_log_a_session.ipynb", tmp_path)
    assert_clean(nb)
    assert f"Your journal: {journal}" in text_of(nb)
    widgets = [o for o in outputs(nb) if WIDGET in o.get("data", {})]
    assert len(widgets) == 1  # the four forms, in tabs, in one cell: the session form first
    assert not journal.exists()  # showing the forms writes nothing


def _nearly_empty(folder):
    j = at.Journal(folder)
    j.log_session(6, 4)
    j.log_rating(5)


def _enough(folder):
    at.write_sample(folder, weeks=3, seed=11)


def assert_no_sample(text):
    assert BANNER not in text
    assert str(at.sample_journal().path) not in text
    assert "chronic" not in text and "111 days" not in text


def assert_tables_for_people(nb):
    """Every HTML table shown reads as words: no NaN, truth values, midnights or index."""
    for out in outputs(nb):
        shown = out.get("data", {}).get("text/html", "")
        for table in re.findall(r"<table.*?</table>", shown, flags=re.S):
            cells = re.sub(r"<[^>]+>", "|", table)
            for raw in ("nan", "NaN", "None", "True", "False", "00:00:00", "NaT"):
                assert f"|{raw}|" not in cells, (raw, table)
            rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
            header = len(re.findall(r"<th ", rows[0]))
            assert all(len(re.findall(r"<t[dh] ", row)) == header for row in rows)
            assert "row_heading" not in table and "white-space:normal" in table


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.stem)
@pytest.mark.parametrize(
    ("state", "make"), [("empty", None), ("nearly-empty", _nearly_empty), ("own", _enough)]
)
def test_analysis_notebook_shows_your_own_journal(path, state, make, tmp_path, monkeypatch):
    journal = tmp_path / "journal"
    if make:
        make(journal)
    monkeypatch.setenv("ACUTRACK_HOME", str(journal))
    nb = execute(path, tmp_path)
    assert_clean(nb)
    text = text_of(nb)
    assert f"Your journal: {journal}" in text
    assert ("Nothing logged yet" in text) == (state == "empty")
    assert_no_sample(text)
    assert_tables_for_people(nb)
    images = [o for o in outputs(nb) if "image/png" in o.get("data", {})]
    charts = sum("plt.show()" in c.source for c in nb.cells if c.cell_type == "code")
    assert len(images) == charts >= 1  # every chart came out as a picture (04 has one)


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.stem)
def test_the_first_weeks_show_your_own_pain_alert(path, tmp_path, monkeypatch):
    journal = first_weeks_journal(tmp_path / "journal")
    monkeypatch.setenv("ACUTRACK_HOME", str(journal.path))
    nb = execute(path, tmp_path)
    assert_clean(nb)
    text = text_of(nb)
    assert f"Your journal: {journal.path}, 9 session(s) and 8 check-in(s)" in text
    assert ALERT in text
    assert_no_sample(text)
    assert_tables_for_people(nb)
    if path.name.startswith("02_"):
        assert "2 weeks of check-ins are needed for a weekly trend; you have 8 days" in text


def test_the_sample_is_shown_only_when_asked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("ACUTRACK_HOME", str(tmp_path / "journal"))
    nb = nbformat.read(ANALYSIS[0], as_version=4)
    setup = nb.cells[1]
    assert "USE_SAMPLE = False" in setup.source
    setup.source = setup.source.replace("USE_SAMPLE = False", "USE_SAMPLE = True")
    asked = tmp_path / "asked.ipynb"
    nbformat.write(nb, asked)
    text = text_of(execute(asked, tmp_path))
    assert BANNER in text and "Your journal" not in text
