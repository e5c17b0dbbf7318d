"""Error level analysis (ELA): how much a page changes when it is saved once more as JPEG.

Re-saving at a known quality changes content that was never compressed at that quality more
than content that already was (its coefficients are already on the quantisation grid). A region
pasted from a differently compressed source can therefore stand out. This is N. Krawetz's
error level analysis ("A picture's worth...", Black Hat 2007).

Limits, which matter on document scans: the error is largest at sharp edges, so the strokes of
printed text light up everywhere and a raw ELA image of a letter looks "suspicious" all over.
`error_level_anomaly` compares each block's error with its edge content and with the rest of
the page instead, which is what the fused map uses; the raw map is kept for a human to look at.
ELA says nothing about a page saved many times after the edit (traces wash out) and cannot tell
an edit from an innocent local change such as a highlighted or re-scanned area.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from workbench.imaging.aligned import sobel_magnitude
from workbench.imaging.blocks import block_mean, robust_zscore, row_strips, smooth_blocks

#: Quality of the re-save; 90 is the customary ELA setting.
DEFAULT_QUALITY = 90


def jpeg_roundtrip(image: np.ndarray, quality: int) -> np.ndarray:
    """Encode an 8-bit image as baseline JPEG at ``quality`` and decode it again.

    Grayscale goes through OpenCV's codec, colour through Pillow's. Both are libjpeg-turbo
    with the standard (IJG) quality scaling and the default integer DCT, and for a single
    channel they give the same bytes; OpenCV's skips Pillow's buffer copies, which matters
    when JPEG ghosts re-save a full page eight times. Colour stays with Pillow because it
    reads the array as RGB (OpenCV would take it as BGR and weigh the channels differently).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 array
        The image to re-save.
    quality : int in [1, 100]
        libjpeg's quality scale; grayscale uses the luminance table only.

    Returns
    -------
    uint8 array of the same shape.

    """
    img = np.ascontiguousarray(image, dtype=np.uint8)
    if img.ndim == 2:
        ok, encoded = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
        decoded = cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED) if ok else None
        if decoded is not None and decoded.shape == img.shape:
            return np.asarray(decoded, dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(img).save(buffer, format="JPEG", quality=int(quality))
    buffer.seek(0)
    with Image.open(buffer) as decoded_image:
        return np.asarray(decoded_image, dtype=np.uint8).copy()


def error_levels(
    image: np.ndarray, quality: int = DEFAULT_QUALITY, *, resaved: np.ndarray | None = None
) -> np.ndarray:
    """Per-pixel error level in grey levels: absolute change after one JPEG save at ``quality``.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 array
        The page as decoded.
    quality : int
        Quality of the re-save.
    resaved : array like `image`, optional
        The re-saved image when the caller already has it (JPEG ghosts compute it too).

    Returns
    -------
    (H, W) uint8 array
        The absolute difference, the largest over colour channels. A quarter of the memory
        of `error_level`'s floats, which matters on full pages.

    """
    img = np.asarray(image, dtype=np.uint8)
    again = jpeg_roundtrip(img, quality) if resaved is None else np.asarray(resaved, np.uint8)
    diff = cv2.absdiff(img, again)
    if diff.ndim == 3:
        diff = diff.max(axis=2)
    return np.asarray(diff, dtype=np.uint8)


def error_level(
    image: np.ndarray, quality: int = DEFAULT_QUALITY, *, resaved: np.ndarray | None = None
) -> np.ndarray:
    """`error_levels` (same parameters) as a float32 array in [0, 1]: grey levels / 255."""
    return error_levels(image, quality, resaved=resaved).astype(np.float32) / 255.0


def _as_levels(ela: np.ndarray) -> np.ndarray:
    """Error levels as uint8 grey levels, from `error_levels` or from `error_level`'s floats."""
    if ela.dtype == np.uint8:
        return ela
    return np.asarray(np.clip(np.rint(np.asarray(ela) * 255.0), 0, 255), dtype=np.uint8)


