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

from workbench.imaging.recognition.ocr_postprocess import (
    continues_a_line,
    uncovered_text_regions,
)
from workbench.ocr.model import OcrFailedError
from workbench.ocr.several import data_of_images
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
#: At most this many single-line readings per page.
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

    The readings are those of one Tesseract call per line image, but made in batches
    (`_Readings`): all lines at one scale in one Tesseract process, so a page pays a
    process start and a model load per scale tried, not per line.
    """
    boxes = list(word_rows(data).values())
    regions = uncovered_text_regions(image, boxes, text_height)
    read_lines = list(line_boxes(data).values())
    pad = max(1, round(0.4 * text_height))
    crops: list[tuple[np.ndarray, tuple[int, int]]] = []
    for x, y, w, h in regions:
        if continues_a_line((x, y, w, h), read_lines, text_height):
            continue
        x0, y0 = max(x - pad, 0), max(y - pad, 0)
        crop = _paint_out(image[y0 : y + h + pad, x0 : x + w + pad], boxes, (x0, y0))
        crops.append((crop, (x0, y0)))
    readings = _Readings(engine, [crop for crop, _ in crops], language, dpi)
    while True:
        lines, wanted = _choose(readings, [origin for _, origin in crops])
        if wanted is None:
            break
        readings.fetch(wanted)
    if not lines:
        return data, 0
    return insert_lines(data, lines), len(lines)


_Words = list[tuple[str, float, tuple[int, int, int, int]]]


def _choose(
    readings: _Readings, origins: list[tuple[int, int]]
) -> tuple[list[_Words], tuple[int, int] | None]:
    """The lines kept, following the one-line-at-a-time rules over the readings made so far.

    Returns the kept lines (in page pixels) and None when every reading the rules ask for
    has been made, else the first missing reading (line, scale index) with no lines.
    """
    lines: list[_Words] = []
    reads = 0
    for line, (x0, y0) in enumerate(origins):
        for scale in range(len(RECOVER_SCALES)):
            if reads >= MAX_RECOVER_READS:
                break
            reads += 1
            if (line, scale) not in readings.made:
                return [], (line, scale)
            words = readings.made[line, scale]
            if words is None:  # Tesseract failed on this line
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
    return lines, None


class _Readings:
    """Single-line readings of the line images, made in batches and kept by (line, scale).

    When a reading is wanted, every later line's next wanted reading is made with it (as far
    as the page's `MAX_RECOVER_READS` allows), one Tesseract process per scale. A reading
    made ahead that the rules then skip costs time, never a different result.
    """

    def __init__(
        self, engine: Tesseract, crops: list[np.ndarray], language: str, dpi: int | None
    ) -> None:
        self.engine = engine
        self.crops = crops
        self.language = language
        self.dpi = dpi
        self.made: dict[tuple[int, int], _Words | None] = {}

    def _next_scale(self, line: int) -> int | None:
        """The scale index of this line's next reading, None when it needs no more."""
        for scale in range(len(RECOVER_SCALES)):
            if (line, scale) not in self.made:
                return scale
            words = self.made[line, scale]
            if words is None:
                return None
            if words:
                mean = sum(conf for _, conf, _ in words) / len(words)
                signs = sum(ch.isalnum() for text, _, _ in words for ch in text)
                if (mean >= RECOVER_MIN_CONFIDENCE and signs >= 2) or mean < RECOVER_GIVE_UP:
                    return None
        return None

    def fetch(self, wanted: tuple[int, int]) -> None:
        """Make reading `wanted` and, in the same processes, the next ones of later lines."""
        first, scale = wanted
        budget = MAX_RECOVER_READS - sum(1 for _ in self.made)
        batches: dict[int, list[int]] = {scale: [first]}
        ahead = 1
        for line in range(first + 1, len(self.crops)):
            if ahead >= budget:
                break
            following = self._next_scale(line)
            if following is not None:
                batches.setdefault(following, []).append(line)
                ahead += 1
        for index, lines in batches.items():
            factor = RECOVER_SCALES[index]
            images = [_scaled(self.crops[line], factor) for line in lines]
            dpi = round(self.dpi * factor) if self.dpi else None
            try:
                found = data_of_images(
                    self.engine, images, self.language, psm=7, dpi=dpi, keep_noisy_rows=True
                )
            except OcrFailedError:
                found = []
                for image in images:  # which line failed: read them one by one
                    try:
                        found.append(
                            data_of_images(
                                self.engine,
                                [image],
                                self.language,
                                psm=7,
                                dpi=dpi,
                                keep_noisy_rows=True,
                            )[0]
                        )
                    except OcrFailedError:
                        found.append({})
            for line, columns in zip(lines, found, strict=True):
                self.made[line, index] = (
                    _words_in_crop(columns, self.crops[line], factor) if columns else None
                )


def _scaled(crop: np.ndarray, factor: float) -> np.ndarray:
    """A line image at `factor` times its size."""
    if factor == 1.0:
        return crop
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return cv2.resize(crop, None, fx=factor, fy=factor, interpolation=interpolation)


def _words_in_crop(found: dict[str, list[Any]], crop: np.ndarray, factor: float) -> _Words:
    """The words of a line image read at `factor` times its size, boxes in its pixels."""
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
