from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.forensic_fixtures import jpeg, letter_page, scene
from workbench.imaging.forensic.ghost import (
    ghost_curves,
    ghost_strength,
    jpeg_ghost,
    page_quality_estimate,
)
from workbench.imaging.forensic.tamper import PageTraces, analyse_page

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import forensic_fresh as ff


def test_curves_fall_with_quality() -> None:
    curves, resaved = ghost_curves(scene(seed=0), (60, 80, 95), 16)
    assert curves.shape == (3, 24, 24) and set(resaved) == {60, 80, 95}
    means = curves.mean(axis=(1, 2))
    assert means[0] > means[1] > means[2] > 0


def test_pasted_jpeg_region_shows_its_ghost() -> None:
    img = scene(seed=1)
    tampered = img.copy()
    tampered[128:256, 96:240] = jpeg(img, 70)[128:256, 96:240]  # on the 8 x 8 grid
    ghost = jpeg_ghost(tampered)
    strength = ghost_strength(ghost)
    inside = (slice(9, 15), slice(7, 14))
    assert np.median(strength[inside]) > 0.5
    assert np.bincount(ghost.quality[inside].ravel()).argmax() == 70
    outside = np.ones_like(strength, bool)
    outside[7:17, 5:16] = False
    assert strength[outside].max() < 0.3


def test_never_compressed_scene_has_no_ghost() -> None:
    ghost = jpeg_ghost(scene(seed=2))
    assert ghost_strength(ghost).max() < 0.3
    assert page_quality_estimate(ghost) is None


def test_whole_page_jpeg_quality_is_estimated_and_not_a_ghost() -> None:
    page = jpeg(scene(seed=3), 80)
    ghost = jpeg_ghost(page)
    assert page_quality_estimate(ghost) == 80
    assert ghost_strength(ghost).max() < 0.3


def test_curves_of_selected_tiles_equal_those_of_the_whole_page() -> None:
    # Selected tiles are re-saved packed together; a grayscale JPEG codes every 8 x 8 block
    # on its own, so their curves must be exactly those of the whole page.
    img = jpeg(scene((160, 224), seed=4), 80)
    tiles = np.random.default_rng(1).random((10, 14)) < 0.3
    whole, _ = ghost_curves(img)
    part, resaved = ghost_curves(img, tiles=tiles, keep=(90,))
    assert np.array_equal(part[:, tiles], whole[:, tiles])
    assert not part[:, ~tiles].any()
    assert set(resaved) == {90} and resaved[90].shape == img.shape
    none, _ = ghost_curves(img, tiles=np.zeros((10, 14), bool), keep=())
    assert not none.any()


# -- pages of the fresh-look development set (benchmarks/forensic_fresh.py) ---------------------

needs_fresh_fonts = pytest.mark.skipif(
    bool(ff.check_faces()), reason="; ".join(ff.check_faces()) or "fonts present"
)


def _fresh_letter(seed: int, quality: int) -> np.ndarray:
    """A letter of the fresh-look set's 200-dpi colour chain (saved at 82, 4:2:0), saved again
    at `quality` as the set's pages are, and read as the check reads it (luminance)."""
    with ff.fresh_faces():
        scanned = ff._page("letter", ff.CHAINS[3], seed, 0)
    data = ff.jpeg_bytes(scanned.image, quality, 2, 200)
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"))


def _ghost_only(gray: np.ndarray) -> PageTraces:
    return analyse_page(gray, keypoints=False, blocks=False, text=False)


@needs_fresh_fonts
def test_page_saved_between_tried_qualities_has_no_ghost() -> None:
    # Saved last at 55, between the re-save qualities 50 and 60: the page's median block
    # drops only to about 0.7 into 60, then its error grows into 70. Before that step was
    # taken for the page's own, its stamp and signature blocks dipped at 75-85 as ghosts
    # (strength 1.0 on this page).
    gray = _fresh_letter(5119, 55)
    traces = _ghost_only(gray)
    assert traces.page_quality is not None and traces.page_quality <= 60
    assert traces.splice_regions == []
    assert traces.scores["ghost"] == 0.0


@needs_fresh_fonts
def test_block_pasted_from_a_lower_quality_copy_still_shows_on_a_fresh_page() -> None:
    page = _fresh_letter(5120, 90)
    donor = jpeg(page, 60)
    edited = page.copy()
    y0, y1, x0, x1 = 640, 832, 320, 768  # text lines of the body, on the 8 x 8 grid
    edited[y0:y1, x0:x1] = donor[y0:y1, x0:x1]
    traces = _ghost_only(jpeg(edited, 85))
    assert traces.page_quality == 85
    assert traces.splice_regions, "the pasted block's ghost was not found"
    best = max(traces.splice_regions, key=lambda b: b.score)
    cx, cy = best.x + best.width / 2, best.y + best.height / 2
    assert x0 <= cx <= x1 and y0 <= cy <= y1
    assert traces.ghost_qualities[traces.splice_regions.index(best)] == 60


@needs_fresh_fonts
def test_copy_on_a_page_saved_twice_keeps_its_ghost(tmp_path: Path) -> None:
    # fresh-018: a word copied on a 300-dpi copier scan saved at 58, then at 78 after the
    # edit. The first save makes the median block's error grow into 70, the last save's drop
    # into 75 comes first: the copy's ghost at the target stays in use.
    with ff.fresh_faces():
        entry = ff.make_entry(18, "copy-move", "letter", 1, 2, tmp_path)
    gray = np.asarray(Image.open(tmp_path / entry.path).convert("L"))
    traces = _ghost_only(gray)
    x0, y0, x1, y1 = entry.boxes[1]  # where the word was copied to
    assert any(
        b.x < x1 and b.x + b.width > x0 and b.y < y1 and b.y + b.height > y0 and b.score >= 0.5
        for b in traces.splice_regions
    )


def test_page_whose_every_step_is_its_own_says_ghosts_were_not_usable() -> None:
    # A letter saved at 58: the page's median block drops at 50 -> 60 and every step above
    # is the page's own, so no step is compared; a letter saved at 92 keeps its lower steps.
    page = letter_page(seed=3).image
    low = jpeg(page, 58)
    assert not any(jpeg_ghost(low).usable)
    notes = analyse_page(low, keypoints=False, blocks=False, text=False).notes
    assert any("ghosts were not usable" in n for n in notes)
    high = jpeg(page, 92)
    assert any(jpeg_ghost(high).usable)
    notes = analyse_page(high, keypoints=False, blocks=False, text=False).notes
    assert not any("ghosts were not usable" in n for n in notes)
