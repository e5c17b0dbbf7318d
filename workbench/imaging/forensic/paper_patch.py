"""The whole patch of other paper around a trace: its area segmented by the paper it carries.

A block pasted from another scan or another JPEG, or a line typeset and scanned on its own,
brings its own paper: a tone a grey level or a few off the page's, its own grain and its own
JPEG history (which flattens or keeps the paper's fine noise). The methods that find such a
patch see only part of it: the paper-step method its straight edges (often as separate
strips), the double-quantisation map the blocks whose coefficients still tell, glyph
consistency the words printed differently, the noise map the stretches whose grain departs
from the page's. Once one of them has found evidence, the patch
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
from workbench.imaging.forensic.paper_steps import (
    INK_GROW,
    bare_paper,
    is_paper_page,
    paper_mask,
)

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
#: A grown patch reaches at most this many blocks beyond its evidence's bounding box (512
#: pixels: a paste found by a short region at one end is grown whole up to about that size).
#: On dev, 16, 32 and 64 blocks give the same pixel F1 (0.697 all kinds, cached maps); a
#: 406-pixel-tall paste on a rendered letter, found by a paper step along its top, is grown
#: 33%, 59% and 91% with them.
REACH = 64
#: A patch is grown from a region of words printed differently or of noise departures only when such
#: regions cover at least `COVER` of it, and from a region of double quantisation when evidence
#: covers `COVER_BLOCKS` of it. A pasted block or line is where those methods find it, while a
#: stain, a label or a shaded table row that merely holds a word or two flagged for other reasons is
#: mostly bare of evidence (a round stain 140 pixels across holding one flagged word: 7-11% of its
#: blocks). Words ask more: other paper under a word changes its print's contrast, so a stain can
#: itself make a word look printed differently, while the JPEG history double quantisation reads
#: does not follow the paper's tone. A paper step needs no share: it is an edge of the patch, and is
#: taken as its evidence when it lies on the patch's outline. The smallest share among dev's grown
#: patches that raise pixel F1 is 0.11 (a foreign-JPEG block found by double quantisation in
#: pieces).
COVER = 0.3
COVER_BLOCKS = 0.1
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
    (a photograph) are not measured, nor pages narrower or shorter than one `COARSE` block.
    `paper` is `paper_steps.bare_paper` of the same page when the caller has it already.

    Limit: a patch of other tone about half the median's window (some 150 pixels) or larger
    is part of the page's slowly varying tone in its middle, so only its rim differs in tone
    (a 600 x 800-pixel patch 5 grey levels darker on a rendered letter: 6% of it is grown
    from a paper step along its top). Estimating the tone once more with the off-tone blocks
    left out was measured and not kept: only the rim is left out, and 8% of it is grown.
    Its grain, measured per block, is not affected.
    """
    img = np.asarray(gray)
    if img.dtype != np.uint8:
        img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    share, level = bare_paper(img) if paper is None else paper
    if not is_paper_page(share, level):
        return None
    h, w = img.shape
    bh, bw = h // BLOCK, w // BLOCK
    scale = COARSE // BLOCK
    if bh < scale or bw < scale:
        return None  # narrower than one coarse block of the page's own tone
    # Sums per block, strip by strip (with context rows for the residual's filter and the
    # bare-paper mask's growth around print): the same numbers as the whole page at once,
    # without its page-sized temporaries.
    count = np.zeros((bh, bw), np.float64)
    paper_sum = np.zeros((bh, bw), np.float64)
    grain_sum = np.zeros((bh, bw), np.float64)
    for y0, y1, a0, a1 in row_strips(h, BLOCK, max(INK_GROW, 1)):
        part = img[a0:a1]
        keep = slice(y0 - a0, y1 - a0)
        on = paper_mask(part, level)[keep].astype(np.float32)
        rows = slice(y0 // BLOCK, y1 // BLOCK)
        count[rows] = block_mean(on, BLOCK)
        paper_sum[rows] = block_mean(part[keep].astype(np.float32) * on, BLOCK)
        grain_sum[rows] = block_mean(noise_residual(part)[keep] * on, BLOCK)
    valid = count >= MIN_PAPER
    tone = paper_sum / np.maximum(count, 1e-6)
    noise = np.log(np.maximum(grain_sum / np.maximum(count, 1e-6), NOISE_FLOOR))
    if int(valid.sum()) < 50:
        return None
    relative = tone - _background(count, paper_sum, level, (bh, bw))
    return PaperBlocks(relative.astype(np.float32), noise.astype(np.float32), valid)


def _background(
    count: np.ndarray, paper_sum: np.ndarray, level: float, shape: tuple[int, int]
) -> np.ndarray:
    """The page's slowly varying tone on the blocks: a median of coarse blocks of paper.

    Coarse blocks are whole blocks of blocks (the same means as `COARSE`-pixel tiles of the
    page); those with too little paper take the page's median coarse tone.
    """
    scale = COARSE // BLOCK
    coarse_count = block_mean(count, scale)
    coarse = block_mean(paper_sum, scale) / np.maximum(coarse_count, 1e-6)
    coarse_ok = coarse_count >= MIN_PAPER
    fill = float(np.median(coarse[coarse_ok])) if coarse_ok.any() else float(level)
    filled = np.where(coarse_ok, coarse, fill).astype(np.float32)
    background = _median(filled, BACKGROUND)
    big = np.repeat(np.repeat(background, scale, axis=0), scale, axis=1)
    bh, bw = shape
    big = np.pad(big, ((0, max(bh - big.shape[0], 0)), (0, max(bw - big.shape[1], 0))), "edge")
    return np.asarray(big[:bh, :bw], dtype=np.float64)


def _median(values: np.ndarray, size: int) -> np.ndarray:
    """Median over a ``size`` x ``size`` window (edges repeated), for small float maps."""
    pad = size // 2
    padded = np.pad(values, pad, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (size, size))
    return np.asarray(np.median(windows, axis=(2, 3)), dtype=np.float32)


def grow_patches(
    paper: PaperBlocks,
    evidence: np.ndarray,
    cell: int,
    edges: np.ndarray | None = None,
    words: np.ndarray | None = None,
) -> np.ndarray:
    """The areas of other paper that hold another method's regions, on the fused grid.

    Parameters
    ----------
    paper : PaperBlocks
        The page's paper (`paper_blocks`).
    evidence : (H, W) float array in [0, 1]
        The strength, as the heatmap shows it, of the methods whose regions lie on a patch
        (double quantisation, paper steps, words printed differently, noise departures) on
        the fused grid of `cell`-pixel elements.
    cell : int
        Page pixels per element of `evidence`; `paper.block` must be a multiple of it.
    edges : (H, W) float array in [0, 1], optional
        The paper-step method's strength alone (its part of `evidence`): regions that are
        edges of a patch rather than its inside.
    words : (H, W) float array in [0, 1], optional
        The strength of the evidence with more innocent causes alone (its part of
        `evidence`: words printed differently, noise departures); a seed with no other
        evidence must cover `COVER` of its patch. Without it, every seed must.

    Returns
    -------
    (H, W) float32
        Each grown patch painted with its evidence's strongest value, 0 elsewhere.

    Each connected region of evidence at `SEED` or more is a seed. Around it (within `REACH`
    blocks of its bounding box), for the paper's tone and noise in turn and each side of
    the page's (lighter or darker, noisier or smoother), the blocks whose pooled z lies
    beyond `OFF` on that side and that connect to the seed form a candidate; the largest
    candidate whose median z lies beyond `DISTINCT` and that has `MIN_BLOCKS` or more is the
    patch, closed over the print it holds (print has no paper to measure). It is painted
    when it holds most of its seed (the seed is on it, not beside it) and either regions of
    evidence cover `COVER` of it (`COVER_BLOCKS` when the seed holds evidence other than
    words) or a paper step of the seed lies on its outline: a stain, a label or a shaded
    row that merely holds a flagged word is left alone. A stain that holds a region of
    double quantisation covering `COVER_BLOCKS` of it would be grown.

    Limits: the page's tone is a median over `BACKGROUND` x `BACKGROUND` tiles of `COARSE`
    pixels (288 pixels), so a patch of other tone about half that window or larger becomes
    part of the background and is grown only in part (its grain, a per-block measure, is
    not affected); and a patch is grown at most `REACH` blocks (512 pixels) beyond its
    evidence's box, so a paste taller or wider than that, found by one short region, is
    grown only near it.

    """
    if paper.block % cell:
        raise ValueError(f"paper blocks of {paper.block} px are not whole cells of {cell} px")
    step = paper.block // cell
    bh, bw = paper.tone.shape
    h, w = evidence.shape
    out = np.zeros(evidence.shape, np.float32)
    ev = _on_blocks(evidence, step, (bh, bw))
    seeds = ev >= SEED
    if not seeds.any():
        return out
    on_edge = (
        _on_blocks(edges, step, (bh, bw)) >= SEED if edges is not None else np.zeros((bh, bw), bool)
    )
    # Seed blocks with evidence other than words printed differently or noise departures
    # (without `words`, every seed asks `COVER`).
    blocks = seeds & (_on_blocks(words, step, (bh, bw)) < ev) if words is not None else None
    # Blocks whose pool holds enough measured paper (the same for tone and noise: both are
    # measured on the same blocks); a block of print amid paper counts by its pool.
    zs = []
    pooled_ok = np.zeros((bh, bw), bool)
    for values in (paper.tone, paper.noise):
        mean, pooled_ok = _pooled(values, paper.valid, POOL)
        zs.append(np.where(pooled_ok, robust_zscore(mean, pooled_ok, floor=0.05), 0.0))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        seeds.astype(np.uint8), connectivity=8
    )
    square = np.ones((3, 3), np.uint8)
    grown = np.zeros((bh, bw), np.float32)
    for label in range(1, count):
        x, y, ww, hh = (int(v) for v in stats[label, :4])
        y0, y1 = max(y - REACH, 0), min(y + hh + REACH, bh)
        x0, x1 = max(x - REACH, 0), min(x + ww + REACH, bw)
        region = labels[y0:y1, x0:x1] == label
        touch = cv2.dilate(region.astype(np.uint8), square).astype(bool)
        best: np.ndarray | None = None
        for z in zs:
            window = z[y0:y1, x0:x1]
            measured = pooled_ok[y0:y1, x0:x1]
            for sign in (1.0, -1.0):
                off = (sign * window >= OFF) & measured
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
        closed = cv2.morphologyEx(best.astype(np.uint8), cv2.MORPH_CLOSE, square)
        other = blocks is not None and bool((blocks[y0:y1, x0:x1] & region).any())
        share = COVER_BLOCKS if other else COVER
        if not _explains(closed, region, seeds[y0:y1, x0:x1], on_edge[y0:y1, x0:x1], share):
            continue
        lit = closed.astype(bool)
        value = np.float32(ev[y0:y1, x0:x1][region].max())
        grown[y0:y1, x0:x1][lit] = np.maximum(grown[y0:y1, x0:x1][lit], value)
    big = np.repeat(np.repeat(grown, step, axis=0), step, axis=1)[:h, :w]
    out[: big.shape[0], : big.shape[1]] = big
    return out


