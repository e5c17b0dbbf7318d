"""Which of a page's OCR words are numbers, and where each number's ink lies.

The number comparison (`workbench.imaging.forensic.digits`) judges a number against the page's
other numbers, so it first has to know which words are numbers. OCR's text says so for most,
but not for all: Tesseract reads a number in some faces as one digit, its box still around the
whole number (a table's amount ``۵۱۷٬۰۰۰`` read as ``۰``, a receipt's ``۷۱۹٬۰۰۰`` as ``۱``), and
it glues a field's label to its value when the space between them is narrow
(``شماره:۴۴۵۸۲`` read as one word). Such numbers were never compared, genuine or retyped.

So a word is taken for a number when

- its text is a number (`is_number`: two digits or more, digits and separators making up most
  of it), or
- its text holds digits and no letter (also with brackets or dashes around them: ``(۱۲)``,
  ``-۲-``), and its box is wider than one digit can be
  (`WIDE_WORD` times the page's median OCR word height, and times its own height) at about
  the height of the page's words (`WORD_HEIGHTS`): the box holds several glyphs OCR read as
  one digit, while a digit read alone (a list's item number, a footnote mark, one digit of a
  date OCR split) is narrower, and a logo or a signature read as a digit is taller; or
- its text is a label and a number glued together (letters, then the number, or the number
  then letters): the number's part of the box is cut off at the blank column of ink nearest
  to where its share of the characters puts it (a Persian label runs right to left, so the
  text's end lies at the box's left; a Latin label, ``Tel:۰۲۱``, left to right, so its end
  lies at the right), and taken when such a column lies within `SPLIT_REACH` of the box's
  width of there. The part is trimmed to the rows of its own ink: the label's dots and tall
  letters would otherwise set the number's height.

What is taken for a number is only compared, never reported for what it says: a word taken
wrongly is one more reference among the page's numbers, or a word measured against them.

A number's ink is the page's ink in its box without the lines that cross the box
(`number_ink`): a table's rules run through the box of a number OCR found in a cell.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Protocol

import cv2
import numpy as np

from workbench.geometry import Box

#: A word is a number when it holds at least this many digits and digits and separators make
#: up at least `DIGIT_SHARE` of its characters (``1380/02/24``, ``۲۶۰,۰۰۰``).
MIN_DIGITS = 2
DIGIT_SHARE = 0.7
SEPARATORS = frozenset("/-.,:\u066b\u066c\u060c")
#: A word of digits without letters is a number when its box is at least this many times the
#: page's median OCR word height wide, and as many times its own height: Persian and
#: Arabic-Indic digits are narrower than the line is high, so such a box holds two digits or
#: more. (Against the median height alone, one digit of a date OCR split off, in a box as high
#: as wide, was taken on a table of the development generator and stood out at 0.36.)
WIDE_WORD = 1.5
#: ... and its box's height lies in this range of the page's median OCR word height.
WORD_HEIGHTS = (0.5, 1.6)
#: How far (a share of the box's width) from where the characters' shares put it a label's
#: and a number's blank column may lie.
SPLIT_REACH = 0.2


class ReadWord(Protocol):
    """A word as OCR read it (`workbench.ocr.OcrWord` has this shape)."""

    @property
    def text(self) -> str:
        """The word's text."""

    @property
    def box(self) -> tuple[int, int, int, int]:
        """x, y, width, height in pixels of the page analysed."""


def _kind(char: str) -> str:
    """``d`` digit, ``s`` separator, ``l`` letter, ``o`` other (punctuation, marks)."""
    if unicodedata.decimal(char, None) is not None:
        return "d"
    if char in SEPARATORS:
        return "s"
    return "l" if unicodedata.category(char).startswith("L") else "o"


def _chars(text: str) -> list[str]:
    return [c for c in text if not unicodedata.category(c).startswith(("Z", "C"))]


