"""Malformed and hostile files, built by code: what a leak or an attacker may hand over.

Every builder returns bytes (or writes a folder entry that is not a plain file); the corpus
is written by `write_corpus` into a folder for the loading, pipeline and batch tests.
"""

from __future__ import annotations

import functools
import zlib
from pathlib import Path


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


# -- the corpus -------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    import struct

    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _with_png_chunk(png: bytes, kind: bytes, data: bytes) -> bytes:
    """`png` with one more chunk placed right after IHDR."""
    return png[:33] + _png_chunk(kind, data) + png[33:]


def _jpeg_with_app1(jpeg: bytes, payload: bytes) -> bytes:
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


def _tiff_ifd_loop(kind: str) -> bytes:
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


def _images() -> dict[str, bytes]:
    """Valid small files of every raster format, the base of truncations and variants."""
    import io

    from tests.support.fixtures import letter_image

    page = letter_image(240, 340, seed=4)
    out: dict[str, bytes] = {}
    for name, fmt, extra in (
        ("jpg", "JPEG", {"quality": 85}),
        ("progressive.jpg", "JPEG", {"quality": 80, "progressive": True}),
        ("png", "PNG", {}),
        ("tif", "TIFF", {"compression": "tiff_deflate"}),
        ("bmp", "BMP", {}),
        ("webp", "WEBP", {"quality": 80}),
    ):
        buffer = io.BytesIO()
        page.save(buffer, fmt, **extra)
        out[name] = buffer.getvalue()
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=72)
    out["pdf"] = buffer.getvalue()
    return out


def _texts() -> dict[str, bytes]:
    return {
        "txt": "نامه شماره ۱۲۳ مورخ ۲۴ اردیبهشت ۱۳۸۰\nبا سلام\n".encode() * 40,
        "html": ("<html><body><p>نامه شماره ۱۲۳</p><p>مورخ ۱۳۸۰/۰۲/۲۴</p></body></html>").encode(),
    }


