"""Reading the metadata an image or PDF carries about itself, safely and as plain JSON data.

Pure functions over the file's bytes: EXIF (every IFD, GPS and the embedded thumbnail, through
exifread), IPTC (Pillow's IIM reader), ICC profile headers and descriptions (parsed here: the
``desc`` and ``mluc`` tag types of ICC.1), PNG text chunks and TIFF tags. XMP packets are read
by `workbench.formats.xmp`, PDF document information and revisions by
`workbench.formats.pdf_metadata`, and the bounds and cleaning they all share live in
`workbench.formats.values`.

Metadata is written by whoever had the file last and may be hostile: every string is capped
and stripped of control characters, every container is capped in size and depth, bytes become
hex, and nothing here raises for malformed input (problems are collected and returned).
"""

from __future__ import annotations

import io
import logging
import math
import struct
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Any

import exifread
from PIL import Image, IptcImagePlugin

from workbench.formats.values import (
    MAX_ITEMS,
    MAX_STRING,
    MAX_XMP_BYTES,
    clean_text,
    decode_text,
    iso_date,
    json_safe,
)

# exifread logs a warning for every file without EXIF (most PNGs); what it could not read is
# collected as a problem of the check instead.
logging.getLogger("exifread").setLevel(logging.ERROR)

# --------------------------------------------------------------------------------------------
# EXIF
# --------------------------------------------------------------------------------------------


@dataclass
class Exif:
    """EXIF read by exifread: tags by IFD, the thumbnail bytes, and problems met."""

    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    thumbnail: bytes | None = None
    problems: list[str] = field(default_factory=list)

    def text(self, key: str) -> str | None:
        """Printable value of tag ``"<IFD> <Name>"`` (e.g. ``"Image Software"``), stripped."""
        tag = self.raw.get(key)
        if tag is None:
            return None
        values = getattr(tag, "values", None)
        if isinstance(values, str):
            text = values
        elif isinstance(values, bytes):
            text = decode_text(values)
        else:
            text = str(getattr(tag, "printable", tag))
        text = text.strip().rstrip("\x00").strip()
        return clean_text(text) if text else None

    def values(self, key: str) -> list[Any]:
        """Raw values of a tag as a list ([] when absent)."""
        tag = self.raw.get(key)
        values = getattr(tag, "values", None)
        if values is None:
            return []
        if isinstance(values, str | bytes):
            return [values]
        return list(values)


def read_exif(data: bytes) -> Exif:
    """All EXIF IFDs (Image, EXIF, GPS, Interoperability, Thumbnail) and the thumbnail bytes."""
    out = Exif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tags = exifread.process_file(
                io.BytesIO(data), details=False, extract_thumbnail=True, truncate_tags=False
            )
    except Exception as exc:  # exifread raises many types on damaged input
        out.problems.append(f"EXIF could not be read: {type(exc).__name__}: {exc}"[:300])
        return out
    for key, tag in list(tags.items())[: MAX_ITEMS * 4]:
        if key in ("JPEGThumbnail", "TIFFThumbnail"):
            if isinstance(tag, bytes) and tag:
                out.thumbnail = tag
            continue
        ifd, _, name = key.partition(" ")
        if not name:
            continue
        out.raw[key] = tag
        group = out.tags.setdefault(ifd, {})
        if len(group) >= MAX_ITEMS:
            continue
        values = getattr(tag, "values", tag)
        if isinstance(values, list) and len(values) == 1:
            values = values[0]
        if isinstance(values, bytes):
            values = decode_text(values) if name not in ("MakerNote",) else values
        group[name] = json_safe(values)
    return out


def gps_decimal(exif: Exif, axis: str) -> float | None:
    """Decimal degrees of ``GPSLatitude`` or ``GPSLongitude``, south and west negative."""
    parts = exif.values(f"GPS GPS{axis}")
    if not parts:
        return None
    total = 0.0
    for value, scale in zip(parts[:3], (1.0, 60.0, 3600.0), strict=False):
        num, den = getattr(value, "num", value), getattr(value, "den", 1)
        try:
            if not den:
                return None
            total += float(num) / float(den) / scale
        except (TypeError, ValueError):
            return None
    ref = (exif.text(f"GPS GPS{axis}Ref") or "").upper()[:1]
    if ref in ("S", "W"):
        total = -total
    limit = 90.0 if axis == "Latitude" else 180.0
    if not math.isfinite(total) or abs(total) > limit:
        return None
    return round(total, 7)


