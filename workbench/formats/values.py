"""Values read from a file's metadata made safe and plain: bounds, text, JSON and dates.

Metadata is written by whoever had the file last and may be hostile: every string is capped
and stripped of control characters, every container is capped in size and depth, and bytes
become hex. The date parsers read the EXIF, ISO 8601 and PDF date forms into ISO text. The
readers of each format (`workbench.formats.metadata`, `.xmp`, `.pdf_metadata`) share these.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

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


def first_present(values: Iterable[str | None]) -> str | None:
    """The first value that is neither None nor empty."""
    return next((v for v in values if v), None)
