from __future__ import annotations

import numpy as np
import pytest

from tests.support.forensic_fixtures import jpeg, scene, texture
from workbench.imaging.forensic.ela import (
    _level_percentile,
    error_level,
    error_level_anomaly,
    error_level_display,
    error_levels,
    jpeg_roundtrip,
)


def test_roundtrip_keeps_shape_and_changes_little() -> None:
    img = texture((128, 160), seed=1)
    again = jpeg_roundtrip(img, 90)
    assert again.shape == img.shape and again.dtype == np.uint8
    assert 0 < np.abs(again.astype(int) - img).mean() < 4


def test_grayscale_roundtrip_matches_pillow_at_every_ghost_quality() -> None:
    # JPEG ghosts and their quality estimates were calibrated on Pillow's codec; OpenCV's
    # must give the same pixels for the switch to change nothing.
    img = scene((96, 136), seed=4)
    for quality in (50, 60, 70, 75, 80, 85, 90, 95):
        assert np.array_equal(jpeg_roundtrip(img, quality), jpeg(img, quality))


def test_error_level_is_normalised_and_colour_aware() -> None:
    rgb = np.dstack([texture((64, 64), seed=s) for s in range(3)])
    ela = error_level(rgb, 90)
    assert ela.shape == (64, 64) and ela.dtype == np.float32
    assert ela.min() >= 0.0 and ela.max() <= 1.0 and ela.mean() > 0
    view = error_level_display(ela)
    assert view.dtype == np.uint8 and view.max() == 255


def test_region_saved_at_another_quality_stands_out() -> None:
    img = scene((256, 256), seed=2)
    tampered = img.copy()
    # A grid-aligned patch that went through JPEG at quality 60 before being pasted.
    tampered[64:160, 96:192] = jpeg(img, 60)[64:160, 96:192]
    ela = error_level(tampered, 90)
    inside, outside = ela[72:152, 104:184].mean(), ela[200:, :].mean()
    assert inside < 0.6 * outside  # already quantised: it changes less when saved again
    z, valid = error_level_anomaly(ela, tampered, 16)
    assert valid[5:9, 7:11].all()
    assert np.median(np.abs(z[5:9, 7:11])) > 4  # blocks fully inside the patch
    assert np.abs(z[13:, :]).max() < 4  # untouched rows


def test_flat_page_gives_no_anomaly() -> None:
    flat = np.full((64, 64), 200, np.uint8)
    z, valid = error_level_anomaly(error_level(flat), flat, 16)
    assert not valid.any() and not z.any()


def test_levels_and_floats_give_the_same_maps() -> None:
    page = jpeg(scene((300, 200), seed=5), 85)  # taller than one strip of the anomaly map
    levels, floats = error_levels(page, 90), error_level(page, 90)
    assert levels.dtype == np.uint8 and np.array_equal(levels / np.float32(255), floats)
    assert np.array_equal(error_level_display(levels), error_level_display(floats))
    z_levels, valid_levels = error_level_anomaly(levels, page)
    z_floats, valid_floats = error_level_anomaly(floats, page)
    assert np.array_equal(valid_levels, valid_floats)
    np.testing.assert_allclose(z_levels, z_floats, atol=1e-6)


def test_level_percentile_is_numpys() -> None:
    levels = np.random.default_rng(2).integers(0, 12, (37, 53)).astype(np.uint8)
    for percentile in (0.0, 37.5, 50.0, 99.5, 100.0):
        assert _level_percentile(levels, percentile) == pytest.approx(
            float(np.percentile(levels, percentile))
        )
