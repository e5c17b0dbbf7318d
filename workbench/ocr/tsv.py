"""Tesseract's TSV output: reading its rows, editing them, and turning them into an `OcrPage`.

Tesseract returns its reading as columns (``text``, ``conf``, ``left``, ``block_num``...), one
row per page, block, paragraph, line and word. The engine edits these columns before they
become a page (lines read again are inserted in reading order, misread Persian commas are put
back), and `page_from_data` turns them into the data model, mapping boxes back to the
decoded page. Everything here is pure array and list work; nothing runs Tesseract.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from workbench.geometry import union_box
from workbench.imaging.recognition.ocr_postprocess import arabic_comma_fixes
from workbench.ocr.model import OcrLine, OcrPage, OcrWord


def is_word(data: dict[str, list[Any]], i: int) -> bool:
    """Whether row `i` is a word with some text (rows of the other levels, or blank, are not)."""
    raw = data["text"][i]
    return int(data["level"][i]) == 5 and raw is not None and bool(str(raw).strip())


def box_of(data: dict[str, list[Any]], i: int) -> tuple[int, int, int, int]:
    """The (x, y, width, height) box of row `i`, in pixels of the image Tesseract read."""
    return (
        int(data["left"][i]),
        int(data["top"][i]),
        int(data["width"][i]),
        int(data["height"][i]),
    )


def line_key(data: dict[str, list[Any]], i: int) -> tuple[int, int, int]:
    """The (block, paragraph, line) numbers of row `i`: which line a word is on."""
    return int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])


def word_rows(data: dict[str, list[Any]]) -> dict[int, tuple[int, int, int, int]]:
    """Row index -> box of every non-empty word in Tesseract's columns."""
    return {i: box_of(data, i) for i in range(len(data.get("text", []))) if is_word(data, i)}


def words_of(
    data: dict[str, list[Any]],
) -> list[tuple[str, float, tuple[int, int, int, int]]]:
    """(text, confidence, box) of every non-empty word, in Tesseract's order."""
    return [
        (str(data["text"][i]).strip(), float(data["conf"][i]), box)
        for i, box in word_rows(data).items()
    ]


def line_boxes(
    data: dict[str, list[Any]],
) -> dict[tuple[int, int, int], tuple[int, int, int, int]]:
    """(block, paragraph, line) -> box of the line's words, in Tesseract's reading order."""
    members: dict[tuple[int, int, int], list[tuple[int, int, int, int]]] = {}
    for i, box in word_rows(data).items():
        members.setdefault(line_key(data, i), []).append(box)
    return {key: union_box(boxes) for key, boxes in members.items()}


def column_numbers(
    line_box: dict[tuple[int, int, int], tuple[int, int, int, int]],
) -> dict[tuple[int, int, int], int]:
    """Line -> column number, for lines whose horizontal extents overlap, however chained.

    On a letter the full-width body lines overlap every short line (addressee, closing),
    so the page is one column; two columns of text never overlap and stay two.
    """
    keys = list(line_box)
    spans = sorted((line_box[k][0], line_box[k][0] + line_box[k][2], k) for k in keys)
    column: dict[tuple[int, int, int], int] = {}
    number, reach = -1, None
    for start, end, key in spans:  # a sweep: overlapping spans chain into one column
        if reach is None or start >= reach:
            number += 1
            reach = end
        reach = max(reach, end)
        column[key] = number
    return column


