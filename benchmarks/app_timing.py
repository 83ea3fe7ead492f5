"""How long the app takes, measured in a real browser (headless Chromium): from
``acutrack app`` to a page with buttons, a reload, a second tab, and *Make the report* on
the 16-week sample, clicked at once and after 5 s on the page (what it imports is loaded
while a person reads the page). Called by ``run.py`` (``make bench``); prints nothing itself."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

TOKEN = "bench-token-0123456789abcdef0123"
CHROMIUM = "/usr/bin/chromium"
READY = ".acutrack-app .acutrack-pain button"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
    except OSError as err:
        return getattr(err, "code", None) is not None  # an HTTP answer, even 302/403
    return True


def bench_app(tmp: Path, journal: Path) -> dict[str, float] | None:
    """Seconds to the first usable page, to a reloaded page (median of 3, after the app
    has settled), to a second tab, and for *Make the report*; None without Chromium."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return None
    from playwright.sync_api import sync_playwright

    home = tmp / "app-home"
    home.mkdir()
    env = {
        **os.environ,
        "JUPYTER_TOKEN": TOKEN,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
    }
    port = _free_port()
    url = f"http://127.0.0.1:{port}/?token={TOKEN}"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    seconds: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        started = time.perf_counter()
        command = [sys.executable, "-m", "acutrack", "--journal", str(journal), "app"]
        server = subprocess.Popen(
            [*command, "--no-browser", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while not _answers(f"http://127.0.0.1:{port}/login"):
                time.sleep(0.1)
            tabs = browser.new_context(viewport={"width": 390, "height": 844})
            page = tabs.new_page()
            page.goto(url, timeout=180_000)
            page.wait_for_selector(READY, timeout=180_000)
            seconds["first page"] = time.perf_counter() - started
            reloads = []
            for _ in range(3):
                time.sleep(10)  # the kernel made ready for the next page has warmed
                begun = time.perf_counter()
                page.reload(timeout=180_000)
                page.wait_for_selector(READY, timeout=180_000)
                reloads.append(time.perf_counter() - begun)
            seconds["reload"] = statistics.median(reloads)
            begun = time.perf_counter()
            page.locator("button", has_text="Make the report").click()
            page.wait_for_selector(".acutrack-download", timeout=180_000)
            seconds["report at once"] = time.perf_counter() - begun
            time.sleep(10)
            begun = time.perf_counter()
            # A second tab of the same browser (its cache shared), as a person opens one.
            second = tabs.new_page()
            second.set_viewport_size({"width": 1280, "height": 800})
            second.goto(url, timeout=180_000)
            second.wait_for_selector(READY, timeout=180_000)
            seconds["second tab"] = time.perf_counter() - begun
            time.sleep(5)  # a person reads the page before asking for the report
            begun = time.perf_counter()
            second.locator("button", has_text="Make the report").click()
            second.wait_for_selector(".acutrack-download", timeout=180_000)
            seconds["report"] = time.perf_counter() - begun
        finally:
            server.terminate()
            server.wait(timeout=30)
            browser.close()
    return seconds
