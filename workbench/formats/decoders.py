"""Decoders beyond Pillow's own, for files a newsroom meets that Pillow refuses.

HEIC/HEIF (what an iPhone photograph of a document is) is decoded through pillow-heif, a
maintained binding of libheif that registers itself as a Pillow plugin. TIFF variants that
Pillow cannot identify or decode (BigTIFF with extra samples, unusual layouts) are decoded
through tifffile. Both are applied only to bytes already in memory, under the same pixel
and page limits as every other page.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import numpy as np
from PIL import Image

_HEIF_REGISTERED = threading.Lock()
_STATE: dict[str, bool] = {}

#: Leading bytes of TIFF and BigTIFF files, little- and big-endian.
TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
#: ISO base media brands of HEIF still images (at offset 8, after the size and ``ftyp``).
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def register_heif() -> bool:
    """Register the HEIC/HEIF plugin with Pillow once; False when pillow-heif is missing."""
    with _HEIF_REGISTERED:
        if "heif" not in _STATE:
            try:
                import pillow_heif

                pillow_heif.register_heif_opener(thumbnails=False)
                _STATE["heif"] = True
            except ImportError:
                _STATE["heif"] = False
        return _STATE["heif"]


def looks_like_heif(data: bytes) -> bool:
    """Whether `data` starts like an HEIF/HEIC (or AVIF) still image."""
    return data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS


def tiff_page_shapes(data: bytes) -> list[tuple[int, int]]:
    """(width, height) of each page of a TIFF or BigTIFF, read by tifffile without decoding.

    Raises:
        ValueError: tifffile cannot read the file's structure.

    """
    import tifffile

    try:
        with tifffile.TiffFile(io.BytesIO(data)) as tif:
            shapes = []
            for page in tif.pages:
                shape = page.shape  # (height, width[, samples]) or (samples, height, width)
                if len(shape) >= 3 and shape[0] < shape[-1] and shape[0] <= 8:
                    shape = shape[1:]
                shapes.append((int(shape[1]), int(shape[0])))
            return shapes
    except Exception as exc:  # tifffile raises TiffFileError, ValueError, struct.error...
        raise ValueError(f"tifffile cannot read it: {exc}") from None


def tiff_page(data: bytes, index: int) -> Image.Image:
    """Page `index` of a TIFF decoded by tifffile, as 8-bit RGB.

    The first three samples are taken as colour (one or two: grey), integer samples are
    scaled from their type's range, floating-point ones from their value range.

    Raises:
        ValueError: the page cannot be decoded (an unsupported compression, damage).

    """
    import tifffile

    try:
        with tifffile.TiffFile(io.BytesIO(data)) as tif:
            array = np.asarray(tif.pages[index].asarray())
    except MemoryError:
        raise  # the memory budget, not damage
    except Exception as exc:
        raise ValueError(f"tifffile cannot decode page {index + 1}: {exc}") from None
    return Image.fromarray(_to_rgb8(array), "RGB")


def _to_rgb8(array: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    array = np.squeeze(array)
    if array.ndim == 3 and array.shape[0] < array.shape[-1] and array.shape[0] <= 8:
        array = np.moveaxis(array, 0, -1)  # samples stored plane by plane
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3:
        raise ValueError(f"an image of shape {array.shape} is not a page")
    samples = array[:, :, :3] if array.shape[2] >= 3 else array[:, :, :1]
    if np.issubdtype(samples.dtype, np.floating):
        values = np.nan_to_num(samples.astype(np.float64))
        lo, hi = float(values.min(initial=0.0)), float(values.max(initial=0.0))
        scaled = (values - lo) * (255.0 / ((hi - lo) or 1.0))
    elif samples.dtype == np.bool_:
        scaled = samples.astype(np.float64) * 255.0
    else:
        top = float(np.iinfo(samples.dtype).max) if samples.dtype.kind in "ui" else 255.0
        scaled = samples.astype(np.float64) * (255.0 / top)
    rgb = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    if rgb.shape[2] == 1:
        rgb = np.repeat(rgb, 3, axis=2)
    return np.ascontiguousarray(rgb)
