"""Text copy-move on lossless pages, where no simulated copy of a word can be made.

A PNG page of 6-digit numbers (rendered, blurred and given white scanner-like noise) holds one
exact repeat of a number; two separate prints of it differ by about the paper floor (0.96-1.02
of it on ten such pages). The page's next closest pair is two different numbers (about 27
times the floor), so that pair's distance below it lowered the repeat's ratio and it warned
on 3 of 10 pages. Without a simulated copy (not a JPEG, or a page the check reduced) the paper
floor alone decides whether a pair is far from a copy (`textclone.far_from_copy`). A word
copied within a lossless file is identical to the pixel (0 of the floor) and is still found;
so is one copied within a 600-dpi page the check reduces (by 0.89) when the reduced
displacement falls within 0.07 pixel of a whole one (0.56 of the floor, lowered by the page's
other pairs to a warning). Resampled differently at its two ends, such a copy is not found
when it falls further from one (0.08 pixel: 0.66 of the floor, strength 0.22; 0.18: 1.44;
0.30: 2.4), before this rule as after.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from workbench_checks.forensics.check import MAX_PIXELS
from workbench_checks.forensics.findings import paper_closeness

from tests.support.forensic_fixtures import (
    copy_word,
    forensics_report,
    letter_page,
    overlaps,
    save_png,
)
from tests.support.text_pages import NOTO_SANS, render_page
from workbench.imaging.forensic.textclone import NEXT_PAPER, far_from_copy, text_clones
from workbench.imaging.words import find_words
from workbench.model import Severity

#: Words of a 600-dpi page of text, five to a line, some repeated.
VOCABULARY = "invoice payment received account transfer amount period contract signed office"


def numbers_page(seed: int) -> np.ndarray:
    """24 rows of six random 6-digit numbers, as the review that found the false alarm drew
    them: rendered at 150 dpi, blurred (sigma 0.9 pixel), paper at 242, white noise 2.5."""
    rng = np.random.default_rng(seed)
    rows = [" ".join(f"{rng.integers(0, 10**6):06d}" for _ in range(6)) for _ in range(24)]
    page = render_page(rows, font=NOTO_SANS, size=36, width=1240, rtl=False, spacing=1.8)
    ink = np.asarray(page.convert("L"), np.float32)
    noisy = cv2.GaussianBlur(ink, (0, 0), 0.9) * (242 / 255) + rng.normal(0, 2.5, ink.shape)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def _text_copy_moves(path: Path) -> list[tuple[Severity, list[tuple[int, int, int, int]]]]:
    report = forensics_report(path)
    return [
        (f.severity, [(r.x, r.y, r.width, r.height) for r in f.regions])
        for f in report.findings
        if f.code == "forensics.text_copy_move"
    ]


def _warns_at_both_ends(
    path: Path, source: tuple[int, int, int, int], target: tuple[int, int, int, int]
) -> None:
    """The check's strongest text copy-move on `path` is a warning covering both ends."""
    found = _text_copy_moves(path)
    assert found and found[0][0] >= Severity.WARNING
    assert any(overlaps(r, target) for r in found[0][1])
    assert any(overlaps(r, source) for r in found[0][1])


def test_far_from_copy_without_a_simulated_copy_follows_the_paper_floor() -> None:
    # No simulated copy: the floor alone decides.
    assert far_from_copy(NEXT_PAPER, None, 0.0, simulated=False)
    assert not far_from_copy(NEXT_PAPER - 0.01, None, 0.0, simulated=False)
    assert not far_from_copy(0.0, None, 0.0, simulated=False)
    # A JPEG page read at its own size still needs both comparisons.
    assert not far_from_copy(1.0, None, 1.0)
    assert not far_from_copy(1.0, 1.5, 1.0)
    assert far_from_copy(1.0, 2.5, 1.0)


def test_wording_follows_the_ratio_to_the_paper_floor() -> None:
    assert paper_closeness(0.0) == "pixel for pixel"
    assert "pixel for pixel" not in paper_closeness(0.5)
    near = paper_closeness(1.02)
    assert "pixel for pixel" not in near and "no more closely than two patches" in near


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2, 4, 5])
def test_untouched_lossless_page_of_numbers_has_no_text_copy_move(
    seed: int, tmp_path: Path
) -> None:
    # The three pages of ten that warned (strength 0.875-0.917, ratio 0.96-1.02).
    page = numbers_page(seed)
    scan = text_clones(page, words=find_words(page))
    assert scan.floor > 0.5  # the page has a paper floor: pairs were compared against it
    assert scan.clones == []
    assert _text_copy_moves(save_png(page, tmp_path / "numbers.png")) == []


@pytest.mark.slow
def test_number_copied_within_a_lossless_page_is_found_at_both_ends(tmp_path: Path) -> None:
    page = numbers_page(4)
    word = [w for w in find_words(page).words if w.box.width > 60][7]
    source = (word.box.x, word.box.y, word.box.width, word.box.height)
    edited, target = copy_word(page, source, (page.shape[1] - 300, page.shape[0] - 60))
    scan = text_clones(edited, words=find_words(edited))
    assert scan.clones and scan.clones[0].ratio < 0.05  # identical to the pixel
    _warns_at_both_ends(save_png(edited, tmp_path / "copied.png"), source, target)


@pytest.mark.slow
def test_word_copied_within_a_lossless_letter_is_found_at_both_ends(tmp_path: Path) -> None:
    page = letter_page(seed=3).image
    word = next(w for w in find_words(page).words if w.box.width > 60 and w.box.y > 400)
    source = (word.box.x, word.box.y, word.box.width, word.box.height)
    edited, target = copy_word(page, source, (300, 1000))
    _warns_at_both_ends(save_png(edited, tmp_path / "copied.png"), source, target)


@pytest.mark.slow
def test_word_copied_within_a_reduced_600_dpi_page_is_found_at_both_ends(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    rows = [" ".join(rng.choice(VOCABULARY.split(), 5)) for _ in range(12)]
    drawn = render_page(rows, font=NOTO_SANS, size=144, width=4960, margin=480, rtl=False)
    ink = np.asarray(drawn.convert("L"), np.float32)
    # Grain two pixels across, as a 600-dpi scanner's noise is not white at its pixel.
    grain = cv2.resize(rng.normal(0, 2.5, (ink.shape[0] // 2, ink.shape[1] // 2)), ink.shape[::-1])
    page = np.clip(np.rint(cv2.GaussianBlur(ink, (0, 0), 3.0) * (242 / 255) + grain), 0, 255)
    page = page.astype(np.uint8)
    factor = float(np.sqrt(MAX_PIXELS / page.size))
    assert factor < 0.95  # the check reduces the page
    word = [w for w in find_words(page).words if w.box.width > 400][3]
    source = (word.box.x, word.box.y, word.box.width, word.box.height)
    # Moved down to blank paper by a displacement the reduction takes to a whole pixel
    # (within 0.07 of one), the copy's paper carried along (`copy_word`'s 3 pixels).
    near = page.shape[0] - 500 - word.box.y
    dy = min(range(near - 8, near + 9), key=lambda d: abs(factor * d - round(factor * d)))
    edited, target = copy_word(page, source, (word.box.x - 3, word.box.y - 3 + dy))
    _warns_at_both_ends(save_png(edited, tmp_path / "copied.png", dpi=600), source, target)
