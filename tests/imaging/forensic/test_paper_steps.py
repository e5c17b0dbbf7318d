"""Paper tone steps on rendered, scanned letter pages saved as JPEG."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

import workbench.imaging.forensic.paper_steps as paper_steps_module
from tests.support.scanned import jpeg_gray, scanned_letter
from workbench.imaging.forensic.paper_steps import (
    Z_RANGE,
    crossing_page,
    median_level,
    paper_mask,
    paper_steps,
    row_step_blocks,
)

#: Where the foreign block is pasted (x0, y0, x1, y1), off the 8 x 8 grid.
PASTE = (203, 597, 861, 803)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    """A scanned letter as its scanner saved it (quality 80), decoded to luminance."""
    return jpeg_gray(np.asarray(scanned_letter(seed=0)), 80)


def _pasted(page: np.ndarray) -> np.ndarray:
    """`page` with a block of another letter's scan (its paper five levels darker) at `PASTE`."""
    other = np.asarray(scanned_letter(seed=1)).astype(np.int16) - 5
    donor = jpeg_gray(np.clip(other, 0, 255).astype(np.uint8), 85)
    x0, y0, x1, y1 = PASTE
    edited = page.copy()
    edited[y0:y1, x0:x1] = donor[y0 + 40 : y1 + 40, x0:x1]
    return edited


def test_untouched_resaved_page_has_no_step(page: np.ndarray) -> None:
    result = paper_steps(jpeg_gray(page, 90))
    assert result.regions == []
    assert result.region_score == 0.0
    assert float(result.strength.max()) == 0.0
    # A letter is mostly paper.
    assert result.paper_share > 0.5


def test_block_from_another_scan_is_found_where_it_is(page: np.ndarray) -> None:
    # Another scan of another letter, on paper five grey levels darker, saved on its own.
    x0, y0, x1, y1 = PASTE
    edited = _pasted(page)
    result = paper_steps(jpeg_gray(edited, 90))
    assert result.region_score > 0.5
    best = result.regions[0]
    cx, cy = best.x + best.width / 2, best.y + best.height / 2
    assert x0 <= cx <= x1 and y0 <= cy <= y1
    # The region covers most of the patch, and the map is zero far from it.
    overlap_w = min(best.x + best.width, x1) - max(best.x, x0)
    overlap_h = min(best.y + best.height, y1) - max(best.y, y0)
    assert overlap_w * overlap_h > 0.5 * (x1 - x0) * (y1 - y0)
    assert float(result.strength[: y0 // 8 - 20].max()) == 0.0


def test_a_band_printed_across_the_page_crosses_it_and_a_pasted_block_does_not(
    page: np.ndarray,
) -> None:
    # A band six grey levels darker printed across the whole letter (a shaded band, a fold's
    # shadow): its edges are steps on lines from one edge of the page to the other, though
    # the print breaks the upper one into pieces. The pasted block of the test above ends
    # inside the page.
    banded = page.astype(np.int16)
    banded[400:700, :] -= 6
    result = paper_steps(jpeg_gray(np.clip(banded, 0, 255).astype(np.uint8), 85))
    assert result.regions
    assert all(r.y in range(380, 420) or r.y in range(680, 720) for r in result.regions)
    assert crossing_page(result.regions, page.shape) == set(range(len(result.regions)))
    edited = _pasted(page)
    pasted = paper_steps(jpeg_gray(edited, 90))
    assert pasted.regions and crossing_page(pasted.regions, page.shape) == set()


def test_print_is_not_paper(page: np.ndarray) -> None:
    paper = paper_mask(page)
    dark = page < np.median(page) - 40
    assert not (paper & dark).any()


def test_a_photograph_is_not_judged() -> None:
    result = paper_steps(np.asarray(data.camera()))
    assert result.regions == [] and result.note


def test_histogram_median_is_numpys(page: np.ndarray) -> None:
    assert median_level(page) == float(np.median(page))
    assert median_level(page[:-1]) == float(np.median(page[:-1]))


def test_step_blocks_peak_on_the_patch_edges_only(page: np.ndarray) -> None:
    # Rows of blocks along the pasted block's top and bottom edges hold the page's strongest
    # row steps; the transposed page gives the same for its left and right edges.
    x0, y0, x1, y1 = PASTE
    edited = _pasted(page)
    gray = jpeg_gray(edited, 90)
    paper = paper_mask(gray)
    rows = row_step_blocks(gray, paper)
    strong = np.argwhere(rows >= Z_RANGE[0])
    assert strong.size
    assert all(abs(r * 8 - y0) <= 16 or abs(r * 8 - y1) <= 16 for r, _ in strong)
    assert all(x0 - 32 <= c * 8 <= x1 + 32 for _, c in strong)
    cols = row_step_blocks(gray.T.copy(), paper.T.copy()).T
    strong = np.argwhere(cols >= Z_RANGE[0])
    assert strong.size
    assert all(abs(c * 8 - x0) <= 16 or abs(c * 8 - x1) <= 16 for _, c in strong)
    untouched = row_step_blocks(jpeg_gray(page, 90), paper_mask(jpeg_gray(page, 90)))
    assert float(untouched.max()) < Z_RANGE[0]


def test_bands_do_not_change_the_steps(page: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    # The page is worked in bands of rows to keep memory down; a band edge must not cut a
    # step (each band reads the rows of paper its steps need), so any band height gives the
    # same z as the whole page at once, on an edited page and on an untouched one.
    edited = _pasted(page)
    for gray in (jpeg_gray(edited, 90), jpeg_gray(page, 90)):
        paper = paper_mask(gray)
        banded = row_step_blocks(gray, paper)
        monkeypatch.setattr(paper_steps_module, "BAND_ROWS", 37)
        odd = row_step_blocks(gray, paper)
        monkeypatch.setattr(paper_steps_module, "BAND_ROWS", gray.shape[0])
        whole = row_step_blocks(gray, paper)
        monkeypatch.undo()
        assert np.array_equal(banded, whole) and np.array_equal(odd, whole)