def insert_lines(
    data: dict[str, list[Any]],
    lines: list[list[tuple[str, float, tuple[int, int, int, int]]]],
) -> dict[str, list[Any]]:
    """Tesseract's columns with `lines` added as word rows, each in its own block.

    A new line goes among the lines of its column (`column_numbers`; all lines when it overlaps
    no column or several, as a centred heading may): before the first of them, in reading
    order, whose middle is lower on the page, or else after the last of them. The page
    text then reads top to bottom within each column.
    """
    keys = list(data)
    n = len(data.get("text", []))
    rows = [{k: data[k][i] for k in keys} for i in range(n)]
    line_box = line_boxes(data)
    first_row: dict[tuple[int, int, int], int] = {}
    for i in word_rows(data):
        first_row.setdefault(line_key(data, i), i)
    order = sorted(first_row, key=first_row.__getitem__)
    columns = column_numbers(line_box)
    block = max((int(b) for b in data.get("block_num", [0])), default=0)
    inserts: dict[int, list[dict[str, Any]]] = {}
    for words in lines:
        block += 1
        x0, y0, w, h = union_box(box for _, _, box in words)
        middle = y0 + h / 2
        touched = {
            columns[k]
            for k in order
            if line_box[k][0] < x0 + w and x0 < line_box[k][0] + line_box[k][2]
        }
        column = [k for k in order if columns[k] in touched] if len(touched) == 1 else order
        below = [k for k in column if line_box[k][1] + line_box[k][3] / 2 > middle]
        if below:
            at = first_row[below[0]]
        elif column:
            after = order.index(column[-1]) + 1
            at = first_row[order[after]] if after < len(order) else n
        else:
            at = n
        new_rows = []
        for number, (text, conf, (left, top, width, height)) in enumerate(words, start=1):
            row: dict[str, Any] = dict.fromkeys(keys, 0)
            row.update(
                level=5,
                block_num=block,
                par_num=1,
                line_num=1,
                word_num=number,
                left=left,
                top=top,
                width=width,
                height=height,
                conf=conf,
                text=text,
            )
            new_rows.append(row)
        inserts.setdefault(at, []).extend(new_rows)
    merged: list[dict[str, Any]] = []
    for i in range(n + 1):
        merged.extend(inserts.get(i, []))
        if i < n:
            merged.append(rows[i])
    return {k: [row.get(k, 0) for row in merged] for k in keys}


def fix_commas(
    image: np.ndarray, data: dict[str, list[Any]], text_height: float | None
) -> tuple[dict[str, list[Any]], int]:
    """Tesseract's columns with misread Persian commas put back (`arabic_comma_fixes`)."""
    rows = list(word_rows(data))
    words = [(str(data["text"][i]).strip(), box_of(data, i), line_key(data, i)) for i in rows]
    fixes = arabic_comma_fixes(image, words, text_height)
    if not fixes:
        return data, 0
    text = list(data["text"])
    for position, corrected in fixes.items():
        text[rows[position]] = corrected
    return {**data, "text": text}, len(fixes)


def box_to_page(
    box: tuple[int, int, int, int],
    to_page: np.ndarray,
    size: tuple[int, int],
) -> tuple[int, int, int, int]:
    """Map an (x, y, w, h) box through the 2x3 affine `to_page`, clipped to the page."""
    x, y, w, h = box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], float)
    mapped = corners @ to_page.T
    width, height = size
    x0 = int(np.clip(np.floor(mapped[:, 0].min()), 0, width))
    y0 = int(np.clip(np.floor(mapped[:, 1].min()), 0, height))
    x1 = int(np.clip(np.ceil(mapped[:, 0].max()), 0, width))
    y1 = int(np.clip(np.ceil(mapped[:, 1].max()), 0, height))
    return x0, y0, max(x1 - x0, 0), max(y1 - y0, 0)


def page_from_data(
    data: dict[str, list[Any]],
    *,
    index: int,
    language: str,
    to_page: np.ndarray | None = None,
    size: tuple[int, int] | None = None,
) -> OcrPage:
    """An `OcrPage` from Tesseract's TSV columns.

    Lines are Tesseract's (block, paragraph, line) triples in its output order, which is the
    reading order; words keep Tesseract's order within a line. `to_page` maps boxes from the
    image Tesseract read back to the decoded page of `size` (width, height).
    """
    affine = to_page if to_page is not None else np.array([[1.0, 0, 0], [0, 1.0, 0]])
    bounds = size or (2**31 - 1, 2**31 - 1)
    words: list[OcrWord] = []
    line_keys: dict[tuple[int, int, int], int] = {}
    line_words: list[list[int]] = []
    for i, box in word_rows(data).items():
        key = line_key(data, i)
        if key not in line_keys:
            line_keys[key] = len(line_words)
            line_words.append([])
        conf = float(data["conf"][i])
        line_words[line_keys[key]].append(len(words))
        words.append(
            OcrWord(
                text=str(data["text"][i]).strip(),
                confidence=round(conf, 2) if conf >= 0 else None,
                box=box_to_page(box, affine, bounds),
                line=line_keys[key],
                block=key[0],
            )
        )
    lines = tuple(
        OcrLine(
            index=n,
            box=union_box(words[w].box for w in members),
            text=" ".join(words[w].text for w in members),
            words=tuple(members),
        )
        for n, members in enumerate(line_words)
    )
    confidences = [w.confidence for w in words if w.confidence is not None]
    mean = round(sum(confidences) / len(confidences), 2) if confidences else None
    return OcrPage(
        index=index,
        language=language,
        text="\n".join(line.text for line in lines),
        words=tuple(words),
        lines=lines,
        mean_confidence=mean,
    )
