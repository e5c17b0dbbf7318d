"""The paper under a retyped number, end to end on pages of the independent corpus's generator.

A letter of the development split's second template with a number erased with paper-coloured
noise and retyped in a bolder face (the corpus's dev-050), and an untouched letter of the same
template and scan chain (dev-002); then a register printed with one row in bold, untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from tests.support.forensic_fixtures import forensics_report as run
from tests.support.forensic_fixtures import jpeg, overlaps, register_page
from tests.support.forensic_fixtures import number_findings as numbers
from workbench.model import Severity

pytestmark = [
    pytest.mark.slow,
    NEEDS_DEV_FONTS,
]


def test_retyped_number_on_filled_paper_is_a_warning_where_it_was_typed(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 50, "retyped-digits", "letter", 1, tmp_path, plain_retype=True)
    assert entry.tampering == "retyped-digits" and entry.chain == "dev-150-grey-q70"
    x0, y0, x1, y1 = entry.boxes[0]
    report = run(tmp_path / entry.path)
    found = [f for f in numbers(report) if f.severity >= Severity.WARNING]
    assert found, "the retyped number was not found at warning"
    region = found[0].regions[0]
    assert overlaps((region.x, region.y, region.width, region.height), (x0, y0, x1 - x0, y1 - y0))
    # Seen in the paper under the number: its grain is not correlated as the scan's is.
    assert "paper_texture" in found[0].evidence["also_seen_by"]
    deviation = found[0].evidence["deviations"]["texture"]
    assert deviation["z"] <= -4.0 and deviation["value"] < deviation["median"]
    assert "correction fluid" in found[0].detail
    # It stands out among the page's words too, on the same box: one finding names both.
    assert "glyph_consistency" in found[0].evidence["also_seen_by"]
    printed = [f for f in report.findings if f.code == "forensics.glyph_inconsistency"]
    assert len([f for f in printed if f.regions[0] == region]) == 1
    # Whatever else warns on the letter is on the edit too.
    edit = (x0, y0, x1 - x0, y1 - y0)
    for f in report.findings:
        if f.severity >= Severity.WARNING:
            assert any(overlaps((r.x, r.y, r.width, r.height), edit) for r in f.regions), f.code


def test_untouched_letter_of_the_same_template_has_no_number_finding(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 2, "none", "letter", 1, tmp_path)
    assert entry.chain == "dev-150-grey-q70"
    report = run(tmp_path / entry.path)
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    assert not [f for f in numbers(report) if f.severity > Severity.NOTICE]


def test_bold_number_on_untouched_paper_stays_a_notice(tmp_path: Path) -> None:
    page = jpeg(register_page(bold_row=2), 90)  # the row holding the date 1380/02/24 in bold
    path = tmp_path / "bold-row.jpg"
    Image.fromarray(page).save(path, quality=90)
    report = run(path)
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    found = numbers(report)
    assert found, "the bold row's numbers should stand out in print"
    for f in found:
        assert f.severity == Severity.NOTICE
        assert "paper_texture" not in f.evidence["also_seen_by"]
        assert not {"texture", "paper_grain"} & set(f.evidence["deviations"])
        # On the bold row (its baseline at y = 320), not elsewhere.
        assert f.regions[0].y <= 320 <= f.regions[0].y + f.regions[0].height + 5
