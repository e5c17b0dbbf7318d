"""Reading again, one line at a time, the lines Tesseract's page analysis skipped.

On Persian letters Tesseract's page segmentation leaves out short lines (headings, closings,
names) that its model reads well once shown alone. After the page is read, line-shaped ink
that no word box covers (`uncovered_text_regions`) is cropped and read as a single line, and
the confident readings are inserted among the page's lines in reading order
(`workbench.ocr.tsv.insert_lines`). A measured step that `Steps.recover_lines` turns off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from PIL import Image

from workbench.imaging.recognition.ocr_postprocess import (
    continues_a_line,
    uncovered_text_regions,
)
from workbench.ocr.model import OcrFailedError
from workbench.ocr.tsv import insert_lines, line_boxes, word_rows, words_of

if TYPE_CHECKING:
    from workbench.ocr.engine import Tesseract

#: A line read again from ink Tesseract skipped is kept only with at least this mean word
#: confidence: seals, signatures and rules read as low-confidence letters (below 62 on the
#: samples corpus), the skipped headings, closings and names at 77-96.
RECOVER_MIN_CONFIDENCE = 70.0
#: Each skipped line is read at these scales in turn until one reading is confident enough:
#: a line image of a few dozen pixels reads differently at slightly different sizes (a
#: bold heading shrunk with the body text read at 66 and, a quarter larger, at 88).
RECOVER_SCALES = (1.0, 1.25, 0.8)
#: A reading with a mean confidence under this is ink that is not text (a seal, a
#: signature, a rule): it is not tried again at the other scales.
RECOVER_GIVE_UP = 40.0
#: At most this many single-line readings per page (each costs about 0.05 s).
MAX_RECOVER_READS = 40


def recover_lines(
    engine: Tesseract,
    image: np.ndarray,
    data: dict[str, list[Any]],
    language: str,
    text_height: float,
    dpi: int | None,
) -> tuple[dict[str, list[Any]], int]:
    """Read, one line at a time, the line-shaped ink the page reading skipped.

    Each region of `uncovered_text_regions` that does not continue a line already read
    (`continues_a_line`) is cropped with a margin, the words already read in the crop
    painted out, and read as a single line (``--psm 7``) at the scales of
    `RECOVER_SCALES`; the first reading whose mean confidence reaches
    `RECOVER_MIN_CONFIDENCE`, with at least two letters or digits, is kept. A reading
    far below that (under `RECOVER_GIVE_UP`) is not tried at other scales, at most
    `MAX_RECOVER_READS` readings are made per page, and a region Tesseract fails on is
    skipped. Kept lines are placed in reading order (`insert_lines`). Returns the new
    columns and how many lines were added.
    """
    boxes = list(word_rows(data).values())
    regions = uncovered_text_regions(image, boxes, text_height)
    read_lines = list(line_boxes(data).values())
    pad = max(1, round(0.4 * text_height))
    lines: list[list[tuple[str, float, tuple[int, int, int, int]]]] = []
    reads = 0
    for x, y, w, h in regions:
        if continues_a_line((x, y, w, h), read_lines, text_height):
            continue
        x0, y0 = max(x - pad, 0), max(y - pad, 0)
        crop = _paint_out(image[y0 : y + h + pad, x0 : x + w + pad], boxes, (x0, y0))
        for factor in RECOVER_SCALES:
            if reads >= MAX_RECOVER_READS:
                break
            reads += 1
            try:
                words = _read_line(engine, crop, language, factor, dpi)
            except OcrFailedError:
                break
            if not words:
                continue
            mean = sum(conf for _, conf, _ in words) / len(words)
            signs = sum(ch.isalnum() for text, _, _ in words for ch in text)
            if mean >= RECOVER_MIN_CONFIDENCE and signs >= 2:
                lines.append(
                    [
                        (text, conf, (left + x0, top + y0, width, height))
                        for text, conf, (left, top, width, height) in words
                    ]
                )
                break
            if mean < RECOVER_GIVE_UP:
                break
    if not lines:
        return data, 0
    return insert_lines(data, lines), len(lines)


def _read_line(
    engine: Tesseract, crop: np.ndarray, language: str, factor: float, dpi: int | None
) -> list[tuple[str, float, tuple[int, int, int, int]]]:
    """The words of one line image read at `factor` times its size, boxes in its pixels."""
    scaled = crop
    if factor != 1.0:
        interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
        scaled = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=interpolation)
    found = engine.data(
        Image.fromarray(scaled),
        language,
        psm=7,
        dpi=round(dpi * factor) if dpi else None,
        keep_noisy_rows=True,
    )
    height, width = crop.shape[:2]
    words = []
    for text, conf, (left, top, w, h) in words_of(found):
        x0, y0 = min(int(left / factor), width), min(int(top / factor), height)
        x1 = min(int(np.ceil((left + w) / factor)), width)
        y1 = min(int(np.ceil((top + h) / factor)), height)
        words.append((text, conf, (x0, y0, x1 - x0, y1 - y0)))
    return words


def _paint_out(
    crop: np.ndarray, boxes: Iterable[tuple[int, int, int, int]], origin: tuple[int, int]
) -> np.ndarray:
    """A copy of `crop` (taken at `origin` of the page) with the words already read in white.

    The crop's margin reaches into neighbouring words; reading them again would add
    fragments of them to the recovered line.
    """
    out = crop.copy()
    ox, oy = origin
    height, width = out.shape[:2]
    for x, y, w, h in boxes:
        x0, y0 = max(x - ox, 0), max(y - oy, 0)
        x1, y1 = min(x + w - ox, width), min(y + h - oy, height)
        if x0 < x1 and y0 < y1:
            out[y0:y1, x0:x1] = 255
    return out
