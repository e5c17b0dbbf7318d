from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from workbench.imaging.recognition.digit_shapes import (
    count_systems,
    digit_systems,
    glyph_masks,
    templates,
)

FONTS = Path("/usr/share/fonts/truetype")
HOMA = FONTS / "farsiweb" / "homa.ttf"
NAZLI = FONTS / "farsiweb" / "nazli.ttf"
NOTO_SANS = FONTS / "noto" / "NotoSansArabic-Regular.ttf"


def word(text: str, font: Path, size: int = 40) -> np.ndarray:
    face = ImageFont.truetype(str(font), size, layout_engine=ImageFont.Layout.RAQM)
    image = Image.new("L", (size * len(text) + 40, size * 2), 245)
    ImageDraw.Draw(image).text((20, size // 3), text, font=face, fill=20)
    return np.asarray(image)


def test_templates_only_vote_where_shapes_differ() -> None:
    labels = [label for label, _ in templates()]
    assert labels.count("persian") == labels.count("arabic_indic") > 0
    assert "either" in labels


@pytest.mark.parametrize("font", [HOMA, NOTO_SANS])
def test_persian_and_arabic_indic_456(font: Path) -> None:
    persian = count_systems(digit_systems(word("۴۵۶", font)))
    arabic = count_systems(digit_systems(word("٤٥٦", font)))
    assert persian["persian"] >= 2 and persian["arabic_indic"] == 0
    assert arabic["arabic_indic"] >= 2 and arabic["persian"] == 0


def test_digits_drawn_alike_give_no_evidence() -> None:
    # Nazli draws ٤ and ٥ with the Persian shapes: nothing can be said, and nothing is.
    votes = count_systems(digit_systems(word("٤٥", NAZLI)))
    assert votes["arabic_indic"] == 0


def test_shared_shapes_do_not_vote() -> None:
    votes = count_systems(digit_systems(word("۱۲۳۷۸", NOTO_SANS)))
    assert votes == {"persian": 0, "arabic_indic": 0}


def test_glyphs_left_to_right_without_specks() -> None:
    masks = glyph_masks(word("۱۲۳", HOMA))
    assert len(masks) == 3 and all(m.dtype == bool for m in masks)


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((0, 0), np.uint8),
        np.full((30, 30), 255, np.uint8),
        np.zeros((30, 30), np.uint8),
        np.zeros((3, 50), np.uint8),
        np.zeros((10, 10, 3), np.uint8),
    ],
)
def test_degenerate_crops(image: np.ndarray) -> None:
    assert isinstance(digit_systems(image), list)
