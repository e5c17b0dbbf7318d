from __future__ import annotations

import numpy as np

from tests.support.forensic_fixtures import jpeg, scene
from workbench.imaging.forensic.ghost import (
    ghost_curves,
    ghost_strength,
    jpeg_ghost,
    page_quality_estimate,
)


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
