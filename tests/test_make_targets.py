"""`make lab` and `make app` take a journal and the command's own options."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make (CI and Linux have it)")
@pytest.mark.parametrize("target", ["lab", "app"])
def test_make_passes_the_journal_and_the_options_on(target, tmp_path):
    journal = tmp_path / "my journal"
    said = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", target, f"JOURNAL={journal}", "ARGS=--no-browser"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f'acutrack --journal "{journal}" {target} --no-browser' in said
    plain = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--journal" not in plain and f"acutrack  {target}" in plain
