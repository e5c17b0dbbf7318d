"""After Tesseract has read a page: find text it skipped, and fix the Persian comma.

Pure functions over the prepared page (``(h, w)`` uint8 greyscale, as Tesseract read it) and
word boxes in its pixels. `workbench.ocr` calls them; which of them run by default was
decided by measurement (``benchmarks/ocr_benchmark.py``; figures in ``benchmarks/RESULTS.md``).

Two failures of Tesseract on Persian and Arabic letters are worth correcting here, because
they are not the recognition model's but its page analysis's, and the pixels say what is right:

- **Skipped lines.** Its layout analysis drops whole short lines, most often a centred
  heading (« بسمه تعالی »), a closing (« با تشکر ») or a name in a list, even with its
  noise filter for rows turned off. `uncovered_text_regions` finds line-shaped ink that no
  word box covers, so the caller can read each such region as one line.
- **The Persian comma.** « ، » is read as « . » or « , » (and, in some bold faces, as « » »,
  which is left alone: a real closing guillemet looks too much alike).
  The characters differ in shape where the model hesitates: a full stop is a dot about as
  round as it is small, the Persian comma an elongated hook. `comma_like` measures the last glyph of
  a word (its leftmost ink, in right-to-left text), and `arabic_comma_fixes` decides which
  words end in a misread comma.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import cv2
import numpy as np

#: An uncovered region must be at least this tall, in text heights (letter bodies), to be
#: text and not dust or a stray dot ...
MIN_REGION_HEIGHT = 0.6
#: ... and at most this tall: taller ink is a seal, a signature or a picture, not one line.
MAX_REGION_HEIGHT = 2.5
#: At least this wide, in text heights (a two-letter word).
MIN_REGION_WIDTH = 1.5
#: At least this much ink, in squared text heights.
MIN_REGION_INK = 0.6
#: A region one of whose pixel rows is inked over this share of its width is a ruled line.
RULE_FILL = 0.85
#: A region whose ink lies along one straight line across it (inked in over `RULE_FILL` of
#: its columns, and this share of its ink within `RULE_BAND` text heights of the line, at
#: least two pixels) is a ruled line too, however tilted: the letters' rules, tilted by
#: 0.3-0.6 degrees, fill no row, and each cost a Tesseract reading that was then dropped.
RULE_ALONG = 0.98
RULE_BAND = 0.2
#: At most this many regions are read again per page (the largest first).
MAX_REGIONS = 40

#: The last glyph of a word is a Persian comma when its ink is elongated: the spread along
#: its main axis over the spread across (intensity-weighted, so it works on blurred 150-dpi
#: glyphs of a few pixels) is at least this. Full stops measured up to 1.47 in the
#: benchmark's fonts and scans, commas from 1.50 ...
COMMA_MIN_ELONGATION = 1.5
#: ... and its spread along the main axis, in text heights, is at least this (full stops
#: up to 0.08 in heavy faces, commas from 0.09) ...
COMMA_MIN_LENGTH = 0.085
#: ... and its height, in text heights, is within these bounds (not a letter).
COMMA_HEIGHT = (0.2, 0.8)

_ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u066E-\u06D3\u06FA-\u06FC]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")

Box = tuple[int, int, int, int]


def _ink(gray: np.ndarray) -> np.ndarray:
    """Ink as a uint8 0/1 mask by Otsu's threshold (dark on light)."""
    _, binary = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return np.asarray(binary, dtype=np.uint8)


