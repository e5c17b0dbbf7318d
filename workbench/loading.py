"""Safe loading of every input a fact-checker meets.

A document is read once into memory (after the file size guard), hashed, its type detected
from its content (never from its name), and every page decoded once to prove it decodes.
Pages are normalised to 8-bit RGB whatever the file's colour mode (CMYK, 16-bit, palette,
alpha over white). Pixels are never reoriented: EXIF orientation is metadata for the
``metadata`` check, and forensic methods need the stored pixel grid.

Anything wrong with the input raises an `InputError` subclass whose message names the
problem in plain words; the original file is only ever opened for reading.
"""

from __future__ import annotations

import hashlib
import io
import math
import stat
import struct
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageFile, UnidentifiedImageError

from workbench.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedDocumentError,
    FileMissingError,
    FileTooLargeError,
    InputError,
    NotAFileError,
    PageLimitError,
    PixelLimitError,
    UnsupportedFormatError,
)
from workbench.formats.decoders import TIFF_MAGIC, register_heif, tiff_page, tiff_page_shapes
from workbench.formats.jpeg import without_extra_exif
from workbench.formats.pdf_metadata import pdf_stream_bounded
from workbench.limits import Limits
from workbench.model import DocumentInfo, PageInfo
from workbench.names import printable
from workbench.text.html import html_to_text

#: Raster formats Pillow may decode for us, with the media type we report for each.
IMAGE_FORMATS: dict[str, str] = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # camera JPEGs with a second frame; the first frame is the image
    "PNG": "image/png",
    "TIFF": "image/tiff",
    "BMP": "image/bmp",
    "WEBP": "image/webp",
    "HEIF": "image/heic",  # through pillow-heif (workbench/formats/decoders.py)
}
PDF_MEDIA_TYPE = "application/pdf"
TEXT_MEDIA_TYPES = {"text/plain", "text/html"}

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
    ".pdf": PDF_MEDIA_TYPE,
    ".txt": "text/plain",
    ".text": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
}

#: What Pillow's decoders raise on damaged input: beyond OSError and ValueError, a header
#: with offsets out of range gives TypeError, IndexError or struct.error (a ValueError-free
#: error of the struct module) depending on the plugin.
_DECODER_ERRORS = (
    UnidentifiedImageError,
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    TypeError,
    IndexError,
    KeyError,
    ZeroDivisionError,
    struct.error,
)

#: Leading bytes of formats we recognise, to name them in error messages.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (perhaps an office document)"),
    (b"%PDF-", "a PDF document"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
)

# Image.MAX_IMAGE_PIXELS is process-wide; it is set to our limit only while a file is opened.
_PIL_GUARD = threading.RLock()


@dataclass
class Document:
    """A loaded document: its identity, its pages (decoded on demand) or its text.

    ``pages`` is empty for text and HTML documents, whose content is in ``text`` (and the
    markup in ``html``). ``properties`` holds what the decoder learned about the container
    (format, colour mode, bit depth, PDF info) for checks that report it.
    """

    path: Path
    sha256: str
    size_bytes: int
    media_type: str
    pages: tuple[PageInfo, ...]
    text: str | None = None
    html: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    _decode: Callable[[int], Image.Image] | None = field(default=None, repr=False)
    _decoded: dict[int, Image.Image] = field(default_factory=dict, repr=False)
    _data: bytes = field(default=b"", repr=False)

    @property
    def extension_media_type(self) -> str | None:
        """The media type the file name's extension promises, or None for unknown extensions."""
        return EXTENSION_MEDIA_TYPES.get(self.path.suffix.lower())

    def data(self) -> bytes:
        """The file's bytes as they were read (the original on disk is never touched)."""
        return self._data

    def page_image(self, index: int) -> Image.Image:
        """Page `index` as an 8-bit RGB image; a fresh copy the caller may modify."""
        if not 0 <= index < len(self.pages):
            raise IndexError(f"page {index} out of range (document has {len(self.pages)})")
        cached = self._decoded.get(index)
        if cached is not None:
            return cached.copy()
        assert self._decode is not None
        return self._decode(index)

    def info(self) -> DocumentInfo:
        """The identity block of the report."""
        return DocumentInfo(
            path=printable(self.path),
            sha256=self.sha256,
            size_bytes=self.size_bytes,
            media_type=self.media_type,
            pages=self.pages,
        )


