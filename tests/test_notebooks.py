"""Every notebook runs top to bottom, unchanged, from another working directory."""

from __future__ import annotations

import html
import re

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient
from test_first_weeks import ALERT, first_weeks_journal

import acutrack as at
from acutrack.notebook_files import strip

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
        parts.append(html.unescape(out.get("data", {}).get("text/html", "")))
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def assert_clean(nb):
    errors = [o for o in outputs(nb) if o.output_type == "error"]
    assert not errors, errors
    stderr = [o.text for o in outputs(nb) if o.get("name") == "stderr"]
    assert not any("Warning" in text or "Error" in text for text in stderr), stderr


def assert_page(nb, path):
    """The notebook reads like a page: folded code, results as HTML, nothing printed; and
    stripping the executed notebook (on save, and git's clean filter) gives the one
    committed."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.metadata["jupyter"]["source_hidden"] for cell in code)
    assert not any("print(" in cell.source for cell in code)
    printed = [o for o in outputs(nb) if o.output_type == "stream" and o.name == "stdout"]
    assert not printed, printed  # monospace prose breaks mid-word in the page
    shown = [o for o in outputs(nb) if o.output_type in ("display_data", "execute_result")]
    for out in shown:
        assert {"text/html", "image/png", WIDGET} & set(out.data), out
    assert any("text/html" in out.data for out in shown)
    assert strip(nbformat.writes(nb)) == path.read_text(encoding="utf-8")


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
    assert_page(nb, ROOT / "notebooks" / "01_log_a_session.ipynb")
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
    assert_page(nb, path)
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
    assert f"Your journal: {journal.path}, 9 sessions and 8 check-ins" in text
    assert ALERT in text
    assert_no_sample(text)
    assert_tables_for_people(nb)
    if path.name.startswith("02_"):
        assert "2 weeks of check-ins are needed for a weekly trend; you have 8 days" in text


def test_the_sample_is_one_click_away(tmp_path, monkeypatch):
    """*The sample* on the chooser, then Run All again: the sample, with no code edited."""
    monkeypatch.setenv("ACUTRACK_HOME", str(tmp_path / "journal"))
    monkeypatch.delenv("ACUTRACK_SAMPLE", raising=False)
    nb = nbformat.read(ANALYSIS[0], as_version=4)
    client = NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    # A person's click reaches the kernel as a new value of the toggle, as it does here.
    clicked = "import acutrack.journal_choice as c\nc._chooser.value = True"
    click = nbformat.v4.new_code_cell(clicked)
    with client.setup_kernel():
        client.execute_cell(nb.cells[1], 1)
        opened = text_of(nb)
        assert "Your journal: " in opened and BANNER not in opened
        nb.cells.append(click)  # run once, then gone: Run All runs the notebook as it was
        client.execute_cell(click, len(nb.cells) - 1)
        nb.cells.pop()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    assert_clean(nb)
    text = text_of(nb)
    assert BANNER in text and "Your journal: " not in text
    assert "The sample" in text  # the chooser stays on the sample, as chosen
