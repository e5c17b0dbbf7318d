"""Reading a scanned list page typed in columns: which pages are lists, and their rows.

Part of the ``lists`` check (`workbench_checks.lists.check`). A whole-page reading joins a
list's columns and drops short lines, so each column is read on its own: its names at several
scales, its row numbers from their own strip, its fathers' names from their own field, all in
one Tesseract process (`workbench.ocr.several`), and the columns themselves are found from the
page's ink (`workbench.imaging.layout.columns`) or from the words a sparse reading finds
(`workbench.text.list_layout`).
"""

from __future__ import annotations

import re
from typing import Any

import cv2
import numpy as np
from PIL import Image

from workbench.imaging.layout.columns import ListColumn, ListLayout
from workbench.ocr.several import data_of_images
from workbench.text.list_layout import (
    WordBox,
    WordLayout,
    layout_from_words,
    reads_as_numbered_list,
    sequence_steps,
)
from workbench.text.lists import (
    ListRow,
    parse_number,
    split_father,
    split_name,
    split_numbered_line,
)

#: A page is read as a list when its OCR has at least this many short lines of names...
MIN_SHORT_LINES = 30
#: ...and these make up at least this share of its lines.
MIN_SHORT_SHARE = 0.6
#: Scales each column of names is read at; per row, the most confident reading is kept.
#: Each column is read whole at every scale: its doubtful lines alone, cut out as bands (or
#: with the confident rows blanked), do not read as they do inside the column, and that
#: moved single rows both ways on the development scans (benchmarks/RESULTS.md, the lists
#: item of "Throughput outside the `ocr`, `script` and `forensics` checks").
READ_SCALES = (1.0, 1.5, 0.75)


def _short_name_line(text: str) -> bool:
    _, rest = split_numbered_line(split_father(text)[0])
    words = rest.split()
    return 2 <= len(words) <= 4 and not any(ch.isdigit() for ch in rest)


def _is_list_page(ocr: Any) -> bool:
    """Whether a page's reading shows a list: many short name lines, or numbered columns.

    A list of a few dozen names in two columns is read by the page's OCR as lines joining
    both columns, not as short lines; its row numbers still line up (`reads_as_numbered_list`).
    """
    lines = [line.text for line in ocr.lines]
    short = sum(1 for t in lines if _short_name_line(t))
    if short >= MIN_SHORT_LINES and short >= MIN_SHORT_SHARE * max(len(lines), 1):
        return True
    words = [WordBox(w.text, *w.box) for w in ocr.words if w.text.strip()]
    return reads_as_numbered_list(words)


