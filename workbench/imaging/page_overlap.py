"""The pixel check of a candidate copy: whether two page reductions agree where they overlap.

Keypoints verified by a similarity transform (`workbench.imaging.fingerprint.match_pages`)
cannot tell a copy of a page from a letter that shares a paragraph or the template with it:
the shared text verifies as a copy would. The small grey reductions kept with the fingerprints
(`workbench.imaging.fingerprint.page_thumb`) can: one is laid onto the other by the fitted
transform and the inked blocks of the overlap are compared one by one. A copy agrees nearly
everywhere, however it was cropped, scaled or recompressed; a different letter disagrees
wherever its text differs.

Pure functions over arrays; the case service (`workbench.cases`) decides what share of
agreeing blocks makes a copy.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from workbench.imaging.fingerprint import FEATURE_WIDTH, THUMB_WIDTH

#: Side (pixels of the reduction) of the blocks compared, about two lines of body text.
BLOCK = 16
#: How far (pixels of the reduction) a block may move to meet its counterpart: what the fitted
#: transform leaves of misalignment.
BLOCK_SHIFT = 2
#: A block is inked when its grey levels spread at least this much (standard deviation).
INK_SPREAD = 12.0
#: Correlation at which two blocks show the same ink.
BLOCK_AGREE = 0.6
#: The overlap check's first look compares every this many blocks of the overlap
#: (`sampled_agreement`); a candidate is ruled out by it when `SAMPLE_Z` standard errors
#: above the sample's share stay below the share a copy needs (`share_upper_bound`). Set on
#: the development set's 9,127 candidate pairs (1,000 rows of other letters in the store):
#: the copies' upper bounds were all 0.955 or more, 0.10 above the 0.85 a copy needs, and
#: 97.9% of the pairs of different letters were ruled out (every 8th block with z = 3:
#: 87%; every 4th with z = 2: 99.4%, but copies came as close as 0.888, on a larger sample).
SAMPLE_STEP = 6
SAMPLE_Z = 2.0
#: The sample is compared in this many interleaved parts when the share a copy needs is
#: given (`sampled_agreement`): on the rough transform, the first part alone (one block in
#: 18) ruled out 4,002 of the development set's 5,488 candidate pairs of different letters.
SAMPLE_PARTS = 3
#: Fewer inked blocks in the sample than this rule nothing out: one disagreeing block alone
#: would put the upper bound at 0.80, under the share a copy needs.
MIN_SAMPLE_INKED = 10


@dataclass(frozen=True)
class Agreement:
    """How the pixels of two pages agree where the fitted transform lays one onto the other.

    ``inked`` blocks of the overlap carry ink on either page; ``agreeing`` of them show the
    same ink on both. ``covered`` is the overlap's share of the smaller page (a crop covers
    all of itself and part of its original). ``sampled`` is True when the comparison stopped
    on an even sample of the overlap's blocks (`sampled_agreement`): the counts are then the
    sample's, and ``covered`` is not measured (0).
    """

    inked: int
    agreeing: int
    covered: float
    sampled: bool = False

    @property
    def share(self) -> float:
        """Agreeing blocks as a share of the inked ones (0 when none is inked)."""
        return self.agreeing / self.inked if self.inked else 0.0


def overlap_agreement(query: np.ndarray, stored: np.ndarray, matrix: Sequence[float]) -> Agreement:
    """Compare two page reductions block by block where `matrix` lays `query` onto `stored`.

    Each block of `BLOCK` pixels inside the overlap that is inked on either page is compared
    with the other page's ink around it (normalised correlation, `BLOCK_SHIFT` pixels of play).

    Parameters
    ----------
    query, stored : ndarray (H, W), uint8 or float32
        The reductions (`page_thumb`) of the two pages; a query compared with many pages is
        best given as float32 (`as_float`), the type its pixels are laid onto the other's in.
    matrix : six floats
        The transform fitted on the keypoints (`PageMatch.matrix`), in pixels of the
        `FEATURE_WIDTH` reductions; both thumbnails are scaled alike, so only its translation
        changes.

    """
    m = _thumb_matrix(matrix)
    stored = as_float(stored)
    h, w = stored.shape
    rows, cols = h // BLOCK, w // BLOCK
    if rows == 0 or cols == 0:
        return Agreement(0, 0, 0.0)
    size = (cols * BLOCK, rows * BLOCK)
    warped = cv2.warpAffine(as_float(query), m, size, flags=cv2.INTER_LINEAR)
    inside = cv2.warpAffine(np.ones(query.shape, np.uint8), m, size, flags=cv2.INTER_NEAREST)

    def blocks(a: np.ndarray) -> np.ndarray:
        return a.reshape(rows, BLOCK, cols, BLOCK).swapaxes(1, 2).reshape(rows * cols, -1)

    q = blocks(warped)
    q_centred = q - q.mean(axis=1, keepdims=True)
    q_spread = np.sqrt((q_centred**2).mean(axis=1))
    t = blocks(stored[: size[1], : size[0]])
    spread_here = np.sqrt(((t - t.mean(axis=1, keepdims=True)) ** 2).mean(axis=1))
    full = blocks(inside).min(axis=1) > 0
    inked = full & (np.maximum(q_spread, spread_here) >= INK_SPREAD)
    # only inked blocks with ink on the query can agree
    pending = np.flatnonzero(inked & (q_spread > 1e-3))
    agreeing = _agreeing_blocks(pending, q_centred[pending], q_spread[pending], stored, cols)
    # the query's area as laid onto the stored page (the reductions share a width, not a scale)
    laid = query.shape[0] * query.shape[1] * abs(float(np.linalg.det(m[:, :2])))
    smaller = min(h * w, laid)
    covered = min(1.0, int(full.sum()) * BLOCK * BLOCK / max(smaller, 1))
    return Agreement(int(inked.sum()), agreeing, round(covered, 3))


def as_float(reduction: np.ndarray) -> np.ndarray:
    """A page reduction as float32, the type the comparisons work in (no copy if it is one).

    A query compared with many stored pages is converted once, not once per comparison.
    """
    return np.asarray(reduction, np.float32)


def _thumb_matrix(matrix: Sequence[float]) -> np.ndarray:
    """A keypoint transform (pixels of the `FEATURE_WIDTH` reductions) for the reductions."""
    m = np.array(matrix, np.float64).reshape(2, 3)
    m[:, 2] *= THUMB_WIDTH / FEATURE_WIDTH
    return m


def sampled_agreement(
    query: np.ndarray, stored: np.ndarray, matrix: Sequence[float], needed: float | None = None
) -> Agreement:
    """`overlap_agreement` on an even sample of the overlap's blocks only: a cheap first look.

    Every `SAMPLE_STEP`-th block of the stored page's grid that lies inside the overlap (row
    by row) is compared as `overlap_agreement` compares it, only those blocks' pixels of the
    query being laid onto the page. The counts (``sampled``) are the sample's: its share
    estimates the whole overlap's, and `share_upper_bound` says how far the whole could
    still reach. A different letter of the same template, which disagrees wherever its text
    differs, is ruled out this way for a fraction of the whole comparison's cost.

    With `needed` (the share a copy needs), the sample is compared in `SAMPLE_PARTS`
    interleaved parts, and the first part alone is returned when its own upper bound is
    already below `needed`: most candidates of a real store are ruled out on it. Otherwise
    the whole sample is compared, and its counts are those without `needed`.
    """
    m = _thumb_matrix(matrix)
    h, w = stored.shape
    rows, cols = h // BLOCK, w // BLOCK
    if rows == 0 or cols == 0:
        return Agreement(0, 0, 0.0, sampled=True)
    back = cv2.invertAffineTransform(m)
    qh, qw = query.shape
    # a block lies inside the overlap when its four corner pixels are laid inside the query
    ys, xs = np.divmod(np.arange(rows * cols), cols)
    inside = np.ones(rows * cols, bool)
    for dy, dx in ((0, 0), (0, BLOCK - 1), (BLOCK - 1, 0), (BLOCK - 1, BLOCK - 1)):
        px, py = xs * BLOCK + dx, ys * BLOCK + dy
        u = back[0, 0] * px + back[0, 1] * py + back[0, 2]
        v = back[1, 0] * px + back[1, 1] * py + back[1, 2]
        inside &= (u > -0.5) & (u < qw - 0.5) & (v > -0.5) & (v < qh - 0.5)
    chosen = np.flatnonzero(inside)[::SAMPLE_STEP]
    if not len(chosen):
        return Agreement(0, 0, 0.0, sampled=True)
    query = as_float(query)
    if needed is None:
        inked, agreeing = _block_counts(query, stored, back, chosen, cols)
        return Agreement(inked, agreeing, 0.0, sampled=True)
    first = _block_counts(query, stored, back, chosen[::SAMPLE_PARTS], cols)
    early = Agreement(*first, 0.0, sampled=True)
    if share_upper_bound(early) < needed:
        return early
    rest = np.delete(chosen, np.s_[::SAMPLE_PARTS])
    inked, agreeing = _block_counts(query, stored, back, rest, cols)
    return Agreement(first[0] + inked, first[1] + agreeing, 0.0, sampled=True)


def _block_counts(
    query: np.ndarray, stored: np.ndarray, back: np.ndarray, chosen: np.ndarray, cols: int
) -> tuple[int, int]:
    """Inked and agreeing blocks among `chosen` (block indices of `stored`, row by row).

    `back` lays the stored page's pixels onto the query (float32); only the chosen blocks'
    pixels of either page are read.
    """
    if not len(chosen):
        return 0, 0
    # the chosen blocks' pixels of the stored page, and where each falls on the query
    within_y, within_x = np.divmod(np.arange(BLOCK * BLOCK), BLOCK)
    py = (chosen // cols * BLOCK)[:, None] + within_y[None, :]
    px = (chosen % cols * BLOCK)[:, None] + within_x[None, :]
    map_x = (back[0, 0] * px + back[0, 1] * py + back[0, 2]).astype(np.float32)
    map_y = (back[1, 0] * px + back[1, 1] * py + back[1, 2]).astype(np.float32)
    q = cv2.remap(query, map_x, map_y, cv2.INTER_LINEAR)
    q_centred = q - q.mean(axis=1, keepdims=True)
    q_spread = np.sqrt((q_centred**2).mean(axis=1))
    # only the sampled blocks' pixels of the stored page are read, and converted
    t = stored[py, px].astype(np.float32)
    spread_here = np.sqrt(((t - t.mean(axis=1, keepdims=True)) ** 2).mean(axis=1))
    inked = np.maximum(q_spread, spread_here) >= INK_SPREAD
    can_agree = inked & (q_spread > 1e-3)
    agreeing = _agreeing_blocks(
        chosen[can_agree], q_centred[can_agree], q_spread[can_agree], stored, cols
    )
    return int(inked.sum()), agreeing


def share_upper_bound(sample: Agreement, z: float = SAMPLE_Z) -> float:
    """The highest share of agreeing blocks the whole overlap could have, given a sample.

    The upper end of the Wilson score interval, `z` standard errors above the sample's share
    (1 for a sample of fewer than `MIN_SAMPLE_INKED` inked blocks: it rules nothing out).
    """
    n = sample.inked
    if n < MIN_SAMPLE_INKED:
        return 1.0
    p, z2 = sample.agreeing / n, z * z
    centre = p + z2 / (2 * n)
    spread = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return float(min(1.0, (centre + spread) / (1 + z2 / n)))


def _agreeing_blocks(
    chosen: np.ndarray, q_centred: np.ndarray, q_spread: np.ndarray, stored: np.ndarray, cols: int
) -> int:
    """How many of the `chosen` blocks (indices, row by row) meet their ink on the other page.

    `q_centred` and `q_spread` are the query's pixels of those blocks less their mean, and
    their standard deviation, one row per chosen block; `stored` is the other page (uint8 or
    float32), `cols` its blocks per row.

    A block agrees as soon as one shift reaches `BLOCK_AGREE`: the shifts are tried nearest
    first on the blocks still waiting, which gives the same blocks as trying every shift on
    every block, for less. Each block is compared with the stored page's pixels around it,
    `BLOCK_SHIFT` pixels each way, the page's edge repeated beyond it; only those windows are
    read, not the whole page.
    """
    pad = BLOCK_SHIFT
    side = BLOCK + 2 * pad
    h, w = stored.shape
    # each chosen block's window of the stored page (edge pixels repeated past the border)
    around = np.arange(side) - pad
    ys = np.clip((chosen // cols * BLOCK)[:, None] + around, 0, h - 1)
    xs = np.clip((chosen % cols * BLOCK)[:, None] + around, 0, w - 1)
    windows = stored[ys[:, :, None], xs[:, None, :]].astype(np.float32)
    n = BLOCK * BLOCK
    # sums over n rather than `mean`, and no `nan_to_num`: the same values, for a fraction of
    # the calls' overhead, which is most of the cost on a few dozen blocks
    with np.errstate(divide="ignore", invalid="ignore"):
        # the unshifted place first, where most blocks of a copy agree ...
        t = windows[:, pad : pad + BLOCK, pad : pad + BLOCK].reshape(len(windows), n)
        agree = _correlation(q_centred, q_spread, t) >= BLOCK_AGREE
        waiting = ~agree
        if not waiting.any():
            return int(agree.sum())
        # ... then every other shift of the blocks still waiting at once: a block agrees when
        # one shift does (the same blocks as trying the shifts one by one, in far fewer calls)
        shifted = np.lib.stride_tricks.sliding_window_view(
            windows[waiting], (BLOCK, BLOCK), axis=(1, 2)
        ).reshape(int(waiting.sum()), len(_SHIFTS), n)
        r = _correlation(q_centred[waiting, None, :], q_spread[waiting, None], shifted)
    return int(agree.sum()) + int((r >= BLOCK_AGREE).any(axis=1).sum())


def _correlation(q_centred: np.ndarray, q_spread: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Normalised correlation of the query's centred blocks with `t` (pixels on the last axis).

    0/0 (a blank block) gives NaN, which never reaches `BLOCK_AGREE`.
    """
    n = t.shape[-1]
    t_centred = t - t.sum(axis=-1, keepdims=True) / n
    t_spread = np.sqrt((t_centred * t_centred).sum(axis=-1) / n)
    r: np.ndarray = (q_centred * t_centred).sum(axis=-1) / n / (q_spread * t_spread)
    return r


#: The shifts a block is tried at, nearest first.
_SHIFTS = sorted(
    itertools.product(range(-BLOCK_SHIFT, BLOCK_SHIFT + 1), repeat=2),
    key=lambda d: (d[0] ** 2 + d[1] ** 2, d),
)
