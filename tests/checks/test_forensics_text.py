"""The forensics check's text methods and double-quantisation map, end to end on files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from workbench_checks.forensics.findings import paper_closeness

from tests.support.forensic_fixtures import (
    LINES,
    copy_word,
    jpeg,
    letter_page,
    overlaps,
    register_page,
    retype,
    retype_number,
    whitened,
)
from workbench import analyze
from workbench.imaging.words import find_words
from workbench.model import Report, Severity
from workbench.ocr import default_engine
from workbench.serialize import report_to_dict, validate_report

BODY_LINE = 160 + 100 + 70 * 3


def run(path: Path, references: list[Path] | None = None, only: str = "forensics") -> Report:
    report = analyze(path, only=[only], references=references or [])
    validate_report(report_to_dict(report))
    return report


def box(r: object) -> tuple[int, int, int, int]:
    return (r.x, r.y, r.width, r.height)  # type: ignore[attr-defined]


def save_jpeg(image: np.ndarray, path: Path, quality: int) -> Path:
    Image.fromarray(image).save(path, quality=quality)
    return path


@pytest.mark.slow
def test_copied_word_is_a_text_copy_move_warning(tmp_path: Path) -> None:
    page = letter_page(seed=3).image
    word = next(w for w in find_words(page).words if w.box.width > 60 and w.box.y > 400)
    source = (word.box.x, word.box.y, word.box.width, word.box.height)
    edited, target = copy_word(page, source, (300, 1000))
    report = run(save_jpeg(edited, tmp_path / "copied.jpg", 92))
    found = [f for f in report.findings if f.code == "forensics.text_copy_move"]
    assert found and found[0].severity == Severity.WARNING
    regions = [box(r) for r in found[0].regions]
    assert any(overlaps(r, target) for r in regions) and any(overlaps(r, source) for r in regions)
    assert found[0].evidence["method"] == "text_copy_move"
    assert "never printed" in found[0].detail  # its innocent explanation is spelled out
    # The file's JPEG quality reached the method: the pair was also compared with a
    # simulated copy saved at it (both ends saved once here: about 1.4-1.5 times one
    # save's error), below every genuine pair measured on the development sets (1.65).
    assert 0.0 < found[0].evidence["resave_ratio"] < 1.65
    # The finding says what reported the pair: the paper floor, and the simulated copy
    # only when that comparison reported it too.
    routes = found[0].evidence["routes"]
    assert "paper" in routes
    # Its wording follows the pair's ratio to the paper floor ("pixel for pixel" only far
    # within it).
    closeness = paper_closeness(found[0].evidence["ratio"])
    assert f"{closeness}, paper included" in found[0].detail
    assert ("saved once at this file's JPEG quality" in found[0].detail) == ("copy" in routes)
    (result,) = report.results["forensics"]["pages"]
    assert result["scores"]["text_clone"] >= 0.5 and result["text_clones"]
    assert result["text_clones"][0]["resave_ratio"] == found[0].evidence["resave_ratio"]


@pytest.mark.slow
def test_copy_found_against_a_simulated_copy_is_worded_by_the_comparisons_that_report_it(
    tmp_path: Path,
) -> None:
    # On whitened paper the paper floor says little (a weak notice on its own); the copy is
    # reported against what a digital copy saved at the file's quality differs by, and the
    # finding says so, with that comparison's own innocent explanation.
    page = letter_page(seed=3).image
    words = [w for w in find_words(page).words if w.box.width > 60]
    source = box(words[10].box)
    edited, target = copy_word(jpeg(whitened(page), 58), source, (301, 1003))
    report = run(save_jpeg(edited, tmp_path / "copied.jpg", 78))
    found = [f for f in report.findings if f.code == "forensics.text_copy_move"]
    assert found and found[0].severity == Severity.WARNING
    routes = found[0].evidence["routes"]
    assert "copy" in routes
    assert found[0].evidence["resave_relative"] < 0.45  # far below the page's other pairs
    regions = [box(r) for r in found[0].regions]
    assert any(overlaps(r, target) for r in regions) and any(overlaps(r, source) for r in regions)
    detail = found[0].detail
    assert "saved once at this file's JPEG quality" in detail
    assert "of where the page's other repeated words lie" in detail
    assert "little noise saved at a low JPEG quality" in detail
    assert ("paper included" in detail) == ("paper" in routes)
    assert ("not independent" in detail) == (len(routes) == 2)


@pytest.mark.slow
def test_retyped_line_is_one_glyph_warning_across_forensics_and_layout(tmp_path: Path) -> None:
    edited, band = retype(letter_page(seed=3).image, BODY_LINE, LINES[4])
    path = save_jpeg(edited, tmp_path / "retyped.jpg", 90)
    report = analyze(path, only=["forensics", "layout"])
    found = [f for f in report.findings if f.code == "forensics.glyph_inconsistency"]
    assert found and found[0].severity == Severity.WARNING
    assert overlaps(box(found[0].regions[0]), band)
    assert "bold" in found[0].detail and "stamp" in found[0].detail
    # How the line is printed is reported once, by forensics; the layout check measures
    # its typography and does not repeat the print outlier under the same checklist item.
    printed = [
        f
        for f in report.findings
        if "img.retyped" in f.checklist
        and any(overlaps(box(r), band) for r in f.regions)
        and (f.code == "forensics.glyph_inconsistency" or "print" in f.evidence)
    ]
    assert len(printed) == len({box(f.regions[0]) for f in found})


@pytest.mark.slow
def test_untouched_jpeg_letter_stays_quiet_with_and_without_exemplars(tmp_path: Path) -> None:
    path = save_jpeg(letter_page(seed=8).image, tmp_path / "letter.jpg", 85)
    refs = [save_jpeg(letter_page(seed=s).image, tmp_path / f"ref{s}.jpg", 85) for s in (9, 10)]
    for references in (None, refs):
        report = run(path, references)
        assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    calibration = report.results["forensics"]["calibration"]
    assert calibration["exemplar_pages"] == 2 and set(calibration["thresholds"]) == {
        "text_clone",
        "glyph",
    }


@pytest.mark.slow
def test_region_pasted_from_another_jpeg_lacks_double_quantisation(tmp_path: Path) -> None:
    page = letter_page(seed=6).image
    first = jpeg(page, 80)  # the published scan
    donor = jpeg(page, 95)  # the same page from another file, placed 3 px off the grid
    edited = first.copy()
    y0, y1, x0, x1 = 400, 700, 200, 1100
    edited[y0:y1, x0:x1] = donor[y0 - 3 : y1 - 3, x0 - 3 : x1 - 3]
    report = run(save_jpeg(edited, tmp_path / "pasted.jpg", 90))
    found = [f for f in report.findings if f.code == "forensics.double_quantisation"]
    # Only this map sees the paste (its content is the page's own): a notice, not a warning.
    assert found and found[0].severity == Severity.NOTICE
    assert found[0].evidence["also_seen_by"] == []
    assert overlaps(box(found[0].regions[0]), (x0, y0, x1 - x0, y1 - y0))
    (result,) = report.results["forensics"]["pages"]
    assert result["dq_first_steps"]


@pytest.mark.slow
def test_retyped_date_on_flat_paper_is_a_warning_from_its_paper(tmp_path: Path) -> None:
    page = jpeg(register_page(), 90)
    clean = run(save_jpeg(page, tmp_path / "register.jpg", 90))
    assert not [f for f in clean.findings if f.severity >= Severity.WARNING]
    assert not [f for f in clean.findings if f.evidence.get("method") == "digit_consistency"]
    # The date where OCR reads it (page pixels), erased with one flat tone and retyped in
    # another face.
    words = default_engine().recognize(page, "fas", dpi=150).page.words
    date = next(w.box for w in words if w.text.strip("\u200f") == "۱۳۸۰/۰۲/۲۴")
    edited = retype_number(page, date, "۱۳۸۶/۰۲/۲۴")
    report = run(save_jpeg(edited, tmp_path / "retyped-date.jpg", 90))
    found = [f for f in report.findings if f.evidence.get("method") == "digit_consistency"]
    # Its print differs from the other numbers (alone, a notice: a bold total does too), and
    # the flat fill under it has none of the paper's grain, which makes it a warning; its ink,
    # typed into the file, is flat too; its edges and its paper are two families off at once.
    assert found and found[0].severity == Severity.WARNING
    assert found[0].evidence["also_seen_by"] == ["paper_texture", "ink_grain", "two_measurements"]
    assert found[0].code == "forensics.glyph_inconsistency"
    assert overlaps(box(found[0].regions[0]), date)
    assert "other numbers" in found[0].detail and "filled in" in found[0].detail
    assert not [f for f in report.findings if f.severity >= Severity.WARNING and f is not found[0]]
