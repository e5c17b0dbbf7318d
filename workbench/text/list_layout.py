"""The columns of a scanned list found from its own word boxes: row numbers, names, other fields.

A list typed on a page in columns («۱۲. سیاوش گلزاری», or «12 - ... (فرزند ...)», one row a
line, two or three columns side by side, right to left) can be laid out in many ways: the
gaps between its columns, between a number and its name, or between a name and a father's
name differ with the face and the typist. Ink projections read one layout well and another
not at all. The words a sparse OCR pass finds on the page say where the layout's parts are,
whatever their sizes:

- the **row numbers** are the words made of digits (Persian, Arabic-Indic or Latin, with
  «.», «-» or «)»), and in a right-to-left list their right edges line up: each line-up of
  right edges is a column, read right to left;
- a column runs from its numbers to the next column's numbers on its left (the last one to
  the page's left edge);
- inside a column, the other words' boxes, over all its rows, cover the **fields**: the name
  first (nearest the number), then, past a gap no row's words cross, a father's name or any
  other field.

The check then reads each part on its own (`checks/lists/scan.py`). Everything here is a pure
function of the word boxes (and, for `ink_agrees`, of the layout found from the ink).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.imaging.layout.columns import ListLayout
from workbench.text.lists import parse_number

__all__ = [
    "MIN_NUMBERS",
    "WordBox",
    "WordColumn",
    "WordLayout",
    "ink_agrees",
    "layout_from_words",
    "numbered_columns",
    "reads_as_numbered_list",
    "sequence_steps",
]

#: A line-up of row numbers makes a column from this many numbers...
MIN_NUMBERS = 5
#: ...and from this share of the longest line-up (stray digits read inside names line up too).
MIN_SHARE = 0.3
#: Right edges of one column's numbers lie within this many word heights of each other.
ALIGN_HEIGHTS = 1.5
#: A gap no word crosses, this many word heights wide, separates two fields of a column.
FIELD_GAP_HEIGHTS = 1.5
#: A page whose words line up in columns of row numbers reads as a list from this many
#: numbers following the one above (the short development list of 40 names in two columns,
#: read whole by OCR: 20; letters, forms and book pages: none)...
MIN_SEQUENCE = 10
#: ...when at most this share of the columns' other words hold a digit (the short list: 0.05;
#: a table of dates and sums: most rows).
MAX_DIGIT_SHARE = 0.2


@dataclass(frozen=True)
class WordBox:
    """A word as OCR read it, with its box (x, y, width, height) in the page's pixels."""

    text: str
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """The box's right edge."""
        return self.left + self.width


@dataclass(frozen=True)
class WordColumn:
    """One column: its numbers' x-range and its fields' x-ranges, right to left (name first)."""

    numbers: tuple[int, int]
    fields: tuple[tuple[int, int], ...]
    #: Centre heights of the rows whose number was found, in page pixels, top to bottom.
    rows: tuple[float, ...]
    #: The row numbers as read, top to bottom.
    values: tuple[int | None, ...] = ()
    #: Of the column's other words, how many hold a digit (dates, sums, codes in a table).
    digit_words: int = 0
    #: How many other words the column holds.
    words: int = 0


@dataclass(frozen=True)
class WordLayout:
    """The first row's top edge (the heading lies above) and the columns, right to left."""

    body_top: int
    columns: tuple[WordColumn, ...]
    #: The median height of the page's words, in pixels (a margin around a field's words).
    word_height: int = 0


def _line_ups(numbers: list[WordBox], tolerance: float) -> list[list[WordBox]]:
    """Numbers grouped by right edge (a new group past a gap wider than `tolerance`)."""
    groups: list[list[WordBox]] = []
    for word in sorted(numbers, key=lambda w: -w.right):
        if groups and groups[-1][-1].right - word.right <= tolerance:
            groups[-1].append(word)
        else:
            groups.append([word])
    return groups


def _fields(words: Sequence[WordBox], gap: float) -> list[tuple[int, int]]:
    """Runs of x covered by `words`, right to left, split where a gap wider than `gap` opens."""
    spans = sorted(((w.left, w.right) for w in words), key=lambda s: -s[1])
    runs: list[list[int]] = []
    for left, right in spans:
        if runs and runs[-1][0] - right <= gap:
            runs[-1][0] = min(runs[-1][0], left)
        else:
            runs.append([left, right])
    return [(a, b) for a, b in runs]


