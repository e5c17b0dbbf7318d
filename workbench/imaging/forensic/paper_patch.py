"""The whole patch of other paper around a trace: its area segmented by the paper it carries.

A block pasted from another scan or another JPEG, or a line typeset and scanned on its own,
brings its own paper: a tone a grey level or a few off the page's, its own grain and its own
JPEG history (which flattens or keeps the paper's fine noise). The methods that find such a
patch see only part of it: the paper-step method its straight edges (often as separate
strips), the double-quantisation map the blocks whose coefficients still tell, glyph
consistency the words printed differently. Once one of them has found evidence, the patch
itself is the connected area around the evidence whose paper differs from the page's paper
in the same way: this module measures the paper of every 8 x 8 block (`paper_blocks`: the
mean tone of its bare paper against the page's slowly varying tone, and the level of its
fine noise) and, pooled over neighbouring blocks as a robust z against the page, grows the
evidence into the area whose paper is off the page's on the same side (`grow_patches`).
The constants of the growth were chosen by leave-one-chain-out on the independent corpus's
dev split (``benchmarks/fusion_shapes.py``), never on its test split.

The segmentation never marks anything by itself: it only widens a region another method
found, and only where the paper inside differs from the page's as a whole. On a page whose
paper is all alike (an untouched scan) the growth finds nothing to grow into.

Innocent causes of a patch of other paper: a sheet or a label pasted onto the original
before it was scanned, a stain or a wet spot, uneven lighting or a scanner lid's shadow
along the page's edge; a block of the page re-saved or retouched for legibility.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from workbench.imaging.blocks import block_mean, robust_zscore, row_strips
from workbench.imaging.forensic.noise import noise_residual
from workbench.imaging.forensic.paper_steps import bare_paper, is_paper_page, paper_mask

#: Side of the blocks whose paper is measured, in pixels (the JPEG grid's).
BLOCK = 8
#: A block's paper is measured when at least this share of its pixels is bare paper.
MIN_PAPER = 0.25
#: Blocks pooled around each block (a side, odd) before the page-relative z: one block's
#: 64 pixels of paper are too few for a grey level's difference.
POOL = 3
#: The page's slowly varying tone (lighting, the paper's cloud) is the median over this many
#: `COARSE`-pixel blocks around each (a side, odd).
COARSE, BACKGROUND = 32, 9
#: Noise levels below this (grey levels of Immerkaer's residual) count as this: a flat,
#: synthetic fill has no noise to take a logarithm of.
NOISE_FLOOR = 0.5
#: Evidence (another method's weighted strength on the fused grid) from which a patch is
#: grown.
SEED = 0.3
#: Pooled z beyond which a block's paper counts as off the page's, on one side.
OFF = 3.5
#: A grown patch reaches at most this many blocks beyond its evidence's bounding box.
REACH = 16
#: A grown patch's paper must lie at least this far from the page's (median pooled z).
DISTINCT = 6.0
#: A patch smaller than this many blocks is not grown (a speck of other paper is no patch).
MIN_BLOCKS = 6


@dataclass(frozen=True)
class PaperBlocks:
    """Each block's paper: its tone against the page's slowly varying tone, and its grain.

    Attributes
    ----------
    tone : (H // BLOCK, W // BLOCK) float32
        Mean tone of the block's bare paper minus the page's slowly varying tone there.
    noise : (H // BLOCK, W // BLOCK) float32
        Logarithm of the mean absolute Immerkaer residual of the block's bare paper.
    valid : (H // BLOCK, W // BLOCK) bool
        Blocks with enough bare paper to be measured.
    block : int
        Page pixels per block.

    """

    tone: np.ndarray
    noise: np.ndarray
    valid: np.ndarray
    block: int = BLOCK


def _pooled(values: np.ndarray, valid: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the valid values in a ``size`` x ``size`` window, and whether it had any."""
    v = np.where(valid, values, 0.0).astype(np.float32)
    n = valid.astype(np.float32)
    total = cv2.boxFilter(v, -1, (size, size), normalize=False, borderType=cv2.BORDER_CONSTANT)
    count = cv2.boxFilter(n, -1, (size, size), normalize=False, borderType=cv2.BORDER_CONSTANT)
    return total / np.maximum(count, 1.0), count >= max(size * size // 4, 1)


def paper_blocks(
    gray: np.ndarray, *, paper: tuple[float, float] | None = None
) -> PaperBlocks | None:
    """Tone and noise of each block's bare paper, or None off paper.

    Bare paper is `paper_steps.paper_mask` (print and a few pixels around it left out). A
    block's tone is the mean of its paper minus the page's slowly varying tone (the median of
    `COARSE`-pixel blocks' paper over `BACKGROUND` of them); its noise the logarithm of the
    mean absolute Immerkaer residual of its paper. Pages that are not mostly light bare paper
    (a photograph) are not measured. `paper` is `paper_steps.bare_paper` of the same page
    when the caller has it already.
    """
    img = np.asarray(gray)
    if img.dtype != np.uint8:
        img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    share, level = bare_paper(img) if paper is None else paper
    if not is_paper_page(share, level):
        return None
    bare = paper_mask(img, level)
    h, w = img.shape
    bh, bw = h // BLOCK, w // BLOCK
    # Sums per block, strip by strip (with a row of context for the residual's filter): the
    # same numbers as the whole page at once, without its page-sized float temporaries.
    count = np.zeros((bh, bw), np.float64)
    paper_sum = np.zeros((bh, bw), np.float64)
    grain_sum = np.zeros((bh, bw), np.float64)
    for y0, y1, a0, a1 in row_strips(h, BLOCK, 1):
        part = img[a0:a1]
        keep = slice(y0 - a0, y1 - a0)
        on = bare[y0:y1].astype(np.float32)
        rows = slice(y0 // BLOCK, y1 // BLOCK)
        count[rows] = block_mean(on, BLOCK)
        paper_sum[rows] = block_mean(part[keep].astype(np.float32) * on, BLOCK)
        grain_sum[rows] = block_mean(noise_residual(part)[keep] * on, BLOCK)
    valid = count >= MIN_PAPER
    tone = paper_sum / np.maximum(count, 1e-6)
    noise = np.log(np.maximum(grain_sum / np.maximum(count, 1e-6), NOISE_FLOOR))
    if int(valid.sum()) < 50:
        return None
    # The page's own slowly varying tone, from coarse blocks of paper (whole blocks of
    # blocks: the same means as `COARSE`-pixel tiles of the page).
    scale = COARSE // BLOCK
    coarse_count = block_mean(count, scale)
    coarse = block_mean(paper_sum, scale) / np.maximum(coarse_count, 1e-6)
    coarse_ok = coarse_count >= MIN_PAPER
    fill = float(np.median(coarse[coarse_ok])) if coarse_ok.any() else float(level)
    filled = np.where(coarse_ok, coarse, fill).astype(np.float32)
    background = _median(filled, BACKGROUND)
    big = np.repeat(np.repeat(background, scale, axis=0), scale, axis=1)
    bh, bw = tone.shape
    big = np.pad(big, ((0, max(bh - big.shape[0], 0)), (0, max(bw - big.shape[1], 0))), "edge")
    relative = (tone - big[:bh, :bw]).astype(np.float32)
    return PaperBlocks(relative, noise.astype(np.float32), valid)


def _median(values: np.ndarray, size: int) -> np.ndarray:
    """Median over a ``size`` x ``size`` window (edges repeated), for small float maps."""
    pad = size // 2
    padded = np.pad(values, pad, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (size, size))
    return np.asarray(np.median(windows, axis=(2, 3)), dtype=np.float32)


def grow_patches(paper: PaperBlocks, evidence: np.ndarray, cell: int) -> np.ndarray:
    """The areas of other paper that hold another method's regions, on the fused grid.

    Parameters
    ----------
    paper : PaperBlocks
        The page's paper (`paper_blocks`).
    evidence : (H, W) float array in [0, 1]
        The strength, as the heatmap shows it, of the methods whose regions lie on a patch
        (double quantisation, paper steps, words printed differently) on the fused grid of
        `cell`-pixel elements.
    cell : int
        Page pixels per element of `evidence`; `paper.block` must be a multiple of it.

    Returns
    -------
    (H, W) float32
        Each grown patch painted with its evidence's strongest value, 0 elsewhere.

    Each connected region of evidence at `SEED` or more is a seed. Around it (within `REACH`
    blocks of its bounding box), for the paper's tone and noise in turn and each side of
    the page's (lighter or darker, noisier or smoother), the blocks whose pooled z lies
    beyond `OFF` on that side and that connect to the seed form a candidate; the largest
    candidate whose median z lies beyond `DISTINCT` and that has `MIN_BLOCKS` or more is the
    patch, closed over the print it holds (print has no paper to measure) and painted.

    """
    step = paper.block // cell
    bh, bw = paper.tone.shape
    h, w = evidence.shape
    ev = np.zeros((bh, bw), np.float32)
    part = evidence[: min(h, bh * step), : min(w, bw * step)]
    ph, pw = part.shape[0] // step, part.shape[1] // step
    pooled = part[: ph * step, : pw * step].reshape(ph, step, pw, step).max(axis=(1, 3))
    ev[:ph, :pw] = pooled
    zs = []
    for values in (paper.tone, paper.noise):
        mean, valid = _pooled(values, paper.valid, POOL)
        zs.append(np.where(valid, robust_zscore(mean, valid, floor=0.05), 0.0))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        (ev >= SEED).astype(np.uint8), connectivity=8
    )
    grown = np.zeros((bh, bw), np.float32)
    for label in range(1, count):
        x, y, ww, hh = (int(v) for v in stats[label, :4])
        y0, y1 = max(y - REACH, 0), min(y + hh + REACH, bh)
        x0, x1 = max(x - REACH, 0), min(x + ww + REACH, bw)
        region = labels[y0:y1, x0:x1] == label
        touch = cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        best: np.ndarray | None = None
        for z in zs:
            window = z[y0:y1, x0:x1]
            ok = valid[y0:y1, x0:x1]
            for sign in (1.0, -1.0):
                off = (sign * window >= OFF) & ok
                if not (off & touch).any():
                    continue
                _, parts = cv2.connectedComponents(off.astype(np.uint8), connectivity=8)
                keep = np.isin(parts, np.unique(parts[off & touch]))
                keep &= parts > 0
                if int(keep.sum()) < MIN_BLOCKS:
                    continue
                if float(np.median(sign * window[keep])) < DISTINCT:
                    continue
                if best is None or int(keep.sum()) > int(best.sum()):
                    best = keep
        if best is None:
            continue
        closed = cv2.morphologyEx(
            best.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)
        ).astype(bool)
        value = np.float32(ev[labels == label].max())
        grown[y0:y1, x0:x1][closed] = np.maximum(grown[y0:y1, x0:x1][closed], value)
    out = np.zeros(evidence.shape, np.float32)
    big = np.repeat(np.repeat(grown, step, axis=0), step, axis=1)[:h, :w]
    out[: big.shape[0], : big.shape[1]] = big
    return out
