"""The layout check's word-tone comparison on real rendered letters of the independent corpus.

A letter of the corpus's development split with two digits of an amount erased and typed
again (``benchmarks/forensic_corpus.py``, as its page 56 is made), and the same letter
untouched: the retyped amount is reported at warning where it was typed, and the untouched
letter gets no warning at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench import analyze
from workbench.model import Region, Severity

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import corpus_pages as cp
import forensic_corpus as fc

pytestmark = pytest.mark.skipif(
    bool(cp.missing_fonts("dev")),
    reason="the corpus fonts are not installed: " + "; ".join(cp.missing_fonts("dev")),
)


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> tuple[fc.Entry, fc.Entry, Path]:
    folder = tmp_path_factory.mktemp("letters")
    retyped = fc.make_entry("dev", 56, "retyped-digits", "letter", 1, folder)
    untouched = fc.make_entry("dev", 56, "none", "letter", 1, folder)
    assert (retyped.chain, retyped.font) == (untouched.chain, untouched.font)  # one letter
    return retyped, untouched, folder


def test_retyped_amount_found_at_warning_where_it_was_typed(
    letters: tuple[fc.Entry, fc.Entry, Path],
) -> None:
    retyped, _, folder = letters
    report = analyze(folder / retyped.path, only=["layout"], out=None)
    found = [f for f in report.findings if f.code == "layout.word_tone"]
    assert found, [f.code for f in report.findings]
    ((x0, y0, x1, y1),) = retyped.boxes
    truth = Region(x0, y0, x1 - x0, y1 - y0)
    (hit,) = [f for f in found if f.regions[0].intersection(truth) > 0]
    assert hit.severity == Severity.WARNING
    word = hit.regions[0]
    # The word region lies on the retyped amount, not elsewhere on its line.
    assert word.intersection(truth) >= 0.5 * word.width * word.height
    assert hit.evidence["relative"] < -0.3  # darker than its line
    assert hit.evidence["compared_with"] == "line"


def test_the_same_letter_untouched_gets_no_warning(
    letters: tuple[fc.Entry, fc.Entry, Path],
) -> None:
    _, untouched, folder = letters
    report = analyze(folder / untouched.path, only=["layout"], out=None)
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    assert not [f for f in report.findings if f.code == "layout.word_tone"]
