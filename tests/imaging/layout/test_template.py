from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workbench.imaging.layout.comparison import difference_map, ink_overlay
from workbench.imaging.layout.registration import register, warp_to
from workbench.imaging.layout.template import (
    compare_block,
    ink_constancy,
    ink_mask,
    soft_ink,
    template_blocks,
)

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def gray(relative: str) -> np.ndarray:
    return np.array(Image.open(SAMPLES / relative).convert("L"))


@pytest.fixture(scope="module")
def template() -> tuple[np.ndarray, list]:
    fixed = gray("exemplars/exemplar_01.png")
    other = gray("exemplars/exemplar_02.png")
    reg = register(other, fixed)
    assert reg.registered
    fixed_ink = ink_mask(fixed)
    constancy = ink_constancy(fixed_ink, [ink_mask(warp_to(other, reg.matrix, fixed.shape))], 3)
    return fixed, template_blocks(fixed_ink, constancy)


def compare(fixed: np.ndarray, blocks: list, relative: str) -> list:
    moving = gray(relative)
    reg = register(moving, fixed)
    aligned = warp_to(moving, reg.matrix, fixed.shape)
    f_ink, m_ink = ink_mask(fixed), ink_mask(aligned)
    fs, ms = soft_ink(f_ink, 2.0), soft_ink(m_ink, 2.0)
    return [compare_block(b, fixed, aligned, fs, ms, m_ink, search=70) for b in blocks]


def test_template_keeps_the_letterhead_and_drops_the_body(template) -> None:
    fixed, blocks = template
    h, w = fixed.shape
    centres = [((b.box[0] + b.box[2] / 2) / w, (b.box[1] + b.box[3] / 2) / h) for b in blocks]
    assert any(x > 0.7 and y < 0.12 for x, y in centres)  # emblem / letterhead
    # The body (y between 0.35 and 0.6) differs between letters: at most a stray phrase.
    assert sum(1 for _, y in centres if 0.35 < y < 0.6) <= 2


def test_moved_letterhead_is_measured(template) -> None:
    fixed, blocks = template
    moved = [
        r
        for r in compare(fixed, blocks, "tampered/t08_letterhead_shift.png")
        if r.status == "moved"
    ]
    assert moved
    emblem = min(moved, key=lambda r: r.block.box[1])
    assert emblem.scale == pytest.approx(1.07, abs=0.015)
    assert emblem.shift[0] == pytest.approx(-24, abs=4)


def test_untampered_letter_keeps_its_template(template) -> None:
    fixed, blocks = template
    results = compare(fixed, blocks, "genuine/control_01.png")
    assert not [r for r in results if r.status == "moved"]


def test_overlay_colours_and_difference_map() -> None:
    a = np.zeros((10, 10), bool)
    b = np.zeros((10, 10), bool)
    a[2, 2] = b[2, 2] = True
    a[5, 5] = True
    b[7, 7] = True
    out = ink_overlay(a, b)
    assert tuple(out[2, 2]) == (0, 0, 0) and tuple(out[0, 0]) == (255, 255, 255)
    assert out[5, 5, 0] > out[5, 5, 2] and out[7, 7, 2] > out[7, 7, 0]
    diff = difference_map(soft_ink(a, 1), soft_ink(b, 1), [(1, 1, 3, 3)])
    assert diff.shape == (10, 10, 3) and diff.dtype == np.uint8
