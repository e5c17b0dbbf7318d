"""The layout check's edge-sharpness comparison with exemplars, on real rendered letters.

A letter of the independent corpus's development split with its date erased and typed again
straight into the scan (``benchmarks/forensic_corpus.py``, as its page 48 is made: a 300-dpi
grey scan whose genuine type carries the scan's blur), compared with three genuine letters of
its template: the retyped date is reported at warning for its edges, on the date itself (the
letters and their reports are shared with the word-tone tests, `conftest.py`, whose untouched
letter of the same template gets neither finding). Then the measure itself: the same word's
edges, blurred, measure less steep.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.checks.conftest import TemplateLetters
from tests.support.corpus import NEEDS_DEV_FONTS
from workbench.imaging.layout.word_tone import edge_sharpness
from workbench.model import Region, Severity

pytestmark = NEEDS_DEV_FONTS


@pytest.mark.slow
def test_retyped_date_found_by_its_edges_where_it_was_typed(
    template_letters: TemplateLetters,
) -> None:
    report = template_letters.retyped_report
    ((x0, y0, x1, y1),) = template_letters.retyped.boxes
    truth = Region(x0, y0, x1 - x0, y1 - y0)
    (hit,) = [f for f in report.findings if f.code == "layout.word_edges"]
    assert hit.severity == Severity.WARNING
    word, line = hit.regions
    assert word.label == "word"
    # The ink run measured as the sharpest word starts on the retyped date and runs on
    # into its label (a space narrower than the word gap): its region is partly on it.
    assert word.intersection(truth) >= 0.3 * word.width * word.height
    assert line.intersection(truth) >= 0.8 * truth.width * truth.height
    ratios = [h["sharper"] for h in hit.evidence["exemplars"]]
    assert len(ratios) == 3
    assert all(r >= 1.17 for r in ratios)


def test_a_blurred_word_measures_less_steep_edges(template_letters: TemplateLetters) -> None:
    # The retyped date itself (typed into the scan, unblurred), then the same pixels blurred
    # as the scan blurred the rest of the page.
    retyped = template_letters.retyped
    gray = np.asarray(Image.open(template_letters.folder / retyped.path).convert("L"))
    ((x0, y0, x1, y1),) = retyped.boxes
    crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
    paper = float(np.median(crop))
    ink = crop < (paper + float(crop.min())) / 2
    tone = float(np.median(crop[ink]))
    sharp = edge_sharpness(crop, ink, paper, tone)
    blurred = cv2.GaussianBlur(crop, (0, 0), 1.0)
    soft = edge_sharpness(blurred, blurred < (paper + float(blurred.min())) / 2, paper, tone)
    assert sharp > 0
    assert soft < 0.8 * sharp
