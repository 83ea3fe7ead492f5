"""Opening the kit: JupyterLab on the notebooks, private to this computer."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

__all__ = ["lab_command", "notebooks_dir"]


def notebooks_dir() -> Path:
    """The kit's ``notebooks/`` folder (beside the package in a source checkout), else here."""
    beside = Path(__file__).resolve().parent.parent / "notebooks"
    return beside if beside.is_dir() else Path.cwd()


def lab_command(
    *, port: int | None = None, open_browser: bool = True, root: Path | None = None
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start JupyterLab for acutrack.

    The server listens on 127.0.0.1 only and requires a token: ``$JUPYTER_TOKEN`` when set,
    else a new random one. The token travels in the environment, not in the command line,
    where other users of the computer could read it. JupyterLab's news and update checks
    are turned off, so nothing is fetched from the internet.
    """
    env = dict(os.environ)
    env.setdefault("JUPYTER_TOKEN", secrets.token_urlsafe(24))
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={root or notebooks_dir()}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ]
    if port is not None:
        argv += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if not open_browser:
        argv.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers and CI machines run as root
    return argv, env
