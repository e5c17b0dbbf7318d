"""Malformed and hostile files, built by code: what a leak or an attacker may hand over.

Every builder returns bytes (or writes a folder entry that is not a plain file); the corpus
is written by `write_corpus` into a folder for the loading, pipeline and batch tests.
"""

from __future__ import annotations

import zlib


def raw_pdf(objects: list[bytes], trailer: bytes = b"", header: bytes = b"%PDF-1.4\n") -> bytes:
    """A PDF of `objects` (numbered from 1, object 1 the catalogue) with a correct xref table."""
    out = header
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer.decode()} >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return out


def pdf_stream(dictionary: bytes, data: bytes, *, deflate: bool = False) -> bytes:
    """A stream object's body: `dictionary` entries, its length, and the (deflated) data."""
    if deflate:
        data = zlib.compress(data, 9)
        dictionary += b" /Filter /FlateDecode"
    return (
        b"<< "
        + dictionary
        + f" /Length {len(data)} >>\nstream\n".encode()
        + data
        + (b"\nendstream")
    )


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def pdf_page_tree_loop() -> bytes:
    """A page tree whose Pages node lists itself among its kids."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            PAGE,
        ]
    )


def pdf_page_tree_self_only() -> bytes:
    """A page tree whose only kid is itself."""
    return raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]
    )


def deflate_bomb(size: int, unit: bytes = b"\x00") -> bytes:
    """`size` bytes of `unit` repeated, deflated (about a thousandth of that)."""
    compressor = zlib.compressobj(9)
    chunk = unit * (1 << 20 // len(unit))
    parts = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    parts.append(compressor.flush())
    return b"".join(parts)


def pdf_metadata_bomb(size: int = 1 << 30) -> bytes:
    """A one-page PDF whose XMP metadata stream inflates to `size` bytes."""
    bomb = deflate_bomb(size, b" ")
    metadata = (
        b"<< /Type /Metadata /Subtype /XML /Filter /FlateDecode /Length "
        + str(len(bomb)).encode()
        + b" >>\nstream\n"
        + bomb
        + b"\nendstream"
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE,
            metadata,
        ]
    )


def jpeg_with_exif_segments(count: int, size: int = 60_000) -> bytes:
    """A small JPEG carrying `count` Exif segments of about `size` bytes each."""
    import io
    import struct

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 160)).save(buffer, "JPEG", quality=90)
    jpeg = buffer.getvalue()
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    exif[0x010E] = "x" * size
    payload = exif.tobytes()
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment * count + jpeg[2:]
