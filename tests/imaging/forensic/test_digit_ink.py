"""The grain of a number's ink, on pages of the independent corpus's generator read by OCR.

A 150-dpi grey letter of the development split's first template whose number was erased and
typed again into the file (the corpus's dev-058: its paper differs only a little from the
page's, its print hardly at all), an untouched letter of the same template and scan chain
(dev-010), and a register printed and scanned with one row in bold.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from tests.support.forensic_fixtures import jpeg, overlaps, register_page
from workbench.imaging.forensic.digits import digit_consistency
from workbench.imaging.words import find_words
from workbench.ocr import OcrWord, default_engine

pytestmark = [
    pytest.mark.slow,
    NEEDS_DEV_FONTS,
]


def read(gray: np.ndarray, dpi: float = 150.0) -> list[OcrWord]:
    return list(default_engine().recognize(gray, "fas", dpi=dpi).page.words)


def page_of(entry: fc.Entry, folder: Path) -> np.ndarray:
    return np.asarray(Image.open(folder / entry.path).convert("L"))


def test_retyped_number_with_flat_ink_is_found_where_it_was_typed(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 58, "retyped-digits", "letter", 0, tmp_path, plain_retype=True)
    assert entry.chain == "dev-150-grey-q70"
    gray = page_of(entry, tmp_path)
    scan = digit_consistency(gray, find_words(gray), read(gray))
    ((x0, y0, x1, y1),) = entry.boxes
    edit = (x0, y0, x1 - x0, y1 - y0)
    flat = [o for o in scan.outliers if "ink_grain" in o.deviations]
    assert flat, "the retyped number's ink was not found flatter than the page's numbers"
    best = max(flat, key=lambda o: o.strength)
    assert best.strength >= 0.5
    assert overlaps((best.box.x, best.box.y, best.box.width, best.box.height), edit)
    deviation = best.deviations["ink_grain"]
    # Against every number of the letter, those OCR misread as one digit included: z -6.2.
    assert deviation["z"] <= -6.0 and deviation["value"] < deviation["median"]
    # Nothing else on the letter comes near notice.
    for o in scan.outliers:
        if not overlaps((o.box.x, o.box.y, o.box.width, o.box.height), edit):
            assert o.strength < 0.3


def test_untouched_letter_of_the_same_template_has_no_flat_number(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 10, "none", "letter", 0, tmp_path)
    assert entry.chain == "dev-150-grey-q70" and entry.template == "dev-a"
    gray = page_of(entry, tmp_path)
    scan = digit_consistency(gray, find_words(gray), read(gray))
    assert scan.numbers >= 4, "OCR should find the letter's numbers"
    assert not [o for o in scan.outliers if "ink_grain" in o.deviations]
    assert all(o.strength < 0.3 for o in scan.outliers)


def test_bold_row_printed_with_the_page_has_the_page_s_ink_grain() -> None:
    page = jpeg(register_page(bold_row=2), 90)
    scan = digit_consistency(page, find_words(page), read(page))
    assert scan.numbers >= 8
    # The bold row stands out in print (stroke width), not in the grain of its ink.
    assert scan.outliers, "the bold row's numbers should stand out in print"
    assert not [o for o in scan.outliers if "ink_grain" in o.deviations]
