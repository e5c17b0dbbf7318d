"""End to end in headless Chromium: upload, findings, a checklist answer kept over a reload,
and the HTML export. Screenshots of each page are saved for people to look at."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import QUESTIONED, ROOT
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    SCREENSHOTS,
    free_port,
    idle,
    server,
    upload,
    wait_healthy,
)

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "IDLE", "SCREENSHOTS", "server"]  # for the other tests

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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

        page.goto(server)
        idle(page)
        page.get_by_label("Reviewer", exact=True).fill("Ana")
        page.keyboard.press("Enter")
        idle(page)
        page.screenshot(path=SCREENSHOTS / "documents-empty.png")

        upload(page, [QUESTIONED], claimed_date="2001-05-14")
        idle(page)
        expect(page.get_by_text("analysed", exact=False).first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "analyse.png")

        page.get_by_role("link", name=f"Open {QUESTIONED.stem}").click()
        idle(page)
        expect(page.get_by_text("Findings by checklist item")).to_be_visible()
        expect(page.locator("[data-testid='stImage']").first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "document.png")

        page.get_by_role("link", name="Checklist").last.click()
        idle(page)
        item = checklist_item(page, "prov.hash")
        item.get_by_text("consistent", exact=True).click()
        idle(page)
        expect(item.get_by_text("Saved.")).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "checklist.png")

        page.reload()
        idle(page)
        # the browser remembers the reviewer: no name typed again after the reload
        expect(page.get_by_label("Reviewer", exact=True)).to_have_value("Ana")
        item = checklist_item(page, "prov.hash")
        expect(item.get_by_text("Last saved by Ana")).to_be_visible()
        expect(item.get_by_role("radio", name="consistent", exact=True)).to_be_checked()
        other = checklist_item(page, "meta.timeline")
        other.get_by_text("cannot tell", exact=True).click()
        idle(page)
        expect(other.get_by_text("Saved.")).to_be_visible()
        expect(other.get_by_text("Last saved by Ana")).to_be_visible()

        page.get_by_role("link", name="Export").last.click()
        idle(page)
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

    port = free_port()
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
        wait_healthy(f"http://127.0.0.1:{port}")
        # healthy while the samples are still being analysed in the background
        progress = read_seed_progress(store)
        assert progress is not None and progress["finished"] is False, progress
        assert progress["total"] == 0 or progress["done"] < progress["total"]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
