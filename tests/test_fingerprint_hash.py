"""The page hash is `imagehash.phash` (``hash_size=16``), computed without scipy."""

from __future__ import annotations

from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image

from workbench.imaging.fingerprint import HASH_SIZE, page_hash

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _phash(gray: np.ndarray) -> str:
    return str(imagehash.phash(Image.fromarray(gray), hash_size=HASH_SIZE))


@pytest.mark.parametrize(
    "path", sorted(SAMPLES.rglob("*.jpg")) + sorted(SAMPLES.rglob("*.png")), ids=lambda p: p.name
)
def test_same_hash_as_imagehash_on_the_samples(path: Path) -> None:
    gray = np.asarray(Image.open(path).convert("L"))
    assert page_hash(gray) == _phash(gray)


def test_same_hash_on_blank_smooth_and_symmetric_pages() -> None:
    white = np.full((1000, 700), 255, np.uint8)
    gradient = np.tile(np.linspace(0, 255, 700).astype(np.uint8), (1000, 1))
    square = white.copy()
    square[300:500, 250:450] = 0
    stripes = white.copy()
    stripes[::2] = 0
    noise = np.random.default_rng(0).integers(0, 256, (517, 389), dtype=np.uint8)
    for gray in (white, np.zeros((9, 9), np.uint8), gradient, gradient.T.copy(), square, stripes):
        assert page_hash(gray) == _phash(gray)
    assert page_hash(noise) == _phash(noise)