def corpus_files() -> dict[str, bytes]:
    """Name -> bytes of every regular file of the hostile corpus (hostile names aside)."""
    import io

    from PIL import Image

    images = _images()
    files: dict[str, bytes] = {}
    # Truncations of every format, at several points (header only, middle, one byte short).
    for ext, data in {**images, **_texts()}.items():
        stem = ext.replace(".", "-")
        for cut in (0.02, 0.1, 0.3, 0.5, 0.7, 0.9):
            files[f"truncated/{stem}-{int(cut * 100):02d}.{ext.rsplit('.', 1)[-1]}"] = data[
                : max(1, int(len(data) * cut))
            ]
        files[f"truncated/{stem}-minus1.{ext.rsplit('.', 1)[-1]}"] = data[:-1]
    # Damaged in the middle: a run of bytes overwritten.
    for ext, data in images.items():
        damaged = bytearray(data)
        middle = len(damaged) // 2
        damaged[middle : middle + 64] = b"\x00" * 64
        files[f"damaged/{ext.replace('.', '-')}-zeroed.{ext.rsplit('.', 1)[-1]}"] = bytes(damaged)
        flipped = bytearray(data)
        for i in range(200, len(flipped), 997):
            flipped[i] ^= 0x5A
        files[f"damaged/{ext.replace('.', '-')}-flipped.{ext.rsplit('.', 1)[-1]}"] = bytes(flipped)

    # Bombs in every compressed stream.
    png = images["png"]
    files["bombs/png-ztxt.png"] = _with_png_chunk(
        png, b"zTXt", b"Comment\x00\x00" + deflate_bomb(256 << 20)
    )
    files["bombs/png-itxt.png"] = _with_png_chunk(
        png, b"iTXt", b"Description\x00\x01\x00\x00\x00" + deflate_bomb(256 << 20)
    )
    files["bombs/png-itxt-xmp.png"] = _with_png_chunk(
        png, b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + deflate_bomb(256 << 20, b"<")
    )
    files["bombs/pdf-metadata.pdf"] = pdf_metadata_bomb(256 << 20)
    files["bombs/pdf-content.pdf"] = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            b"<< /Filter /FlateDecode /Length "
            + str(len(deflate_bomb(256 << 20, b" "))).encode()
            + b" >>\nstream\n"
            + deflate_bomb(256 << 20, b" ")
            + b"\nendstream",
        ]
    )
    image_bomb = deflate_bomb(256 << 20)
    files["bombs/pdf-image.pdf"] = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
            b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
            pdf_stream(b"", b"q 200 0 0 200 0 0 cm /Im0 Do Q"),
            b"<< /Type /XObject /Subtype /Image /Width 16384 /Height 16384 /ColorSpace "
            b"/DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length "
            + str(len(image_bomb)).encode()
            + b" >>\nstream\n"
            + image_bomb
            + b"\nendstream",
        ]
    )
    for name, size in (("jpeg", (65000, 65000)), ("webp", (16383, 16383)), ("bmp", (60000, 60000))):
        files[f"bombs/{name}-dimensions.{name.replace('jpeg', 'jpg')}"] = _huge_header(name, size)
    files["bombs/png-dimensions.png"] = _png_huge_header()
    files["bombs/tiff-dimensions.tif"] = _tiff_huge_header()
    files["bombs/tiff-pages.tif"] = _tiff_many_pages(400)
    files["bombs/pdf-pages.pdf"] = _pdf_pages(250, 200, 200)
    files["bombs/pdf-page-huge.pdf"] = _pdf_pages(1, 14400, 14400)  # 200 x 200 inches
    files["bombs/pdf-pages-large.pdf"] = _pdf_pages(30, 2000, 2000)

    # Entity expansion and external entities in XMP, in each container that carries XMP.
    jpeg = images["jpg"]
    for label, packet in (("laughs", LAUGHS), ("external", EXTERNAL_ENTITY)):
        files[f"xmp/jpeg-{label}.jpg"] = _jpeg_with_app1(
            jpeg, b"http://ns.adobe.com/xap/1.0/\x00" + packet
        )
        files[f"xmp/png-{label}.png"] = _with_png_chunk(
            png, b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + packet
        )
        files[f"xmp/pdf-{label}.pdf"] = raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                PAGE,
                pdf_stream(b"/Type /Metadata /Subtype /XML", packet),
            ]
        )
        files[f"xmp/text-{label}.jpg"] = jpeg + packet  # after the end of the image
    files["xmp/jpeg-deep.jpg"] = _jpeg_with_app1(
        jpeg,
        b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
        + b"<a>" * 7_000
        + b"</a>" * 7_000
        + b"</x:xmpmeta>",
    )
    files["xmp/jpeg-unterminated.jpg"] = _jpeg_with_app1(
        jpeg, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF"
    )

    # Loops and bad offsets in EXIF and TIFF.
    for kind in ("next-self", "exif-self", "next-out-of-range", "huge-count"):
        tiff = _tiff_ifd_loop(kind)
        files[f"exif/tiff-{kind}.tif"] = tiff
        files[f"exif/jpeg-{kind}.jpg"] = _jpeg_with_app1(jpeg, b"Exif\x00\x00" + tiff)
    files["exif/jpeg-1600-segments.jpg"] = jpeg_with_exif_segments(1600)
    files["exif/jpeg-exif-garbage.jpg"] = _jpeg_with_app1(jpeg, b"Exif\x00\x00" + b"\xff" * 500)
    files["exif/jpeg-exif-empty.jpg"] = _jpeg_with_app1(jpeg, b"Exif\x00\x00")
    thumbnail_loop = _jpeg_with_app1(jpeg, b"Exif\x00\x00" + _tiff_ifd_loop("next-self"))
    files["exif/jpeg-in-jpeg-thumbnail.jpg"] = _jpeg_with_app1(
        jpeg, b"Exif\x00\x00" + _tiff_ifd_loop("none") + thumbnail_loop
    )

    # Loops in PDF trees and cross-reference chains.
    files["pdf/page-tree-loop.pdf"] = pdf_page_tree_loop()
    files["pdf/page-tree-self.pdf"] = pdf_page_tree_self_only()
    files["pdf/outline-loop.pdf"] = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE,
            b"<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
            b"<< /Title (loop) /Parent 4 0 R /Next 5 0 R /Prev 5 0 R /First 5 0 R >>",
        ]
    )
    files["pdf/xref-prev-self.pdf"] = _pdf_xref_prev_loop()
    files["pdf/reference-loop.pdf"] = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox 4 0 R >>",
            b"5 0 R",
            b"4 0 R",
        ]
    )
    files["pdf/no-pages.pdf"] = raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    )
    files["pdf/negative-box.pdf"] = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 -200 1e300] >>",
        ]
    )
    files["pdf/header-only.pdf"] = b"%PDF-1.7\n"
    files["pdf/garbage-after-header.pdf"] = b"%PDF-1.4\n" + bytes(range(256)) * 40
    files["pdf/count-lies.pdf"] = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>",
            PAGE,
        ]
    )
    files["pdf/encrypted.pdf"] = _encrypted_pdf(images["pdf"])

    # Polyglots: one file, several formats.
    zip_tail = _zip_bytes()
    files["polyglot/jpeg-zip.jpg"] = jpeg + zip_tail
    files["polyglot/zip-named-jpeg.jpg"] = zip_tail
    inner = pdf_page_tree_loop()
    files["polyglot/pdf-in-jpeg-comment.jpg"] = (
        jpeg[:2] + b"\xff\xfe" + (len(inner) + 2).to_bytes(2, "big") + inner + jpeg[2:]
    )
    files["polyglot/jpeg-then-pdf.pdf"] = jpeg + images["pdf"]
    files["polyglot/pdf-then-jpeg.jpg"] = images["pdf"] + jpeg
    files["polyglot/png-then-pdf.png"] = png + images["pdf"]
    files["polyglot/html-jpeg.html"] = b"<html><body><p>x</p><!--" + jpeg + b"--></body></html>"
    files["polyglot/gif.gif"] = b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00" + b";"
    files["polyglot/gif-named-jpeg.jpg"] = b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00" + b";"
    files["polyglot/jpeg2000.jp2"] = b"\x00\x00\x00\x0cjP  \r\n\x87\n" + b"\x00" * 100
    files["polyglot/svg-named-png.png"] = b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"
    files["polyglot/elf"] = b"\x7fELF" + b"\x00" * 200

    # Text and HTML made to be slow to parse.
    files["text/unclosed-tags.html"] = b"<p>before</p>" + b"<a " * 130_000
    files["text/unclosed-comment.html"] = b"<p>before</p><!--" + b"x" * 400_000
    files["text/deep-nesting.html"] = b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000
    files["text/repeated-dates.txt"] = "۲۴ اردیبهشت ۱۳۸۰ دوشنبه ۱۳۸۰/۰۲/۲۴ ".encode() * 20_000
    files["text/one-long-line.txt"] = b"a" * 5_000_000
    files["text/control-characters.txt"] = bytes(range(1, 32)) * 1000
    files["text/nul-bytes.txt"] = b"text\x00" * 1000
    files["text/bom-only.txt"] = b"\xef\xbb\xbf"
    files["text/utf16-odd.txt"] = b"\xff\xfe" + b"a\x00" * 100 + b"b"
    files["text/terminal-escapes.txt"] = b"\x1b[2J\x1b]0;title\x07 hello \x1b[31mred"
    files["text/bidi-overrides.txt"] = "\u202e\u2066abc\u2069\u202c".encode() * 100
    files["text/script-tag.html"] = b"<script>" + b"x" * 100_000 + b"</script><p>t</p>"

    # Pages of odd shapes and modes.
    for label, size in (
        ("one-pixel", (1, 1)),
        ("one-wide", (1, 800)),
        ("one-high", (800, 1)),
        ("two-wide", (2, 3000)),
        ("tall", (4, 60000)),
    ):
        for fmt, ext in (("PNG", "png"), ("JPEG", "jpg")):
            buffer = io.BytesIO()
            Image.new("RGB", size, (250, 250, 250)).save(buffer, fmt)
            files[f"shapes/{label}.{ext}"] = buffer.getvalue()
    for mode in ("1", "L", "P", "I;16", "CMYK", "LA", "RGBA", "F"):
        buffer = io.BytesIO()
        Image.new(mode, (64, 64)).save(buffer, "TIFF")
        files[f"shapes/mode-{mode.replace(';', '')}.tif"] = buffer.getvalue()
    files["shapes/empty.jpg"] = b""
    files["shapes/one-byte.jpg"] = b"\xff"
    files["shapes/soi-only.jpg"] = b"\xff\xd8"
    files["shapes/soi-eoi.jpg"] = b"\xff\xd8\xff\xd9"
    files["shapes/png-signature.png"] = b"\x89PNG\r\n\x1a\n"
    files["shapes/png-bad-crc.png"] = png[:29] + b"\x00\x00\x00\x00" + png[33:]
    files["shapes/png-no-idat.png"] = png[:33] + _png_chunk(b"IEND", b"")
    files["shapes/tiff-header.tif"] = b"II*\x00\x08\x00\x00\x00"
    files["shapes/bigtiff-header.tif"] = b"II+\x00\x08\x00\x00\x00" + b"\x00" * 16
    files["shapes/heic-header.heic"] = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1"
    return files


