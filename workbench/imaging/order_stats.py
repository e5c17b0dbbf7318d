"""Median, percentile and low mean of small 1-D float32 arrays: numpy's numbers, cheaper.

Glyph consistency measures every word of a page with a few order statistics of a few
hundred to a few thousand pixels each (about 200 words on a letter). ``np.median`` and
``np.percentile`` spend most of their time on such arrays in argument handling and
dispatch rather than in the partition itself (about 0.1 ms a call for ``np.percentile``),
so these functions partition once and combine the order statistics as numpy does: the
same float32 values in the same arithmetic, so the same numbers bit for bit
(`tests/imaging/test_order_stats.py` compares them with numpy's on real pages' words).
"""

from __future__ import annotations

import math

import numpy as np

_TWO = np.float32(2.0)


def median_f32(values: np.ndarray) -> float:
    """``float(np.median(values))`` of a non-empty 1-D float32 array without NaN.

    numpy's median is the mean of the middle order statistic (or of the two middle ones):
    their float32 sum, divided by two (exact), or the one value itself.
    """
    n = values.size
    half = n // 2
    if n % 2:
        return float(np.partition(values, half)[half])
    part = np.partition(values, (half - 1, half))
    return float((part[half - 1] + part[half]) / _TWO)


def percentile_f32(values: np.ndarray, q: float) -> float:
    """``float(np.percentile(values, q))`` (linear method) of a non-empty 1-D float32 array.

    numpy's virtual index ``(n - 1) * (q / 100)`` in float64, the two order statistics
    around it, and its interpolation between them in float32 (from the upper one when the
    fraction is at least a half), the fraction a Python float as numpy takes it.
    """
    n = values.size
    virtual = (n - 1) * (q / 100)
    if virtual >= n - 1:
        return float(values.max())
    below = math.floor(virtual)
    gamma = virtual - below
    part = np.partition(values, (below, below + 1))
    low, high = part[below], part[below + 1]
    diff = high - low
    if gamma >= 0.5:
        return float(high - diff * np.float32(1 - gamma))
    return float(low + diff * np.float32(gamma))


def low_mean_f32(values: np.ndarray, count: int) -> float:
    """``float(np.sort(values)[:count].mean())`` for float32 whole numbers of at most 255.

    The ``count`` smallest values, found by a partition instead of a sort: their float32 sum
    is exact in any order (whole numbers, far below 2**24), so the mean is the same.
    """
    if count >= values.size:
        return float(values.mean())
    return float(np.partition(values, count - 1)[:count].mean())