def load_document(path: str | Path, limits: Limits | None = None) -> Document:
    """Read, identify and decode the document at `path`, applying `limits`.

    Raises:
        InputError: a subclass naming what is wrong (missing, empty, too large, corrupt,
            encrypted, unsupported, too many pixels or pages).

    """
    limits = limits or Limits()
    path = Path(path)
    return load_bytes(_read_bounded(path, limits), path, limits)


def load_bytes(data: bytes, name: str | Path, limits: Limits | None = None) -> Document:
    """Identify and decode a document held in memory (an upload, a stored original).

    `name` is what the document is called: it is reported, and its extension is compared
    with the content; nothing is read from or written to that path.
    """
    limits = limits or Limits()
    path = Path(name)
    if not data:
        raise EmptyFileError(f"{path}: the file is empty (0 bytes)")
    if len(data) > limits.max_file_bytes:
        raise FileTooLargeError(
            f"{path}: {len(data):,} bytes is over the file size limit of "
            f"{limits.max_file_bytes:,} bytes"
        )
    sha256 = hashlib.sha256(data).hexdigest()
    head = data[:1024]

    if b"%PDF-" in head:
        return _load_pdf(path, data, sha256, limits)
    decodable = without_extra_exif(data)
    image_format = _identify_image(decodable)
    if image_format is None and data.startswith(TIFF_MAGIC):
        return _load_tifffile(path, data, sha256, limits, None)
    if image_format is not None:
        try:
            document = _load_image(path, decodable, sha256, image_format, limits)
        except CorruptFileError as exc:
            if not data.startswith(TIFF_MAGIC):
                raise
            return _load_tifffile(path, data, sha256, limits, exc)
        document._data = data  # the checks read the bytes as received
        return document
    return _load_text(path, data, sha256)


def _load_tifffile(
    path: Path, data: bytes, sha256: str, limits: Limits, pillow_error: CorruptFileError | None
) -> Document:
    """A TIFF that Pillow refuses (BigTIFF with extra samples, say), decoded by tifffile."""
    try:
        shapes = tiff_page_shapes(data)
        if not shapes:
            raise ValueError("no pages")
    except ValueError as exc:
        if pillow_error is not None:
            raise pillow_error from None
        raise CorruptFileError(f"{path}: this TIFF file cannot be decoded ({exc})") from None
    if len(shapes) > limits.max_pages:
        raise PageLimitError(
            f"{path}: {len(shapes)} pages, over the limit of {limits.max_pages} (raise --max-pages)"
        )
    for index, (width, height) in enumerate(shapes):
        _check_pixels(path, width, height, limits, f"page {index + 1}")
    pages = _DecodedPages(limits.keep_decoded_pixels)
    for index in range(len(shapes)):
        try:
            pages.add(index, tiff_page(data, index), None)
        except (ValueError, MemoryError) as exc:
            raise CorruptFileError(f"{path}: {exc}") from None
    properties: dict[str, Any] = {
        "format": "TIFF",
        "decoder": "tifffile",
        "frames": len(shapes),
        "unreadable": [f"Pillow could not decode it ({pillow_error})"] if pillow_error else [],
    }
    return pages.document(
        path, data, sha256, "image/tiff", properties, lambda i: tiff_page(data, i)
    )


