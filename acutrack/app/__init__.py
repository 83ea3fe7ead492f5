"""The kit as an app: the forms and charts on one page with no code, served by Voilà.

``acutrack app`` serves the notebook ``app.ipynb`` shipped in this package (so that it is
there however acutrack was installed) on 127.0.0.1 with a token, as `acutrack.lab` does
JupyterLab. The page itself is `AppPage` (`acutrack.app.page`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..lab import HOST, checked_port, server_env, token_url

__all__ = ["APP_NOTEBOOK", "app_command"]

APP_NOTEBOOK = Path(__file__).resolve().parent / "app.ipynb"
#: Seconds after which a kernel that no page is connected to is shut down. Voilà starts a
#: kernel for every page and keeps it when the page is reloaded or closed (about 140 MB
#: each); an open page keeps its own, and a laptop asleep for less than this finds its
#: page working.
IDLE_KERNEL = 1800


def app_command(
    journal: Path, *, port: int | None = None, idle_kernel: int = IDLE_KERNEL
) -> tuple[list[str], dict[str, str], str]:
    """The command line and environment that start the app, and its URL.

    Voilà listens on 127.0.0.1 only and requires a token: ``$JUPYTER_TOKEN`` when set, else
    a new random one. ``--token`` asks Voilà for one and the environment supplies it, so
    it never appears in the command line, where other users of the computer could read it.

    Parameters
    ----------
    journal : Path
        The journal folder the app logs to.
    port : int, optional
        From 1 to 65535; a free one by default.
    idle_kernel : int
        Seconds after which a kernel no page is connected to is shut down.

    Returns
    -------
    argv : list of str
    env : dict
    url : str
        Where the app answers, with its token.
    """
    port = checked_port(port)
    env = server_env()
    env["ACUTRACK_HOME"] = str(journal.absolute())
    argv = [
        sys.executable,
        "-m",
        "acutrack.serve",  # Voilà, a few seconds faster to start
        "voila",
        str(APP_NOTEBOOK),
        f"--Voila.ip={HOST}",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--token",
        # The page shows its own title; Voilà's "Voilà" tab title and margins go.
        "--VoilaConfiguration.show_margins=False",
        # One kernel kept warm for the next page: the notebook runs up to where it waits
        # for a request (`acutrack.app.kernel`), so a reload or a new tab skips the imports.
        "--VoilaConfiguration.preheat_kernel=True",
        "--VoilaConfiguration.default_pool_size=1",
        f"--MappingKernelManager.cull_idle_timeout={idle_kernel}",
        f"--MappingKernelManager.cull_interval={max(1, min(60, idle_kernel // 2))}",
        # Voilà would open the browser without the token: ``acutrack app`` opens it with
        # the token instead (`acutrack.app.opener`).
        "--no-browser",
    ]
    return argv, env, token_url(port, "/", env)
