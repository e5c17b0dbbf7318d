"""The patch of other paper grown from a trace, on rendered, scanned letter pages."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from skimage import data

from tests.support.scanned import scanned_letter
from workbench.imaging.forensic.fusion import fuse_maps
from workbench.imaging.forensic.paper_patch import grow_patches, paper_blocks

#: Where the foreign block is pasted (x0, y0, x1, y1), off the 8 x 8 grid.
PASTE = (203, 597, 861, 717)
CELL = 4


def jpeg_gray(image: np.ndarray, quality: int) -> np.ndarray:
    """`image` saved as JPEG at `quality` and decoded to luminance."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L")).copy()


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    """A scanned letter as its scanner saved it (quality 80), decoded to luminance."""
    return jpeg_gray(np.asarray(scanned_letter(seed=0)), 80)


def pasted(page: np.ndarray) -> np.ndarray:
    """`page` with a block of another, noisier scan pasted at `PASTE`, saved at 90.

    The other scan has the same paper tone and print; its scanner added more noise (a grain
    of about 8 grey levels against the page's 2.5), and it was saved at 85 on its own.
    """
    other = np.asarray(scanned_letter(seed=1)).astype(np.float32)
    other += np.random.default_rng(2).normal(0.0, 8.0, other.shape)
    donor = jpeg_gray(np.clip(other, 0, 255).astype(np.uint8), 85)
    x0, y0, x1, y1 = PASTE
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
    grown = grow_patches(paper, strip_evidence(edited.shape, PASTE), CELL)
    x0, y0, x1, y1 = (v // CELL for v in PASTE)
    inside = grown[y0:y1, x0:x1] > 0
    assert inside.mean() > 0.8  # the block, not only its top edge
    assert float(grown[y0:y1, x0:x1].max()) == pytest.approx(0.6)
    # Nothing far from the block.
    near = np.zeros(grown.shape, bool)
    near[y0 - 8 : y1 + 8, x0 - 8 : x1 + 8] = True
    assert not (grown[~near] > 0).any()


def test_an_untouched_page_grows_nothing_from_the_same_evidence(page: np.ndarray) -> None:
    untouched = jpeg_gray(page, 90)
    paper = paper_blocks(untouched)
    assert paper is not None
    grown = grow_patches(paper, strip_evidence(untouched.shape, PASTE), CELL)
    assert not (grown > 0).any()


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
