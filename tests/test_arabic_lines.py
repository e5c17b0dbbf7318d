"""The second reader's reading of Arabic lines in Arabic letters (`workbench.reading`).

The ``ocr`` check writes a line in Arabic letters only where Tesseract found nothing in it
(``tests/test_reading.py``); the rule tried for every Arabic line (`benchmarks.arabic_lines`)
is measured by the line benchmark, and these tests keep its basis honest on a real line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workbench.imaging.recognition.line_recognizer import reader_available, shared_recognizer
from workbench.ocr import Tesseract
from workbench.reading import agreement, arabic_letters

SCANNED_LINES = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocr-real-lines"


def test_persian_letters_are_written_as_arabic_ones() -> None:
    # Kaf and digits have one Arabic form; a word-final yeh takes the form Tesseract's
    # ``ara`` reading has at the same place, ``ي`` where it has neither.
    second = "فی العربیة حتی الکتاب ۴۵ علی"
    first = "في العربية حتى الكتاب ٤٥ عل"
    assert arabic_letters(second, first) == "في العربية حتى الكتاب ٤٥ علي"
    assert len(arabic_letters(second, "")) == len(second)
    assert arabic_letters("سلام", "") == "سلام"


@pytest.mark.skipif(not reader_available(), reason="the second reader is not installed")
def test_on_a_scanned_journal_line_the_recognizer_in_arabic_letters_reads_closer() -> None:
    """A development line ``ara`` reads unsurely: the rule's basis, on one real line."""
    png = SCANNED_LINES / "ar-print-dev" / "0e4000a7-3a61-41e5-a4ac-d3b658b9f2d1.png"
    if not png.exists():
        pytest.skip("the scanned lines are not beside the project (ocr-real-lines missing)")
    truth = png.with_name(png.name.replace(".png", ".gt.txt")).read_text(encoding="utf-8")
    with Image.open(png) as image:
        gray = np.asarray(image.convert("L"))
    ara = Tesseract().recognize(gray, "ara").page
    second = shared_recognizer().read([gray])[0].text
    assert "ی" in second or "ک" in second  # the recognizer writes Persian letters
    written = arabic_letters(second, ara.text)
    assert not set("یک۰۱۲۳۴۵۶۷۸۹") & set(written)
    assert agreement(written, truth.strip()) > agreement(ara.text, truth.strip())
