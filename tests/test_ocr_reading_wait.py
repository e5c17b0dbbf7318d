"""Work that holds the interpreter's lock waits until Tesseract is reading a page."""

from __future__ import annotations

import threading
from pathlib import Path

from PIL import Image

from workbench.ocr import default_engine
from workbench.ocr.activity import wait_while_reading


def test_waits_for_a_reading_under_way(jpeg_letter: Path) -> None:
    page = Image.open(jpeg_letter).convert("L")
    reader = threading.Thread(target=lambda: default_engine().data(page, "fas"))
    give_up = threading.Event()
    reader.start()
    try:
        assert wait_while_reading(give_up)
        # it returned while Tesseract was still reading the page, not after
        assert reader.is_alive()
    finally:
        reader.join()


def test_gives_up_when_no_reading_comes() -> None:
    give_up = threading.Event()
    threading.Timer(0.2, give_up.set).start()
    assert not wait_while_reading(give_up)
