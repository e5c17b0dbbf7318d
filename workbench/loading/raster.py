"""Raster images: JPEG, PNG, TIFF (Pillow, or tifffile when Pillow refuses), BMP, WebP, HEIC.

Every page is decoded once while loading to prove it decodes; a page cut short or damaged
is kept as far as the decoder recovers it, and the document says so. Pillow's process-wide
switches (the decompression-bomb guard, loading truncated images) are changed only under a
lock, and the workbench's own pixel limit applies to every page before it is decoded.
"""

from __future__ import annotations

import io
import math
import struct
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

from workbench.errors import CorruptFileError, InputError, PageLimitError, PixelLimitError
from workbench.formats.decoders import register_heif, tiff_page, tiff_page_shapes
from workbench.limits import Limits
from workbench.loading.document import DecodedPages, Document, check_pixels
from workbench.loading.gray import gray_array

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

#: Image formats recognised from their bytes whose pixels the workbench does not decode: the
#: checks that read the bytes (file, metadata) still run on them.
UNDECODED_MEDIA_TYPES = frozenset({"image/gif", "image/jp2", "image/vnd.adobe.photoshop"})

#: Formats whose decoder gives all of the picture or none: told to go on past damage, HEIF's
#: (libheif through pillow-heif) hands back a black page, which is no part of the picture.
_NO_PARTIAL_DECODING = frozenset({"HEIF"})

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

# Image.MAX_IMAGE_PIXELS is process-wide; it is set to our limit only while a file is opened.
_PIL_GUARD = threading.RLock()


def _register_plugins() -> None:
    """Register Pillow's plugins for `IMAGE_FORMATS` (HEIF aside), not all of Pillow's.

    ``Image.init()`` imports some forty plugins (DDS, ICNS, AVIF, EPS, ...), about 0.05 s
    of CPU in every process, for formats the workbench never decodes; these six are what
    `open_image` lets Pillow try. Imported once; later calls find them in `sys.modules`.
    """
    from PIL import (  # noqa: F401 - imported to register the formats with Pillow
        BmpImagePlugin,
        JpegImagePlugin,
        MpoImagePlugin,
        PngImagePlugin,
        TiffImagePlugin,
        WebPImagePlugin,
    )


def open_image(data: bytes) -> Image.Image:
    """Image.open reading only the header, with Pillow's process-wide bomb guard lifted.

    The workbench applies its own pixel limit (`check_pixels`) to every page before it is
    decoded; Pillow's guard is lifted only while the header is parsed, under a lock.
    """
    with _PIL_GUARD, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        _register_plugins()
        register_heif()
        try:
            formats = [f for f in IMAGE_FORMATS if f in Image.OPEN]
            return Image.open(io.BytesIO(data), formats=formats)
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def identify_image(data: bytes) -> str | None:
    """The Pillow format name when the content is a raster image we read, else None."""
    try:
        with open_image(data) as img:
            return str(img.format)
    except _DECODER_ERRORS:
        return None


def unidentified_reason(data: bytes) -> str:
    """Pillow's words for why it cannot open `data` (which `identify_image` refused)."""
    try:
        with open_image(data):
            return "the decoder opened it only on a second attempt"
    except _DECODER_ERRORS as exc:
        return str(exc) or type(exc).__name__


#: The transposition that undoes what Pillow's TIFF reader applies for each EXIF
#: orientation (it turns TIFF pages upright while loading them, ImageOps.exif_transpose).
_UNDO_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def _stored_grid(im: Image.Image, orientation: object) -> Image.Image:
    """`im` with its pixels back in the grid the file stores, when the reader turned them.

    Forensic methods need the stored grid, and the orientation is metadata for the
    ``metadata`` check; Pillow turns TIFF pages upright as it loads them (JPEGs it leaves),
    and removes the orientation tag when it does.
    """
    undo = _UNDO_ORIENTATION.get(orientation) if isinstance(orientation, int) else None
    if undo is None or 274 in im.tag_v2:  # type: ignore[attr-defined]
        return im  # Pillow drops the tag when it has turned the pixels
    turned = im.transpose(undo)
    im.close()
    return turned


def _dpi(info: dict[Any, Any]) -> tuple[float, float] | None:
    raw = info.get("dpi")
    try:
        x, y = (float(v) for v in raw)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)) or x <= 1 or y <= 1 or max(x, y) > 100_000:
        return None
    return (round(x, 2), round(y, 2))


