"""Page fingerprints on the sample letters: copies stay close, different letters stay apart."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workbench.case_pages import AGREEING_SHARE, BODY_INLIERS, HASH_MATCH_BITS, MIN_INKED_BLOCKS
from workbench.imaging.fingerprint import (
    HASH_BANDS,
    Features,
    decode_thumb,
    encode_thumb,
    hash_bands,
    hash_distances,
    match_pages,
    match_pair,
    page_features,
    page_hash,
    page_thumb,
)
from workbench.imaging.page_overlap import overlap_agreement

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


def _agreement(query: Image.Image, stored: Image.Image) -> tuple[float, int, float]:
    match = match_pair(page_features(gray(query)), page_features(gray(stored)))
    assert match is not None  # verified keypoints: the case the pixels must settle
    thumbs = [decode_thumb(encode_thumb(page_thumb(gray(i)))) for i in (query, stored)]
    found = overlap_agreement(thumbs[0], thumbs[1], match.matrix)
    return found.share, found.inked, found.covered


def test_a_crop_from_two_sides_agrees_pixel_by_pixel(letters: list[Image.Image]) -> None:
    first = letters[0]
    w, h = first.size
    # 20% cut from the top and the left (36% of the page gone), rescaled to 60%, JPEG 60
    cropped = first.crop((int(0.2 * w), int(0.2 * h), w, h))
    copy = jpeg(cropped.resize((cropped.width * 6 // 10, cropped.height * 6 // 10)), 60)
    share, inked, covered = _agreement(copy, first)
    assert share >= AGREEING_SHARE and inked >= MIN_INKED_BLOCKS
    assert covered > 0.95  # all of the crop lies on its original


def test_letters_sharing_paragraphs_do_not_agree_pixel_by_pixel() -> None:
    # two sample letters of one template whose keypoints verify (the generator fills both
    # from one pool of paragraphs), and two that share only the template
    pairs = [
        ("exemplars/exemplar_03.png", "tampered/t03_retype_date.png"),
        ("exemplars/exemplar_01.png", "exemplars/exemplar_03.png"),
    ]
    for a, b in pairs:
        share, inked, covered = _agreement(Image.open(SAMPLES / a), Image.open(SAMPLES / b))
        assert inked >= MIN_INKED_BLOCKS and covered > 0.9
        assert share < AGREEING_SHARE - 0.1, (a, b, share)


def test_hash_bands_find_every_hash_within_the_band_count() -> None:
    rng = np.random.default_rng(3)
    base = rng.integers(0, 2, 256)
    for _ in range(50):
        other = base.copy()
        other[rng.choice(256, HASH_BANDS - 1, replace=False)] ^= 1
        a, b = (np.packbits(v).tobytes().hex() for v in (base, other))
        assert hash_distances(a, [b])[0] == HASH_BANDS - 1
        assert any(x == y for x, y in zip(hash_bands(a), hash_bands(b), strict=True))
    assert len(hash_bands("f" * 64)) == HASH_BANDS
    # so the indexed look-up finds every page the hash rule would match
    assert HASH_BANDS - 1 >= HASH_MATCH_BITS
