from __future__ import annotations

import base64
import re
from pathlib import Path

from workbench import analyze
from workbench.imaging.fingerprint import decode_thumb
from workbench.model import Status
from workbench.serialize import report_to_dict, validate_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_fingerprints_each_page_with_its_marks() -> None:
    report = analyze(SAMPLES / "exemplars" / "exemplar_02.png", only=["fingerprint"])
    result = report.check("fingerprint")
    assert result is not None and result.status is Status.OK and not result.findings
    (page,) = report.results["fingerprint"]["pages"]
    assert re.fullmatch(r"[0-9a-f]{64}", page["phash"])
    assert (page["width"], page["height"]) == (1748, 2480)
    assert page["features"]["width"] == 1000 and page["features"]["descriptors"]
    # the grey reduction candidates are checked against: 400 pixels wide, the page's shape
    thumb = decode_thumb(base64.b64decode(page["thumb"]))
    assert thumb.shape == (round(2480 * 400 / 1748), 400)
    assert 0 < thumb.min() < 100 < 200 < thumb.max()  # ink on paper
    assert {m["kind"] for m in page["marks"]} == {"signature", "seal", "letterhead"}
    assert all(set(m["box"]) == {"x", "y", "width", "height"} for m in page["marks"])
    validate_report(report_to_dict(report))


def test_a_text_document_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("بسمه تعالی\nشماره: ۱۲۳\n", encoding="utf-8")
    result = analyze(path, only=["fingerprint"]).check("fingerprint")
    assert result is not None and result.status is Status.SKIPPED
