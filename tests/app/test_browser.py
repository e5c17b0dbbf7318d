"""End to end in headless Chromium: upload, findings, a checklist answer kept over a reload,
and the HTML export. Screenshots of each page are saved for people to look at."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import QUESTIONED, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SCREENSHOTS = Path(os.environ.get("WORKBENCH_SCREENSHOTS", ROOT / "out" / "screenshots"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the app did not become healthy within {seconds:g} s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed (scripts/dev.sh installs Debian's chromium)")
    port = _free_port()
    env = {**os.environ, "WORKBENCH_STORE": str(tmp_path / "store")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbench",
            "app",
            "--no-seed",
            "--port",
            str(port),
            "--store",
            str(tmp_path / "store"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def checklist_item(page: Any, item_id: str) -> Any:
    """The bordered block of one checklist item (the innermost block naming its id)."""
    return (
        page.locator("[data-testid='stVerticalBlock']")
        .filter(has=page.get_by_text(item_id, exact=True))
        .last
    )


def test_upload_review_reload_and_export(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        page.set_default_timeout(240_000)
        expect.set_options(timeout=240_000)  # a loaded machine: waits are long, never timed

        def idle() -> None:
            page.wait_for_timeout(300)
            page.wait_for_selector(IDLE)

        page.goto(server)
        idle()
        page.get_by_label("Reviewer", exact=True).fill("Ana")
        page.keyboard.press("Enter")
        idle()
        page.screenshot(path=SCREENSHOTS / "documents-empty.png")

        page.get_by_role("link", name="Analyse").click()
        idle()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
            str(QUESTIONED)
        )
        idle()
        page.get_by_label("Date the document bears (YYYY-MM-DD)", exact=True).fill("2001-05-14")
        page.keyboard.press("Enter")
        idle()
        page.get_by_role("button", name="Analyse", exact=True).click()
        idle()
        expect(page.get_by_text("analysed", exact=False).first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "analyse.png")

        page.get_by_role("link", name=f"Open {QUESTIONED.stem}").click()
        idle()
        expect(page.get_by_text("Findings by checklist item")).to_be_visible()
        expect(page.locator("[data-testid='stImage']").first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "document.png")

        page.get_by_role("link", name="Checklist").last.click()
        idle()
        item = checklist_item(page, "prov.hash")
        item.get_by_text("consistent", exact=True).click()
        idle()
        expect(item.get_by_text("Saved.")).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "checklist.png")

        page.reload()
        idle()
        # the browser remembers the reviewer: no name typed again after the reload
        expect(page.get_by_label("Reviewer", exact=True)).to_have_value("Ana")
        item = checklist_item(page, "prov.hash")
        expect(item.get_by_text("Last saved by Ana")).to_be_visible()
        expect(item.get_by_role("radio", name="consistent", exact=True)).to_be_checked()
        other = checklist_item(page, "meta.timeline")
        other.get_by_text("cannot tell", exact=True).click()
        idle()
        expect(other.get_by_text("Saved.")).to_be_visible()
        expect(other.get_by_text("Last saved by Ana")).to_be_visible()

        page.get_by_role("link", name="Export").last.click()
        idle()
        page.screenshot(path=SCREENSHOTS / "export.png")
        with page.expect_download() as download_info:
            page.get_by_role("button", name="HTML report (printable, self-contained)").click()
        target = tmp_path / "export.html"
        download_info.value.save_as(target)
        browser.close()

    html = target.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "prov.hash" in html and "consistent" in html and "data:image/jpeg;base64," in html


def test_app_serves_while_the_samples_are_analysed(tmp_path: Path) -> None:
    from workbench.casework import read_seed_progress

    port = _free_port()
    store = tmp_path / "store"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "workbench", "app", "--samples", str(ROOT / "samples")),
            *("--port", str(port), "--store", str(store)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        start_new_session=True,  # the app and its seeding process, ended together below
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}")
        # healthy while the samples are still being analysed in the background
        progress = read_seed_progress(store)
        assert progress is not None and progress["finished"] is False, progress
        assert progress["total"] == 0 or progress["done"] < progress["total"]
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
