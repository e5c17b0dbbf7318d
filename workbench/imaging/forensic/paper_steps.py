"""Straight steps in the paper's tone: the edges of a pasted rectangle of other paper.

A scanned page's paper changes tone only slowly (uneven lighting, the paper's own cloud), and
its noise and JPEG blocking are the same everywhere. A line typeset and scanned on its own, a
block cut from another scan, or an erasure filled with a flat colour brings its own paper
with it: a patch whose tone differs from the page around it by a grey level or a few, ending
in a straight edge that runs across the paper for the whole width (or height) of the patch.
A grey level is invisible to a reader, but averaged along an edge of a hundred pixels it is
many times the paper's noise.

The map follows the idea of lighting and background-level inconsistency (a pasted region
carries the acquisition conditions of its source: M. K. Johnson and H. Farid, *Exposing
digital forgeries by detecting inconsistencies in lighting*, ACM MM&Sec 2005; the local
noise and level consistency of B. Mahdian and S. Saic, *Using noise inconsistencies for blind
image forensics*, Image and Vision Computing 27(10), 2009), in the form a text page allows:

1. paper pixels are those far from any print (darker than the page's paper by a margin,
   grown by a few pixels);
2. at every row boundary, the mean tone of the paper a few pixels below minus a few pixels
   above, averaged along `LENGTH` pixels of the row (paper pixels only); the same along
   columns. Leaving a gap of a pixel on each side of the boundary means that a thin ruled
   line contributes to neither side;
3. each value is divided by the page's own spread of such values, measured separately for
   each position on the 8 x 8 JPEG grid (block boundaries carry the compression's own small
   steps), so the result is a robust z against the page;
4. blocks crossed by a strong step are joined with their neighbours within a patch's height,
   and each group's bounding box is a region.

Innocent causes: a coloured or shaded band printed on purpose (a form's header, a table's
shaded row), a sheet whose edge or a fold lies in the scan, the shadow of a ruler or a clip,
and a scanner's stitching of two passes. A patch pasted with its paper blended away (only
its ink kept) and of the same tone leaves no step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from workbench.geometry import Box
from workbench.imaging.blocks import regions_from_mask, strength_from_z
from workbench.imaging.histogram import counts_u8
from workbench.imaging.order_stats import median_f32

METHOD = (
    "straight steps in the paper tone along rows and columns, robust z per JPEG grid phase "
    "(Johnson & Farid 2005; Mahdian & Saic 2009)"
)
BLOCK = 8
#: Pixels along a row (or column) each step is averaged over.
LENGTH = 48
#: Pixels along a row (column) pooled into one bin before steps are averaged along it. On a
#: 300-dpi A4 page this took the method from 1.79 to 1.04 CPU s and its own peak memory from
#: 324 to 171 MiB (medians of three interleaved runs, 2026-12-06, load average about 24).
STRIDE = 4
#: Boundary rows handled at once (the work arrays are this many rows, not the page).
BAND_ROWS = 256
#: Share of `LENGTH` that must be paper for a value to count.
MIN_PAPER = 0.6
#: Darker than the page's paper by this many grey levels is print, not paper.
INK_MARGIN = 12.0
#: Print is grown by this many pixels before the rest counts as paper (halos, blur).
INK_GROW = 5
#: Rows (columns) each side of a boundary that are averaged, and the gap left at it.
SIDE, GAP = 3, 1
#: Smallest robust scale of a step (grey levels): on a page whose paper JPEG has made flat, a
#: step of a fraction of a grey level is rounding, not evidence.
MIN_SCALE = 0.25
#: Robust z at which a step starts to count and where its strength reaches 1. Set on the dev
#: split of the independent corpus (``benchmarks/forensic_corpus.py``), never on its test split.
Z_RANGE = (10.0, 24.0)
#: Pixels at the page's edges that are not judged (the scan's own border).
MARGIN = 24
#: Pixels from the page's edge within which a line of steps reaches that edge
#: (`crossing_page`): the unjudged border and two blocks.
EDGE_REACH = MARGIN + 2 * BLOCK
#: Pixels: the thickest region taken for a line of steps (`crossing_page`); a thicker one holds
#: a patch (a pasted block joined with a step line running through its rows stays a patch).
LINE_THICK = 3 * BLOCK
#: Steps within this many blocks of each other vertically (horizontally) join one region (odd
#: sizes, so that the closing does not shift the mask); set on the dev split.
JOIN = (13, 15)
#: A region needs a step at least this long, in blocks.
MIN_BLOCKS = 4
#: The method judges pages that are mostly light bare paper: at least this share of pixels
#: within `INK_MARGIN` of the page's median, and that median at least `PAPER_LEVEL`. A
#: photograph has straight edges between surfaces of other tones everywhere.
PAPER_PAGE = 0.8
PAPER_LEVEL = 150.0


@dataclass(frozen=True)
class PaperSteps:
    """Where the paper's tone steps along a straight edge.

    Attributes
    ----------
    z : (H // 8, W // 8) float64
        Strongest absolute robust z of a row or column step crossing each block.
    strength : (H // 8, W // 8) float64
        The regions painted with their strength, in [0, 1] (the map fusion takes).
    regions : list of Box
        Bounding boxes of joined steps, strongest first; ``score`` in [0, 1].
    paper_share : float
        Share of the page that counted as paper.

    """

    z: np.ndarray
    strength: np.ndarray
    regions: list[Box]
    paper_share: float
    method: str = METHOD
    #: Why the page was not judged (empty when it was).
    note: str = ""

    @property
    def region_score(self) -> float:
        """Strength of the strongest region, 0 when there is none."""
        return max((r.score for r in self.regions), default=0.0)


def median_level(gray: np.ndarray) -> float:
    """Median of a uint8 page, from its histogram (as `numpy.median`, without sorting it)."""
    g = np.asarray(gray)
    if g.dtype != np.uint8:
        return float(np.median(g))
    return median_of_histogram(counts_u8(g))


def bare_paper(gray: np.ndarray) -> tuple[float, float]:
    """Share of a uint8 page within `INK_MARGIN` of its median tone, and that median.

    A page is "mostly light bare paper" when the share is at least `PAPER_PAGE` and the
    median at least `PAPER_LEVEL` (`is_paper_page`): the methods that compare a page's paper
    or print with itself judge only such pages.
    """
    hist = counts_u8(np.asarray(gray, dtype=np.uint8))
    level = median_of_histogram(hist)
    near = np.abs(np.arange(256) - level) <= INK_MARGIN
    return float(hist[near].sum() / max(int(hist.sum()), 1)), level


def is_paper_page(share: float, level: float) -> bool:
    """Whether `bare_paper`'s share and median describe a page of mostly light bare paper."""
    return share >= PAPER_PAGE and level >= PAPER_LEVEL


def median_of_histogram(hist: np.ndarray) -> float:
    """Median of the grey levels counted in `hist` (256 bins), as `numpy.median` gives it."""
    counts = np.cumsum(hist)
    n = int(counts[-1])
    lo = int(np.searchsorted(counts, (n - 1) // 2, side="right"))
    hi = int(np.searchsorted(counts, n // 2, side="right"))
    return (lo + hi) / 2.0


def paper_mask(gray: np.ndarray, level: float | None = None) -> np.ndarray:
    """Pixels of bare paper: not print, and not within `INK_GROW` pixels of it.

    `level` is the page's paper tone (its median), computed when not given.
    """
    paper = median_level(gray) if level is None else level
    ink = (np.asarray(gray) < paper - INK_MARGIN).astype(np.uint8)  # no float copy of the page
    size = 2 * INK_GROW + 1
    return ~np.asarray(cv2.dilate(ink, np.ones((size, size), np.uint8)), dtype=bool)


def _band_steps(
    g: np.ndarray, paper: np.ndarray, r0: int, r1: int, bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean step along `LENGTH` pixels, and whether enough paper was there, for rows r0-r1.

    Row ``y``'s step is at the boundary above it: paper rows ``y + GAP + 1`` on minus rows
    ``y - GAP - SIDE`` on (`SIDE` of each), per pixel column where all of them are paper,
    pooled into `bins` bins of `STRIDE` pixels. On a uint8 page every sum is of whole grey
    levels, exact in float32 (at most 255 * SIDE * LENGTH), so their order does not matter;
    the division by `SIDE` comes last. The page is only read as uint8 (no float copy).
    """
    w = g.shape[1]
    a, b = r0 - GAP - SIDE, r1 + GAP + 1 + SIDE  # the pixel rows the band's steps read
    ink_free = np.asarray(paper[a:b], dtype=np.uint8)
    part = g[a:b]
    on_paper = part * ink_free if part.dtype == np.uint8 else np.where(ink_free, part, 0)
    # Sums of SIDE rows from each row down, and whether all of them are paper (an erosion).
    sums = cv2.filter2D(
        np.ascontiguousarray(on_paper, dtype=np.uint8 if part.dtype == np.uint8 else np.float32),
        cv2.CV_32F, np.ones((SIDE, 1), np.float32), anchor=(0, 0),
        borderType=cv2.BORDER_CONSTANT,
    )  # fmt: skip
    full: np.ndarray = cv2.erode(
        ink_free, np.ones((SIDE, 1), np.uint8), anchor=(0, 0),
        borderType=cv2.BORDER_CONSTANT, borderValue=0,
    )  # fmt: skip
    n_rows = r1 - r0
    below = slice(2 * GAP + 1 + SIDE, 2 * GAP + 1 + SIDE + n_rows)
    above = slice(0, n_rows)
    use = full[below] & full[above]
    width = bins * STRIDE
    diff = np.zeros((n_rows, width), np.float32)
    both = np.zeros((n_rows, width), np.uint8)
    np.subtract(sums[below], sums[above], out=diff[:, :w])
    diff[:, :w] *= use
    both[:, :w] = use
    # Pool STRIDE pixels along the row into one bin (exact: whole numbers).
    binned = diff[:, 0::STRIDE].copy()
    count = both[:, 0::STRIDE].astype(np.float32)
    for k in range(1, STRIDE):
        binned += diff[:, k::STRIDE]
        count += both[:, k::STRIDE]
    # An even box of LENGTH / STRIDE bins covers the pixels LENGTH / 2 either side of its bin.
    size = (LENGTH // STRIDE, 1)
    total = cv2.boxFilter(binned, -1, size, normalize=False, borderType=cv2.BORDER_CONSTANT)
    n = cv2.boxFilter(count, -1, size, normalize=False, borderType=cv2.BORDER_CONSTANT)
    enough = n >= LENGTH * MIN_PAPER
    mean = np.where(enough, total / (SIDE * np.maximum(n, 1.0)), 0.0).astype(np.float32)
    return mean, enough


def row_step_blocks(gray: np.ndarray, paper: np.ndarray) -> np.ndarray:
    """Strongest robust z of a paper tone step at a row boundary in each 8 x 8 block.

    Each row boundary's step is the mean tone of the paper `SIDE` rows below it minus
    `SIDE` rows above it (a gap of `GAP` rows left at it), taken where a pixel column has
    paper on all those rows, and averaged along `LENGTH` pixels of the row. Along the row,
    pixels are first pooled into bins of `STRIDE` (a step's position along its edge matters
    to within a block, and the binned maps are a quarter of the page). The steps are turned
    into robust z per row phase of the JPEG grid (`BLOCK`), whose block boundaries carry the
    compression's own small steps, and `MARGIN` pixels at the page's edges are not judged.

    Parameters
    ----------
    gray : (H, W) uint8 or float32
        Page luminance.
    paper : (H, W) bool, or uint8 of 0 and 1
        Paper pixels (`paper_mask`).

    Returns
    -------
    (ceil(H / 8), ceil(W / 8)) float32
        Absolute z (0 where there is too little paper to judge).

    """
    g = np.asarray(gray)
    h, w = g.shape
    bh, bw = -(-h // BLOCK), -(-w // BLOCK)
    out = np.zeros((bh, bw), np.float32)
    lo, hi = GAP + SIDE, h - (GAP + 1 + SIDE)
    if hi <= lo:
        return out
    bins = bw * BLOCK // STRIDE
    # Steps are averaged along rows only, so the page is handled in bands of boundary rows
    # (each with the few rows of paper its steps read): the page-sized work arrays of a
    # whole page were the largest holders of memory of the forensics check.
    mean = np.zeros((h, bins), np.float32)
    enough = np.zeros((h, bins), bool)
    for r0 in range(lo, hi, BAND_ROWS):
        r1 = min(r0 + BAND_ROWS, hi)
        mean[r0:r1], enough[r0:r1] = _band_steps(g, paper, r0, r1, bins)
    # Each row phase's z goes straight into its blocks' row maximum (z is never negative, so
    # the rows and columns at the margins can be cleared before or after the maximum).
    per_row = np.zeros((bh, bins), np.float32)
    for phase in range(BLOCK):
        rows, valid = mean[phase::BLOCK], enough[phase::BLOCK]
        values = rows[valid]
        if values.size < 50:
            continue
        med = median_f32(values)
        scale = max(1.4826 * median_f32(np.abs(values - med)), MIN_SCALE)
        z = np.where(valid, np.abs(rows - med) / scale, 0.0)
        # This phase's page rows phase + BLOCK * i, i from `first` to `last` (excluded), are
        # at least MARGIN pixels from the page's top and bottom.
        first = max(-(-(MARGIN - phase) // BLOCK), 0)
        last = min(-(-(h - MARGIN - phase) // BLOCK), len(z))
        if last > first:
            np.maximum(per_row[first:last], z[first:last], out=per_row[first:last])
    per_row[:, : MARGIN // STRIDE], per_row[:, (w - MARGIN) // STRIDE :] = 0.0, 0.0
    return np.asarray(per_row.reshape(bh, bw, BLOCK // STRIDE).max(axis=2))


def paper_steps(
    gray: np.ndarray,
    *,
    paper: tuple[float, float] | None = None,
    padding: np.ndarray | None = None,
) -> PaperSteps:
    """Straight steps of the paper's tone on a page (see the module notes).

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance.
    paper : (share, level), optional
        `bare_paper` of the same page, when the caller has it already (it reads every
        pixel); computed here otherwise. With `padding`, it must be of the page without it.
    padding : (H, W) bool array, optional
        Flat fill at the page's edge (`workbench.imaging.forensic.padding.padding_mask`): not
        paper, so neither counted in the page's share of paper nor read on either side of a
        step (the straight edge of a deskewed page's filled corner is no step of the paper).

    Returns
    -------
    PaperSteps
        On the 8 x 8 block grid, ``(ceil(H / 8), ceil(W / 8))``.

    """
    img = np.asarray(gray)
    if img.dtype != np.uint8:
        img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    h, w = img.shape
    bh, bw = -(-h // BLOCK), -(-w // BLOCK)
    if paper is None:
        paper = bare_paper(img if padding is None else img[~padding])
    flat, level = paper
    if not is_paper_page(flat, level):
        empty = np.zeros((bh, bw), np.float64)
        return PaperSteps(
            empty,
            empty.copy(),
            [],
            0.0,
            note=(
                "Paper tone steps were not measured: the page is not mostly light bare paper "
                f"({flat:.0%} of it near its median tone {level:.0f})."
            ),
        )
    bare = paper_mask(img, level)
    if padding is not None:
        bare &= ~padding
    # One direction at a time, each reduced to blocks at once (page-sized float maps add up);
    # column boundaries are the row boundaries of the transposed page (uint8 copies, made by
    # OpenCV's blocked transpose: numpy's copy of a transposed view costs several times more).
    mask = bare.view(np.uint8)
    zb = row_step_blocks(img, mask)
    zb = np.maximum(zb, row_step_blocks(cv2.transpose(img), cv2.transpose(mask)).T)
    zb = zb.astype(np.float64)
    strength, regions = step_regions(zb, (h, w))
    return PaperSteps(zb, strength, regions, float(bare.mean()))


def step_regions(
    z: np.ndarray,
    shape: tuple[int, int],
    *,
    z_range: tuple[float, float] = Z_RANGE,
    join: tuple[int, int] = JOIN,
    min_blocks: int = MIN_BLOCKS,
) -> tuple[np.ndarray, list[Box]]:
    """Regions from the per-block step z (`PaperSteps.z`): the painted map and the boxes.

    Steps that run along at least `min_blocks` blocks are kept (a speck is not an edge), and
    the edges of one patch (its top and bottom, its sides) are joined into one group by a
    closing of `join` (across, along) blocks; each group's box scores its strongest step.
    """
    h, w = shape
    step = strength_from_z(z, *z_range)
    hit = (step > 0).astype(np.uint8)
    runs = np.maximum(
        cv2.morphologyEx(hit, cv2.MORPH_OPEN, np.ones((1, min_blocks), np.uint8)),
        cv2.morphologyEx(hit, cv2.MORPH_OPEN, np.ones((min_blocks, 1), np.uint8)),
    )
    across, along = join
    joined = cv2.morphologyEx(
        runs, cv2.MORPH_CLOSE, np.ones((across, along), np.uint8), borderType=cv2.BORDER_CONSTANT
    )
    regions = regions_from_mask(
        joined.astype(bool), BLOCK, strength=step * runs, min_blocks=min_blocks, shape=(h, w)
    )
    regions = [r for r in regions if r.score > 0]
    return paint_regions(regions, z.shape), regions


def crossing_page(regions: Sequence[Box], shape: tuple[int, int]) -> set[int]:
    """Indices of the regions on a line of steps that runs across the page from edge to edge.

    Thin regions (no thicker than `LINE_THICK`: steps along a line, not a patch's box) that
    lie along one row band (or one column band: their rows, or columns, overlap) and together
    reach within `EDGE_REACH` pixels of both the page's left and right edges (or
    its top and bottom) are one straight edge crossing the whole page, though print breaks it
    into pieces. A patch pasted onto a page ends inside it; what crosses the page from edge to
    edge is a band printed to the page's edges, a fold, a lid's or a ruler's shadow, or a
    scanner stitching two passes (an untouched letter with a band printed six grey levels
    darker across it got three warnings along its two edges).
    """
    h, w = shape
    crossing: set[int] = set()
    for flat in (True, False):
        lines = [
            (i, r)
            for i, r in enumerate(regions)
            if (r.width >= r.height) == flat and min(r.width, r.height) <= LINE_THICK
        ]
        extent = w if flat else h
        for i, r in lines:
            lo, hi = (r.y, r.y + r.height) if flat else (r.x, r.x + r.width)
            ends = [
                (s.x, s.x + s.width) if flat else (s.y, s.y + s.height)
                for _, s in lines
                if (s.y < hi and lo < s.y + s.height if flat else s.x < hi and lo < s.x + s.width)
            ]
            if (
                min(a for a, _ in ends) <= EDGE_REACH
                and max(b for _, b in ends) >= extent - EDGE_REACH
            ):
                crossing.add(i)
    return crossing


def paint_regions(regions: list[Box], blocks: tuple[int, int]) -> np.ndarray:
    """The block map with each region's box painted with its score (stronger ones on top)."""
    strength = np.zeros(blocks, np.float64)
    for r in sorted(regions, key=lambda b: b.score):
        y0, x0 = r.y // BLOCK, r.x // BLOCK
        y1, x1 = -(-(r.y + r.height) // BLOCK), -(-(r.x + r.width) // BLOCK)
        strength[y0:y1, x0:x1] = r.score
    return strength
