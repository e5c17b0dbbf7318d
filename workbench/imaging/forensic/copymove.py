"""Copy-move detection: regions of a page that are copies of another region of the same page.

Two complementary detectors, because documents have both kinds of content (each in its own
module: `copymove_keypoints`, `copymove_blocks`; this one holds what they share: the pair they
report, the verification of every candidate, merging and the map):

* **Keypoint based**, for textured content (seals, signatures, photographs): SIFT keypoints
  (D. Lowe, IJCV 2004) matched against the page itself with the generalised 2-nearest-neighbour
  ratio test, matched pairs grouped by where both ends lie, and each group's geometry
  estimated as a similarity transform with RANSAC, after I. Amerini et al., "A SIFT-based
  forensic method for copy-move attack detection and transformation recovery", IEEE TIFS
  6(3), 2011. Robust to the small rotation and rescaling of a pasted seal and to JPEG.
* **Block based**, for flat content (a patch of blank paper moved to cover a word), which has
  no keypoints: every 8 x 8 block at full resolution is hashed, equal blocks vote for their
  displacement as in J. Fridrich, D. Soukal and J. Lukas, "Detection of copy-move forgery in
  digital images", DFRWS 2003, and winning displacements are verified pixel by pixel. Blocks
  are sampled by their hash value (not by position), so a copy at any offset, odd or even,
  keeps the same sample. Exact hashing means it finds lossless copies only; after JPEG,
  flat copies are indistinguishable from flat paper for any method.

Text pages are full of innocent repeats: the same glyph and word printed many times, ruled
lines, a rubber stamp applied twice. Printed repeats share their shapes but not the paper
texture and scanner noise around them, while a digital copy carries both. Every candidate is
therefore verified at full resolution by correlating the high-pass residual of the *background*
(edge-free pixels) of the two regions after alignment; without that texture (a noise-free
digital page) a candidate is reported only weakly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from workbench import geometry
from workbench.geometry import Box
from workbench.imaging.aligned import sobel_magnitude
from workbench.imaging.forensic.noise import edge_mask


@dataclass(frozen=True)
class ClonePair:
    """A region of the page that matches another region of the same page.

    Attributes
    ----------
    source, target : Box
        Bounding boxes in page pixels; ``target`` is ``transform`` applied to ``source``.
        Which of the two is the original cannot be told from the pixels.
    method : {"keypoint", "block"}
    matches : int
        Consistent keypoint matches, or matching sampled blocks.
    transform : tuple of 6 floats
        Row-major 2 x 3 similarity mapping source to target page pixels.
    rotation : float
        Degrees, counter-clockwise as seen on screen (OpenCV's convention).
    scale : float
    texture_correlation : float or None
        Correlation of the background's high-pass residual after alignment; near 0 for
        separately printed repeats, high for digital copies; None when the background is too
        flat (noise-free digital page) to tell.
    strength : float in [0, 1]
        How strongly the evidence points to a digital copy.
    source_polygon, target_polygon : tuple of (x, y) points
        Outline of the matched area (convex hull of the matches, or the verified region).

    """

    source: Box
    target: Box
    method: Literal["keypoint", "block"]
    matches: int
    transform: tuple[float, float, float, float, float, float]
    rotation: float
    scale: float
    texture_correlation: float | None
    strength: float
    source_polygon: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    target_polygon: tuple[tuple[int, int], ...] = field(default=(), repr=False)

    @property
    def shift(self) -> tuple[float, float]:
        """Translation part of the transform (dx, dy) in page pixels."""
        return self.transform[2], self.transform[5]


# --------------------------------------------------------------------------------------------
# Verification shared by both detectors
# --------------------------------------------------------------------------------------------


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    den = math.sqrt(float((a * a).sum()) * float((b * b).sum()))
    return float((a * b).sum() / den) if den > 1e-9 else 0.0


def _residual(patch: np.ndarray) -> np.ndarray:
    return patch - cv2.GaussianBlur(patch, (0, 0), 1.5)


def background_correlation(
    gray: np.ndarray,
    matrix: np.ndarray,
    box: Box,
    *,
    refine: bool = True,
    min_pixels: int = 300,
    min_texture: float = 0.35,
) -> tuple[float | None, float]:
    """Correlate a region with its supposed copy, on edge-free background pixels only.

    Parameters
    ----------
    gray : (H, W) uint8 array
        The full-resolution page.
    matrix : (2, 3) float array
        Maps source page pixels to target page pixels.
    box : Box
        Source region.
    refine : bool
        Refine the alignment to sub-pixel accuracy with ECC (Evangelidis and Psarakis, 2008)
        before correlating; keypoint geometry is only accurate to about a pixel.
    min_pixels : int
        Fewer edge-free pixels than this give no texture verdict.
    min_texture : float
        Standard deviation (grey levels) of the background residual below which the page is
        too flat to carry texture.

    Returns
    -------
    texture : float or None
        Correlation of the background residuals, or None when there is no usable texture.
    content : float
        Correlation of the two aligned regions' pixels (near 1 when the geometry is right).

    """
    h, w = gray.shape
    x0, y0 = max(box.x, 0), max(box.y, 0)
    x1, y1 = min(box.x + box.width, w), min(box.y + box.height, h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None, 0.0
    src = gray[y0:y1, x0:x1].astype(np.float32)
    m = np.asarray(matrix, dtype=np.float64)
    offset = m[:, :2] @ np.array([x0, y0], dtype=np.float64) + m[:, 2]
    local = np.hstack([m[:, :2], offset[:, None]])
    # Only the part of the page the target region is read from (with a margin for the
    # interpolation) is converted and warped, not the whole page; shifting the map by whole
    # pixels leaves the interpolation weights as they were.
    corners = np.array([[0, 0, 1], [x1 - x0, 0, 1], [0, y1 - y0, 1], [x1 - x0, y1 - y0, 1]])
    reach = corners @ local.T
    tx0 = int(np.clip(np.floor(reach[:, 0].min()) - 2, 0, w - 1))
    ty0 = int(np.clip(np.floor(reach[:, 1].min()) - 2, 0, h - 1))
    tx1 = int(np.clip(np.ceil(reach[:, 0].max()) + 3, tx0 + 1, w))
    ty1 = int(np.clip(np.ceil(reach[:, 1].max()) + 3, ty0 + 1, h))
    local[:, 2] -= (tx0, ty0)
    tgt = cv2.warpAffine(
        gray[ty0:ty1, tx0:tx1].astype(np.float32),
        local,
        (x1 - x0, y1 - y0),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    if refine:
        warp = np.eye(2, 3, dtype=np.float32)
        try:
            criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 1e-4)
            _, warp = cv2.findTransformECC(
                src,
                tgt,
                warp,
                cv2.MOTION_EUCLIDEAN,
                criteria,
                None,
                3,  # type: ignore[call-overload]
            )
            tgt = cv2.warpAffine(
                tgt,
                warp,
                (x1 - x0, y1 - y0),
                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                borderMode=cv2.BORDER_REPLICATE,
            )
        except cv2.error:
            pass  # ECC did not converge: keep the keypoint alignment
    content = _ncc(src, tgt)
    # Background = pixels at least a few pixels away from any stroke in both regions: the
    # blurred fringe of a printed stroke repeats with the stroke and must not count.
    flat = ~(
        edge_mask(src.astype(np.uint8), 30.0, 5)
        | edge_mask(np.clip(tgt, 0, 255).astype(np.uint8), 30.0, 5)
    )
    flat[:3, :] = flat[-3:, :] = False
    flat[:, :3] = flat[:, -3:] = False
    if int(flat.sum()) < min_pixels:
        # A photograph is busy everywhere and has no blank background: there, fall back to
        # its least busy pixels. A page region with blank paper in it never takes this path.
        busy = float(flat.mean()) < 0.05 and min(src.shape) >= 48
        if not busy:
            return None, content
        grad = sobel_magnitude(src)
        flat = grad <= np.percentile(grad, 60)
        flat[:3, :] = flat[-3:, :] = False
        flat[:, :3] = flat[:, -3:] = False
    rs, rt = _residual(src)[flat], _residual(tgt)[flat]
    if float(rs.std()) < min_texture or float(rt.std()) < min_texture:
        return None, content
    return _ncc(rs, rt), content


def clone_strength(
    matches: int, texture: float | None, rotation: float, scale: float, *, match_scale: float
) -> float:
    """Combine the amount of matching and the background verdict into a strength in [0, 1].

    Many matches alone fit an innocent repeat (the same rubber stamp twice), so they count
    for at most 0.3; a correlated background is what a digital copy adds, and the two are
    combined as a noisy-OR. Without background texture, a pure translation is also what a
    repeated printed word looks like, so it counts for little.
    """
    amount = 1.0 - math.exp(-matches / match_scale)
    if texture is None:
        plain_shift = abs(rotation) < 1.0 and abs(scale - 1.0) < 0.02
        return amount * (0.2 if plain_shift else 0.45)
    background = min(max((texture - 0.1) / 0.4, 0.0), 1.0)
    return 1.0 - (1.0 - 0.3 * amount) * (1.0 - 0.9 * background)


#: Background correlation a pair of neighbours on one row needs before it counts as a copy's
#: shared grain (`row_neighbours`). Below it such a pair is scored as with no texture verdict.
#: Two prints of one word side by side on a genuine 150-dpi letter saved at 70 (the dev
#: generator's letter 430, "ریال ریال") correlated 0.26 there and warned at strength 0.41;
#: the findings call 0.3 and more a matching grain.
ROW_NEIGHBOUR_GRAIN = 0.3


#: Share of the shorter region's height two `row_neighbours` share, and the largest share of
#: the page's area either may cover: words or a short group of words (letter 430's pair
#: 0.11% of its page, a word at 300 dpi about 0.1%), not a seal or a signature (a seal at
#: 150 dpi 2.5%). A seal copied beside itself keeps a grain correlation of only 0.1-0.29
#: after a save at 60-85 and must still count; a word copied beside itself is text
#: copy-move's to judge, against a simulated copy.
ROW_NEIGHBOUR_SHARED = 0.8
ROW_NEIGHBOUR_AREA = 0.005


def row_neighbours(a: Box, b: Box, page_area: float) -> bool:
    """Whether two word-sized regions lie side by side on one row of print.

    Most (`ROW_NEIGHBOUR_SHARED`) of the shorter region's height is shared, the gap between
    them is narrower than the narrower region and neither covers more than
    `ROW_NEIGHBOUR_AREA` of the page: a word printed twice in a row, or two neighbouring
    marks of one printed pattern. Their backgrounds were scanned in the same pass of the
    same sensor rows and saved in the same rows of JPEG blocks, with the same strokes'
    ringing around them, so their grain correlates more than two prints far apart do; a
    weak correlation there does not tell a copy from a repeated print.
    """
    if max(a.area, b.area) > ROW_NEIGHBOUR_AREA * page_area:
        return False
    shared = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    if shared < ROW_NEIGHBOUR_SHARED * min(a.height, b.height):
        return False
    gap = max(a.x, b.x) - min(a.x + a.width, b.x + b.width)
    return gap < min(a.width, b.width)


def same_places(a: ClonePair, b: ClonePair, overlap: float = 0.5) -> bool:
    """Whether two pairs join the same two places (either way round), each end overlapping."""
    return (
        geometry.overlap(a.source, b.source) > overlap
        and geometry.overlap(a.target, b.target) > overlap
    ) or (
        geometry.overlap(a.source, b.target) > overlap
        and geometry.overlap(a.target, b.source) > overlap
    )


def merge_clones(pairs: list[ClonePair], overlap: float = 0.5) -> list[ClonePair]:
    """Drop pairs that repeat a stronger pair (same two places, found twice), strongest kept."""
    kept: list[ClonePair] = []
    for pair in sorted(pairs, key=lambda p: -p.strength):
        if not any(same_places(pair, k, overlap) for k in kept):
            kept.append(pair)
    return kept


def clone_map(shape: tuple[int, int], pairs: list[ClonePair], cell: int = 1) -> np.ndarray:
    """Strength map of cloned areas (both ends of each pair), at page size or on a coarser grid.

    Parameters
    ----------
    shape : (H, W)
        Page size.
    pairs : list of ClonePair
        Both ends of each are painted with the pair's strength (the stronger pair wins where
        two overlap).
    cell : int
        Each output value covers ``cell`` x ``cell`` page pixels.

    Returns
    -------
    (ceil(H / cell), ceil(W / cell)) float32 array in [0, 1]

    """
    grid = (-(-shape[0] // cell), -(-shape[1] // cell))
    out = np.zeros(grid, dtype=np.float32)
    for pair in sorted(pairs, key=lambda p: p.strength):
        for poly, box in ((pair.source_polygon, pair.source), (pair.target_polygon, pair.target)):
            if len(poly) < 3:
                poly = (
                    (box.x, box.y),
                    (box.x + box.width, box.y),
                    (box.x + box.width, box.y + box.height),
                    (box.x, box.y + box.height),
                )
            # Polygon corners on the coarse grid, with 4 fractional bits.
            points = np.rint(np.array(poly, dtype=np.float64) / cell * 16).astype(np.int32)
            cv2.fillPoly(out, [points], float(pair.strength), lineType=cv2.LINE_8, shift=4)
    return out
