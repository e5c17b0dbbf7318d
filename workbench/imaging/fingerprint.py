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

Keypoints alone cannot tell a copy from a letter that shares a paragraph with it (form letters,
one office's stock phrases): the shared paragraph verifies as a copy would. So a candidate is
also checked **pixel by pixel over the whole overlap**: a small grey reduction of each page
(`THUMB_WIDTH` wide, kept with the fingerprints) is laid onto the other by the fitted transform,
and the inked blocks of the overlap are compared one by one
(`workbench.imaging.page_overlap.overlap_agreement`). A copy agrees
nearly everywhere, however it was cropped, scaled or recompressed; a different letter disagrees
wherever its text differs, even if one paragraph is word for word the same.

For an indexed search, the hash is also cut into `HASH_BANDS` bands (`hash_bands`): two hashes
within `HASH_BANDS - 1` bits of each other agree exactly on at least one band (pigeonhole), so a
look-up of equal bands finds every candidate without reading every stored hash.

Pure functions over arrays; the ``fingerprint`` check computes them per page, the case service
compares them across the store.
"""

from __future__ import annotations

import base64
import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import imagehash
import numpy as np
from PIL import Image

#: pHash side: 16 gives 256 bits, enough to keep different pages of one template apart.
HASH_SIZE = 16
HASH_BITS = HASH_SIZE * HASH_SIZE
#: The reduction the hash's DCT is taken of is this many times `HASH_SIZE` wide (pHash's 4).
_HIGHFREQ_FACTOR = 4
#: Width (pixels) of the reduction keypoints are found on: independent of the scan's resolution.
FEATURE_WIDTH = 1000
#: Most times as tall as wide a reduction is made (`reduction_size`): a page a few pixels wide
#: and thousands tall would otherwise be reduced to gigabytes, and keypoint rows (stored as
#: 16-bit integers) must stay below 32,768. No letter or list page comes near it.
MAX_ASPECT = 10
#: Smallest side (pixels of the reduction) ORB is run on: its 31-pixel border leaves nothing of
#: a narrower image, and its pyramid cannot reduce a strip one pixel high.
MIN_FEATURE_SIDE = 64
#: Keypoints kept per page.
MAX_FEATURES = 500
#: Share of the page's height between which verified matches count as body matches.
BODY_BAND = (0.3, 0.65)
#: RANSAC reprojection tolerance, pixels of the reduction.
RANSAC_PX = 4.0
#: Fewer tentative matches than this and a pair is not verified at all.
MIN_TENTATIVE = 12
#: Nearest neighbours asked per query descriptor across the whole store (several copies of one
#: page must each get their share of matches: with 8, a letter stored with 13 copies of itself
#: lost its cropped copies to the closer ones; the brute-force pass computes every distance
#: anyway, so more neighbours cost little).
NEIGHBOURS = 24
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
#: Width (pixels) of the grey reduction kept per page for checking the overlap of a candidate.
THUMB_WIDTH = 400
#: JPEG quality of the stored reduction (about 25 KB for an A5 letter).
THUMB_QUALITY = 80
#: Bands the 256-bit hash is cut into for the indexed look-up (15 or 16 bits each).
HASH_BANDS = 17


def page_hash(gray: np.ndarray) -> str:
    """The page's 256-bit perceptual hash as 64 hex digits.

    Parameters
    ----------
    gray : ndarray, shape (H, W), uint8
        The decoded page in grayscale.

    """
    side = HASH_SIZE * _HIGHFREQ_FACTOR
    small = Image.fromarray(np.asarray(gray, np.uint8)).convert("L")
    pixels = np.asarray(small.resize((side, side), Image.Resampling.LANCZOS), dtype=np.float64)
    basis = _dct_basis(side)
    low = _exact_zeros(_exact_zeros(basis @ pixels) @ basis.T)
    return str(imagehash.ImageHash(low > np.median(low)))


def _exact_zeros(values: np.ndarray) -> np.ndarray:
    """`values` with rounding residue (what is zero exactly, as sums of 8-bit pixels) as 0.

    A blank page's or a smooth gradient's coefficients other than the first are exactly 0
    and half the hash's bits are decided by comparing them with a median of 0: scipy's FFT
    leaves them exactly 0, matrix products leave them at 1e-13 of either sign.
    """
    return np.where(np.abs(values) < 1e-6, 0.0, values)


def _dct_basis(side: int) -> np.ndarray:
    """The first `HASH_SIZE` rows of the unnormalised DCT-II of `side` points.

    `imagehash.phash` computes the whole DCT with ``scipy.fftpack``, whose import (scipy's
    FFT, special functions and array API layer) took 1.1-1.6 s at load 22 with numpy and
    Pillow already imported, more than the rest of the fingerprint; only a 16 x 16 corner of
    a 64 x 64 transform is used: two small matrix products. The same hashes on the 583
    sample, test and development images compared and on blank, smooth and noise pages
    (``tests/test_fingerprint_hash.py``).
    """
    n = np.arange(side)
    k = np.arange(HASH_SIZE)[:, None]
    return 2.0 * np.cos(np.pi * k * (2 * n + 1) / (2 * side))


def hash_bands(phash: str) -> list[int]:
    """The hash cut into `HASH_BANDS` consecutive bands of bits, each as an integer.

    Two hashes at most ``HASH_BANDS - 1`` bits apart share at least one band exactly.
    """
    bits = "".join(f"{int(c, 16):04b}" for c in phash)
    edges = np.linspace(0, len(bits), HASH_BANDS + 1).round().astype(int)
    return [int(bits[a:b], 2) for a, b in itertools.pairwise(edges)]


def reduction_size(shape: tuple[int, ...], width: int) -> tuple[int, int]:
    """``(width, height)`` of the reduction of a page of `shape` made `width` pixels wide.

    A page more than `MAX_ASPECT` times as tall as wide is reduced to `width` times
    `MAX_ASPECT` pixels tall instead (and so narrower than `width`). The keypoint reduction
    (`FEATURE_WIDTH`) and the grey one (`THUMB_WIDTH`) are bounded alike, so one is always
    the other scaled by ``THUMB_WIDTH / FEATURE_WIDTH``, which the overlap check relies on
    (`workbench.imaging.page_overlap`).
    """
    h, w = max(int(shape[0]), 1), max(int(shape[1]), 1)
    factor = min(width / w, width * MAX_ASPECT / h)
    return max(1, round(w * factor)), max(1, round(h * factor))


def page_thumb(gray: np.ndarray) -> np.ndarray:
    """The page reduced to `THUMB_WIDTH` pixels wide (grey, area averaging; `reduction_size`)."""
    g = np.asarray(gray, np.uint8)
    out: np.ndarray = cv2.resize(
        g, reduction_size(g.shape, THUMB_WIDTH), interpolation=cv2.INTER_AREA
    )
    return out


def encode_thumb(thumb: np.ndarray) -> bytes:
    """The reduction as JPEG bytes, as it is kept with the fingerprints."""
    ok, data = cv2.imencode(".jpg", thumb, [cv2.IMWRITE_JPEG_QUALITY, THUMB_QUALITY])
    if not ok:
        raise ValueError("the page reduction could not be encoded")
    return bytes(data)


def decode_thumb(data: bytes) -> np.ndarray:
    """Read back what `encode_thumb` wrote."""
    out = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if out is None:
        raise ValueError("the stored page reduction cannot be decoded")
    return np.asarray(out, np.uint8)


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
    uint8; ``height`` is the reduction's height. (A page more than `MAX_ASPECT` times as tall
    as wide has a narrower reduction: `reduction_size`.)
    """

    points: np.ndarray
    descriptors: np.ndarray
    height: int
    #: The reduction's width (`FEATURE_WIDTH` but for a page of an extreme shape).
    width: int = FEATURE_WIDTH

    @functools.cached_property
    def first_pass_pick(self) -> tuple[np.ndarray, np.ndarray]:
        """The keypoints this page brings to the store-wide first look, and their descriptors.

        The strongest `FIRST_PASS_STORED` of the body band (`first_pass`); worked out once
        per page, which a run's searches read many times (`workbench.case_index`).
        """
        pick = _first_pass(self, FIRST_PASS_STORED)
        return pick, self.descriptors[pick]

    def to_text(self) -> dict[str, object]:
        """A JSON-ready form: points and descriptors as base64 of their raw bytes."""
        return {
            "width": self.width,
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
            int(str(data.get("width", FEATURE_WIDTH))),
        )


def page_features(gray: np.ndarray, max_features: int = MAX_FEATURES) -> Features:
    """ORB keypoints and descriptors of a page, on a reduction `FEATURE_WIDTH` pixels wide.

    A page of an extreme shape is reduced within bounds (`reduction_size`); a reduction with
    a side under `MIN_FEATURE_SIDE` pixels (a strip of a page) has no keypoints.
    """
    g = np.asarray(gray, np.uint8)
    small = cv2.resize(g, reduction_size(g.shape, FEATURE_WIDTH), interpolation=cv2.INTER_AREA)
    none = Features(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8), *small.shape)
    if min(small.shape) < MIN_FEATURE_SIDE:
        return none
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
        return none
    found.sort(key=lambda f: -f[0])  # strongest first
    points = np.array([f[1] for f in found], np.float32)
    descriptors = np.stack([f[2] for f in found]).astype(np.uint8)
    return Features(points, descriptors, *small.shape)


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
    #: The fitted transform itself (2 x 3, row by row), query pixels onto stored pixels at
    #: `FEATURE_WIDTH`, for checking the pixels of the overlap (`workbench.imaging.page_overlap`).
    matrix: tuple[float, ...] = ()
    #: Heights of the query's and the stored page's `FEATURE_WIDTH` reductions.
    heights: tuple[int, int] = (0, 0)

    def inverted(self) -> PageMatch:
        """The same match read from the stored page's side (stored pixels onto the query's)."""
        if len(self.matrix) != 6:
            return self
        forward = np.vstack([np.array(self.matrix, np.float64).reshape(2, 3), [0.0, 0.0, 1.0]])
        back = np.linalg.inv(forward)[:2]
        return PageMatch(
            inliers=self.inliers,
            body_inliers=self.body_inliers,
            scale=round(float(np.hypot(back[0, 0], back[1, 0])), 3),
            rotation_deg=round(float(np.degrees(np.arctan2(back[1, 0], back[0, 0]))), 2),
            offset=(
                round(float(back[0, 2]) / FEATURE_WIDTH, 3),
                round(float(back[1, 2]) / max(self.heights[0], 1), 3),
            ),
            matrix=tuple(float(v) for v in back.ravel()),
            heights=(self.heights[1], self.heights[0]),
        )


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
        matrix=tuple(float(v) for v in matrix.ravel()),
        heights=(query.height, stored.height),
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


