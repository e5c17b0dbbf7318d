"""Perceptual fingerprints of a page: what lets two copies of one scan be recognised.

Two fingerprints are kept per page, because no single one survives every way a scan is copied:

- a 256-bit **perceptual hash** (pHash: the signs of the low DCT frequencies of a 64 x 64
  reduction, `imagehash.phash` with ``hash_size=16``). Re-saving, recompressing and rescaling
  move it by a few bits; two different letters of one template stay tens of bits apart. A crop
  moves it as far as a different page, so it cannot find cropped copies;
- **ORB keypoints** on a reduction to a fixed width, matched and verified by a similarity
  transform (RANSAC). A cropped or rescaled copy keeps most keypoints at consistent places. Two
  letters of one template share their letterhead, greeting, closing, signatory and footer, so
  only inliers in the body band of both pages (between 30% and 65% of their height), where the
  letters differ, count.

Pure functions over arrays; the ``fingerprint`` check computes them per page, the case service
compares them across the store.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import imagehash
import numpy as np
from PIL import Image

#: pHash side: 16 gives 256 bits, enough to keep different pages of one template apart.
HASH_SIZE = 16
HASH_BITS = HASH_SIZE * HASH_SIZE
#: Width (pixels) of the reduction keypoints are found on: independent of the scan's resolution.
FEATURE_WIDTH = 1000
#: Keypoints kept per page.
MAX_FEATURES = 500
#: Share of the page's height between which verified matches count as body matches.
BODY_BAND = (0.3, 0.65)
#: RANSAC reprojection tolerance, pixels of the reduction.
RANSAC_PX = 4.0
#: Fewer tentative matches than this and a pair is not verified at all.
MIN_TENTATIVE = 12
#: Nearest neighbours asked per query descriptor across the whole store (several copies of one
#: page must each get their share of matches).
NEIGHBOURS = 8
#: Largest descriptor distance (of 256 bits) a tentative match may have.
MAX_DESCRIPTOR_DISTANCE = 64
#: Body-band inliers of the first, store-wide pass for a page to be verified pair by pair.
CANDIDATE_BODY_INLIERS = 6
#: Keypoints of each stored page, and of the query, that take part in the store-wide pass
#: (the strongest in the body band): it is the search's cost, so it is kept small.
FIRST_PASS_STORED = 150
FIRST_PASS_QUERY = 400
#: Lowe's ratio: a match is kept when clearly nearer than the second-nearest keypoint.
RATIO = 0.8


def page_hash(gray: np.ndarray) -> str:
    """The page's 256-bit perceptual hash as 64 hex digits.

    Parameters
    ----------
    gray : ndarray, shape (H, W), uint8
        The decoded page in grayscale.

    """
    return str(imagehash.phash(Image.fromarray(np.asarray(gray, np.uint8)), hash_size=HASH_SIZE))


def hash_bits(hashes: Sequence[str]) -> np.ndarray:
    """Hex hashes as a bit matrix, shape (N, 256) of bool, for vectorised distances."""
    if not hashes:
        return np.zeros((0, HASH_BITS), bool)
    raw = np.frombuffer(b"".join(bytes.fromhex(h) for h in hashes), np.uint8)
    return np.unpackbits(raw.reshape(len(hashes), -1), axis=1).astype(bool)


def hash_distances(query: str, hashes: Sequence[str]) -> np.ndarray:
    """Hamming distance (bits, 0-256) from `query` to each of `hashes`."""
    bits = hash_bits(hashes)
    counts: np.ndarray = np.count_nonzero(bits != hash_bits([query])[0], axis=1)
    return counts


@dataclass(frozen=True)
class Features:
    """ORB keypoints of a page reduced to `FEATURE_WIDTH` pixels wide.

    ``points`` has shape (N, 2), float32, in pixels of the reduction; ``descriptors`` (N, 32)
    uint8; ``height`` is the reduction's height.
    """

    points: np.ndarray
    descriptors: np.ndarray
    height: int

    def to_text(self) -> dict[str, object]:
        """A JSON-ready form: points and descriptors as base64 of their raw bytes."""
        return {
            "width": FEATURE_WIDTH,
            "height": self.height,
            "points": base64.b64encode(np.round(self.points).astype(np.int16).tobytes()).decode(),
            "descriptors": base64.b64encode(self.descriptors.tobytes()).decode(),
        }

    @classmethod
    def from_text(cls, data: dict[str, object]) -> Features:
        """Read back what `to_text` wrote."""
        points = np.frombuffer(base64.b64decode(str(data["points"])), np.int16)
        desc = np.frombuffer(base64.b64decode(str(data["descriptors"])), np.uint8)
        return cls(
            points.reshape(-1, 2).astype(np.float32),
            desc.reshape(-1, 32).copy(),
            int(str(data["height"])),
        )


def page_features(gray: np.ndarray, max_features: int = MAX_FEATURES) -> Features:
    """ORB keypoints and descriptors of a page, on a reduction `FEATURE_WIDTH` pixels wide."""
    g = np.asarray(gray, np.uint8)
    factor = FEATURE_WIDTH / g.shape[1]
    small = cv2.resize(
        g, (FEATURE_WIDTH, max(1, round(g.shape[0] * factor))), interpolation=cv2.INTER_AREA
    )
    # Half the keypoints come from the body band: elsewhere the letterhead, seal and
    # signature, the strongest corners of a letter, would take them all.
    body = np.zeros(small.shape, np.uint8)
    body[round(BODY_BAND[0] * small.shape[0]) : round(BODY_BAND[1] * small.shape[0])] = 255
    found: list[tuple[float, tuple[float, float], np.ndarray]] = []
    for mask, count in ((body, max_features // 2), (None, max_features - max_features // 2)):
        orb = cv2.ORB_create(nfeatures=count, fastThreshold=10)  # type: ignore[attr-defined]
        keypoints, descriptors = orb.detectAndCompute(small, mask)
        if descriptors is not None:
            found += [(k.response, k.pt, d) for k, d in zip(keypoints, descriptors, strict=True)]
    if not found:
        return Features(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8), small.shape[0])
    found.sort(key=lambda f: -f[0])  # strongest first
    points = np.array([f[1] for f in found], np.float32)
    return Features(points, np.stack([f[2] for f in found]).astype(np.uint8), small.shape[0])


@dataclass(frozen=True)
class PageMatch:
    """A verified keypoint match between a query page and a stored one.

    ``scale`` maps query pixels onto stored pixels (both at `FEATURE_WIDTH`): below 1 the
    query shows more than the stored page (the stored one may be a crop of it), above 1 less.
    ``offset`` is where the query's top-left corner falls on the stored page, as a share of the
    stored page's width and height.
    """

    inliers: int
    body_inliers: int
    scale: float
    rotation_deg: float
    offset: tuple[float, float]


def _verify(
    query: Features, stored: Features, pairs: np.ndarray, distances: np.ndarray
) -> PageMatch | None:
    # one match per query keypoint and per stored keypoint (the nearest)
    order = np.argsort(distances, kind="stable")
    pairs = pairs[order]
    _, first_q = np.unique(pairs[:, 0], return_index=True)
    pairs = pairs[np.sort(first_q)]
    _, first_s = np.unique(pairs[:, 1], return_index=True)
    pairs = pairs[np.sort(first_s)]
    if len(pairs) < MIN_TENTATIVE:
        return None
    src = query.points[pairs[:, 0]]
    dst = stored.points[pairs[:, 1]]
    matrix, mask = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=RANSAC_PX
    )
    if matrix is None or mask is None:
        return None
    keep = mask.ravel().astype(bool)
    # in the body band of both pages: letters of one template share what lies above and
    # below it (letterhead, greeting, closing, signatory), at the same places on both
    band = _in_band(dst[keep, 1], stored.height) & _in_band(src[keep, 1], query.height)
    scale = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    rotation = float(np.degrees(np.arctan2(matrix[1, 0], matrix[0, 0])))
    return PageMatch(
        inliers=int(keep.sum()),
        body_inliers=int(band.sum()),
        scale=round(scale, 3),
        rotation_deg=round(rotation, 2),
        offset=(
            round(float(matrix[0, 2]) / FEATURE_WIDTH, 3),
            round(float(matrix[1, 2]) / max(stored.height, 1), 3),
        ),
    )


def _in_band(ys: np.ndarray, height: int) -> np.ndarray:
    in_band: np.ndarray = (ys > BODY_BAND[0] * height) & (ys < BODY_BAND[1] * height)
    return in_band


def _first_pass(features: Features, count: int) -> np.ndarray:
    """Indices of the strongest `count` keypoints in the body band (kept strongest first)."""
    chosen = np.flatnonzero(_in_band(features.points[:, 1], features.height))[:count]
    return chosen if len(chosen) else np.arange(min(count, len(features.points)))


def match_pair(query: Features, stored: Features) -> PageMatch | None:
    """Verify one pair: nearest neighbours with Lowe's ratio test, then RANSAC."""
    if len(query.descriptors) < 2 or len(stored.descriptors) < 2:
        return None
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    good = [
        (pair[0].queryIdx, pair[0].trainIdx, pair[0].distance)
        for pair in matcher.knnMatch(query.descriptors, stored.descriptors, k=2)
        if len(pair) == 2 and pair[0].distance < RATIO * pair[1].distance
    ]
    if len(good) < MIN_TENTATIVE:
        return None
    table = np.array(good, np.float64)
    return _verify(query, stored, table[:, :2].astype(int), table[:, 2])


