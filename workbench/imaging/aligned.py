"""Arrays at a fixed memory alignment, for OpenCV calls whose result depends on it.

Some of OpenCV's vectorised paths take a different route for the first and last elements of
a row depending on where the output buffer starts in memory, and round differently on each:
`cv2.distanceTransform` with the precise L2 mask gave two distinct maps over 20 identical
calls on 11 of 200 random blobs (differing by about 5e-7 on a few pixels), and a stroke's
ridge, taken where the map is at its local maximum, could then change by a pixel. Writing
the result into a buffer that always starts on a 64-byte boundary makes it the same on every
call (0 of 200 blobs).
"""

from __future__ import annotations

import cv2
import numpy as np

#: Bytes: a cache line, and a multiple of every SIMD register width OpenCV uses.
ALIGNMENT = 64


def aligned_empty(shape: tuple[int, ...], dtype: type | np.dtype = np.float32) -> np.ndarray:
    """An uninitialised C-contiguous array whose data starts on an `ALIGNMENT`-byte boundary."""
    item = np.dtype(dtype).itemsize
    size = int(np.prod(shape)) * item
    raw = np.empty(size + ALIGNMENT, dtype=np.uint8)
    start = (-raw.ctypes.data) % ALIGNMENT
    return raw[start : start + size].view(dtype).reshape(shape)


def sobel_magnitude(src: np.ndarray) -> np.ndarray:
    """The magnitude of a 3 x 3 Sobel gradient of ``src``, float32, the same on every call.

    OpenCV's float32 Sobel and magnitude round a row's first and last elements differently
    with their buffers' alignment: a page's gradient map came out in several versions, and a
    word's edge sharpness in two, depending on where earlier allocations left the heap. Every
    buffer here starts on the `ALIGNMENT` boundary, the input copied into one as float32.
    """
    image = np.asarray(src)
    g = aligned_empty(image.shape, np.float32)
    g[...] = image
    gx, gy, mag = (aligned_empty(image.shape, np.float32) for _ in range(3))
    cv2.Sobel(g, cv2.CV_32F, 1, 0, dst=gx, ksize=3)
    cv2.Sobel(g, cv2.CV_32F, 0, 1, dst=gy, ksize=3)
    cv2.magnitude(gx, gy, mag)
    return mag
