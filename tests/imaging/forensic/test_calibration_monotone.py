"""Exemplars never make glyph consistency find more on a page than the page alone does.

An untouched letter of the development split (dev-000, template dev-a, 300-dpi grey saved at
85 then 90) with its template's three genuine letters as exemplars (dev-080 to dev-082): a
small word in thinner, lighter strokes is excused as lighter ink on the page alone; the
exemplars' wider darkness spread took that excuse away and left its edges and strokes to
make a warning (strength 0.76) before `calibrated_glyphs` kept to what the page alone shows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench.geometry import overlap
from workbench.imaging.forensic.calibration import calibrate_text, calibrated_glyphs
from workbench.imaging.forensic.glyphs import glyph_consistency
from workbench.imaging.words import find_words

pytestmark = [pytest.mark.slow, NEEDS_DEV_FONTS]


def _page(index: int, tampering: str, folder: Path) -> tuple[np.ndarray, int | None]:
    entry = fc.make_entry("dev", index, tampering, "letter", 0, folder)
    return np.asarray(Image.open(folder / entry.path).convert("L")), entry.saves[-1]


def test_exemplars_find_no_word_the_page_alone_does_not(tmp_path: Path) -> None:
    gray, _ = _page(0, "none", tmp_path)
    exemplars = [_page(i, "exemplar", tmp_path) for i in (80, 81, 82)]
    calibration = calibrate_text([g for g, _ in exemplars], [q for _, q in exemplars])
    words = find_words(gray)
    alone = glyph_consistency(gray, words=words).outliers
    widened = glyph_consistency(gray, words=words, spreads=calibration.spreads).outliers
    # The exemplars' spreads alone find a word the page alone does not: the case guarded.
    new = [o for o in widened if not any(overlap(o.box.xywh, a.box.xywh) >= 0.5 for a in alone)]
    assert new and max(o.strength for o in new) >= 0.5
    kept = calibrated_glyphs(gray, words, calibration).outliers
    for o in kept:
        there = [a for a in alone if a.level == o.level and overlap(o.box.xywh, a.box.xywh) >= 0.5]
        assert there and o.strength <= max(a.strength for a in there)
    assert all(o.strength < 0.5 for o in kept)
