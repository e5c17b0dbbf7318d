"""The patch behind a paper tone step: the area of other paper that a straight edge bounds.

`workbench.imaging.forensic.paper_steps` finds the straight edges where the paper's tone
steps. A pasted block brings a whole patch of its own paper, but often only one or two of its
edges step clearly enough to be found (the others run through text, or along paper that
happens to be of nearly the same tone), so painting only the edges found marks a thin strip
of a patch that may be a hundred pixels tall.

This module follows the patch from such an edge. The paper's tone is summed per block (paper
pixels only). Along the edge's length, the mean paper tone of each row of blocks (each column,
for an upright edge) is a profile across the edge; the rows just beside the edge on each side
give the patch's level and the page's. From the edge, rows are taken into the patch while
their tone lies nearer the patch's level than the page's (rows of print with too little paper
to judge are passed over), and the patch's sides are then followed the same way along the
edge. The box found replaces the edge's box (a pasted block is a rectangle, and the print on
it hides its paper). A box that already joins two edges (`THICK`) is only followed along
them, when the paper between them differs from the paper outside. An edge whose two sides
differ by less than `MIN_OFFSET` grey levels keeps its own box.

Innocent causes are those of the steps themselves: a shaded band or table row printed on
purpose, a fold, a sheet's edge or a shadow; following the tone shows how far it reaches.
"""

from __future__ import annotations

import numpy as np

from workbench.geometry import Box

#: Block side (pixels) of the tone sums; the steps' own block, so boxes align.
BLOCK = 8
#: Thickness (blocks) of the strip each side of an edge that gives the two levels.
SIDE = 2
#: The patch's level must differ from the page's by at least this (grey levels).
MIN_OFFSET = 0.75
#: A row (column) of blocks is judged when this many of its pixels are paper.
MIN_PIXELS = 64
#: How far (blocks) a patch is followed from its edge, across it and along it.
REACH = (40, 80)
#: Rows (columns) of the page's level in a row that end the patch.
STOP = 2
#: Rows (columns) of blocks pooled in a profile's value.
SMOOTH = 3
#: An edge box at least this many blocks thick already spans a joined patch (its two edges).
THICK = 3


