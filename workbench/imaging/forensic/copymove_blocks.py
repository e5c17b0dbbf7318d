"""Block-based copy-move detection, for flat content (blank paper moved to cover a word).

Every 8 x 8 block at full resolution is hashed, equal blocks vote for their displacement as in
J. Fridrich, D. Soukal and J. Lukas, "Detection of copy-move forgery in digital images", DFRWS
2003, and winning displacements are verified pixel by pixel. Blocks are sampled by their hash
value (not by position), so a copy at any offset keeps the same sample. Exact hashing finds
lossless copies only. Candidates are verified as every copy-move candidate is
(`workbench.imaging.forensic.copymove`).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from workbench.geometry import Box
from workbench.imaging.blocks import STRIP_ROWS
from workbench.imaging.components import components_with_stats
from workbench.imaging.forensic.copymove import (
    ClonePair,
    background_correlation,
    clone_strength,
)

_HASH_WEIGHTS = np.random.default_rng(20_011_105).integers(1, 1 << 10, size=(8, 8))


def block_hashes(gray: np.ndarray, block: int = 8) -> np.ndarray:
    """A hash of every ``block`` x ``block`` window (stride 1); equal windows hash equal.

    The dot product of the window with fixed random integer weights (below 2**10), computed
    by OpenCV's float32 correlation: every partial sum is an integer below 2**24, so the
    result is exact and two equal windows always get equal values, wherever they are. Two
    different windows collide about once in 2**24; a chance collision votes for a random
    displacement and is outvoted by the many windows of a real copy.

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance.
    block : int
        Window side, at most 8.

    Returns
    -------
    (H - block + 1, W - block + 1) int64 array, values below 2**24.

    """
    if not 1 <= block <= 8:
        raise ValueError("block must be between 1 and 8")
    g = np.asarray(gray, dtype=np.float32)
    h, w = g.shape
    kernel = _HASH_WEIGHTS[:block, :block].astype(np.float32)
    full = cv2.filter2D(g, cv2.CV_32F, kernel, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    return full[: h - block + 1, : w - block + 1].astype(np.int64)


def _sampled_windows(
    img: np.ndarray, block: int, sample: int, min_std: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hash, row and column of the sampled, non-flat windows, sorted by hash (then position).

    Only the windows whose hash is a multiple of ``sample`` are kept, so the per-pixel work
    is one correlation and one integer test; the standard deviation that rules out flat
    windows is computed from OpenCV's box filters and read at the kept windows only. This
    is what `block_hashes` followed by a page-sized selection would give, at about half the
    cost and a fraction of the memory.
    """
    h, w = img.shape
    hh, ww = h - block + 1, w - block + 1
    kernel = _HASH_WEIGHTS[:block, :block].astype(np.float32)
    size, corner, border = (block, block), (0, 0), cv2.BORDER_CONSTANT
    chunks: list[np.ndarray] = []
    # Strips of window rows, each read with the block - 1 rows below it that its windows
    # reach into; every kept window lies wholly inside its strip, so the values are those
    # of the whole page, without page-sized float temporaries.
    for y0 in range(0, hh, STRIP_ROWS):
        y1 = min(y0 + STRIP_ROWS, hh)
        part = img[y0 : y1 + block - 1]
        full = cv2.filter2D(
            part.astype(np.float32), cv2.CV_32F, kernel, anchor=corner, borderType=border
        )
        hashes = full[: y1 - y0, :ww].astype(np.int32)  # exact integers below 2**24
        # For a power of two, the remainder is a bit mask, several times cheaper to take.
        power_of_two = sample & (sample - 1) == 0
        picked = (hashes & (sample - 1) if power_of_two else hashes % sample) == 0
        at = np.flatnonzero(picked)  # row-major positions within the strip's windows
        ys, xs = np.divmod(at, ww)
        mean = cv2.boxFilter(part, cv2.CV_32F, size, anchor=corner, borderType=border)[ys, xs]
        square = cv2.sqrBoxFilter(part, cv2.CV_32F, size, anchor=corner, borderType=border)
        at = at[np.sqrt(np.maximum(square[ys, xs] - mean**2, 0.0)) >= min_std]
        lin = at.astype(np.int64) + y0 * ww
        chunks.append((hashes.ravel()[at].astype(np.int64) << 32) | lin)
    # One sort of (hash, position) packed in an int64 orders by hash and keeps the row-major
    # order within a hash, as a stable argsort of the hashes would, at less cost.
    packed = np.sort(np.concatenate(chunks)) if chunks else np.zeros(0, dtype=np.int64)
    rows, cols = np.divmod(packed & 0xFFFFFFFF, ww)
    return packed >> 32, rows, cols


