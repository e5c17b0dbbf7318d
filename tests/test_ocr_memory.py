"""The OCR engine's page-sized arrays: the paper tone without a sorted copy of the page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from workbench.imaging.histogram import percentile_u8

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_the_histogram_percentile_is_numpys() -> None:
    # The very number np.percentile gives (its linear method), on scans and on noise of
    # every range and size, for the paper tone and other quantiles.
    rng = np.random.default_rng(1)
    pages = [
        np.asarray(Image.open(SAMPLES / name).convert("L"))
        for name in ("questioned/letter_1380-02-24.jpg", "lists/names_149_scan.jpg")
    ]
    pages.append(pages[0][::3, 1::2])  # not contiguous
    for _ in range(400):
        low = int(rng.integers(0, 256))
        shape = (int(rng.integers(1, 50)), int(rng.integers(1, 50)))
        pages.append(rng.integers(low, int(rng.integers(low, 256)) + 1, shape, dtype=np.uint8))
    for page in pages:
        for q in (0, 10, 37.5, 50, 90, 99, 100):
            assert percentile_u8(page, q) == float(np.percentile(page, q))
