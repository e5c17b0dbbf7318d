"""JPEG ghosts: regions whose compression history differs from the rest of the page.

H. Farid, "Exposing digital forgeries from JPEG ghosts", IEEE Trans. Information Forensics
and Security 4(1), 2009. Re-saving an image at a range of qualities and measuring the
difference block by block shows a dip (a "ghost") at the quality a region was last saved at:
content already quantised at quality q barely changes when quantised at q again. A signature
pasted from another JPEG into a page with another history dips at its own quality while the
rest of the page does not.

The curves are normalised per block by the block's largest difference (the error at the
lowest quality), so text and blank paper compare on one scale, and each block's curve is
compared with the median curve of the page. Limits: the pasted region must sit on the same
8 x 8 grid as the page (cropping by a non-multiple of 8 before pasting hides it), a later save
at a lower quality than the region's washes the ghost out, and a page that was itself assembled
from JPEG pieces of equal quality shows nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from workbench.imaging.blocks import (
    block_max,
    block_mean,
    block_min,
    block_view,
    robust_zscore,
    row_strips,
    smooth_blocks,
)
from workbench.imaging.forensic.ela import jpeg_roundtrip
from workbench.imaging.forensic.noise import residual_block_mean

#: Qualities tried; the ghost of common editor and web settings (60-90) falls among them.
#: Nothing above 90: a ghost is the sharp drop of the error in the step *into* its quality,
#: and a step into 95 is one every block takes (there is almost nothing left to lose), so it
#: was never used and its re-save of the whole page was wasted work.
DEFAULT_QUALITIES: tuple[int, ...] = (50, 60, 70, 75, 80, 85, 90)


@dataclass(frozen=True)
class GhostMap:
    """Per-block JPEG ghost evidence.

    Attributes
    ----------
    qualities : tuple of int
        The re-save qualities, in the order of the first axis of ``curves``.
    curves : (Q, BH, BW) float64
        Mean squared difference (levels squared) of each block after each re-save.
    depth : (BH, BW) float64 in [0, 1]
        How much more sharply the block's error drops at one quality step than the page's
        median block does there (relative shortfall of the step ratio, over 3 x 3 blocks);
        0 on a block holding only a straight rule or edge (`straight_blocks`).
    quality : (BH, BW) int
        The quality at which that shortfall occurs (the region's likely last quality).
    z : (BH, BW) float64
        Robust z-score of ``depth`` against the page.
    valid : (BH, BW) bool
        Blocks with enough content to have a ghost (blank or saturated blocks do not).
    block : int
        Tile side in pixels.
    usable : tuple of bool
        For each quality step (``qualities[k]`` into ``qualities[k + 1]``), whether it was
        compared: the steps at and above the page's own last save are not (`_own_step`).
        When none is, the page could show no ghost at all.
    clipped : (BH, BW) bool
        Blocks with content that were not judged because most of their pixels are clipped
        at white or black (`clipped_blocks`); empty when not computed.

    """

    qualities: tuple[int, ...]
    curves: np.ndarray
    depth: np.ndarray
    quality: np.ndarray
    z: np.ndarray
    valid: np.ndarray
    block: int
    usable: tuple[bool, ...] = ()
    clipped: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))


#: Share of a block's pixels at pure white or pure black above which the block is not judged
#: (`clipped_blocks`). A scanner's "whiten background" or a copier that brightens the page
#: clips its paper at 255: such a block is a flat area with a few specks of texture, and it
#: requantises almost idempotently at any quality, so its curve dips where the page's
#: unclipped blocks' do not. A scanned letter brightened by 16 levels (91% of its paper at
#: 255, never saved as JPEG) warned on 27 regions, every block of them 93% clipped or more.
MAX_CLIPPED_SHARE = 0.5


def clipped_blocks(gray: np.ndarray, block: int, share: float = MAX_CLIPPED_SHARE) -> np.ndarray:
    """Blocks more than ``share`` of whose pixels are pure white (255) or pure black (0).

    Returns ``(H // block, W // block)`` bool. The double-quantisation map leaves such blocks
    out for the same reason: a clipped area's coefficients say nothing of its history.
    """
    img = np.asarray(gray, dtype=np.uint8)
    h, w = img.shape[:2]
    bh, bw = h // block, w // block
    if bh == 0 or bw == 0:
        return np.zeros((bh, bw), dtype=bool)
    flat = ((img == 255) | (img == 0)).astype(np.float32)
    return np.asarray(block_mean(flat[: bh * block, : bw * block], block) > share, dtype=bool)


def ghost_curves(
    gray: np.ndarray,
    qualities: Sequence[int] = DEFAULT_QUALITIES,
    block: int = 16,
    *,
    tiles: np.ndarray | None = None,
    keep: Collection[int] | None = None,
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Blockwise mean squared difference between a page and its re-saves at each quality.

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance.
    qualities : sequence of int
        Re-save qualities.
    block : int
        Tile side in pixels; a multiple of 8 keeps tiles on the JPEG grid.
    tiles : (H // block, W // block) bool array, optional
        Only these tiles are measured; the others get 0 at every quality (and so are not
        valid for `jpeg_ghost`). A grayscale JPEG codes every 8 x 8 block on its own, so
        the selected tiles are packed side by side into a smaller image and only that is
        re-saved: their curves are exactly those of a re-save of the whole page.
    keep : collection of int, optional
        Qualities whose whole re-saved page the caller needs (error level analysis); those
        are re-saved in full. Default: every quality.

    Returns
    -------
    curves : (len(qualities), H // block, W // block) float64
    resaved : dict quality -> (H, W) uint8
        The re-saved pages named in ``keep``.

    """
    img = np.asarray(gray, dtype=np.uint8)
    h, w = img.shape
    bh, bw = h // block, w // block
    curves = np.zeros((len(qualities), bh, bw), dtype=np.float64)
    resaved: dict[int, np.ndarray] = {}
    wanted = {int(q) for q in qualities} if keep is None else {int(q) for q in keep}
    selected = None if tiles is None else np.asarray(tiles, dtype=bool)[:bh, :bw]
    packed = None
    count = 0
    if selected is not None and selected.mean() <= MAX_PACKED_SHARE:
        packed, count = _pack_tiles(img, selected, block), int(selected.sum())
    for k, q in enumerate(qualities):
        if packed is not None and int(q) not in wanted:
            if count:  # with no tile selected there is nothing to measure
                curves[k][selected] = _packed_curve(packed, q, count, block)
            continue
        again = jpeg_roundtrip(img, q)
        if int(q) in wanted:
            resaved[int(q)] = again
        for y0, y1, _, _ in row_strips(h, block):
            diff = cv2.absdiff(img[y0:y1, : bw * block], again[y0:y1, : bw * block])
            square = cv2.multiply(diff, diff, dtype=cv2.CV_32F)
            curves[k, y0 // block : y1 // block] = block_mean(square, block)
    if selected is not None:
        curves[:, ~selected] = 0.0
    return curves, resaved


#: Packing the selected tiles pays while they are at most this share of the page.
MAX_PACKED_SHARE = 0.7
#: Tiles per row of the packed image (a JPEG side must stay below 65,500 pixels).
_PACKED_COLUMNS = 128


def _pack_tiles(img: np.ndarray, selected: np.ndarray, block: int) -> np.ndarray:
    """The selected ``block`` x ``block`` tiles of a page side by side, row-major, in one image."""
    bh, bw = selected.shape
    tiles = img[: bh * block, : bw * block].reshape(bh, block, bw, block).swapaxes(1, 2)
    chosen = tiles[selected]  # (n, block, block)
    n = len(chosen)
    cols = max(min(n, _PACKED_COLUMNS), 1)
    rows = -(-n // cols)
    grid = np.zeros((rows * cols, block, block), dtype=np.uint8)
    grid[:n] = chosen
    return np.ascontiguousarray(
        grid.reshape(rows, cols, block, block).swapaxes(1, 2).reshape(rows * block, cols * block)
    )


def _packed_curve(packed: np.ndarray, quality: int, count: int, block: int) -> np.ndarray:
    """Mean squared re-save difference of the first ``count`` tiles of a packed image."""
    again = jpeg_roundtrip(packed, quality)
    diff = cv2.absdiff(packed, again)
    square = cv2.multiply(diff, diff, dtype=cv2.CV_32F)
    return block_mean(square, block).ravel()[:count]


def jpeg_ghost(
    gray: np.ndarray,
    qualities: Sequence[int] = DEFAULT_QUALITIES,
    block: int = 16,
    *,
    min_energy: float = 0.5,
    min_texture: float = 0.12,
    min_typical: float = 0.5,
    curves: np.ndarray | None = None,
) -> GhostMap:
    """Find blocks whose re-save error dips where the rest of the page's does not.

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance.
    qualities : sequence of int
        Re-save qualities, ascending.
    block : int
        Tile side in pixels (a multiple of 8).
    min_energy : float
        Blocks whose largest mean squared difference is below this (levels squared) are
        too flat to carry a ghost and are marked invalid.
    min_texture : float
        Blocks whose mean absolute high-pass residual (Immerkaer's mask, grey levels) is
        below this are featureless and marked invalid.
    min_typical : float
        Quality steps at which the page's median block keeps less than this share of its
        error are skipped: the page itself was saved there, so every block drops.
    curves : array, optional
        Precomputed output of `ghost_curves` for the same arguments.

    Returns
    -------
    GhostMap

    """
    qs = tuple(int(q) for q in qualities)
    if curves is None:
        curves, _ = ghost_curves(gray, qs, block)
    peak = curves.max(axis=0)
    # Featureless blocks (blank paper after compression) requantise erratically, mostly in
    # their average level, and carry no ghost: only blocks with some fine texture count.
    texture = residual_block_mean(gray, block)[: peak.shape[0], : peak.shape[1]]
    valid = (peak >= min_energy) & (texture >= min_texture)
    # Blocks mostly clipped at white or black are flat areas with specks of texture: they
    # requantise almost idempotently and dip where the page does not (`MAX_CLIPPED_SHARE`).
    clipped = valid & clipped_blocks(gray, block)[: peak.shape[0], : peak.shape[1]]
    valid &= ~clipped
    # Blocks on the page border carry scanner and cropping edges, not compression history.
    valid[[0, -1], :] = False
    valid[:, [0, -1]] = False
    # A region last saved at quality q is (nearly) idempotent there: its error drops sharply
    # from the quality below to q, while content never saved at q loses its error gradually
    # as the quality rises, whatever its texture. The step ratio D(q_k) / D(q_k-1), taken over
    # 3 x 3 neighbouring blocks (single-block curves jitter), measures that drop.
    smoothed = np.stack([smooth_blocks(c, valid) * 9.0 for c in curves])
    ratio = smoothed[1:] / np.maximum(smoothed[:-1], 1e-9)
    enough = int(valid.sum()) >= 3
    typical = np.median(ratio[:, valid], axis=1) if enough else np.ones(len(qs) - 1)
    # Every step from the first one where the page as a whole drops sharply is left out: the
    # page itself was saved there, and above it every block is idempotent. (Steps into a top
    # quality where everything barely changes, such as 95, are not worth trying at all.)
    usable = np.ones(len(qs) - 1, dtype=bool)
    own = _own_step(typical, min_typical)
    if own is not None:
        usable[own:] = False
    relative = (typical[:, None, None] - ratio) / np.maximum(typical, 1e-9)[:, None, None]
    relative[~usable] = -np.inf
    best = np.argmax(relative, axis=0)
    depth = np.take_along_axis(relative, best[None], axis=0)[0]
    depth = np.where(valid & np.isfinite(depth), np.clip(depth, 0.0, 1.0), 0.0)
    quality = np.asarray(qs[1:])[best]
    z = robust_zscore(depth, valid, floor=0.05)
    # A block holding only a straight rule or edge along its rows or columns (a page frame's
    # ruled line, a table's rule) has one row or column of DCT coefficients: flat ink and its
    # ringing requantise almost idempotently at any quality near the page's own, so its dip
    # is the rule's shape, not a history of its own (`straight_blocks`). Its depth is set to
    # nothing after the page's statistics: leaving such blocks out of the median and spread
    # narrows the spread of a ruled page (a table's) and makes ordinary words stand out.
    # A straight block inside a real ghost (a pasted table row's rules, a kashida's stroke)
    # takes the strongest of its other neighbours instead, so the region keeps no hole; a
    # run of rules alone, among blank paper, takes the paper's.
    straight = straight_blocks(gray, block)[: depth.shape[0], : depth.shape[1]]
    if straight.any():
        depth = np.where(straight, _from_neighbours(depth, straight, 0.0), depth)
        z = np.where(straight, _from_neighbours(z, straight, 0.0), z)
    return GhostMap(
        qs, curves, depth, quality, z, valid, block, tuple(bool(u) for u in usable), clipped
    )


def _from_neighbours(values: np.ndarray, straight: np.ndarray, floor: float) -> np.ndarray:
    """Each block's strongest value among its 8 neighbours not `straight`, at least `floor`."""
    others = np.where(straight, -np.inf, values).astype(np.float32)
    dilated = cv2.dilate(
        others, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=-np.inf
    )
    return np.maximum(dilated.astype(np.float64), floor)


#: Share of a block's pixel variance that its row means (or its column means) explain, from
#: which the block is a straight rule or edge (`straight_blocks`). The frame's ruled lines
#: whose ghosts warned on untouched letters of a third template (300-dpi copier chain, saved
#: at 58) measured 0.9997 or more in every block; a pen's near-horizontal stroke in the
#: samples' pasted signature 0.983-0.993 (at 0.98 its blocks were left out and the splice's
#: region split in two). With 0.999 no block of a ghost region that overlaps an edit on the
#: dev split or the fresh-look set is left out. A rule tilted by a pixel or more across a
#: block is not this straight.
STRAIGHT_SHARE = 0.999
#: Grey levels between a block's darkest and lightest pixel from which it holds ink
#: (`straight_blocks`): the frame's rules measured 180-208; blank paper blocks a few levels.
RULE_CONTRAST = 48


def straight_blocks(
    gray: np.ndarray, block: int, share: float = STRAIGHT_SHARE, contrast: float = RULE_CONTRAST
) -> np.ndarray:
    """Blocks whose content is one straight rule or edge of ink along the block's rows or columns.

    A block's variance around its mean splits into what its row means explain (content that
    changes only from row to row: a horizontal rule) and the rest; likewise for columns. A
    block whose row means, or column means, explain at least ``share`` of it holds no
    two-dimensional content: no letter, no grain, only a rule or a straight edge. Only blocks
    with ink count (``contrast`` grey levels or more between their darkest and lightest
    pixel): blank paper whose tone steps by a level or two from row to row is as "straight",
    and the paper of a pasted region is where its ghost shows. Returns ``(H // block,
    W // block)`` bool.
    """
    img = np.asarray(gray)
    h, w = img.shape[:2]
    bh, bw = h // block, w // block
    out = np.zeros((bh, bw), dtype=bool)
    if bh == 0 or bw == 0:
        return out
    # Only blocks with ink can be straight, and on a page of text they are a sixth or a
    # fifth of it: their darkest and lightest pixels are found first, and only the inked
    # blocks' variances are measured.
    inked = block_max(img, block).astype(np.int16) - block_min(img, block) >= contrast
    chosen = block_view(img, block)[inked]  # (n, block, block), row-major over the page
    straight = np.zeros(len(chosen), dtype=bool)
    for k in range(0, len(chosen), _STRAIGHT_CHUNK):
        straight[k : k + _STRAIGHT_CHUNK] = _straight(chosen[k : k + _STRAIGHT_CHUNK], share)
    out[inked] = straight
    return out


#: Inked blocks measured at a time by `straight_blocks` (a strip of them, 4 MB as float32).
_STRAIGHT_CHUNK = 4096


def _straight(chosen: np.ndarray, share: float) -> np.ndarray:
    """Whether each ``(n, block, block)`` tile's row or column means explain ``share`` of it.

    The tiles are laid side by side in one strip of the page's height of a block, so that
    every sum runs over the same pixels in the same order as over a strip of the page: the
    variances are those of the tiles measured in place, bit for bit.
    """
    n, block = len(chosen), chosen.shape[1]
    strip = np.ascontiguousarray(chosen.swapaxes(0, 1).reshape(block, n * block))
    tiles = block_view(strip.astype(np.float32), block)
    centred = tiles - tiles.mean(axis=(2, 3), keepdims=True)
    total = (centred * centred).sum(axis=(2, 3))
    rows = centred.mean(axis=3)
    cols = centred.mean(axis=2)
    along = np.maximum((rows * rows).sum(axis=2), (cols * cols).sum(axis=2)) * block
    return np.asarray((along >= share * total)[0], dtype=bool)


#: A quality step at which the page's median block's error grows by more than this factor
#: lies above the page's own last quality. Not 1.0, which leaves no margin: the summed error
#: of untouched pages of the fresh-look development set grew by 1% at steps with no save
#: between them (70 -> 75 on fresh-002, fresh-006 and fresh-014), while a page saved between
#: two tried qualities grows by a fifth or more (fresh-007, saved at 55: 1.2 into 70).
RISE = 1.1


def _own_step(typical: np.ndarray, min_typical: float) -> int | None:
    """Index of the first quality step that is the page's own or lies above it.

    That is the first step at which the page's median block loses most of its error (the step
    into the quality the page was saved at). When no step does (the page's quality fell
    between two tried ones and its drop was shallow), it is the step before the first at
    which the median block's error *grows* (ratio above `RISE`): content not yet quantised at
    a quality only loses error as the quality rises, while content already quantised at q can
    gain some when re-quantised above q on a grid that does not divide its own. A page saved
    at quality 55 and re-saved at 50, 60, 70 ... drops only to 0.7 into 60, grows by 1.3 into
    70, and drops to 0.52 into 75; its stamp's and signature's blocks dipped unevenly at 75
    to 85 and looked like ghosts (fresh-look development set). A page saved twice shows the
    first save's rise too, but its last save's drop below ``min_typical`` comes first in this
    rule: its ghosts below that step stay in use.
    """
    low = np.nonzero(~(typical >= min_typical))[0]
    if low.size:
        return int(low[0])
    rise = np.nonzero(typical > RISE)[0]
    return max(int(rise[0]) - 1, 0) if rise.size else None


def page_quality_estimate(ghost: GhostMap, min_typical: float = 0.5) -> int | None:
    """The JPEG quality the page as a whole was last saved at, if it shows.

    A page last saved at quality q changes little when re-saved at q or above, so the median
    block's error drops most sharply at the step into q. When no step drops below
    ``min_typical`` of the previous error but one makes it grow (`_own_step`), the page was
    saved below that step's lower quality, and that quality is returned: an upper bound, not
    the quality itself (a page saved at 55 grows from 60 into 70, and 60 is returned).
    Returns None when neither shows (the page was not saved as JPEG within the tried range,
    or above it).
    """
    if int(ghost.valid.sum()) < 3 or len(ghost.qualities) < 2:
        return None
    c = ghost.curves[:, ghost.valid]
    ratio = c[1:].sum(axis=1) / np.maximum(c[:-1].sum(axis=1), 1e-9)
    low = np.nonzero(ratio < min_typical)[0]
    if low.size == 0:
        # No sharp drop, but the error grows at a step: the page was saved below that step's
        # lower quality (`_own_step`), which is returned as the estimate (an upper bound).
        rise = np.nonzero(ratio > RISE)[0]
        return ghost.qualities[int(rise[0])] if rise.size else None
    step = int(low[np.argmin(ratio[low])])
    return ghost.qualities[step + 1]


def ghost_strength(ghost: GhostMap) -> np.ndarray:
    """Per-block strength in [0, 1]: the ghost's depth where it also stands out from the page.

    Both are required: a deep dip that many blocks share is the page's own history, and a
    block that stands out with a shallow dip is noise.
    """
    standout = np.clip((ghost.z - 4.0) / 2.0, 0.0, 1.0)
    deep = np.clip((ghost.depth - 0.75) / 0.15, 0.0, 1.0)
    return np.asarray(np.where(ghost.valid, standout * deep, 0.0), dtype=np.float64)
