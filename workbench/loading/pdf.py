"""PDF documents: every page rasterised by PDFium at the configured resolution.

The resolution is lowered for a page that would exceed the pixel limit, and an XMP stream that
would inflate past a bound is left out of the copy handed to the renderer (the metadata check
reads the original and reports it). A password-protected PDF is refused with a message
saying how to analyse it.

pikepdf and PDFium are imported when a PDF is loaded, not with this module: together about
a quarter of a second of every start-up, which the images most documents are do not need.
"""

from __future__ import annotations

import io
import math
import threading
from pathlib import Path
from typing import Any

from PIL import Image

from workbench.errors import CorruptFileError, EncryptedDocumentError, PageLimitError
from workbench.formats.filetype import PDF_MEDIA_TYPE
from workbench.formats.pdf_metadata import pdf_stream_bounded
from workbench.limits import Limits
from workbench.loading.document import DecodedPages, Document
from workbench.loading.raster import normalize_image


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
#: PDFium is not thread-safe (pypdfium2 says so): a page rendered again after its pixels
#: left the cache may be asked for by two checks at once (the image checks run beside the
#: text checks in a whole ``workbench check``), so renders take turns.
_PDFIUM = threading.Lock()


def _renderable_pdf(data: bytes) -> bytes:
    """`data`, or a copy without its XMP stream when that stream is a decompression bomb.

    Only the copy handed to the renderer changes; the metadata check reads the original
    and reports the oversized stream. pikepdf reads streams lazily, so this costs little.
    """
    import pikepdf

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


def load_pdf(path: Path, data: bytes, sha256: str, limits: Limits) -> Document:
    """Open a PDF, check its page count and sizes, and render every page once."""
    import pypdfium2 as pdfium

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
        with _PDFIUM:
            return _render(index)

    def _render(index: int) -> Image.Image:
        w_pt, h_pt = sizes[index]
        dpi = _pdf_page_dpi(w_pt, h_pt, limits)
        doc = pdfium.PdfDocument(rendered)
        try:
            bitmap = doc[index].render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
            image = bitmap.to_pil()
            if image.mode != "RGB":  # it may share the bitmap's memory: converted, a copy
                return normalize_image(image)
            # An RGB image from `to_pil` is a copy (Pillow shares a buffer only in 4-byte
            # and 1-byte modes): the bitmap is freed and the image handed out as it is.
            # Bitmap, image and a copy of the image were held at once before: loading a
            # blank page rasterised to the pixel limit peaked at 1,097 MiB, now 716 MiB.
            bitmap.close()
            return normalize_image(image, owned=True)
        finally:
            doc.close()

    pages = DecodedPages(limits.keep_decoded_pixels)
    for index, (w_pt, h_pt) in enumerate(sizes):
        try:
            page = decode(index)
        except pdfium.PdfiumError as exc:
            raise CorruptFileError(f"{path}: page {index + 1} cannot be rendered ({exc})") from None
        dpi = round(_pdf_page_dpi(w_pt, h_pt, limits), 2)
        pages.add(index, page, (dpi, dpi))
    return pages.document(path, data, sha256, PDF_MEDIA_TYPE, properties, decode)
