"""The patch of other paper grown from a trace, on rendered, scanned letter pages."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from tests.support.scanned import jpeg_gray, scanned_letter
from workbench.imaging.forensic import paper_patch
from workbench.imaging.forensic.fusion import fuse_maps
from workbench.imaging.forensic.paper_patch import grow_patches, paper_blocks

#: Where the foreign block is pasted (x0, y0, x1, y1), off the 8 x 8 grid.
PASTE = (203, 597, 861, 717)
CELL = 4


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    """A scanned letter as its scanner saved it (quality 80), decoded to luminance."""
    return jpeg_gray(np.asarray(scanned_letter(seed=0)), 80)


def pasted(page: np.ndarray, box: tuple[int, int, int, int] = PASTE) -> np.ndarray:
    """`page` with a block of another, noisier scan pasted at `box`, saved at 90.

    The other scan has the same paper tone and print; its scanner added more noise (a grain
    of about 8 grey levels against the page's 2.5), and it was saved at 85 on its own.
    """
    other = np.asarray(scanned_letter(seed=1)).astype(np.float32)
    other += np.random.default_rng(2).normal(0.0, 8.0, other.shape)
    donor = jpeg_gray(np.clip(other, 0, 255).astype(np.uint8), 85)
    x0, y0, x1, y1 = box
    edited = page.copy()
    edited[y0:y1, x0:x1] = donor[y0 + 40 : y1 + 40, x0:x1]
    return jpeg_gray(edited, 90)


def strip_evidence(shape: tuple[int, int], box: tuple[int, int, int, int]) -> np.ndarray:
    """Evidence on the fused grid along the top edge of `box` only (a paper step's strip)."""
    x0, y0, x1, _ = box
    grid = np.zeros((-(-shape[0] // CELL), -(-shape[1] // CELL)), np.float32)
    grid[(y0 - 8) // CELL : (y0 + 8) // CELL, x0 // CELL : x1 // CELL] = 0.6
    return grid


def test_a_pasted_block_is_grown_from_one_edge_to_the_whole_block(page: np.ndarray) -> None:
    edited = pasted(page)
    paper = paper_blocks(edited)
    assert paper is not None
    strip = strip_evidence(edited.shape, PASTE)
    grown = grow_patches(paper, strip, CELL, edges=strip)
    x0, y0, x1, y1 = (v // CELL for v in PASTE)
    inside = grown[y0:y1, x0:x1] > 0
    assert inside.mean() > 0.8  # the block, not only its top edge
    assert float(grown[y0:y1, x0:x1].max()) == pytest.approx(0.6)
    # Nothing far from the block.
    near = np.zeros(grown.shape, bool)
    near[y0 - 8 : y1 + 8, x0 - 8 : x1 + 8] = True
    assert not (grown[~near] > 0).any()


def test_a_tall_block_is_grown_whole_from_a_step_along_its_top(page: np.ndarray) -> None:
    # A paste 406 pixels tall, found by a paper step along its top edge only.
    box = (203, 597, 861, 1003)
    edited = pasted(page, box)
    paper = paper_blocks(edited)
    assert paper is not None
    strip = strip_evidence(edited.shape, box)
    grown = grow_patches(paper, strip, CELL, edges=strip)
    x0, y0, x1, y1 = (v // CELL for v in box)
    assert (grown[y0:y1, x0:x1] > 0).mean() > 0.85
    assert (grown[(y0 + y1) // 2 : y1, x0:x1] > 0).mean() > 0.85  # its lower half too
    near = np.zeros(grown.shape, bool)
    near[y0 - 8 : y1 + 8, x0 - 8 : x1 + 8] = True
    assert not (grown[~near] > 0).any()


def test_an_untouched_page_grows_nothing_from_the_same_evidence(page: np.ndarray) -> None:
    untouched = jpeg_gray(page, 90)
    paper = paper_blocks(untouched)
    assert paper is not None
    strip = strip_evidence(untouched.shape, PASTE)
    grown = grow_patches(paper, strip, CELL, edges=strip)
    assert not (grown > 0).any()


def test_a_strip_that_is_no_paper_step_does_not_grow_a_block_it_barely_covers(
    page: np.ndarray,
) -> None:
    # The same strip as a region of double quantisation or words printed differently: it
    # covers an eighth of the block and is no edge, so the block is not painted from it.
    edited = pasted(page)
    paper = paper_blocks(edited)
    assert paper is not None
    assert not grow_patches(paper, strip_evidence(edited.shape, PASTE), CELL).any()


@pytest.mark.parametrize("shade", ["stain", "shaded row"])
def test_a_stain_holding_one_flagged_word_is_not_painted(
    shade: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An untouched page with a round stain 140 px across, 5 grey levels darker (or a row of
    # a table shaded 5 levels darker, 56 px tall), and one word on it that glyph consistency
    # flagged at 0.9: the word is marked, the stain is not.
    rgb = np.asarray(scanned_letter(width=1200, height=1600, seed=0))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    cy, cx = 420, 800
    yy, xx = np.mgrid[: gray.shape[0], : gray.shape[1]]
    if shade == "stain":
        gray[(yy - cy) ** 2 + (xx - cx) ** 2 <= 70**2] -= 5.0
    else:
        gray[cy - 28 : cy + 28, 100:1100] -= 5.0
    stained = jpeg_gray(np.clip(gray, 0, 255).astype(np.uint8), 90)
    ys, xs = np.nonzero(stained[cy - 30 : cy + 30, cx - 40 : cx + 40] < 128)
    assert ys.size > 50  # a word lies on the stain
    grid = (-(-stained.shape[0] // CELL), -(-stained.shape[1] // CELL))
    word = np.zeros(grid, np.float32)
    y0, y1 = (cy - 30 + ys.min()) // CELL, (cy - 30 + ys.max()) // CELL + 1
    x0, x1 = (cx - 40 + xs.min()) // CELL, (cx - 40 + xs.max()) // CELL + 1
    word[y0:y1, x0:x1] = 0.9
    paper = paper_blocks(stained)
    assert paper is not None
    # The stain is paper of another tone: with no share of it asked of the evidence, the
    # word would paint it whole.
    with monkeypatch.context() as m:
        m.setattr(paper_patch, "COVER", 0.0)
        assert (grow_patches(paper, word, CELL) > 0).sum() > 10 * (word > 0).sum()
    without = fuse_maps({"glyph": word}, grid, cell=CELL)
    with_paper = fuse_maps({"glyph": word}, grid, cell=CELL, paper=paper)
    assert np.array_equal(with_paper >= 128, without >= 128)


def test_a_page_narrower_than_the_tone_s_tiles_is_not_measured() -> None:
    strip = np.asarray(scanned_letter(seed=0).convert("L"))[:, 600:624].copy()
    assert paper_blocks(strip) is None


def test_paper_blocks_must_be_whole_cells(page: np.ndarray) -> None:
    paper = paper_blocks(page)
    assert paper is not None
    with pytest.raises(ValueError):
        grow_patches(paper, np.zeros((10, 10), np.float32), 3)


def test_nothing_is_grown_without_evidence(page: np.ndarray) -> None:
    edited = pasted(page)
    paper = paper_blocks(edited)
    assert paper is not None
    empty = np.zeros((-(-edited.shape[0] // CELL), -(-edited.shape[1] // CELL)), np.float32)
    assert not grow_patches(paper, empty, CELL).any()


def test_a_photograph_is_not_measured() -> None:
    assert paper_blocks(np.asarray(data.camera())) is None


def test_fused_heatmap_marks_the_whole_block_from_one_paper_step(page: np.ndarray) -> None:
    # A paper step found along the block's top edge only: without the page's paper the
    # heatmap marks that strip; with it, the block the strip belongs to.
    edited = pasted(page)
    strip = strip_evidence(edited.shape, PASTE) / 0.6 * 0.7
    grid = strip.shape
    without = fuse_maps({"paper_step": strip}, grid, cell=CELL) >= 128
    with_paper = fuse_maps({"paper_step": strip}, grid, cell=CELL, paper=paper_blocks(edited))
    x0, y0, x1, y1 = (v // CELL for v in PASTE)
    assert without[y0:y1, x0:x1].mean() < 0.2
    assert (with_paper[y0:y1, x0:x1] >= 128).mean() > 0.8
    near = np.zeros(grid, bool)
    near[y0 - 8 : y1 + 8, x0 - 8 : x1 + 8] = True
    assert not (with_paper[~near] >= 128).any()
    # The same step on the untouched page marks the strip only.
    untouched = fuse_maps(
        {"paper_step": strip}, grid, cell=CELL, paper=paper_blocks(jpeg_gray(page, 90))
    )
    assert np.array_equal(untouched >= 128, without)


def _rows_of_noise(shape: tuple[int, int], box: tuple[int, int, int, int]) -> np.ndarray:
    """Noise departures on the fused grid over the upper half of `box` (its first lines)."""
    x0, y0, x1, y1 = (v // CELL for v in box)
    grid = np.zeros((-(-shape[0] // CELL), -(-shape[1] // CELL)), np.float32)
    grid[y0 : (y0 + y1) // 2, x0:x1] = 0.76
    return grid


def test_noise_departures_on_a_block_of_other_grain_mark_the_whole_block(
    page: np.ndarray,
) -> None:
    # The pasted block's grain is noisier than the page's; the noise method found its upper
    # half (weighted 0.53, just marked): the heatmap marks the whole block.
    edited = pasted(page)
    noise = _rows_of_noise(edited.shape, PASTE)
    grid = noise.shape
    with_paper = fuse_maps({"noise": noise}, grid, cell=CELL, paper=paper_blocks(edited)) >= 128
    x0, y0, x1, y1 = (v // CELL for v in PASTE)
    assert with_paper[y0:y1, x0:x1].mean() > 0.8
    near = np.zeros(grid, bool)
    near[y0 - 8 : y1 + 8, x0 - 8 : x1 + 8] = True
    assert not with_paper[~near].any()
    # The same noise regions on the untouched page mark only themselves.
    untouched = fuse_maps({"noise": noise}, grid, cell=CELL, paper=paper_blocks(page)) >= 128
    assert np.array_equal(untouched, fuse_maps({"noise": noise}, grid, cell=CELL) >= 128)


def test_a_stain_holding_a_small_noise_region_is_not_painted() -> None:
    # Noise departures, like words printed differently, must cover a share of the patch
    # they seed: a stain 5 grey levels darker holding a noise region over a tenth of it is
    # left alone.
    rgb = np.asarray(scanned_letter(width=1200, height=1600, seed=0))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    cy, cx = 420, 800
    yy, xx = np.mgrid[: gray.shape[0], : gray.shape[1]]
    gray[(yy - cy) ** 2 + (xx - cx) ** 2 <= 70**2] -= 5.0
    stained = jpeg_gray(np.clip(gray, 0, 255).astype(np.uint8), 90)
    grid = (-(-stained.shape[0] // CELL), -(-stained.shape[1] // CELL))
    noise = np.zeros(grid, np.float32)
    noise[(cy - 12) // CELL : (cy + 12) // CELL, (cx - 20) // CELL : (cx + 20) // CELL] = 0.9
    paper = paper_blocks(stained)
    assert paper is not None
    without = fuse_maps({"noise": noise}, grid, cell=CELL)
    with_paper = fuse_maps({"noise": noise}, grid, cell=CELL, paper=paper)
    assert np.array_equal(with_paper >= 128, without >= 128)