# --------------------------------------------------------------------------------------------
# IPTC
# --------------------------------------------------------------------------------------------

IPTC_NAMES = {
    (1, 90): "CodedCharacterSet",
    (2, 5): "ObjectName",
    (2, 25): "Keywords",
    (2, 40): "SpecialInstructions",
    (2, 55): "DateCreated",
    (2, 60): "TimeCreated",
    (2, 62): "DigitalCreationDate",
    (2, 63): "DigitalCreationTime",
    (2, 65): "OriginatingProgram",
    (2, 70): "ProgramVersion",
    (2, 80): "By-line",
    (2, 85): "By-lineTitle",
    (2, 90): "City",
    (2, 101): "Country-PrimaryLocationName",
    (2, 105): "Headline",
    (2, 110): "Credit",
    (2, 115): "Source",
    (2, 116): "CopyrightNotice",
    (2, 120): "Caption-Abstract",
    (2, 122): "Writer-Editor",
}


def read_iptc(image: Image.Image) -> tuple[dict[str, Any], list[str]]:
    """IPTC IIM datasets (from JPEG APP13 or the TIFF IPTC tag) by name, and problems."""
    try:
        info = IptcImagePlugin.getiptcinfo(image)  # type: ignore[arg-type]
    except Exception as exc:  # malformed IIM records
        return {}, [f"IPTC could not be read: {type(exc).__name__}: {exc}"[:300]]
    return _iptc_fields(info), []


def read_iim(data: bytes) -> tuple[dict[str, Any], list[str]]:
    """IPTC IIM datasets held as raw bytes (a Photoshop IPTC resource) by name, and problems.

    Each dataset is the tag byte 0x1C, its record and dataset numbers and a two-byte length
    (an extended length is refused as damage: no text field needs one); one pass forward.
    """
    info: dict[tuple[int, int], list[bytes]] = {}
    offset, problems = 0, []
    while offset + 5 <= len(data) and len(info) < MAX_ITEMS:
        if data[offset] != 0x1C:
            if data[offset:].strip(b"\x00"):  # writers pad the block with zeros
                problems.append(f"IPTC dataset at byte {offset} has no 0x1C tag marker")
            break
        record, dataset = data[offset + 1], data[offset + 2]
        (length,) = struct.unpack(">H", data[offset + 3 : offset + 5])
        if length & 0x8000:
            problems.append(f"IPTC dataset {record}:{dataset} has an extended length")
            break
        info.setdefault((record, dataset), []).append(data[offset + 5 : offset + 5 + length])
        offset += 5 + length
    values = {k: v[0] if len(v) == 1 else v for k, v in info.items()}
    return _iptc_fields(values), problems


def _iptc_fields(info: dict[Any, Any] | None) -> dict[str, Any]:
    """IIM datasets keyed ``(record, dataset)`` as named, JSON-safe values."""
    if not info:
        return {}
    out: dict[str, Any] = {}
    for key, value in list(info.items())[:MAX_ITEMS]:
        if not (isinstance(key, tuple) and len(key) == 2):
            continue
        name = IPTC_NAMES.get((int(key[0]), int(key[1])), f"{key[0]}:{key[1]}")
        vals = value if isinstance(value, list) else [value]
        texts = [decode_text(v) if isinstance(v, bytes) else str(v) for v in vals]
        out[name] = json_safe(texts if len(texts) > 1 else texts[0])
    return out


# --------------------------------------------------------------------------------------------
# ICC
# --------------------------------------------------------------------------------------------

_ICC_CLASSES = {
    b"scnr": "input device (scanner, camera)",
    b"mntr": "display",
    b"prtr": "output (printer)",
    b"link": "device link",
    b"spac": "colour space",
    b"abst": "abstract",
    b"nmcl": "named colour",
}


