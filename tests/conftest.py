from __future__ import annotations

import os
from pathlib import Path

import pytest

import acutrack as at

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Keep tests away from the real ~/acutrack and from the user's Jupyter settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ACUTRACK_HOME", str(home / "acutrack"))
    monkeypatch.setenv("MPLCONFIGDIR", str(home / ".mpl"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")


@pytest.fixture
def journal(tmp_path) -> at.Journal:
    return at.Journal(tmp_path / "journal")


def venv_bin(name: str) -> str:
    """A console script of the environment running the tests."""
    import sys

    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env
