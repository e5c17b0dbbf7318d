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
