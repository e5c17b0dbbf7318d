"""Block statistics and region extraction shared by the forensic maps.

Forensic traces (compression history, sensor or scanner noise) are measured over blocks of
pixels, compared with the rest of the page, and turned back into page-sized maps and boxes.
These helpers do that bookkeeping once, so every method reports on the same grid.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import cv2
import numpy as np

from workbench.geometry import Box


def block_view(image: np.ndarray, block: int) -> np.ndarray:
    """Non-overlapping ``block`` x ``block`` tiles of a 2-D array, as a view.

    Parameters
    ----------
    image : (H, W) array
        Any dtype. Rows and columns past the last whole block are dropped.
    block : int
        Tile side in pixels (>= 1).

    Returns
    -------
    (H // block, W // block, block, block) array
        A strided view; no pixels are copied.

    """
    h, w = image.shape[:2]
    bh, bw = h // block, w // block
    trimmed = image[: bh * block, : bw * block]
    return trimmed.reshape(bh, block, bw, block).swapaxes(1, 2)


def block_mean(image: np.ndarray, block: int) -> np.ndarray:
    """Mean of each whole ``block`` x ``block`` tile, as float64 ``(H // block, W // block)``.

    Computed in float32 by OpenCV's area resampling (exact for whole tiles, and several
    times faster than a NumPy reduction on a full page), then widened.
    """
    arr = np.asarray(image, dtype=np.float32)
    h, w = arr.shape[:2]
    bh, bw = h // block, w // block
    if bh == 0 or bw == 0:
        return np.zeros((bh, bw), dtype=np.float64)
    trimmed = np.ascontiguousarray(arr[: bh * block, : bw * block])
    return cv2.resize(trimmed, (bw, bh), interpolation=cv2.INTER_AREA).astype(np.float64)


def block_max(image: np.ndarray, block: int) -> np.ndarray:
    """Largest value of each whole ``block`` x ``block`` tile: ``(H // block, W // block)``.

    Reduced over each row of tiles' rows first, then over each tile's columns: the same
    values as a reduction over both axes of `block_view`, at a tenth of its cost on a page
    (a reduction over two strided axes at once walks the page tile by tile).
    """
    arr = np.asarray(image)
    bh, bw = arr.shape[0] // block, arr.shape[1] // block
    rows = arr[: bh * block, : bw * block].reshape(bh, block, bw * block).max(axis=1)
    out: np.ndarray = rows.reshape(bh, bw, block).max(axis=2)
    return out


def block_min(image: np.ndarray, block: int) -> np.ndarray:
    """Smallest value of each whole ``block`` x ``block`` tile (as `block_max`)."""
    arr = np.asarray(image)
    bh, bw = arr.shape[0] // block, arr.shape[1] // block
    rows = arr[: bh * block, : bw * block].reshape(bh, block, bw * block).min(axis=1)
    out: np.ndarray = rows.reshape(bh, bw, block).min(axis=2)
    return out


#: Rows of a page processed at a time by the strip-wise statistics: a strip of float32 pixels
#: of an A4 page at 300 dpi is then about 2.5 MB. Page-sized float temporaries cost more in
#: fresh memory (page faults on every allocation) than the arithmetic on them.
STRIP_ROWS = 256


def row_strips(
    height: int, block: int, halo: int = 0, rows: int = STRIP_ROWS
) -> Iterator[tuple[int, int, int, int]]:
    """Split the whole blocks of a page into horizontal strips, with context rows around each.

    Parameters
    ----------
    height : int
        Page height in pixels.
    block : int
        Tile side; strips hold whole tiles only, so rows past the last whole tile are left out.
    halo : int
        Rows of context a filter needs on each side (clipped at the page's top and bottom,
        where the filter's own border rule applies as it would on the whole page).
    rows : int
        Approximate strip height; rounded down to whole tiles (at least one).

    Yields
    ------
    (y0, y1, a0, a1)
        The strip covers page rows ``[y0, y1)``, tiles ``y0 // block`` to ``y1 // block``;
        read rows ``[a0, a1)`` and keep rows ``y0 - a0`` to ``y1 - a0`` of the result.

    """
    step = max(rows // block, 1) * block
    end = (height // block) * block
    for y0 in range(0, end, step):
        y1 = min(y0 + step, end)
        yield y0, y1, max(y0 - halo, 0), min(y1 + halo, height)


def block_sum(image: np.ndarray, block: int) -> np.ndarray:
    """Sum of each whole ``block`` x ``block`` tile, as float64 ``(H // block, W // block)``."""
    return block_mean(image, block) * float(block * block)


def upsample_blocks(values: np.ndarray, block: int, shape: tuple[int, int]) -> np.ndarray:
    """Paint per-block values back onto a page of ``shape`` (nearest, edges repeat the last block).

    Parameters
    ----------
    values : (BH, BW) array
        One value per tile, as returned by `block_mean`.
    block : int
        Tile side in pixels.
    shape : (H, W)
        Page size; rows/columns beyond the last whole tile take the nearest tile's value.

    Returns
    -------
    (H, W) array of ``values.dtype``

    """
    h, w = shape
    if values.size == 0:
        return np.zeros((h, w), dtype=values.dtype)
    bh, bw = values.shape
    src = values.astype(np.float32) if values.dtype == np.float64 else values
    big = cv2.resize(src, (bw * block, bh * block), interpolation=cv2.INTER_NEAREST)
    pad_y, pad_x = max(h - bh * block, 0), max(w - bw * block, 0)
    if pad_y or pad_x:
        big = cv2.copyMakeBorder(big, 0, pad_y, 0, pad_x, cv2.BORDER_REPLICATE)
    out: np.ndarray = big[:h, :w].astype(values.dtype, copy=False)
    return out


def robust_zscore(
    values: np.ndarray, valid: np.ndarray | None = None, *, floor: float = 1e-6
) -> np.ndarray:
    """How many robust standard deviations each value lies from the median of the valid ones.

    The scale is 1.4826 x the median absolute deviation, so a page's own variation (and not a
    few extreme blocks) sets what counts as unusual. Invalid entries get 0.

    Parameters
    ----------
    values : array of float
        The measurements, one per block.
    valid : bool array of the same shape, optional
        Entries that take part in the median and MAD; all finite entries by default.
    floor : float
        Lower bound of the scale, so a perfectly uniform page does not divide by zero.

    Returns
    -------
    float64 array of the same shape

    """
    values = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(values) if valid is None else (valid & np.isfinite(values))
    out = np.zeros(values.shape, dtype=np.float64)
    if int(ok.sum()) < 3:
        return out
    sample = values[ok]
    median = float(np.median(sample))
    scale = max(1.4826 * float(np.median(np.abs(sample - median))), floor)
    out[ok] = (values[ok] - median) / scale
    return out


def smooth_blocks(values: np.ndarray, valid: np.ndarray, size: int = 3) -> np.ndarray:
    """Mean of the valid neighbours in a ``size`` x ``size`` window of block values.

    Single unusual blocks are common on clean pages (a speck, a fold); a manipulated region
    spans several neighbouring blocks, so averaging over neighbours keeps regions and drops
    isolated blocks. Invalid blocks neither contribute nor receive a value (they get 0).
    """
    v = np.where(valid, values, 0.0).astype(np.float32)
    n = valid.astype(np.float32)
    kernel = (size, size)
    total = cv2.boxFilter(v, -1, kernel, normalize=False, borderType=cv2.BORDER_CONSTANT)
    count = cv2.boxFilter(n, -1, kernel, normalize=False, borderType=cv2.BORDER_CONSTANT)
    out = np.where(count > 0, total / np.maximum(count, 1.0), 0.0)
    return np.where(valid, out, 0.0).astype(np.float64)


def strength_from_z(z: np.ndarray, low: float, high: float) -> np.ndarray:
    """Map a deviation onto [0, 1]: 0 up to ``low``, rising linearly to 1 at ``high``."""
    return np.clip((np.asarray(z, dtype=np.float64) - low) / (high - low), 0.0, 1.0)


def regions_from_mask(
    mask: np.ndarray,
    block: int,
    *,
    strength: np.ndarray | None = None,
    min_blocks: int = 1,
    shape: tuple[int, int] | None = None,
) -> list[Box]:
    """Boxes (in page pixels) of the 8-connected groups of True blocks.

    Parameters
    ----------
    mask : (BH, BW) bool array
        Blocks that show the trace.
    block : int
        Tile side in pixels, to convert back to page coordinates.
    strength : (BH, BW) float array, optional
        Per-block strength; a box's score is its maximum (0 without it).
    min_blocks : int
        Groups with fewer blocks are ignored.
    shape : (H, W), optional
        Page size; boxes are clipped to it.

    Returns
    -------
    list of Box, strongest first.

    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        mask.astype(np.uint8), connectivity=8
    )
    boxes: list[Box] = []
    for label in range(1, count):
        if int(stats[label, cv2.CC_STAT_AREA]) < min_blocks:
            continue
        x0 = int(stats[label, cv2.CC_STAT_LEFT]) * block
        y0 = int(stats[label, cv2.CC_STAT_TOP]) * block
        x1 = x0 + int(stats[label, cv2.CC_STAT_WIDTH]) * block
        y1 = y0 + int(stats[label, cv2.CC_STAT_HEIGHT]) * block
        if shape is not None:
            x1, y1 = min(x1, shape[1]), min(y1, shape[0])
        score = float(strength[labels == label].max()) if strength is not None else 0.0
        boxes.append(Box(x0, y0, x1 - x0, y1 - y0, score))
    boxes.sort(key=lambda b: (-b.score, -b.area))
    return boxes


def box_map(shape: tuple[int, int], boxes: Iterable[Box], cell: int = 1) -> np.ndarray:
    """Paint boxes with their scores (the strongest wins where they overlap).

    Parameters
    ----------
    shape : (H, W)
        Page size.
    boxes : iterable of Box
        Page pixels; each is painted with its ``score``.
    cell : int
        Each output value covers ``cell`` x ``cell`` page pixels.

    Returns
    -------
    (ceil(H / cell), ceil(W / cell)) float32 array

    """
    out = np.zeros((-(-shape[0] // cell), -(-shape[1] // cell)), np.float32)
    for b in boxes:
        y0, x0 = max(b.y, 0) // cell, max(b.x, 0) // cell
        y1, x1 = -(-(b.y + b.height) // cell), -(-(b.x + b.width) // cell)
        region = out[y0:y1, x0:x1]
        np.maximum(region, np.float32(b.score), out=region)
    return out
