"""Numbers compared with the page's other numbers, on a rendered, scanned page read by OCR."""

from __future__ import annotations

import numpy as np
import pytest

from tests.support.forensic_fixtures import jpeg, overlaps, register_page, retype_number
from workbench.imaging.forensic.digits import digit_consistency
from workbench.imaging.forensic.number_words import is_number
from workbench.imaging.words import find_words
from workbench.ocr import OcrWord, default_engine


def read(gray: np.ndarray) -> list[OcrWord]:
    return list(default_engine().recognize(gray, "fas", dpi=150).page.words)


def test_numbers_and_dates_are_told_from_words() -> None:
    for text in ("۱۳۸۰/۰۲/۲۴", "۲۵۰٬۰۰۰", "1380-02-24", "٤٥٦", "۱۲۸۴\u200f"):
        assert is_number(text), text
    for text in ("۱", "ریال", "بند۲", "A12b", "۱۲ام"):
        assert not is_number(text), text


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return jpeg(register_page(), 90)


@pytest.mark.slow
def test_untouched_numbers_do_not_stand_out(page: np.ndarray) -> None:
    words = read(page)
    scan = digit_consistency(page, find_words(page), words)
    assert scan.numbers >= 8, "OCR should find the page's numbers"
    assert scan.note is None
    assert all(o.strength < 0.3 for o in scan.outliers)


@pytest.mark.slow
def test_retyped_date_is_found_where_it_was_typed(page: np.ndarray) -> None:
    words = read(page)
    date = next(w for w in words if w.text.strip("\u200f") == "۱۳۸۰/۰۲/۲۴")
    edited = jpeg(retype_number(page, date.box, "۱۳۸۶/۰۲/۲۴"), 90)
    scan = digit_consistency(edited, find_words(edited), read(edited))
    assert scan.outliers, "the retyped date was not found"
    best = scan.outliers[0]
    assert best.level == "number" and best.strength >= 0.5
    b = best.box
    assert overlaps((b.x, b.y, b.width, b.height), date.box)
    # Typed digitally: steeper edges than the scanned numbers around it.
    assert best.deviations["sharpness"]["z"] > 0
    others = [o for o in scan.outliers if o is not best]
    assert all(o.strength < 0.3 for o in others)
