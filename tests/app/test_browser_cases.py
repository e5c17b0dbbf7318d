"""The case view in headless Chromium: a batch run's folder as a case, a pasted signature shown
on both letters side by side, and the provenance links."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.app.conftest import SAMPLES
from tests.app.test_browser import CHROMIUM, CHROMIUM_ARGS, IDLE, SCREENSHOTS, server
from workbench.batch import BatchOptions, run_batch

__all__ = ["server"]  # the app fixture, shared with the other browser test

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_case_view_shows_shared_signature_and_links(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    folder = tmp_path / "leak"
    folder.mkdir()
    shutil.copy(SAMPLES / "exemplars" / "exemplar_02.png", folder)
    shutil.copy(SAMPLES / "tampered" / "t01_splice_signature.png", folder)
    run_batch(
        BatchOptions(
            root=folder, out=tmp_path / "out", store=tmp_path / "store", workers=1, only=("file",)
        )
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(240_000)

        def idle() -> None:
            page.wait_for_timeout(300)
            page.wait_for_selector(IDLE)

        page.goto(server)
        idle()
        page.get_by_role("link", name="Cases").click()
        idle()
        expect(page.get_by_role("combobox", name="Case")).to_have_value("leak (2 documents)")
        expect(
            page.get_by_text("closer than two separate impressions", exact=False)
        ).to_be_visible()
        crops = page.locator("[data-testid='stImage']")
        expect(crops).to_have_count(2)
        expect(page.get_by_text("t01_splice_signature.png, page 1", exact=False)).to_be_visible()
        expect(page.get_by_text("exemplar_02.png, page 1", exact=False)).to_be_visible()
        lens = page.get_by_role("link", name="Google Lens")
        expect(lens).to_have_attribute("href", "https://lens.google.com/")
        expect(page.get_by_role("link", name="TinEye")).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "cases.png", full_page=True)
        browser.close()