def _icc_text(profile: bytes, offset: int, size: int) -> str | None:
    blob = profile[offset : offset + size]
    kind = blob[:4]
    if kind == b"desc" and len(blob) >= 12:
        (count,) = struct.unpack(">I", blob[8:12])
        return decode_text(blob[12 : 12 + min(count, MAX_STRING)]).strip() or None
    if kind == b"mluc" and len(blob) >= 16:
        n, rec = struct.unpack(">II", blob[8:16])
        if n < 1 or rec < 12:
            return None
        length, off = struct.unpack(">II", blob[16 + 4 : 16 + 12])
        text = blob[off : off + min(length, 2 * MAX_STRING)]
        return text.decode("utf-16-be", "replace").rstrip("\x00").strip() or None
    if kind == b"text" and len(blob) > 8:
        return decode_text(blob[8 : 8 + MAX_STRING]).strip() or None
    return None


def read_icc(profile: bytes) -> tuple[dict[str, Any], list[str]]:
    """Header fields and the description, copyright, maker and model texts of an ICC profile."""
    if len(profile) < 132:
        return {"bytes": len(profile)}, ["ICC profile is shorter than its 128-byte header"]
    out: dict[str, Any] = {"bytes": len(profile)}
    try:
        major, minor = profile[8], profile[9] >> 4
        out["version"] = f"{major}.{minor}"
        out["cmm"] = clean_text(profile[4:8].decode("latin-1").strip("\x00 "))
        out["device_class"] = _ICC_CLASSES.get(
            profile[12:16], clean_text(profile[12:16].decode("latin-1"))
        )
        out["colour_space"] = clean_text(profile[16:20].decode("latin-1").strip())
        out["connection_space"] = clean_text(profile[20:24].decode("latin-1").strip())
        y, mo, d, h, mi, s = struct.unpack(">6H", profile[24:36])
        out["created"] = iso_date(f"{y:04d}:{mo:02d}:{d:02d} {h:02d}:{mi:02d}:{s:02d}")
        out["creator"] = clean_text(profile[80:84].decode("latin-1").strip("\x00 ")) or None
        (count,) = struct.unpack(">I", profile[128:132])
        names = {b"desc": "description", b"cprt": "copyright", b"dmnd": "manufacturer",
                 b"dmdd": "model"}  # fmt: skip
        for i in range(min(count, 256)):
            entry = profile[132 + 12 * i : 144 + 12 * i]
            if len(entry) < 12:
                break
            sig, off, size = entry[:4], *struct.unpack(">II", entry[4:12])
            if sig in names:
                text = _icc_text(profile, off, size)
                if text:
                    out[names[sig]] = clean_text(text)
    except (struct.error, IndexError, ValueError) as exc:
        return out, [f"ICC profile is malformed: {exc}"]
    return out, []


# --------------------------------------------------------------------------------------------
# PNG
# --------------------------------------------------------------------------------------------


def png_text_chunks(data: bytes) -> tuple[dict[str, str], list[str]]:
    """tEXt, zTXt and iTXt chunks of a PNG by keyword (capped; zTXt/iTXt decompressed).

    The tIME chunk, when present, is under ``"tIME"`` as ISO 8601 text.
    """
    out: dict[str, str] = {}
    problems: list[str] = []
    pos = 8
    while pos + 8 <= len(data) and len(out) < MAX_ITEMS:
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IEND":
            break
        try:
            if kind == b"tIME" and len(body) == 7:
                # the time of the last change of the image, UTC by the PNG specification;
                # kept as written, as ExifTool reports it
                year, month, day, hour, minute, second = struct.unpack(">HBBBBB", body)
                out["tIME"] = (
                    f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
                )
            elif kind == b"tEXt":
                key, _, text = body.partition(b"\x00")
                out[decode_text(key)] = clean_text(text.decode("latin-1"))
            elif kind == b"zTXt":
                key, _, rest = body.partition(b"\x00")
                d = zlib.decompressobj()
                out[decode_text(key)] = clean_text(
                    decode_text(d.decompress(rest[1:], 4 * MAX_STRING))
                )
            elif kind == b"iTXt":
                key, _, rest = body.partition(b"\x00")
                compressed = rest[:1] == b"\x01"
                rest = rest[2:]
                _lang, _, rest = rest.partition(b"\x00")
                _tkey, _, text = rest.partition(b"\x00")
                if compressed:
                    text = zlib.decompressobj().decompress(text, MAX_XMP_BYTES + 1)
                out[decode_text(key)] = (
                    decode_text(text)
                    if key == b"XML:com.adobe.xmp"
                    else clean_text(decode_text(text))
                )
        except (zlib.error, ValueError) as exc:
            problems.append(f"PNG text chunk unreadable: {exc}")
    return out, problems