def _read_bounded(path: Path, limits: Limits) -> bytes:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise FileMissingError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotAFileError(f"{path}: is a directory; give the document files inside it")
    if not stat.S_ISREG(st.st_mode):
        raise NotAFileError(f"{path}: is not a regular file")
    if st.st_size == 0:
        raise EmptyFileError(f"{path}: the file is empty (0 bytes)")
    if st.st_size > limits.max_file_bytes:
        raise FileTooLargeError(
            f"{path}: {st.st_size:,} bytes is over the file size limit of "
            f"{limits.max_file_bytes:,} bytes (raise it with --max-file-bytes)"
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limits.max_file_bytes:
        raise FileTooLargeError(f"{path}: grew past the file size limit while being read")
    if not data:
        raise EmptyFileError(f"{path}: the file is empty (0 bytes)")
    return data


def _describe_signature(data: bytes) -> str | None:
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image"
    return None


def _open_image(data: bytes) -> Image.Image:
    """Image.open reading only the header, with Pillow's process-wide bomb guard lifted.

    The workbench applies its own pixel limit (`_check_pixels`) to every page before it is
    decoded; Pillow's guard is lifted only while the header is parsed, under a lock.
    """
    with _PIL_GUARD, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        Image.init()  # registers every plugin, MPO among them
        register_heif()
        try:
            formats = [f for f in IMAGE_FORMATS if f in Image.OPEN]
            return Image.open(io.BytesIO(data), formats=formats)
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def _identify_image(data: bytes) -> str | None:
    """The Pillow format name when the content is a raster image we read, else None."""
    try:
        with _open_image(data) as img:
            return str(img.format)
    except _DECODER_ERRORS:
        return None


def _check_pixels(path: Path, width: int, height: int, limits: Limits, what: str) -> None:
    if width <= 0 or height <= 0:
        raise CorruptFileError(f"{path}: {what} has an impossible size {width}x{height}")
    if width * height > limits.max_pixels:
        raise PixelLimitError(
            f"{path}: {what} is {width}x{height} = {width * height:,} pixels, over the limit "
            f"of {limits.max_pixels:,} (a possible decompression bomb; raise it with "
            f"--max-pixels if the file is trusted)"
        )


def _dpi(info: dict[Any, Any]) -> tuple[float, float] | None:
    raw = info.get("dpi")
    try:
        x, y = (float(v) for v in raw)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)) or x <= 1 or y <= 1 or max(x, y) > 100_000:
        return None
    return (round(x, 2), round(y, 2))


def normalize_image(img: Image.Image) -> Image.Image:
    """Convert any decoded image to a new 8-bit RGB image.

    16-bit and 32-bit integer greyscale are scaled to 8 bits by their data range; float images
    by their value range; transparency is composited over white (paper), not dropped to black.
    """
    mode = img.mode
    if mode == "RGB":
        return img.copy()  # never hand out the decoder's own buffer (TIFF seek reuses it)
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(img).astype(np.float64)
        top = 65535.0 if mode.startswith("I;16") or arr.max(initial=0) > 255 else 255.0
        scaled = np.clip(np.rint(arr * (255.0 / top)), 0, 255).astype(np.uint8)
        return Image.fromarray(scaled).convert("RGB")
    if mode == "F":
        arr = np.nan_to_num(np.asarray(img, dtype=np.float64))
        lo, hi = float(arr.min(initial=0.0)), float(arr.max(initial=0.0))
        span = hi - lo or 1.0
        scaled = np.clip(np.rint((arr - lo) * (255.0 / span)), 0, 255).astype(np.uint8)
        return Image.fromarray(scaled).convert("RGB")
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif mode in ("PA", "LA", "La", "RGBa") or (mode == "L" and "transparency" in img.info):
        img = img.convert("RGBA")
    if img.mode == "RGBA":
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(img, mask=img.getchannel("A"))
        return background
    return img.convert("RGB")


class _DecodedPages:
    """Pages decoded while loading: their geometry, and those kept in memory.

    Pages are kept while the pixel budget allows; the rest are decoded again on demand.
    """

    def __init__(self, budget: int) -> None:
        self.infos: list[PageInfo] = []
        self.kept: dict[int, Image.Image] = {}
        self._budget = budget

    def add(self, index: int, page: Image.Image, dpi: tuple[float, float] | None) -> None:
        self.infos.append(PageInfo(index=index, width=page.width, height=page.height, dpi=dpi))
        pixels = page.width * page.height
        if sum(p.width * p.height for p in self.kept.values()) + pixels <= self._budget:
            self.kept[index] = page

    def document(
        self,
        path: Path,
        data: bytes,
        sha256: str,
        media_type: str,
        properties: dict[str, Any],
        decode: Callable[[int], Image.Image],
    ) -> Document:
        return Document(
            path=path,
            sha256=sha256,
            size_bytes=len(data),
            media_type=media_type,
            pages=tuple(self.infos),
            properties=properties,
            _decode=decode,
            _decoded=self.kept,
            _data=data,
        )


