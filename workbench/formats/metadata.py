"""Reading the metadata an image or PDF carries about itself, safely and as plain JSON data.

Pure functions over the file's bytes: EXIF (every IFD, GPS and the embedded thumbnail, through
exifread), XMP packets (parsed with defusedxml, including the ``xmpMM:History`` editing
events), IPTC (Pillow's IIM reader), ICC profile headers and descriptions (parsed here: the
``desc`` and ``mluc`` tag types of ICC.1), PNG text chunks, TIFF tags, and PDF document
information, XMP and the chain of cross-reference sections that incremental saves append.

Metadata is written by whoever had the file last and may be hostile: every string is capped
and stripped of control characters, every container is capped in size and depth, bytes become
hex, and nothing here raises for malformed input (problems are collected and returned).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import re
import struct
import warnings
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import defusedxml.ElementTree as SafeET
import exifread
from PIL import Image, IptcImagePlugin

# exifread logs a warning for every file without EXIF (most PNGs); what it could not read is
# collected as a problem of the check instead.
logging.getLogger("exifread").setLevel(logging.ERROR)

#: Longest string kept in results; longer ones are cut with a note of the full length.
MAX_STRING = 1000
#: Most items kept from any list, and keys from any mapping.
MAX_ITEMS = 200
#: Deepest nesting kept.
MAX_DEPTH = 6
#: Largest XMP packet parsed (bytes); larger packets are reported but not parsed.
MAX_XMP_BYTES = 2_000_000
#: Most bytes of a binary value shown as hex.
MAX_HEX = 64

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str, limit: int = MAX_STRING) -> str:
    """`value` without control characters (shown as backslash-x escapes), cut to `limit`."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if len(text) > limit:
        text = text[:limit] + f"... [{len(text)} characters]"
    return text


