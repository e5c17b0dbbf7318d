from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tests.support.text_pages import LETTER_LINES, render_page
from workbench.imaging.recognition.ocr_preprocess import (
    Steps,
    estimate_skew,
    estimate_text_height,
    looks_sideways,
    prepare_for_ocr,
    rescale,
    rotate_right_angle,
    warp,
)


def gray_page(size: int = 44) -> np.ndarray:
    return np.asarray(render_page(LETTER_LINES, size=size, width=size * 42).convert("L"))


def apply(affine: np.ndarray, x: float, y: float) -> tuple[float, float]:
    out = affine @ np.array([x, y, 1.0])
    return float(out[0]), float(out[1])


def test_text_height_follows_the_type_size() -> None:
    small, large = estimate_text_height(gray_page(22)), estimate_text_height(gray_page(88))
    assert small is not None and large is not None
    assert 3.4 < large / small < 4.6
    assert estimate_text_height(np.full((300, 300), 255, np.uint8)) is None


@pytest.mark.parametrize("angle", [-2.0, 1.2, 3.5])
def test_skew_is_measured(angle: float) -> None:
    page = Image.fromarray(gray_page()).rotate(angle, fillcolor=255, expand=True)
    assert estimate_skew(np.asarray(page)) == pytest.approx(angle, abs=0.25)


def test_level_page_has_no_skew() -> None:
    assert estimate_skew(gray_page()) == 0.0
    assert estimate_skew(np.full((200, 200), 255, np.uint8)) == 0.0


def test_sideways_pages_are_noticed() -> None:
    page = gray_page()
    assert not looks_sideways(page)
    assert looks_sideways(np.rot90(page).copy())


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_right_angle_rotation_maps_back(degrees: int) -> None:
    page = np.zeros((30, 50), np.uint8)
    page[5, 40] = 255
    turned, to_source = rotate_right_angle(page, degrees)
    ys, xs = np.nonzero(turned)
    assert apply(to_source, xs[0], ys[0]) == pytest.approx((40, 5), abs=1.01)


def test_rescale_maps_back() -> None:
    page = np.full((100, 200), 255, np.uint8)
    bigger, to_source = rescale(page, 2.0)
    assert bigger.shape == (200, 400)
    assert apply(to_source, 300, 150) == pytest.approx((150, 75))


def test_warp_maps_back() -> None:
    page = np.full((100, 200), 255, np.uint8)
    page[20:24, 150:154] = 0
    turned, to_source = warp(page, 3.0, 1.5)
    assert turned.shape == (150, 300)
    ys, xs = np.nonzero(turned < 128)
    x, y = apply(to_source, xs.mean(), ys.mean())
    assert (x, y) == pytest.approx((151.5, 21.5), abs=1.0)


def test_prepare_rescales_small_type_and_records_steps() -> None:
    page = gray_page(16)
    prepared = prepare_for_ocr(page)
    assert prepared.steps["scale"] > 1.25
    assert abs(prepared.image.shape[1] - page.shape[1] * prepared.steps["scale"]) < 2
    # The map back sends the prepared image's far corner to the page's.
    h, w = prepared.image.shape
    assert apply(prepared.to_page, w, h) == pytest.approx((page.shape[1], page.shape[0]), abs=1)
    assert prepare_for_ocr(gray_page(16), steps=Steps.none()).steps == {}
