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


@dataclass(frozen=True)
class Agreement:
    """How the pixels of two pages agree where the fitted transform lays one onto the other.

    ``inked`` blocks of the overlap carry ink on either page; ``agreeing`` of them show the
    same ink on both. ``covered`` is the overlap's share of the smaller page (a crop covers
    all of itself and part of its original).
    """

    inked: int
    agreeing: int
    covered: float

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
    query, stored : ndarray (H, W) uint8
        The reductions (`page_thumb`) of the two pages.
    matrix : six floats
        The transform fitted on the keypoints (`PageMatch.matrix`), in pixels of the
        `FEATURE_WIDTH` reductions; both thumbnails are scaled alike, so only its translation
        changes.

    """
    m = np.array(matrix, np.float64).reshape(2, 3)
    m[:, 2] *= THUMB_WIDTH / FEATURE_WIDTH
    h, w = stored.shape
    rows, cols = h // BLOCK, w // BLOCK
    if rows == 0 or cols == 0:
        return Agreement(0, 0, 0.0)
    size = (cols * BLOCK, rows * BLOCK)
    warped = cv2.warpAffine(query.astype(np.float32), m, size, flags=cv2.INTER_LINEAR)
    inside = cv2.warpAffine(np.ones(query.shape, np.uint8), m, size, flags=cv2.INTER_NEAREST)
    pad = BLOCK_SHIFT
    padded = cv2.copyMakeBorder(stored.astype(np.float32), pad, pad, pad, pad, cv2.BORDER_REPLICATE)

    def blocks(a: np.ndarray) -> np.ndarray:
        return a.reshape(rows, BLOCK, cols, BLOCK).swapaxes(1, 2).reshape(rows * cols, -1)

    q = blocks(warped)
    q_centred = q - q.mean(axis=1, keepdims=True)
    q_spread = np.sqrt((q_centred**2).mean(axis=1))
    t = blocks(padded[pad : pad + size[1], pad : pad + size[0]])
    spread_here = np.sqrt(((t - t.mean(axis=1, keepdims=True)) ** 2).mean(axis=1))
    full = blocks(inside).min(axis=1) > 0
    inked = full & (np.maximum(q_spread, spread_here) >= INK_SPREAD)
    # Only inked blocks with ink on the query can agree, and a block agrees as soon as one
    # shift reaches BLOCK_AGREE: the shifts are tried nearest first on the blocks still
    # waiting, which gives the same blocks as trying every shift on every block, for less.
    pending = np.flatnonzero(inked & (q_spread > 1e-3))
    stride = padded.shape[1]
    flat = padded.ravel()
    # where each pending block's pixels lie in the padded page, unshifted
    within_y, within_x = np.divmod(np.arange(BLOCK * BLOCK), BLOCK)
    corner = ((pending // cols) * BLOCK + pad) * stride + (pending % cols) * BLOCK + pad
    places = corner[:, None] + (within_y * stride + within_x)[None, :]
    q_waiting, q_spread_waiting = q_centred[pending], q_spread[pending]
    agreeing = 0
    shifts = sorted(
        itertools.product(range(-pad, pad + 1), repeat=2), key=lambda d: (d[0] ** 2 + d[1] ** 2, d)
    )
    for dy, dx in shifts:
        if not len(pending):
            break
        t = flat.take(places + (dy * stride + dx))
        t_centred = t - t.mean(axis=1, keepdims=True)
        t_spread = np.sqrt((t_centred**2).mean(axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = (q_waiting * t_centred).mean(axis=1) / (q_spread_waiting * t_spread)
        r64 = np.nan_to_num(r.astype(np.float64), nan=-1.0, posinf=-1.0, neginf=-1.0)
        agree = r64 >= BLOCK_AGREE
        agreeing += int(agree.sum())
        waiting = ~agree
        pending, places = pending[waiting], places[waiting]
        q_waiting, q_spread_waiting = q_waiting[waiting], q_spread_waiting[waiting]
    # the query's area as laid onto the stored page (the reductions share a width, not a scale)
    laid = query.shape[0] * query.shape[1] * abs(float(np.linalg.det(m[:, :2])))
    smaller = min(h * w, laid)
    covered = min(1.0, int(full.sum()) * BLOCK * BLOCK / max(smaller, 1))
    return Agreement(int(inked.sum()), agreeing, round(covered, 3))
