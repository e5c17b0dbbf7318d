"""Numbers OCR does not read as numbers, and lighter numbers in the type's size, on real pages.

Pages of the independent corpus's development split, read by Tesseract: a table of the 300-dpi
colour chain whose amount was erased and typed again lighter in the digits face (the corpus's
dev-059; OCR reads the typed amount as one digit, its box around the whole number), an
untouched table of the same chain and face (dev-003, whose amounts OCR reads as single digits
too), a receipt whose number OCR glued to its label (dev-053), and a letter
whose number was typed again lighter than the page (dev-058).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from tests.support.forensic_fixtures import FONT, overlaps
from workbench.geometry import Box
from workbench.imaging.forensic.digits import digit_consistency
from workbench.imaging.forensic.number_words import is_number, number_boxes
from workbench.imaging.words import find_words
from workbench.ocr import OcrWord, default_engine

pytestmark = [pytest.mark.slow, NEEDS_DEV_FONTS]


def _page(entry: fc.Entry, folder: Path) -> tuple[np.ndarray, list[OcrWord]]:
    image = Image.open(folder / entry.path)
    gray = np.asarray(image.convert("L"))
    dpi = float(image.info.get("dpi", (300, 300))[0])
    return gray, list(default_engine().recognize(gray, "fas", dpi=dpi).page.words)


def _xywh(box: Box) -> tuple[int, int, int, int]:
    return box.x, box.y, box.width, box.height


def _edit(entry: fc.Entry) -> tuple[int, int, int, int]:
    ((x0, y0, x1, y1),) = entry.boxes
    return x0, y0, x1 - x0, y1 - y0


def test_amount_ocr_read_as_one_digit_is_compared_and_found_where_it_was_typed(
    tmp_path: Path,
) -> None:
    entry = fc.make_entry("dev", 59, "retyped-digits", "table", 0, tmp_path)
    assert entry.variant.startswith("lighter")
    gray, read = _page(entry, tmp_path)
    edit = _edit(entry)
    # OCR does not read the typed amount as a number ...
    assert not [w for w in read if is_number(w.text) and overlaps(w.box, edit)]
    # ... but its box of digits is taken for one.
    page = find_words(gray)
    assert [b for b in number_boxes(read, page.ink) if overlaps(_xywh(b), edit)]
    scan = digit_consistency(gray, page, read)
    best = scan.outliers[0]
    assert best.strength >= 0.5
    assert overlaps(_xywh(best.box), edit)
    assert "two_measurements" in best.seen_by
    assert best.deviations["darkness"]["z"] < 0  # lighter, in the type's size: not a stamp
    for other in scan.outliers[1:]:
        assert other.strength < 0.3


def test_untouched_table_whose_amounts_ocr_misreads_has_no_number_standing_out(
    tmp_path: Path,
) -> None:
    entry = fc.make_entry("dev", 3, "none", "table", 0, tmp_path)
    assert entry.chain == "dev-300-colour-q95-q80" and entry.tampering == "none"
    gray, read = _page(entry, tmp_path)
    page = find_words(gray)
    read_as_numbers = [w for w in read if is_number(w.text)]
    assert len(number_boxes(read, page.ink)) > len(read_as_numbers)
    scan = digit_consistency(gray, page, read)
    assert all(o.strength < 0.3 for o in scan.outliers)


def test_number_glued_to_its_label_is_cut_off_it(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 53, "retyped-digits", "receipt", 0, tmp_path)
    gray, read = _page(entry, tmp_path)
    edit = _edit(entry)
    (glued,) = [w for w in read if overlaps(w.box, edit)]
    assert not is_number(glued.text) and any(c.isalpha() for c in glued.text)
    boxes = [b for b in number_boxes(read, find_words(gray).ink) if overlaps(_xywh(b), edit)]
    (number,) = boxes
    x, _, w, _ = glued.box
    # The number is the box's left part (the text's end: Persian runs right to left); the
    # label is left out, the colon between the two may be kept.
    assert number.x == x and number.width < 0.75 * w
    assert number.x + number.width <= edit[0] + edit[2] + number.height // 2


def test_number_typed_lighter_in_the_type_s_size_is_found_by_its_flat_ink(tmp_path: Path) -> None:
    # Lighter and softer, as a stamp in the text's size is: those are its weight, not two
    # families; its ink, flatter than any scanned number's, is found on its own.
    entry = fc.make_entry("dev", 58, "retyped-digits", "letter", 0, tmp_path)
    assert entry.variant.startswith("lighter")
    gray, read = _page(entry, tmp_path)
    scan = digit_consistency(gray, find_words(gray), read)
    best = scan.outliers[0]
    assert best.strength >= 0.5
    assert overlaps(_xywh(best.box), _edit(entry))
    assert best.deviations["ink_grain"]["z"] < 0
    for other in scan.outliers[1:]:
        assert other.strength < 0.3


def _glued(label: str, number: str, ltr: bool) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A label and its number typeset with a narrow gap, binarised; the number's (x, y, w, h)."""
    face = ImageFont.truetype(str(FONT), 40, layout_engine=ImageFont.Layout.RAQM)
    image = Image.new("L", (600, 120), 0)
    draw = ImageDraw.Draw(image)
    first, second = (label, number) if ltr else (number, label)
    x1 = draw.textbbox((40, 80), first, font=face, anchor="ls")[2]
    draw.text((40, 80), first, font=face, fill=255, anchor="ls")
    draw.text((x1 + 8, 80), second, font=face, fill=255, anchor="ls")
    ink = np.asarray(image) > 128
    start = 40 if not ltr else x1 + 8
    end = x1 if not ltr else 600
    cols = np.flatnonzero(ink[:, start:end].any(axis=0)) + start
    rows = np.flatnonzero(ink[:, cols[0] : cols[-1] + 1].any(axis=1))
    return ink, (
        int(cols[0]),
        int(rows[0]),
        int(cols[-1] - cols[0] + 1),
        int(rows[-1] - rows[0] + 1),
    )


def _read_as_one(ink: np.ndarray, text: str) -> list[OcrWord]:
    cols = np.flatnonzero(ink.any(axis=0))
    rows = np.flatnonzero(ink.any(axis=1))
    box = (int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1))
    return [OcrWord(text=text, confidence=90.0, box=box, line=0, block=0)]


@pytest.mark.parametrize(("label", "ltr"), [("Phone:", True), ("تلفن:", False)])
def test_number_glued_to_its_label_is_cut_on_the_label_s_side(label: str, ltr: bool) -> None:
    # A Latin label (Phone:, Tel:) runs left to right: its number lies at the box's right, a
    # Persian label's at its left. The part is trimmed to the number's own ink rows (not the
    # label's dots).
    ink, number = _glued(label, "۰۲۱۴۴۵۵", ltr)
    (found,) = number_boxes(_read_as_one(ink, label + "۰۲۱۴۴۵۵"), ink)
    assert overlaps(_xywh(found), number)
    # The number, with at most the label's colon beside it.
    assert number[0] - 25 <= found.x and found.x + found.width >= number[0] + number[2] - 2
    assert found.x + found.width <= number[0] + number[2] + 25
    assert found.y >= number[1] - 1 and found.height <= number[3] + 2
