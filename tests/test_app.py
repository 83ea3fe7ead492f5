"""`acutrack app`: the kit served by Voilà with no code, driven in headless Chromium."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shutil
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import DIRECT, free_port, get, need_chromium, serve, start_app, stop

import acutrack as at
from acutrack.app import APP_NOTEBOOK, app_command
from acutrack.screening import QUESTIONS

TOKEN = "app-test-token-5d1c"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


def test_the_command_keeps_the_token_out_of_argv_and_listens_on_localhost(tmp_path):
    argv, env, url = app_command(tmp_path / "j", port=8123)
    token = env["JUPYTER_TOKEN"]
    assert len(token) >= 24 and not any(token in arg for arg in argv)
    assert "--Voila.ip=127.0.0.1" in argv and "--token" in argv and "--no-browser" in argv
    assert "--MappingKernelManager.cull_idle_timeout=1800" in argv  # half an hour by default
    assert "--VoilaConfiguration.preheat_kernel=True" in argv  # a kernel warm for the next page
    assert "--VoilaConfiguration.default_pool_size=1" in argv
    assert url == f"http://127.0.0.1:8123/?token={token}"
    assert env["ACUTRACK_HOME"] == str((tmp_path / "j").absolute())
    assert str(APP_NOTEBOOK) in argv and APP_NOTEBOOK.exists()
    with pytest.raises(at.InvalidValue, match="port"):
        app_command(tmp_path, port=70000)


def test_the_browser_is_opened_on_the_app_with_its_token_once_it_answers(tmp_path):
    import socket
    import stat
    import threading

    from acutrack.app.opener import open_when_ready

    url = f"http://127.0.0.1:{free_port()}/?token=secret-token-123"
    opened = []
    assert not open_when_ready(url, timeout=0.3, opener=opened.append, keep=0)
    assert opened == []  # no server: nothing opened
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/?token=secret-token-123"
        seen = {}

        def look(address):  # what the browser is given, read while the page exists
            page = Path(address.removeprefix("file://"))
            seen.update(address=address, text=page.read_text(), mode=page.stat().st_mode)

        waiting = threading.Thread(
            target=open_when_ready, args=(url,), kwargs={"opener": look, "keep": 0}
        )
        waiting.start()
        waiting.join(timeout=10)
    assert seen["address"].startswith("file://") and "secret-token" not in seen["address"]
    assert f'url={url}"' in seen["text"]  # the page forwards to the app with its token
    if os.name == "posix":
        assert stat.S_IMODE(seen["mode"]) == 0o600
    assert not Path(seen["address"].removeprefix("file://")).exists()  # removed after


def test_acutrack_app_hands_the_address_to_the_opener_by_a_pipe(tmp_path, monkeypatch):
    from acutrack.cli import main

    started, executed = [], []

    class Helper:
        def __init__(self, argv, **options):
            started.append((argv, options))
            self.stdin = self

        def write(self, data):
            started.append(data)

        def close(self):
            pass

    monkeypatch.setattr("subprocess.Popen", Helper)
    monkeypatch.setattr("os.execve", lambda *args: executed.append(args))
    monkeypatch.setenv("JUPYTER_TOKEN", "pipe-token-77")
    main(["--journal", str(tmp_path / "j"), "app", "--port", "8124"])
    (argv, options), data = started
    assert options["stdin"] is not None and options["start_new_session"]
    assert argv[-2:] == ["-m", "acutrack.app.opener"] and "pipe-token-77" not in str(argv)
    assert data == b"http://127.0.0.1:8124/?token=pipe-token-77\n"
    assert "--no-browser" in executed[0][1]  # Voilà's own opening would lose the token
    started.clear()
    main(["--journal", str(tmp_path / "j"), "app", "--port", "8124", "--no-browser"])
    assert started == []


#: The clock of the app's kernels: the tests never depend on the computer's.
NOW = datetime(2026, 6, 20, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One Voilà server for the module, on a new journal, started as a person starts it."""
    need_chromium()
    base = tmp_path_factory.mktemp("app")
    journal = base / "journal"
    proc, url = start_app(journal, TOKEN, base=base, ACUTRACK_TEST_NOW=NOW.isoformat())
    yield {"url": url, "journal": journal, "proc": proc, "base": base}
    stop(proc)
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.browser
def test_without_the_token_the_app_refuses_and_the_token_is_not_in_ps(app):
    answer = get(app["url"] + "/", follow=False)
    assert answer in (302, 403)
    if answer == 302:  # to a login page that asks for the token, never the app
        with DIRECT.open(app["url"] + "/", timeout=10) as page:
            assert "/login" in page.geturl()
            assert "acutrack-app" not in page.read().decode("utf-8", "replace")
    assert get(f"{app['url']}/?token=wrong", follow=False) in (302, 403)
    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert "voila" in listing and TOKEN not in listing


