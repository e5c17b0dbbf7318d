"""Aligned double-quantisation map on rendered, scanned letter pages saved as JPEG."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from tests.support.scanned import scanned_letter
from workbench.imaging.forensic.dq_map import (
    DqMap,
    NoDqMap,
    block_kinds,
    candidate_regions,
    decode_luminance,
    dq_map_of_bytes,
    soft_counts_matrix,
)

#: Where the foreign block is pasted (x0, y0, x1, y1), deliberately off the 8 x 8 grid.
PASTE = (403, 597, 861, 803)


def save(image: np.ndarray, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).copy()


@pytest.fixture(scope="module")
def first_save() -> np.ndarray:
    """A scanned letter as its scanner saved it (quality 70), decoded."""
    return decode(save(np.asarray(scanned_letter(seed=0)), 70))


def test_resaved_untouched_page_has_a_map_and_no_region(first_save: np.ndarray) -> None:
    result = dq_map_of_bytes(save(first_save, 90))
    assert isinstance(result, DqMap)
    assert result.regions == ()
    assert result.region_score == 0.0
    # The page was compressed twice nearly everywhere there is ink.
    assert result.double_share > 0.7
    assert set(result.first_steps) and all(q > 1 for q in result.first_steps.values())


def test_block_pasted_from_another_jpeg_is_found_where_it_is(first_save: np.ndarray) -> None:
    donor = decode(save(np.asarray(scanned_letter(seed=1)), 85))
    x0, y0, x1, y1 = PASTE
    edited = first_save.copy()
    edited[y0:y1, x0:x1] = donor[y0 + 3 : y1 + 3, x0 + 5 : x1 + 5]  # off the donor's grid too
    result = dq_map_of_bytes(save(edited, 90))
    assert isinstance(result, DqMap)
    assert result.region_score > 0.5
    best = result.regions[0]
    cx, cy = best.x + best.width / 2, best.y + best.height / 2
    assert x0 <= cx <= x1 and y0 <= cy <= y1
    # No region away from the paste.
    for r in result.regions:
        assert r.x < x1 + 16 and r.x + r.width > x0 - 16
        assert r.y < y1 + 16 and r.y + r.height > y0 - 16
    # The map is per 8 x 8 block, in [0, 1], high inside the paste and low elsewhere.
    s = result.suspicion
    assert s.shape == (first_save.shape[0] // 8, first_save.shape[1] // 8)
    assert float(s.min()) >= 0.0 and float(s.max()) <= 1.0
    inside = s[y0 // 8 + 2 : y1 // 8 - 2, x0 // 8 + 2 : x1 // 8 - 2]
    outside = s.copy()
    outside[y0 // 8 - 4 : y1 // 8 + 4, x0 // 8 - 4 : x1 // 8 + 4] = 0
    assert float(inside.mean()) > 0.3
    assert float(outside.max()) < 0.5
    # The fusion can redraw the regions from the map alone, at a threshold of its own.
    assert candidate_regions(s, first_save.shape) == list(result.regions)
    assert len(candidate_regions(s, first_save.shape, threshold=0.99, min_blocks=10**6)) == 0


def test_single_save_and_non_jpeg_say_why_there_is_no_map() -> None:
    page = np.asarray(scanned_letter(seed=2))
    once = dq_map_of_bytes(save(page, 80))
    assert isinstance(once, NoDqMap)
    assert "saved once" in once.reason
    buffer = io.BytesIO()
    Image.fromarray(page).save(buffer, format="PNG")
    png = dq_map_of_bytes(buffer.getvalue())
    assert isinstance(png, NoDqMap)
    assert "not a JPEG" in png.reason


def test_soft_counts_leave_gaps_when_the_first_step_was_coarser() -> None:
    # q1 = 9, q2 = 5: multiples 0, 9, 18, 27, 36 land on k = 0, 2, 4 (3.6), 5 (5.4), 7; values
    # k = 1 and 8 are never reached. 18 and 27 lie half a step from a bin edge, so the
    # rounding noise of the first decode spills a fifth of them into k = 3 and k = 6.
    counts = soft_counts_matrix(9, 5, 6).sum(axis=0)
    assert counts[1] < 0.02 and counts[8] < 0.02
    assert counts[2] > 0.95 and counts[7] > 0.95
    assert 0.1 < counts[3] < 0.3 and 0.1 < counts[6] < 0.3


@pytest.fixture(scope="module")
def form_twice() -> fc.Scanned:
    """A form of the independent corpus's generator, saved twice as its scanner did.

    Scanned at 150 dpi in colour on bright paper and saved at quality 90 then 75 (the dev
    chain ``dev-150-colour-q90-q75``).
    """
    return fc._page("form", "dev", fc.CHAINS["dev"][1], seed=12, template=0)


def _resaved(image: np.ndarray) -> bytes:
    """The page saved once more, at quality 95, as that chain's pages are."""
    chain = fc.CHAINS["dev"][1]
    return fc.jpeg_bytes(image, 95, chain.subsampling, chain.dpi)


