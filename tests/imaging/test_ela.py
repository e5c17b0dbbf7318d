from __future__ import annotations

import numpy as np

from tests.forensic_fixtures import jpeg, scene, texture
from workbench.imaging.ela import (
    error_level,
    error_level_anomaly,
    error_level_display,
    jpeg_roundtrip,
)


def test_roundtrip_keeps_shape_and_changes_little() -> None:
    img = texture((128, 160), seed=1)
    again = jpeg_roundtrip(img, 90)
    assert again.shape == img.shape and again.dtype == np.uint8
    assert 0 < np.abs(again.astype(int) - img).mean() < 4


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