def _open(browser, app, size):
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{app['url']}/?token={TOKEN}")
    page.wait_for_selector(".acutrack-app .acutrack-pain", timeout=90_000)
    return page


def _saved_sessions(journal):
    path = journal / "sessions.csv"
    return list(csv.DictReader(path.open())) if path.exists() else []


@pytest.mark.browser
# On a desktop; at phone sizes the layout test drives the same page's buttons.
@pytest.mark.parametrize("size", ["desktop"])
def test_a_session_logged_with_the_buttons_is_stored_charted_and_reported(
    app, browser, size, tmp_path
):
    page = _open(browser, app, size)
    # No code anywhere: Voilà shows outputs only.
    assert page.locator(".jp-InputArea, .jp-CodeMirrorEditor, .cm-editor").count() == 0
    assert "AppPage" not in page.inner_text("body")
    before = len(_saved_sessions(app["journal"]))
    chart = page.locator(".acutrack-two-weeks")
    old_chart = chart.get_attribute("src")
    quick = page.locator(".acutrack-session-form")
    quick.locator(".acutrack-pain").nth(0).locator("button", has_text="6").click()
    quick.locator(".acutrack-pain").nth(1).locator("button", has_text="3").click()
    quick.locator("button", has_text="Save").click()
    page.wait_for_selector(".acutrack-session-form .acutrack-ok", timeout=30_000)
    rows = _saved_sessions(app["journal"])
    assert len(rows) == before + 1
    assert (rows[-1]["pain_before"], rows[-1]["pain_after"], rows[-1]["routine"]) == (
        "6",
        "3",
        "back",
    )
    page.wait_for_function(
        "old => document.querySelector('.acutrack-two-weeks').src !== old", arg=old_chart
    )
    page.locator("button", has_text="Make the report").click()
    page.wait_for_selector(".acutrack-download", timeout=60_000)
    with page.expect_download() as download:
        page.locator(".acutrack-download").first.click()
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    assert "Back pain" in saved.read_text(encoding="utf-8")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow} px of horizontal scroll at {SIZES[size]}"
    shots = os.environ.get("ACUTRACK_SHOTS")
    if shots:
        page.screenshot(path=f"{shots}/app-{size}.png", full_page=True)
    page.close()


PHONES = {"phone": (390, 844), "small phone": (360, 740)}

#: Every element with its own words, every control: each must show all of it, inside the
#: screen. A ``select`` is measured by its widest option's text, which a person may choose
#: (its scrollWidth does not grow with it); inline elements (no clientWidth) by their box
#: against the viewport.
_CUT_OFF = """
() => {
  const cut = [];
  const width = document.documentElement.clientWidth;
  const canvas = document.createElement('canvas').getContext('2d');
  const own = el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const where = el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' "'
    + (el.innerText || el.value || '').trim().slice(0, 50) + '"';
  const selector = 'button, label, select, input, textarea, a, p, li, h1, h2, span, i, b,'
    + ' small, .widget-label, .widget-html-content, .widget-progress, .widget-readout,'
    + ' .widget-toggle-button, .widget-image, img';
  for (const el of document.querySelectorAll('.acutrack-app ' + selector.split(',').join(
      ', .acutrack-app '))) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (el.closest('.acutrack-beep')) continue;
    if (box.left < -1 || box.right > width + 1)
      cut.push(`${where(el)} runs off the screen (${box.left}..${box.right} of ${width})`);
    if (el.tagName === 'SELECT') {
      if (!el.options.length) continue;
      canvas.font = style.font;
      const text = Math.max(...[...el.options].map(o => canvas.measureText(o.text).width));
      const room = el.clientWidth - parseFloat(style.paddingLeft)
        - parseFloat(style.paddingRight);
      if (text > room + 1) cut.push(`${where(el)} shows ${room} px of its ${text} px`);
    } else if (style.display !== 'inline' && (own(el) || el.tagName === 'BUTTON')
               && el.scrollWidth > el.clientWidth + 1) {
      cut.push(`${where(el)} is cut: ${el.scrollWidth} px in ${el.clientWidth} px`);
    } else if (style.display !== 'inline' && own(el) && el.tagName !== 'TEXTAREA'
               && el.scrollHeight > el.clientHeight + 2) {
      cut.push(`${where(el)} spills: ${el.scrollHeight} px high in ${el.clientHeight} px`);
    }
  }
  return cut;
}
"""