def _huge_header(kind: str, size: tuple[int, int]) -> bytes:
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


def _png_huge_header() -> bytes:
    import struct

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + _png_chunk(b"IEND", b"")
    )


def _tiff_huge_header() -> bytes:
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


def _tiff_many_pages(count: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    frames = [Image.new("L", (4, 4), i % 256) for i in range(count)]
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def _pdf_pages(count: int, width: int, height: int) -> bytes:
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


def _pdf_xref_prev_loop() -> bytes:
    """A PDF whose trailer's /Prev points at its own cross-reference section."""
    data = pdf_page_tree_loop()
    xref = data.rindex(b"xref")
    return data.replace(b"/Root 1 0 R", b"/Root 1 0 R /Prev " + str(xref).encode())


def _encrypted_pdf(data: bytes) -> bytes:
    import io

    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
    return out.getvalue()


def _zip_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


HOSTILE_NAMES: tuple[bytes, ...] = (
    b"names/not-utf8-\xff\xfe.jpg",
    b"names/latin1-caf\xe9.png",
    b"names/new\nline.jpg",
    b"names/escape-\x1b[31mred\x1b[0m.png",
    b"names/[link](http:%2F%2Fevil.example) ![img](http:%2F%2Fevil.example%2Fx.png).jpg",
    b"names/" + b"x" * 240 + b".png",
    b"names/-rf.jpg",
    b"names/\xe2\x80\xaegpj.exe.jpg",  # right-to-left override
    b"names/<script>alert(1)<script>.png",
    b"names/\xd9\x86\xd8\xa7\xd9\x85\xd9\x87 \xe2\x80\x8c.jpg",  # Persian with ZWNJ
    b"names/.hidden.jpg",
    b"names/.dot-folder/inside.png",
)


def write_corpus(folder: Path, outside: Path) -> list[Path]:
    """Write the corpus under `folder`; `outside` gets the files links point out to.

    Returns the regular files written. The folder also holds hostile names, symbolic links
    (to a file outside, in a loop, dangling, to a folder above) and a named pipe.
    """
    import os

    written: list[Path] = []
    for name, data in corpus_files().items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    sample = _images()["png"]
    for raw in HOSTILE_NAMES:
        target = os.path.join(os.fsencode(folder), raw)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(sample + raw)  # each its own content
        written.append(Path(os.fsdecode(target)))
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "secret.txt"
    secret.write_text("outside the folder: must never be stored\n", encoding="utf-8")
    links = folder / "links"
    links.mkdir()
    (links / "to-outside.txt").symlink_to(secret)
    (links / "to-etc").symlink_to("/etc", target_is_directory=True)
    (links / "to-parent").symlink_to(folder, target_is_directory=True)
    (links / "dangling.jpg").symlink_to(folder / "does-not-exist.jpg")
    (links / "self.jpg").symlink_to(links / "self.jpg")
    (links / "to-inside.png").symlink_to(folder / "shapes" / "one-pixel.png")
    os.mkfifo(links / "pipe.jpg")
    return written