def layout_from_words(words: Sequence[WordBox]) -> WordLayout | None:
    """The list's columns from the page's word boxes, or None when no column of numbers shows.

    Only words within one row pitch of a column's numbers count towards its fields, so the
    heading and footnotes do not widen them.
    """
    words = [w for w in words if w.text.strip() and w.width > 0 and w.height > 0]
    numbers = [w for w in words if parse_number(w.text) is not None]
    if len(numbers) < MIN_NUMBERS:
        return None
    height = statistics.median(w.height for w in words)
    groups = _line_ups(numbers, ALIGN_HEIGHTS * height)
    longest = max(len(g) for g in groups)
    groups = [g for g in groups if len(g) >= max(MIN_NUMBERS, MIN_SHARE * longest)]
    if not groups:
        return None
    columns = []
    body_top = None
    for k, group in enumerate(groups):
        left_edge = groups[k + 1][0].right + height if k + 1 < len(groups) else 0
        group = sorted(group, key=lambda w: w.top)
        ys = [w.top + w.height / 2 for w in group]
        steps = [b - a for a, b in itertools.pairwise(ys)]
        pitch = statistics.median(steps) if steps else 2 * height
        top, bottom = ys[0] - pitch / 2, ys[-1] + pitch / 2
        number_left = min(w.left for w in group)
        inside = [
            w
            for w in words
            if w not in group
            and left_edge <= w.left
            and w.right <= number_left + height / 2
            and top <= w.top + w.height / 2 <= bottom
        ]
        fields = _fields(inside, FIELD_GAP_HEIGHTS * height)
        if not fields:
            continue
        columns.append(
            WordColumn(
                numbers=(number_left, max(w.right for w in group)),
                fields=tuple(fields),
                rows=tuple(ys),
                values=tuple(parse_number(w.text) for w in group),
                digit_words=sum(1 for w in inside if any(ch.isdigit() for ch in w.text)),
                words=len(inside),
            )
        )
        edge = int(top)
        body_top = edge if body_top is None else min(body_top, edge)
    if not columns or body_top is None:
        return None
    return WordLayout(max(0, body_top), tuple(columns), round(height))


def ink_agrees(ink: ListLayout | None, words: WordLayout | None) -> bool:
    """Whether the ink's layout is the one the row numbers' line-ups show.

    The ink's projections take any narrow strip beyond a column's widest gap for its
    numbers: a father's column («پدر: ...») or a surname can pass for one, and the page then
    reads as twice its columns. The row numbers the words show settle it: the ink's layout
    is kept only when it has as many columns as there are line-ups of numbers and each of
    its number strips overlaps its line-up. Decided on the development lists (the samples'
    scan: the two agree, and its names read best from the ink; a 40-name list with its
    fathers in a column of their own: the ink finds four "numbered" columns, the words two).
    """
    if ink is None or words is None or len(ink.columns) != len(words.columns):
        return words is None and ink is not None
    for column, line_up in zip(ink.columns, words.columns, strict=True):
        if column.numbers is None:
            return False
        (a, b), (c, d) = column.numbers, line_up.numbers
        if min(b, d) <= max(a, c):
            return False
    return True


def sequence_steps(numbers: Sequence[int | None]) -> int:
    """How many of the numbers read down a strip follow the one above by exactly one."""
    return sum(
        1 for a, b in itertools.pairwise(numbers) if a is not None and b is not None and b == a + 1
    )


def numbered_columns(words: Sequence[WordBox]) -> tuple[int, float]:
    """How a page's words show a numbered list: (steps of the numbering, share of digit words).

    The steps are the row numbers, down each line-up, that follow the one above by one (a
    list of 40 names shows nearly 40 whatever OCR made of its names); the share is that of
    the columns' other words holding a digit: near none in a list of names (and fathers'
    names), most rows in a table of dates and sums. (0, 0.0) when no column of numbers shows.
    """
    layout = layout_from_words(words)
    if layout is None:
        return 0, 0.0
    steps = sum(sequence_steps(c.values) for c in layout.columns)
    total = sum(c.words for c in layout.columns)
    return steps, sum(c.digit_words for c in layout.columns) / max(total, 1)


def reads_as_numbered_list(words: Sequence[WordBox]) -> bool:
    """Whether a page's words show a numbered list of names (`numbered_columns`)."""
    steps, digits = numbered_columns(words)
    return steps >= MIN_SEQUENCE and digits <= MAX_DIGIT_SHARE
