"""The layout check's word-tone comparisons on real rendered letters of the independent corpus.

A letter of the corpus's development split with two digits of an amount erased and typed
again (``benchmarks/forensic_corpus.py``, as its page 56 is made), and the same letter
untouched: the retyped amount is reported at warning where it was typed, and the untouched
letter gets no warning at all. Then a letter with its date retyped (its page 48), compared
with three genuine letters of its template, and an untouched letter of the same template.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.conftest import TemplateLetters
from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench import analyze
from workbench.model import Region, Severity

pytestmark = NEEDS_DEV_FONTS


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> tuple[fc.Entry, fc.Entry, Path]:
    folder = tmp_path_factory.mktemp("letters")
    retyped = fc.make_entry("dev", 56, "retyped-digits", "letter", 1, folder, plain_retype=True)
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


@pytest.mark.slow
def test_retyped_date_found_against_the_exemplars_line(template_letters: TemplateLetters) -> None:
    # The date's line holds two words (label and date), too few to be judged on the page
    # alone; the exemplars show how far apart its words' tones are on genuine letters.
    report = template_letters.retyped_report
    ((x0, y0, x1, y1),) = template_letters.retyped.boxes
    truth = Region(x0, y0, x1 - x0, y1 - y0)
    found = [
        f
        for f in report.findings
        if f.code == "layout.word_tone" and f.evidence.get("compared_with") == "exemplars"
    ]
    assert [f.severity for f in found] == [Severity.WARNING]
    assert found[0].regions[0].intersection(truth) > 0
    assert all(h["tone_step"] >= 30 for h in found[0].evidence["exemplars"])


@pytest.mark.slow
def test_untouched_letter_of_the_template_gets_no_warning_against_the_exemplars(
    template_letters: TemplateLetters,
) -> None:
    # Neither its words' tones nor its sharpest words' edges (`layout.word_edges`) warn.
    findings = template_letters.untouched_report.findings
    assert not [f for f in findings if f.severity >= Severity.WARNING]
    assert not [f for f in findings if f.code in {"layout.word_tone", "layout.word_edges"}]


@pytest.mark.slow
def test_retyped_number_alone_on_its_line_found_against_the_exemplars(
    tmp_path_factory: pytest.TempPathFactory, template_letters: TemplateLetters
) -> None:
    # The corpus's page 58: a number retyped on a line of one word, which neither the page's
    # lines nor the tone range of the exemplars' line can judge. Its word is darker than the
    # same line's word in every exemplar, once the pages' overall tone difference is removed.
    exemplars = template_letters.exemplars
    folder = tmp_path_factory.mktemp("alone")
    retyped = fc.make_entry("dev", 58, "retyped-digits", "letter", 0, folder, plain_retype=True)
    report = analyze(folder / retyped.path, references=exemplars, only=["layout"], out=None)
    ((x0, y0, x1, y1),) = retyped.boxes
    truth = Region(x0, y0, x1 - x0, y1 - y0)
    warnings = [f for f in report.findings if f.severity >= Severity.WARNING]
    assert [f.code for f in warnings] == ["layout.word_tone"]
    (hit,) = warnings
    assert hit.evidence["compared_with"] == "exemplars"
    word = hit.regions[0]
    assert word.label == "word"
    assert word.intersection(truth) >= 0.5 * word.width * word.height
    shifts = [h["tone_shift"] for h in hit.evidence["exemplars"]]
    assert len(shifts) == 3
    assert all(s["direction"] == "darker" and s["darker"] >= 20 for s in shifts)
