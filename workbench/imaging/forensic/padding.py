"""Flat fill at the page's edge: padding, not paper.

Every scanned surface carries noise: the sensor's, the paper's grain, the toner's. An area of
*perfectly* flat fill (not one grey level of variation over a small window) that reaches the
page's edge is what software adds around a page, not a surface that was scanned: the corners
a deskewing driver or tool fills when it turns a page straight, a border band or ring added
(or a scanner's out-of-page area clipped to black), a transparent band flattened to white.
Such fill holds no noise to compare and no paper whose tone could step, so the noise and
paper-step methods take it as no evidence at all (`padding_mask`), instead of as a patch
of other noise or a step of the paper's tone along its straight edge.

Fill at the paper's own tone is not taken (`PAPER_TONE`): JPEG, a denoiser or clipping at
white make a page's paper flat along its sides at that tone, and there it holds nothing the
methods could misread. So corners filled with the paper's own grey are still judged (a
deskewed letter whose corners were filled with 240 on paper of 241-242 keeps its noise
warning at a corner).

What the rule gives up: an area erased up to the page's edge with a perfectly flat fill of
another tone than the paper's (a letterhead whited out to 255 across at least `EDGE_SHARE`
of the page's width) is not judged by those two methods, and cannot be told from the
padding of a deskewed or flattened page; the page's notes name both (`analyse_page`). An
erasure filled flat *inside* the page, one filled with the paper's own tone, and any fill
that carries noise are judged as before.

JPEG: blocks wholly inside a flat fill decode flat again, but the 8 x 8 blocks (16 x 16
with subsampled colour) that straddle the fill's edge ring; `GROW` pixels around the fill
are left out with it, so the ringing is not measured as noise or as a step.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Side of the window over which a pixel's neighbourhood must be of one grey level.
WINDOW = 5
#: Pixels around the fill left out with it: the window's half-width, the JPEG ringing of the
#: blocks (16 x 16 with subsampled colour) straddling the fill's edge, and the fill's own
#: anti-aliased edge from the rotation that made it.
GROW = 16
#: Share of one side of the page a fill must run along: a deskewed page's corner wedges run
#: along most of a side, a band or a border along all of it. On the genuine scan chains
#: (``benchmarks/genuine_chains.py``, 96 pages) and the dev and fresh-look sets, single flat
#: areas off the paper's tone that JPEG left at the page's edge ran along at most 8 % of a
#: side, and with this share no page of them has padding (2026-12-08).
EDGE_SHARE = 0.25
#: Grey levels from the page's paper tone (its median) within which a flat area is that
#: paper, made flat by JPEG, a denoiser or clipping at white, not a fill added to it: a
#: denoised page's paper is one flat area along every side.
PAPER_TONE = 3


def flat_fill(gray: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Pixels whose ``window`` x ``window`` neighbourhood is all of one grey level."""
    img = np.ascontiguousarray(gray, dtype=np.uint8)
    kernel = np.ones((window, window), np.uint8)
    hi = cv2.dilate(img, kernel, borderType=cv2.BORDER_REPLICATE)
    lo = cv2.erode(img, kernel, borderType=cv2.BORDER_REPLICATE)
    out: np.ndarray = hi == lo
    return out


def padding_mask(
    gray: np.ndarray, level: float, *, window: int = WINDOW, grow: int = GROW
) -> np.ndarray:
    """Pixels of flat fill along the page's edge, grown by `grow` pixels.

    A fill is a connected area (4-connected) of pixels whose `window` neighbourhood is of
    one grey level, that runs along at least `EDGE_SHARE` of one side of the page and whose
    tone is more than `PAPER_TONE` grey levels from the paper's (``level``).

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance, as decoded.
    level : float
        The page's paper tone (its median grey level).
    window : int
        Side of the window that must be of one grey level (`flat_fill`).
    grow : int
        Pixels around the fill left out with it (its edge, JPEG ringing).

    Returns
    -------
    (H, W) bool
        True on padding; all False on a page without flat fill at its edge.

    """
    img = np.ascontiguousarray(gray, dtype=np.uint8)
    h, w = img.shape[:2]
    if h < window or w < window:
        return np.zeros((h, w), bool)
    flat = flat_fill(img, window).view(np.uint8)
    n, labels = cv2.connectedComponents(flat, connectivity=4)
    if n <= 1:
        return np.zeros((h, w), bool)
    # Each flat area is of one grey level (a pixel whose whole window is one level joins,
    # 4-connected, only neighbours of that level). A fill saved as JPEG decodes a level off
    # here and there, which breaks it into pieces: its pieces of one tone are taken together.
    tone = np.zeros(n, np.int64)
    tone[labels.ravel()] = img.ravel()
    keep = np.zeros(n, bool)
    for side, length in ((labels[0], w), (labels[-1], w), (labels[:, 0], h), (labels[:, -1], h)):
        touch = np.bincount(side, minlength=n)
        touch[0] = 0
        along = np.bincount(tone, weights=touch, minlength=256)
        keep |= (touch > 0) & (along[tone] >= EDGE_SHARE * length)
    keep[0] = False
    keep &= np.abs(tone - level) > PAPER_TONE
    if not keep.any():
        return np.zeros((h, w), bool)
    pad = keep[labels].view(np.uint8)
    if grow > 0:
        pad = cv2.dilate(pad, np.ones((2 * grow + 1,) * 2, np.uint8))
    out: np.ndarray = pad.view(bool)
    return out
