"""Flat ink of a bold number printed with the page, and of a retyped one (`bold_print`).

A receipt of the fresh-look set (``benchmarks/forensic_fresh.py``: a face no corpus split uses,
a 240-dpi colour scan with a gamma curve, saved at 96) whose total is printed bold with the
page: darker, wider in stroke, softer against its contrast and flatter in its core than the
page's other numbers, as a bold print is (fresh-041; its retyped number OCR did not read).
And a letter of the development split (dev-063, 300-dpi colour) whose number was typed into
the file sharper and thinner than the page's print, its ink flat: flat ink that is no bold
print's; and a book page of the development split whose number was typed into the file in the
split's bold digits font (dev-054 as the test split types numbers, 150-dpi grey saved at 70):
darker, wider *and sharper* than the page's numbers, its ink flat, which a bold print's
softer edges are not.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from tests.support.forensic_fixtures import overlaps
from workbench.geometry import Box
from workbench.imaging.forensic.digits import bold_print, digit_consistency
from workbench.imaging.words import find_words
from workbench.ocr import OcrWord, default_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import forensic_fresh as ff


def _read(gray: np.ndarray, dpi: float) -> list[OcrWord]:
    return list(default_engine().recognize(gray, "fas", dpi=dpi).page.words)


def _xywh(box: Box) -> tuple[int, int, int, int]:
    return (box.x, box.y, box.width, box.height)


def test_bold_is_darker_wider_and_softer_together() -> None:
    assert bold_print({"darkness": 7.2, "stroke": 4.4, "sharpness": -4.3})
    assert bold_print({"darkness": 2.8, "stroke": 2.8, "sharpness": -0.9})
    assert not bold_print({"darkness": 3.4, "stroke": 2.7, "sharpness": 2.3})  # sharper
    assert not bold_print({"darkness": 3.4, "stroke": 2.7})  # edges as the page's
    assert not bold_print({"darkness": -8.4, "stroke": 5.8, "sharpness": -4.0})  # lighter
    assert not bold_print({"darkness": 2.6, "stroke": -3.7, "sharpness": -4.0})  # thinner
    assert not bold_print({"darkness": 9.0, "sharpness": -4.0})


@pytest.mark.slow
@pytest.mark.skipif(bool(ff.check_faces()), reason="fresh-look set's fonts")
def test_bold_total_printed_with_the_page_is_not_flat_ink(tmp_path: Path) -> None:
    with ff.fresh_faces():
        entry = ff.make_entry(41, "retyped-digits", "receipt", 0, 5, tmp_path)
    assert entry.chain == "fresh-240-colour444-gamma-q96"
    gray = np.asarray(Image.open(tmp_path / entry.path).convert("L"))
    ((x0, y0, x1, y1),) = entry.boxes
    edit = (x0, y0, x1 - x0, y1 - y0)
    scan = digit_consistency(gray, find_words(gray), _read(gray, 240))
    genuine = [o for o in scan.outliers if not overlaps(_xywh(o.box), edit)]
    bold = [
        o
        for o in genuine
        if o.deviations.get("darkness", {}).get("z", 0) > 0
        and o.deviations.get("stroke", {}).get("z", 0) > 0
    ]
    assert bold, "the bold total should stand out in print"
    # Its print stands out (a notice for the finding); its flat ink and a second family do not.
    for o in genuine:
        assert "ink_grain" not in o.deviations
        assert not o.seen_by


@pytest.mark.slow
@NEEDS_DEV_FONTS
def test_retyped_number_with_flat_ink_and_thinner_strokes_keeps_its_ink(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 63, "retyped-digits", "letter", 1, tmp_path)
    gray = np.asarray(Image.open(tmp_path / entry.path).convert("L"))
    ((x0, y0, x1, y1),) = entry.boxes
    edit = (x0, y0, x1 - x0, y1 - y0)
    scan = digit_consistency(gray, find_words(gray), _read(gray, 300))
    found = [o for o in scan.outliers if overlaps(_xywh(o.box), edit)]
    assert found, "the retyped number was not found"
    best = max(found, key=lambda o: o.strength)
    assert best.strength >= 0.5
    assert best.deviations["ink_grain"]["z"] <= -7.0
    assert all(o.strength < 0.3 for o in scan.outliers if not overlaps(_xywh(o.box), edit))


@pytest.mark.slow
@NEEDS_DEV_FONTS
def test_retyped_number_darker_wider_and_sharper_keeps_its_flat_ink(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 54, "retyped-digits", "book", 0, tmp_path, plain_retype=True)
    assert entry.chain == "dev-150-grey-q70"
    gray = np.asarray(Image.open(tmp_path / entry.path).convert("L"))
    ((x0, y0, x1, y1),) = entry.boxes
    edit = (x0, y0, x1 - x0, y1 - y0)
    scan = digit_consistency(gray, find_words(gray), _read(gray, 150))
    found = [o for o in scan.outliers if overlaps(_xywh(o.box), edit)]
    assert found, "the retyped number was not found"
    best = max(found, key=lambda o: o.strength)
    # Darker and wider (as a bold print) but sharper: its flat ink counts, a warning.
    assert best.deviations["darkness"]["z"] >= 2.0
    assert best.deviations["stroke"]["z"] >= 2.0
    assert best.deviations["sharpness"]["z"] > 0.0
    assert best.deviations["ink_grain"]["z"] <= -7.0
    assert best.strength >= 0.5
    assert not [o for o in scan.outliers if not overlaps(_xywh(o.box), edit)]
