"""Every notebook runs top to bottom, unchanged, from another working directory."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"


def execute(path, cwd):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


def outputs(nb):
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["01_log_a_session.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_clean(path, tmp_path):
    nb = execute(path, tmp_path)
    errors = [o for o in outputs(nb) if o.output_type == "error"]
    assert not errors, errors
    stderr = [o.text for o in outputs(nb) if o.get("name") == "stderr"]
    assert not any("Warning" in text for text in stderr), stderr


def test_logging_notebook_shows_the_forms_and_the_journal(tmp_path, monkeypatch):
    journal = tmp_path / "my-journal"
    monkeypatch.setenv("ACUTRACK_HOME", str(journal))  # the kernel inherits it
    nb = execute(ROOT / "notebooks" / "01_log_a_session.ipynb", tmp_path)
    text = "".join(o.get("text", "") for o in outputs(nb))
    assert f"Your journal: {journal}" in text
    widgets = [o for o in outputs(nb) if WIDGET in o.get("data", {})]
    assert len(widgets) == 4  # session, guided, check-in, correction
    assert not journal.exists()  # showing the forms writes nothing
