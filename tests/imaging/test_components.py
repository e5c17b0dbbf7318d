"""Connected components by Grana's table: the labels and statistics of OpenCV's default."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from workbench.imaging.components import components_with_stats
from workbench.imaging.layout.template import ink_mask

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.mark.parametrize(
    "relative",
    [
        "exemplars/exemplar_01.png",
        "questioned/letter_1380-02-24.jpg",
        "tampered/t02_clone_seal.png",
    ],
)
def test_same_labels_and_statistics_as_opencv_default(relative: str) -> None:
    gray = np.array(Image.open(SAMPLES / relative).convert("L"))
    ink = ink_mask(gray).astype(np.uint8)
    smeared = cv2.dilate(ink, np.ones((9, 6), np.uint8))
    for binary in (ink, smeared, np.ascontiguousarray(ink[::7, ::5])):
        count, labels, stats, centroids = components_with_stats(binary)
        expected = cv2.connectedComponentsWithStats(binary, connectivity=8)
        assert count == expected[0] > 50  # a real page: many glyphs and words
        np.testing.assert_array_equal(labels, expected[1])
        np.testing.assert_array_equal(stats, expected[2])
        np.testing.assert_array_equal(centroids, expected[3])


def test_blank_image_has_only_the_background() -> None:
    count, labels, stats, _ = components_with_stats(np.zeros((40, 60), np.uint8))
    assert count == 1
    assert not labels.any()
    assert stats[0, cv2.CC_STAT_AREA] == 40 * 60


def test_an_empty_image_has_only_the_background() -> None:
    for shape in ((0, 60), (40, 0), (0, 0)):
        count, labels, stats, _ = components_with_stats(np.zeros(shape, np.uint8))
        assert count == 1
        assert labels.shape == shape and labels.dtype == np.int32
        assert stats.shape == (1, 5) and stats[0, cv2.CC_STAT_AREA] == 0
