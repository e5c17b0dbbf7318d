"""File timestamps read through the metadata layer, and shared by the context."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from workbench.context import Context
from workbench.formats.timestamps import file_timestamps, pdf_timestamp
from workbench.loading import load_document


def _image(taken: str | None, changed: str, fmt: str = "JPEG") -> bytes:
    exif = Image.Exif()
    exif[0x0132] = changed  # DateTime
    if taken is not None:  # DateTimeOriginal, DateTimeDigitized (Pillow's TIFF writer can't)
        exif[0x8769] = {0x9003: taken, 0x9004: taken}
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def test_exif_timestamps_of_a_jpeg_by_source() -> None:
    stamps = file_timestamps(_image("2003:06:20 09:15:00", "2003:06:21 16:42:10"))
    assert stamps == {
        "EXIF DateTimeOriginal": "2003-06-20T09:15:00",
        "EXIF DateTimeDigitized": "2003-06-20T09:15:00",
        "EXIF DateTime": "2003-06-21T16:42:10",
    }


def test_blank_zeroed_and_impossible_exif_dates_are_left_out() -> None:
    assert file_timestamps(_image("0000:00:00 00:00:00", "2001:02:30 10:00:00")) == {}
    assert file_timestamps(b"\xff\xd8\xff garbage") == {}


def test_exif_is_read_from_jpeg_and_tiff_only() -> None:
    tiff = file_timestamps(_image(None, "2003:06:21 16:42:10", "TIFF"))
    assert tiff == {"EXIF DateTime": "2003-06-21T16:42:10"}
    assert file_timestamps(_image("2003:06:20 09:15:00", "2003:06:21 16:42:10", "PNG")) == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("D:20010514093000+04'30'", "2001-05-14T09:30:00+04:30"),
        ("D:20010514", "2001-05-14T00:00:00"),
        ("2001-05-14T10:00:00", "2001-05-14T10:00:00"),  # ISO, as some producers write
        ("D:2001", None),  # a year names no day to compare with
        ("D:19990231", None),
        ("garbage", None),
    ],
)
def test_pdf_info_dates(raw: str, expected: str | None) -> None:
    assert pdf_timestamp(raw) == expected


def test_context_reads_a_pdfs_info_dates_once_and_shares_them(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(buffer, format="PDF", resolution=75)
    path = tmp_path / "letter.pdf"
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        pdf.docinfo["/CreationDate"] = "D:20010514093000+04'30'"
        pdf.docinfo["/ModDate"] = "D:20010514094500+04'30'"
        pdf.save(path)
    context = Context(document=load_document(path))
    stamps = context.file_timestamps
    assert dict(stamps) == {
        "PDF CreationDate": "2001-05-14T09:30:00+04:30",
        "PDF ModDate": "2001-05-14T09:45:00+04:30",
    }
    assert context.for_check("dates", None).file_timestamps is stamps
    with pytest.raises(TypeError):
        stamps["PDF ModDate"] = "2020-01-01"  # type: ignore[index]
