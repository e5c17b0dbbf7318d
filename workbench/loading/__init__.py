"""Safe loading of every input a fact-checker meets.

A document is read once into memory (after the file size guard), hashed, its type detected
from its content (never from its name), and every page decoded once to prove it decodes.
Pages are normalised to 8-bit RGB whatever the file's colour mode (CMYK, 16-bit, palette,
alpha over white). Pixels are never reoriented: EXIF orientation is metadata for the
``metadata`` check, and forensic methods need the stored pixel grid.

Anything wrong with the input raises an `InputError` subclass whose message names the
problem in plain words; the original file is only ever opened for reading.

The pieces: `workbench.formats.filetype` tells what the bytes are; `document` holds the
loaded `Document`; `raster` decodes images, `pdf` renders PDFs; text and HTML are read here.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from workbench.errors import (
    CorruptFileError,
    EmptyFileError,
    FileMissingError,
    FileTooLargeError,
    InputError,
    NotAFileError,
    UnsupportedFormatError,
)
from workbench.formats.decoders import TIFF_MAGIC
from workbench.formats.filetype import (
    EXTENSION_MEDIA_TYPES,
    PDF_MEDIA_TYPE,
    TEXT_MEDIA_TYPES,
    decode_text,
    describe_signature,
    extension_media_type,
    image_media_type,
    is_pdf,
    looks_like_html,
)
from workbench.formats.jpeg import without_extra_exif
from workbench.limits import Limits
from workbench.loading.document import Document
from workbench.loading.pdf import MAX_PDF_METADATA_BYTES, load_pdf
from workbench.loading.raster import (
    IMAGE_FORMATS,
    UNDECODED_MEDIA_TYPES,
    identify_image,
    load_image,
    load_tifffile,
    normalize_image,
    unidentified_reason,
)
from workbench.text.html import html_to_text

__all__ = [
    "EXTENSION_MEDIA_TYPES",
    "IMAGE_FORMATS",
    "MAX_PDF_METADATA_BYTES",
    "PDF_MEDIA_TYPE",
    "TEXT_MEDIA_TYPES",
    "Document",
    "load_bytes",
    "load_document",
    "normalize_image",
]


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

    if is_pdf(data):
        return load_pdf(path, data, sha256, limits)
    decodable = without_extra_exif(data)
    image_format = identify_image(decodable)
    try:
        if image_format is None and data.startswith(TIFF_MAGIC):
            return load_tifffile(path, data, sha256, limits, None)
        if image_format is not None:
            try:
                document = load_image(path, decodable, sha256, image_format, limits)
            except CorruptFileError as exc:
                if not data.startswith(TIFF_MAGIC):
                    raise
                return load_tifffile(path, data, sha256, limits, exc)
            document._data = data  # the checks read the bytes as received
            return document
    except CorruptFileError as exc:
        return _bytes_only(path, data, sha256, _reason(path, str(exc)))
    if image_media_type(data) is not None:
        return _bytes_only(path, data, sha256, _undecoded_reason(decodable))
    return _load_text(path, data, sha256)


def _reason(path: Path, message: str) -> str:
    """A decoder's error message without the file name it starts with."""
    return message.removeprefix(f"{path}: ")


def _undecoded_reason(data: bytes) -> str:
    """Why the pixels of an image that no decoder of the workbench identified are not read."""
    media_type = image_media_type(data)
    name = describe_signature(data) or "an image"
    if media_type in UNDECODED_MEDIA_TYPES:
        return (
            f"the file is {name}, a format whose pixels the workbench does not decode (it "
            "reads JPEG, PNG, TIFF, BMP, WebP, HEIC and PDF pages)"
        )
    why = unidentified_reason(data)
    return f"the file starts like {name} but its pixels cannot be decoded ({why})"


def _bytes_only(path: Path, data: bytes, sha256: str, reason: str) -> Document:
    """An image whose pixels cannot be decoded: no pages, its bytes for the checks that read them.

    The file, metadata and compression checks read the bytes of a file cut short, damaged or
    in a format whose pixels the workbench does not decode; the ``file`` check reports why
    there are no pages (``file.not_decoded``), and the checks that need pixels say so.
    """
    media_type = image_media_type(data) or "application/octet-stream"
    return Document(
        path=path,
        sha256=sha256,
        size_bytes=len(data),
        media_type=media_type,
        pages=(),
        properties={"format": media_type.rsplit("/", 1)[-1].upper(), "undecoded": reason},
        _data=data,
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


def _load_text(path: Path, data: bytes, sha256: str) -> Document:
    claimed = extension_media_type(path)
    decoded = decode_text(data)
    if decoded is None:
        seen = describe_signature(data)
        if seen is not None:
            raise CorruptFileError(f"{path}: starts like {seen} but cannot be decoded")
        raise UnsupportedFormatError(
            f"{path}: not a format the workbench reads (JPEG, PNG, TIFF, BMP, WebP, HEIC, PDF, "
            f"text, HTML)"
        )
    text, encoding = decoded
    is_html = looks_like_html(text, path)
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
