"""Word-sized groups of ink on a page, found from the pixels alone.

The text methods of the forensics check (text copy-move, glyph consistency) compare words
with the other words of their own page. They need word boxes on any page, including pages
whose text OCR could not read, so the words are found from the ink: the page is binarised
(`workbench.imaging.layout.template.ink_mask`), the typical glyph height is measured from its ink
components, and ink closer than about a third of that height along the line (and the dots
above and below letters) is joined into one word.

Coordinates are pixels of the page given, origin top-left.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from workbench.geometry import Box
from workbench.imaging.components import components_with_stats
from workbench.imaging.layout.template import ink_mask
from workbench.imaging.lines import ink_groups

#: Horizontal and vertical gaps joined into one word, as fractions of the typical glyph height.
JOIN_ACROSS = 0.35
JOIN_DOWN = 0.45
#: Ink runs at least this many glyph heights long, straight across or straight down, are
#: ruled lines (a table's grid, a form's fields), not print: words are grouped without them,
#: or every word touching a table's grid would join the grid and be lost with it.
RULE_ACROSS = 10.0
RULE_DOWN = 4.0


@dataclass(frozen=True)
class Word:
    """One word-sized group of ink.

    Attributes
    ----------
    box : Box
        Bounding box of the ink, page pixels.
    ink : int
        Ink pixels in the box that belong to the word.
    label : int
        Its label in `PageWords.labels`.

    """

    box: Box
    ink: int
    label: int


@dataclass(frozen=True)
class PageWords:
    """The words of a page with the binarised ink they were found on."""

    ink: np.ndarray  # (H, W) bool
    labels: np.ndarray  # (H, W) int32, 0 = background, else the label of the joined word
    words: tuple[Word, ...]
    glyph_height: float  # typical height of an ink component, pixels

    def word_ink(self, word: Word) -> np.ndarray:
        """The ink of `word` inside its box, as a bool array (other words' ink left out)."""
        b = word.box
        window = self.labels[b.y : b.y + b.height, b.x : b.x + b.width] == word.label
        return np.asarray(window & self.ink[b.y : b.y + b.height, b.x : b.x + b.width])


def typical_glyph_height(ink: np.ndarray) -> float:
    """Median height of the page's ink components that are large enough to be glyphs."""
    count, _, stats, _ = components_with_stats(ink.view(np.uint8) if ink.dtype == bool else ink)
    if count <= 1:
        return 0.0
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = (areas >= 12) & (heights >= 4) & (heights <= ink.shape[0] // 8)
    return float(np.median(heights[keep])) if keep.any() else 0.0


def ruled_lines(ink: np.ndarray, height: float) -> np.ndarray:
    """The ink of straight horizontal and vertical rules (morphological opening), as bool."""
    m = ink.astype(np.uint8)
    across = max(3, round(RULE_ACROSS * height))
    down = max(3, round(RULE_DOWN * height))
    # A row's opening by a run of `across` pixels depends on that row alone. OpenCV's erosion
    # counts the pixels beyond the page's left and right edges as ink, so a run that touches
    # an edge survives from about half that length (`across - across // 2` pixels at the left
    # edge, `across // 2 + 1` at the right); elsewhere a row with fewer than `across` ink
    # pixels opens to nothing. Only the rows that can hold a rule (a tenth of a letter's) are
    # opened: the same pixels as opening the whole page, at a tenth of the cost.
    flat = np.zeros_like(m)
    width = m.shape[1]
    can = cv2.reduce(m, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() >= across
    if width and m.shape[0]:
        left, right = min(across - across // 2, width), min(across // 2 + 1, width)
        can |= cv2.reduce(m[:, :left], 1, cv2.REDUCE_MIN).ravel() > 0
        can |= cv2.reduce(m[:, width - right :], 1, cv2.REDUCE_MIN).ravel() > 0
    rows = np.flatnonzero(can)
    if rows.size:
        flat[rows] = cv2.morphologyEx(m[rows], cv2.MORPH_OPEN, np.ones((1, across), np.uint8))
    upright = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((down, 1), np.uint8))
    # The rule's soft edges (a pixel above or below the run) belong to it too.
    near = cv2.dilate(np.maximum(flat, upright), np.ones((3, 3), np.uint8))
    return np.asarray((near > 0) & (m > 0), dtype=bool)


def find_words(gray: np.ndarray, *, ink: np.ndarray | None = None) -> PageWords:
    """Word boxes of a page of dark print on light paper.

    Parameters
    ----------
    gray : (H, W) uint8 array
        The page.
    ink : (H, W) bool array, optional
        Its binarisation, when the caller has one already.

    Returns
    -------
    PageWords
        Words sorted top to bottom, then right to left. Groups too small to hold a word
        (specks, a lone dot), far taller than the page's glyphs (seals, emblems, signatures
        are kept only when they are word-sized) or nearly solid (bars) are left out.

    """
    g = np.asarray(gray, dtype=np.uint8)
    mask = ink_mask(g) if ink is None else np.asarray(ink, dtype=bool)
    height = typical_glyph_height(mask)
    empty = PageWords(mask, np.zeros(mask.shape, np.int32), (), height)
    if height < 4:
        return empty
    across = max(2, round(JOIN_ACROSS * height))
    down = max(1, round(JOIN_DOWN * height))
    rules = ruled_lines(mask, height)
    labels, groups = ink_groups(mask & ~rules, (2 * down + 1, across), min_area=20)
    labels[rules] = 0
    words: list[Word] = []
    for i, (x0, y0, bw, bh), area, _ in groups:
        if bh < 0.6 * height or bh > 4.0 * height or bw > 60 * height:
            continue
        if area > 0.8 * bw * bh:
            continue
        words.append(Word(Box(x0, y0, bw, bh), area, i))
    words.sort(key=lambda wd: (wd.box.y // max(1, round(height)), -wd.box.x))
    # connectedComponents labels are int32 already: no page-sized copy of them.
    return PageWords(mask, labels.astype(np.int32, copy=False), tuple(words), height)


#: Share of a side's length that the ink of a drawn frame (a form's check box, a table cell)
#: covers along each of its four sides; type alone never runs along all four sides of its box
#: (type inside a frame joins it into one ink group: `frame_interior` finds it again).
FRAME_COVER = 0.8
#: Depth of the band, as a share of the box's side, in which each side's ink is looked for
#: (a scan's skew and blur spread a ruled side over a few rows or columns).
FRAME_BAND = 0.2


def is_drawn_frame(ink: np.ndarray) -> bool:
    """Whether a word's ink (a bool array, its box) is a drawn rectangle, not type.

    Each of the four sides must hold, within `FRAME_BAND` of its box edge, a row or column
    inked over `FRAME_COVER` of the box: a check box or a cell's frame. Its straight ruled
    sides are steeper and thinner than any stroke of type printed through the same scan, so
    the print of type is not judged on it.
    """
    ink = np.asarray(ink, dtype=bool)
    h, w = ink.shape
    if h < 5 or w < 5:
        return False
    dy, dx = max(1, round(FRAME_BAND * h)), max(1, round(FRAME_BAND * w))
    rows, cols = ink.mean(axis=1), ink.mean(axis=0)
    sides = (rows[:dy].max(), rows[-dy:].max(), cols[:dx].max(), cols[-dx:].max())
    return bool(min(sides) >= FRAME_COVER)


#: Height, in the page's glyph heights, the ink inside a drawn frame must reach to be judged
#: as type (a number typed in a form's boxed field) rather than a tick or a speck.
FRAME_TYPE = 0.5


def frame_interior(
    ink: np.ndarray, glyph_height: float
) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
    """The type written inside a drawn frame: its ``(x, y, w, h)`` box in the frame's, its ink.

    A small boxed field (a form's number field, one box per digit) is shorter than a ruled
    line and joins the digits it holds into one ink group with a drawn frame's four sides.
    The frame's sides are the outer rows and columns inked over `FRAME_COVER` of the box;
    what ink lies inside them, one pixel further in, is the field's content, less the
    dividers of a field with one box per character (inner columns or rows inked over
    `FRAME_COVER` of the inside, and the pixel beside each). Returns None when `ink` is no
    drawn frame or its content is lower than `FRAME_TYPE` glyph heights (an empty or ticked
    check box, a missing glyph's outlined box).
    """
    ink = np.asarray(ink, dtype=bool)
    if not is_drawn_frame(ink):
        return None
    h, w = ink.shape
    rows, cols = ink.mean(axis=1) >= FRAME_COVER, ink.mean(axis=0) >= FRAME_COVER

    def inner(ruled: np.ndarray, band: int) -> tuple[int, int]:
        first = int(np.argmax(ruled[:band])) if ruled[:band].any() else 0
        top = first
        while top < len(ruled) and ruled[top]:
            top += 1
        last = len(ruled) - band + int(np.flatnonzero(ruled[-band:])[-1])
        bottom = last
        while bottom >= 0 and ruled[bottom]:
            bottom -= 1
        return top + 1, bottom - 1

    y0, y1 = inner(rows, max(1, round(FRAME_BAND * h)))
    x0, x1 = inner(cols, max(1, round(FRAME_BAND * w)))
    if y1 <= y0 or x1 <= x0:
        return None
    inside = ink[y0 : y1 + 1, x0 : x1 + 1].copy()
    near = np.ones(3, np.uint8)
    columns = (inside.mean(axis=0) >= FRAME_COVER).astype(np.uint8)
    inside[:, np.convolve(columns, near, mode="same") > 0] = False
    rows_in = (inside.mean(axis=1) >= FRAME_COVER).astype(np.uint8)
    inside[np.convolve(rows_in, near, mode="same") > 0, :] = False
    ys, xs = np.nonzero(inside)
    if ys.size == 0 or ys.max() - ys.min() + 1 < FRAME_TYPE * glyph_height:
        return None
    top, left = int(ys.min()), int(xs.min())
    bottom, right = int(ys.max()) + 1, int(xs.max()) + 1
    return (x0 + left, y0 + top, right - left, bottom - top), inside[top:bottom, left:right]


def framed_word(page: PageWords, word: Word) -> tuple[Word, np.ndarray, bool]:
    """`word` as glyph consistency judges it: ``(word, its own ink, whether a drawn frame)``.

    A drawn frame with type inside (a boxed field, `frame_interior`) is replaced by that type,
    which is judged as the word; an empty frame is returned as a frame, not to be judged.
    """
    own = page.word_ink(word)
    if not is_drawn_frame(own):
        return word, own, False
    inside = frame_interior(own, page.glyph_height)
    if inside is None:
        return word, own, True
    (ix, iy, iw, ih), ink = inside
    box = Box(word.box.x + ix, word.box.y + iy, iw, ih)
    return Word(box, int(ink.sum()), word.label), ink, False
