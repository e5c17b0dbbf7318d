from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workbench.imaging.layout.template import ink_mask
from workbench.imaging.lines import (
    deskew_angle,
    group_lines,
    line_outliers,
    measure_lines,
    rotate,
    rotate_box_back,
    segment_lines,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def outlier_boxes(relative: str) -> list[tuple[int, int, int, int]]:
    gray = np.array(Image.open(SAMPLES / relative).convert("L"))
    ink = ink_mask(gray)
    angle = deskew_angle(ink)
    straight = rotate(ink.astype(np.uint8), angle) > 0
    lines = measure_lines(straight, segment_lines(straight))
    found = line_outliers(group_lines(lines, gray.shape[1]))
    return [rotate_box_back(o.line.box, angle, gray.shape) for o in found]


def overlaps(a: tuple[int, int, int, int], b: list[int]) -> bool:
    return min(a[0] + a[2], b[0] + b[2]) > max(a[0], b[0]) and min(a[1] + a[3], b[1] + b[3]) > max(
        a[1], b[1]
    )


def truth_box(name: str) -> list[int]:
    import json

    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    doc = next(d for d in manifest["documents"] if d["path"] == name)
    return list(doc["tampering"][0]["box"])


def test_finds_the_retyped_body_line_without_an_exemplar() -> None:
    boxes = outlier_boxes("tampered/t04_retype_line.png")
    truth = truth_box("tampered/t04_retype_line.png")
    assert boxes and all(overlaps(b, truth) for b in boxes)


@pytest.mark.parametrize("name", ["genuine/control_01.png", "exemplars/exemplar_02.png"])
def test_no_outlier_on_untampered_letters(name: str) -> None:
    assert outlier_boxes(name) == []


def test_deskew_recovers_a_rotation() -> None:
    gray = np.array(Image.open(SAMPLES / "exemplars/exemplar_01.png").convert("L"))
    ink = ink_mask(gray)
    base = deskew_angle(ink)
    turned = rotate(ink.astype(np.uint8), 1.5) > 0
    assert deskew_angle(turned) == pytest.approx(base - 1.5, abs=0.25)


def test_lines_are_measured_and_grouped() -> None:
    gray = np.array(Image.open(SAMPLES / "genuine/control_01.png").convert("L"))
    ink = rotate(ink_mask(gray).astype(np.uint8), deskew_angle(ink_mask(gray))) > 0
    lines = measure_lines(ink, segment_lines(ink))
    assert len(lines) >= 15
    body = max(group_lines(lines, gray.shape[1]), key=len)
    assert len(body) >= 5
    assert all(2.0 < m.stroke_width < 8.0 and m.ink_height > 10 for m in body)


def test_blank_page_has_no_lines() -> None:
    ink = np.zeros((400, 300), bool)
    assert deskew_angle(ink) == 0.0 and segment_lines(ink) == []


Group = tuple[tuple[int, int, int, int], int, np.ndarray]


def _groups_by_box(groups: list[Group]) -> dict[tuple[int, int, int, int], tuple[object, ...]]:
    return {box: (area, part.tobytes(), part.shape) for box, area, part in groups}


@pytest.mark.parametrize(
    "relative", ["questioned/letter_1380-02-24.jpg", "lists/names_149_scan.jpg"]
)
def test_banded_groups_are_the_groups_of_the_whole_page(relative: str) -> None:
    # Labelling band by band (cut at rows the smear left empty) finds the same groups, with
    # the same ink, as labelling the whole page at once.
    from workbench.imaging.lines import banded_ink_groups, ink_groups

    ink = ink_mask(np.array(Image.open(SAMPLES / relative).convert("L")))
    kernel = (3, round(ink.shape[1] * 0.025))
    whole = [(box, area, part) for _, box, area, part in ink_groups(ink, kernel)[1]]
    for band_rows in (1, 64, 512, 100_000):
        banded = banded_ink_groups(ink, kernel, band_rows=band_rows)
        assert len(banded) == len(whole) > 20
        assert _groups_by_box(banded) == _groups_by_box(whole)


def test_groups_of_more_than_16_bit_labels_are_found() -> None:
    # Specks every third pixel (111,222 of them) and a rule down the page, so that no row is
    # empty: one band, with more groups than 16-bit labels can number.
    from workbench.imaging.lines import banded_ink_groups, ink_groups

    ink = np.zeros((1000, 1000), dtype=bool)
    ink[::3, :997:3] = True
    ink[:, 999] = True
    found = banded_ink_groups(ink, (1, 1))
    assert len(found) == 333 * 334 + 1
    whole = [(box, area, part) for _, box, area, part in ink_groups(ink, (1, 1))[1]]
    assert _groups_by_box(found) == _groups_by_box(whole)


def test_ink_mask_is_otsus_threshold_of_the_smoothed_page() -> None:
    # Binarised in place, it is still "smoothed page below Otsu's threshold", as a fresh
    # comparison computes it, on a scan and on noise of every contrast.
    import cv2

    pages = [np.array(Image.open(SAMPLES / "genuine/control_01.png").convert("L"))]
    rng = np.random.default_rng(3)
    pages += [
        (rng.integers(0, 256, (97, 131)) // divisor).astype(np.uint8) for divisor in (1, 2, 5)
    ]
    for gray in pages:
        smooth = cv2.GaussianBlur(gray, (3, 3), 0)
        threshold, _ = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        ink = ink_mask(gray)
        assert ink.dtype == bool and np.array_equal(ink, smooth < threshold)
