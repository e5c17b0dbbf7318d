from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.support.fixtures import letter_image
from workbench import analyze


def codes(path: Path) -> list[str]:
    return [f.code for f in analyze(path, only=["file"]).findings]


def test_records_identity_and_pages(jpeg_letter: Path) -> None:
    report = analyze(jpeg_letter, only=["file"])
    data = report.results["file"]
    assert data["media_type"] == "image/jpeg" and data["page_count"] == 1
    assert data["pages"][0]["width"] == 1240 and data["pages"][0]["dpi"] == [150.0, 150.0]
    (sha,) = [f for f in report.findings if f.code == "file.sha256"]
    assert sha.evidence["sha256"] == report.document.sha256 and sha.checklist == ("prov.hash",)


def test_png_content_named_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    letter_image(1300, 1300).save(path, format="PNG")
    report = analyze(path, only=["file"])
    (mismatch,) = [f for f in report.findings if f.code == "file.extension_mismatch"]
    assert mismatch.evidence == {"extension_media_type": "image/jpeg", "detected": "image/png"}


def test_pdf_named_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpeg"
    letter_image(1300, 1300).save(path, format="PDF")
    assert "file.extension_mismatch" in codes(path)


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "scan.dat"
    letter_image(1300, 1300).save(path, format="PNG")
    assert "file.unknown_extension" in codes(path)


def test_low_resolution(tmp_path: Path) -> None:
    path = tmp_path / "small.jpg"
    Image.new("RGB", (600, 850), "white").save(path)
    assert "file.low_resolution" in codes(path)
    big = tmp_path / "big.jpg"
    letter_image().save(big)
    assert "file.low_resolution" not in codes(big)


def test_text_document(tmp_path: Path) -> None:
    path = tmp_path / "translation.txt"
    path.write_text("Letter translation", encoding="utf-8")
    report = analyze(path, only=["file"])
    assert report.results["file"]["page_count"] == 0
    assert report.results["file"]["encoding"] == "utf-8"


def test_low_resolution_report_round_trips(tmp_path: Path) -> None:
    from workbench.serialize import report_from_json, report_to_json

    path = tmp_path / "small.jpg"
    Image.new("RGB", (600, 850), "white").save(path)
    report = analyze(path, only=["file"])
    assert report_from_json(report_to_json(report)) == report
