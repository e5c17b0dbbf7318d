"""What kind of file a document is, told from its bytes; the one home of file-type detection.

The content decides, never the name: the loader (`workbench.loading`) uses these tests to
choose a decoder and to name what a file that fails to decode looks like, and a batch run
(`workbench.batch`) uses them to tell documents from other files in a folder before anything
is decoded. A name's extension is only what the file promises (`EXTENSION_MEDIA_TYPES`),
compared with the content to report a mismatch.
"""

from __future__ import annotations

from pathlib import Path

from workbench.formats.decoders import TIFF_MAGIC, looks_like_heif

PDF_MEDIA_TYPE = "application/pdf"
TEXT_MEDIA_TYPES = {"text/plain", "text/html"}
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")

#: What a file name's extension promises, used only to report a mismatch with the content.
EXTENSION_MEDIA_TYPES: dict[str, str] = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".jfif": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".bmp": "image/bmp",
    ".dib": "image/bmp",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heic",
    ".gif": "image/gif",
    ".jp2": "image/jp2",
    ".psd": "image/vnd.adobe.photoshop",
    ".pdf": PDF_MEDIA_TYPE,
    ".txt": "text/plain",
    ".text": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
}

#: Leading bytes of formats we recognise: how to name each in a message, and whether the
#: loader reads it (a ZIP is recognised only to say what it is).
SIGNATURES: tuple[tuple[bytes, str, bool], ...] = (
    (b"\xff\xd8\xff", "a JPEG image", True),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", True),
    (b"II*\x00", "a TIFF image", True),
    (b"MM\x00*", "a TIFF image", True),
    (b"BM", "a BMP image", True),
    (b"GIF8", "a GIF image", True),
    (b"PK\x03\x04", "a ZIP archive (perhaps an office document)", False),
    (b"%PDF-", "a PDF document", True),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image", True),
    (b"8BPS", "a Photoshop document (PSD)", True),
)
_READ_MAGIC = tuple(magic for magic, _, read in SIGNATURES if read)

#: Image formats recognised from their leading bytes, with their media type: the loader
#: decodes the pixels of some (`workbench.loading.raster.IMAGE_FORMATS`); for the others, and
#: for any of them whose pixels cannot be decoded, the checks that read the bytes still run.
IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    *((magic, "image/tiff") for magic in TIFF_MAGIC),
    (b"BM", "image/bmp"),
    (b"GIF8", "image/gif"),
    (b"\x00\x00\x00\x0cjP  ", "image/jp2"),
    (b"8BPS", "image/vnd.adobe.photoshop"),
)

#: The byte order marks of UTF-8 and UTF-16 text.
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def extension_media_type(path: Path) -> str | None:
    """The media type the name's extension promises, or None for an unknown extension."""
    return EXTENSION_MEDIA_TYPES.get(path.suffix.lower())


def is_pdf(data: bytes) -> bool:
    """Whether `data` holds a PDF header in its first kilobyte (where readers look for it)."""
    return b"%PDF-" in data[:1024]


def is_webp(data: bytes) -> bool:
    """Whether `data` starts like a WebP image (a RIFF container of type WEBP)."""
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def image_media_type(data: bytes) -> str | None:
    """The media type of an image told from its leading bytes alone, or None.

    What a file that fails to decode is reported as: JPEG, PNG, TIFF, BMP, GIF, JPEG 2000,
    Photoshop, WebP or HEIC.
    """
    for magic, media_type in IMAGE_SIGNATURES:
        if data.startswith(magic):
            return media_type
    if is_webp(data):
        return "image/webp"
    if looks_like_heif(data):
        return "image/heic"
    return None


def describe_signature(data: bytes) -> str | None:
    """What `data` starts like ("a PNG image", "a ZIP archive ..."), or None when unknown."""
    for magic, name, _ in SIGNATURES:
        if data.startswith(magic):
            return name
    if is_webp(data):
        return "a WebP image"
    if looks_like_heif(data):
        return "an HEIC/HEIF image"
    return None


def _plausible_text(text: str) -> bool:
    """Whether decoded text has no more control characters than real text does."""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls <= max(2, len(text) // 1000)


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the whole of `data` is text in a plausible encoding, else None."""
    if data.startswith(_UTF8_BOM):
        candidates = ["utf-8-sig"]
    elif data.startswith(_UTF16_BOMS):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data:
            return None
        # Windows-1256 is how much Persian and Arabic text of the 1990s-2000s was stored.
        candidates = ["utf-8", "cp1256"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible_text(text):
            return text, encoding
    return None


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a longer file look like text (a byte order mark is enough).

    Unlike `decode_text`, a multi-byte UTF-8 character cut at the end of the sample is
    tolerated.
    """
    if head.startswith((_UTF8_BOM, *_UTF16_BOMS)):
        return True
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1256"):
        try:
            # a multi-byte character may be cut at the end of the sample
            text = head.decode(encoding) if encoding != "utf-8" else head[:-4].decode(encoding)
        except UnicodeDecodeError:
            continue
        return _plausible_text(text)
    return False


def looks_like_html(text: str, path: Path) -> bool:
    """Whether decoded text is HTML: by its name's extension, or by how its markup starts."""
    if path.suffix.lower() in HTML_EXTENSIONS:
        return True
    start = text.lstrip()[:512].lower()
    return start.startswith(("<!doctype html", "<html")) or "<body" in start


def looks_like_document(head: bytes) -> bool:
    """Whether the first bytes of a file start like a format the loader reads.

    JPEG, PNG, TIFF (and BigTIFF), BMP, WebP, HEIC, PDF or text, or an image whose bytes the
    checks read though its pixels are not decoded (GIF, JPEG 2000, Photoshop); decoding may
    still fail.
    """
    if head.startswith(_READ_MAGIC) or is_pdf(head) or is_webp(head):
        return True
    if head.startswith(TIFF_MAGIC) or looks_like_heif(head):
        return True
    return looks_like_text(head)
