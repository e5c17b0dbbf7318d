"""Glyph and line consistency on rendered, scanned letter pages."""

from __future__ import annotations

from tests.support.forensic_fixtures import LINES, jpeg, letter_page, overlaps, retype
from workbench.imaging.forensic.glyphs import glyph_consistency, glyph_map

#: Baseline of the fifth line of `letter_page` (line 4 of its body).
BODY_LINE = 160 + 100 + 70 * 3


def test_untouched_letter_has_no_outliers() -> None:
    for seed in (3, 4):
        scan = glyph_consistency(jpeg(letter_page(seed=seed).image, 85))
        assert scan.lines >= 5 and len(scan.words) > 40
        assert scan.outliers == []


def test_retyped_line_is_found_where_it_was_typed() -> None:
    page = letter_page(seed=3).image
    edited, band = retype(page, BODY_LINE, LINES[4])
    scan = glyph_consistency(jpeg(edited, 85))
    assert scan.outliers, "the retyped line was not found"
    best = scan.outliers[0]
    assert best.level == "line" and best.strength >= 0.5
    b = best.box
    assert overlaps((b.x, b.y, b.width, b.height), band)
    # Typed digitally: darker ink and smoother paper than the scanned words around it.
    assert best.deviations["darkness"]["z"] > 0 and best.deviations["grain"]["z"] < 0
    heat = glyph_map(page.shape, scan.outliers)
    assert heat[BODY_LINE - 5, b.x + b.width // 2] >= 0.5 and heat[BODY_LINE + 200, 600] == 0


def test_retyped_number_in_a_line_is_found() -> None:
    page = letter_page(seed=4).image
    # One word inside the line is erased and a number typed in its place.
    edited, band = retype(page, BODY_LINE + 70, "۱۲۸۴", right=603, left=552)
    scan = glyph_consistency(jpeg(edited, 90))
    found = [
        o for o in scan.outliers if overlaps((o.box.x, o.box.y, o.box.width, o.box.height), band)
    ]
    assert found and max(o.strength for o in found) >= 0.5