def _load_image(path: Path, data: bytes, sha256: str, fmt: str, limits: Limits) -> Document:
    media_type = IMAGE_FORMATS[fmt]
    try:
        img = _open_image(data)
    except _DECODER_ERRORS as exc:
        raise CorruptFileError(f"{path}: {media_type} cannot be decoded ({exc})") from None

    unreadable: list[str] = []
    try:
        frames = getattr(img, "n_frames", 1) if fmt == "TIFF" else 1
    except _DECODER_ERRORS as exc:  # the chain of TIFF directories is damaged after the first
        frames = 1
        img.close()
        img = _open_image(data)
        unreadable.append(f"pages after the first cannot be read ({exc})")
    if frames > limits.max_pages:
        raise PageLimitError(
            f"{path}: {frames} pages, over the limit of {limits.max_pages} (raise --max-pages)"
        )
    properties: dict[str, Any] = {
        "format": fmt,
        "mode": img.mode,
        "frames": frames,
        "bits": img.info.get("bits"),
        "unreadable": unreadable,
    }

    img.close()

    def decode_page(index: int, recover: bool) -> tuple[Image.Image, tuple[float, float] | None]:
        # Pillow's switch for cut-off data is process-wide: it is set only under the lock.
        with _PIL_GUARD:
            saved = ImageFile.LOAD_TRUNCATED_IMAGES
            ImageFile.LOAD_TRUNCATED_IMAGES = recover
            try:
                with _open_image(data) as im:
                    im.seek(index)
                    _check_pixels(path, im.width, im.height, limits, f"page {index + 1}")
                    dpi = _dpi(im.info)
                    im.load()
                    return normalize_image(im), dpi
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = saved

    recovered: set[int] = set()

    def decode(index: int) -> Image.Image:
        return decode_page(index, index in recovered)[0]

    pages = _DecodedPages(limits.keep_decoded_pixels)
    for index in range(frames):
        try:
            page, dpi = decode_page(index, False)
        except InputError:
            raise
        except Image.DecompressionBombError as exc:
            raise PixelLimitError(f"{path}: page {index + 1} is too large ({exc})") from None
        except (*_DECODER_ERRORS, MemoryError) as exc:
            # Cut short or damaged: keep what the decoder recovers, and say so.
            where = f" (page {index + 1})" if frames > 1 else ""
            try:
                page, dpi = decode_page(index, True)
            except (InputError, *_DECODER_ERRORS, MemoryError):
                raise CorruptFileError(
                    f"{path}: this {fmt} file cannot be decoded{where}: {exc}"
                ) from None
            recovered.add(index)
            unreadable.append(
                f"page {index + 1}: the pixel data is damaged or cut short ({exc}); the part "
                "the decoder recovered is analysed, the rest is filled in"
            )
        pages.add(index, page, dpi)
    return pages.document(path, data, sha256, media_type, properties, decode)


def _pdf_page_dpi(width_pt: float, height_pt: float, limits: Limits) -> float:
    """The rasterising resolution: ``limits.pdf_dpi``, lowered so the page fits max_pixels."""
    dpi = limits.pdf_dpi
    pixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi)
    if pixels > limits.max_pixels:
        dpi *= math.sqrt(limits.max_pixels / pixels) * 0.999
    return dpi


#: Largest XMP metadata stream PDFium is given to open: it inflates the whole stream when
#: it opens a document (a 1 MB stream inflating to 1 GiB took 8 GB).
MAX_PDF_METADATA_BYTES = 16 * 1024 * 1024


def _renderable_pdf(data: bytes) -> bytes:
    """`data`, or a copy without its XMP stream when that stream is a decompression bomb.

    Only the copy handed to the renderer changes; the metadata check reads the original
    and reports the oversized stream. pikepdf reads streams lazily, so this costs little.
    """
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            meta = pdf.Root.get("/Metadata")
            if meta is None or not isinstance(meta, pikepdf.Stream):
                return data
            if pdf_stream_bounded(meta, MAX_PDF_METADATA_BYTES) is not None:
                return data
            del pdf.Root.Metadata
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    except Exception:  # pikepdf cannot read it: PDFium decides whether it opens
        return data