_SIDEWAYS = """
() => [document.documentElement, ...document.querySelectorAll('body *')]
  .filter(el => !['SELECT', 'TEXTAREA'].includes(el.tagName))
  .filter(el => el === document.documentElement
          || ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
  .filter(el => el.scrollWidth > el.clientWidth + 1)
  .map(el => `${el.tagName}.${el.className} scrolls sideways:`
       + ` ${el.scrollWidth} px in ${el.clientWidth} px`)
"""

_SHORT_TAPS = """
() => [...document.querySelectorAll('.acutrack-app button, .acutrack-app select,'
    + ' .acutrack-app .acutrack-download')]
  .filter(el => el.getBoundingClientRect().width > 0)
  .filter(el => el.getBoundingClientRect().height < 44)
  .map(el => `${el.tagName} "${el.innerText.trim().slice(0, 30)}"`
       + ` ${el.getBoundingClientRect().height} px high`)
"""


#: Each red-flag question's box and its buttons' box, as [left, top, right, bottom].
_QUESTION_ROWS = """
() => [...document.querySelectorAll('.acutrack-app .acutrack-question')].map(row => [
  row.querySelector('.widget-html'), row.querySelector('.widget-toggle-buttons')].map(el => {
    const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }))
"""


def _check_phone_layout(page, when):
    # Voilà scrolls the page inside an element, not the document: look at every scroller.
    wrong = page.evaluate(_SIDEWAYS)
    wrong += page.evaluate(_CUT_OFF) + page.evaluate(_SHORT_TAPS)
    assert not wrong, f"{when}, at {page.viewport_size}:\n" + "\n".join(wrong)


def _smallest_chart_text(journal):
    """The chart as the page draws it: its smallest text in points, and its dpi."""
    from matplotlib.text import Text

    from acutrack.app.page import two_weeks_figure
    from acutrack.plots.png import DPI

    fig = two_weeks_figure(at.Journal(journal, clock=lambda: NOW))
    fig.canvas.draw() if fig.canvas else None
    sizes = [
        t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
    ]
    return min(sizes), DPI


@pytest.mark.browser
def test_on_a_phone_nothing_is_cut_off_and_every_button_is_big_enough(app, browser):
    """At the first phone size the page is checked as opened, with messages shown and
    during a guided session; then, with all of that on the page, at each other size."""
    # Entries whose words are long, for the correction menu to show whole.
    journal = at.Journal(app["journal"])
    on = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    journal.log_peg(3, 2, 3, answered_at=on)
    journal.log_medication("co-codamol 30/500", 2, "tablets", as_needed=True, taken_at=on)
    first, *others = PHONES
    width, height = PHONES[first]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{app['url']}/?token={TOKEN}")
    page.wait_for_selector(".acutrack-app .acutrack-pain", timeout=90_000)
    page.wait_for_selector(".acutrack-two-weeks[src]", timeout=30_000)
    _check_phone_layout(page, f"as opened at {first}")
    # A message beside a button (here: Save with nothing chosen) must not squeeze it.
    form = page.locator(".acutrack-session-form")
    form.locator("button", has_text="Save").click()
    page.wait_for_selector(".acutrack-session-form .acutrack-error", timeout=30_000)
    page.locator("button", has_text="Make the report").click()
    page.wait_for_selector(".acutrack-download", timeout=60_000)
    _check_phone_layout(page, f"with messages shown at {first}")
    guided = page.locator(".acutrack-guided-session")
    guided.locator(".acutrack-pain button", has_text="5").first.click()
    guided.locator("button", has_text="Start").click()
    bar = ".acutrack-guided-session .widget-hprogress .progress-bar"
    page.wait_for_selector(bar, timeout=30_000)
    points, dpi = _smallest_chart_text(app["journal"])
    for phone in (first, *others, "computer"):
        width, height = {**PHONES, "computer": (1280, 800)}[phone]
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # the layout follows the new width
        _check_phone_layout(page, f"during a guided session, messages shown, at {phone}")
        # Each red-flag question beside its yes/no, or above them: never read after them.
        rows = page.evaluate(_QUESTION_ROWS)
        assert len(rows) == len(QUESTIONS), rows
        assert all(text[3] <= buttons[1] + 1 or text[1] < buttons[3] for text, buttons in rows)
        if phone != "computer":
            assert all(text[3] <= buttons[1] + 1 for text, buttons in rows), rows
        # The chart's smallest words, as shrunk to the phone: at least 11 px.
        shrink = page.evaluate(
            "() => { const i = document.querySelector('.acutrack-two-weeks');"
            " return i.getBoundingClientRect().width / i.naturalWidth; }"
        )
        on_screen = points * dpi / 72 * shrink
        assert on_screen >= 11, f"chart text {on_screen:.1f} px at {PHONES[phone]}"
        shots = os.environ.get("ACUTRACK_SHOTS")
        if shots:  # the whole page: Voilà scrolls it inside an element, so make room for it
            tall = page.evaluate(
                "Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))"
            )
            page.set_viewport_size({"width": width, "height": tall})
            page.screenshot(path=f"{shots}/app-{phone.replace(' ', '-')}.png", full_page=True)
    page.close()


