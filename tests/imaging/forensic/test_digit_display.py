"""A number set in display type (a heading's year, several times the body's size) is not judged.

Its stroke against the page's glyph height and the paper inside its box, far from its strokes
where a small number's paper lies next to them, differ by its size alone: a scanned page with
one number at five times the body's size warned on that paper before the rule.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tests.support.text_pages import NOTO_SANS
from workbench.geometry import Box
from workbench.imaging.forensic.digits import digit_consistency
from workbench.imaging.forensic.number_words import DISPLAY_SIZE, display_numbers
from workbench.imaging.words import find_words
from workbench.ocr import OcrWord


def _scanned_invoice(heading_size: int) -> tuple[np.ndarray, list[OcrWord], Box]:
    """An invoice scanned at 150 dpi: a heading number and eight lines of body-size numbers."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    body = ImageFont.truetype(str(NOTO_SANS), 30)
    words: list[OcrWord] = []

    def put(text: str, xy: tuple[int, int], font: ImageFont.FreeTypeFont, line: int) -> Box:
        draw.text(xy, text, font=font, fill=0)
        x0, y0, x1, y1 = draw.textbbox(xy, text, font=font)
        words.append(
            OcrWord(text=text, confidence=95.0, box=(x0, y0, x1 - x0, y1 - y0), line=line, block=0)
        )
        return Box(x0, y0, x1 - x0, y1 - y0)

    put("Invoice", (100, 120), body, 0)
    heading = put("1402", (100, 180), ImageFont.truetype(str(NOTO_SANS), heading_size), 1)
    y = 230 + heading_size
    for i in range(8):
        put(f"Item {i + 1}:", (100, y), body, 2 + i)
        put(f"{1250 + i * 340}", (400, y), body, 2 + i)
        put(f"1399/0{i + 1}/1{i}", (700, y), body, 2 + i)
        y += 60
    rng = np.random.default_rng(5)
    blurred = cv2.GaussianBlur(np.asarray(page, np.float32), (0, 0), 0.9)
    scan = blurred * (242 / 255) + 12 + rng.normal(0, 2.5, blurred.shape)
    return scan.clip(0, 255).astype(np.uint8), words, heading


def test_only_numbers_far_taller_than_the_pages_are_display_type() -> None:
    boxes = [Box(0, 0, 60, h) for h in (30, 32, 31, 29, 150)]
    assert display_numbers(boxes) == {4}
    assert display_numbers([*boxes[:4], Box(0, 0, 60, round(30 * DISPLAY_SIZE))]) == set()
    assert display_numbers(boxes[-2:]) == set()  # too few numbers to know the page's size


def test_a_heading_number_in_display_type_is_left_out_with_a_note() -> None:
    gray, read, heading = _scanned_invoice(150)
    scan = digit_consistency(gray, find_words(gray), read)
    assert scan.numbers >= 8
    assert not [o for o in scan.outliers if o.box.y < heading.y + heading.height]
    assert all(o.strength < 0.5 for o in scan.outliers)
    assert scan.note is not None and "were not judged against them" in scan.note


def test_a_number_in_the_bodys_size_is_compared_as_before() -> None:
    gray, read, _ = _scanned_invoice(30)
    scan = digit_consistency(gray, find_words(gray), read)
    assert scan.numbers >= 9  # the heading's number among them
    assert scan.note is None
