"""The logging notebook in real JupyterLab, driven in headless Chromium like a person would."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import time
import urllib.request

import pytest
from conftest import need_chromium, start_lab
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    """One JupyterLab server for the module's browser tests, on a temporary journal."""
    need_chromium()
    base_dir = tmp_path_factory.mktemp("lab")
    token = "browser-test-token"
    journal = base_dir / "journal"
    proc, url, _ = start_lab(
        journal,
        token,
        cwd=base_dir,
        HOME=str(base_dir / "home"),
        JUPYTER_CONFIG_DIR=str(base_dir / "home" / ".jupyter"),
        IPYTHONDIR=str(base_dir / "home" / ".ipython"),
    )
    yield {"url": url, "token": token, "journal": journal}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(base_dir, ignore_errors=True)


def wait_for_idle_kernel(jupyter, timeout: float = 60) -> None:
    """Wait until the notebook's kernel has started and is idle (through the REST API)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"{jupyter['url']}/api/sessions")
    request.add_header("Authorization", f"token {jupyter['token']}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with opener.open(request, timeout=5) as response:
            sessions = json.load(response)
        if any(s["kernel"]["execution_state"] == "idle" for s in sessions):
            return
        time.sleep(0.3)
    raise AssertionError(f"no idle kernel within {timeout} s")


def choose_pain(form, label: str, value: int) -> None:
    """Press the pain button ``value`` of the control labelled ``label``, as a person does."""
    control = form.locator(f".acutrack-pain:has(label:text-is('{label}'))")
    control.locator(f"button.widget-toggle-button:text-is('{value}')").click()


def in_view(page, locator) -> bool:
    """Whether the top of ``locator`` is inside the browser window."""
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"] - 100


def test_log_a_session_in_real_jupyterlab(jupyter, browser, tmp_path):
    started = time.monotonic()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    console_errors = []
    page.on("pageerror", lambda err: console_errors.append(str(err)))
    # The address `acutrack lab` prints: the lab opens on the logging notebook by itself.
    page.goto(f"{jupyter['url']}/?token={jupyter['token']}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    assert page.locator(".lm-TabBar-tab.lm-mod-current", has_text="01_log_a_session").count()
    page.wait_for_timeout(1500)  # a news pop-up would appear by now
    assert page.locator(".jp-Notification-Toast", has_text="news").count() == 0

    wait_for_idle_kernel(jupyter)

    form = page.locator(".acutrack-session-form")
    save = form.locator("button", has_text="Save session")
    screen = page.locator(".acutrack-screen-form")
    screen_save = screen.locator("button", has_text="Save screen")
    for _attempt in range(3):
        # Run All can land before the page is connected to the kernel; then it runs nothing.
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
        page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        try:
            screen_save.wait_for(timeout=20_000)  # first use: the red-flag screen comes first
            break
        except PlaywrightTimeout:
            page.screenshot(path=str(tmp_path / "after-run-all.png"))
    answers = screen.locator(".widget-toggle-buttons")
    assert answers.count() == 10
    for i in range(10):
        answers.nth(i).locator("button:text-is('no')").click()
    screen_save.click()
    screen.locator(".acutrack-ok").wait_for(timeout=30_000)
    assert page.locator(".acutrack-flag").count() == 0  # "no" to all: no banner
    page.locator(".acutrack-kit .lm-TabBar-tab", has_text="Log a session").click()
    save.wait_for(timeout=10_000)
    page.wait_for_timeout(1000)  # Run All's own scrolling is over
    page.screenshot(path=str(tmp_path / "after-run-all.png"))
    assert in_view(page, form), "the session form is out of sight after Run All"

    pain = form.locator(".acutrack-pain").first
    assert pain.bounding_box()["width"] >= 300
    notebook = page.locator(".jp-NotebookPanel-notebook").first.bounding_box()
    for part in (form, pain):  # nothing cut off at the right at 1280 x 800
        box = part.bounding_box()
        assert box["x"] + box["width"] <= notebook["x"] + notebook["width"] + 1

    choose_pain(form, "Pain before", 7)
    choose_pain(form, "Pain after", 2)
    form.locator(".widget-textarea textarea").fill("logged from the browser, 7 → 2")
    save.click()
    ok = form.locator(".acutrack-ok")
    ok.wait_for(timeout=30_000)
    assert "pain 7 → 2" in ok.inner_text()
    page.screenshot(path=str(tmp_path / "logged.png"))

    with (jupyter["journal"] / "screens.csv").open(encoding="utf-8", newline="") as fh:
        [screened] = list(csv.DictReader(fh))
    assert screened["bladder_bowel"] == screened["night_pain"] == "no"
    with (jupyter["journal"] / "sessions.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    row = rows[0]
    assert (row["pain_before"], row["pain_after"], row["routine"]) == ("7", "2", "back")
    assert row["notes"] == "logged from the browser, 7 → 2"
    assert row["id"] in ok.inner_text()

    # The check-in form offers the new session as a follow-up without re-running a cell.
    page.locator(".acutrack-kit .lm-TabBar-tab", has_text="Check-in").click()
    follow_up = page.locator(".acutrack-checkin-form .acutrack-follow-up select")
    follow_up.wait_for(timeout=10_000)
    # The other forms catch up just after the confirmation shows: wait for the new option.
    page.wait_for_function(
        r"select => Array.from(select.options).some(o => /pain\s7/.test(o.text))",
        arg=follow_up.element_handle(),
        timeout=10_000,
    )
    options = follow_up.evaluate("select => Array.from(select.options).map(o => o.text)")
    assert any("pain 7 → 2" in text.replace("\xa0", " ") for text in options), options
    page.screenshot(path=str(tmp_path / "check-in.png"))
    for name in ("after-run-all", "logged", "check-in"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    if os.environ.get("ACUTRACK_SHOTS"):  # for a person to look at them
        for name in ("after-run-all", "logged", "check-in"):
            shutil.copy(tmp_path / f"{name}.png", os.environ["ACUTRACK_SHOTS"])
    assert not console_errors, console_errors
    print(f"browser test took {time.monotonic() - started:.1f} s")


def test_report_renders_in_chromium_without_errors(browser, tmp_path):
    import acutrack as at
    from acutrack.report import write_report

    out = write_report(at.sample_journal(), tmp_path / "report.html")
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert page.locator("img").count() == 5
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    page.emulate_media(media="print")
    assert page.evaluate("document.body.scrollWidth <= window.innerWidth")
    assert not errors, errors
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert (tmp_path / "report.png").stat().st_size > 50_000