def match_pages(query: Features, stored: Sequence[Features]) -> list[PageMatch | None]:
    """Verify `query` against every stored page.

    A first pass searches the strongest body-band descriptors of all stored pages together
    (Hamming distance, a few neighbours each) and fits a similarity transform per stored
    page that received enough tentative matches; only pages that keep
    `CANDIDATE_BODY_INLIERS` there are verified again pair by pair with the ratio test
    (`match_pair`), which is what is returned. One entry per stored page, None where nothing
    was verified.
    """
    out: list[PageMatch | None] = [None] * len(stored)
    present = [i for i, s in enumerate(stored) if len(s.descriptors)]
    if not len(query.descriptors) or not present:
        return out
    picks = [_first_pass(stored[i], FIRST_PASS_STORED) for i in present]
    query_pick = _first_pass(query, FIRST_PASS_QUERY)
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    matcher.add([stored[i].descriptors[pick] for i, pick in zip(present, picks, strict=True)])
    k = min(NEIGHBOURS, sum(len(pick) for pick in picks))
    rows = [
        (query_pick[m.queryIdx], picks[m.imgIdx][m.trainIdx], m.imgIdx, m.distance)
        for found in matcher.knnMatch(query.descriptors[query_pick], k=k)
        for m in found
        if m.distance <= MAX_DESCRIPTOR_DISTANCE
    ]
    if not rows:
        return out
    table = np.array(rows, np.float64)
    item = table[:, 2].astype(int)
    for p in np.unique(item):
        sel = item == p
        if sel.sum() < MIN_TENTATIVE:
            continue
        page = stored[present[int(p)]]
        pairs = table[sel][:, :2].astype(int)
        first = _verify(query, page, pairs, table[sel, 3])
        if first is not None and first.body_inliers >= CANDIDATE_BODY_INLIERS:
            out[present[int(p)]] = match_pair(query, page)
    return out
