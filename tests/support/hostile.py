"""Malformed and hostile files, built by code: what a leak or an attacker may hand over.

Every builder returns bytes (or writes a folder entry that is not a plain file); the corpus
is written by `write_corpus` into a folder for the loading, pipeline and batch tests.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.hostile_files import (
    EXTERNAL_ENTITY,
    LAUGHS,
    PAGE,
    deflate_bomb,
    encrypted_pdf,
    huge_header,
    jpeg_with_app1,
    jpeg_with_exif_segments,
    pdf_metadata_bomb,
    pdf_page_tree_loop,
    pdf_page_tree_self_only,
    pdf_pages,
    pdf_stream,
    pdf_xref_prev_loop,
    png_chunk,
    png_huge_header,
    raw_pdf,
    tiff_huge_header,
    tiff_ifd_loop,
    tiff_many_pages,
    with_png_chunk,
    zip_bytes,
)

# -- the corpus -------------------------------------------------------------------------------


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
    files["bombs/png-ztxt.png"] = with_png_chunk(
        png, b"zTXt", b"Comment\x00\x00" + deflate_bomb(256 << 20)
    )
    files["bombs/png-itxt.png"] = with_png_chunk(
        png, b"iTXt", b"Description\x00\x01\x00\x00\x00" + deflate_bomb(256 << 20)
    )
    files["bombs/png-itxt-xmp.png"] = with_png_chunk(
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
        files[f"bombs/{name}-dimensions.{name.replace('jpeg', 'jpg')}"] = huge_header(name, size)
    files["bombs/png-dimensions.png"] = png_huge_header()
    files["bombs/tiff-dimensions.tif"] = tiff_huge_header()
    files["bombs/tiff-pages.tif"] = tiff_many_pages(400)
    files["bombs/pdf-pages.pdf"] = pdf_pages(250, 200, 200)
    files["bombs/pdf-page-huge.pdf"] = pdf_pages(1, 14400, 14400)  # 200 x 200 inches
    files["bombs/pdf-pages-large.pdf"] = pdf_pages(30, 2000, 2000)

    # Entity expansion and external entities in XMP, in each container that carries XMP.
    jpeg = images["jpg"]
    for label, packet in (("laughs", LAUGHS), ("external", EXTERNAL_ENTITY)):
        files[f"xmp/jpeg-{label}.jpg"] = jpeg_with_app1(
            jpeg, b"http://ns.adobe.com/xap/1.0/\x00" + packet
        )
        files[f"xmp/png-{label}.png"] = with_png_chunk(
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
    files["xmp/jpeg-deep.jpg"] = jpeg_with_app1(
        jpeg,
        b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'>"
        + b"<a>" * 7_000
        + b"</a>" * 7_000
        + b"</x:xmpmeta>",
    )
    files["xmp/jpeg-unterminated.jpg"] = jpeg_with_app1(
        jpeg, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF"
    )

    # Loops and bad offsets in EXIF and TIFF.
    for kind in ("next-self", "exif-self", "next-out-of-range", "huge-count"):
        tiff = tiff_ifd_loop(kind)
        files[f"exif/tiff-{kind}.tif"] = tiff
        files[f"exif/jpeg-{kind}.jpg"] = jpeg_with_app1(jpeg, b"Exif\x00\x00" + tiff)
    files["exif/jpeg-1600-segments.jpg"] = jpeg_with_exif_segments(1600)
    files["exif/jpeg-exif-garbage.jpg"] = jpeg_with_app1(jpeg, b"Exif\x00\x00" + b"\xff" * 500)
    files["exif/jpeg-exif-empty.jpg"] = jpeg_with_app1(jpeg, b"Exif\x00\x00")
    thumbnail_loop = jpeg_with_app1(jpeg, b"Exif\x00\x00" + tiff_ifd_loop("next-self"))
    files["exif/jpeg-in-jpeg-thumbnail.jpg"] = jpeg_with_app1(
        jpeg, b"Exif\x00\x00" + tiff_ifd_loop("none") + thumbnail_loop
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
    files["pdf/xref-prev-self.pdf"] = pdf_xref_prev_loop()
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
    files["pdf/encrypted.pdf"] = encrypted_pdf(images["pdf"])

    # Polyglots: one file, several formats.
    zip_tail = zip_bytes()
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
    files["shapes/png-no-idat.png"] = png[:33] + png_chunk(b"IEND", b"")
    files["shapes/tiff-header.tif"] = b"II*\x00\x08\x00\x00\x00"
    files["shapes/bigtiff-header.tif"] = b"II+\x00\x08\x00\x00\x00" + b"\x00" * 16
    files["shapes/heic-header.heic"] = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1"
    return files


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


def tiny_file(index: int) -> tuple[str, bytes]:
    """The `index`-th of the "many tiny files" case: a name and a few bytes, each its own.

    Cycles through what a folder of thousands of leftovers holds: empty files with document
    names, single bytes, bare format signatures, headers cut short, images of a few pixels,
    a line of text, and files with no extension or an odd one.
    """
    import io

    from PIL import Image

    tag = str(index).encode()
    kind = index % 10
    if kind == 0:
        return f"empty-{index}.jpg", b""
    if kind == 1:
        return f"byte-{index}", bytes([index % 256])
    if kind == 2:
        return f"magic-{index}.png", b"\x89PNG\r\n\x1a\n" + tag
    if kind == 3:
        return f"header-{index}.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + tag
    if kind == 4:
        return f"pdf-{index}.pdf", b"%PDF-1.4\n" + tag
    if kind == 5:
        buffer = io.BytesIO()
        Image.new("L", (4 + index % 5, 3), index % 256).save(buffer, "PNG")
        return f"pixels-{index}.png", buffer.getvalue()
    if kind == 6:
        return f"note-{index}.txt", "نامه ".encode() + tag
    if kind == 7:
        return f"odd-{index}.xyz", b"\x00\x01" + tag
    if kind == 8:
        return f"tiff-{index}.tif", b"II*\x00\x08\x00\x00\x00" + tag
    return f"gif-{index}.gif", b"GIF89a" + tag


def write_tiny_files(folder: Path, count: int) -> list[Path]:
    """Write `count` tiny files (`tiny_file`) into `folder`, 500 to a sub-folder."""
    written = []
    for index in range(count):
        name, data = tiny_file(index)
        path = folder / f"part-{index // 500}" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written
