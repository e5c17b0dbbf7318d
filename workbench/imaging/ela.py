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

from workbench.imaging.blocks import block_mean, robust_zscore, smooth_blocks

#: Quality of the re-save; 90 is the customary ELA setting.
DEFAULT_QUALITY = 90


def jpeg_roundtrip(image: np.ndarray, quality: int) -> np.ndarray:
    """Encode an 8-bit image as baseline JPEG at ``quality`` with Pillow and decode it again.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 array
        The image to re-save.
    quality : int in [1, 100]
        Pillow's (libjpeg's) quality scale; grayscale uses the luminance table only.

    Returns
    -------
    uint8 array of the same shape.

    """
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image)).save(buffer, format="JPEG", quality=int(quality))
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return np.asarray(decoded, dtype=np.uint8).copy()


def error_level(
    image: np.ndarray, quality: int = DEFAULT_QUALITY, *, resaved: np.ndarray | None = None
) -> np.ndarray:
    """Per-pixel error level: absolute change after one JPEG save at ``quality``.

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
    (H, W) float32 array in [0, 1]
        The absolute difference divided by 255, the largest over colour channels.

    """
    img = np.asarray(image, dtype=np.uint8)
    again = jpeg_roundtrip(img, quality) if resaved is None else np.asarray(resaved, np.uint8)
    diff = cv2.absdiff(img, again)
    if diff.ndim == 3:
        diff = diff.max(axis=2)
    return diff.astype(np.float32) / 255.0


def error_level_display(ela: np.ndarray, percentile: float = 99.5) -> np.ndarray:
    """Scale an error-level map for viewing: the page's ``percentile`` maps to 255.

    Parameters
    ----------
    ela : (H, W) float array in [0, 1]
        From `error_level`.
    percentile : float
        Which of the page's error levels becomes full white.

    Returns
    -------
    (H, W) uint8 array

    """
    top = float(np.percentile(ela, percentile)) if ela.size else 0.0
    scale = 255.0 / max(top, 1.0 / 255.0)
    return np.clip(ela * scale, 0, 255).astype(np.uint8)


def error_level_anomaly(
    ela: np.ndarray, gray: np.ndarray, block: int = 16, *, min_edge: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """Robust z-score of each block's error level relative to its edge content.

    Edges carry most of the error, so the ratio ``log(mean error / mean gradient)`` is compared
    with the page's own distribution: a pasted region compressed differently sits far above or
    below it, while ordinary text blocks do not. Blocks with almost no edges (blank paper) are
    left out, because their error is pure noise.

    Parameters
    ----------
    ela : (H, W) float array in [0, 1]
        From `error_level`.
    gray : (H, W) uint8 array
        The page luminance.
    block : int
        Tile side in pixels.
    min_edge : float
        Mean Sobel magnitude (levels) below which a block is considered blank.

    Returns
    -------
    z : (H // block, W // block) float64
        Smoothed over 3 x 3 blocks; 0 where invalid.
    valid : bool array of the same shape

    """
    g = np.asarray(gray, dtype=np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    edge = block_mean(cv2.magnitude(gx, gy) / 8.0, block)
    err = block_mean(ela * 255.0, block)
    valid = edge >= min_edge
    ratio = np.log((err + 0.05) / (edge + 1e-3))
    z = robust_zscore(ratio, valid)
    return smooth_blocks(z, valid), valid
