from __future__ import annotations

import numpy as np
import pytest

from workbench.imaging.blocks import regions_from_mask, robust_zscore, upsample_blocks
from workbench.imaging.forensic.fusion import TEXT_SHOWN, TRIM_MARGIN, fuse_maps, tamper_score


def test_fused_heatmap_is_the_weighted_maximum() -> None:
    a = np.zeros((4, 4))
    a[0, 0] = 1.0
    b = np.zeros((2, 2))
    b[1, 1] = 0.5  # a coarser map is stretched to the page
    heat = fuse_maps({"clone": a, "noise": b}, (4, 4), {"clone": 1.0, "noise": 0.8})
    assert heat.dtype == np.uint8 and heat.shape == (4, 4)
    assert heat[0, 0] == 255 and heat[3, 3] == round(0.4 * 255) and heat[0, 3] == 0


def test_block_regions_around_words_with_evidence_are_trimmed_to_the_words() -> None:
    # A double-quantisation region of 12 x 40 cells around a retyped number (2 x 6 cells that
    # glyph consistency found), and another region elsewhere without any word in it.
    dq = np.zeros((60, 60))
    dq[10:22, 10:50] = 1.0
    dq[40:50, 40:50] = 1.0
    glyph = np.zeros((60, 60))
    glyph[15:17, 20:26] = 1.0
    heat = fuse_maps({"dq": dq, "glyph": glyph}, (60, 60), {"dq": 0.9, "glyph": 0.8})
    assert (heat[15:17, 20:26] >= 128).all()
    # Within the margin of the words the block map still counts, beyond it only faintly.
    margin = TRIM_MARGIN
    assert heat[15 - margin, 20 - margin] == round(0.9 * 255)
    assert 0 < heat[11, 45] < 128 and 0 < heat[20, 12] < 128
    # The region without words with evidence of their own is left as it was.
    assert (heat[40:50, 40:50] == round(0.9 * 255)).all()


def test_words_that_can_warn_are_marked_on_the_heatmap_at_their_own_strength() -> None:
    # A number at strength 0.58 (a warning of the number comparison, weight 0.8) and a paper
    # step of the same strength elsewhere: the number is marked (128 or more), the step keeps
    # its weighted strength, and so does a word too weak to warn.
    glyph = np.zeros((20, 20))
    glyph[2:4, 2:8] = 0.58
    glyph[10:12, 2:8] = TEXT_SHOWN - 0.1
    step = np.zeros((20, 20))
    step[15:18, 10:18] = 0.58
    heat = fuse_maps({"glyph": glyph, "paper_step": step}, (20, 20))
    assert (heat[2:4, 2:8] == round(0.58 * 255)).all()
    assert (heat[10:12, 2:8] == round(0.8 * (TEXT_SHOWN - 0.1) * 255)).all()
    assert (heat[15:18, 10:18] < 128).all()
    # The page score still counts the number at its weight.
    assert tamper_score({"glyph": 0.58}) == pytest.approx(0.8 * 0.58)


def test_tamper_score_is_a_noisy_or() -> None:
    assert tamper_score({}) == 0.0
    assert tamper_score({"clone": 0.0, "ghost": 0.0}) == 0.0
    one = tamper_score({"clone": 0.5}, {"clone": 1.0})
    two = tamper_score({"clone": 0.5, "ghost": 0.5}, {"clone": 1.0, "ghost": 1.0})
    assert one == pytest.approx(0.5) and two == pytest.approx(0.75)
    assert tamper_score({"clone": 7.0, "ghost": float("nan")}) == 1.0


def test_block_helpers() -> None:
    values = np.arange(6, dtype=np.float64).reshape(2, 3)
    big = upsample_blocks(values, 4, (10, 13))
    assert big.shape == (10, 13) and big[9, 12] == 5 and big[0, 4] == 1
    z = robust_zscore(np.array([1.0, 1.1, 0.9, 1.0, 9.0]))
    assert z[-1] > 10 and abs(z[0]) < 1
    mask = np.zeros((6, 6), bool)
    mask[1:3, 1:4] = True
    mask[5, 5] = True
    (box,) = regions_from_mask(mask, 16, min_blocks=2)
    assert (box.x, box.y, box.width, box.height) == (16, 16, 48, 32)
