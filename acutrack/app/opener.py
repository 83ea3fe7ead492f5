"""Opening the person's browser on the app with its token, once the app answers.

Voilà opens the browser at its address without the token, so a person would land on a
page asking for it. ``acutrack app`` starts Voilà without a browser and this small
process instead: it reads the address (with the token) on its standard input, never on
its command line (which every user of the computer can read), waits until the server
answers, and opens a private page of this computer's that forwards to the app, as
Jupyter does: the token never reaches a command line, the browser's included.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["open_when_ready", "redirect_page"]

#: How long the forwarding page is kept: long enough for a slow browser to read it.
KEEP_SECONDS = 60.0


def redirect_page(url: str, folder: Path) -> Path:
    """Write a page that forwards the browser to ``url``, readable by its owner only."""
    escaped = url.replace("&", "&amp;").replace('"', "&quot;")
    fd, name = tempfile.mkstemp(suffix=".html", prefix="acutrack-app-", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as page:  # mkstemp makes it 0600
        page.write(
            '<!DOCTYPE html><meta charset="utf-8"><title>acutrack</title>'
            f'<meta http-equiv="refresh" content="0; url={escaped}">'
            f'<p>Opening acutrack… <a href="{escaped}">open it here</a> if nothing happens.</p>'
        )
    return Path(name)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def open_when_ready(
    url: str,
    *,
    timeout: float = 120.0,
    opener: Callable[[str], object] = webbrowser.open,
    keep: float = KEEP_SECONDS,
    folder: Path | None = None,
) -> bool:
    """Wait until the server at ``url`` answers, then open the browser on it.

    Parameters
    ----------
    url : str
        The app's address with its token.
    timeout : float
        Seconds to wait for the server; then nothing is opened.
    opener : callable
        Opens a ``file:`` address in the browser (`webbrowser.open`; tests pass their own).
    keep : float
        Seconds the forwarding page is kept before it is removed.
    folder : Path, optional
        Where the forwarding page is written (a new private folder by default).

    Returns
    -------
    bool
        Whether the browser was asked to open the app.
    """
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while not _answers(parts.hostname or "127.0.0.1", parts.port or 80):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    with tempfile.TemporaryDirectory(prefix="acutrack-") as private:  # 0700
        page = redirect_page(url, folder or Path(private))
        opener(page.as_uri())
        time.sleep(keep)
        page.unlink(missing_ok=True)
    return True


if __name__ == "__main__":  # started by ``acutrack app``, the address on standard input
    open_when_ready(sys.stdin.readline().strip())