def _lines_of(data: dict[str, list[Any]], scale: float) -> list[tuple[str, float, float]]:
    """(text, centre y in the crop, mean confidence) of each line of a reading at `scale`."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if str(text).strip():
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(i)
    out = []
    for members in lines.values():
        text = " ".join(str(data["text"][i]) for i in members)
        y = float(np.mean([data["top"][i] + data["height"][i] / 2 for i in members])) / scale
        conf = float(np.mean([max(float(data["conf"][i]), 0.0) for i in members]))
        out.append((text, y, conf))
    return out


def _read_all(
    engine: Any, images: list[tuple[np.ndarray, float]], language: str
) -> list[list[tuple[str, float, float]]]:
    """The lines of each (image, scale) read as a block of text, all in one Tesseract process.

    Each image is read as a call of its own would read it (`data_of_images`).
    """
    scaled = [
        np.ascontiguousarray(image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale))
        for image, scale in images
    ]
    found = data_of_images(engine, scaled, language, psm=6, dpi=300, keep_noisy_rows=True)
    return [_lines_of(data, scale) for data, (_, scale) in zip(found, images, strict=True)]


#: The language Latin row numbers are read again in (skipped when it is not installed).
LATIN_NUMBERS = "eng"
_LATIN_DIGIT = re.compile(r"[0-9]")
_OTHER_DIGIT = re.compile(r"[\u06f0-\u06f9\u0660-\u0669]")


def _read_latin(engine: Any, strips: list[np.ndarray]) -> list[list[tuple[str, float, float]]]:
    """The number strips read in `LATIN_NUMBERS`, in one process; none when it is missing."""
    if not strips or LATIN_NUMBERS not in getattr(engine, "languages", ()):
        return []
    return _read_all(engine, [(strip, 1.0) for strip in strips], LATIN_NUMBERS)


def latin_digits(lines: list[tuple[str, float, float]]) -> bool:
    """Whether more of a number strip's lines hold Latin digits than Persian or Arabic ones.

    The Persian model reads Latin row numbers («12)») as Latin digits, often wrongly; a strip
    of Persian numbers («۱۲.») it reads in Persian digits with a stray Latin one here and there
    (the development list's Persian half: 8 of 40 lines). Only a strip read mostly in Latin
    digits is worth the second reading in `LATIN_NUMBERS`.
    """
    latin = sum(1 for text, _, _ in lines if _LATIN_DIGIT.search(text))
    other = sum(1 for text, _, _ in lines if _OTHER_DIGIT.search(text))
    return latin > other


def _better_numbers(
    first: list[tuple[str, float, float]], second: list[tuple[str, float, float]]
) -> list[tuple[str, float, float]]:
    """Of two readings of a number strip, the one whose numbers follow each other more often."""

    def steps(lines: list[tuple[str, float, float]]) -> int:
        return sequence_steps([parse_number(t) for t, _, _ in sorted(lines, key=lambda r: r[1])])

    return second if steps(second) > steps(first) else first


def read_list_page(
    engine: Any,
    gray: np.ndarray,
    layout: ListLayout,
    page: int,
    language: str = "fas",
    fathers: tuple[tuple[int, int] | None, ...] = (),
    numbers: list[list[tuple[str, float, float]]] | None = None,
) -> list[ListRow]:
    """Rows of a list page typed in columns, below its heading.

    Each column's names are read at several scales and the most confident reading of each
    row is kept; the row numbers are read from their own strip and paired by height, and so
    are the fathers' names when a column has a field of them (`fathers`, per column). A
    father's name written after the name («(فرزند حسن)») is split from it. Every reading of
    the page is made by one Tesseract process (`workbench.ocr.several`), but for a second
    reading of the number strips in `LATIN_NUMBERS` (one process for them all): the Persian
    model misreads Latin row numbers («12)»), and per strip the reading whose numbers follow
    each other more often down the strip is kept. Only the strips that reading took for
    Latin digits are read in `LATIN_NUMBERS` (`latin_digits`). `numbers` are the number
    strips' lines when they were read already (`read_number_strips`, one per numbered
    column); each image is read as if alone, so the rows are the same either way.
    """
    height = gray.shape[0]
    top = layout.body_top
    images: list[tuple[np.ndarray, float]] = []
    names: list[int] = []  # per column, where its readings start in `images`
    fields: dict[int, int] = {}  # column -> its fathers' field in `images`
    strips: list[np.ndarray] = []
    for k, column in enumerate(layout.columns):
        x0, x1 = column.names
        crop = np.ascontiguousarray(gray[top:height, max(0, x0 - 15) : x1])
        names.append(len(images))
        images += [(crop, s) for s in READ_SCALES]
        field = fathers[k] if k < len(fathers) else None
        if field is not None:
            f0, f1 = field
            fields[k] = len(images)
            images.append((np.ascontiguousarray(gray[top:height, max(0, f0 - 15) : f1 + 15]), 1.0))
        if column.numbers is not None:
            strips.append(number_strip(gray, top, column.numbers))
    at = len(images)  # the strips go with the names, in the same process
    read_before = numbers is not None and len(numbers) == len(strips)
    if not read_before:
        images += [(strip, 1.0) for strip in strips]
    found = _read_all(engine, images, language)
    numbers_read, found = (numbers or [], found) if read_before else (found[at:], found[:at])
    # Only the strips whose numbers the first reading took for Latin digits are read again.
    again = [i for i, lines in enumerate(numbers_read) if latin_digits(lines)]
    latin = dict(zip(again, _read_latin(engine, [strips[i] for i in again]), strict=False))
    strip_of = iter(range(len(strips)))
    rows: list[ListRow] = []
    for k, column in enumerate(layout.columns):
        x0, x1 = column.names
        readings = found[names[k] : names[k] + len(READ_SCALES)]
        base = [r for r in readings[0] if _short_name_line(r[0]) or r[2] > 0]
        column_numbers: list[tuple[str, float, float]] = []
        if column.numbers is not None:
            i = next(strip_of)
            column_numbers = _better_numbers(numbers_read[i], latin.get(i, []))
        father_lines = found[fields[k]] if k in fields else []
        pitch = _pitch([y for _, y, _ in base])
        for text, y, conf in base:
            best = (text, conf)
            for other in readings[1:]:
                near = [r for r in other if abs(r[1] - y) < pitch / 2]
                for t, _, c in near:
                    if c > best[1] and _short_name_line(t):
                        best = (t, c)
            number_text = [t for t, ny, _ in column_numbers if abs(ny - y) < pitch / 2]
            number = parse_number(number_text[0]) if number_text else None
            named, father = split_father(best[0])
            _, name = split_numbered_line(named)
            if not name:
                continue
            given, surname = split_name(name)
            if not father:
                beside = [t for t, fy, _ in father_lines if abs(fy - y) < pitch / 2]
                father = split_numbered_line(beside[0])[1] if beside else ""
                father = split_father(father)[1] or father  # «پدر: حسن» in its own column
            box = (x0, int(top + y - pitch / 2), x1 - x0, int(pitch))
            rows.append(
                ListRow(
                    index=len(rows) + 1,
                    number=number,
                    name=given,
                    surname=surname,
                    father=father,
                    page=page,
                    box=box,
                    confidence=best[1],
                )
            )
    return rows


def _to_page(
    box: tuple[int, int, int, int] | None, affine: np.ndarray
) -> tuple[int, int, int, int] | None:
    """A box of the levelled page mapped back to the page's pixels (its bounding box)."""
    if box is None:
        return None
    x, y, w, h = box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], float)
    mapped = corners @ np.asarray(affine, float).T
    x0, y0 = mapped.min(axis=0)
    x1, y1 = mapped.max(axis=0)
    return round(x0), round(y0), round(x1 - x0), round(y1 - y0)