def _load_pdf(path: Path, data: bytes, sha256: str, limits: Limits) -> Document:
    rendered = _renderable_pdf(data)
    try:
        pdf = pdfium.PdfDocument(rendered)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedDocumentError(
                f"{path}: the PDF is password-protected; open it with the password and save an "
                f"unprotected copy to analyse it"
            ) from None
        raise CorruptFileError(f"{path}: the PDF cannot be opened ({exc})") from None
    try:
        count = len(pdf)
        if count == 0:
            raise CorruptFileError(f"{path}: the PDF has no pages")
        if count > limits.max_pages:
            raise PageLimitError(
                f"{path}: {count} pages, over the limit of {limits.max_pages} (raise --max-pages)"
            )
        try:
            info = {str(k): str(v) for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
        except pdfium.PdfiumError:
            info = {}
        properties: dict[str, Any] = {
            "format": "PDF",
            "pdf_version": pdf.get_version(),
            "pdf_info": info,
            "frames": count,
        }
        sizes = []
        for index in range(count):
            try:
                w_pt, h_pt = pdf[index].get_size()
            except pdfium.PdfiumError as exc:  # a page tree that loops or points nowhere
                raise CorruptFileError(
                    f"{path}: page {index + 1} of {count} cannot be loaded ({exc}); the PDF's "
                    "page tree is damaged"
                ) from None
            if not (w_pt > 0 and h_pt > 0 and math.isfinite(w_pt * h_pt)):
                raise CorruptFileError(f"{path}: page {index + 1} has no usable size")
            sizes.append((w_pt, h_pt))
    finally:
        pdf.close()

    def decode(index: int) -> Image.Image:
        w_pt, h_pt = sizes[index]
        dpi = _pdf_page_dpi(w_pt, h_pt, limits)
        doc = pdfium.PdfDocument(rendered)
        try:
            bitmap = doc[index].render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
            return normalize_image(bitmap.to_pil())
        finally:
            doc.close()

    pages = _DecodedPages(limits.keep_decoded_pixels)
    for index, (w_pt, h_pt) in enumerate(sizes):
        try:
            page = decode(index)
        except pdfium.PdfiumError as exc:
            raise CorruptFileError(f"{path}: page {index + 1} cannot be rendered ({exc})") from None
        dpi = round(_pdf_page_dpi(w_pt, h_pt, limits), 2)
        pages.add(index, page, (dpi, dpi))
    return pages.document(path, data, sha256, PDF_MEDIA_TYPE, properties, decode)


def _decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when `data` is text in a plausible encoding, else None."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
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
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        if controls <= max(2, len(text) // 1000):
            return text, encoding
    return None


def _looks_like_html(text: str, path: Path) -> bool:
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        return True
    start = text.lstrip()[:512].lower()
    return start.startswith(("<!doctype html", "<html")) or "<body" in start


def _load_text(path: Path, data: bytes, sha256: str) -> Document:
    claimed = EXTENSION_MEDIA_TYPES.get(path.suffix.lower())
    decoded = _decode_text(data)
    if decoded is None:
        seen = _describe_signature(data)
        if seen is not None:
            raise CorruptFileError(f"{path}: starts like {seen} but cannot be decoded")
        raise UnsupportedFormatError(
            f"{path}: not a format the workbench reads (JPEG, PNG, TIFF, BMP, WebP, HEIC, PDF, "
            f"text, HTML)"
        )
    text, encoding = decoded
    is_html = _looks_like_html(text, path)
    media_type = "text/html" if is_html else "text/plain"
    if claimed is not None and claimed not in TEXT_MEDIA_TYPES:
        # A text file posing as an image is refused rather than analysed as something it
        # does not claim to be; renaming it makes the intent explicit.
        raise UnsupportedFormatError(
            f"{path}: the name says {claimed} but the content is {media_type} "
            f"(rename it to .{'html' if is_html else 'txt'} to analyse it as text)"
        )
    return Document(
        path=path,
        sha256=sha256,
        size_bytes=len(data),
        media_type=media_type,
        pages=(),
        text=html_to_text(text) if is_html else text,
        html=text if is_html else None,
        properties={"format": "HTML" if is_html else "TEXT", "encoding": encoding},
        _data=data,
    )
