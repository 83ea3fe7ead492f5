"""The notebooks read like a page: folded code, results in HTML, the sample one click away,
and nothing to commit after running them (no kernel here: `test_notebooks.py` executes
them)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
from conftest import ROOT

import acutrack as at
from acutrack import analysis, journal_choice, notebook_files
from acutrack.notebook_files import LANGUAGE_INFO, strip, strip_on_save
from acutrack.notebook_page import (
    plan_overview,
    points_table,
    points_words,
    routines_table,
    show,
    weekly_table,
    words_html,
)
from acutrack.tables_for_people import PeopleTable

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture
def shown(monkeypatch):
    """What `show` and the chooser display, in order, instead of a notebook's outputs."""
    out = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: out.extend(objs))
    return out


@pytest.fixture(scope="module")
def sample():
    sessions, ratings = at.sample_journal().sessions_and_ratings()
    return sessions, ratings


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_committed_notebooks_are_pages_without_outputs(path):
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None
        assert cell.metadata["jupyter"] == {"source_hidden": True}  # folded: a reader sees results
        assert "print(" not in cell.source and "USE_SAMPLE" not in cell.source
        assert "display(" not in cell.source  # one way to show things: at.show
        assert len(cell.source.splitlines()) <= 11
    assert nb.metadata.language_info == LANGUAGE_INFO  # else JupyterLab marks it changed
    assert strip(text) == text  # the clean filter leaves a committed notebook as it is


def _as_run(path):
    """``path`` as JupyterLab saves it after Run All on another Python, the code unfolded."""
    nb = nbformat.read(path, as_version=4)
    for count, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="printed\n"),
            nbformat.v4.new_output("display_data", data={"text/html": "<p>shown</p>"}),
        ]
        cell.metadata = {"jupyter": {"source_hidden": False, "outputs_hidden": True}}
        cell.metadata["ExecuteTime"] = {"end_time": "2026-12-07T10:00:00"}
    nb.metadata.language_info = LANGUAGE_INFO | {"version": "3.12.1"}
    nb.metadata.widgets = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nbformat.writes(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_clean_filter_strips_what_a_run_adds(path):
    run = _as_run(path)
    assert run != path.read_text(encoding="utf-8")
    assert strip(run) == path.read_text(encoding="utf-8")


def test_the_clean_filter_passes_other_text_through():
    for text in ("<<<<<<< HEAD\n{", "[]", '{"cells": 3}', ""):
        assert strip(text) == text


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_has_nothing_to_commit_after_the_notebooks_run(tmp_path):
    """The filter as `make lab` installs it, in a checkout: a run and save leave it clean."""
    lab = re.search(
        r"git config (filter\.\S+\.clean) '\$\(PYTHON\) (.+?)'",
        ROOT.joinpath("Makefile").read_text(encoding="utf-8"),
    )
    assert lab, "make lab installs the clean filter"
    name, script = lab.groups()
    for folder in ("tools", "notebooks", "acutrack"):
        (tmp_path / folder).mkdir()
    for part in (script, "acutrack/__init__.py", "acutrack/notebook_files.py"):
        shutil.copy(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / ".gitattributes", tmp_path / ".gitattributes")
    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / "notebooks" / path.name)

    def git(*args):
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    git("init", "-q")
    git("config", name, f"{sys.executable} {script}")
    git("add", ".")
    git("commit", "-q", "-m", "notebooks")
    for path in NOTEBOOKS:
        (tmp_path / "notebooks" / path.name).write_text(_as_run(path), encoding="utf-8")
    assert git("diff", "--stat") == ""  # seen through the filter, nothing changed
    # git status lists a file whose size changed without reading it (JupyterLab's saves
    # keep the size: see the save hook's test); adding it stages nothing.
    git("add", "notebooks")
    assert git("status", "--porcelain") == ""


