"""The commands that start a local server and hand this process over to it: ``lab``
(JupyterLab with the kit's notebooks) and ``app`` (the kit as an app, through Voilà)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from .common import _journal, _whole
from .terminal import _line

if TYPE_CHECKING:
    from .common import Declare


def add_parsers(command: Declare) -> None:
    """Declare ``app`` and ``lab``."""
    _server_options(
        command(
            "app", _cmd_app, "open the kit as an app in your browser: no code (127.0.0.1, token)"
        )
    )
    _server_options(
        command("lab", _cmd_lab, "open the kit's notebooks in JupyterLab (127.0.0.1, token)")
    )


def _cmd_lab(args: argparse.Namespace) -> int:
    from ..lab import lab_command

    argv, env, url = lab_command(port=args.port, open_browser=not args.no_browser)
    # Absolute: the kernel runs in the notebooks' folder, not here.
    env["ACUTRACK_HOME"] = str(_journal(args).path.absolute())
    _line(f"JupyterLab is starting; open {url}")
    sys.stdout.flush()
    os.execve(argv[0], argv, env)  # JupyterLab takes over this process and its signals
    return 0  # pragma: no cover - execve does not return


def _cmd_app(args: argparse.Namespace) -> int:
    from ..app import app_command

    argv, env, url = app_command(_journal(args).path, port=args.port)
    _line(f"The acutrack app is starting; open {url}")
    sys.stdout.flush()
    if not args.no_browser:
        _open_browser_later(url)
    os.execve(argv[0], argv, env)  # Voilà takes over this process and its signals
    return 0  # pragma: no cover - execve does not return


def _open_browser_later(url: str) -> None:
    """Start `acutrack.app.opener`: it opens the browser on the app, token included, once
    the app answers (Voilà's own opening leaves the token out). The address goes through
    a pipe, never a command line."""
    import subprocess

    helper = subprocess.Popen(
        [sys.executable, "-m", "acutrack.app.opener"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # it outlives this process, which becomes Voilà
    )
    helper.stdin.write(f"{url}\n".encode())
    helper.stdin.close()


def _server_options(command) -> None:
    """The options of a command that starts a local server (`lab`, `app`)."""
    command.add_argument("--port", type=_whole, help="port to listen on (default: a free one)")
    command.add_argument("--no-browser", action="store_true", help="do not open a browser")
