from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from workbench.imaging.histogram import counts_u8

SCAN = Path(__file__).resolve().parents[2] / "samples" / "lists" / "names_149_scan.jpg"


def test_counts_are_numpys_on_a_scanned_page() -> None:
    page = cv2.imread(str(SCAN), cv2.IMREAD_GRAYSCALE)
    assert page is not None
    for image in (page, page[::3, 1::2], page[:1], page.ravel()[:1000]):
        expected = np.bincount(image.ravel(), minlength=256)
        assert np.array_equal(counts_u8(image), expected)
    assert counts_u8(page[:0]).sum() == 0


def test_counts_stay_exact_beyond_float32s_integers() -> None:
    # More pixels of one grey level than float32 counts exactly: counted in strips.
    page = np.full((4200, 4001), 200, np.uint8)
    assert counts_u8(page)[200] == 4200 * 4001
