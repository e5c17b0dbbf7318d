"""The people, lists and translation checks on the samples: real scans, real text."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from workbench import analyze
from workbench.api import analyze_document, load_translation
from workbench.claims import load_claims
from workbench.export.alignment import alignment_html
from workbench.loading import load_document
from workbench.model import Report
from workbench.serialize import report_to_dict, validate_report
from workbench.text.matching import compact

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
QUESTIONED = SAMPLES / "questioned" / "letter_1380-02-24.jpg"
CLAIMS = SAMPLES / "questioned" / "letter_1380-02-24.claims.json"
TRANSLATION = SAMPLES / "questioned" / "letter_1380-02-24.en.txt"
LIST_HTML = SAMPLES / "lists" / "names_149.html"
LIST_SCAN = SAMPLES / "lists" / "names_149_scan.jpg"

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")


def truth_names() -> list[str]:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    entry = next(d for d in manifest["documents"] if d["path"] == "lists/names_149_scan.jpg")
    return list(entry["truth"]["names"])


def codes(report: Report) -> set[str]:
    return {f.code for f in report.findings}


@needs_tesseract
def test_questioned_letter_people_against_claims() -> None:
    report = analyze(QUESTIONED, claims=load_claims(CLAIMS), only=["people"])
    validate_report(report_to_dict(report))
    found = codes(report)
    assert {"people.author_found", "people.addressee_found"} <= found
    assert "people.author_title_differs" in found
    assert "people.office_differs" in found
    persons = {p["role"]: p for p in report.results["people"]["persons"]}
    assert persons["signatory"]["persian"] == "سیدمرتضی کاویان‌پور"
    assert "Seyyed Morteza Kavianpour" in persons["signatory"]["latin"]
    assert persons["addressee"]["persian"] == "بهروز آذرمهر"
    assert "Behrouz Azarmehr" in persons["addressee"]["latin"]
    assert persons["signatory"]["title"]["body_kind"] == "office"
    bodies = {(b["text"], b["kind"]) for b in report.results["people"]["bodies"]}
    assert {("وزارت آب و آبادانی", "ministry"), ("دفتر بازرسی و نظارت", "office")} <= bodies


@needs_tesseract
def test_claim_in_persian_and_a_name_not_on_the_page() -> None:
    claims = {"author": "سید مرتضی کاویان‌پور", "addressee": "Kenneth Timmerman"}
    report = analyze(QUESTIONED, claims=claims, only=["people"])
    found = codes(report)
    assert "people.author_found" in found
    assert "people.addressee_not_found" in found


def test_html_list_rows_and_count() -> None:
    report = analyze(LIST_HTML, claims={"count": 149}, only=["lists"])
    validate_report(report_to_dict(report))
    rows = report.results["lists"]["rows"]
    assert len(rows) == 149
    assert rows[0]["name"] == "سیاوش" and rows[0]["father"] == "مجید"
    assert rows[0]["latin"][0] == "Siavash Golzari"
    assert [f.code for f in report.findings].count("lists.count_matches") == 2
    wrong = analyze(LIST_HTML, claims={"count": 150}, only=["lists"])
    assert "lists.count_differs" in codes(wrong)


def test_text_list_duplicates_and_numbering(tmp_path: Path) -> None:
    lines = [f"{i}. {name}" for i, name in enumerate(truth_names()[:20], start=1)]
    lines[7] = "9. " + truth_names()[3]  # row 8 missing, row 4 repeated as row 9
    path = tmp_path / "list.txt"
    path.write_text("فهرست اسامی (۲۰ نفر)\n" + "\n".join(lines), encoding="utf-8")
    report = analyze(path, only=["lists"])
    found = codes(report)
    assert {"lists.duplicate_row", "lists.numbering", "lists.count_matches"} <= found


@needs_tesseract
@pytest.mark.slow
def test_scanned_list_read_column_by_column(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.ocr.engine import Tesseract

    configs: list[str] = []
    call = Tesseract._call

    def counted(self: Tesseract, function: Any, image: Any, **kwargs: Any) -> Any:
        configs.append(f"{kwargs.get('lang')} {kwargs.get('config')}")
        return call(self, function, image, **kwargs)

    monkeypatch.setattr(Tesseract, "_call", counted)
    document = load_document(LIST_SCAN)
    reference = load_document(LIST_HTML)
    analysis = analyze_document(
        document, references=[reference], claims={"count": 149}, only=["lists"]
    )
    # Its row numbers, read in Persian digits, are not read again in `eng`.
    assert not [c for c in configs if c.startswith("eng")]
    # Its number strips read as numbers alone and the page's words lie in the ink's columns:
    # no sparse pass over the whole page was needed to confirm them.
    assert not [c for c in configs if c.split()[1:3] == ["--psm", "11"]]
    results = analysis.report.results["lists"]
    names = [r["full_name"] for r in results["rows"]]
    exact = sum(compact(a) == compact(b) for a, b in zip(names, truth_names(), strict=False))
    assert exact >= 145
    found = codes(analysis.report)
    assert "lists.count_matches" in found
    assert "lists.count_differs" not in found
    assert results["stated_counts"][0]["count"] == 149
    assert results["comparison"]["matched"] >= 145


@needs_tesseract
def test_faithful_translation_raises_nothing_and_changes_are_found(tmp_path: Path) -> None:
    document = load_document(QUESTIONED)
    faithful = load_translation(TRANSLATION)
    report = analyze_document(document, only=["translation"], translation=faithful).report
    assert codes(report) == {"translation.anchors_agree"}
    assert report.results["translation"]["alignment"]
    changed = (
        faithful.replace("88724153", "88724157")
        .replace("Kamran Sadri", "Kamran Rostami")
        .replace(
            "He stressed that",
            "The Minister also approved a payment of forty thousand dollars to the firm for "
            "its cooperation. He stressed that",
        )
        .replace("Monday, 14 May 2001", "Tuesday, 15 May 2001")
    )
    report = analyze_document(document, only=["translation"], translation=changed).report
    found = codes(report)
    assert "translation.number_only_in_translation" in found
    assert "translation.name_only_in_translation" in found
    assert "translation.sentence_only_in_translation" in found
    assert "translation.date_only_in_translation" in found
    # each difference is placed on the aligned pair that holds it, with why
    flags = [f for row in report.results["translation"]["alignment"] for f in row.get("flags", [])]
    assert any("Kamran Rostami" in f and "only in the translation" in f for f in flags)
    assert any("no counterpart" in f for f in flags)
    paragraphs = faithful.split("\n\n")
    stressed = next(i for i, p in enumerate(paragraphs) if p.startswith("He stressed"))
    paragraphs[stressed] = (  # the same length, no number, date or name: another meaning
        "He added that the contractors had finished their work on the dam well ahead of\n"
        "schedule, and that everyone involved in the project deserved the thanks of the office."
    )
    replaced = "\n\n".join(paragraphs)
    report = analyze_document(document, only=["translation"], translation=replaced).report
    assert codes(report) == {"translation.sentence_meaning_differs"}
    rows = report.results["translation"]["alignment"]
    (flagged,) = [row for row in rows if row.get("flags")]
    assert flagged["translation"][0].startswith("He added")
    assert "similarity" in flagged["flags"][0] and flagged["similarity"] < 0.9
    shown = alignment_html(report.results["translation"])
    assert html.escape(flagged["flags"][0]) in shown
    assert f"{flagged['similarity']:.3f}" in shown


def test_translation_skipped_without_one() -> None:
    report = analyze(LIST_HTML, only=["translation"])
    check = report.check("translation")
    assert check is not None and check.status.value == "skipped"


@needs_tesseract
@pytest.mark.slow
def test_turned_copy_of_the_scan_is_levelled_before_its_columns_are_read(tmp_path: Path) -> None:
    scan = Image.open(LIST_SCAN)
    turned = tmp_path / "turned.jpg"
    scan.rotate(0.8, fillcolor=255).save(turned, quality=80, dpi=(300, 300))
    report = analyze(turned, claims={"count": 149}, only=["lists"])
    names = [r["full_name"] for r in report.results["lists"]["rows"]]
    exact = sum(compact(a) == compact(b) for a, b in zip(names, truth_names(), strict=False))
    assert exact >= 140
    assert "lists.count_matches" in codes(report)
    rows = report.results["lists"]["rows"]
    assert all(0 <= r["box"]["x"] < scan.width and 0 <= r["box"]["y"] < scan.height for r in rows)


@needs_tesseract
@pytest.mark.parametrize("name", ["exemplar_02.png", "exemplar_03.png", "exemplar_04.png"])
def test_exemplars_signatory_and_addressee_as_the_manifest_has_them(name: str) -> None:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    truth = next(d for d in manifest["documents"] if d["path"] == f"exemplars/{name}")["truth"]
    report = analyze(SAMPLES / "exemplars" / name, only=["people"])
    persons = {p["role"]: p for p in report.results["people"]["persons"]}
    assert compact(persons["signatory"]["persian"]) == compact(truth["signatory"])
    assert persons["signatory"]["title"]["text"] == truth["signatory_title"]
    assert compact(truth["addressee"]).endswith(compact(persons["addressee"]["persian"]))
    # Claimed in Latin letters, with the romanizer's own spelling: matched, nothing raised.
    claimed = {"author": persons["signatory"]["latin"][0]}
    again = analyze(SAMPLES / "exemplars" / name, claims=claimed, only=["people"])
    assert {f.code for f in again.findings} == {"people.author_found"}


@needs_tesseract
def test_bodies_named_in_the_running_text_of_a_rendered_page(tmp_path: Path) -> None:
    from tests.support.text_pages import render_page

    page = render_page(
        [
            "جناب آقای دکتر رضایی",
            "با سلام و احترام گزارش سازمان برنامه و بودجه کشور به پیوست ارسال می‌شود.",
            "مقرر شد این دفتر با اداره کل امور مالیاتی استان تهران هماهنگ کند.",
            "خواهشمند است دستور فرمایید نماینده آن اداره در جلسه حضور یابد.",
        ]
    )
    path = tmp_path / "letter.png"
    page.save(path)
    report = analyze(path, only=["people"])
    bodies = {(b["text"], b["kind"], b["where"]) for b in report.results["people"]["bodies"]}
    assert ("سازمان برنامه و بودجه کشور", "organisation", "running text") in bodies
    assert ("اداره کل امور مالیاتی استان تهران", "directorate_general", "running text") in bodies
    # «آن اداره» refers to the addressee's department and names none
    assert not any(text.startswith("اداره در") for text, _, _ in bodies)
