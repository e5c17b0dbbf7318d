"""Files without decodable pixels still get a report from the checks that read their bytes.

Real files, written by Pillow and libheif and then cut short, and images in formats whose
pixels the workbench does not decode (GIF, Photoshop): each loads as a document without
pages, the ``file`` check says what could not be read and why, metadata and compression are
read from the bytes, and the checks that need pixels say why they did not run.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.support.fixtures import letter_image
from tests.support.metadata_files import psd_file
from workbench.api import analyze_document
from workbench.loading import load_document
from workbench.model import Report

CHECKS = ("file", "metadata", "compression", "dates", "forensics", "ocr")


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "EPSON"  # Make
    exif[0x0110] = "Perfection V600"  # Model
    exif[0x0131] = "EPSON Scan"  # Software
    exif[0x0132] = "2021:01:20 09:00:00"  # DateTime
    return exif


def _encoded(fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    letter_image(400, 560, seed=2).save(buffer, fmt, **options)
    return buffer.getvalue()


def _jpeg_cut_before_scan() -> bytes:
    whole = _encoded("JPEG", quality=85, exif=_exif())
    return whole[: whole.index(b"\xff\xda")]  # headers and tables, no entropy-coded data


def _png_cut_before_pixels() -> bytes:
    info = PngInfo()
    info.add_text("Software", "GIMP 2.10")
    whole = _encoded("PNG", pnginfo=info)
    return whole[: whole.index(b"IDAT") - 4]


def _tiff_without_pixel_data() -> bytes:
    whole = _encoded("TIFF", compression="tiff_deflate", exif=_exif())
    # the strip offsets point past the end once the file is cut after its directory
    (ifd,) = struct.unpack("<I", whole[4:8])
    (entries,) = struct.unpack("<H", whole[ifd : ifd + 2])
    end_of_ifd = ifd + 2 + 12 * entries + 4
    cut = max(end_of_ifd, 8 + 64)
    return whole[:cut] if cut < len(whole) // 2 else whole[: len(whole) // 8]


def _heic_cut() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    whole = _encoded("HEIF", quality=80)
    return whole[: len(whole) // 3]


def _analyse(tmp_path: Path, name: str, data: bytes) -> Report:
    path = tmp_path / name
    path.write_bytes(data)
    document = load_document(path)
    assert document.pages == () and document.properties["undecoded"]
    return analyze_document(document, only=CHECKS).report


def _status(report: Report) -> dict[str, tuple[str, str]]:
    return {c.name: (c.status.value, c.message or "") for c in report.checks}


@pytest.mark.parametrize(
    ("name", "build", "media_type"),
    [
        ("cut.jpg", _jpeg_cut_before_scan, "image/jpeg"),
        ("cut.png", _png_cut_before_pixels, "image/png"),
        ("cut.tif", _tiff_without_pixel_data, "image/tiff"),
        ("cut.heic", _heic_cut, "image/heic"),
    ],
)
def test_truncated_files_are_reported_from_their_bytes(
    tmp_path: Path,
    name: str,
    build,
    media_type: str,  # type: ignore[no-untyped-def]
) -> None:
    report = _analyse(tmp_path, name, build())
    assert report.document.media_type == media_type
    (finding,) = [f for f in report.findings if f.code == "file.not_decoded"]
    assert "could not be decoded" in finding.title.lower() or "decoded" in finding.detail
    assert finding.evidence["reason"]
    status = _status(report)
    assert status["file"][0] == "ok" and status["metadata"][0] == "ok"
    assert status["compression"][0] == "ok"
    for check in ("forensics", "ocr", "dates"):
        assert status[check][0] == "skipped", status
        assert "could not be decoded" in status[check][1], status
    assert "Traceback" not in repr(report)


def test_truncated_jpeg_keeps_its_metadata_and_tables(tmp_path: Path) -> None:
    report = _analyse(tmp_path, "cut.jpg", _jpeg_cut_before_scan())
    summary = report.results["metadata"]["summary"]
    assert (summary["make"], summary["model"], summary["software"]) == (
        "EPSON",
        "Perfection V600",
        "EPSON Scan",
    )
    assert summary["modified"] == "2021-01-20T09:00:00"
    compression = report.results["compression"]
    assert compression["quality_estimate"] == 85 and compression["truncated"]


def test_truncated_png_keeps_its_text(tmp_path: Path) -> None:
    report = _analyse(tmp_path, "cut.png", _png_cut_before_pixels())
    assert report.results["metadata"]["summary"]["software"] == "GIMP 2.10"
    reason = report.results["file"]["undecoded"]
    assert "PNG" in reason or "png" in reason


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("scan.gif", "image/gif"), ("edited.psd", "image/vnd.adobe.photoshop")],
)
def test_formats_not_decoded_get_a_report(tmp_path: Path, name: str, media_type: str) -> None:
    if name.endswith(".gif"):
        data = _encoded("GIF")
    else:
        data = psd_file(letter_image(200, 280, seed=3), software="Adobe Photoshop 24.1 (Windows)")
    report = _analyse(tmp_path, name, data)
    assert report.document.media_type == media_type
    (finding,) = [f for f in report.findings if f.code == "file.not_decoded"]
    assert "does not decode" in finding.detail
    assert not [f for f in report.findings if f.code == "file.extension_mismatch"]
    if name.endswith(".psd"):
        summary = report.results["metadata"]["summary"]
        assert summary["software"] == "Adobe Photoshop 24.1 (Windows)"
        assert (summary["width"], summary["height"]) == (200, 280)