def test_saving_in_the_lab_keeps_the_notebook_as_committed(tmp_path, monkeypatch):
    """Run All, then save: the lab's pre-save hook writes the committed bytes again."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    config = json.loads((ROOT / "acutrack/labconfig/jupyter_server_config.json").read_text())
    hook = config["ContentsManager"]["pre_save_hook"]
    assert hook == "acutrack.notebook_files.strip_on_save"
    monkeypatch.setattr(notebook_files, "KIT_NOTEBOOKS", tmp_path / "notebooks")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "mine").mkdir()
    manager = FileContentsManager(root_dir=str(tmp_path), pre_save_hook=hook)
    for path in NOTEBOOKS:
        for folder in ("notebooks", "mine"):
            run = nbformat.reads(_as_run(path), as_version=4)
            manager.save({"type": "notebook", "content": run}, f"{folder}/{path.name}")
        committed = path.read_text(encoding="utf-8")
        assert (tmp_path / "notebooks" / path.name).read_text(encoding="utf-8") == committed
        # A notebook outside the kit's folder is the person's own: saved as it is.
        assert '"printed\\n"' in (tmp_path / "mine" / path.name).read_text(encoding="utf-8")


def test_the_save_hook_leaves_other_files_alone(tmp_path):
    class Manager:
        root_dir = str(notebook_files.KIT_NOTEBOOKS)

    text = {"type": "file", "content": "print(1)", "format": "text"}
    strip_on_save(dict(text), "notes.py", Manager())
    model = {"type": "notebook", "content": {"cells": [], "metadata": {}}}
    strip_on_save(model, "../elsewhere.ipynb", Manager())
    assert model["content"] == {"cells": [], "metadata": {}}
    strip_on_save(model, "05_mine.ipynb", Manager())
    assert model["content"]["metadata"]["language_info"] == LANGUAGE_INFO


def test_words_are_html_paragraphs():
    assert words_html("a & b\nc\n\nd", lead="Note:") == (
        '<div class="acutrack-words"><p><b>Note:</b> a &amp; b<br>c</p><p>d</p></div>'
    )
    assert words_html("") == '<div class="acutrack-words"><p></p></div>'


def test_show_words_tables_and_nothing(shown):
    table = at.people_table(pd.DataFrame({"Pain": [4]}))
    show("Pain 6 → 3", lead="Today:")
    show(table)
    show(None)
    assert [type(o).__name__ for o in shown] == ["HTML", "PeopleTable"]
    assert shown[0].data == words_html("Pain 6 → 3", lead="Today:")
    assert shown[1] is table


def test_the_tables_read_as_words(sample):
    sessions, ratings = sample
    weekly = analysis.weekly_trend(sessions, ratings)
    daily = analysis.daily_pain(analysis.pain_readings(sessions, ratings))
    week = weekly_table(weekly, daily, None)
    assert list(week.frame.columns)[:2] == ["Week starting", "Average pain"]
    assert len(week.frame) == len(weekly)
    assert "4-week average" in week.frame.columns  # 16 weeks: shown, as on the chart
    two = weekly_table(weekly.iloc[:2], daily, None)  # two weeks: not yet, as on the chart
    assert "4-week average" not in two.frame.columns
    days = weekly_table(weekly, daily, "2 weeks of check-ins are needed")
    assert list(days.frame.columns) == ["Day", "Average pain", "Highest", "Readings"]
    assert weekly_table(weekly, daily.iloc[:0], "needed") is None

    routines = routines_table(analysis.compare_routines(sessions))
    assert isinstance(routines, PeopleTable)
    assert "95 % interval" in routines.frame.columns
    assert routines_table(analysis.compare_routines(sessions.iloc[:0])) is None

    ranking = analysis.rank_points(sessions)
    points = points_table(ranking)
    sham_spots = ranking["point"].str.startswith("SH-")
    assert sham_spots.any()  # the sample's sham sessions press them; the table leaves them out
    assert points.frame.columns[0] == "Point" and list(points.frame["Point"]) == list(
        ranking.loc[~sham_spots, "point"]
    )
    assert all(re.search(r"\(\d+(\.\d+)? %\)$|^—$", cell) for cell in points.frame["Interval"])
    assert points_table(ranking.iloc[:0]) is None


def test_points_in_words(sample):
    sessions, _ = sample
    ranking = analysis.rank_points(sessions)
    none = ranking.assign(more_relief=False)
    assert points_words(none, sessions) == (
        "No point went with more relief yet: each point's reason is in the table."
    )
    one = ranking.assign(more_relief=[True] + [False] * (len(ranking) - 1))
    said = points_words(one, sessions.iloc[:2])
    assert said.startswith("A point can be judged once 8 sessions")
    assert "you have 2 sessions so far" in said
    assert f"Went with more relief: {ranking['point'].iloc[0]}" in said
    assert analysis.LEAVE_ONE_OUT in said


def test_the_plan_in_short(shown, tmp_path):
    assert plan_overview(at.Journal(tmp_path / "empty")) == []
    assert "No plan in this journal yet" in shown[0].data
    shown.clear()
    slots = plan_overview(at.sample_journal())
    assert slots and "Plan begun" in shown[0].data
    assert [type(o).__name__ for o in shown] == ["HTML", "PeopleTable", "PeopleTable"]
    assert shown[2].summary.startswith("The full plan")


def test_the_chooser_opens_your_journal_and_remembers_a_click(shown, tmp_path, monkeypatch):
    monkeypatch.setenv("ACUTRACK_HOME", str(tmp_path / "mine"))
    monkeypatch.delenv(journal_choice.SAMPLE_VARIABLE, raising=False)
    monkeypatch.setattr(journal_choice, "_sample", None)
    assert at.notebook_journal().path == tmp_path / "mine"
    chooser, heading = shown
    toggle, note = chooser.children
    assert toggle.value is False and [o[0] for o in toggle.options] == [
        "Your journal",
        "The sample",
    ]
    assert f"Your journal: {tmp_path / 'mine'}" in heading.data
    toggle.value = True  # a person's click
    assert "Now run all cells again" in note.value and "sample" in note.value
    assert at.notebook_journal().path == at.sample_journal().path  # Run All again
    assert "You are looking at the sample journal" in shown[-1].data


def test_the_chooser_starts_on_the_sample_when_asked(shown, monkeypatch):
    monkeypatch.setattr(journal_choice, "_sample", None)
    monkeypatch.setenv(journal_choice.SAMPLE_VARIABLE, "1")
    assert at.notebook_journal().path == at.sample_journal().path
    assert shown[0].children[0].value is True


def test_the_filter_is_attached_to_the_notebooks():
    attributes = ROOT.joinpath(".gitattributes").read_text(encoding="utf-8")
    assert "notebooks/*.ipynb filter=acutrack-notebook" in attributes