def _on_blocks(values: np.ndarray, step: int, shape: tuple[int, int]) -> np.ndarray:
    """The largest value of each paper block's `step` x `step` elements of a fused-grid map."""
    out = np.zeros(shape, np.float32)
    part = values[: shape[0] * step, : shape[1] * step]
    ph, pw = part.shape[0] // step, part.shape[1] // step
    out[:ph, :pw] = part[: ph * step, : pw * step].reshape(ph, step, pw, step).max(axis=(1, 3))
    return out


def _explains(
    closed: np.ndarray, region: np.ndarray, seeds: np.ndarray, edges: np.ndarray, share: float
) -> bool:
    """Whether a seed's region is evidence of the candidate patch `closed` (uint8 blocks).

    The seed must lie mostly on the patch or along its outline (a region beside a patch of
    other tone is no evidence of it), and either regions of evidence cover `share` of the
    patch, or the seed holds a paper step on the patch's outline.
    """
    square = np.ones((3, 3), np.uint8)
    near = cv2.dilate(closed, square).astype(bool)
    if int((region & near).sum()) * 2 < int(region.sum()):
        return False
    lit = closed.astype(bool)
    if int((seeds & lit).sum()) >= share * int(lit.sum()):
        return True
    outline = near & ~cv2.erode(closed, square, borderType=cv2.BORDER_REPLICATE).astype(bool)
    return bool((region & edges & cv2.dilate(outline.astype(np.uint8), square).astype(bool)).any())