def number_strip(gray: np.ndarray, top: int, numbers: tuple[int, int]) -> np.ndarray:
    """A column's strip of row numbers below the heading, with white margins either side."""
    n0, n1 = numbers
    strip = np.pad(gray[top:, n0 : n1 + 15], ((0, 0), (60, 60)), constant_values=255)
    return np.ascontiguousarray(strip)


#: A number strip of the ink's layout is a strip of row numbers when at least this share of
#: the words read in it are numbers (`parse_number`). The samples' scan and its turned and
#: 200-dpi copies: 0.65-1.0 per strip (Persian digits misread as letters make the rest);
#: a strip the ink's projections took for numbers that holds names or fathers' labels
#: («پدر:») reads mostly words: 0.0-0.16 on the lists of the lists benchmark.
MIN_NUMBER_SHARE = 0.5
#: At most this share of the words the page's reading finds below the heading may lie
#: outside the ink's columns (a column the ink missed).
MAX_OUTSIDE_SHARE = 0.05


def read_number_strips(
    engine: Any, gray: np.ndarray, layout: ListLayout, language: str
) -> tuple[list[list[tuple[str, float, float]]], list[float]]:
    """Each numbered column's strip read (one process): its lines, and its share of numbers.

    The lines are what `read_list_page` pairs with the names (pass them as its `numbers`);
    the share is of the words read in the strip that are numbers (`MIN_NUMBER_SHARE`).
    """
    strips = [
        number_strip(gray, layout.body_top, c.numbers)
        for c in layout.columns
        if c.numbers is not None
    ]
    if not strips:
        return [], []
    found = data_of_images(engine, strips, language, psm=6, dpi=300, keep_noisy_rows=True)
    shares = []
    for data in found:
        words = [str(t) for t in data["text"] if str(t).strip()]
        numbers = sum(1 for t in words if parse_number(t) is not None)
        shares.append(numbers / len(words) if words else 0.0)
    return [_lines_of(data, 1.0) for data in found], shares


def words_outside(ocr: Any, layout: ListLayout, to_page: np.ndarray | None) -> float:
    """Share of the page reading's words below the heading that no column of `layout` spans.

    The reading is in the page's pixels; on a levelled page (`to_page` maps the levelled
    page's pixels to the page's) each word's centre is moved to the levelled page first.
    1.0 when the reading has no word below the heading.
    """
    centres = np.array(
        [
            (x + w / 2, y + h / 2)
            for x, y, w, h in (word.box for word in ocr.words if word.text.strip())
        ],
        dtype=np.float64,
    ).reshape(-1, 2)
    if to_page is not None and len(centres):
        to_level = cv2.invertAffineTransform(np.asarray(to_page, dtype=np.float64))
        centres = centres @ to_level[:, :2].T + to_level[:, 2]
    body = centres[centres[:, 1] > layout.body_top]
    if not len(body):
        return 1.0
    spans = [
        (
            min(c.names[0], c.numbers[0] if c.numbers else c.names[0]),
            max(c.names[1], c.numbers[1] if c.numbers else c.names[1]),
        )
        for c in layout.columns
    ]
    inside = np.zeros(len(body), dtype=bool)
    for a, b in spans:
        inside |= (body[:, 0] >= a) & (body[:, 0] <= b)
    return float(1.0 - inside.mean())


def _word_layout(engine: Any, gray: np.ndarray, language: str) -> WordLayout | None:
    """The list's columns from the words a sparse OCR pass finds on the (levelled) page.

    Sparse reading (Tesseract's page mode 11) finds words wherever they stand, so the row
    numbers' line-ups show the columns whatever the gaps between them
    (`workbench.text.list_layout`). None when no column of row numbers shows (an unnumbered
    list is then laid out from its ink, `find_list_columns`).
    """
    data = engine.data(Image.fromarray(gray), language, psm=11, dpi=300, keep_noisy_rows=True)
    words = [
        WordBox(str(text), int(x), int(y), int(w), int(h))
        for text, x, y, w, h in zip(
            data["text"], data["left"], data["top"], data["width"], data["height"], strict=True
        )
        if str(text).strip()
    ]
    return layout_from_words(words)


def _reading_layout(words: WordLayout) -> ListLayout:
    """The parts of each column to read (names, numbers), from the layout found in the words."""
    columns = tuple(ListColumn(c.fields[0], c.numbers) for c in words.columns)
    return ListLayout(words.body_top, columns)


def _pitch(ys: list[float]) -> float:
    if len(ys) < 2:
        return 60.0
    return float(np.median(np.diff(sorted(ys))))
