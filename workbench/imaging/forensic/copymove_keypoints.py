"""Keypoint-based copy-move detection, for textured content (seals, signatures, photographs).

SIFT keypoints (D. Lowe, IJCV 2004) matched against the page itself with the generalised
2-nearest-neighbour ratio test, matched pairs grouped by where both ends lie, and each group's
geometry estimated as a similarity transform with RANSAC, after I. Amerini et al., "A
SIFT-based forensic method for copy-move attack detection and transformation recovery", IEEE
TIFS 6(3), 2011. Candidates are verified as every copy-move candidate is
(`workbench.imaging.forensic.copymove`). On large paper pages a reduced first pass finds the
candidates, and only their two ends are described again at full detail (`PAPER_COARSE_SIDE`).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from workbench import geometry
from workbench.geometry import Box
from workbench.imaging.blocks import block_max
from workbench.imaging.forensic.copymove import (
    ROW_NEIGHBOUR_GRAIN,
    ClonePair,
    background_correlation,
    clone_strength,
    merge_clones,
    row_neighbours,
    same_places,
)

#: Seed of the randomised k-d trees' generator, so that matching is reproducible.
FLANN_SEED = 20110601


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


def _g2nn_pairs(
    descriptors: np.ndarray, points: np.ndarray, ratio: float, min_distance: float
) -> np.ndarray:
    """Self-matches passing the generalised 2NN test, as unique (i, j) rows with i < j.

    For each keypoint, its neighbours other than itself, nearest first: the ``k``-th is
    paired with it while every distance up to it is below ``ratio`` times the next one
    (G2NN, Amerini et al.), unless the two lie closer than ``min_distance``.
    """
    # Approximate nearest neighbours (randomised k-d trees): exhaustive matching of a few
    # thousand SIFT descriptors costs more than detecting them. The trees are drawn from
    # OpenCV's generator, whose state is whatever earlier work left in this thread: seeded
    # here, the same page gives the same pairs (and the same score) on every run. The index
    # is searched directly (the matcher's own search, as arrays rather than one object per
    # match); its squared distances are the matcher's distances squared.
    if len(descriptors) < 2:
        # Nothing to pair (and FLANN's index cannot be built on no descriptor).
        return np.zeros((0, 2), dtype=np.int64)
    cv2.setRNGSeed(FLANN_SEED)
    index = cv2.flann_Index(  # type: ignore[attr-defined]
        np.ascontiguousarray(descriptors), {"algorithm": 1, "trees": 4}
    )
    # Itself and three neighbours, or as many keypoints as there are (more is an error).
    knn, squared = index.knnSearch(descriptors, min(len(descriptors), 4), params={"checks": 64})
    distance = np.sqrt(np.asarray(squared, dtype=np.float32)).astype(np.float64)
    found = np.asarray(knn, dtype=np.int64)
    query = np.arange(len(found))[:, None]
    # A keypoint's own match (and a place left empty, -1) is dropped; the others keep their
    # order (nearest first), packed to the left of each row.
    other = (found != query) & (found >= 0)
    order = np.argsort(~other, axis=1, kind="stable")
    found = np.take_along_axis(found, order, axis=1)
    distance = np.take_along_axis(distance, order, axis=1)
    count = other.sum(axis=1)
    ahead = np.arange(found.shape[1] - 1)[None, :] < (count - 1)[:, None]
    passed = ahead & (distance[:, :-1] < ratio * np.maximum(distance[:, 1:], 1e-6))
    chain = np.cumprod(passed, axis=1).astype(bool)
    rows, cols = np.nonzero(chain)
    i, j = rows, found[rows, cols]
    apart = np.hypot(*(points[i] - points[j]).T) >= min_distance
    i, j = i[apart], j[apart]
    if i.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)
    return np.asarray(np.unique(pairs, axis=0), dtype=np.int64)


#: Cells (rows times pairs) of the pairwise distances between pairs' ends computed at once
#: when grouping pairs (`_link_components`): a few float arrays of this many cells at a time
#: (about 8 MB each), however many pairs a page has.
LINK_CHUNK_CELLS = 1 << 20


def _merge_links(labels: np.ndarray, i: np.ndarray, j: np.ndarray) -> None:
    """Merge the groups joined by links ``i``-``j`` into ``labels`` (in place).

    ``labels`` holds each pair's group as its lowest index, every label its own (a group's
    lowest member is labelled with itself). A link joins the two ends' groups, so the lowest
    label is spread along the links between the groups' labels (with pointer jumping) until
    nothing changes, all in arrays: every pair then carries the lowest index of its merged group.
    """
    if i.size == 0:
        return
    gi, gj = labels[i], labels[j]
    while True:
        lowest = np.minimum(labels[gi], labels[gj])
        spread = labels.copy()
        np.minimum.at(spread, gi, lowest)
        np.minimum.at(spread, gj, lowest)
        spread = spread[spread]
        if np.array_equal(spread, labels):
            return
        labels[:] = spread


def _link_components(a: np.ndarray, b: np.ndarray, radius: float) -> np.ndarray:
    """Label groups of pairs whose two ends both lie near each other (either orientation).

    Each pair's label is the lowest index in its group. The links are found in chunks of
    rows of the pairwise distances (`LINK_CHUNK_CELLS`), and each chunk's links are merged
    into the labels before the next chunk is computed (`_merge_links`): the memory held is one
    chunk's, not every link of the page at once, whose count grows with the square of the
    pairs' (4,000 pairs all within the radius of each other make 8 million links).
    """
    n = len(a)
    r2 = radius * radius
    chunk = max(LINK_CHUNK_CELLS // max(n, 1), 1)
    labels = np.arange(n, dtype=np.int32)
    for start in range(0, n, chunk):
        sa, sb = a[start : start + chunk, None, :], b[start : start + chunk, None, :]
        linked = (((sa - a[None]) ** 2).sum(-1) < r2) & (((sb - b[None]) ** 2).sum(-1) < r2)
        linked |= (((sa - b[None]) ** 2).sum(-1) < r2) & (((sb - a[None]) ** 2).sum(-1) < r2)
        # Links to later pairs only (each link once); rows of this chunk, in page indices.
        linked &= np.arange(n)[None, :] > np.arange(start, start + len(linked))[:, None]
        rows, cols = np.nonzero(linked)
        del linked
        _merge_links(labels, (rows + start).astype(np.int32), cols.astype(np.int32))
    return labels.astype(np.int64)


#: SIFT runs on horizontal bands of about this many rows (plus `SIFT_HALO` rows of context on
#: each side) instead of the whole page: its scale space is built on the image doubled in
#: size, so a whole 1240-pixel page needs over 200 MB of it at once, while a band needs a
#: third of that, reused from band to band (fresh memory is slow to come by: on a full page
#: this was faster despite the overlap). The keypoints are the same but for a few of the
#: largest ones (over 99% of them are found at the same place).
SIFT_BAND_ROWS = 384
SIFT_HALO = 32
#: Within a band, SIFT runs only on the columns (and rows) where the page has detail, in
#: tiles of this many pixels of the reduced page: the blank paper of a letter's margins and
#: between its paragraphs holds no keypoint, but building its scale space cost as much as
#: anywhere else (a fifth to three fifths of the pages measured). It is mostly a blank band
#: or wide blank columns of a form, table or book page that are left out: a letter's lines
#: span its width, and its bands are described whole.
SIFT_TILE = 32
#: A tile has detail when its largest gradient (Sobel / 8, after a blur of one pixel) reaches
#: this many grey levels, or a neighbouring tile's does. On 18 pages (the samples' letters and
#: every sixth page of the independent corpus's dev split), of 1,000-4,200 keypoints a page
#: found on the whole page, at most 4 lay in tiles below it and none of them was matched.
SIFT_DETAIL = 4.0
#: A band is described piece by piece only when its pieces, with their halos, cover at most
#: this share of it.
SIFT_PIECES_SHARE = 0.8


def _detail_tiles(work: np.ndarray) -> np.ndarray:
    """Which `SIFT_TILE` tiles of ``work`` have detail, or a neighbour with detail."""
    h, w = work.shape
    blur = cv2.GaussianBlur(work, (0, 0), 1.0).astype(np.float32)
    grad = cv2.magnitude(
        cv2.Sobel(blur, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(blur, cv2.CV_32F, 0, 1, ksize=3)
    )
    th, tw = -(-h // SIFT_TILE), -(-w // SIFT_TILE)
    padded = np.zeros((th * SIFT_TILE, tw * SIFT_TILE), dtype=np.float32)
    padded[:h, :w] = grad
    peak = block_max(padded, SIFT_TILE)
    detail = (peak >= 8.0 * SIFT_DETAIL).astype(np.uint8)
    return cv2.dilate(detail, np.ones((3, 3), np.uint8)).astype(bool)


def _pieces(detail: np.ndarray, y0: int, y1: int, width: int) -> list[tuple[int, int, int, int]]:
    """The core rectangles ``(x0, y0, x1, y1)`` of one band's rows ``y0:y1`` to describe.

    Runs of tile columns with detail in the band; runs closer than twice the halo and a tile
    are one piece, since the halo the gap would save costs about as much to compute twice.
    Each piece's rows are narrowed to the tile rows with detail in its columns.
    """
    t = SIFT_TILE
    rows = detail[y0 // t : -(-y1 // t)]
    columns = np.flatnonzero(rows.any(axis=0))
    if columns.size == 0:
        return []
    gap = -(-(2 * SIFT_HALO) // t) + 1
    breaks = np.flatnonzero(np.diff(columns) > gap)
    starts = np.concatenate([[columns[0]], columns[breaks + 1]])
    ends = np.concatenate([columns[breaks], [columns[-1]]]) + 1
    out = []
    for c0, c1 in zip(starts.tolist(), ends.tolist(), strict=True):
        used = np.flatnonzero(rows[:, c0:c1].any(axis=1))
        r0 = max(y0, (y0 // t + int(used[0])) * t)
        r1 = min(y1, (y0 // t + int(used[-1]) + 1) * t)
        out.append((c0 * t, r0, min(c1 * t, width), r1))
    # Each piece has its own halo: unless the pieces leave out a good part of the band, the
    # whole band at once costs less (and gives its keypoints in the same order as before).
    area = sum((x1 - x0 + 2 * SIFT_HALO) * (r1 - r0 + 2 * SIFT_HALO) for x0, r0, x1, r1 in out)
    if area > SIFT_PIECES_SHARE * width * (y1 - y0 + 2 * SIFT_HALO):
        return [(0, y0, width, y1)]
    return out


def _sift_features(
    work: np.ndarray,
    max_keypoints: int,
    contrast: float = 0.04,
    band_rows: int = SIFT_BAND_ROWS,
) -> tuple[np.ndarray, np.ndarray]:
    """SIFT keypoint positions ``(N, 2)`` and descriptors ``(N, 128)`` of an image.

    The image is processed in bands of about ``band_rows`` rows (`SIFT_BAND_ROWS`), and
    within a band only where it has detail (`SIFT_TILE`, `SIFT_DETAIL`); each keypoint is kept
    from the piece whose core holds it, and at most the ``max_keypoints`` strongest of all
    pieces are returned, band by band (top to bottom) and piece by piece (left to right).
    """
    found, described, _ = _sift_keypoints(work, max_keypoints, contrast, band_rows)
    return found, described


def _sift_keypoints(
    work: np.ndarray, max_keypoints: int, contrast: float, band_rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`_sift_features` with each keypoint's response (its strength), ``(N,)`` float32."""
    sift = cv2.SIFT_create(  # type: ignore[attr-defined]
        nfeatures=max_keypoints, contrastThreshold=contrast
    )
    h, w = work.shape
    bands = max(round(h / band_rows), 1)
    rows = -(-h // bands)
    detail = _detail_tiles(work)
    points: list[tuple[float, float]] = []
    strength: list[float] = []
    chunks: list[np.ndarray] = []
    for band in range(0, h, rows):
        for x0, y0, x1, y1 in _pieces(detail, band, min(band + rows, h), w):
            # Pieces start on a multiple of 64 pixels so that the octaves (each half the
            # previous) sample the same pixels as on the whole image.
            a0 = max((y0 - SIFT_HALO) // 64 * 64, 0)
            a1 = min(y1 + SIFT_HALO, h)
            b0 = max((x0 - SIFT_HALO) // 64 * 64, 0)
            b1 = min(x1 + SIFT_HALO, w)
            keypoints, descriptors = sift.detectAndCompute(work[a0:a1, b0:b1], None)
            if descriptors is None:
                continue
            core = [
                i
                for i, k in enumerate(keypoints)
                if y0 <= k.pt[1] + a0 < y1 and x0 <= k.pt[0] + b0 < x1
            ]
            points += [(keypoints[i].pt[0] + b0, keypoints[i].pt[1] + a0) for i in core]
            strength += [keypoints[i].response for i in core]
            chunks.append(descriptors[core])
    return _strongest(
        np.asarray(points, dtype=np.float64).reshape(-1, 2),
        np.vstack(chunks) if chunks else np.zeros((0, 128), dtype=np.float32),
        np.asarray(strength, dtype=np.float32),
        max_keypoints,
    )


def _strongest(
    points: np.ndarray, descriptors: np.ndarray, strength: np.ndarray, most: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """At most ``most`` of the keypoints, the strongest, in the order they were given."""
    if len(points) > most:
        keep = np.sort(np.argsort(-strength, kind="stable")[:most])
        return points[keep], descriptors[keep], strength[keep]
    return points, descriptors, strength


#: On a page of mostly light bare paper larger than `keypoint_clones`'s ``max_side``, SIFT
#: first runs on the page reduced to this many pixels (its longer side) instead: its scale
#: space is built on the image doubled in size, so this pass costs about half as much.
#: Copied words are text copy-move's to find; what this pass is for on paper is marks
#: (seals, signatures, emblems), which it still finds, and what it finds is then described
#: again at full detail (`REFINE_STRENGTH`). On the dev split's pages larger than 1,240
#: pixels every edit found at warning stayed found; on two book pages of 1,181 pixels
#: reduced to 870 two did not, which is why smaller pages keep the whole pass.
PAPER_COARSE_SIDE = 870
#: A pair found by the reduced pass at least this strong is matched again at ``max_side``,
#: with SIFT run only on its two ends (`REFINE_MARGIN` around each): the pair's matches and
#: its verification then rest on as much detail as a full-size pass would give them.
REFINE_STRENGTH = 0.25
#: Margin (pixels of the page reduced to ``max_side``) around a pair's ends when it is
#: matched again at full detail.
REFINE_MARGIN = 48


def _reduced(img: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """The page reduced so that its longer side is at most ``side``, and the factor used."""
    h, w = img.shape
    factor = min(1.0, side / max(h, w, 1))
    if factor == 1.0:
        return img, factor
    return cv2.resize(img, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA), factor


def _merged_rects(rects: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Overlapping rectangles ``(x0, y0, x1, y1)`` joined into their bounding rectangles.

    SIFT must not describe a spot twice: a keypoint's own twin would be its nearest
    neighbour and fail every other keypoint's ratio test.
    """
    out = list(rects)
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    out[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return out


def _features_in(
    work: np.ndarray, rects: list[tuple[int, int, int, int]], max_keypoints: int, contrast: float
) -> tuple[np.ndarray, np.ndarray]:
    """SIFT keypoints and descriptors of ``work`` within rectangles, at most ``max_keypoints``.

    Each rectangle is widened to start on a multiple of 64 pixels, as the whole pass's
    pieces do (so that the octaves sample the same pixels as on the whole image), and the
    widened rectangles that overlap are joined. At most ``max_keypoints`` of all the
    rectangles' keypoints are kept, as one pass over the page would keep: many strong pairs
    of the reduced pass do not multiply what is matched. Each rectangle first keeps its own
    strongest, up to an equal share of the bound (`_strongest_per_crop`), and the rest of
    the bound goes to the strongest of all: a pair's weaker end (blurred, saved again) is
    not left without keypoints by a crop of sharp print.
    """
    aligned = [(x0 // 64 * 64, y0 // 64 * 64, x1, y1) for x0, y0, x1, y1 in rects]
    points: list[np.ndarray] = []
    chunks: list[np.ndarray] = []
    strengths: list[np.ndarray] = []
    for x0, y0, x1, y1 in _merged_rects(aligned):
        found, described, strength = _sift_keypoints(
            work[y0:y1, x0:x1], max_keypoints, contrast, SIFT_BAND_ROWS
        )
        points.append(found + np.array([x0, y0], dtype=np.float64))
        chunks.append(described)
        strengths.append(strength)
    if not points:
        return np.zeros((0, 2), dtype=np.float64), np.zeros((0, 128), dtype=np.float32)
    keep = _strongest_per_crop(strengths, max_keypoints)
    return np.vstack(points)[keep], np.vstack(chunks)[keep]


def _strongest_per_crop(strengths: list[np.ndarray], most: int) -> np.ndarray:
    """Indices (ascending) of at most ``most`` keypoints of several crops, concatenated.

    Each crop keeps its strongest up to ``most // len(strengths)``; the bound's rest goes to
    the strongest of the keypoints left, whichever crop they are in. Ties are broken by
    order (stable sorts), so runs are reproducible.
    """
    total = sum(len(s) for s in strengths)
    if total <= most:
        return np.arange(total)
    floor = most // max(len(strengths), 1)
    chosen = np.zeros(total, bool)
    start = 0
    for s in strengths:
        chosen[start + np.argsort(-s, kind="stable")[:floor]] = True
        start += len(s)
    every = np.concatenate(strengths)
    rest = np.flatnonzero(~chosen)
    left = most - int(chosen.sum())
    if left > 0 and rest.size:
        chosen[rest[np.argsort(-every[rest], kind="stable")[:left]]] = True
    return np.flatnonzero(chosen)


def keypoint_clones(
    gray: np.ndarray,
    *,
    max_side: int = 1240,
    coarse_side: int | None = None,
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
    coarse_side : int, optional
        When given (and smaller than ``max_side``) and the page is larger than ``max_side``,
        keypoints are first found on the page reduced to this longer side, and only the ends
        of the pairs found there at least `REFINE_STRENGTH` strong are matched again at
        ``max_side`` (`PAPER_COARSE_SIDE`). A page of ``max_side`` or less keeps every pixel
        of detail it has: a copied word on a 150-dpi page is found at its own resolution
        only.
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

    def match(points: np.ndarray, descriptors: np.ndarray, factor: float) -> list[ClonePair]:
        return _matched_pairs(
            img,
            points,
            descriptors,
            factor,
            ratio=ratio,
            min_matches=min_matches,
            min_distance=min_distance,
            link_radius=link_radius,
            match_scale=match_scale,
        )

    if coarse_side is None or coarse_side >= max_side or max(img.shape) <= max_side:
        work, factor = _reduced(img, max_side)
        points, descriptors = _sift_features(work, max_keypoints, contrast)
        return match(points, descriptors, factor)
    small, small_factor = _reduced(img, coarse_side)
    points, descriptors = _sift_features(small, max_keypoints, contrast)
    coarse = match(points, descriptors, small_factor)
    strong = [p for p in coarse if p.strength >= REFINE_STRENGTH]
    if not strong:
        return coarse
    work, factor = _reduced(img, max_side)
    h, w = work.shape
    rects = []
    for pair in strong:
        for box in (pair.source, pair.target):
            rects.append(
                (
                    max(int(box.x * factor) - REFINE_MARGIN, 0),
                    max(int(box.y * factor) - REFINE_MARGIN, 0),
                    min(int((box.x + box.width) * factor) + REFINE_MARGIN + 1, w),
                    min(int((box.y + box.height) * factor) + REFINE_MARGIN + 1, h),
                )
            )
    points, descriptors = _features_in(work, rects, max_keypoints, contrast)
    fine = match(points, descriptors, factor)
    # A pair matched again replaces the reduced pass's pair at the same two places; one the
    # full detail did not find again stays as the reduced pass found it.
    kept = [p for p in coarse if not any(same_places(p, f) for f in fine)]
    return merge_clones(fine + kept)


def _matched_pairs(
    img: np.ndarray,
    points: np.ndarray,
    descriptors: np.ndarray,
    factor: float,
    *,
    ratio: float,
    min_matches: int,
    min_distance: float,
    link_radius: float,
    match_scale: float,
) -> list[ClonePair]:
    """Self-matches of keypoints found on ``img`` reduced by ``factor``, grouped and verified.

    Returns the verified pairs, strongest first (`keypoint_clones`).
    """
    h, w = img.shape
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
        # Neighbours on one row share their scan and their JPEG block rows: only a grain
        # that matches (`ROW_NEIGHBOUR_GRAIN`) counts there, else they are a repeated print.
        grain = texture
        if row_neighbours(source, target, float(h * w)) and (
            texture is None or texture < ROW_NEIGHBOUR_GRAIN
        ):
            grain = None
        strength = clone_strength(n, grain, rotation, scale, match_scale=match_scale)
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
