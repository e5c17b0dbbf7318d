"""Double-compression evidence on images compressed once and twice on the same grid."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.support.forensic_fixtures import textured
from tests.support.scanned import scanned_letter
from workbench.formats.jpeg import parse_jpeg
from workbench.imaging.forensic.double_jpeg import block_dct, double_compression_evidence


def save(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def resave(data: bytes, quality: int) -> bytes:
    return save(Image.open(io.BytesIO(data)).convert("RGB"), quality)


def score(data: bytes) -> float:
    image = Image.open(io.BytesIO(data))
    image.draft("YCbCr", image.size)
    luminance = np.asarray(image)[..., 0]
    table = parse_jpeg(data).quantization_tables[0]
    result = double_compression_evidence(luminance, table)
    assert result.score is not None
    return result.score


def test_block_dct_matches_opencv() -> None:
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 256, (24, 41)).astype(np.float32)
    coeffs = block_dct(gray)
    assert coeffs.shape == (3, 5, 8, 8)
    expected = cv2.dct(np.ascontiguousarray(gray[8:16, 16:24]) - 128)
    assert np.allclose(coeffs[1, 2], expected, atol=1e-3)


@pytest.mark.parametrize("seed", [0, 1])
def test_separates_single_from_double(seed: int) -> None:
    image = textured(seed)
    once = score(save(image, 85))
    twice = score(resave(save(image, 60), 85))
    assert once < 0.15 < twice


def test_letter_recompressed_like_a_publisher() -> None:
    # A scan saved at 70, then recompressed at 85: the questioned letter's history.
    page = scanned_letter()
    assert score(save(page, 85)) < 0.15 < score(resave(save(page, 70), 85))


def test_flat_image_gives_no_score() -> None:
    flat = Image.new("RGB", (256, 256), (240, 240, 235))
    data = save(flat, 80)
    image = Image.open(io.BytesIO(data)).convert("L")
    result = double_compression_evidence(np.asarray(image), parse_jpeg(data).quantization_tables[0])
    assert result.score is None and result.analysed == ()
