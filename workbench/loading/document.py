"""A loaded document and the pages its decoders produce; what every decoder here builds.

`Document` is what the checks receive: identity, page geometry, pages decoded on demand (and
kept in memory while a pixel budget allows), or text. `DecodedPages` collects pages while a
decoder proves they decode, and `check_pixels` refuses a page over the pixel limit before it
is decoded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from workbench.errors import CorruptFileError, PixelLimitError
from workbench.formats.filetype import extension_media_type
from workbench.limits import Limits
from workbench.loading.gray import gray_array
from workbench.model import DocumentInfo, PageInfo
from workbench.names import printable


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
    #: Decodes a page not kept to a grey array, without a colour page when stored in grey.
    _decode_gray: Callable[[int], np.ndarray] | None = field(default=None, repr=False)
    _decoded: dict[int, Image.Image] = field(default_factory=dict, repr=False)
    _data: bytes = field(default=b"", repr=False)

    @property
    def extension_media_type(self) -> str | None:
        """The media type the file name's extension promises, or None for unknown extensions."""
        return extension_media_type(self.path)

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

    def shared_page_image(self, index: int) -> Image.Image:
        """Page `index` as `page_image` gives it, without the copy when the page is kept.

        For readers that never modify it (the analysis context, which converts it or hands
        it out read-only): a kept 35-megapixel page is 140 MB a copy.
        """
        cached = self._decoded.get(index)
        if cached is not None and 0 <= index < len(self.pages):
            return cached
        return self.page_image(index)

    def page_gray(self, index: int) -> np.ndarray:
        """Page `index` in grey: a new ``(height, width)`` uint8 array the caller may keep.

        What the checks read pixels from, made without holding the colour page beside its
        grey copy (`workbench.loading.gray`): converted band by band from the page kept
        since loading, or decoded again (in grey when the file stores it in grey) and
        converted band by band, the colour page released when done. The values are those
        of Pillow's ``convert("L")`` of the page `page_image` gives.
        """
        if not 0 <= index < len(self.pages):
            raise IndexError(f"page {index} out of range (document has {len(self.pages)})")
        cached = self._decoded.get(index)
        if cached is not None:
            return gray_array(cached)
        if self._decode_gray is not None:
            return self._decode_gray(index)
        page = self.page_image(index)
        try:
            return gray_array(page)
        finally:
            page.close()

    def release_page(self, index: int) -> None:
        """Forget page `index` as kept since loading; it is decoded again when asked for.

        For a reader that has taken what it needs from the kept page: the analysis context,
        once it has the page in grey, which is all the checks read. A document that cannot
        decode its pages again keeps them.
        """
        if self._decode is None:
            return
        self._decoded.pop(index, None)

    def info(self) -> DocumentInfo:
        """The identity block of the report."""
        return DocumentInfo(
            path=printable(self.path),
            sha256=self.sha256,
            size_bytes=self.size_bytes,
            media_type=self.media_type,
            pages=self.pages,
        )


def check_pixels(path: Path, width: int, height: int, limits: Limits, what: str) -> None:
    """Refuse a page of impossible size, or over ``limits.max_pixels``, before decoding it."""
    if width <= 0 or height <= 0:
        raise CorruptFileError(f"{path}: {what} has an impossible size {width}x{height}")
    if width * height > limits.max_pixels:
        raise PixelLimitError(
            f"{path}: {what} is {width}x{height} = {width * height:,} pixels, over the limit "
            f"of {limits.max_pixels:,} (a possible decompression bomb; raise it with "
            f"--max-pixels if the file is trusted)"
        )


class DecodedPages:
    """Pages decoded while loading: their geometry, and those kept in memory.

    Pages are kept while the pixel budget allows; the rest are decoded again on demand.
    """

    def __init__(self, budget: int) -> None:
        self.infos: list[PageInfo] = []
        self.kept: dict[int, Image.Image] = {}
        self._budget = budget

    def add(self, index: int, page: Image.Image, dpi: tuple[float, float] | None) -> None:
        """Record a decoded page's geometry, keeping its pixels while the budget allows."""
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
        decode_gray: Callable[[int], np.ndarray] | None = None,
    ) -> Document:
        """The loaded document: these pages, and `decode` for those not kept in memory.

        `decode_gray`, when given, decodes a page not kept straight to a grey array.
        """
        return Document(
            path=path,
            sha256=sha256,
            size_bytes=len(data),
            media_type=media_type,
            pages=tuple(self.infos),
            properties=properties,
            _decode=decode,
            _decode_gray=decode_gray,
            _decoded=self.kept,
            _data=data,
        )