def is_number(text: str) -> bool:
    """Whether an OCR word is a number or a date (Persian, Arabic-Indic or Latin digits)."""
    chars = _chars(text)
    digits = sum(1 for c in chars if unicodedata.decimal(c, None) is not None)
    separators = sum(1 for c in chars if c in SEPARATORS)
    return digits >= MIN_DIGITS and digits + separators >= DIGIT_SHARE * len(chars)


def clip_box(box: tuple[int, int, int, int], shape: tuple[int, int]) -> Box | None:
    """An OCR box (x, y, width, height) clipped to a page of `shape`, or None when too small."""
    x, y, w, h = box
    x0, y0 = max(int(x), 0), max(int(y), 0)
    x1, y1 = min(int(x + w), shape[1]), min(int(y + h), shape[0])
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return Box(x0, y0, x1 - x0, y1 - y0)


def _left_to_right(text: str) -> bool:
    """Whether a label's letters run left to right (Latin) rather than right to left."""
    letters = [unicodedata.bidirectional(c) for c in _chars(text) if _kind(c) == "l"]
    ltr = sum(1 for b in letters if b == "L")
    return ltr > len(letters) - ltr


def _glued_number(text: str) -> tuple[int, bool] | None:
    """For a label glued to a number: (the number's characters, whether it ends the text)."""
    kinds = "".join(_kind(c) for c in _chars(text))
    if "l" not in kinds:
        return None
    chars = _chars(text)
    # The number at the text's end (a field's label, then its value) or at its start.
    end = len(kinds.rstrip("ds"))
    start = len(kinds) - len(kinds.lstrip("ds"))
    tail, head = "".join(chars[end:]), "".join(chars[:start])
    if is_number(tail) and len(tail) >= len(head):
        return len(tail), True
    if is_number(head):
        return len(head), False
    return None


def _split(box: Box, ink: np.ndarray, share: float, at_end: bool, ltr: bool = False) -> Box | None:
    """The number's part of a label's and a number's box, cut at a blank column of ink.

    ``ltr``: the label runs left to right, so the text's end lies at the box's right. The part
    is trimmed to the rows holding its ink.
    """
    own = ink[box.y : box.y + box.height, box.x : box.x + box.width]
    blank = ~own.any(axis=0)
    # Right to left: the text's end lies at the box's left; left to right, at its right.
    left_part = at_end != ltr
    guess = box.width * (share if left_part else 1.0 - share)
    columns = np.flatnonzero(blank)
    if columns.size == 0:
        return None
    cut = int(columns[np.argmin(np.abs(columns - guess))])
    if abs(cut - guess) > SPLIT_REACH * box.width:
        return None
    x0, x1 = (0, cut) if left_part else (cut + 1, box.width)
    if x1 - x0 < 2:
        return None
    rows = np.flatnonzero(own[:, x0:x1].any(axis=1))
    if rows.size < 2:
        return None
    y0, y1 = int(rows[0]), int(rows[-1]) + 1
    return Box(box.x + x0, box.y + y0, x1 - x0, y1 - y0)


def number_boxes(read: Sequence[ReadWord], ink: np.ndarray) -> list[Box]:
    """The boxes of the words of `read` taken for numbers (the module docstring's rules).

    Parameters
    ----------
    read : sequence of ReadWord
        The page's words as OCR read them, boxes in pixels of ``ink``.
    ink : (H, W) bool array
        The page's binarised ink (for cutting a label off its number).

    Returns
    -------
    The numbers' boxes, clipped to the page, in reading order.

    """
    shape = (ink.shape[0], ink.shape[1])
    heights = [w.box[3] for w in read if w.box[3] > 0]
    line = float(np.median(heights)) if heights else 0.0
    out: list[Box] = []
    for word in read:
        box = clip_box(word.box, shape)
        if box is None:
            continue
        if is_number(word.text):
            out.append(box)
            continue
        kinds = "".join(_kind(c) for c in _chars(word.text))
        if "d" in kinds and "l" not in kinds:
            low, high = WORD_HEIGHTS
            wide = box.width >= WIDE_WORD * max(line, box.height)
            if line > 0 and wide and low <= box.height / line <= high:
                out.append(box)
            continue
        glued = _glued_number(word.text)
        if glued is not None:
            count, at_end = glued
            ltr = _left_to_right(word.text)
            part = _split(box, ink, count / max(len(kinds), 1), at_end, ltr)
            if part is not None:
                out.append(part)
    return out


