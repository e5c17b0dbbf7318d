"""Which pixels of a partly decoded page the decoder produced, and which it filled in.

A file cut short or damaged in its pixel data is still loaded (the loader's
``recovered_pages``): the decoder returns the part it could read and fills the rest. A
baseline JPEG's fill is flat grey (every missing block decoded from zero coefficients); a
progressive JPEG cut inside its first scan is grey below a smoothed band where the blocks
it read end; other formats leave the missing rows at one value. The fill always follows
the decoded part in the order the file stores the picture (rows of blocks, left to right,
top to bottom; a BMP stores its rows bottom up, so its fill is at the top), so it is
found from the end of the page backwards: the blocks of one flat value equal to the
page's last pixel, up to the first block that is not. A margin of one block around the
fill covers the smoothed band.

Checks that read the page as a picture (lines, letters) use the mask to leave the fill
alone: its edge is a straight dark border, not a line of text, and its grey shifts a
threshold chosen for the whole page.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from workbench.model import Finding, Severity

#: Side of the blocks examined (pixels): a JPEG's largest usual unit (4:2:0 colour).
CELL = 16
#: Grey levels within which a block counts as the flat fill.
FLAT = 2


def decoded_pixels(gray: np.ndarray) -> np.ndarray | None:
    """True where the decoder produced the page; None when no fill is found.

    The fill is looked for at the end of the page, then (rows stored bottom up) at its top.

    Parameters
    ----------
    gray : ndarray of uint8, shape (H, W)
        A page the loader recovered in part (greyscale).

    Returns
    -------
    ndarray of bool, shape (H, W), or None
        False on the fill at the end of the page and one `CELL` around it.

    """
    found = _decoded_from_the_end(gray)
    if found is None:
        upside_down = _decoded_from_the_end(gray[::-1])
        found = None if upside_down is None else np.ascontiguousarray(upside_down[::-1])
    return found


def _decoded_from_the_end(gray: np.ndarray) -> np.ndarray | None:
    """`decoded_pixels` for a fill that follows the picture in rows from the top."""
    h, w = gray.shape[:2]
    if h == 0 or w == 0:
        return None
    rows, cols = math.ceil(h / CELL), math.ceil(w / CELL)
    padded = np.pad(gray, ((0, rows * CELL - h), (0, cols * CELL - w)), mode="edge")
    cells = padded.reshape(rows, CELL, cols, CELL)
    low = cells.min(axis=(1, 3)).astype(np.int16)
    high = cells.max(axis=(1, 3)).astype(np.int16)
    value = int(gray[-1, -1])
    flat = (high - low <= FLAT) & (np.abs(low - value) <= FLAT) & (np.abs(high - value) <= FLAT)
    order = flat.ravel()
    picture = np.flatnonzero(~order)
    first_fill = int(picture[-1]) + 1 if picture.size else 0
    if first_fill >= order.size:
        return None  # the page ends in a block of the picture: no fill found
    fill = np.zeros(order.size, dtype=bool)
    fill[first_fill:] = True
    fill = fill.reshape(rows, cols)
    # one cell of margin around the fill (the smoothed band of a progressive JPEG)
    grown = fill.copy()
    grown[:-1] |= fill[1:]
    grown[1:] |= fill[:-1]
    grown[:, :-1] |= grown[:, 1:]
    grown[:, 1:] |= grown[:, :-1]
    decoded = ~np.repeat(np.repeat(grown, CELL, axis=0), CELL, axis=1)[:h, :w]
    return np.ascontiguousarray(decoded)


def box_decoded(decoded: np.ndarray | None, box: tuple[int, int, int, int]) -> bool:
    """Whether every pixel of ``(x, y, width, height)`` was decoded (None: all were)."""
    if decoded is None:
        return True
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    inside = decoded[y0 : max(y0, y + h), x0 : max(x0, x + w)]
    return bool(inside.all()) if inside.size else True


#: What a finding of letters or lines on a partly decoded page adds to its detail.
PARTLY_DECODED_TEXT = (
    " This page was only partly decoded (the file is cut short or damaged). The decoder's "
    "fill was left out, but what it did read may be coarser than the page (a progressive "
    "JPEG cut short holds only its first, blurred scans), and letters read there can look "
    "unlike their print; so the finding is weighed no higher than a notice. A complete "
    "copy of the file can be examined in full."
)


def on_partly_decoded_page(finding: Finding, why: str = PARTLY_DECODED_TEXT) -> Finding:
    """`finding` as said of a page the decoder recovered only in part (a notice at most).

    `why` is appended to its detail: what the partial decoding means for that kind of
    evidence (letters and lines by default; pixel traces say their own).
    """
    return replace(
        finding,
        severity=min(finding.severity, Severity.NOTICE),
        detail=finding.detail + why,
        evidence={**finding.evidence, "page_partly_decoded": True},
    )
