"""Exemplars never make glyph consistency find more on a page than the page alone does.

An untouched letter of the development split (dev-000, template dev-a, 300-dpi grey saved at
85 then 90) with its template's three genuine letters as exemplars (dev-080 to dev-082) got a
warning (0.76) on a small "word" in thinner, lighter strokes: on the page alone it was excused
as lighter ink, and the exemplars' wider darkness spread took that excuse away and left its
edges and strokes. (That word was the outlined box a font draws for a missing glyph, which is
no longer judged as a word at all; any excuse could be lost the same way.) `calibrated_glyphs`
keeps only what the page alone shows at the same place, at most as strong.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import workbench.imaging.forensic.calibration as calibration_module
from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench.geometry import Box, overlap
from workbench.imaging.forensic.calibration import (
    TextCalibration,
    calibrate_text,
    calibrated_glyphs,
)
from workbench.imaging.forensic.glyphs import GlyphOutlier, GlyphScan, glyph_consistency
from workbench.imaging.words import find_words


def _page(index: int, tampering: str, folder: Path) -> tuple[np.ndarray, int | None]:
    entry = fc.make_entry("dev", index, tampering, "letter", 0, folder)
    return np.asarray(Image.open(folder / entry.path).convert("L")), entry.saves[-1]


@pytest.mark.slow
@NEEDS_DEV_FONTS
def test_calibrated_outliers_are_the_page_alones(tmp_path: Path) -> None:
    exemplars = [_page(i, "exemplar", tmp_path) for i in (80, 81, 82)]
    calibration = calibrate_text([g for g, _ in exemplars], [q for _, q in exemplars])
    assert calibration.spreads
    for index, tampering in ((0, "none"), (48, "retyped-digits")):
        gray, _ = _page(index, tampering, tmp_path)
        words = find_words(gray)
        alone = glyph_consistency(gray, words=words).outliers
        for o in calibrated_glyphs(gray, words, calibration).outliers:
            there = [a for a in alone if overlap(o.box.xywh, a.box.xywh) >= 0.5]
            assert there and o.strength <= max(a.strength for a in there)


def _outlier(x: int, y: int, w: int, h: int, strength: float, level: str) -> GlyphOutlier:
    return GlyphOutlier(Box(x, y, w, h, strength), level, {"sharpness": {"z": 5.0}})


def test_only_places_the_page_alone_shows_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # With the exemplars' spreads: a word inside a line the page alone flags (kept, capped
    # at the line's strength) and a word the page alone does not flag (dropped).
    alone = [_outlier(100, 100, 900, 40, 0.4, "line")]
    widened = [
        _outlier(500, 100, 60, 40, 0.8, "word"),
        _outlier(300, 400, 60, 40, 0.9, "word"),
    ]

    def fake(gray: np.ndarray, *, words: object, spreads: object = None) -> GlyphScan:
        return GlyphScan([], widened if spreads else alone, 0)

    monkeypatch.setattr(calibration_module, "glyph_consistency", fake)
    calibration = TextCalibration(3, {"darkness": 0.1}, {}, {})
    gray = np.full((600, 1200), 230, np.uint8)
    kept = calibrated_glyphs(gray, find_words(gray), calibration).outliers
    assert [(o.box.x, o.box.y, round(o.strength, 2)) for o in kept] == [(500, 100, 0.4)]
