"""A questioned line compared with the exemplars' nearest text row, on real rendered letters.

Letters of the independent corpus's development split (``benchmarks/forensic_corpus.py``),
each compared with three genuine letters of its template. A body line whose number was
erased and typed again darker (its page 48) breaks into segments that no exemplar line
overlaps by half; it is judged against the exemplars' text row at its height. A number typed
again lighter (its page 58) stands out against two of its three exemplars. An untouched
letter of the template, whose signature's name in bold lies where the exemplars have body
rows, and a sample letter whose round stamp's lettering is lighter than the rows beside it,
get no warning.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.conftest import TemplateLetters
from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench import analyze
from workbench.model import Finding, Region, Report, Severity

pytestmark = [NEEDS_DEV_FONTS, pytest.mark.slow]

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _layout_of(
    tmp_path_factory: pytest.TempPathFactory,
    template_letters: TemplateLetters,
    index: int,
    tampering: str,
) -> tuple[fc.Entry, Report]:
    """Dev letter `index` of the corpus and the layout check's report on it with exemplars."""
    folder = tmp_path_factory.mktemp(f"dev-{index}")
    entry = fc.make_entry("dev", index, tampering, "letter", 0, folder)
    report = analyze(
        folder / entry.path, references=template_letters.exemplars, only=["layout"], out=None
    )
    return entry, report


def _on_edit(report: Report, entry: fc.Entry) -> Finding:
    """The one warning of `report`, which must lie on `entry`'s edit."""
    ((x0, y0, x1, y1),) = entry.boxes
    truth = Region(x0, y0, x1 - x0, y1 - y0)
    warnings = [f for f in report.findings if f.severity >= Severity.WARNING]
    assert [f.code for f in warnings] == ["layout.word_tone"]
    (hit,) = warnings
    word = hit.regions[0]
    assert word.label == "word"
    assert word.intersection(truth) >= 0.5 * word.width * word.height
    return hit


def test_darker_number_in_a_broken_body_line_found_against_the_exemplars_rows(
    tmp_path_factory: pytest.TempPathFactory, template_letters: TemplateLetters
) -> None:
    retyped, report = _layout_of(tmp_path_factory, template_letters, 48, "retyped-digits")
    assert retyped.variant.startswith("darker")
    hit = _on_edit(report, retyped)
    shifts = [h["tone_shift"] for h in hit.evidence["exemplars"]]
    assert len(shifts) == hit.evidence["exemplars_compared"] == 3
    assert all(s["direction"] == "darker" and s["darker"] >= 20 for s in shifts)
    # The number's segment had no line at the same place in any exemplar: each comparison
    # was with the exemplar's text row at its height.
    line = hit.evidence["line"]["index"]
    for comparison in report.results["layout"]["comparisons"]:
        (row,) = [r for r in comparison["lines"] if r["line"] == line]
        assert row["match"] == "row"


def test_lighter_number_found_against_two_of_three_exemplars(
    tmp_path_factory: pytest.TempPathFactory, template_letters: TemplateLetters
) -> None:
    retyped, report = _layout_of(tmp_path_factory, template_letters, 58, "retyped-digits")
    assert retyped.variant.startswith("lighter")
    hit = _on_edit(report, retyped)
    assert hit.evidence["exemplars_compared"] == 3
    shifts = [h["tone_shift"] for h in hit.evidence["exemplars"]]
    assert len(shifts) == 2
    assert all(s["direction"] == "lighter" and s["lighter"] >= 20 for s in shifts)
    assert "2 of the 3 exemplars" in hit.detail


def test_untouched_letter_with_a_bold_name_below_the_body_gets_no_warning(
    tmp_path_factory: pytest.TempPathFactory, template_letters: TemplateLetters
) -> None:
    _, report = _layout_of(tmp_path_factory, template_letters, 7, "none")
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    # Its lines without a line at the same place were compared with rows of the same weight.
    rows = [
        r
        for c in report.results["layout"]["comparisons"]
        for r in c["lines"]
        if r["match"] == "row"
    ]
    assert rows
    assert all(0.7 < r["row_stroke"] < 1.3 for r in rows)


def test_stamp_lettering_is_not_compared_with_the_exemplars_rows() -> None:
    exemplars = sorted((SAMPLES / "exemplars").glob("*.png"))
    report = analyze(
        SAMPLES / "tampered" / "t05_weekday_mismatch.png",
        references=exemplars,
        only=["layout"],
        out=None,
    )
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
