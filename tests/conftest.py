from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import acutrack as at

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Keep tests away from the real ~/acutrack and from the user's Jupyter settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))  # what Path.home() reads on Windows
    monkeypatch.setenv("ACUTRACK_HOME", str(home / "acutrack"))
    monkeypatch.setenv("MPLCONFIGDIR", str(home / ".mpl"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")


@pytest.fixture
def journal(tmp_path) -> at.Journal:
    return at.Journal(tmp_path / "journal")


class MovingClock:
    """The time a journal takes for now, moved on by the test (planned sessions lie hours
    apart)."""

    def __init__(self, start: datetime = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, hours: float = 5) -> None:
        self.now += timedelta(hours=hours)


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def timed_journal(tmp_path, clock) -> at.Journal:
    """A journal whose "now" is `clock`'s."""
    return at.Journal(tmp_path / "journal", clock=clock)


def venv_bin(name: str) -> str:
    """A console script of the environment running the tests."""
    import shutil
    import sys

    # (On Windows the scripts are .exe files beside python.exe.)
    return shutil.which(name, path=str(Path(sys.executable).parent)) or name


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def need_chromium() -> None:
    """Skip without Debian's Chromium; on CI, where the browser tests must run, fail."""
    if os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} is missing: `apt-get install chromium` (as .ci/run does) to run this"
    if os.environ.get("CI") == "true":
        pytest.fail(message)  # on CI the browser test must run
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """Chromium as the project drives it, launched once for every browser test."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect itself is the answer


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_AS_IS = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, token: str | None = None, *, follow: bool = True) -> int:
    """HTTP status of a GET on this machine (0 when nothing answers).

    With ``follow=False`` a redirect is not followed: its own status (302) is returned.
    """
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with (DIRECT if follow else _AS_IS).open(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except urllib.error.URLError:
        return 0


def start_lab(journal: Path, token: str, *, cwd: Path, timeout: float = 90, **env: str):
    """Start `acutrack lab` without a browser; return the process, its URL and port."""
    port = free_port()
    command = [venv_bin("acutrack"), "--journal", str(journal), "lab", "--no-browser"]
    command += ["--port", str(port)]
    proc = subprocess.Popen(
        command,
        env=subprocess_env(JUPYTER_TOKEN=token, **env),
        cwd=cwd,
        # Not a terminal: JupyterLab then stops on one Ctrl+C instead of asking to confirm.
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(cwd / "lab.log").open("wb"),  # a file: a full pipe would stall the server
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while get(f"{url}/api/status", token) != 200:
        assert proc.poll() is None, (cwd / "lab.log").read_text(errors="replace")
        assert time.monotonic() < deadline, f"JupyterLab did not start within {timeout} s"
        time.sleep(0.3)
    return proc, url, port


def start_app(journal: Path, token: str, *, base: Path, timeout: float = 90, **env: str):
    """Start `acutrack app` without a browser, as a person starts it; return the process
    and its URL once the server answers. ``env`` adds to its environment (for example
    ``ACUTRACK_TEST_NOW``, the clock of the page's kernel)."""
    port = free_port()
    command = [venv_bin("acutrack"), "--journal", str(journal), "app", "--no-browser"]
    environment = subprocess_env(JUPYTER_TOKEN=token, **env)
    proc = serve([*command, "--port", str(port)], environment, port, base=base, timeout=timeout)
    return proc, f"http://127.0.0.1:{port}"


def serve(argv: list[str], env: dict[str, str], port: int, *, base: Path, timeout: float = 90):
    """Start the app's server (``argv``, listening on ``port``) with a home of its own in
    ``base`` (its log: ``app.log``); return the process once it answers. Its login page
    is asked, not the app's: a page asked for takes the kernel kept warm for the next."""
    env = {**env, "HOME": str(base / "home"), "JUPYTER_CONFIG_DIR": str(base / "home" / ".j")}
    log = base / "app.log"
    proc = subprocess.Popen(
        argv,
        env=env,
        cwd=base,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),  # a file: a full pipe would stall the server
    )
    deadline = time.monotonic() + timeout
    while get(f"http://127.0.0.1:{port}/login") == 0:
        assert proc.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, f"the app did not start within {timeout} s"
        time.sleep(0.2)
    return proc


def stop(proc: subprocess.Popen) -> None:
    """Stop a server as Ctrl+C would; kill it if it will not go."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def kill_after(script: str, args: list[str], lines: int, timeout: float = 60) -> list[str]:
    """Run a Python ``script`` that prints a line per write; SIGKILL it after ``lines``.

    Returns every line it printed, those after the count included: each is a write that
    returned before the writer was killed.
    """
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True
    )
    said = []
    deadline = time.monotonic() + timeout
    while len(said) < lines and time.monotonic() < deadline:
        said.append(proc.stdout.readline().strip())
    proc.kill()  # SIGKILL where there are signals
    proc.wait()
    said += [line.strip() for line in proc.stdout if line.strip()]
    assert len(said) >= lines, "the writer was too slow to be killed mid-way"
    return said