def uncovered_text_regions(
    gray: np.ndarray,
    word_boxes: Sequence[Box],
    text_height: float,
    *,
    max_regions: int = MAX_REGIONS,
) -> list[Box]:
    """Line-shaped ink that no word box covers, as ``(x, y, w, h)`` boxes, top to bottom.

    Ink within a margin of a word box counts as read (dots and diacritics stick out of the
    boxes). What is left is joined along the line (letters of one line are closer than a
    text height apart) and kept when it has the size of a line of text: not a speck, not a
    seal or a signature, not a ruled line.

    Parameters
    ----------
    gray : (h, w) uint8 array
        The page as Tesseract read it.
    word_boxes : sequence of (x, y, w, h)
        The boxes of the words Tesseract found, in `gray`'s pixels.
    text_height : float
        The median height of letter bodies on the page, in `gray`'s pixels.
    max_regions : int
        At most this many regions are returned, those with the most ink.

    Returns
    -------
    list of (x, y, w, h)

    """
    if gray.size == 0 or text_height <= 0:
        return []
    th = float(text_height)
    ink = _ink(gray)
    if ink.mean() > 0.5:  # light on dark: Otsu found the background, not the ink
        return []
    covered = np.zeros_like(ink)
    pad = max(1, round(0.4 * th))
    height, width = ink.shape
    for x, y, w, h in word_boxes:
        rows = slice(max(y - pad, 0), min(y + h + pad, height))
        covered[rows, max(x - pad, 0) : min(x + w + pad, width)] = 1
    left = ink & (1 - covered)
    if not left.any():
        return []
    kernel = cv2.getStructuringElement(
        cv2.MORPH_RECT, (max(3, round(1.5 * th)) | 1, max(3, round(0.3 * th)) | 1)
    )
    joined = cv2.dilate(left, kernel)
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found: list[tuple[int, Box]] = []
    for j in range(1, count):
        x, y, w, h = (int(v) for v in stats[j, :4])
        if not (MIN_REGION_HEIGHT * th <= h <= MAX_REGION_HEIGHT * th) or w < MIN_REGION_WIDTH * th:
            continue
        region = left[y : y + h, x : x + w]
        amount = int(region.sum())
        if amount < MIN_REGION_INK * th * th:
            continue
        if region.sum(axis=1).max() > RULE_FILL * w or _tilted_rule(region, th):
            continue
        found.append((amount, (x, y, w, h)))
    found.sort(key=lambda item: -item[0])
    return sorted((box for _, box in found[:max_regions]), key=lambda b: (b[1], -b[0]))


def _tilted_rule(region: np.ndarray, text_height: float) -> bool:
    """Whether the region's ink is one thin straight stroke across it: a rule, tilted or not.

    Text fails it however long its line: dots, ascenders and descenders lie far from any
    one straight line through its ink.
    """
    ys, xs = np.nonzero(region)
    width = region.shape[1]
    if xs.size < 2 or np.unique(xs).size <= RULE_FILL * width:
        return False
    slope, intercept = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)
    off = np.abs(ys - (slope * xs + intercept))
    return bool((off <= max(2.0, RULE_BAND * text_height)).mean() >= RULE_ALONG)


def comma_like(gray: np.ndarray, box: Box, text_height: float) -> bool:
    """Whether the last glyph of the right-to-left word in `box` has a comma's shape.

    The last glyph of a right-to-left word is its leftmost ink. It counts as a comma when its
    ink is elongated and long enough (`COMMA_MIN_ELONGATION`, `COMMA_MIN_LENGTH`); a full
    stop is a round dot, however heavy the face.
    """
    x, y, w, h = box
    crop = gray[max(y, 0) : y + h, max(x, 0) : x + w]
    if crop.size == 0 or text_height <= 0:
        return False
    # The page's own threshold would be better, but a word box holds enough paper and ink
    # for Otsu to separate them.
    mask = _ink(crop)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return False
    specks = stats[1:, cv2.CC_STAT_AREA] < 2
    candidates = [j + 1 for j in range(count - 1) if not specks[j]]
    if not candidates:
        return False
    last = min(candidates, key=lambda j: stats[j, cv2.CC_STAT_LEFT])
    low, high = COMMA_HEIGHT
    if not low * text_height <= stats[last, cv2.CC_STAT_HEIGHT] <= high * text_height:
        return False
    elongation, length = _spread(crop, labels == last)
    return elongation >= COMMA_MIN_ELONGATION and length >= COMMA_MIN_LENGTH * text_height


