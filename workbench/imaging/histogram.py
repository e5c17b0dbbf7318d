"""Statistics of a uint8 image read off its histogram, without a copy of the image.

A 100-megapixel page is 100 MB as greyscale; sorting a copy of it for one quantile (what
``np.percentile`` does) doubles that for a number the 256 counts of its histogram give.
"""

from __future__ import annotations

import numpy as np


def percentile_u8(gray: np.ndarray, q: float) -> float:
    """``np.percentile(gray, q)`` (its default, linear method) of a uint8 image, from its histogram.

    The same number without sorting a copy of the image (100 MB for a 100-megapixel page):
    the two order statistics around numpy's virtual index are read off the cumulative
    histogram and interpolated as numpy does.
    """
    size = int(gray.size)
    if size == 0:
        return float(np.percentile(gray, q))
    rows = gray.reshape(gray.shape[0], -1) if gray.ndim > 1 else gray.reshape(1, -1)
    counts = np.zeros(256, dtype=np.int64)
    for start in range(0, rows.shape[0], 256):  # in strips: bincount widens to 8 bytes a pixel
        counts += np.bincount(rows[start : start + 256].ravel(), minlength=256)
    cumulative = np.cumsum(counts)
    quantile = np.true_divide(q, 100)
    virtual = float((size - 1) * quantile)  # numpy's virtual index for the linear method
    below = max(0.0, min(float(np.floor(virtual)), size - 1.0))
    above = max(0.0, min(below + 1.0, size - 1.0))
    gamma = virtual - float(np.floor(virtual))
    low = float(np.searchsorted(cumulative, int(below), side="right"))
    high = float(np.searchsorted(cumulative, int(above), side="right"))
    diff = high - low
    if gamma >= 0.5:
        return high - diff * (1 - gamma)
    return low + diff * gamma