def tone_sums(gray: np.ndarray, paper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-block sum of paper tone and count of paper pixels.

    Parameters
    ----------
    gray : (H, W) float32 or uint8
        Page luminance.
    paper : (H, W) bool
        Bare paper pixels (`workbench.imaging.forensic.paper_steps.paper_mask`).

    Returns
    -------
    sums, counts : (ceil(H / 8), ceil(W / 8)) float64

    """
    g = np.asarray(gray, dtype=np.float32)
    h, w = g.shape
    bh, bw = -(-h // BLOCK), -(-w // BLOCK)
    pad = ((0, bh * BLOCK - h), (0, bw * BLOCK - w))
    ok = np.pad(paper.astype(np.float32), pad)
    sums = (np.pad(g, pad) * ok).reshape(bh, BLOCK, bw, BLOCK).sum(axis=(1, 3), dtype=np.float64)
    counts = ok.reshape(bh, BLOCK, bw, BLOCK).sum(axis=(1, 3), dtype=np.float64)
    return sums, counts


def _profile(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mean paper tone of each row of the given blocks (NaN where too little paper).

    Each row is pooled with its neighbours (`SMOOTH` rows), so that one row of print with a
    little paper between its words does not decide alone.
    """
    total, n = sums.sum(axis=1), counts.sum(axis=1)
    if total.size >= SMOOTH:
        kernel = np.ones(SMOOTH)
        total = np.convolve(total, kernel, mode="same")
        n = np.convolve(n, kernel, mode="same")
    return np.where(n >= MIN_PIXELS, total / np.maximum(n, 1.0), np.nan)


def _follow(profile: np.ndarray, patch: float, page: float) -> int:
    """How many entries of `profile`, from its start, lie at the patch's level."""
    taken, misses = 0, 0
    for i, value in enumerate(profile):
        if not np.isfinite(value):
            continue
        if abs(value - patch) < abs(value - page):
            taken, misses = i + 1, 0
        else:
            misses += 1
            if misses >= STOP:
                break
    return taken


def _level(profile: np.ndarray) -> float:
    values = profile[np.isfinite(profile)]
    return float(np.median(values)) if values.size else float("nan")


def fill_patch(sums: np.ndarray, counts: np.ndarray, edge: Box, shape: tuple[int, int]) -> Box:
    """The box of the patch of other paper that `edge` bounds, or `edge` itself.

    Parameters
    ----------
    sums, counts : (BH, BW) arrays
        `tone_sums` of the page.
    edge : Box
        A region of `workbench.imaging.forensic.paper_steps.step_regions` (page pixels).
    shape : (H, W)
        Page size.

    Returns
    -------
    Box
        With the edge's score.

    """
    h, w = shape
    horizontal = edge.width >= edge.height
    if not horizontal:  # work on the transpose: the edge runs along rows
        sums, counts = sums.T, counts.T
        flipped = fill_patch(sums, counts, Box(edge.y, edge.x, edge.height, edge.width), (w, h))
        return Box(flipped.y, flipped.x, flipped.height, flipped.width, edge.score)
    y0, x0 = edge.y // BLOCK, edge.x // BLOCK
    y1, x1 = -(-(edge.y + edge.height) // BLOCK), -(-(edge.x + edge.width) // BLOCK)
    across, along = REACH
    up = _profile(sums[max(y0 - across, 0) : y0, x0:x1], counts[max(y0 - across, 0) : y0, x0:x1])
    down = _profile(sums[y1 : y1 + across, x0:x1], counts[y1 : y1 + across, x0:x1])
    up = up[::-1]  # nearest the edge first
    above, below = _level(up[:SIDE]), _level(down[:SIDE])
    if y1 - y0 >= THICK:
        # Two edges already joined: the patch lies between them, and only its ends along
        # the edges are followed.
        patch = _level(_profile(sums[y0:y1, x0:x1], counts[y0:y1, x0:x1]))
        page = _level(np.concatenate([up[:SIDE], down[:SIDE]]))
        if not (np.isfinite(patch) and np.isfinite(page)) or abs(patch - page) < MIN_OFFSET:
            return edge
        py0, py1 = y0, y1
    else:
        if not (np.isfinite(above) and np.isfinite(below)) or abs(above - below) < MIN_OFFSET:
            return edge
        # The patch is the side farther from the page's paper as a whole.
        page_level = float(sums.sum() / max(float(counts.sum()), 1.0))
        if abs(below - page_level) >= abs(above - page_level):
            rows = _follow(down, below, above)
            py0, py1 = y0, y1 + rows
            patch, page = below, above
        else:
            rows = _follow(up, above, below)
            py0, py1 = y0 - rows, y1
            patch, page = above, below
        if rows == 0:
            return edge
    # Along the edge: columns of the patch's rows, outwards from each end of the edge.
    band_s, band_c = sums[py0:py1], counts[py0:py1]
    left = _profile(band_s[:, max(x0 - along, 0) : x0].T, band_c[:, max(x0 - along, 0) : x0].T)
    right = _profile(band_s[:, x1 : x1 + along].T, band_c[:, x1 : x1 + along].T)
    px0 = x0 - _follow(left[::-1], patch, page)
    px1 = x1 + _follow(right, patch, page)
    top, bottom = py0 * BLOCK, min(py1 * BLOCK, h)
    start, end = px0 * BLOCK, min(px1 * BLOCK, w)
    return Box(start, top, end - start, bottom - top, edge.score)


def merge_boxes(boxes: list[Box]) -> list[Box]:
    """Overlapping boxes joined into their union, with the strongest score; strongest first.

    Two edges of one patch, each followed over it, give two boxes of the same patch.
    """
    out = list(boxes)
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if (
                    a.x < b.x + b.width
                    and b.x < a.x + a.width
                    and a.y < b.y + b.height
                    and b.y < a.y + a.height
                ):
                    x0, y0 = min(a.x, b.x), min(a.y, b.y)
                    x1 = max(a.x + a.width, b.x + b.width)
                    y1 = max(a.y + a.height, b.y + b.height)
                    out[i] = Box(x0, y0, x1 - x0, y1 - y0, max(a.score, b.score))
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return sorted(out, key=lambda b: -b.score)