def normalize_image(img: Image.Image, *, owned: bool = False) -> Image.Image:
    """Convert any decoded image to a new 8-bit RGB image.

    16-bit and 32-bit integer greyscale are scaled to 8 bits by their data range; float images
    by their value range; transparency is composited over white (paper), not dropped to black.
    An RGB image is copied unless `owned` says the caller opened it for this page alone (a
    decoder's buffer is reused when the file is seeked to another page).
    """
    mode = img.mode
    if mode == "RGB":
        return img if owned else img.copy()
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


def load_image(path: Path, data: bytes, sha256: str, fmt: str, limits: Limits) -> Document:
    """Decode every page of an image Pillow identified as `fmt` (a key of `IMAGE_FORMATS`)."""
    media_type = IMAGE_FORMATS[fmt]
    try:
        img = open_image(data)
    except _DECODER_ERRORS as exc:
        raise CorruptFileError(f"{path}: {media_type} cannot be decoded ({exc})") from None

    unreadable: list[str] = []
    try:
        frames = getattr(img, "n_frames", 1) if fmt == "TIFF" else 1
    except _DECODER_ERRORS as exc:  # the chain of TIFF directories is damaged after the first
        frames = 1
        img.close()
        img = open_image(data)
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

    def decode_page(
        index: int, recover: bool, gray: bool = False
    ) -> tuple[Image.Image, tuple[float, float] | None]:
        """Page `index` in RGB, or with `gray` a page stored in grey as it is ("L").

        Turning a grey page to RGB and back to grey changes nothing, and the RGB page is
        four times its size; pages in other modes are normalised to RGB as without `gray`.
        """
        # Pillow's switch for cut-off data is process-wide: it is set only under the lock.
        with _PIL_GUARD:
            saved = ImageFile.LOAD_TRUNCATED_IMAGES
            ImageFile.LOAD_TRUNCATED_IMAGES = recover
            page: Image.Image | None = None
            im = open_image(data)
            try:
                im.seek(index)
                check_pixels(path, im.width, im.height, limits, f"page {index + 1}")
                dpi = _dpi(im.info)
                orientation = im.tag_v2.get(274) if fmt == "TIFF" else None  # type: ignore[attr-defined]
                im.load()
                # this image was opened for this page alone: an RGB page is handed out as
                # decoded, not copied (a 100-megapixel page is 400 MB)
                page = _stored_grid(im, orientation)
                if not (gray and page.mode == "L" and "transparency" not in page.info):
                    page = normalize_image(page, owned=True)
                return page, dpi
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = saved
                if page is not im:
                    im.close()

    recovered: set[int] = set()

    def decode(index: int) -> Image.Image:
        return decode_page(index, index in recovered)[0]

    def decode_gray(index: int) -> np.ndarray:
        page = decode_page(index, index in recovered, gray=True)[0]
        try:
            return gray_array(page)
        finally:
            page.close()

    pages = DecodedPages(limits.keep_decoded_pixels)
    for index in range(frames):
        try:
            page, dpi = decode_page(index, False)
        except InputError:
            raise
        except Image.DecompressionBombError as exc:
            raise PixelLimitError(f"{path}: page {index + 1} is too large ({exc})") from None
        except MemoryError:
            raise  # the memory budget, not damage: the caller reports it as such
        except _DECODER_ERRORS as exc:
            # Cut short or damaged: keep what the decoder recovers, and say so.
            where = f" (page {index + 1})" if frames > 1 else ""
            why = " ".join(str(exc).split()) or type(exc).__name__
            failed = CorruptFileError(f"{path}: this {fmt} file cannot be decoded{where}: {why}")
            if fmt in _NO_PARTIAL_DECODING:
                raise failed from None
            try:
                page, dpi = decode_page(index, True)
            except (InputError, *_DECODER_ERRORS):
                raise failed from None
            low, high = page.convert("L").getextrema()
            if low == high:  # one flat colour: the fill, nothing of the picture came back
                raise failed from None
            recovered.add(index)
            unreadable.append(
                f"page {index + 1}: the pixel data is damaged or cut short ({why}); the part "
                "the decoder recovered is analysed, the rest is filled in"
            )
        pages.add(index, page, dpi)
    # which pages hold decoder fill, for the checks that must not read it as the picture
    properties["recovered_pages"] = sorted(recovered)
    return pages.document(path, data, sha256, media_type, properties, decode, decode_gray)


def load_tifffile(
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
        check_pixels(path, width, height, limits, f"page {index + 1}")
    pages = DecodedPages(limits.keep_decoded_pixels)
    for index in range(len(shapes)):
        try:
            pages.add(index, tiff_page(data, index), None)
        except ValueError as exc:  # MemoryError is the budget, reported as such
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
