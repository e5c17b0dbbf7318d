"""Builders of malformed and hostile files: PDFs, bombs, broken PNG, JPEG and TIFF structures.

Each builder returns the bytes of one file, made by code so that nothing hostile is committed;
`tests.support.hostile` assembles them into the corpus the loading, pipeline and batch tests read.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=8)
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


def png_chunk(kind: bytes, data: bytes) -> bytes:
    import struct

    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def with_png_chunk(png: bytes, kind: bytes, data: bytes) -> bytes:
    """`png` with one more chunk placed right after IHDR."""
    return png[:33] + png_chunk(kind, data) + png[33:]


def jpeg_with_app1(jpeg: bytes, payload: bytes) -> bytes:
    import struct

    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&lol9;</dc:title>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&xxe;</dc:title>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def tiff_ifd_loop(kind: str) -> bytes:
    """A little-endian TIFF (8x8 grey) whose IFD chain or Exif pointer loops."""
    import struct

    pixels = b"\x80" * 64
    entries = [
        (256, 3, 1, 8),  # width
        (257, 3, 1, 8),  # height
        (258, 3, 1, 8),  # bits per sample
        (259, 3, 1, 1),  # no compression
        (262, 3, 1, 1),  # black is zero
        (273, 4, 1, 0),  # strip offset (patched)
        (278, 3, 1, 8),  # rows per strip
        (279, 4, 1, 64),  # strip byte count
    ]
    if kind == "exif-self":
        entries.append((34665, 4, 1, 8))  # Exif IFD pointer back to IFD0
    if kind == "huge-count":
        entries.append((270, 2, 0x7FFFFFFF, 100))  # a description of 2 GB at offset 100
    ifd_size = 2 + 12 * len(entries) + 4
    data_offset = 8 + ifd_size
    body = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        if tag == 273:
            value = data_offset
        body += struct.pack("<HHII", tag, typ, count, value)
    next_ifd = {"next-self": 8, "next-out-of-range": 0x7FFFFFF0}.get(kind, 0)
    body += struct.pack("<I", next_ifd)
    return b"II*\x00" + struct.pack("<I", 8) + body + pixels


def huge_header(kind: str, size: tuple[int, int]) -> bytes:
    """A tiny file whose header declares a page of `size` pixels."""
    import io
    import struct

    from PIL import Image

    if kind == "jpeg":
        buffer = io.BytesIO()
        Image.new("L", (8, 8)).save(buffer, "JPEG")
        data = bytearray(buffer.getvalue())
        at = data.find(b"\xff\xc0")
        struct.pack_into(">HH", data, at + 5, size[1], size[0])
        return bytes(data)
    if kind == "webp":
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, "WEBP", lossless=True)
        data = bytearray(buffer.getvalue())
        # VP8L: 14 bits width-1, 14 bits height-1 after the signature byte
        bits = (size[0] - 1) | ((size[1] - 1) << 14)
        at = data.find(b"VP8L") + 9
        data[at : at + 4] = (
            bits | (int.from_bytes(data[at : at + 4], "little") & ~0xFFFFFFF)
        ).to_bytes(4, "little")
        return bytes(data)
    header = struct.pack("<2sIHHI", b"BM", 54 + 16, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, size[0], size[1], 1, 24, 0, 16, 2835, 2835, 0, 0)
    return header + info + b"\x00" * 16


def png_huge_header() -> bytes:
    import struct

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + png_chunk(b"IEND", b"")
    )


def tiff_huge_header() -> bytes:
    import struct

    entries = [
        (256, 4, 1, 200_000),
        (257, 4, 1, 200_000),
        (258, 3, 1, 8),
        (259, 3, 1, 8),
        (262, 3, 1, 1),
        (273, 4, 1, 200),
        (278, 4, 1, 200_000),
        (279, 4, 1, 100),
    ]
    body = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        body += struct.pack("<HHII", tag, typ, count, value)
    body += struct.pack("<I", 0)
    data = b"II*\x00" + struct.pack("<I", 8) + body
    return data + b"\x00" * (200 - len(data)) + zlib.compress(b"\x00" * 100_000)[:100]


def tiff_many_pages(count: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    frames = [Image.new("L", (4, 4), i % 256) for i in range(count)]
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def pdf_pages(count: int, width: int, height: int) -> bytes:
    """A PDF of `count` blank pages of width x height points."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(count)).encode()
    pages = [
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] >>".encode()
        for _ in range(count)
    ]
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(count).encode() + b" >>",
            *pages,
        ]
    )


def pdf_xref_prev_loop() -> bytes:
    """A PDF whose trailer's /Prev points at its own cross-reference section."""
    data = pdf_page_tree_loop()
    xref = data.rindex(b"xref")
    return data.replace(b"/Root 1 0 R", b"/Root 1 0 R /Prev " + str(xref).encode())


def encrypted_pdf(data: bytes) -> bytes:
    import io

    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
    return out.getvalue()


def zip_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()
