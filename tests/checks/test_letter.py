from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workbench import analyze
from workbench.model import Region, Report, Severity
from workbench.serialize import report_to_dict, validate_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CONTROL = "genuine/control_01.png"

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")


def truth(name: str) -> dict:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    return next(d for d in manifest["documents"] if d["path"] == name)


def box(values: list[int]) -> Region:
    return Region(*values)


def letter(path: Path) -> Report:
    report = analyze(path, only=["letter"])
    validate_report(report_to_dict(report))
    return report


def elements(report: Report) -> dict[str, dict]:
    return {e["name"]: e for e in report.results["letter"]["elements"]}


def overlaps(found: dict | None, expected: list[int]) -> bool:
    if not found:
        return False
    return box(list(found.values())[:4]).intersection(box(expected)) > 0


@pytest.mark.slow
def test_elements_located_on_a_clean_letter() -> None:
    report = letter(SAMPLES / CONTROL)
    found = elements(report)
    regions = truth(CONTROL)["truth"]["regions"]
    expected = [
        ("heading", "heading"),
        ("number", "number_line"),
        ("date", "date_line"),
        ("attachment", "attachment_line"),
        ("subject", "subject"),
        ("greeting", "greeting"),
        ("copies", "copies"),
        ("seal", "seal"),
    ]
    # OCR may miss a short line (the heading, in some preprocessing settings); whatever is
    # found must be where the letter has it.
    located = [name for name, _ in expected if found[name]["found"]]
    assert len(located) >= len(expected) - 1 and "date" in located, located
    for name, region in expected:
        if found[name]["found"]:
            assert overlaps(found[name]["box"], regions[region]), name
    assert found["date"]["value"] and "۱۳۸۰" in found["date"]["value"]
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]


@pytest.mark.slow
def test_missing_number_field_is_reported(tmp_path: Path) -> None:
    img = np.array(Image.open(SAMPLES / CONTROL).convert("L"))
    x, y, w, h = truth(CONTROL)["truth"]["regions"]["number_line"]
    img[y - 6 : y + h + 6, x - 6 : x + w + 6] = 238  # erased with paper colour
    path = tmp_path / "no_number.png"
    Image.fromarray(img).save(path)
    report = letter(path)
    missing = [f for f in report.findings if f.code == "letter.element_missing"]
    assert [f.evidence["element"] for f in missing] == ["number"]
    assert missing[0].severity == Severity.NOTICE
    assert missing[0].checklist == ("form.conventions",)
    assert "proves little" in missing[0].detail


@pytest.mark.slow
def test_heading_out_of_place_is_reported(tmp_path: Path) -> None:
    img = np.array(Image.open(SAMPLES / CONTROL).convert("L"))
    x, y, w, h = truth(CONTROL)["truth"]["regions"]["heading"]
    patch = img[y - 8 : y + h + 8, x - 8 : x + w + 8].copy()
    img[y - 8 : y + h + 8, x - 8 : x + w + 8] = 238
    ty, tx = 1420, 780  # blank paper between the body and the closing
    img[ty : ty + patch.shape[0], tx : tx + patch.shape[1]] = patch
    path = tmp_path / "heading_moved.png"
    Image.fromarray(img).save(path)
    report = letter(path)
    (moved,) = [f for f in report.findings if f.code == "letter.element_misplaced"]
    assert moved.evidence["element"] == "heading"
    assert moved.regions and moved.regions[0].intersection(Region(tx, ty, *patch.shape[::-1])) > 0


@pytest.mark.slow
def test_impossible_date_in_the_date_field() -> None:
    name = "tampered/t06_impossible_date.png"
    report = letter(SAMPLES / name)
    (bad,) = [f for f in report.findings if f.code == "letter.invalid_block_date"]
    assert bad.evidence["month"] == 7 and bad.evidence["day"] == 31
    assert bad.regions[0].intersection(box(truth(name)["tampering"][0]["box"])) > 0
    assert "date.claim" in bad.checklist


def test_plain_persian_text_is_read_without_positions(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(
        "بسمه تعالی\nشماره: ۱۲۴۷/۸۰\nتاریخ: ۱۳۸۰/۰۲/۲۴\nپیوست: ندارد\n"
        "جناب آقای مهندس آذرمهر\nموضوع: دستورالعمل\nسلام علیکم\nمتن نامه\nوالسلام\n",
        encoding="utf-8",
    )
    report = letter(path)
    found = elements(report)
    assert found["heading"]["found"] and found["heading"]["box"] is None
    assert found["date"]["value"] == "۱۳۸۰/۰۲/۲۴"
    assert not [f for f in report.findings if f.code == "letter.element_misplaced"]
    assert "no positions" in (report.check("letter").message or "")


def test_invalid_date_in_text(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(
        "بسمه تعالی\nشماره: ۱۲\nتاریخ: ۱۳۸۱/۰۷/۳۱\nپیوست: ندارد\nجناب آقای احمدی\n",
        encoding="utf-8",
    )
    codes = [f.code for f in letter(path).findings]
    assert "letter.invalid_block_date" in codes


def test_english_text_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "translation.txt"
    path.write_text("In the name of God. Number: 1247/80", encoding="utf-8")
    result = letter(path).check("letter")
    assert result is not None and result.status.value == "skipped"
    assert "script" in (result.message or "")


@pytest.mark.slow
def test_a_list_is_not_judged_as_a_letter() -> None:
    report = letter(SAMPLES / "lists/names_149_scan.jpg")
    assert [f.code for f in report.findings] == ["letter.not_a_letter"]