def first_pass(query: Features, stored: Sequence[Features]) -> list[PageMatch | None]:
    """The store-wide first look: a rough transform per stored page worth verifying.

    The strongest body-band descriptors of all stored pages are searched together (Hamming
    distance, a few neighbours each, no ratio test) and a similarity transform is fitted per
    stored page that received enough tentative matches. A page is kept (its rough match
    returned) when `CANDIDATE_BODY_INLIERS` of those inliers lie in the body band; None
    elsewhere. The rough transform is good enough to lay one page's reduction onto the
    other's for a first look at their pixels (`workbench.imaging.page_overlap`), before the
    pair is verified keypoint by keypoint (`match_pair`).
    """
    out: list[PageMatch | None] = [None] * len(stored)
    present = [i for i, s in enumerate(stored) if len(s.descriptors)]
    if not len(query.descriptors) or not present:
        return out
    picks = [stored[i].first_pass_pick[0] for i in present]
    query_pick = _first_pass(query, FIRST_PASS_QUERY)
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    matcher.add([stored[i].first_pass_pick[1] for i in present])
    k = min(NEIGHBOURS, sum(len(pick) for pick in picks))
    rows = [
        (query_pick[m.queryIdx], picks[m.imgIdx][m.trainIdx], m.imgIdx, m.distance)
        for found in matcher.knnMatch(query.descriptors[query_pick], k=k)
        for m in found
        # OpenCV numbers the train sets it kept: guard against one it dropped
        if m.distance <= MAX_DESCRIPTOR_DISTANCE
        and m.imgIdx < len(picks)
        and m.trainIdx < len(picks[m.imgIdx])
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
            out[present[int(p)]] = first
    return out


def match_pages(query: Features, stored: Sequence[Features]) -> list[PageMatch | None]:
    """Verify `query` against every stored page.

    The pages the store-wide first look keeps (`first_pass`) are verified again pair by pair
    with the ratio test (`match_pair`), which is what is returned. One entry per stored page,
    None where nothing was verified.
    """
    return [
        None if rough is None else match_pair(query, page)
        for page, rough in zip(stored, first_pass(query, stored), strict=True)
    ]
