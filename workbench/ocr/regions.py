"""The image `Tesseract.recognize_regions` reads: chosen regions of a page, stacked.

Each region (widened by a third of its height for dots a line box may cut) keeps its band
of rows, the rest of the band painted with the paper tone; the bands are stacked with blank
gaps. Built band by band, so that a 100-megapixel page costs no page-sized copy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from workbench.imaging.histogram import percentile_u8


def stack_regions(
    gray: np.ndarray, boxes: Sequence[tuple[int, int, int, int]], paper_percentile: float
) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """The stacked bands of `boxes` (``(x, y, w, h)``, page pixels, at least one) of `gray`.

    Returns the stack and, per band, ``(top in the stack, bottom in the stack, top on the
    page)``. The paper tone is the `paper_percentile` of the page's grey levels.
    """
    height, width = gray.shape
    paper = int(percentile_u8(gray, paper_percentile))
    bands: list[list[int]] = []
    regions: list[tuple[int, int, int, int]] = []  # top, bottom, left, right
    for x, y, w, h in sorted(boxes, key=lambda b: b[1]):
        pad = max(2, h // 3)
        top, bottom = max(0, y - pad), min(height, y + h + pad)
        left, right = max(0, x - pad), min(width, x + w + pad)
        regions.append((top, bottom, left, right))
        if bands and top <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], bottom)
        else:
            bands.append([top, bottom])
    gap = max(8, max(h for _, _, _, h in boxes))
    pieces: list[np.ndarray] = []
    offsets: list[tuple[int, int, int]] = []  # (top in the stack, bottom, top on the page)
    row = 0
    for top, bottom in bands:
        if pieces:
            pieces.append(np.full((gap, width), paper, dtype=np.uint8))
            row += gap
        # the band's rows in the paper tone, with every region's pixels in those rows (no
        # page-sized copy)
        band = np.full((max(0, bottom - top), width), paper, dtype=np.uint8)
        for r_top, r_bottom, left, right in regions:
            first, last = max(r_top, top), min(r_bottom, bottom)
            if first < last and left < right:
                band[first - top : last - top, left:right] = gray[first:last, left:right]
        pieces.append(band)
        offsets.append((row, row + bottom - top, top))
        row += bottom - top
    return np.ascontiguousarray(np.vstack(pieces)), offsets