def _kernel_ids(server: int) -> set[str]:
    """The kernels a server runs, by id (a kernel's command line names its connection file,
    ``kernel-<id>.json``); one being shut down, a zombie for a moment, is not counted."""
    import psutil

    ids = set()
    for child in psutil.Process(server).children(recursive=True):
        try:
            found = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(child.cmdline()))
        except psutil.NoSuchProcess:  # (gone, or a zombie)
            continue
        if found:
            ids.add(found[1])
    return ids


def _page_kernel(page) -> str:
    return page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )


@pytest.mark.browser
def test_a_reload_is_served_by_a_warm_kernel_and_reads_the_journal_afresh(app, browser):
    """Voilà keeps a kernel warm for the next page; what the page shows is read from the
    journal when the page is asked for, not when that kernel warmed."""
    page = _open(browser, app, "desktop")
    first = _page_kernel(page)
    deadline = time.monotonic() + 60
    while len(_kernel_ids(app["proc"].pid) - {first}) < 1:  # the next page's kernel
        assert time.monotonic() < deadline, "no kernel was started for the next page"
        time.sleep(0.2)
    page.wait_for_timeout(3000)  # it has warmed, and waits for a page to be asked for
    running = _kernel_ids(app["proc"].pid)
    written = f"{NOW.astimezone():%a %d %b %H:%M} · check-in · pain\u00a09"  # as listed
    entries = page.locator(".acutrack-correction-form .acutrack-entry")
    assert written not in entries.inner_text()
    at.Journal(app["journal"], clock=lambda: NOW).log_rating(9)
    page.reload()
    page.wait_for_selector(".acutrack-app .acutrack-pain", timeout=90_000)
    assert _page_kernel(page) in running - {first}  # no kernel started for this page
    assert written in entries.inner_text()
    page.close()


@contextlib.contextmanager
def _voila(tmp_path, **options):
    """The app's server as `app_command` starts it (``options`` to it), once it answers."""
    port = free_port()
    argv, env, url = app_command(tmp_path / "journal", port=port, **options)
    server = serve(argv, env, port, base=tmp_path, timeout=60)
    try:
        yield server, url, tmp_path / "app.log"
    finally:
        stop(server)


@pytest.mark.slow
def test_a_page_left_gives_its_kernel_back(tmp_path):
    """Voilà starts a kernel for every page and keeps it (about 140 MB) when the page is
    closed or reloaded: the app shuts down kernels no page is connected to (here after 2 s,
    by default 30 min; a page still open stays connected and keeps its own)."""
    with _voila(tmp_path, idle_kernel=2) as (server, url, log):
        started = time.monotonic()
        # A page fetched and left (no browser stays connected): its kernel ran the page,
        # and another is warming for the next page; the first goes, the warm one stays.
        with DIRECT.open(url, timeout=120) as page:
            assert b"acutrack" in page.read()
        while len(_kernel_ids(server.pid)) < 2:
            assert time.monotonic() - started < 120, "no kernel was warmed for the next page"
            time.sleep(0.2)
        while len(_kernel_ids(server.pid)) > 1:
            assert time.monotonic() - started < 120, "the page's kernel was kept"
            time.sleep(0.5)
        time.sleep(3)  # longer than the idle time: the warm kernel is not shut down
        assert len(_kernel_ids(server.pid)) == 1
        assert "Culling 'idle' kernel" in log.read_text(errors="replace")


@pytest.mark.slow
def test_the_warm_kernel_is_not_handed_the_token(tmp_path):
    """Voilà tells a warm kernel about the request for its page through a websocket that
    asks for no token, at an address made of the kernel's id, which ``ps`` shows: what it
    hands over must not hold the token (the page's address does)."""
    from websockets.sync.client import connect

    with _voila(tmp_path) as (server, url, log):
        deadline = time.monotonic() + 60
        while not _kernel_ids(server.pid):
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        [warm] = _kernel_ids(server.pid)
        port = url.split(":")[2].split("/")[0]
        # Another user of the computer listens where the warm kernel would, with no token...
        with connect(f"ws://127.0.0.1:{port}/voila/query/{warm}", open_timeout=10) as spy:
            # ...while the person opens the app (that page waits for the kernel the spy
            # stands in for: it is left to time out).
            asking = threading.Thread(target=get, args=(url,), daemon=True)
            asking.start()
            handed = spy.recv(timeout=60)
        assert "SCRIPT_NAME" in handed  # the request's details...
        assert url.split("token=")[1] not in handed  # ...without its token
