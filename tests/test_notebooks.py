"""Every notebook runs top to bottom, unchanged, from another working directory."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

import acutrack as at

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
    assert len(widgets) == 4  # session, guided, check-in, correction
    assert not journal.exists()  # showing the forms writes nothing


def _nearly_empty(folder):
    j = at.Journal(folder)
    j.log_session(6, 4)
    j.log_rating(5)


def _enough(folder):
    at.write_sample(folder, weeks=3, seed=11)


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.stem)
@pytest.mark.parametrize(
    ("state", "make", "sample"),
    [("empty", None, True), ("nearly-empty", _nearly_empty, True), ("own", _enough, False)],
)
def test_analysis_notebook(path, state, make, sample, tmp_path, monkeypatch):
    journal = tmp_path / "journal"
    if make:
        make(journal)
    monkeypatch.setenv("ACUTRACK_HOME", str(journal))
    nb = execute(path, tmp_path)
    assert_clean(nb)
    text = text_of(nb)
    assert (BANNER in text) == sample
    assert (f"from {at.sample_journal().path}" in text) == sample
    images = [o for o in outputs(nb) if "image/png" in o.get("data", {})]
    charts = sum("plots.plot_" in "".join(c.source) for c in nb.cells if c.cell_type == "code")
    assert len(images) == charts >= 2  # every chart came out as a picture
