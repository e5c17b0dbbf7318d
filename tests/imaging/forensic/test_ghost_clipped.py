"""JPEG ghosts on a page whose paper clips at white (a scanner's background whitening, a copier).

A block that is mostly pure white re-saves almost unchanged at any quality, so its ghost curve
dips where the page's unclipped blocks' do not: such blocks are not judged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.forensic_fixtures import forensics_report, jpeg, letter_page
from tests.support.scanned import scanned_letter
from workbench.imaging.forensic.ghost import clipped_blocks, ghost_strength, jpeg_ghost
from workbench.imaging.forensic.tamper import analyse_page
from workbench.model import Severity


def brightened(levels: int) -> np.ndarray:
    """The scanned letter's luminance brightened by `levels`: its paper clips at 255."""
    gray = np.asarray(scanned_letter().convert("L"), dtype=np.int16)
    return np.clip(gray + levels, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def whitened() -> np.ndarray:
    page = brightened(16)
    assert (page == 255).mean() > 0.85  # most of the paper clips
    return page


def _splices(path: Path) -> list[tuple[int, int, int, int]]:
    report = forensics_report(path)
    return [
        (r.x, r.y, r.width, r.height)
        for f in report.findings
        if f.code == "forensics.splice" and f.severity >= Severity.WARNING
        for r in f.regions
    ]


def test_clipped_blocks_are_not_judged(whitened: np.ndarray) -> None:
    ghost = jpeg_ghost(whitened)
    clipped = clipped_blocks(whitened, ghost.block)
    assert ghost.clipped.any()
    assert not (ghost.valid & clipped).any()
    assert ghost_strength(ghost).max() < 0.5


@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_brightened_letter_raises_no_splice(
    whitened: np.ndarray, suffix: str, tmp_path: Path
) -> None:
    # Before clipped blocks were left out, the PNG raised 27 splice warnings.
    path = tmp_path / f"whitened.{suffix}"
    Image.fromarray(whitened).save(path, **({"quality": 90} if suffix == "jpg" else {}))
    assert _splices(path) == []


def test_page_notes_say_most_of_the_page_is_clipped(whitened: np.ndarray) -> None:
    notes = analyse_page(whitened, keypoints=False, blocks=False, text=False).notes
    assert any("clipped at pure white or black" in n for n in notes)
    # Brightened by 12 levels, a quarter of the paper clips: no note.
    notes = analyse_page(brightened(12), keypoints=False, blocks=False, text=False).notes
    assert not any("clipped at pure white or black" in n for n in notes)


def test_signature_pasted_from_another_jpeg_on_the_brightened_letter_is_found(
    whitened: np.ndarray, tmp_path: Path
) -> None:
    donor = letter_page(seed=1)
    sx, sy, sw, sh = donor.signature_box
    x0, y0 = 8 * (sx // 8), 8 * (sy // 8)
    w, h = 8 * (sw // 8) + 16, 8 * (sh // 8) + 16
    pasted = jpeg(donor.image, 70)[y0 : y0 + h, x0 : x0 + w]
    page = whitened.copy()
    tx, ty = 640, 1440  # on the 8 x 8 grid, below the text
    page[ty : ty + h, tx : tx + w] = pasted
    path = tmp_path / "pasted.png"
    Image.fromarray(page).save(path)
    regions = _splices(path)
    assert regions
    assert all(
        x < tx + w and x + rw > tx and y < ty + h and y + rh > ty for x, y, rw, rh in regions
    )
