"""Opening the kit: JupyterLab on the notebooks, private to this computer."""

from __future__ import annotations

import os
import secrets
import socket
import sys
from pathlib import Path
from urllib.parse import quote

from .errors import InvalidValue

__all__ = ["checked_port", "lab_command", "notebooks_dir", "server_env", "token_url"]

HOST = "127.0.0.1"
#: The notebook the kit opens on: logging comes first.
FIRST_NOTEBOOK = "01_log_a_session.ipynb"
# JupyterLab settings shipped with the package: its news pop-up ("get notified about
# official Jupyter news?") is off, as it would cover the first form.
_CONFIG = Path(__file__).resolve().parent / "labconfig"


def notebooks_dir() -> Path:
    """The kit's ``notebooks/`` folder (beside the package in a source checkout), else here."""
    beside = Path(__file__).resolve().parent.parent / "notebooks"
    return beside if beside.is_dir() else Path.cwd()


def server_env() -> dict[str, str]:
    """This process's environment with the token a local server is to ask for.

    ``$JUPYTER_TOKEN`` when set (an empty one counts as unset, as Jupyter counts it), else
    a new random one. It travels in the environment: a command line is visible to every
    user of the computer (``ps``).
    """
    env = dict(os.environ)
    env["JUPYTER_TOKEN"] = env.get("JUPYTER_TOKEN") or secrets.token_urlsafe(24)
    return env


def token_url(port: int, path: str, env: dict[str, str]) -> str:
    """The address a person opens: ``path`` on 127.0.0.1 with the token of ``env``."""
    return f"http://{HOST}:{port}{path}?token={quote(env['JUPYTER_TOKEN'], safe='')}"


def checked_port(port: int | None) -> int:
    """``port`` once checked, or a free port on 127.0.0.1 when it is None.

    Chosen here rather than by the server, so that the URL can be told before it starts;
    servers are started with no retries, so it is that port or a clear failure.
    """
    if port is not None and (
        isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535
    ):
        raise InvalidValue("port", port, "expected a port number from 1 to 65535")
    if port:
        return port
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def lab_command(
    *, port: int | None = None, open_browser: bool = True, root: Path | None = None
) -> tuple[list[str], dict[str, str], str]:
    """The command line and environment that start JupyterLab for acutrack, and its URL.

    The server listens on 127.0.0.1 only and requires a token: ``$JUPYTER_TOKEN`` when set,
    else a new random one. The token travels in the environment, not in the command line,
    where other users of the computer could read it; JupyterLab then shows it as
    ``token=...``, so the URL returned carries it for the person to open. It opens on the
    logging notebook. JupyterLab's news (and its pop-up) and update checks are turned
    off, so nothing is fetched from the internet.

    Parameters
    ----------
    port : int, optional
        From 1 to 65535; a free one by default.
    open_browser : bool
        Whether JupyterLab opens the person's browser.
    root : Path, optional
        The folder it shows; the kit's notebooks by default.

    Returns
    -------
    argv : list of str
    env : dict
    url : str
        Where the lab answers, with its token.
    """
    port = checked_port(port)
    env = server_env()
    searched = [str(_CONFIG), *filter(None, [env.get("JUPYTER_CONFIG_PATH")])]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(searched)
    first = (
        f"/lab/tree/{FIRST_NOTEBOOK}"
        if (root or notebooks_dir()).joinpath(FIRST_NOTEBOOK).exists()
        else "/lab"
    )
    argv = [
        sys.executable,
        "-m",
        "acutrack.serve",  # JupyterLab, a few seconds faster to start
        "jupyterlab",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root or notebooks_dir()}",
        "--LabApp.news_url=None",
        f"--LabApp.default_url={first}",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ]
    if not open_browser:
        argv.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers and CI machines run as root
    return argv, env, token_url(port, first, env)