def number_ink(ink: np.ndarray, box: Box, glyph_height: float) -> np.ndarray:
    """The ink of the number in `box`: the page's ink there, without lines that cross the box.

    Parameters
    ----------
    ink : (H, W) bool array
        The page's binarised ink.
    box : Box
        The number's box, inside the page.
    glyph_height : float
        The page's typical glyph height, pixels: how far around the box lines are followed.

    Returns
    -------
    (box.height, box.width) bool array. A connected piece of ink that runs through the box
    and on past both of its sides by at least half a glyph height (left and right, or above
    and below; to the page's edge where the page ends sooner) is a table's rule or a frame's
    line, printed with the page and no glyph of the
    number: its long straight edges are steeper, against its faint cut inside the box, than
    any digit's (an OCR box read as one digit over an empty table cell, between two rules,
    measured as a number with sharpness at robust z +44 on an untouched page). It is left
    out; a number whose digits touch such a line loses them with it and is not measured.

    """
    reach = max(2, round(glyph_height))
    h, w = ink.shape[:2]
    x0, y0 = max(box.x - reach, 0), max(box.y - reach, 0)
    x1, y1 = min(box.x + box.width + reach, w), min(box.y + box.height + reach, h)
    window = np.ascontiguousarray(ink[y0:y1, x0:x1], dtype=np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(window, connectivity=8)
    bx0, by0 = box.x - x0, box.y - y0
    bx1, by1 = bx0 + box.width, by0 + box.height
    half = reach // 2
    # Where the page ends within half a glyph of the box, a line reaching the page's edge
    # reaches as far as it can on that side.
    left, right = max(bx0 - half, 0), min(bx1 + half, window.shape[1])
    top, bottom = max(by0 - half, 0), min(by1 + half, window.shape[0])
    own = labels[by0:by1, bx0:bx1]
    lines = [
        i
        for i in range(1, count)
        if (stats[i, 0] <= left and stats[i, 0] + stats[i, 2] >= right)
        or (stats[i, 1] <= top and stats[i, 1] + stats[i, 3] >= bottom)
    ]
    return (own > 0) & ~np.isin(own, lines)


#: A number whose box is this many times taller than the median box of the page's numbers is
#: set in another size of type (a heading's year, a total in display type, a large stamp OCR
#: read as digits) and is not judged against them: its stroke against the page's glyph height,
#: and the paper inside its box, far from its strokes where a small word's paper lies next to
#: them, differ by its size alone. A scanned letter with one number at five times the body's
#: size warned on its paper; at two and three times it was a notice. It stays among the other
#: numbers' references: left out, a large number of the samples' genuine letter narrowed the
#: others' spread until one of them warned. Digits typed again are set in the size of the
#: number they replace (the development split's retyped numbers: 0.76-1.33 times the others'),
#: and numbers outside edits reach 2.13 (99% under 1.77).
DISPLAY_SIZE = 2.5


def display_numbers(boxes: Sequence[Box]) -> set[int]:
    """Indices of `boxes` set in another size of type than the page's numbers (`DISPLAY_SIZE`)."""
    if len(boxes) < 3:
        return set()
    median = float(np.median([b.height for b in boxes]))
    return {i for i, b in enumerate(boxes) if b.height > DISPLAY_SIZE * median}


def display_note(count: int) -> str | None:
    """The note naming the numbers `display_numbers` left out, if any."""
    if not count:
        return None
    return (
        f"{count} number(s) set at more than {DISPLAY_SIZE:g} times the height of the page's "
        "other numbers (a heading, a total in display type, a stamp) were not judged against them."
    )
