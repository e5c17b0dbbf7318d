"""A body line with nothing near it in the exemplars, judged against their whole body text.

Letters of the independent corpus's development split (``benchmarks/forensic_corpus.py``),
each compared with three genuine letters of its template. The amount of a body line was erased,
filled with paper cloned from nearby and typed again sharper than the page (its page 55); the
letter's text runs longer than two exemplars', so they have no line at the same place and no
text row within a line height of it. An untouched letter of the template (page 0) has body
lines in the same situation and gets no warning.
"""

from __future__ import annotations

import pytest

from tests.checks.conftest import TemplateLetters
from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench import analyze
from workbench.imaging.layout.word_shape import BODY_SHARPER_LIMIT
from workbench.model import Region, Severity

pytestmark = [NEEDS_DEV_FONTS, pytest.mark.slow]


def test_sharper_amount_in_a_longer_body_found_against_the_exemplars_body_text(
    tmp_path_factory: pytest.TempPathFactory, template_letters: TemplateLetters
) -> None:
    folder = tmp_path_factory.mktemp("dev-55")
    entry = fc.make_entry("dev", 55, "retyped-digits", "letter", 0, folder)
    assert entry.variant.startswith("sharper")
    report = analyze(
        folder / entry.path, references=template_letters.exemplars, only=["layout"], out=None
    )
    warnings = [f for f in report.findings if f.severity >= Severity.WARNING]
    assert [f.code for f in warnings] == ["layout.word_edges"]
    (hit,) = warnings
    ((x0, y0, x1, y1),) = entry.boxes
    word = hit.regions[0]
    assert word.label == "word"
    assert word.intersection(Region(x0, y0, x1 - x0, y1 - y0)) >= 0.5 * word.width * word.height
    figures = [h["body_sharper"] for h in hit.evidence["exemplars"]]
    assert len(figures) >= 2 and min(figures) >= BODY_SHARPER_LIMIT
    # Judged only against exemplars with no line or text row near it.
    line = hit.evidence["line"]["index"]
    matches = [
        r["match"]
        for c in report.results["layout"]["comparisons"]
        for r in c["lines"]
        if r["line"] == line
    ]
    assert matches.count("body") == len(figures)


def test_untouched_letter_s_body_lines_with_nothing_near_them_stay_below_the_limit(
    template_letters: TemplateLetters,
) -> None:
    report = template_letters.untouched_report
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    judged = [
        r["body_sharper"]
        for c in report.results["layout"]["comparisons"]
        for r in c["lines"]
        if r["match"] == "body"
    ]
    assert len(judged) >= 4
    assert max(judged) < BODY_SHARPER_LIMIT
