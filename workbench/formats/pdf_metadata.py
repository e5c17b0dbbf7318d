"""PDF metadata: document information, the XMP stream and the incremental-save history.

Reads the document information dictionary and XMP metadata stream through pikepdf, and the
chain of cross-reference sections that incremental saves append from the bytes themselves.
Streams are inflated under a byte limit, so a compression bomb is refused, not expanded.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

from workbench.formats.values import MAX_ITEMS, MAX_XMP_BYTES, json_safe

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
