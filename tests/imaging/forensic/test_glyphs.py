"""Glyph and line consistency on rendered, scanned letter pages."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.support.forensic_fixtures import FONT, LINES, jpeg, letter_page, overlaps, retype
from workbench.imaging.forensic.glyphs import GlyphOutlier, glyph_consistency, glyph_map

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import forensic_fresh as ff

needs_fresh_fonts = pytest.mark.skipif(bool(ff.check_faces()), reason="fresh-look set's fonts")

BOLD_FONT = FONT.with_name("nazlib.ttf")

#: Baseline of the fifth line of `letter_page` (line 4 of its body).
BODY_LINE = 160 + 100 + 70 * 3


def test_untouched_letter_has_no_outliers() -> None:
    for seed in (3, 4):
        scan = glyph_consistency(jpeg(letter_page(seed=seed).image, 85))
        assert scan.lines >= 5 and len(scan.words) > 40
        assert scan.outliers == []


def test_retyped_line_is_found_where_it_was_typed() -> None:
    page = letter_page(seed=3).image
    edited, band = retype(page, BODY_LINE, LINES[4])
    scan = glyph_consistency(jpeg(edited, 85))
    assert scan.outliers, "the retyped line was not found"
    best = scan.outliers[0]
    assert best.level == "line" and best.strength >= 0.5
    b = best.box
    assert overlaps((b.x, b.y, b.width, b.height), band)
    # Typed digitally: darker ink and smoother paper than the scanned words around it.
    assert best.deviations["darkness"]["z"] > 0 and best.deviations["grain"]["z"] < 0
    heat = glyph_map(page.shape, scan.outliers)
    assert heat[BODY_LINE - 5, b.x + b.width // 2] >= 0.5 and heat[BODY_LINE + 200, 600] == 0


def test_retyped_number_in_a_line_is_found() -> None:
    page = letter_page(seed=4).image
    # One word inside the line is erased and a number typed in its place.
    edited, band = retype(page, BODY_LINE + 70, "۱۲۸۴", right=603, left=552)
    scan = glyph_consistency(jpeg(edited, 90))
    found = [
        o for o in scan.outliers if overlaps((o.box.x, o.box.y, o.box.width, o.box.height), band)
    ]
    assert found and max(o.strength for o in found) >= 0.5


# -- pages of the fresh-look development set (benchmarks/forensic_fresh.py) ---------------------


def _fresh_page(index: int, tampering: str, folder: Path) -> tuple[np.ndarray, list[list[int]]]:
    """Page `index` of the fresh-look set (a letter of template 0, the 200-dpi grey chain)."""
    with ff.fresh_faces():
        entry = ff.make_entry(index, tampering, "letter", 0, 0, folder)
    gray = np.asarray(Image.open(folder / entry.path).convert("L"))
    return gray, entry.boxes


def _touches(o: GlyphOutlier, boxes: list[list[int]]) -> bool:
    b = o.box
    return any(
        overlaps((b.x, b.y, b.width, b.height), (x0, y0, x1 - x0, y1 - y0))
        for x0, y0, x1, y1 in boxes
    )


@needs_fresh_fonts
def test_lighter_and_softer_retyped_number_is_found(tmp_path: Path) -> None:
    # fresh-036: a number retyped in lighter, blurred ink inside a line of the letter's body
    # (unsharp-masked 200-dpi scan, saved at 90, 72 and 62). Dropped as "lighter words" before.
    gray, boxes = _fresh_page(36, "retyped-digits", tmp_path)
    scan = glyph_consistency(gray)
    found = [o for o in scan.outliers if _touches(o, boxes) and o.strength >= 0.5]
    assert found, "the retyped number was not found"
    devs = found[0].deviations
    assert devs["darkness"]["z"] < 0 and devs["sharpness"]["z"] < 0
    assert all(o.strength < 0.5 for o in scan.outliers if not _touches(o, boxes))


@needs_fresh_fonts
def test_untouched_fresh_letter_has_no_strong_outlier(tmp_path: Path) -> None:
    gray, _ = _fresh_page(0, "none", tmp_path)  # fresh-000, the same chain, untouched
    scan = glyph_consistency(gray)
    assert scan.lines >= 5
    assert all(o.strength < 0.5 for o in scan.outliers)


@needs_fresh_fonts
def test_line_spliced_in_a_heavier_face_is_found(tmp_path: Path) -> None:
    # fresh-028: a line typeset in Homa (heavier than the body's Noto Naskh), scanned on its
    # own and pasted under the letterhead: softer, and not darker as a heavier face printed
    # with the page would be. Excused before as a line of another weight.
    with ff.fresh_faces():
        entry = ff.make_entry(28, "spliced-line", "letter", 1, 2, tmp_path)
    gray = np.asarray(Image.open(tmp_path / entry.path).convert("L"))
    scan = glyph_consistency(gray)
    found = [o for o in scan.outliers if _touches(o, entry.boxes) and o.strength >= 0.5]
    assert found and found[0].level == "line"
    assert found[0].deviations["sharpness"]["z"] < 0
    assert all(o.strength < 0.5 for o in scan.outliers if not _touches(o, entry.boxes))


def _bold_subject_letter(size: int, blur: float, seed: int) -> tuple[np.ndarray, int, int]:
    """A letter in Nazli whose subject line is in Nazli Bold at the body's size.

    All lines printed and scanned together (one blur, paper texture, sensor noise, JPEG 85),
    as bold subject and addressee lines of Persian letters are. Returns the page and the
    subject line's top and bottom rows.
    """
    rng = np.random.default_rng(seed)
    width, height = 41 * size, 58 * size
    ink = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(ink)
    y, top, bottom = 4 * size, 0, 0
    for i, line in enumerate(LINES[1:] + LINES[3:7]):
        face = ImageFont.truetype(
            str(BOLD_FONT if i == 1 else FONT), size, layout_engine=ImageFont.Layout.RAQM
        )
        where = (width - 3 * size, y)
        draw.text(where, line, font=face, fill=255, anchor="rs", direction="rtl", language="fa")
        if i == 1:
            _, top, _, bottom = draw.textbbox(
                where, line, font=face, anchor="rs", direction="rtl", language="fa"
            )
        y += int(2.3 * size)
    paper = 238 + 48 * cv2.GaussianBlur(
        rng.standard_normal((height, width)).astype(np.float32), (0, 0), 12
    )
    page = paper * (1 - 0.85 * np.asarray(ink, np.float32) / 255.0)
    page = cv2.GaussianBlur(page, (0, 0), blur) + rng.normal(0, 2.0, page.shape).astype(np.float32)
    return jpeg(np.clip(np.rint(page), 0, 255).astype(np.uint8), 85), int(top), int(bottom)


@pytest.mark.parametrize(("size", "blur"), [(34, 0.9), (34, 1.5), (44, 0.9), (44, 1.5)])
def test_bold_subject_line_printed_with_the_page_is_not_an_outlier(size: int, blur: float) -> None:
    # Bold strokes reach the ink's full darkness, so their edges measure softer per grey
    # level of contrast (line sharpness z -6 to -8) though printed through the same blur.
    gray, top, bottom = _bold_subject_letter(size, blur, seed=0)
    scan = glyph_consistency(gray)
    assert scan.lines >= 5
    on_subject = [o for o in scan.outliers if o.box.y < bottom and o.box.y + o.box.height > top]
    assert all(o.strength < 0.5 for o in on_subject)
    assert all(o.strength < 0.5 for o in scan.outliers)


@needs_fresh_fonts
def test_bold_headings_of_an_untouched_fresh_letter_are_excused(tmp_path: Path) -> None:
    # fresh-008: template 1's letterhead in Titr, bolder and larger than the body.
    with ff.fresh_faces():
        entry = ff.make_entry(8, "none", "letter", 1, 8, tmp_path)
    scan = glyph_consistency(np.asarray(Image.open(tmp_path / entry.path).convert("L")))
    assert scan.lines >= 5
    assert all(o.strength < 0.5 for o in scan.outliers)
