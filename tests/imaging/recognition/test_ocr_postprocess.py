"""The checks after reading: skipped line-shaped ink, and the shape of a comma."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.support.text_pages import NAZLI
from workbench.imaging.recognition.ocr_postprocess import (
    arabic_comma_fixes,
    comma_like,
    continues_a_line,
    uncovered_text_regions,
)
from workbench.imaging.recognition.ocr_preprocess import estimate_text_height

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


def test_a_tilted_rule_is_not_a_text_line_but_a_long_line_is() -> None:
    # The samples' letters have rules under the letterhead tilted by 0.3-0.6 degrees: no
    # row of pixels holds most of them, and each used to be read by Tesseract as a line.
    page = np.full((900, 1400), 255, np.uint8)
    cv2.line(page, (100, 100), (1300, 109), 0, 3)  # 0.43 degrees
    cv2.line(page, (100, 300), (1300, 288), 30, 2)  # -0.57 degrees, thinner, not black
    assert uncovered_text_regions(page, [], text_height=20) == []
    long_line = "با سلام و احترام گزارش پیشرفت فیزیکی طرح آبرسانی دشت نیلوفر به همراه صورت‌وضعیت"
    page, boxes = draw_lines(["بسمه تعالی", long_line, "با تشکر"])
    page = page.copy()
    bottom = page.shape[0] - 20
    cv2.line(page, (60, bottom), (1540, bottom - 8), 0, 3)  # a rule under the text, tilted
    regions = uncovered_text_regions(page, boxes[2:], text_height=20)
    assert len(regions) == 2
    assert overlaps(regions[0], boxes[0]) and overlaps(regions[1], boxes[1])


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
    """The page's text height as the OCR measures it, for a paragraph in this face."""
    face = ImageFont.truetype(str(font), size, layout_engine=ImageFont.Layout.RAQM)
    page = Image.new("L", (size * 30, size * 8), 255)
    draw = ImageDraw.Draw(page)
    for n, line in enumerate(["با سلام و احترام گزارش جلسه", "به پیوست ارسال می‌شود"]):
        draw.text((size, size + 2 * size * n), line, font=face, fill=0, direction="rtl")
    height = estimate_text_height(np.asarray(page))
    assert height is not None
    return height


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
    # The page image only matters for « . »: give each word its own glyph box.
    page = np.concatenate([comma_image, stop_image], axis=1)
    shift = comma_image.shape[1]
    stop_on_page = (stop_box[0] + shift, *stop_box[1:])
    nowhere = (0, 0, 10, 10)
    words = [
        ("احترام,", nowhere, 1),  # Latin comma after Persian letters: « ، »
        ("Hello,", nowhere, 7),  # Latin text keeps its comma
        ("تهران,", nowhere, 2),  # followed by Latin words on its line: kept
        ("Iran", nowhere, 2),
        ("احترام.", comma_box, 3),  # read as a full stop, shaped like a comma
        ("احترام.", stop_on_page, 3),  # a real full stop
        ("احترام»", comma_box, 4),  # guillemets are left alone
        ("۱۴۰۱.", comma_box, 4),  # digits only: not a word whose comma is in question
        ("سلام", nowhere, 5),
        (",", nowhere, 5),  # a lone comma after a Persian word on its line
        (",", nowhere, 6),  # a lone comma opening a line: no word to go by
    ]
    fixes = arabic_comma_fixes(page, words, height)
    assert fixes == {0: "احترام،", 4: "احترام،", 9: "،"}
    # Without a measure of the text height only the Latin-comma rule applies.
    assert arabic_comma_fixes(page, words, None) == {0: "احترام،", 9: "،"}


def test_ink_beside_a_line_already_read_continues_it() -> None:
    line = (400, 100, 800, 40)
    assert continues_a_line((1230, 104, 60, 36), [line], text_height=20)  # just beside it
    assert not continues_a_line((100, 104, 200, 36), [line], text_height=20)  # another column
    assert not continues_a_line((500, 160, 300, 36), [line], text_height=20)  # the next line