def block_clones(
    gray: np.ndarray,
    *,
    block: int = 8,
    sample: int = 16,
    min_std: float = 1.5,
    min_votes: int = 8,
    min_area: int = 24 * 24,
    min_distance: float = 24.0,
    max_group: int = 6,
    max_candidates: int = 8,
    tolerance: int = 0,
    match_scale: float = 25.0,
) -> list[ClonePair]:
    """Find regions copied without loss (and without rotation or rescaling) at any offset.

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance at full resolution.
    block : int
        Window side for hashing.
    sample : int
        One window in about ``sample`` is kept, chosen by its hash value so that a copy keeps
        the same windows wherever it is moved.
    min_std : float
        Windows flatter than this (grey levels) are ignored: uniform areas match everywhere.
    min_votes : int
        Fewest sampled windows agreeing on one displacement.
    min_area : int
        Smallest verified region, in pixels.
    min_distance : float
        Displacements shorter than this are ignored.
    max_group : int
        Hash values shared by more windows than this are repetitive texture and are skipped.
    max_candidates : int
        Most-voted displacements verified.
    tolerance : int
        Largest per-pixel difference (grey levels) still counted as equal when verifying.
    match_scale : float
        As in `keypoint_clones`, counted in sampled windows.

    Returns
    -------
    list of ClonePair, strongest first.

    """
    img = np.asarray(gray, dtype=np.uint8)
    h, w = img.shape
    if h < 4 * block or w < 4 * block:
        return []
    keys, ys, xs = _sampled_windows(img, block, sample, min_std)
    if len(keys) < min_votes:
        return []
    # Group sizes, to skip hash values shared by too many windows.
    starts = np.r_[0, np.nonzero(keys[1:] != keys[:-1])[0] + 1]
    sizes = np.diff(np.r_[starts, len(keys)])
    size_of = np.repeat(sizes, sizes)
    dys: list[np.ndarray] = []
    dxs: list[np.ndarray] = []
    for off in range(1, max_group):
        same = (keys[off:] == keys[:-off]) & (size_of[off:] <= max_group)
        if not same.any():
            break
        i = np.nonzero(same)[0]
        dy, dx = ys[i + off] - ys[i], xs[i + off] - xs[i]
        dys.append(dy)
        dxs.append(dx)
    if not dys:
        return []
    dy, dx = np.concatenate(dys), np.concatenate(dxs)
    flip = (dy < 0) | ((dy == 0) & (dx < 0))
    dy, dx = np.where(flip, -dy, dy), np.where(flip, -dx, dx)
    far = np.hypot(dy, dx) >= min_distance
    dy, dx = dy[far], dx[far]
    if len(dy) == 0:
        return []
    code = dy.astype(np.int64) * (2 * w + 1) + (dx.astype(np.int64) + w)
    values, counts = np.unique(code, return_counts=True)
    ranked = np.argsort(-counts)[:max_candidates]
    found: list[ClonePair] = []
    for idx in ranked:
        votes = int(counts[idx])
        if votes < min_votes:
            break
        sy = int(values[idx] // (2 * w + 1))
        sx = int(values[idx] % (2 * w + 1)) - w
        pair = _verify_shift(img, sx, sy, votes, block, min_area, min_std, tolerance, match_scale)
        if pair is not None:
            found.append(pair)
    found.sort(key=lambda p: -p.strength)
    return found


#: Side of the tiles `_may_hold` pools a region into.
POOL = 4


def _may_hold(region: np.ndarray, min_area: int) -> bool:
    """Whether a 0/1 image may hold an 8-connected component of at least ``min_area`` pixels.

    The image is pooled into `POOL` x `POOL` tiles (their pixel counts): an 8-connected
    component lies within one 8-connected group of tiles with pixels, so it is no larger than
    its group's count. False only when no group reaches ``min_area``; labelling the pooled
    image costs a sixteenth of labelling the region (on a noise-free page, the region of a
    chance shift is scattered specks over the whole page).
    """
    counts = cv2.boxFilter(
        region,
        cv2.CV_16U,
        (POOL, POOL),
        anchor=(0, 0),
        normalize=False,
        borderType=cv2.BORDER_CONSTANT,
    )[::POOL, ::POOL]
    count, labels, _, _ = components_with_stats((counts > 0).view(np.uint8))
    if count <= 1:
        return False
    sums = np.bincount(labels.ravel(), weights=counts.ravel(), minlength=count)
    return bool(sums[1:].max() >= min_area)


def _verify_shift(
    img: np.ndarray,
    sx: int,
    sy: int,
    votes: int,
    block: int,
    min_area: int,
    min_std: float,
    tolerance: int,
    match_scale: float,
) -> ClonePair | None:
    """Grow the region where the page equals itself shifted by (sx, sy); None if too small."""
    h, w = img.shape
    ax0, ax1 = max(0, -sx), min(w, w - sx)
    ay0, ay1 = max(0, -sy), min(h, h - sy)
    if ax1 - ax0 < block or ay1 - ay0 < block:
        return None
    a = img[ay0:ay1, ax0:ax1]
    b = img[ay0 + sy : ay1 + sy, ax0 + sx : ax1 + sx]
    # A pixel is dense where at least 97% of the block around it is equal: counted as whole
    # pixels (the same test as the block's mean of 0 and 1, in a fraction of the time).
    equal = (cv2.absdiff(a, b) <= tolerance).view(np.uint8)
    equals = cv2.boxFilter(
        equal, cv2.CV_16U, (block, block), normalize=False, borderType=cv2.BORDER_CONSTANT
    )
    dense = equals >= math.ceil(0.97 * block * block)
    # The rest runs on the window holding every dense pixel, with room for the box filter and
    # the closing around it: the overlap is nearly the whole page, the equal part of a
    # genuine page a few specks. The sums of whole grey levels are exact, the closing adds
    # nothing that far out and components keep their order, so the region is the one the
    # whole overlap gives.
    if not dense.any():
        return None
    rx, ry, rw, rh = cv2.boundingRect(dense.view(np.uint8))
    pad = 2 * block + 4
    wx0, wy0 = max(rx - pad, 0), max(ry - pad, 0)
    wx1, wy1 = min(rx + rw + pad, a.shape[1]), min(ry + rh + pad, a.shape[0])
    # The window's local mean and mean square straight from its grey levels: OpenCV sums
    # whole grey levels exactly either way, so they are the values of the window in float32,
    # without its float copy and square. The standard deviation is needed at dense pixels
    # only (a few percent of the window), and taken there alone.
    win = a[wy0:wy1, wx0:wx1]
    mean = cv2.boxFilter(win, cv2.CV_32F, (block, block)).ravel()
    square = cv2.sqrBoxFilter(win, cv2.CV_32F, (block, block)).ravel()
    at = np.flatnonzero(dense[wy0:wy1, wx0:wx1])
    std = np.sqrt(np.maximum(square[at] - mean[at] * mean[at], 0.0))
    raw = np.zeros(win.shape, dtype=np.uint8)
    raw.ravel()[at[std >= min_std * 0.5]] = 1
    region = np.asarray(cv2.morphologyEx(raw, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8)))
    if not _may_hold(region, min_area):
        return None
    count, labels, stats, _ = components_with_stats(region)
    if count <= 1:
        return None
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    area = int(stats[best, cv2.CC_STAT_AREA])
    if area < min_area:
        return None
    ax0, ay0 = ax0 + wx0, ay0 + wy0  # window coordinates to page coordinates from here on
    x = int(stats[best, cv2.CC_STAT_LEFT]) + ax0
    y = int(stats[best, cv2.CC_STAT_TOP]) + ay0
    bw = int(stats[best, cv2.CC_STAT_WIDTH])
    bh = int(stats[best, cv2.CC_STAT_HEIGHT])
    source = Box(x, y, bw, bh)
    matrix = np.array([[1.0, 0.0, float(sx)], [0.0, 1.0, float(sy)]])
    texture, _ = background_correlation(img, matrix, source, refine=False)
    strength = clone_strength(votes, texture, 0.0, 1.0, match_scale=match_scale)
    contours, _ = cv2.findContours(
        (labels == best).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    outline = max(contours, key=cv2.contourArea).reshape(-1, 2) + np.array([ax0, ay0])
    poly = tuple((int(p[0]), int(p[1])) for p in outline)
    return ClonePair(
        source=Box(source.x, source.y, source.width, source.height, strength),
        target=Box(x + sx, y + sy, bw, bh, strength),
        method="block",
        matches=votes,
        transform=(1.0, 0.0, float(sx), 0.0, 1.0, float(sy)),
        rotation=0.0,
        scale=1.0,
        texture_correlation=texture,
        strength=strength,
        source_polygon=poly,
        target_polygon=tuple((px + sx, py + sy) for px, py in poly),
    )