def _level_percentile(levels: np.ndarray, percentile: float) -> float:
    """``np.percentile`` (linear interpolation) of uint8 values, from their histogram."""
    if levels.size < 1 << 24:  # OpenCV's float32 counts are exact below 2**24
        counts = cv2.calcHist([np.ascontiguousarray(levels)], [0], None, [256], [0, 256])
        cumulative = np.cumsum(counts.ravel().astype(np.int64))
    else:
        cumulative = np.cumsum(np.bincount(levels.ravel(), minlength=256))
    rank = percentile / 100.0 * (int(cumulative[-1]) - 1)
    low, frac = int(np.floor(rank)), rank - np.floor(rank)
    below = int(np.searchsorted(cumulative, low, side="right"))
    above = int(np.searchsorted(cumulative, min(low + 1, int(cumulative[-1]) - 1), side="right"))
    return float(below + (above - below) * frac)


def error_level_display(ela: np.ndarray, percentile: float = 99.5) -> np.ndarray:
    """Scale an error-level map for viewing: the page's ``percentile`` maps to 255.

    Parameters
    ----------
    ela : (H, W) array
        From `error_levels` (uint8 grey levels) or `error_level` (floats in [0, 1]).
    percentile : float
        Which of the page's error levels becomes full white.

    Returns
    -------
    (H, W) uint8 array

    """
    levels = _as_levels(ela)
    top = _level_percentile(levels, percentile) / 255.0 if levels.size else 0.0
    scale = 255.0 / max(top, 1.0 / 255.0)
    # One lookup per pixel instead of page-sized float arithmetic.
    table = np.clip(np.arange(256, dtype=np.float32) / np.float32(255.0) * scale, 0, 255)
    return np.asarray(cv2.LUT(levels, table.astype(np.uint8)), dtype=np.uint8)


def gradient_block_mean(gray: np.ndarray, block: int = 16) -> np.ndarray:
    """Mean Sobel gradient magnitude (grey levels, Sobel / 8) of each whole tile.

    How much edge content (print, strokes, detail) a tile holds; blank paper stays well
    below 2 even with scanner noise. Computed strip by strip, with one row of context for
    the filters: the same numbers as the whole page at once, without page-sized floats.

    Returns
    -------
    (H // block, W // block) float64

    """
    img = np.asarray(gray)
    h, w = img.shape[:2]
    edge = np.zeros((h // block, w // block), dtype=np.float64)
    for y0, y1, a0, a1 in row_strips(h, block, 1):
        # Buffers on a fixed boundary: the same map on every call (`sobel_magnitude`).
        mag = sobel_magnitude(img[a0:a1])
        edge[y0 // block : y1 // block] = block_mean(mag[y0 - a0 : y1 - a0] / 8.0, block)
    return edge


def error_level_anomaly(
    ela: np.ndarray,
    gray: np.ndarray,
    block: int = 16,
    *,
    min_edge: float = 2.0,
    edge: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Robust z-score of each block's error level relative to its edge content.

    Edges carry most of the error, so the ratio ``log(mean error / mean gradient)`` is compared
    with the page's own distribution: a pasted region compressed differently sits far above or
    below it, while ordinary text blocks do not. Blocks with almost no edges (blank paper) are
    left out, because their error is pure noise.

    Parameters
    ----------
    ela : (H, W) array
        From `error_levels` (uint8 grey levels) or `error_level` (floats in [0, 1]).
    gray : (H, W) uint8 array
        The page luminance.
    block : int
        Tile side in pixels.
    min_edge : float
        Mean Sobel magnitude (levels) below which a block is considered blank.
    edge : (H // block, W // block) array, optional
        `gradient_block_mean` of ``gray`` when the caller already has it.

    Returns
    -------
    z : (H // block, W // block) float64
        Smoothed over 3 x 3 blocks; 0 where invalid.
    valid : bool array of the same shape

    """
    levels = _as_levels(ela)
    h, w = levels.shape[:2]
    if edge is None:
        edge = gradient_block_mean(gray, block)
    err = np.zeros((h // block, w // block), dtype=np.float64)
    for y0, y1, _, _ in row_strips(h, block):
        err[y0 // block : y1 // block] = block_mean(levels[y0:y1], block)
    valid = edge >= min_edge
    ratio = np.log((err + 0.05) / (edge + 1e-3))
    z = robust_zscore(ratio, valid)
    return smooth_blocks(z, valid), valid
