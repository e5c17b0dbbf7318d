"""Work that holds the interpreter's lock waits until Tesseract is reading a page."""

from __future__ import annotations

import threading
from pathlib import Path

from PIL import Image

from workbench.ocr import Tesseract
from workbench.ocr.activity import wait_while_reading

#: A real 300-dpi letter: Tesseract reads it for most of a second, several times the wait's
#: settling time. The tests' small synthetic letter was read in 0.1-0.2 s, about the
#: settling time itself, so the reading could end before the wait saw it (1 run in 6 failed).
LETTER = Path(__file__).resolve().parents[1] / "samples" / "exemplars" / "exemplar_01.png"


def test_waits_for_a_reading_under_way() -> None:
    page = Image.open(LETTER).convert("L")
    errors: list[Exception] = []
    give_up = threading.Event()

    def read() -> None:
        try:
            Tesseract().data(page, "fas")
        except Exception as exc:  # shown by the assertion below, not lost in the thread
            errors.append(exc)
        finally:
            # The wait ends with the reading even if it never saw it (no hanging test).
            give_up.set()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        waited = wait_while_reading(give_up)
        # it returned while Tesseract was still reading the page, not after
        alive = reader.is_alive()
    finally:
        reader.join()
    assert not errors
    assert waited and alive


def test_gives_up_when_no_reading_comes() -> None:
    give_up = threading.Event()
    threading.Timer(0.2, give_up.set).start()
    assert not wait_while_reading(give_up)
