"""The checks after reading: skipped line-shaped ink, and the shape of a comma."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.text_pages import NAZLI
from workbench.imaging.ocr_postprocess import (
    arabic_comma_fixes,
    comma_like,
    uncovered_text_regions,
)

NOTO_NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")
Box = tuple[int, int, int, int]


def draw_lines(lines: list[str], size: int = 44) -> tuple[np.ndarray, list[Box]]:
    """A grey page with `lines` right-aligned, and each line's ink box."""
    face = ImageFont.truetype(str(NAZLI), size, layout_engine=ImageFont.Layout.RAQM)
    page = Image.new("L", (1600, 120 + 2 * size * len(lines)), 255)
    draw = ImageDraw.Draw(page)
    boxes = []
    for n, line in enumerate(lines):
        x = 1480 - draw.textlength(line, font=face, direction="rtl")
        y = 60 + 2 * size * n
        draw.text((x, y), line, font=face, fill=0, direction="rtl")
        x0, y0, x1, y1 = draw.textbbox((x, y), line, font=face, direction="rtl")
        boxes.append((int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
    return np.asarray(page), boxes


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_a_line_no_word_box_covers_is_found() -> None:
    page, boxes = draw_lines(["بسمه تعالی", "جناب آقای دکتر رضایی", "با سلام و احترام"])
    regions = uncovered_text_regions(page, boxes[1:], text_height=20)
    assert len(regions) == 1
    assert overlaps(regions[0], boxes[0])
    assert uncovered_text_regions(page, boxes, text_height=20) == []


def test_specks_rules_and_seals_are_not_text_lines() -> None:
    page = np.full((900, 1400), 255, np.uint8)
    page[100:104, 100:1300] = 0  # a ruled line
    page[300:302, 300:302] = 0  # dust
    yy, xx = np.mgrid[:900, :1400]
    page[(yy - 600) ** 2 + (xx - 700) ** 2 < 110**2] = 40  # a seal, many lines tall
    assert uncovered_text_regions(page, [], text_height=20) == []


def glyph(text: str, font: Path, size: int, *, blur: float = 0.0) -> tuple[np.ndarray, Box]:
    """`text` drawn alone, and the box of its ink."""
    face = ImageFont.truetype(str(font), size, layout_engine=ImageFont.Layout.RAQM)
    image = Image.new("L", (size * 8, size * 3), 255)
    draw = ImageDraw.Draw(image)
    draw.text((size, size), text, font=face, fill=0, direction="rtl")
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    ink = np.argwhere(np.asarray(image) < 160)
    (y0, x0), (y1, x1) = ink.min(axis=0), ink.max(axis=0)
    return np.asarray(image), (int(x0), int(y0), int(x1 - x0 + 1), int(y1 - y0 + 1))


def letter_height(font: Path, size: int) -> float:
    """Height of a letter body («ه») of the face: what the page's text height measures."""
    return float(glyph("ه", font, size)[1][3])


@pytest.mark.parametrize("font", [NAZLI, NOTO_NASKH], ids=["nazli", "noto-naskh"])
@pytest.mark.parametrize("size", [22, 44, 88])
def test_a_comma_is_told_from_a_full_stop(font: Path, size: int) -> None:
    height = letter_height(font, size)
    comma_image, comma_box = glyph("احترام،", font, size)
    stop_image, stop_box = glyph("احترام.", font, size)
    assert comma_like(comma_image, comma_box, height)
    assert not comma_like(stop_image, stop_box, height)


def test_a_comma_is_told_from_a_full_stop_on_a_blurred_small_scan() -> None:
    height = letter_height(NAZLI, 18)
    comma_image, comma_box = glyph("احترام،", NAZLI, 18, blur=0.7)
    stop_image, stop_box = glyph("احترام.", NAZLI, 18, blur=0.7)
    assert comma_like(comma_image, comma_box, height)
    assert not comma_like(stop_image, stop_box, height)


def test_comma_fixes_follow_the_script_and_the_glyph() -> None:
    size = 44
    height = letter_height(NAZLI, size)
    comma_image, comma_box = glyph("احترام،", NAZLI, size)
    stop_image, stop_box = glyph("احترام.", NAZLI, size)
    # The page image only matters for « . » and « » »: give each word its own glyph box.
    page = np.concatenate([comma_image, stop_image], axis=1)
    shift = comma_image.shape[1]
    stop_on_page = (stop_box[0] + shift, *stop_box[1:])
    words = [
        ("احترام,", (0, 0, 10, 10)),  # Latin comma after Persian letters: always « ، »
        ("Hello,", (0, 0, 10, 10)),  # Latin text keeps its comma
        ("احترام.", comma_box),  # read as a full stop, shaped like a comma
        ("احترام.", stop_on_page),  # a real full stop
        ("«سلام", (0, 0, 10, 10)),
        ("احترام»", comma_box),  # closes the quotation opened before: a real guillemet
        ("احترام»", comma_box),  # nothing open: the comma-shaped glyph is « ، »
        ("۱۴۰۱.", comma_box),  # digits only: not a word whose comma is in question
    ]
    fixes = arabic_comma_fixes(page, words, height)
    assert fixes == {0: "احترام،", 2: "احترام،", 6: "احترام،"}
