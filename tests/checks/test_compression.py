"""The compression check on JPEGs written from code: once, twice, by 'editors', and odd ones."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import pytest
from PIL import Image

from tests.support.scanned import scanned_letter
from workbench import analyze
from workbench.formats.jpeg import standard_tables
from workbench.model import Report, Severity, Status
from workbench.serialize import report_to_dict, validate_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return scanned_letter(1240, 1754)


def jpeg_bytes(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", **options)
    return buffer.getvalue()


def with_segment(data: bytes, marker: int, payload: bytes) -> bytes:
    """Insert an APPn segment right after the start-of-image marker."""
    segment = bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    return data[:2] + segment + data[2:]


def run(path: Path) -> Report:
    report = analyze(path, only=["compression"])
    validate_report(report_to_dict(report))
    json.dumps(report_to_dict(report))
    return report


def codes(report: Report) -> list[str]:
    return [f.code for f in report.findings]


def test_single_save_is_described_without_findings(page: Image.Image, tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    path.write_bytes(jpeg_bytes(page, quality=85))
    report = run(path)
    res = report.results["compression"]
    assert res["format"] == "JPEG" and res["quality_estimate"] == 85
    assert res["standard_tables"] is True and res["quality_match_error"] == 0.0
    assert res["subsampling"] == "4:2:0" and res["process"] == "baseline"
    lum = res["quantization_tables"][0]
    assert lum["order"] == "natural"
    assert lum["values"] == standard_tables(85)[0].astype(int).tolist()
    assert res["encoder_signatures"][0]["name"] == "IJG libjpeg standard tables, quality 85"
    assert res["double_compression"]["detected"] is False
    assert res["double_compression"]["score"] < 0.15
    assert codes(report) == []


def test_publisher_recompression(page: Image.Image, tmp_path: Path) -> None:
    # The questioned letter's history: a scan saved at 70, recompressed by a publisher at 85.
    first = jpeg_bytes(page, quality=70)
    path = tmp_path / "published.jpg"
    path.write_bytes(jpeg_bytes(Image.open(io.BytesIO(first)).convert("RGB"), quality=85))
    report = run(path)
    res = report.results["compression"]
    assert res["quality_estimate"] == 85
    dc = res["double_compression"]
    assert dc["detected"] and dc["score"] >= 0.15
    assert 65 <= dc["first_quality_estimate"] <= 75
    (finding,) = report.findings
    assert finding.code == "compression.double_compression"
    assert finding.severity == Severity.NOTICE and finding.checklist == ("meta.recompression",)
    assert "publisher" in finding.detail or "newsroom" in finding.detail
    assert "forged" not in finding.detail.lower()


def test_photoshop_save_for_web_signature(page: Image.Image, tmp_path: Path) -> None:
    ducky = b"Ducky" + b"\x00\x01\x00\x04\x00\x00\x00\x3c\x00\x00"
    path = tmp_path / "web.jpg"
    path.write_bytes(with_segment(jpeg_bytes(page, quality=80), 0xEC, ducky))
    report = run(path)
    (finding,) = [f for f in report.findings if f.code == "compression.editor_tables"]
    assert "Save for Web" in finding.detail and "publishers" in finding.detail
    assert finding.severity == Severity.NOTICE


def test_photoshop_save_as_signature(page: Image.Image, tmp_path: Path) -> None:
    # Non-libjpeg tables plus a Photoshop image-resource segment.
    custom = [list(range(1, 65)), [min(255, 2 * v) for v in range(1, 65)]]
    data = jpeg_bytes(page, qtables=custom)
    irb = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x00"
    path = tmp_path / "saved_as.jpg"
    path.write_bytes(with_segment(data, 0xED, irb))
    report = run(path)
    res = report.results["compression"]
    assert res["standard_tables"] is False and res["quality_match_error"] > 0
    assert "compression.editor_tables" in codes(report)
    # The same tables without the Photoshop segment are not attributed to an editor.
    plain = tmp_path / "custom.jpg"
    plain.write_bytes(data)
    assert "compression.editor_tables" not in codes(run(plain))


def test_progressive_grey_restart_markers(page: Image.Image, tmp_path: Path) -> None:
    path = tmp_path / "grey.jpg"
    path.write_bytes(jpeg_bytes(page.convert("L"), quality=75, restart_marker_blocks=8))
    res = run(path).results["compression"]
    assert res["components"] == 1 and res["subsampling"] is None
    assert res["restart_interval"] == 8 and res["restart_markers"] > 0
    prog = tmp_path / "progressive.jpg"
    prog.write_bytes(jpeg_bytes(page, quality=75, progressive=True, subsampling=0))
    res = run(prog).results["compression"]
    assert res["progressive"] is True and res["subsampling"] == "4:4:4" and res["scans"] > 1


def test_cmyk_jpeg(page: Image.Image, tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    path.write_bytes(jpeg_bytes(page.convert("CMYK"), quality=80))
    report = run(path)
    assert report.check("compression").status == Status.OK  # type: ignore[union-attr]
    res = report.results["compression"]
    assert res["components"] == 4 and res["double_compression"]["detected"] is False
    assert "Adobe" in [a["kind"] for a in res["app_segments"]]


def test_non_jpeg_gets_format_only(page: Image.Image, tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    page.save(path)
    report = run(path)
    assert report.results["compression"]["format"] == "PNG"
    assert report.results["compression"]["quality_estimate"] is None and report.findings == ()
    text = tmp_path / "note.txt"
    text.write_text("a translation", encoding="utf-8")
    assert run(text).check("compression").status == Status.SKIPPED  # type: ignore[union-attr]


def _manifest() -> dict[str, dict[str, object]]:
    path = SAMPLES / "manifest.json"
    if not path.exists():
        pytest.skip("the samples corpus has not been generated")
    docs = json.loads(path.read_text(encoding="utf-8"))["documents"]
    return {d["path"]: d for d in docs}


@pytest.mark.slow
def test_questioned_sample_shows_its_recompression() -> None:
    docs = _manifest()
    (path,) = [p for p, d in docs.items() if d["kind"] == "questioned" and p.endswith(".jpg")]
    history = docs[path]["truth"]["jpeg_history"]  # type: ignore[index]
    report = run(SAMPLES / path)
    res = report.results["compression"]
    assert res["quality_estimate"] == history[-1]["quality"]
    first = res["double_compression"]["first_quality_estimate"]
    assert abs(first - history[0]["quality"]) <= 5
    assert "compression.double_compression" in codes(report)


@pytest.mark.slow
def test_genuine_samples_raise_no_warning() -> None:
    docs = _manifest()
    for path, doc in docs.items():
        if doc["kind"] in ("genuine", "exemplar"):
            report = run(SAMPLES / path)
            assert all(f.severity < Severity.WARNING for f in report.findings), path
            assert "compression.double_compression" not in codes(report), path
