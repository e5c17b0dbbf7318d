"""The analysis queue in headless Chromium: two uploads at once, the first showing its checks'
findings as they end while the second waits, and the Documents page listing both; and two
uploads cancelled from the Documents page, the queued one and the one being analysed (a
long multi-page document, so that it is still being analysed when Cancel is clicked)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from tests.app.conftest import QUESTIONED, SAMPLES
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, idle, server, upload

__all__ = ["server"]  # the app fixture, shared with the other browser tests

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECOND = SAMPLES / "exemplars" / "exemplar_01.png"


def test_two_uploads_queue_and_the_first_shows_findings_as_checks_end(
    server: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(240_000)
        expect.set_options(timeout=240_000)  # a loaded machine: waits are long, never timed

        page.goto(server)
        idle(page)
        page.get_by_label("Reviewer", exact=True).fill("Ana")
        page.keyboard.press("Enter")
        idle(page)
        upload(page, [QUESTIONED, SECOND])
        clicked = time.monotonic()
        # the first upload's cheap checks end with their findings while it is still running
        expect(page.get_by_text("file · ok", exact=False).first).to_be_visible()
        first_findings_s = time.monotonic() - clicked
        finding = page.get_by_text("SHA-256 of the file as received").first
        expect(finding).to_be_visible()
        finding.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "analyse-queue.png")
        # ... while the first is still being analysed and the second waits its turn
        expect(page.get_by_text(f"Analysing {QUESTIONED.name}", exact=False)).to_be_visible()
        expect(
            page.get_by_text(f"{SECOND.name}: queued, waiting for the analyses before it")
        ).to_be_visible()
        expect(page.get_by_text("The JPEG was compressed more than once").first).to_be_visible()
        print(f"first findings shown {first_findings_s:.1f} s after the click")

        page.get_by_role("link", name="Documents").click()
        expect(page.get_by_text("Being analysed", exact=False)).to_be_visible()
        expect(page.get_by_text(SECOND.name, exact=False).first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "documents-queue.png")

        page.get_by_role("link", name="Analyse").click()
        expect(page.get_by_text(f"{QUESTIONED.name}: analysed")).to_be_visible()
        expect(page.get_by_text(f"{SECOND.name}: analysed")).to_be_visible()
        page.get_by_role("link", name="Documents").click()
        idle(page)
        expect(page.get_by_text("2 document(s)", exact=False)).to_be_visible()
        browser.close()


def long_document(folder: Path, pages: int = 8) -> Path:
    """A TIFF of `pages` copies of a sample letter: an analysis that lasts many seconds.

    The cancellation test must click Cancel while the document is still being analysed; a
    single letter's analysis (a few seconds on a fast machine) could end first.
    """
    path = folder / "letters.tiff"
    with Image.open(SECOND) as letter:
        page = letter.convert("L")
        page.save(path, save_all=True, append_images=[page] * (pages - 1), compression="tiff_lzw")
    return path


def test_uploads_are_cancelled_from_the_documents_page(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    first = long_document(tmp_path)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(240_000)
        expect.set_options(timeout=240_000)

        page.goto(server)
        idle(page)
        page.get_by_label("Reviewer", exact=True).fill("Ana")
        page.keyboard.press("Enter")
        idle(page)
        upload(page, [first, SECOND])
        expect(page.get_by_text(f"Analysing {first.name}", exact=False)).to_be_visible()

        page.get_by_role("link", name="Documents").click()
        expect(page.get_by_text("Being analysed (2)", exact=False)).to_be_visible()
        cancel = page.get_by_role("button", name="Cancel")
        expect(cancel).to_have_count(2)
        cancel.last.click()  # the queued one
        expect(page.get_by_text("Being analysed (1)", exact=False)).to_be_visible()
        # The page may still be redrawing the cancelled row's button: wait until one is left.
        expect(cancel).to_have_count(1)
        cancel.click()  # the one being analysed
        expect(page.get_by_text("Being analysed", exact=False)).to_have_count(0)
        expect(page.get_by_text("No documents match", exact=False).first).to_be_visible()

        page.get_by_role("link", name="Analyse").click()
        for name in (first.name, SECOND.name):
            cancelled = page.get_by_text(f"{name}: cancelled; nothing was stored for it")
            expect(cancelled).to_be_visible()
        browser.close()