def _spread(gray: np.ndarray, component: np.ndarray) -> tuple[float, float]:
    """(elongation, length) of one glyph: square roots of its ink's covariance eigenvalues.

    The ink is weighted by darkness over the component grown by a pixel, so the blurred edge
    of a small glyph counts for what it is; elongation is the ratio of the spreads along and
    across the main axis, length the spread along it (in pixels).
    """
    grown = cv2.dilate(component.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    ys, xs = np.nonzero(grown)
    weights = 255.0 - gray[ys, xs].astype(np.float64)
    total = weights.sum()
    if total <= 0:
        return 1.0, 0.0
    weights /= total
    mx, my = float((xs * weights).sum()), float((ys * weights).sum())
    dx, dy = xs - mx, ys - my
    cov = np.array(
        [
            [(dx * dx * weights).sum(), (dx * dy * weights).sum()],
            [(dx * dy * weights).sum(), (dy * dy * weights).sum()],
        ]
    )
    small, large = np.linalg.eigvalsh(cov)
    return float(np.sqrt(large / max(small, 1e-6))), float(np.sqrt(max(large, 0.0)))


def continues_a_line(region: Box, line_boxes: Sequence[Box], text_height: float) -> bool:
    """Whether `region` lies on a line already read, beside its words.

    Ink left over beside the words of a line that was read (a word Tesseract missed inside
    it, a dot) is not a skipped line; reading it alone would add a fragment as a line of its
    own. A region continues a line when it shares most of its height with that line and
    is within three text heights of it sideways (columns stand further apart).
    """
    x, y, w, h = region
    for lx, ly, lw, lh in line_boxes:
        shared = min(y + h, ly + lh) - max(y, ly)
        if shared <= 0.5 * min(h, lh):
            continue
        gap = max(lx - (x + w), x - (lx + lw), 0)
        if gap <= 3 * text_height:
            return True
    return False


def arabic_comma_fixes(
    gray: np.ndarray,
    words: Sequence[tuple[str, Box, object]],
    text_height: float | None,
) -> dict[int, str]:
    """Words of a Persian or Arabic page that end in a misread « ، », with their correction.

    Args:
        gray: the page as Tesseract read it.
        words: each word's text, box and line (any value equal for the words of one line),
            in reading order.
        text_height: median height of letter bodies, in `gray`'s pixels; None when the
            page gave no measure (then only the first rule applies).

    Returns:
        ``{index in words: corrected text}``.

    The rules:

    - a Latin « , » ending a word written in Arabic script (or standing alone after such a
      word on its line) is « ، », unless the next word on the line is in Latin letters
      (« تهران, Iran »): Persian and Arabic typing uses no other comma, and the two glyphs
      differ only by a turn the model does not always see;
    - « . » ending such a word is « ، » when its glyph has a comma's shape (`comma_like`).

    A « » » read for a comma is left alone: a closing guillemet has the same elongated
    strokes, and its opening « may be on another page.

    """
    fixes: dict[int, str] = {}
    for index, (text, box, line) in enumerate(words):
        stem, last = text[:-1], text[-1:]
        if last not in {",", "."}:
            continue
        previous = words[index - 1] if index else None
        context = stem or (previous[0] if previous and previous[2] == line else "")
        if not _ARABIC_SCRIPT.search(context) or not _ARABIC_LETTER.search(context):
            continue
        if last == ",":
            following = words[index + 1] if index + 1 < len(words) else None
            if following and following[2] == line and _LATIN_LETTER.search(following[0]):
                continue
            fixes[index] = stem + "،"
        elif text_height and comma_like(gray, box, text_height):
            fixes[index] = stem + "،"
    return fixes
