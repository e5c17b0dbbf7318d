"""Numbers typed in a form's boxed fields: the frame is not judged, the number inside is.

A small boxed field is shorter than a ruled line, so its four sides and the digits inside
join into one ink group; `words.is_drawn_frame` took the whole group for a check box and
glyph consistency then never judged the number. `words.frame_interior` finds the type
inside again (less the dividers of a field with one box per digit).
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import ImageDraw, ImageFont

from tests.support.forensic_fixtures import (
    FONT,
    ROWS,
    register_ink,
    retype_number,
    scan_register,
)
from workbench.geometry import Box
from workbench.imaging.forensic.glyphs import glyph_consistency
from workbench.imaging.words import find_words, frame_interior, is_drawn_frame

NUMBER = "۴۵۶۷۸۹۱"


def _form(per_digit: bool, seed: int = 5) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The register rows and a boxed field holding `NUMBER`, printed and scanned together.

    Returns the page and the (x, y, w, h) box of the field's number.
    """
    width = 1240
    ink = register_ink(width, 1000)
    draw = ImageDraw.Draw(ink)
    face = ImageFont.truetype(str(FONT), 30, layout_engine=ImageFont.Layout.RAQM)
    y = 140 + 90 * len(ROWS)
    draw.text(
        (width - 110, y),
        "شماره ثبت:",
        font=face,
        fill=255,
        anchor="rs",
        direction="rtl",
        language="fa",
    )
    x = width - 330
    x0, y0, x1, y1 = (round(v) for v in draw.textbbox((x, y), NUMBER, font=face, anchor="rs"))
    draw.text((x, y), NUMBER, font=face, fill=255, anchor="rs", direction="rtl", language="fa")
    pad = 6
    draw.rectangle([x0 - pad, y0 - pad, x1 + pad, y1 + pad], outline=255, width=2)
    if per_digit:
        step = (x1 - x0) / len(NUMBER)
        for j in range(1, len(NUMBER)):
            cx = round(x0 + j * step)
            draw.line([(cx, y0 - pad), (cx, y1 + pad)], fill=255, width=2)
    return scan_register(ink, seed), (x0, y0, x1 - x0, y1 - y0)


def _field(
    gray: np.ndarray, box: tuple[int, int, int, int]
) -> tuple[bool, tuple[tuple[int, int, int, int], np.ndarray] | None]:
    """Whether the ink group holding the field's number is a drawn frame, and what is inside."""
    words = find_words(gray)
    x, y, w, _ = box
    (word,) = [
        wd
        for wd in words.words
        if wd.box.x <= x and wd.box.x + wd.box.width >= x + w and wd.box.y <= y
    ]
    own = words.word_ink(word)
    return is_drawn_frame(own), frame_interior(own, words.glyph_height)


def _at(b: Box, box: tuple[int, int, int, int]) -> bool:
    x, y, w, h = box
    return b.x < x + w and x < b.x + b.width and b.y < y + h and y < b.y + b.height


@pytest.mark.parametrize("per_digit", [False, True])
def test_number_in_a_boxed_field_is_judged_and_untouched_stays_quiet(per_digit: bool) -> None:
    page, box = _form(per_digit)
    frame, inside = _field(page, box)
    assert frame and inside is not None
    (_, _, iw, ih), ink = inside
    assert ink.shape == (ih, iw) and ink.any()
    scan = glyph_consistency(page)
    assert all(o.strength < 0.3 for o in scan.outliers)
    # Retyped sharp and black in the field: found at the number.
    edited = retype_number(page, box, "۴۵۶۷۲۹۱")
    found = [o for o in glyph_consistency(edited).outliers if _at(o.box, box)]
    assert found and max(o.strength for o in found) >= 0.5


def test_empty_box_has_no_interior() -> None:
    ink = np.zeros((30, 30), bool)
    ink[:2, :] = ink[-2:, :] = ink[:, :2] = ink[:, -2:] = True
    assert is_drawn_frame(ink)
    assert frame_interior(ink, 20.0) is None
    ink[14:16, 10:20] = True  # a short dash inside, under half a glyph height
    assert frame_interior(ink, 20.0) is None
