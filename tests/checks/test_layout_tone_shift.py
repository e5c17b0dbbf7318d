"""A line's darkest word against the exemplars' same line: no warning on untouched letters.

Letters of the independent corpus's dev generator (``benchmarks/forensic_corpus.py``) made at
indices the dev split does not hold, of its template dev-b (odd indices), each compared with
the dev split's three genuine letters of that template (its pages 83 to 85). Untouched, the
letters of pages 401 and 405 had their letterhead's first line, set in the heading type, 28
to 38 grey levels darker than two exemplars' (the third had no line at the place), and page
409 a short body word, in a line printed unevenly along its length, darker than one
exemplar's line at the place and another's nearest text row, not the third's line at the
place. None of them gets a warning now; the retyped digits of page 401 are still found.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from workbench_checks.layout.line_findings import shift_agrees

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench import analyze
from workbench.model import Region, Severity

pytestmark = [NEEDS_DEV_FONTS, pytest.mark.slow]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fresh-dev-b")


@pytest.fixture(scope="module")
def exemplars(folder: Path) -> list[Path]:
    """The dev split's three genuine letters of template dev-b."""
    return [
        folder / fc.make_entry("dev", i, "exemplar", "letter", 1, folder).path for i in (83, 84, 85)
    ]


@pytest.mark.parametrize("index", [401, 405, 409])
def test_untouched_letter_gets_no_warning(index: int, folder: Path, exemplars: list[Path]) -> None:
    entry = fc.make_entry("dev", index, "none", "letter", 1, folder)
    assert entry.template == "dev-b"
    report = analyze(folder / entry.path, references=exemplars, only=["layout"], out=None)
    assert report.results["layout"]["comparisons"]  # compared with the exemplars
    assert [f.code for f in report.findings if f.severity >= Severity.WARNING] == []


def test_retyped_digits_still_found(folder: Path, exemplars: list[Path]) -> None:
    entry = fc.make_entry("dev", 401, "retyped-digits", "letter", 1, folder)
    report = analyze(folder / entry.path, references=exemplars, only=["layout"], out=None)
    truths = [Region(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in entry.boxes]
    on_edit = [
        f
        for f in report.findings
        if f.severity >= Severity.WARNING
        and any(r.intersection(t) > 0 for r in f.regions for t in truths)
    ]
    assert "layout.word_tone" in {f.code for f in on_edit}
    # Nothing at warning away from the edit: the letterhead is not reported.
    assert all(f in on_edit for f in report.findings if f.severity >= Severity.WARNING)


def test_a_row_does_not_outvote_the_line_at_the_place() -> None:
    # Two of three exemplars' lines at the place agree: the third may be printed apart.
    assert shift_agrees(["place", "place"], ["place", "place", "place"])
    assert shift_agrees(["row", "place"], ["row", "place", "row"])
    # A nearest row among those that agree, the line at the place left out: not enough.
    assert not shift_agrees(["place", "row"], ["place", "row", "place"])
    # Every exemplar agreeing, rows included, is enough; one exemplar never is.
    assert shift_agrees(["place", "row", "place"], ["place", "row", "place"])
    assert not shift_agrees(["place"], ["place"])
