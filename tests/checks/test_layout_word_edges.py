"""The layout check's edge-sharpness comparison with exemplars, on real rendered letters.

A letter of the independent corpus's development split with its date erased and typed again
straight into the scan (``benchmarks/forensic_corpus.py``, as its page 48 is made: a 300-dpi
grey scan whose genuine type carries the scan's blur), compared with three genuine letters of
its template: the retyped date is reported at warning for its edges, on the date itself. An
untouched letter of the same template, compared with the same exemplars, gets no such
finding. Then the measure itself: the same word's edges, blurred, measure less steep.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from workbench import analyze
from workbench.imaging.layout.word_tone import edge_sharpness
from workbench.model import Region, Severity

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import corpus_pages as cp
import forensic_corpus as fc

pytestmark = pytest.mark.skipif(
    bool(cp.missing_fonts("dev")),
    reason="the corpus fonts are not installed: " + "; ".join(cp.missing_fonts("dev")),
)


@pytest.fixture(scope="module")
def template_letters(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[fc.Entry, fc.Entry, list[Path], Path]:
    """A letter with its date retyped, an untouched letter and three exemplars, one template."""
    folder = tmp_path_factory.mktemp("edges")
    retyped = fc.make_entry("dev", 48, "retyped-digits", "letter", 0, folder)
    untouched = fc.make_entry("dev", 0, "none", "letter", 0, folder)
    exemplars = [fc.make_entry("dev", i, "exemplar", "letter", 0, folder) for i in (80, 81, 82)]
    return retyped, untouched, [folder / e.path for e in exemplars], folder


@pytest.mark.slow
def test_retyped_date_found_by_its_edges_where_it_was_typed(
    template_letters: tuple[fc.Entry, fc.Entry, list[Path], Path],
) -> None:
    retyped, _, exemplars, folder = template_letters
    report = analyze(folder / retyped.path, references=exemplars, only=["layout"], out=None)
    ((x0, y0, x1, y1),) = retyped.boxes
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


@pytest.mark.slow
def test_untouched_letter_of_the_template_has_no_sharper_word(
    template_letters: tuple[fc.Entry, fc.Entry, list[Path], Path],
) -> None:
    _, untouched, exemplars, folder = template_letters
    report = analyze(folder / untouched.path, references=exemplars, only=["layout"], out=None)
    assert not [f for f in report.findings if f.code == "layout.word_edges"]
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]


def test_a_blurred_word_measures_less_steep_edges(
    template_letters: tuple[fc.Entry, fc.Entry, list[Path], Path],
) -> None:
    # The retyped date itself (typed into the scan, unblurred), then the same pixels blurred
    # as the scan blurred the rest of the page.
    retyped, _, _, folder = template_letters
    gray = np.asarray(Image.open(folder / retyped.path).convert("L"))
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
