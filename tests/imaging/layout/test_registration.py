from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from workbench.imaging.layout.registration import register, transform_box, warp_to

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def gray(relative: str) -> np.ndarray:
    return np.array(Image.open(SAMPLES / relative).convert("L"))


@pytest.fixture(scope="module")
def exemplar() -> np.ndarray:
    return gray("exemplars/exemplar_01.png")


def similarity(shape: tuple[int, int], angle: float, scale: float, shift: tuple[float, float]):
    h, w = shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    m[:, 2] += shift
    return m


def test_recovers_a_known_similarity_transform(exemplar: np.ndarray) -> None:
    m = similarity(exemplar.shape, 1.5, 0.97, (30.0, -18.0))
    moved = cv2.warpAffine(exemplar, m, exemplar.shape[::-1], borderValue=255)
    reg = register(moved, exemplar)
    assert reg.registered, reg.reason
    # register maps moved -> exemplar, the inverse of m.
    inv = cv2.invertAffineTransform(m)
    for x, y in [(100, 100), (1600, 200), (900, 2300)]:
        got = reg.matrix @ np.array([x, y, 1.0])
        want = inv @ np.array([x, y, 1.0])
        assert np.hypot(*(got - want)) < 3.0
    assert reg.rotation_deg is not None and abs(reg.rotation_deg + 1.5) < 0.2  # undoes +1.5


def test_registers_two_letters_of_one_template(exemplar: np.ndarray) -> None:
    reg = register(gray("genuine/control_01.png"), exemplar)
    assert reg.registered and reg.inliers >= 40
    assert reg.scale is not None and abs(reg.scale - 1.0) < 0.01
    assert "agree" in reg.reason


def test_registers_a_half_resolution_colour_copy(exemplar: np.ndarray) -> None:
    rgb = np.array(Image.open(SAMPLES / "questioned/letter_1380-02-24.jpg").convert("RGB"))
    reg = register(rgb, exemplar)
    assert reg.registered, reg.reason
    # 150 dpi onto 300 dpi: the full-resolution matrix doubles lengths.
    assert math.hypot(reg.matrix[0, 0], reg.matrix[1, 0]) == pytest.approx(2.0, abs=0.03)


def test_refuses_unrelated_documents(exemplar: np.ndarray) -> None:
    reg = register(gray("lists/names_149_scan.jpg"), exemplar)
    assert not reg.registered
    assert "do not appear to share a template" in reg.reason or "implausible" in reg.reason
    assert reg.to_dict()["registered"] is False


def test_refuses_a_blank_page(exemplar: np.ndarray) -> None:
    reg = register(np.full((800, 600), 250, np.uint8), exemplar)
    assert not reg.registered and reg.matrix is None and reg.reason


def test_warp_and_box_mapping_agree(exemplar: np.ndarray) -> None:
    m = similarity(exemplar.shape, 0.0, 1.0, (40.0, 25.0))
    moved = warp_to(exemplar, m, exemplar.shape)
    assert moved.shape == exemplar.shape and moved[0, 0] == 255
    assert transform_box((100, 200, 50, 60), m) == (140, 225, 50, 60)
