"""When a file says it was made or changed: its EXIF and PDF Info timestamps.

The checks compare these with the dates a document prints (a letter dated after the file
that holds it) and with each other. They are read through the metadata layer
(`workbench.formats.metadata`: `read_exif`, `iso_date`, `pdf_date`), so a timestamp means
the same to every check that uses it; checks get them from `Context.file_timestamps`,
computed once per document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from workbench.formats.metadata import read_exif
from workbench.formats.psd import is_psd, read_psd_metadata
from workbench.formats.values import iso_date, pdf_date

#: EXIF tags holding when an image was taken, digitised and changed, with the name each
#: timestamp is reported under.
EXIF_TIMESTAMPS = (
    ("EXIF DateTimeOriginal", "EXIF DateTimeOriginal"),
    ("EXIF DateTimeDigitized", "EXIF DateTimeDigitized"),
    ("Image DateTime", "EXIF DateTime"),
)
#: PDF Info dictionary keys holding when a PDF was made and changed.
PDF_TIMESTAMPS = ("CreationDate", "ModDate")
#: A PDF date down to the day at least (``D:YYYYMMDD...``).
_PDF_DAY = re.compile(r"^(?:D:)?\d{8}")


def carries_exif(data: bytes) -> bool:
    """Whether `data` is a JPEG or a TIFF, the files whose EXIF timestamps are read."""
    return data[:3] == b"\xff\xd8\xff" or data[:4] in (b"II*\x00", b"MM\x00*")


def pdf_timestamp(raw: str) -> str | None:
    """A PDF Info date as ISO 8601 when it names a day, else None.

    The standard form (``D:20010514093000+04'30'``) goes through `pdf_date`; producers that
    write ISO dates instead (``2001-05-14T09:30:00``) through `iso_date`. A date with only a
    year or a month (``D:2001``) names no day to compare with and is left out.
    """
    text = raw.strip()
    if _PDF_DAY.match(text):
        return pdf_date(text)
    return iso_date(text.removeprefix("D:"))


def file_timestamps(data: bytes, pdf_info: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The file's timestamps as ISO 8601 text, by source (``"EXIF DateTime"``, ``"PDF ModDate"``).

    EXIF is read from JPEG, TIFF and Photoshop bytes; PDF dates from the Info dictionary the loader
    keeps in the document's properties (``pdf_info``). Absent, blank or impossible values
    are left out, and damaged metadata gives no timestamps rather than an error.
    """
    out: dict[str, str] = {}
    exif = None
    if carries_exif(data):
        exif = read_exif(data)
    elif is_psd(data):  # Photoshop keeps its EXIF in an image resource
        exif = read_psd_metadata(data).exif
    if exif is not None:
        for tag, name in EXIF_TIMESTAMPS:
            value = iso_date(exif.text(tag))
            if value is not None:
                out[name] = value
    if isinstance(pdf_info, Mapping):
        for key in PDF_TIMESTAMPS:
            raw = pdf_info.get(key)
            value = pdf_timestamp(raw) if isinstance(raw, str) else None
            if value is not None:
                out[f"PDF {key}"] = value
    return out
