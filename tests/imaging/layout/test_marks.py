"""Signatures, seals and letterheads located on the sample letters, and copies told from
genuine repeated impressions."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from workbench.cases import MARK_FIELD_DIFFERENCE, MARK_SHAPE_SIMILARITY
from workbench.imaging.layout.marks import (
    Mark,
    find_marks,
    ink_field_difference,
    patch_similarity,
    region_patch,
)

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
ZONES = {
    "signature_zone": (0.0, 0.55, 0.6, 0.92),
    "seal_zone": (0.0, 0.55, 0.9, 0.95),
    "letterhead_zone": (0.55, 0.0, 1.0, 0.2),
}


def page(path: str) -> np.ndarray:
    return np.asarray(Image.open(SAMPLES / path).convert("L"))


def marks(path: str) -> dict[str, Mark]:
    return {m.kind: m for m in find_marks(page(path), **ZONES)}


def copy_like(kind: str, a: np.ndarray, b: np.ndarray) -> bool:
    field = ink_field_difference(a, b)
    return patch_similarity(a, b) >= MARK_SHAPE_SIMILARITY[kind] and (
        not np.isfinite(field) or field <= MARK_FIELD_DIFFERENCE[kind]
    )


@pytest.fixture(scope="module")
def letters() -> dict[str, dict[str, Mark]]:
    names = ["exemplars/exemplar_01.png", "exemplars/exemplar_02.png", "exemplars/exemplar_03.png"]
    return {n: marks(n) for n in [*names, "tampered/t01_splice_signature.png"]}


def test_marks_are_found_where_the_letter_puts_them(letters: dict[str, dict[str, Mark]]) -> None:
    found = letters["exemplars/exemplar_01.png"]
    assert set(found) == {"signature", "seal", "letterhead"}
    sx, sy, sw, sh = found["seal"].box  # the samples stamp the seal around (850, 1920)
    assert abs(sx + sw / 2 - 850) < 40 and abs(sy + sh / 2 - 1920) < 40
    x, y, w, h = found["signature"].box  # and sign inside (190, 1735)-(610, 1925)
    assert x >= 180 and y >= 1725 and x + w <= 620 and y + h <= 1935
    lx, ly, _, _ = found["letterhead"].box
    assert lx > 0.55 * 1748 and ly < 0.2 * 2480
    assert all(m.patch.shape == (128, 128) for m in found.values())
    assert find_marks(np.full((2480, 1748), 250, np.uint8), **ZONES) == []


def test_a_pasted_signature_is_a_copy_and_genuine_signatures_are_not(
    letters: dict[str, dict[str, Mark]],
) -> None:
    spliced = letters["tampered/t01_splice_signature.png"]["signature"].patch
    donor = letters["exemplars/exemplar_02.png"]["signature"].patch
    assert copy_like("signature", spliced, donor)
    own = [letters[f"exemplars/exemplar_0{i}.png"]["signature"].patch for i in (1, 2, 3)]
    assert not copy_like("signature", own[0], own[1])
    assert not copy_like("signature", own[1], own[2])


def test_seals_stamped_on_two_letters_differ_but_a_rescaled_copy_does_not(
    letters: dict[str, dict[str, Mark]],
) -> None:
    one = letters["exemplars/exemplar_01.png"]["seal"]
    two = letters["exemplars/exemplar_03.png"]["seal"]
    assert not copy_like("seal", one.patch, two.patch)
    # a forger's copy: the seal's pixels pasted at 70% and saved as JPEG 75
    source = page("exemplars/exemplar_01.png")
    x, y, w, h = one.box
    pasted = cv2.resize(source[y : y + h, x : x + w], None, fx=0.7, fy=0.7)
    ok, data = cv2.imencode(".jpg", pasted, [cv2.IMWRITE_JPEG_QUALITY, 75])
    assert ok
    copy = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    patch = region_patch(copy, (0, 0, copy.shape[1], copy.shape[0]))
    assert patch is not None and copy_like("seal", one.patch, patch)


@pytest.mark.parametrize("shape", [(1, 1), (1, 2000), (2000, 1)])
def test_a_page_too_small_for_its_zones_has_no_marks(shape: tuple[int, int]) -> None:
    # A page a pixel high rounds the signature and letterhead zones to no pixels at all.
    ink = np.zeros(shape, np.uint8)
    assert find_marks(ink, **ZONES) == []
