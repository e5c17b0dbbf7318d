"""The shared, lazily computed evidence every check of one document draws on.

Decoding a page, converting it to greyscale, and later OCR happen once per document however
many checks ask, because they ask the context rather than doing the work themselves. Page
pixels are the exception that memory imposes: they are kept within a budget (the page asked
for last always), and a page dropped from it is decoded again when asked for. The image
each OCR reading was made from (`preprocessed_image`) is kept compressed, apart from the
reading: a 200-page document read in two languages would otherwise hold 400 pages. Values
handed out are shared: treat arrays and images from the context as read-only (arrays are
flagged so; take a copy to modify).
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from PIL import Image

from workbench.formats.timestamps import file_timestamps
from workbench.limits import Limits
from workbench.loading import Document
from workbench.loading.fill import decoded_pixels
from workbench.model import Artifact, Claims

if TYPE_CHECKING:
    from workbench.imaging.layout.seal import Circle
    from workbench.ocr import OcrPage, OcrResult, Tesseract
    from workbench.reading import PageReading

# OpenCV and the OCR layer are imported by the methods that use them, so that a run of
# checks that read no text (file, metadata) does not load them.

T = TypeVar("T")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


#: Bytes of page pixels (images and arrays) a context keeps for its checks beyond the page
#: asked for last: about seven 300-dpi A4 pages in grey. Pages beyond it are decoded again.
PIXEL_CACHE_BYTES = 64 * 2**20


def _pixel_bytes(value: object) -> int:
    """The memory held by cached pixels: an array's bytes, or an image's (4 per RGB pixel)."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, Image.Image):
        return value.width * value.height * 4
    return 0


#: zlib's Z_RLE strategy, as Pillow's PNG writer takes it (``compress_type``).
_Z_RLE = 3


def png_bytes(image: Image.Image | np.ndarray, *, run_length: bool = False) -> bytes:
    """`image` (PIL image or uint8 array) encoded as PNG; see `ArtifactWriter.write_png`."""
    gray = isinstance(image, np.ndarray) and image.ndim == 2 and image.dtype == np.uint8
    if run_length and gray:
        import cv2

        ok, encoded = cv2.imencode(
            ".png",
            np.ascontiguousarray(image),
            [cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE],
        )
        if ok:
            return bytes(encoded.tobytes())
    pil = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    buffer = io.BytesIO()
    options = {"compress_type": _Z_RLE} if run_length else {}
    pil.save(buffer, format="PNG", optimize=False, **options)
    return buffer.getvalue()


@dataclass(frozen=True)
class PreprocessedPng:
    """The image an OCR reading was made from, kept as the PNG the ``ocr`` check stores.

    A page prepared for OCR is mostly flat background: Pillow's PNG writer with zlib's
    run-length strategy makes it a small part of its size (0.03 CPU s for a letter's page),
    and the artifact is these bytes, not a second encoding of the pixels.
    """

    data: bytes

    def unpack(self) -> np.ndarray:
        """The pixels again (a new, writable array)."""
        with Image.open(io.BytesIO(self.data)) as image:
            return np.array(image)


#: What a cached OCR reading holds in place of its preprocessed image (kept packed apart).
_NO_PIXELS = np.zeros((0, 0), dtype=np.uint8)


@dataclass(frozen=True)
class ArtifactWriter:
    """Writes one check's artifacts under ``<out>/artifacts/<check>/``.

    With no output folder (``root`` is None) nothing is written and every write returns None,
    so reports never list files that do not exist.
    """

    check: str
    root: Path | None

    @property
    def enabled(self) -> bool:
        """Whether artifacts are being kept for this run."""
        return self.root is not None

    def write_bytes(
        self, name: str, data: bytes, *, kind: str, media_type: str, page: int | None = None
    ) -> Artifact | None:
        """Store `data` as artifact `name` (a file name with extension) of this check."""
        if self.root is None:
            return None
        safe = _SAFE_NAME.sub("_", name).strip("._") or "artifact"
        relative = Path("artifacts") / self.check / safe
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
        stem = safe.rsplit(".", 1)[0]
        return Artifact(
            id=f"{self.check}/{stem}",
            kind=kind,
            media_type=media_type,
            path=relative.as_posix(),
            page=page,
        )

    def write_png(
        self,
        name: str,
        image: Image.Image | np.ndarray,
        *,
        kind: str,
        page: int | None = None,
        run_length: bool = False,
    ) -> Artifact | None:
        """Store an image (PIL image or uint8 array) as a PNG artifact.

        ``run_length`` compresses with zlib's run-length strategy instead of the default. For
        maps made of flat areas (heatmaps, masks) it gives small files several times faster,
        and for grainy maps of a whole page (error levels) files as small twenty times
        faster; scans and photographs compress better with the default. A grayscale array
        then goes through OpenCV's PNG writer, whose row filters cost less than Pillow's.
        """
        if self.root is None:
            return None
        if not name.lower().endswith(".png"):
            name += ".png"
        data = png_bytes(image, run_length=run_length)
        return self.write_bytes(name, data, kind=kind, media_type="image/png", page=page)


