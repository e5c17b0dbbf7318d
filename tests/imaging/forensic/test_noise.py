from __future__ import annotations

import numpy as np

from workbench.imaging.blocks import block_mean, block_sum
from workbench.imaging.forensic.noise import (
    edge_mask,
    noise_inconsistency,
    noise_residual,
    noise_sigma_map,
    noise_strength,
    residual_block_mean,
)


def noisy(shape: tuple[int, int], sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(np.rint(128 + rng.normal(0, sigma, shape)), 0, 255).astype(np.uint8)


def test_immerkaer_estimate_matches_known_noise() -> None:
    for sigma in (2.0, 5.0):
        est, valid = noise_sigma_map(noisy((256, 256), sigma), 32, edge_threshold=1e9)
        assert valid.all()
        assert abs(float(np.median(est)) - sigma) < 0.15 * sigma


def test_edges_do_not_count_as_noise() -> None:
    img = noisy((128, 128), 2.0).astype(np.int16)
    img[:, 64:] += 80  # a sharp step, as at a printed stroke
    est, valid = noise_sigma_map(np.clip(img, 0, 255).astype(np.uint8), 32)
    assert valid.all() and float(est.max()) < 3.0


def test_region_with_added_noise_is_found() -> None:
    rng = np.random.default_rng(3)
    img = noisy((512, 512), 2.0, seed=1).astype(np.float64)
    img[192:320, 256:416] += rng.normal(0, 6, (128, 160))
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    result = noise_inconsistency(img, 32)
    strength = noise_strength(result)
    assert result.z[7:9, 9:12].min() > 4  # blocks inside the noisier region
    assert strength[7:9, 9:12].min() > 0.3
    outside = np.ones_like(strength, bool)
    outside[5:11, 7:14] = False
    assert strength[outside].max() == 0


def test_uniform_page_is_quiet() -> None:
    result = noise_inconsistency(noisy((512, 512), 3.0, seed=4), 32)
    assert noise_strength(result).max() == 0


def test_strips_give_the_numbers_of_the_whole_page() -> None:
    img = noisy((600, 160), 2.0).astype(np.int16)
    img[240:300, 40:120] += 90  # strokes across a strip boundary (256)
    page = np.clip(img, 0, 255).astype(np.uint8)
    residual, flat = noise_residual(page), ~edge_mask(page, 40.0)
    total, count = block_sum(np.where(flat, residual, 0.0), 32), block_sum(flat, 32)
    sigma, valid = noise_sigma_map(page, 32)
    assert np.array_equal(valid, count >= 0.3 * 32 * 32) and (count < 32 * 32).any()
    expected = np.sqrt(np.pi / 2.0) / 6.0 * total / np.maximum(count, 1.0)
    np.testing.assert_allclose(sigma[valid], expected[valid], rtol=1e-12)
    np.testing.assert_allclose(residual_block_mean(page, 16), block_mean(residual, 16))


def test_shadows_clipped_to_black_are_not_smooth_regions() -> None:
    # A photograph's black surround or night sky has no noise left: it is left out, not
    # reported as a suspiciously smooth region.
    img = noisy((256, 256), 2.0).astype(np.int16) - 60
    img[64:192, 96:224] = 0
    page = np.clip(img, 0, 255).astype(np.uint8)
    _, valid = noise_sigma_map(page, 32)
    assert not valid[2:6, 3:7].any() and valid[:, :2].all()
    assert noise_strength(noise_inconsistency(page, 32)).max() < 0.3
    whitened = noisy((256, 256), 2.0)
    whitened[64:192, 96:224] = 255  # a patch whitened in an editor still shows
    assert noise_strength(noise_inconsistency(whitened, 32)).max() >= 0.3
