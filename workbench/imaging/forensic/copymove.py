"""Copy-move detection: regions of a page that are copies of another region of the same page.

Two complementary detectors, because documents have both kinds of content:

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
from workbench.imaging.blocks import STRIP_ROWS
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
        grad = cv2.magnitude(
            cv2.Sobel(src, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(src, cv2.CV_32F, 0, 1, ksize=3)
        )
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


def _box_from_points(points: np.ndarray, pad: int, shape: tuple[int, int]) -> Box:
    h, w = shape
    x0 = max(int(np.floor(points[:, 0].min())) - pad, 0)
    y0 = max(int(np.floor(points[:, 1].min())) - pad, 0)
    x1 = min(int(np.ceil(points[:, 0].max())) + pad + 1, w)
    y1 = min(int(np.ceil(points[:, 1].max())) + pad + 1, h)
    return Box(x0, y0, max(x1 - x0, 0), max(y1 - y0, 0))


def _polygon(points: np.ndarray) -> tuple[tuple[int, int], ...]:
    hull = cv2.convexHull(np.round(points).astype(np.int32))
    return tuple((int(p[0][0]), int(p[0][1])) for p in hull)


# --------------------------------------------------------------------------------------------
# Keypoint based
# --------------------------------------------------------------------------------------------


def _g2nn_pairs(
    descriptors: np.ndarray, points: np.ndarray, ratio: float, min_distance: float
) -> np.ndarray:
    """Self-matches passing the generalised 2NN test, as unique (i, j) rows with i < j."""
    # Approximate nearest neighbours (randomised k-d trees): exhaustive matching of a few
    # thousand SIFT descriptors costs more than detecting them.
    matcher = cv2.FlannBasedMatcher({"algorithm": 1, "trees": 4}, {"checks": 64})
    knn = matcher.knnMatch(descriptors, descriptors, k=4)
    pairs: set[tuple[int, int]] = set()
    for row in knn:
        others = [m for m in row if m.trainIdx != m.queryIdx]
        for k in range(len(others) - 1):
            if others[k].distance >= ratio * max(others[k + 1].distance, 1e-6):
                break
            i, j = others[k].queryIdx, others[k].trainIdx
            if float(np.hypot(*(points[i] - points[j]))) >= min_distance:
                pairs.add((min(i, j), max(i, j)))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.array(sorted(pairs), dtype=np.int64)


def _link_components(a: np.ndarray, b: np.ndarray, radius: float) -> np.ndarray:
    """Label groups of pairs whose two ends both lie near each other (either orientation)."""
    n = len(a)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    r2 = radius * radius
    chunk = 512
    for start in range(0, n, chunk):
        sa, sb = a[start : start + chunk, None, :], b[start : start + chunk, None, :]
        same = (((sa - a[None]) ** 2).sum(-1) < r2) & (((sb - b[None]) ** 2).sum(-1) < r2)
        cross = (((sa - b[None]) ** 2).sum(-1) < r2) & (((sb - a[None]) ** 2).sum(-1) < r2)
        rows, cols = np.nonzero(same | cross)
        for i, j in zip((rows + start).tolist(), cols.tolist(), strict=True):
            if i < j:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    return np.array([find(i) for i in range(n)])


#: SIFT runs on horizontal bands of about this many rows (plus `SIFT_HALO` rows of context on
#: each side) instead of the whole page: its scale space is built on the image doubled in
#: size, so a whole 1240-pixel page needs over 200 MB of it at once, while a band needs a
#: third of that, reused from band to band (fresh memory is slow to come by: on a full page
#: this was faster despite the overlap). The keypoints are the same but for a few of the
#: largest ones (over 99% of them are found at the same place).
SIFT_BAND_ROWS = 384
SIFT_HALO = 32


def _sift_features(
    work: np.ndarray, max_keypoints: int, contrast: float = 0.04
) -> tuple[np.ndarray, np.ndarray]:
    """SIFT keypoint positions ``(N, 2)`` and descriptors ``(N, 128)`` of an image.

    The image is processed in bands (`SIFT_BAND_ROWS`); each keypoint is kept from the band
    whose core rows hold it, and at most the ``max_keypoints`` strongest of all bands are
    returned, top to bottom.
    """
    sift = cv2.SIFT_create(  # type: ignore[attr-defined]
        nfeatures=max_keypoints, contrastThreshold=contrast
    )
    h = work.shape[0]
    bands = max(round(h / SIFT_BAND_ROWS), 1)
    rows = -(-h // bands)
    points: list[tuple[float, float]] = []
    strength: list[float] = []
    chunks: list[np.ndarray] = []
    for y0 in range(0, h, rows):
        # Bands start on a multiple of 64 rows so that the octaves (each half the previous)
        # sample the same pixels as on the whole image.
        a0 = max((y0 - SIFT_HALO) // 64 * 64, 0)
        a1 = min(y0 + rows + SIFT_HALO, h)
        keypoints, descriptors = sift.detectAndCompute(work[a0:a1], None)
        if descriptors is None:
            continue
        core = [i for i, k in enumerate(keypoints) if y0 <= k.pt[1] + a0 < y0 + rows]
        points += [(keypoints[i].pt[0], keypoints[i].pt[1] + a0) for i in core]
        strength += [keypoints[i].response for i in core]
        chunks.append(descriptors[core])
    if not points:
        return np.zeros((0, 2), dtype=np.float64), np.zeros((0, 128), dtype=np.float32)
    found = np.asarray(points, dtype=np.float64)
    described = np.vstack(chunks)
    if len(found) > max_keypoints:
        strongest = np.sort(np.argsort(-np.asarray(strength), kind="stable")[:max_keypoints])
        found, described = found[strongest], described[strongest]
    return found, described


def keypoint_clones(
    gray: np.ndarray,
    *,
    max_side: int = 1240,
    max_keypoints: int = 5000,
    contrast: float = 0.02,
    ratio: float = 0.6,
    min_matches: int = 6,
    min_distance: float = 40.0,
    link_radius: float = 90.0,
    match_scale: float = 25.0,
) -> list[ClonePair]:
    """Find copied textured regions by matching SIFT keypoints of a page against itself.

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance at full resolution.
    max_side : int
        The page is downscaled so its longer side is at most this for keypoint detection;
        verification runs at full resolution.
    max_keypoints : int
        Strongest keypoints kept.
    contrast : float
        SIFT's contrast threshold. Half OpenCV's default (0.04): a copy of a moderately
        textured patch of a photograph (a wall, a face, a coffee cup) otherwise holds too
        few keypoints to be found once rescaled; printed pages gain only a few percent more.
    ratio : float
        Generalised 2NN ratio threshold.
    min_matches : int
        Fewest geometrically consistent matches for a candidate. Six are enough to fix a
        similarity transform with some redundancy; chance groups of that size are common on
        text, but every candidate must then also match in content and in background grain.
    min_distance : float
        Matches closer than this (page pixels) are ignored: a region matches itself nearby.
    link_radius : float
        Two matches belong to one group when both their ends lie within this (page pixels).
    match_scale : float
        Number of matches at which the match evidence reaches 63% of its maximum.

    Returns
    -------
    list of ClonePair, strongest first.

    """
    img = np.asarray(gray, dtype=np.uint8)
    h, w = img.shape
    factor = min(1.0, max_side / max(h, w, 1))
    work = (
        img
        if factor == 1.0
        else cv2.resize(img, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    )
    points, descriptors = _sift_features(work, max_keypoints, contrast)
    if len(points) < 2 * min_matches:
        return []
    pairs = _g2nn_pairs(descriptors, points, ratio, min_distance * factor)
    if len(pairs) < min_matches:
        return []
    a, b = points[pairs[:, 0]], points[pairs[:, 1]]
    labels = _link_components(a, b, link_radius * factor)
    found: list[ClonePair] = []
    for label in np.unique(labels):
        members = np.nonzero(labels == label)[0]
        if len(members) < min_matches:
            continue
        src, dst = a[members].copy(), b[members].copy()
        # Orient every pair like the group's median displacement.
        disp = dst - src
        ref = disp[np.argsort(np.hypot(disp[:, 0], disp[:, 1]))[len(disp) // 2]]
        flip = (disp @ ref) < 0
        src[flip], dst[flip] = dst[flip], src[flip].copy()
        matrix, inliers = cv2.estimateAffinePartial2D(
            src.astype(np.float32),
            dst.astype(np.float32),
            method=cv2.RANSAC,
            ransacReprojThreshold=3.0,
            maxIters=2000,
            confidence=0.995,
        )
        if matrix is None or inliers is None:
            continue
        keep = inliers.ravel().astype(bool)
        if int(keep.sum()) < min_matches:
            continue
        src_full, dst_full = src[keep] / factor, dst[keep] / factor
        full = matrix.astype(np.float64).copy()
        full[:, 2] /= factor
        # Counter-clockwise as seen on screen, as cv2.getRotationMatrix2D takes its angle.
        rotation = math.degrees(math.atan2(full[0, 1], full[0, 0]))
        scale = math.hypot(full[0, 0], full[1, 0])
        if not 0.5 <= scale <= 2.0:
            continue
        pad = round(12 / factor)
        source = _box_from_points(src_full, pad, (h, w))
        target = _box_from_points(dst_full, pad, (h, w))
        spread = np.ptp(src_full, axis=0)
        if min(spread) < 6 or geometry.overlap(source, target) > 0.2:
            continue  # one spot, or a texture sliding along itself (a ruled line)
        texture, content = background_correlation(img, full, source)
        if content < 0.5:
            continue
        n = int(keep.sum())
        strength = clone_strength(n, texture, rotation, scale, match_scale=match_scale)
        found.append(
            ClonePair(
                source=Box(source.x, source.y, source.width, source.height, strength),
                target=Box(target.x, target.y, target.width, target.height, strength),
                method="keypoint",
                matches=n,
                transform=tuple(float(v) for v in full.ravel()),  # type: ignore[arg-type]
                rotation=rotation,
                scale=scale,
                texture_correlation=texture,
                strength=strength,
                source_polygon=_polygon(src_full),
                target_polygon=_polygon(dst_full),
            )
        )
    found.sort(key=lambda p: -p.strength)
    return found


# --------------------------------------------------------------------------------------------
# Block based
# --------------------------------------------------------------------------------------------

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
    equal = (cv2.absdiff(a, b) <= tolerance).astype(np.float32)
    dense = cv2.boxFilter(equal, -1, (block, block), borderType=cv2.BORDER_CONSTANT) >= 0.97
    f = a.astype(np.float32)
    mean = cv2.boxFilter(f, -1, (block, block))
    std = np.sqrt(np.maximum(cv2.boxFilter(f * f, -1, (block, block)) - mean * mean, 0.0))
    raw = (dense & (std >= min_std * 0.5)).astype(np.uint8)
    region = np.asarray(cv2.morphologyEx(raw, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    if count <= 1:
        return None
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    area = int(stats[best, cv2.CC_STAT_AREA])
    if area < min_area:
        return None
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


def merge_clones(pairs: list[ClonePair], overlap: float = 0.5) -> list[ClonePair]:
    """Drop pairs that repeat a stronger pair (same two places, found twice), strongest kept."""
    kept: list[ClonePair] = []
    for pair in sorted(pairs, key=lambda p: -p.strength):
        duplicate = any(
            (
                geometry.overlap(pair.source, k.source) > overlap
                and geometry.overlap(pair.target, k.target) > overlap
            )
            or (
                geometry.overlap(pair.source, k.target) > overlap
                and geometry.overlap(pair.target, k.source) > overlap
            )
            for k in kept
        )
        if not duplicate:
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
