"""Page fingerprints on the sample letters: copies stay close, different letters stay apart."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workbench.cases import BODY_INLIERS, HASH_MATCH_BITS
from workbench.imaging.fingerprint import (
    Features,
    hash_distances,
    match_pages,
    page_features,
    page_hash,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


@pytest.fixture(scope="module")
def letters() -> list[Image.Image]:
    return [Image.open(SAMPLES / "exemplars" / f"exemplar_0{i}.png").convert("L") for i in (1, 2)]


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def test_hash_survives_resaving_and_rescaling_but_not_another_letter(
    letters: list[Image.Image],
) -> None:
    first, second = letters
    w, h = first.size
    copies = [
        jpeg(first, 50),
        first.resize((w // 2, h // 2)),
        jpeg(first.resize((w * 3 // 4, h * 3 // 4)), 70),
    ]
    distances = hash_distances(page_hash(gray(first)), [page_hash(gray(c)) for c in copies])
    assert distances.max() <= HASH_MATCH_BITS
    other = hash_distances(page_hash(gray(first)), [page_hash(gray(second))])
    assert other[0] > 2 * HASH_MATCH_BITS
    assert len(page_hash(gray(first))) == 64


def test_keypoints_find_a_crop_and_not_a_letter_of_the_same_template(
    letters: list[Image.Image],
) -> None:
    first, second = letters
    w, h = first.size
    cropped = jpeg(first.crop((0, int(0.2 * h), w, h)).resize((w // 2, h * 2 // 5)), 80)
    query = page_features(gray(cropped))
    found = match_pages(query, [page_features(gray(first)), page_features(gray(second))])
    assert found[0] is not None and found[0].body_inliers >= BODY_INLIERS
    assert found[1] is None or found[1].body_inliers < BODY_INLIERS
    # the crop started 20% down the page, so its top falls there on the original
    assert found[0].offset[1] == pytest.approx(0.2, abs=0.03)


def test_features_round_trip_through_the_report_text(letters: list[Image.Image]) -> None:
    features = page_features(gray(letters[0]))
    again = Features.from_text(features.to_text())
    assert again.descriptors.shape == features.descriptors.shape == (500, 32)
    assert np.array_equal(again.descriptors, features.descriptors)
    assert np.abs(again.points - features.points).max() <= 0.5
    blank = page_features(np.full((400, 300), 255, np.uint8))
    assert len(blank.descriptors) == 0
    assert match_pages(blank, [features]) == [None]
