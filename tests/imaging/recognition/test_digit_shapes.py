from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from workbench.imaging.recognition.digit_shapes import (
    SAME_SHAPE,
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
    bank = templates()
    labels = [label for label, _ in bank]
    assert labels.count("persian") == labels.count("arabic_indic") > 0
    assert "either" in labels
    # Unit vectors, and a digit's two forms get a vote each only where they differ in the font:
    # each Persian template is followed by its Arabic-Indic form, less alike than SAME_SHAPE.
    assert all(np.isclose(np.linalg.norm(vec), 1.0) for _, vec in bank)
    pairs = [
        float(bank[i][1] @ bank[i + 1][1])
        for i in range(len(bank) - 1)
        if labels[i] == "persian" and labels[i + 1] == "arabic_indic"
    ]
    assert len(pairs) == labels.count("persian")
    assert max(pairs) < SAME_SHAPE


def test_persian_and_arabic_indic_456_in_noto_sans() -> None:
    # Noto Sans Arabic draws all three of 4, 5 and 6 differently in the two systems.
    assert digit_systems(word("۴۵۶", NOTO_SANS)) == ["persian"] * 3
    assert digit_systems(word("٤٥٦", NOTO_SANS)) == ["arabic_indic"] * 3


def test_persian_and_arabic_indic_456_in_homa() -> None:
    # Homa draws 4 and 6 differently, 5 alike: the 5 matches without voting.
    assert digit_systems(word("۴۵۶", HOMA)) == ["persian", "either", "persian"]
    assert digit_systems(word("٤٥٦", HOMA)) == ["arabic_indic", "either", "arabic_indic"]


def test_digits_drawn_alike_give_no_evidence() -> None:
    # Nazli draws ٤ ٥ ٦ with the Persian shapes: nothing can be said, and nothing is.
    assert digit_systems(word("٤٥٦", NAZLI)) == ["either"] * 3
    assert digit_systems(word("۴۵۶", NAZLI)) == ["either"] * 3


def test_shared_shapes_do_not_vote() -> None:
    assert digit_systems(word("۱۲۳۷۸", NOTO_SANS)) == ["either"] * 5
    assert count_systems(digit_systems(word("۱۲۳۷۸", HOMA))) == {"persian": 0, "arabic_indic": 0}


def test_a_printed_date_votes_by_its_4_only() -> None:
    # A date field as a letter prints it: only the final 4 tells the systems apart; the
    # dot-like zeros are too small to be glyphs and the slashes match no digit well.
    persian = digit_systems(word("۱۳۸۰/۰۲/۲۴", HOMA))
    arabic = digit_systems(word("١٣٨٠/٠٢/٢٤", HOMA))
    assert count_systems(persian) == {"persian": 1, "arabic_indic": 0}
    assert count_systems(arabic) == {"persian": 0, "arabic_indic": 1}
    assert persian[-1] == "persian" and arabic[-1] == "arabic_indic"
    assert "unknown" in persian


def test_latin_letters_match_no_digit() -> None:
    assert digit_systems(word("XW", NOTO_SANS)) == ["unknown", "unknown"]


@pytest.mark.parametrize(("font", "ten"), [(HOMA, 2), (NAZLI, 1), (NOTO_SANS, 1)])
def test_glyphs_left_to_right_without_specks(font: Path, ten: int) -> None:
    # A word splits into the same glyphs, in the same order, as its digits rendered alone.
    masks = glyph_masks(word("۱۲۳۴۵۶۷۸۹", font))
    alone = [glyph_masks(word(digit, font)) for digit in "۱۲۳۴۵۶۷۸۹"]
    assert all(len(single) == 1 for single in alone)
    assert [m.shape for m in masks] == [single[0].shape for single in alone]
    assert all(m.dtype == bool and m.any() for m in masks)
    # Nazli's and Noto's zero is a dot, left out as a speck; Homa's is a ring, a glyph.
    assert len(glyph_masks(word("۱۰", font))) == ten


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
    # Empty, blank, all-ink, too thin or colour crops: no labels, and no exception.
    assert digit_systems(image) == []
    if image.ndim == 2 and image.size and image.min() > 0:
        assert glyph_masks(image) == []  # no ink at all
