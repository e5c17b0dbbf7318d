"""The metadata check on files built from code, including hostile and damaged ones."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from tests.support.metadata_files import (
    ASCII,
    build_folder,
    camera_jpeg,
    compare_summary,
    exif_block,
    gimp_jpeg,
    icc_jpeg,
    jpeg,
    page,
    pdf_saved_twice,
    pdf_with_info,
    photoshop_jpeg,
    plain_png,
    png_with_text,
    scanner_jpeg,
    thumbnail_mismatch_jpeg,
    tiff_16bit,
    xmp_packet,
)
from workbench import analyze
from workbench.cli import main
from workbench.model import Report, Severity, Status
from workbench.serialize import report_to_dict, validate_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def run(path: Path, claims: dict[str, Any] | None = None) -> Report:
    report = analyze(path, only=["metadata"], claims=claims)
    data = report_to_dict(report)
    validate_report(data)
    json.dumps(data, allow_nan=False)
    assert report.check("metadata").status == Status.OK  # type: ignore[union-attr]
    return report


def by_code(report: Report) -> dict[str, Any]:
    return {f.code: f for f in report.findings}


def test_camera_jpeg_summary(tmp_path: Path) -> None:
    path = tmp_path / "camera.jpg"
    camera_jpeg(path)
    report = run(path)
    meta = report.results["metadata"]
    s = meta["summary"]
    assert (s["make"], s["model"]) == ("Canon", "Canon EOS 300D DIGITAL")
    assert s["created"] == "2003-06-20T09:15:00+04:30"
    assert s["digitized"] == "2003-06-20T09:15:00+04:30"
    assert s["modified"] == "2003-06-21T16:42:10+04:30"
    assert (s["width"], s["height"], s["orientation"]) == (620, 877, 6)
    assert s["gps_latitude"] == pytest.approx(-33.8688, abs=1e-6)
    assert s["gps_longitude"] == pytest.approx(-151.2093, abs=1e-6)
    assert s["has_thumbnail"] is True and s["artist"] == "Reza Tehrani"
    assert s["copyright"] == "(c) 2003 Example News"
    assert set(meta["exif"]) >= {"Image", "EXIF", "GPS", "Thumbnail"}
    assert meta["thumbnail"]["similarity"] > 0.8
    assert len(meta["hashes"]["md5"]) == 32 and meta["hashes"]["sha256"] == report.document.sha256
    found = by_code(report)
    assert found["metadata.gps"].severity == Severity.NOTICE
    assert "Phones" in found["metadata.gps"].detail
    assert "metadata.thumbnail_mismatch" not in found and "metadata.stripped" not in found


def test_editor_software_and_history(tmp_path: Path) -> None:
    path = tmp_path / "ps.jpg"
    photoshop_jpeg(path)
    report = run(path)
    xmp = report.results["metadata"]["xmp"]
    assert xmp["properties"]["xmp:CreatorTool"] == "Adobe Photoshop CS Windows"
    assert [e["action"] for e in xmp["history"]] == ["created", "saved"]
    assert xmp["history"][1]["software_agent"] == "Adobe Photoshop CS Windows"
    editor = by_code(report)["metadata.editor_software"]
    assert editor.severity == Severity.WARNING and editor.checklist == ("meta.software",)
    assert "publishers" in editor.detail and "forged" not in editor.detail.lower()
    gimp = tmp_path / "gimp.jpg"
    gimp_jpeg(gimp)
    assert "GIMP" in by_code(run(gimp))["metadata.editor_software"].detail


def test_scanner_software_is_lower_severity(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    scanner_jpeg(path)
    found = by_code(run(path))
    assert "metadata.editor_software" not in found
    creator = found["metadata.creator_software"]
    assert creator.severity == Severity.INFO and "scanner" in creator.detail


def test_thumbnail_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "thumb.jpg"
    thumbnail_mismatch_jpeg(path)
    report = run(path)
    finding = by_code(report)["metadata.thumbnail_mismatch"]
    assert finding.severity == Severity.WARNING and finding.checklist == ("meta.thumbnail",)
    assert report.results["metadata"]["thumbnail"]["similarity"] < 0.5


def test_letterboxed_thumbnail_matches(tmp_path: Path) -> None:
    # A 160x120 thumbnail of a portrait page, with black bars left and right.
    image = page(11)
    small = image.copy()
    small.thumbnail((160, 120))
    canvas = Image.new("RGB", (160, 120))
    canvas.paste(small, ((160 - small.width) // 2, 0))
    exif = exif_block([(0x0131, ASCII, "Scanner")], thumbnail=jpeg(canvas, quality=75))
    path = tmp_path / "boxed.jpg"
    path.write_bytes(jpeg(image, exif=exif))
    report = run(path)
    assert "metadata.thumbnail_mismatch" not in by_code(report)
    assert report.results["metadata"]["thumbnail"]["similarity"] > 0.6


def test_timestamps_against_claimed_date(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    scanner_jpeg(path)  # EXIF DateTime 2001-05-20
    after = by_code(run(path, {"date": "2001-05-14"}))  # claimed a week before: fine
    assert "metadata.timestamp_before_claim" not in after
    late = by_code(run(path, {"date": "1999-03-01"}))
    finding = late["metadata.timestamp_after_claim"]
    assert "normal for a scan" in finding.detail and finding.severity <= Severity.NOTICE
    early = by_code(run(path, {"date": "2003-06"}))
    assert early["metadata.timestamp_before_claim"].severity == Severity.WARNING
    assert "date.anachronism" in early["metadata.timestamp_before_claim"].checklist


def test_timestamps_disagree(tmp_path: Path) -> None:
    exif = exif_block(
        [(0x0132, ASCII, "1999:01:01 00:00:00")], exif=[(0x9003, ASCII, "2003:06:20 09:15:00")]
    )
    path = tmp_path / "clock.jpg"
    path.write_bytes(jpeg(page(12), exif=exif))
    finding = by_code(run(path))["metadata.timestamps_disagree"]
    assert finding.checklist == ("meta.timeline",) and "clock" in finding.detail


def test_stripped_png_and_icc_only_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    plain_png(path)
    report = run(path)
    stripped = by_code(report)["metadata.stripped"]
    assert stripped.severity == Severity.INFO and "social" in stripped.detail
    assert report.results["metadata"]["summary"]["has_thumbnail"] is False
    icc = tmp_path / "icc.jpg"
    assert icc_jpeg(icc) == run(icc).results["metadata"]["summary"]["icc_profile"]


def test_png_text_and_xmp(tmp_path: Path) -> None:
    path = tmp_path / "text.png"
    png_with_text(path)
    report = run(path)
    meta = report.results["metadata"]
    assert meta["png"]["Creation Time"] == "2003:06:21 16:42:10"
    assert "XML:com.adobe.xmp" not in meta["png"]
    assert meta["summary"]["software"] == "Adobe ImageReady"
    assert meta["summary"]["creator_tool"] == "Adobe ImageReady"
    assert "metadata.editor_software" in by_code(report)


def test_sixteen_bit_tiff(tmp_path: Path) -> None:
    path = tmp_path / "scan16.tif"
    tiff_16bit(path)
    report = run(path)
    meta = report.results["metadata"]
    assert meta["tiff"]["BitsPerSample"] == "16" and meta["tiff"]["pages"] == 1
    assert meta["summary"]["software"] == "HP Scanjet 5590 TWAIN 1.0"
    assert meta["summary"]["modified"] == "2001-05-20T10:02:33"


def test_pdf_info_and_incremental_update(tmp_path: Path) -> None:
    once = tmp_path / "once.pdf"
    pdf_with_info(once)
    report = run(once)
    meta = report.results["metadata"]
    assert meta["pdf"]["info"]["Creator"] == "Microsoft Word 2000"
    assert meta["summary"]["created"] == "2001-05-14T09:30:00+04:30"
    assert meta["pdf"]["revisions"]["incremental_updates"] == 0
    assert "metadata.pdf_incremental_updates" not in by_code(report)
    twice = tmp_path / "twice.pdf"
    pdf_saved_twice(twice)
    report = run(twice)
    finding = by_code(report)["metadata.pdf_incremental_updates"]
    assert finding.evidence["incremental_updates"] == 1
    assert len(finding.evidence["eof_offsets"]) == 2
    assert report.results["metadata"]["summary"]["software"] == "Edited later"


def test_linearized_pdf_is_one_revision(tmp_path: Path) -> None:
    # pikepdf cannot append incremental updates; a linearized save has two cross-reference
    # sections in one revision, which must not count as a second save.
    import pikepdf

    source = tmp_path / "source.pdf"
    pdf_with_info(source)
    path = tmp_path / "linear.pdf"
    with pikepdf.open(source) as pdf:
        pdf.save(path, linearize=True)
    report = run(path)
    revisions = report.results["metadata"]["pdf"]["revisions"]
    assert revisions["linearized"] is True and revisions["incremental_updates"] == 0
    assert "metadata.pdf_incremental_updates" not in by_code(report)


def test_corrupt_exif_never_crashes(tmp_path: Path) -> None:
    path = tmp_path / "camera.jpg"
    camera_jpeg(path)
    data = path.read_bytes()
    start = data.index(b"Exif\x00\x00")
    variants = {
        "garbled": data[: start + 14] + bytes(range(256))[:120] + data[start + 134 :],
        "ifd_offsets": data[: start + 10] + b"\xff\xff\xff\x7f" + data[start + 14 :],
        "zeroed": data[: start + 6] + b"\x00" * 300 + data[start + 306 :],
    }
    for name, variant in variants.items():
        target = tmp_path / f"{name}.jpg"
        target.write_bytes(variant)
        try:
            Image.open(io.BytesIO(variant)).load()
        except OSError:
            continue  # Pillow cannot decode it either; the loader reports it
        report = run(target)
        assert report.results["metadata"]["summary"]["width"] == 620, name


def test_hostile_strings_are_capped_and_escaped(tmp_path: Path) -> None:
    script = "<script>alert('x')</script>"
    huge = "A" * 50_000
    exif = exif_block(
        [
            (0x0131, ASCII, script),
            (0x010E, ASCII, huge),
            (0x013B, ASCII, "tab\tbell\x07escape\x1bnul"),
            (0x8298, ASCII, bytes(range(128, 256))),  # not UTF-8: read as Windows-1256
        ]
    )
    path = tmp_path / "hostile.jpg"
    path.write_bytes(jpeg(page(13), exif=exif))
    report = run(path)
    meta = report.results["metadata"]
    assert meta["summary"]["software"] == script
    assert len(meta["exif"]["Image"]["ImageDescription"]) < 1100
    assert "\x07" not in json.dumps(meta) and "\\x07" in meta["summary"]["artist"]
    result = CliRunner().invoke(
        main, ["check", "--only", "metadata", "--format", "html", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert script not in result.output and "&lt;script&gt;" in result.output


def test_huge_and_nested_xmp(tmp_path: Path) -> None:
    nested = "<rdf:Bag><rdf:li>" * 200 + "deep" + "</rdf:li></rdf:Bag>" * 200
    events = [("saved", "2003-06-21T16:42:10", f"Tool {i}") for i in range(5000)]
    packet = xmp_packet("Adobe Photoshop 7.0", events).replace(
        b"</rdf:Description>",
        b'<xmp:Label xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        + nested.encode()
        + b"</xmp:Label></rdf:Description>",
    )
    path = tmp_path / "huge_xmp.png"
    image = page(14)
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", packet.decode("utf-8"), zip=True)
    image.save(path, pnginfo=info)
    report = run(path)
    xmp = report.results["metadata"]["xmp"]
    assert len(xmp["history"]) <= 201
    assert len(json.dumps(report_to_dict(report))) < 2_000_000
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>'
    )
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", bomb.decode())
    bombed = tmp_path / "bomb.png"
    image.save(bombed, pnginfo=info)
    problems = run(bombed).results["metadata"]["problems"]
    assert any("XMP" in p for p in problems)


def test_text_documents_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("translation", encoding="utf-8")
    report = analyze(path, only=["metadata"])
    assert report.check("metadata").status == Status.SKIPPED  # type: ignore[union-attr]


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed")
def test_summary_agrees_with_exiftool(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    build_folder(folder)
    out = subprocess.run(
        ["exiftool", "-j", "-n", "-q", str(folder)], capture_output=True, text=True, check=True
    ).stdout
    records = {Path(r["SourceFile"]).name: r for r in json.loads(out)}
    disagreements = []
    compared = 0
    for name, record in sorted(records.items()):
        summary = run(folder / name).results["metadata"]["summary"]
        for field, ours, theirs, agree in compare_summary(summary, record):
            compared += 1
            if not agree:
                disagreements.append((name, field, ours, theirs))
    assert compared > 150 and disagreements == []


def _manifest() -> dict[str, dict[str, Any]]:
    path = SAMPLES / "manifest.json"
    if not path.exists():
        pytest.skip("the samples corpus has not been generated")
    docs = json.loads(path.read_text(encoding="utf-8"))["documents"]
    return {d["path"]: d for d in docs}


def test_metadata_sample() -> None:
    docs = _manifest()
    (path,) = [
        p for p, d in docs.items() if "metadata.editor_software" in d["truth"]["expected_findings"]
    ]
    letter_date = docs[path]["truth"]["dates"][0]
    found = by_code(run(SAMPLES / path, {"date": letter_date}))
    assert found["metadata.editor_software"].severity == Severity.WARNING
    assert {"metadata.timestamp_after_claim", "metadata.timestamp_before_claim"} & set(found)


def test_genuine_samples_raise_no_warning() -> None:
    docs = _manifest()
    for path, doc in docs.items():
        if doc["kind"] in ("genuine", "exemplar", "questioned") and not path.endswith(
            (".txt", ".html")
        ):
            report = run(SAMPLES / path, doc.get("claims"))
            assert all(f.severity < Severity.WARNING for f in report.findings), path


def test_exif_of_webp_and_heic_is_read(tmp_path: Path) -> None:
    import pillow_heif
    from PIL import Image

    from workbench import analyze

    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 13"
    page = Image.new("RGB", (64, 48), (240, 240, 240))
    pillow_heif.register_heif_opener()
    for name in ("phone.webp", "phone.heic"):
        page.save(tmp_path / name, exif=exif.tobytes(), quality=80)
        summary = analyze(tmp_path / name, only=["metadata"]).results["metadata"]["summary"]
        assert (summary["make"], summary["model"]) == ("Apple", "iPhone 13"), name
