"""``benchmarks/chain_edits.py``'s copy-move and spliced-line pages on the genuine scan chains.

Each kind's page is rendered, scanned and saved by a chain of ``benchmarks/genuine_chains.py``
and edited in the decoded scan: the edit's mask must cover what was pasted, and the rest of the
page must be the scan as the chain made it, byte for byte, before the last save. A copy saved
twice is the copy-move page's copy, saved once more at another quality.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import chain_edits as ce
import genuine_chains as gc

pytestmark = [pytest.mark.slow, NEEDS_DEV_FONTS]

GREY = next(c for c in gc.CHAINS if c.name == "150-grey-q60")
COLOUR = next(c for c in gc.CHAINS if c.name == "150-colour420-q70-q60-blur")
PNG = next(c for c in gc.CHAINS if c.name == "300-grey-q85-png")

Page = tuple[str, np.ndarray, np.ndarray, list[tuple[int, int, int, int]]]


def _changed(edited: np.ndarray, scanned: np.ndarray) -> np.ndarray:
    return np.any(edited != scanned, axis=-1) if edited.ndim == 3 else edited != scanned


def _boxes_mask(shape: tuple[int, ...], boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    mask = np.zeros(shape[:2], bool)
    for x0, y0, x1, y1 in boxes:
        mask[y0:y1, x0:x1] = True
    return mask


def _ink(img: np.ndarray) -> np.ndarray:
    """The pixels darker than the page's paper by 35 grey levels (the edits' blank test)."""
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    return gray < float(np.median(gray)) - 35


@pytest.fixture(scope="module")
def copied() -> Page:
    return ce.edited_page(GREY, "copy-move", 1)


@pytest.fixture(scope="module")
def spliced() -> Page:
    return ce.edited_page(COLOUR, "spliced-line", 0)


def test_new_kinds_have_seeds_of_their_own_but_a_twice_saved_copy_shares_its_copy() -> None:
    seeds = {
        kind: {ce._seed(c, kind, i, a) for c in gc.CHAINS for i in range(2) for a in range(8)}
        for kind in ce.KINDS
    }
    for kind in ("copy-move", "spliced-line"):
        others = set().union(*(s for k, s in seeds.items() if k not in (kind, "copy-move-twice")))
        assert not seeds[kind] & others
    assert seeds["copy-move-twice"] == seeds["copy-move"]


def test_a_copied_word_lands_on_blank_paper_and_nothing_else_changes(copied: Page) -> None:
    _, scanned, edited, boxes = copied
    assert len(boxes) == 2
    (sx0, sy0, sx1, sy1), (dx0, dy0, dx1, dy1) = boxes
    assert (sx1 - sx0, sy1 - sy0) == (dx1 - dx0, dy1 - dy0)
    # The pasted copy is the source's pixels, laid where the scan had no ink.
    assert np.array_equal(edited[dy0:dy1, dx0:dx1], scanned[sy0:sy1, sx0:sx1])
    assert not _ink(scanned)[dy0:dy1, dx0:dx1].any()
    assert _ink(edited)[dy0:dy1, dx0:dx1].sum() >= 50
    # Outside the pasted copy the page is the chain's scan, byte for byte.
    changed = _changed(edited, scanned)
    assert changed[dy0:dy1, dx0:dx1].any()
    assert not (changed & ~_boxes_mask(edited.shape, [boxes[1]])).any()


def test_the_copy_moves_file_and_mask_cover_both_ends(copied: Page, tmp_path: Path) -> None:
    _, _, edited, boxes = copied
    path, mask_path = ce.make_page(GREY, "copy-move", 1, tmp_path)
    assert mask_path is not None
    mask = np.asarray(Image.open(mask_path)) > 0
    assert np.array_equal(mask, _boxes_mask(edited.shape, boxes))
    with Image.open(path) as im:
        assert im.format == "JPEG" and im.size == edited.shape[1::-1]
        # The chain's last save: its quality's tables.
        assert im.quantization == _tables(edited, GREY.saves[-1])


def _tables(img: np.ndarray, quality: int) -> dict[int, list[int]]:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=quality)
    with Image.open(buf) as im:
        return dict(im.quantization)


def test_a_twice_saved_copy_is_the_same_copy_saved_again_at_another_quality(
    copied: Page, tmp_path: Path
) -> None:
    stem, _, edited, boxes = copied
    twice = ce.edited_page(GREY, "copy-move-twice", 1)
    assert twice[0] == stem.replace("copy-move", "copy-move-twice")
    assert twice[3] == boxes and np.array_equal(twice[2], edited)
    once_path, _ = ce.make_page(GREY, "copy-move", 1, tmp_path)
    path, mask_path = ce.make_page(GREY, "copy-move-twice", 1, tmp_path)
    assert mask_path is not None
    assert ce.second_quality(GREY, 1) == 70  # q60 + 10
    with Image.open(path) as im:
        assert im.quantization == _tables(edited, 70)
        again = np.asarray(im)
    # Its pixels are the once-saved file's, saved once more.
    with Image.open(once_path) as im:
        once = np.asarray(im.convert("L"))
    buf = io.BytesIO()
    Image.fromarray(once).save(buf, format="JPEG", quality=70)
    assert np.array_equal(again, np.asarray(Image.open(buf)))
    assert not np.array_equal(again, once)


def test_the_second_saves_quality_goes_both_ways_within_60_to_95() -> None:
    for chain in gc.CHAINS:
        last = chain.saves[-1]
        lower, higher = ce.second_quality(chain, 0), ce.second_quality(chain, 1)
        assert 60 <= lower <= 95 and 60 <= higher <= 95
        assert last not in (lower, higher)
        assert 0 < abs(lower - last) <= 10 and 0 < abs(higher - last) <= 10
        if 70 <= last <= 85:
            assert (lower, higher) == (last - 10, last + 10)
    assert ce.second_quality(GREY, 0) == 70  # 50 is under the floor: 10 higher instead


def test_a_png_chains_second_save_changes_no_pixel(tmp_path: Path) -> None:
    once, _ = ce.make_page(PNG, "copy-move", 0, tmp_path)
    twice, _ = ce.make_page(PNG, "copy-move-twice", 0, tmp_path)
    assert once.suffix == twice.suffix == ".png"
    assert np.array_equal(np.asarray(Image.open(once)), np.asarray(Image.open(twice)))


def test_a_spliced_line_is_pasted_on_blank_paper_inside_its_mask(
    spliced: Page, tmp_path: Path
) -> None:
    _, scanned, edited, boxes = spliced
    assert edited.ndim == 3 and len(boxes) == 1
    x0, y0, x1, y1 = boxes[0]
    assert x1 - x0 > 3 * (y1 - y0)  # a line of words, not a word
    assert not _ink(scanned)[y0:y1, x0:x1].any()
    assert _ink(edited)[y0:y1, x0:x1].sum() >= 200
    changed = _changed(edited, scanned)
    assert not (changed & ~_boxes_mask(edited.shape, boxes)).any()
    path, mask_path = ce.make_page(COLOUR, "spliced-line", 0, tmp_path)
    assert mask_path is not None and path.suffix == ".jpg"
    mask = np.asarray(Image.open(mask_path)) > 0
    assert np.array_equal(mask, _boxes_mask(edited.shape, boxes))
    with Image.open(path) as im:
        assert im.mode == "RGB" and im.quantization == _tables(edited, COLOUR.saves[-1])