@dataclass
class Context:
    """What a check may read: the document, claims, exemplars, and cached derived evidence.

    ``artifacts`` is the writer of the check currently running; the pipeline hands each check
    a view (`for_check`) that shares this context's cache.
    """

    document: Document
    claims: Claims | None = None
    references: tuple[Document, ...] = ()
    limits: Limits = field(default_factory=Limits)
    artifacts: ArtifactWriter = field(default_factory=lambda: ArtifactWriter("none", None))
    options: dict[str, Any] = field(default_factory=dict)
    #: The text of a translation supplied with the document (compared by the translation check).
    translation: str | None = None
    _cache: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    #: One lock per value being computed (`cached`): a check waits only for the value it
    #: asks for, not for another thread's computation of another (an OCR reading).
    _computing: dict[Hashable, threading.Lock] = field(default_factory=dict, repr=False)
    #: The cached page pixels (keys of `_cache`) with their sizes in bytes, oldest use first.
    _pixels: OrderedDict[Hashable, int] = field(default_factory=OrderedDict, repr=False)

    def for_check(self, name: str, out_dir: Path | None) -> Context:
        """A view for check `name`: same document and cache, its own artifact writer."""
        return Context(
            document=self.document,
            claims=self.claims,
            references=self.references,
            limits=self.limits,
            artifacts=ArtifactWriter(name, out_dir),
            options=self.options,
            translation=self.translation,
            _cache=self._cache,
            _lock=self._lock,
            _computing=self._computing,
            _pixels=self._pixels,
        )

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for `key`, computed by `compute` the first time it is asked for.

        This is how evidence several checks need (a decoded page, OCR of page 2 in ``fas``) is
        computed once per document. Keys should start with a namespace, e.g. ``("ocr", 2)``.
        Safe from several threads (`workbench.pipeline` runs some checks beside the others):
        a thread asking for a value another thread is computing waits for it, and only for
        it; `compute` runs without the context's lock, so that reading a page with Tesseract
        does not stop another check from asking for the page's pixels.
        """
        return self._computed(key, compute, pixels=False)

    def _computed(self, key: Hashable, compute: Callable[[], T], *, pixels: bool) -> T:
        """`cached` (or `cached_pixels` when `pixels`): the value, computed once per key."""
        owned: threading.Lock | None = None  # this thread's claim on computing the value
        try:
            while owned is None:
                with self._lock:
                    if key in self._cache:
                        if pixels:
                            self._pixels.move_to_end(key)
                        return self._cache[key]  # type: ignore[no-any-return]
                    computing = self._computing.get(key)
                    if computing is None:
                        claim = threading.Lock()
                        claim.acquire()
                        owned = self._computing[key] = claim
                        continue
                with computing:  # another thread computes it: wait, then take its value
                    pass
                # Its computation may have failed (nothing cached): then compute it here.
            value = compute()
            with self._lock:
                self._cache[key] = value
                if pixels:
                    self._pixels[key] = _pixel_bytes(value)
                    while len(self._pixels) > 1 and sum(self._pixels.values()) > PIXEL_CACHE_BYTES:
                        oldest, _ = self._pixels.popitem(last=False)
                        self._cache.pop(oldest, None)
            return value
        finally:
            if owned is not None:  # released however this ends, so no waiter waits forever
                with self._lock:
                    del self._computing[key]
                owned.release()

    def cached_pixels(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`cached` for page pixels, which are kept within `PIXEL_CACHE_BYTES`.

        The pixels asked for last are always kept; older ones are dropped, least recently
        used first, while the total is over the budget, and decoded again if asked for
        again. Pages are what fills memory (a 100-megapixel page is 400 MB as an RGB image,
        100 MB as greyscale), and a document of 200 pages cannot keep them all.
        """
        return self._computed(key, compute, pixels=True)

    def page_image(self, index: int, *, document: Document | None = None) -> Image.Image:
        """Page `index` of the document (or of a reference) as a shared 8-bit RGB image."""
        doc = document or self.document
        return self.cached_pixels(
            ("page_image", doc.sha256, index), lambda: doc.shared_page_image(index)
        )

    def page_gray(self, index: int, *, document: Document | None = None) -> np.ndarray:
        """Page `index` as a read-only ``(height, width)`` uint8 luminance array (ITU-R 601).

        Every check reads pages in grey, and the RGB image is four times its size: the
        page is made in grey without keeping a colour copy beside it
        (`Document.page_gray`), and the document's page kept since loading is released
        then (a reference's is not).
        """
        doc = document or self.document

        def compute() -> np.ndarray:
            arr = doc.page_gray(index)
            arr.flags.writeable = False
            if doc is self.document:
                # The checks read pages in grey only: the colour page the loader kept (up
                # to 240 MB of them) is not held through the analysis. A reference's stay
                # kept: it is shared by every document of a batch.
                doc.release_page(index)
            return arr

        return self.cached_pixels(("page_gray", doc.sha256, index), compute)

    def decoded_pixels(self, index: int) -> np.ndarray | None:
        """Where page `index` holds what the decoder read: a read-only bool mask, or None.

        None for a page decoded in full. A page the loader recovered in part (the file cut
        short or damaged: its ``recovered_pages``) has its missing part filled in by the
        decoder; the mask is False there (`workbench.loading.fill`), so that the checks
        reading the page as a picture do not take the fill's edge for a line or its grey
        for ink.
        """
        if index not in set(self.document.properties.get("recovered_pages") or ()):
            return None

        def compute() -> np.ndarray | None:
            found = decoded_pixels(self.page_gray(index))
            if found is not None:
                found.flags.writeable = False
            return found

        return self.cached(("decoded_pixels", self.document.sha256, index), compute)

    def page_seals(self, index: int) -> tuple[Circle, ...]:
        """The round stamps on page `index` (`find_seals` with its defaults), best first.

        The letter check places the seal with them and the fingerprint check cuts the seal's
        patch out of them: a Hough search over the whole page, made once per page.
        """
        from workbench.imaging.layout.seal import find_seals

        def compute() -> tuple[Circle, ...]:
            return tuple(find_seals(np.asarray(self.page_gray(index))))

        return self.cached(("seals", self.document.sha256, index), compute)

    @property
    def file_timestamps(self) -> Mapping[str, str]:
        """When the file says it was made or changed: ISO 8601 timestamps by source.

        EXIF dates of JPEG and TIFF files and the PDF Info dates (``"EXIF DateTime"``,
        ``"PDF CreationDate"``...), read through the metadata layer
        (`workbench.formats.timestamps`) the first time a check asks, then shared read-only.
        """
        doc = self.document

        def compute() -> Mapping[str, str]:
            info = doc.properties.get("pdf_info")
            found = file_timestamps(doc.data(), info if isinstance(info, Mapping) else None)
            return MappingProxyType(found)

        return self.cached(("file_timestamps", doc.sha256), compute)

    def ocr_engine(self) -> Tesseract:
        """The Tesseract installation to read with: ``options["ocr.engine"]`` or the default."""
        from workbench.ocr import Tesseract, default_engine

        engine = self.options.get("ocr.engine")
        return engine if isinstance(engine, Tesseract) else default_engine()

    def ocr_language(self) -> str:
        """The Tesseract language this document is read in when a check names none.

        Derived from the claimed language (`workbench.ocr.language_for_claim`): the claimed
        language's model when installed (``fa`` -> ``fas``, ``ar`` -> ``ara``, ``en`` ->
        ``eng``, ``ur`` -> ``urd``...), otherwise, and when nothing is claimed, ``fas``.
        """
        from workbench.ocr import language_for_claim

        claimed = self.claims.language if self.claims is not None else None
        return language_for_claim(claimed, self.ocr_engine())

    def ocr_result(
        self, index: int, language: str | None = None, *, document: Document | None = None
    ) -> OcrResult:
        """`ocr` with how it was obtained: the preprocessed image and the steps taken."""
        doc = document or self.document
        lang = language or self.ocr_language()

        def compute() -> OcrResult:
            dpi = doc.pages[index].dpi if 0 <= index < len(doc.pages) else None
            result = self.ocr_engine().recognize(
                self.page_gray(index, document=doc),
                lang,
                index=index,
                dpi=(dpi[0] + dpi[1]) / 2 if dpi else None,
            )
            if self.artifacts.enabled:  # only the ``ocr`` check's artifact asks for it
                packed = PreprocessedPng(
                    png_bytes(Image.fromarray(result.preprocessed), run_length=True)
                )
                key = ("ocr_preprocessed", doc.sha256, index, result.page.language)
                with self._lock:
                    self._cache[key] = packed
            return replace(result, preprocessed=_NO_PIXELS)

        return self.cached(("ocr", doc.sha256, index, lang), compute)

    def preprocessed_image(
        self, index: int, language: str, *, document: Document | None = None
    ) -> np.ndarray | None:
        """The image Tesseract read page `index` from in `language`; None if it has not.

        Readings the context caches (`ocr_result`, `ocr`, `text_reading`) carry an empty
        ``preprocessed`` array: the image is kept here as a PNG file (`PreprocessedPng`),
        which the ``ocr`` check stores as its artifact, and only when artifacts are written
        (a view of `for_check` with an output folder made the reading): without one,
        compressing it cost 0.03-0.06 s of CPU per page for nobody.
        """
        doc = document or self.document
        with self._lock:
            packed = self._cache.get(("ocr_preprocessed", doc.sha256, index, language))
        return packed.unpack() if isinstance(packed, PreprocessedPng) else None

    def preprocessed_png(
        self, index: int, language: str, *, document: Document | None = None
    ) -> bytes | None:
        """`preprocessed_image` as the PNG file kept (what the ``ocr`` check stores)."""
        doc = document or self.document
        with self._lock:
            packed = self._cache.get(("ocr_preprocessed", doc.sha256, index, language))
        return packed.data if isinstance(packed, PreprocessedPng) else None

    def ocr_regions(
        self,
        index: int,
        language: str,
        boxes: tuple[tuple[int, int, int, int], ...],
        *,
        document: Document | None = None,
    ) -> OcrPage:
        """Tesseract's reading in `language` of only `boxes` (page pixels) of page `index`.

        For evidence a check needs on a few lines only (the ``script`` check's ``ara``
        reading of lines that may be Arabic), at a fraction of a whole page's cost
        (`Tesseract.recognize_regions`). When the whole page has already been read in
        `language`, that reading is returned instead: it costs nothing more and sees more.
        """
        doc = document or self.document
        with self._lock:
            whole = self._cache.get(("ocr", doc.sha256, index, language))
        if whole is not None:
            return whole.page  # type: ignore[no-any-return]

        def compute() -> OcrPage:
            dpi = doc.pages[index].dpi if 0 <= index < len(doc.pages) else None
            return (
                self.ocr_engine()
                .recognize_regions(
                    self.page_gray(index, document=doc),
                    language,
                    boxes,
                    index=index,
                    dpi=(dpi[0] + dpi[1]) / 2 if dpi else None,
                )
                .page
            )

        return self.cached(("ocr_regions", doc.sha256, index, language, boxes), compute)

    def reader_mode(self) -> str:
        """How the report's text is read: ``options["ocr.reader"]``, else ``auto``.

        ``auto``: Tesseract, and on Persian pages the second reader on the lines that need it
        (when installed); ``tesseract``: Tesseract alone; ``all``: the second reader on every
        line of Persian pages. See `workbench.reading`. Without the option, the environment
        variable ``WORKBENCH_READER`` (so batch runs and the app follow it too).
        """
        mode = self.options.get("ocr.reader") or os.environ.get("WORKBENCH_READER")
        return mode if isinstance(mode, str) and mode else "auto"

    def text_reading(
        self, index: int, *, document: Document | None = None
    ) -> tuple[OcrResult, PageReading]:
        """The report's reading of page `index`: the language the page is in, both readers.

        With a claimed language, its model reads the page; without one, the page is read with
        ``fas`` and, when that text is Arabic, with ``ara`` (`workbench.reading.read_page_text`,
        which the ``script`` check's own ``ara`` reading then reuses from the cache). Persian
        pages then go through the second reader as `reader_mode` says.
        """
        doc = document or self.document
        claimed = self.claims.language if self.claims is not None else None

        from workbench.reading import read_page_text

        def compute() -> tuple[OcrResult, PageReading]:
            return read_page_text(
                lambda language: self.ocr_result(index, language, document=doc),
                self.page_gray(index, document=doc),
                engine=self.ocr_engine(),
                language=self.ocr_language() if claimed else None,
                mode=self.reader_mode(),
            )

        return self.cached(("text", doc.sha256, index, self.reader_mode()), compute)

    def ocr(
        self, index: int, language: str | None = None, *, document: Document | None = None
    ) -> OcrPage:
        """The text of page `index`: `text_reading` without a language, else Tesseract's.

        Every check that asks for the same page and language gets the same `OcrPage`; OCR is
        the expensive step and runs once per (document, page, language). `language` is a
        Tesseract language string (``"fas"``, ``"ara"``, ``"fas+eng"``): Tesseract's own
        reading in that model, which is what orthographic evidence must use (the second
        reader writes Persian letters whatever the page shows). None means the report's
        text (`text_reading`). Boxes are in pixels of the decoded page.

        Raises:
            ToolUnavailableError: Tesseract or the language's data is not installed.
            OcrFailedError: Tesseract failed on this page.
            IndexError: the page does not exist.

        """
        if language is None:
            return self.text_reading(index, document=document)[0].page
        return self.ocr_result(index, language, document=document).page