@NEEDS_DEV_FONTS
def test_form_saved_twice_as_a_whole_stays_quiet(form_twice: fc.Scanned) -> None:
    data = _resaved(form_twice.image)
    result = dq_map_of_bytes(data)
    assert isinstance(result, DqMap)
    # Double-compressed everywhere, yet some of its blocks favour a single compression on
    # their own (the first decode clipped the paper around dotted rules at white): the sum
    # of raw log ratios made regions of them. Against the page's own share of such blocks,
    # nothing stands out.
    decoded = decode_luminance(data)
    assert not isinstance(decoded, NoDqMap)
    single = result.probability < 0.25
    kinds = block_kinds(decoded[0], np.ones(result.probability.shape, np.int64))
    assert int(single.sum()) > 100
    assert float((kinds[single] > 4).mean()) > 0.5  # most of them clipped
    assert result.regions == ()
    assert float(result.suspicion.max()) < 0.5


@NEEDS_DEV_FONTS
def test_digits_retyped_on_that_form_are_found_where_they_are(form_twice: fc.Scanned) -> None:
    chain = fc.CHAINS["dev"][1]
    edited, boxes = fc.retyped_digits(
        form_twice.image,
        form_twice.page,
        "dev",
        chain,
        form_twice.skew,
        np.random.default_rng(12),
    )
    result = dq_map_of_bytes(_resaved(edited))
    assert isinstance(result, DqMap)
    assert result.region_score > 0.5
    (x0, y0, x1, y1) = boxes[0]
    for r in result.regions:  # every region is on the retyped number
        assert r.x < x1 + 32 and r.x + r.width > x0 - 32
        assert r.y < y1 + 32 and r.y + r.height > y0 - 32
    best = result.regions[0]
    cx, cy = best.x + best.width / 2, best.y + best.height / 2
    assert x0 - 16 <= cx <= x1 + 16 and y0 - 16 <= cy <= y1 + 16


@NEEDS_DEV_FONTS
def test_small_receipt_untouched_has_a_map_and_no_region(tmp_path: Path) -> None:
    # A 150-dpi receipt is mostly bare paper: few blocks have non-zero coefficients, and at
    # 2,000 non-zero values a frequency it had no map at all.
    entry = fc.make_entry("dev", 2022, "none", "receipt", 0, tmp_path)
    assert entry.chain == "dev-150-grey-q70"
    result = dq_map_of_bytes((tmp_path / entry.path).read_bytes())
    assert isinstance(result, DqMap)
    assert result.regions == ()
    assert float(result.suspicion.max()) < 0.5


@NEEDS_DEV_FONTS
def test_foreign_block_on_a_small_receipt_is_found_where_it_is(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 2050, "foreign-jpeg", "receipt", 0, tmp_path)
    assert entry.chain == "dev-150-grey-q70"
    result = dq_map_of_bytes((tmp_path / entry.path).read_bytes())
    assert isinstance(result, DqMap)
    assert result.region_score > 0.5
    (x0, y0, x1, y1) = entry.boxes[0]
    for r in result.regions:  # every region lies on the pasted block
        assert r.x < x1 + 16 and r.x + r.width > x0 - 16
        assert r.y < y1 + 16 and r.y + r.height > y0 - 16
    # Most of the block is marked.
    s = result.suspicion
    assert float((s[y0 // 8 : y1 // 8, x0 // 8 : x1 // 8] >= 0.5).mean()) > 0.5
