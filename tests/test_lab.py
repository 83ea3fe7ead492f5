"""`acutrack lab` starts JupyterLab privately: 127.0.0.1 only, with a token."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess

import psutil
import pytest
from conftest import DIRECT, ROOT, get, start_lab

pytestmark = [
    pytest.mark.skipif(
        os.name == "nt", reason="stopped by Ctrl+C (SIGINT), which Windows sends otherwise"
    ),
    pytest.mark.slow,  # a JupyterLab server each
]


@pytest.fixture
def lab(tmp_path):
    token = "test-token-123"
    proc, base, port = start_lab(tmp_path / "j", token, cwd=tmp_path, timeout=60)
    yield proc, base, token, port
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_lab_is_private_and_stops_cleanly(lab, tmp_path):
    proc, base, token, port = lab
    assert get(f"{base}/api/status") == 403  # no token, no entry
    assert get(f"{base}/api/status", "wrong") == 403
    assert get(f"{base}/api/contents", token) == 200

    listening = [
        c.laddr
        for c in psutil.Process(proc.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening, "the server listens on no socket"
    assert {addr.ip for addr in listening} == {"127.0.0.1"}
    assert {addr.port for addr in listening} == {port}

    # The token is not on the command line, where other users could read it.
    assert token not in " ".join(psutil.Process(proc.pid).cmdline())
    # The kernel gets the journal chosen on the command line, and the notebooks folder.
    environ = psutil.Process(proc.pid).environ()
    assert environ["ACUTRACK_HOME"] == str(tmp_path / "j")
    assert f"--ServerApp.root_dir={ROOT / 'notebooks'}" in psutil.Process(proc.pid).cmdline()
    # It opens on the logging notebook, with JupyterLab's news pop-up off (it would cover
    # the first form): the page's own configuration says so.
    page = DIRECT.open(f"{base}/lab?token={token}", timeout=10).read().decode()
    config = re.search(r'id="jupyter-config-data" type="application/json">(.*?)</script>', page)
    disabled = json.loads(config.group(1))["disabledExtensions"]
    assert "@jupyterlab/apputils-extension:announcements" in disabled
    assert (
        "--LabApp.default_url=/lab/tree/01_log_a_session.ipynb"
        in psutil.Process(proc.pid).cmdline()
    )

    # One Ctrl+C. A second one sent at once could land during the shutdown and break it.
    proc.send_signal(signal.SIGINT)
    try:
        assert proc.wait(timeout=30) == 0
    except subprocess.TimeoutExpired:
        pytest.fail("JupyterLab did not stop on Ctrl+C:\n" + (tmp_path / "lab.log").read_text())
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_servers_start_without_the_slow_iri_checker(tmp_path):
    """`acutrack.serve` runs a module as ``python -m`` does, its arguments passed on, with
    `jsonschema` unable to import ``rfc3987_syntax`` (about 3 s of Voilà's start here)."""
    import sys

    from conftest import subprocess_env

    (tmp_path / "probe_module.py").write_text(
        "import sys\nimport jsonschema._format\n"
        "print(__name__, sys.argv[1:], 'rfc3987_syntax' in sys.modules,"
        " sys.modules.get('rfc3987_syntax'))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-m", "acutrack.serve", "probe_module", "--port", "8"],
        env=subprocess_env(PYTHONPATH=str(tmp_path)),
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout.split() == ["__main__", "['--port',", "'8']", "True", "None"]
    from acutrack.app import app_command
    from acutrack.lab import lab_command

    for argv in (app_command(tmp_path, port=8123)[0], lab_command(port=8124)[0]):
        assert argv[1:3] == ["-m", "acutrack.serve"]