def decode_text(raw: bytes) -> str:
    """Bytes of a metadata string as text: UTF-8 when valid, else Windows-1256 or Latin-1."""
    raw = raw.rstrip(b"\x00")
    for encoding in ("utf-8", "cp1256"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def json_safe(value: Any, depth: int = 0) -> Any:
    """A JSON-serialisable, capped copy of `value` (str, number, bool, None, list, dict)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        hexed = raw[:MAX_HEX].hex()
        return hexed + (f"... [{len(raw)} bytes]" if len(raw) > MAX_HEX else "")
    if isinstance(value, Fraction):
        return float(value) if value.denominator else None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if depth >= MAX_DEPTH:
        return "[nested too deeply]"
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for i, (k, v) in enumerate(value.items()):
            if i >= MAX_ITEMS:
                out["..."] = f"[{len(value)} entries]"
                break
            out[clean_text(str(k), 200)] = json_safe(v, depth + 1)
        return out
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        kept = [json_safe(v, depth + 1) for v in items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            kept.append(f"[{len(items)} items]")
        return kept
    num, den = getattr(value, "num", None), getattr(value, "den", None)
    if isinstance(num, int) and isinstance(den, int):  # exifread's Ratio
        return num / den if den else None
    return clean_text(str(value))


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_EXIF_DATE = re.compile(
    r"^\s*(\d{4})[:\-](\d{2})[:\-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)
_PDF_DATE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(Z|[+-]\d{2}'?\d{2}'?)?"
)


def _offset(text: str | None) -> str:
    if not text:
        return ""
    t = text.strip().replace("'", "")
    if t == "Z":
        return "Z"
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", t)
    return f"{m.group(1)}{m.group(2)}:{m.group(3)}" if m else ""


def iso_date(text: str | None, offset: str | None = None) -> str | None:
    """EXIF/XMP/IPTC date text as ISO 8601 (``YYYY:MM:DD HH:MM:SS`` -> ``YYYY-MM-DDTHH:MM:SS``).

    `offset` (EXIF ``OffsetTime*``, e.g. ``+03:30``) is appended when the date has none.
    Returns None for blank, zeroed (``0000:00:00``) or impossible dates.
    """
    if not text:
        return None
    m = _EXIF_DATE.match(text)
    if not m:
        return None
    y, mo, d, hh, mm, ss, tz = m.groups()
    try:
        dt.date(int(y), int(mo), int(d))
        if hh is not None:
            dt.time(int(hh), int(mm), int(ss or 0))
    except ValueError:
        return None
    out = f"{y}-{mo}-{d}"
    if hh is not None:
        out += f"T{hh}:{mm}:{ss or '00'}"
        out += _offset(tz) or _offset(offset)
    return out


def pdf_date(text: str | None) -> str | None:
    """A PDF date string (``D:YYYYMMDDHHmmSSOHH'mm'``) as ISO 8601, or None."""
    if not text:
        return None
    m = _PDF_DATE.match(text.strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss, tz = m.groups()
    try:
        parsed = dt.datetime(int(y), int(mo or 1), int(d or 1), int(hh or 0), int(mi or 0),
                             int(ss or 0))  # fmt: skip
    except ValueError:
        return None
    return parsed.isoformat() + _offset(tz)


def parse_iso(text: str | None) -> dt.datetime | None:
    """An ISO date or date-time from the functions above as a naive datetime (local clock)."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=None)


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
# XMP
# --------------------------------------------------------------------------------------------

NAMESPACES = {
    "adobe:ns:meta/": "x",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://ns.adobe.com/xap/1.0/t/pg/": "xmpTPg",
    "http://www.gimp.org/xmp/": "GIMP",
}
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_XMP_START = re.compile(rb"<x:xmpmeta|<x:xapmeta|<rdf:RDF")
_XMP_END = {
    b"<x:xmpmeta": b"</x:xmpmeta>",
    b"<x:xapmeta": b"</x:xapmeta>",
    b"<rdf:RDF": b"</rdf:RDF>",
}


def _qname(tag: str) -> str:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        prefix = NAMESPACES.get(uri)
        if prefix is None:
            prefix = re.sub(r"[^A-Za-z0-9]", "", uri.rstrip("/#").rsplit("/", 1)[-1]) or "ns"
        return f"{prefix}:{local}"
    return tag


def find_xmp(data: bytes) -> bytes | None:
    """The first XMP packet (``<x:xmpmeta>...</x:xmpmeta>``) embedded in `data`, as bytes."""
    m = _XMP_START.search(data)
    if not m:
        return None
    end_tag = _XMP_END[m.group()]
    end = data.find(end_tag, m.start())
    if end < 0:
        return data[m.start() : m.start() + MAX_XMP_BYTES + 1]
    return data[m.start() : end + len(end_tag)]


def _rdf_value(elem: Any, depth: int) -> Any:
    """The value of an RDF property element: text, a list (Seq/Bag/Alt), or a structure."""
    if depth > MAX_DEPTH:
        return "[nested too deeply]"
    resource = elem.get(f"{_RDF}resource")
    if resource is not None:
        return resource
    children = list(elem)
    if not children:
        attrs = {_qname(k): v for k, v in elem.attrib.items() if not k.startswith(_RDF)}
        if attrs and not (elem.text or "").strip():
            return attrs
        return (elem.text or "").strip()
    first = children[0]
    if first.tag in (f"{_RDF}Seq", f"{_RDF}Bag", f"{_RDF}Alt"):
        items = [_rdf_value(li, depth + 1) for li in list(first)[:MAX_ITEMS]]
        if first.tag == f"{_RDF}Alt" and len(items) == 1:
            return items[0]
        return items
    if first.tag == f"{_RDF}Description" and len(children) == 1:
        return _description(first, depth + 1)
    if elem.get(f"{_RDF}parseType") == "Resource" or children:
        return _description(elem, depth + 1)
    return (elem.text or "").strip()


def _description(elem: Any, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in elem.attrib.items():
        if not k.startswith(_RDF) and len(out) < MAX_ITEMS:
            out[_qname(k)] = v
    for child in list(elem)[:MAX_ITEMS]:
        out[_qname(child.tag)] = _rdf_value(child, depth + 1)
    return out


def parse_xmp(packet: bytes) -> tuple[dict[str, Any], list[str]]:
    """Properties of an XMP packet as ``{"prefix:name": value}``, and problems met.

    Parsed with defusedxml (no DTDs, no entity expansion, no external resources). Lists
    (rdf:Seq/Bag/Alt) become lists, structures become dicts; ``xmpMM:History`` is kept as the
    list of its events (dicts with ``stEvt:action``, ``stEvt:when``, ``stEvt:softwareAgent``...).
    """
    problems: list[str] = []
    if len(packet) > MAX_XMP_BYTES:
        return {}, [f"XMP packet of {len(packet):,} bytes is too large to parse"]
    try:
        root = SafeET.fromstring(packet)
    except Exception as exc:  # ParseError, defusedxml's forbidden constructs, ...
        return {}, [f"XMP packet is not well-formed XML: {type(exc).__name__}: {exc}"[:300]]
    props: dict[str, Any] = {}
    for desc in root.iter(f"{_RDF}Description"):
        for key, value in _description(desc, 0).items():
            if key not in props and len(props) < MAX_ITEMS:
                props[key] = value
    return props, problems


def xmp_history(props: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``xmpMM:History`` events as dicts with keys action, when, software_agent, changed."""
    history = props.get("xmpMM:History")
    if not isinstance(history, list):
        return []
    out = []
    for event in history[:MAX_ITEMS]:
        if not isinstance(event, dict):
            continue
        out.append(
            {
                "action": event.get("stEvt:action"),
                "when": event.get("stEvt:when"),
                "software_agent": event.get("stEvt:softwareAgent"),
                "changed": event.get("stEvt:changed"),
                "instance_id": event.get("stEvt:instanceID"),
            }
        )
    return out


def xmp_text(props: Mapping[str, Any], key: str) -> str | None:
    """A property as one string: the first item of a list, None when empty or structured."""
    value = props.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        value = value.strip()
        return clean_text(value) if value else None
    return None


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
    if not info:
        return {}, []
    out: dict[str, Any] = {}
    for key, value in list(info.items())[:MAX_ITEMS]:
        if not (isinstance(key, tuple) and len(key) == 2):
            continue
        name = IPTC_NAMES.get((int(key[0]), int(key[1])), f"{key[0]}:{key[1]}")
        vals = value if isinstance(value, list) else [value]
        texts = [decode_text(v) if isinstance(v, bytes) else str(v) for v in vals]
        out[name] = json_safe(texts if len(texts) > 1 else texts[0])
    return out, []


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
# PDF
# --------------------------------------------------------------------------------------------

_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_PREV = re.compile(rb"/Prev\s+(\d+)")
_EOF = re.compile(rb"%%EOF")


def pdf_revisions(data: bytes) -> dict[str, Any]:
    """Cross-reference sections reachable from the last ``startxref`` through ``/Prev``.

    A PDF saved once has one section (two when linearized: the first-page section points to
    the main one); every incremental save appends another. Returns the section offsets, the
    number of incremental updates, the offsets of every ``%%EOF`` (each ends a revision a
    reviewer can cut out), and whether the file is linearized.
    """
    starts = list(_STARTXREF.finditer(data))
    eofs = [m.end() for m in _EOF.finditer(data)][:MAX_ITEMS]
    linearized = b"/Linearized" in data[:2048]
    sections: list[int] = []
    if starts:
        offset: int | None = int(starts[-1].group(1))
        while offset is not None and offset not in sections and len(sections) < 1000:
            if not 0 <= offset < len(data):
                break
            sections.append(offset)
            window = data[offset : offset + 1_000_000]
            if window.startswith(b"xref"):
                t = window.find(b"trailer")
                end = window.find(b">>", t) if t >= 0 else -1
                dictionary = window[t : end + 2] if t >= 0 and end >= 0 else b""
            else:  # a cross-reference stream: its dictionary precedes "stream"
                end = window.find(b"stream")
                dictionary = window[: end if end >= 0 else 4096]
            m = _PREV.search(dictionary)
            offset = int(m.group(1)) if m else None
    # A linearized file is written with two sections (or two %%EOF) in one save.
    revisions_by_eof = max(len(eofs) - (1 if linearized and len(eofs) > 1 else 0), 1)
    revisions_by_xref = max(len(sections) - (1 if linearized and len(sections) > 1 else 0), 1)
    return {
        "xref_sections": len(sections),
        "xref_offsets": sections[:MAX_ITEMS],
        "eof_markers": len(eofs),
        "eof_offsets": eofs,
        "linearized": linearized,
        "incremental_updates": max(revisions_by_eof, revisions_by_xref) - 1,
    }


def inflate_bounded(raw: bytes, limit: int) -> bytes | None:
    """`raw` zlib data inflated, or None when it inflates to more than `limit` bytes.

    Never holds more than `limit` bytes of output: a 1 MB stream can inflate to 1 GB.
    """
    d = zlib.decompressobj()
    try:
        out = d.decompress(raw, limit + 1)
    except zlib.error:
        return b""
    return None if len(out) > limit or d.unconsumed_tail else out


def pdf_stream_bounded(stream: Any, limit: int) -> bytes | None:
    """A pikepdf stream's decoded bytes, or None when they would exceed `limit` bytes.

    Unfiltered and Flate streams are decoded here with the bound; other filters (rare for
    metadata) only when the raw stream is small enough that no filter can blow it past.
    """
    import pikepdf

    raw = bytes(stream.read_raw_bytes())
    filters = stream.get("/Filter")
    if filters is None:
        return raw if len(raw) <= limit else None
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
    if names == ["/FlateDecode"] and stream.get("/DecodeParms") is None:
        return inflate_bounded(raw, limit)
    if len(raw) * 1100 <= limit:  # deflate's worst ratio is about 1032:1
        return bytes(stream.read_bytes())
    return None


def read_pdf(data: bytes) -> tuple[dict[str, Any], bytes | None, list[str]]:
    """PDF document information, the XMP metadata stream, and problems met."""
    import pikepdf

    info: dict[str, Any] = {}
    problems: list[str] = []
    xmp: bytes | None = None
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            info["pdf_version"] = str(pdf.pdf_version)
            info["pages"] = len(pdf.pages)
            docinfo: dict[str, Any] = {}
            try:
                for key, value in list(pdf.docinfo.items())[:MAX_ITEMS]:
                    try:
                        docinfo[str(key).lstrip("/")] = str(value)
                    except Exception:  # non-string objects
                        docinfo[str(key).lstrip("/")] = repr(value)[:200]
            except Exception as exc:
                problems.append(f"PDF document information unreadable: {exc}"[:300])
            info["info"] = json_safe(docinfo)
            try:
                meta = pdf.Root.get("/Metadata")
                if meta is not None:
                    xmp = pdf_stream_bounded(meta, MAX_XMP_BYTES)
                    if xmp is None:
                        problems.append(
                            f"PDF XMP metadata stream decodes to more than {MAX_XMP_BYTES:,} "
                            "bytes (a decompression bomb?); not read"
                        )
            except Exception as exc:
                problems.append(f"PDF XMP metadata stream unreadable: {exc}"[:300])
            info["encrypted"] = bool(pdf.is_encrypted)
    except Exception as exc:  # pikepdf.PdfError and friends
        problems.append(f"PDF structure could not be read: {type(exc).__name__}: {exc}"[:300])
    info["revisions"] = pdf_revisions(data)
    return info, xmp, problems


# --------------------------------------------------------------------------------------------
# PNG
# --------------------------------------------------------------------------------------------


def png_text_chunks(data: bytes) -> tuple[dict[str, str], list[str]]:
    """tEXt, zTXt and iTXt chunks of a PNG by keyword (capped; zTXt/iTXt decompressed)."""
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
            if kind == b"tEXt":
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


def first_present(values: Iterable[str | None]) -> str | None:
    """The first value that is neither None nor empty."""
    return next((v for v in values if v), None)
