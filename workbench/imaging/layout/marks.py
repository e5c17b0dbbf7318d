"""Signature, seal and letterhead regions of a page, and how alike two of them are.

A signature is never signed twice identically, and a seal is never stamped twice with the same
ink and tilt; a letterhead is printed from one design, but each print and scan still differs in
its fine detail. So two marks that agree pixel for pixel (up to a re-save or a rescale) are
consistent with a copy. The region is cut to the ink it holds and reduced to a fixed square
(`PATCH` pixels), so a rescaled copy and its source give the same patch; two patches are
compared by normalised cross-correlation over small shifts. How alike two genuine impressions
can be is measured in ``benchmarks/marks_benchmark.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from workbench.geometry import union_box
from workbench.imaging.layout.seal import Circle, find_seals

#: Side of the square a region is reduced to.
PATCH = 128
#: Largest shift (share of the patch side) tried when comparing two patches.
MAX_SHIFT = 0.06
#: Margin (share of the radius) added around a seal's circle, so its whole ring is cut.
SEAL_MARGIN = 0.08
#: Largest rotation (degrees) tried when aligning two patches, and its step.
MAX_ROTATION = 3.0
ROTATION_STEP = 1.0
#: Side of the coarse, blurred reduction used to skip clearly different patches quickly.
COARSE = 24


@dataclass(frozen=True)
class Mark:
    """A located mark: its kind, its box ``(x, y, width, height)`` in page pixels, its patch."""

    kind: str
    box: tuple[int, int, int, int]
    patch: np.ndarray


def _ink(gray: np.ndarray) -> np.ndarray:
    """Ink mask (1 = ink) by Otsu's threshold; an empty mask for a blank image."""
    if gray.size == 0 or int(gray.max()) - int(gray.min()) < 40:
        return np.zeros(gray.shape, np.uint8)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def ink_box(gray: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """The tight box (page pixels) of the ink inside `box`, or None when it holds none."""
    x, y, w, h = box
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, gray.shape[1]), min(y + h, gray.shape[0])
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    ink = _ink(gray[y0:y1, x0:x1])
    ys, xs = np.nonzero(ink)
    if len(xs) < 20:
        return None
    return x0 + int(xs.min()), y0 + int(ys.min()), int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1


def region_patch(gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """The ink of `box` cut tight and reduced to `PATCH` x `PATCH` uint8.

    Cutting to the ink, not to the box, frames a mark the same way whatever box found it: a
    seal found a few pixels larger on one page than on another still gives the same patch.
    """
    tight = ink_box(gray, box)
    if tight is None:
        return None
    x, y, w, h = tight
    crop = np.asarray(gray[y : y + h, x : x + w], np.uint8)
    return np.asarray(cv2.resize(crop, (PATCH, PATCH), interpolation=cv2.INTER_AREA))


def patch_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised cross-correlation (-1 to 1) of two square patches at their best small shift.

    Each patch's centre is searched in the other; the two scores are averaged, so the measure
    is symmetric. Reductions of patches (`half`) compare the same way, faster.
    """
    if np.ndim(a) != 2 or np.shape(a) != np.shape(b) or np.shape(a)[0] != np.shape(a)[1]:
        return 0.0
    m = max(1, round(np.shape(a)[0] * MAX_SHIFT))
    fa, fb = np.asarray(a, np.float32), np.asarray(b, np.float32)
    scores = []
    for big, small in ((fa, fb), (fb, fa)):
        centre = small[m:-m, m:-m]
        if float(centre.std()) < 1e-3 or float(big.std()) < 1e-3:
            return 0.0
        scores.append(float(cv2.matchTemplate(big, centre, cv2.TM_CCOEFF_NORMED).max()))
    return float(np.mean(scores))


def half(patch: np.ndarray) -> np.ndarray:
    """A patch reduced to half its side: the working size of the quicker comparisons."""
    side = np.shape(patch)[0] // 2
    return np.asarray(
        cv2.resize(np.asarray(patch, np.float32), (side, side), interpolation=cv2.INTER_AREA)
    )


def _aligned(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`b` rotated (up to `MAX_ROTATION` degrees) and shifted onto `a`: the overlapping parts."""
    side = np.shape(a)[0]
    m = max(1, round(side * MAX_SHIFT))
    fa, fb = np.asarray(a, np.float32), np.asarray(b, np.float32)
    centre = ((side - 1) / 2, (side - 1) / 2)
    best: tuple[float, np.ndarray, tuple[int, int]] | None = None
    for angle in np.arange(-MAX_ROTATION, MAX_ROTATION + 1e-6, ROTATION_STEP):
        turn = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rotated = cv2.warpAffine(fb, turn, (side, side), borderMode=cv2.BORDER_REPLICATE)
        inner = rotated[m:-m, m:-m]
        if float(inner.std()) < 1e-3:
            continue
        scores = cv2.matchTemplate(fa, inner, cv2.TM_CCOEFF_NORMED)
        _, score, _, (x, y) = cv2.minMaxLoc(scores)
        if best is None or score > best[0]:
            best = (float(score), inner, (x, y))
    if best is None:
        return fa[m:-m, m:-m], fb[m:-m, m:-m]
    _, inner, (x, y) = best
    return fa[y : y + inner.shape[0], x : x + inner.shape[1]], inner


def ink_field_difference(a: np.ndarray, b: np.ndarray) -> float:
    """How unevenly the ink of two patches differs, smoothed (0 = same ink everywhere).

    The patches are aligned (small rotation and shift) at half size, where the ink field is
    as visible and the search is four times cheaper. Then the smoothed darkness of one is
    divided by the other's over the ink they share: a pixel copy (even re-saved and rescaled)
    changes the ink by about one factor everywhere, while two impressions differ in pressure
    from one part of the mark to another. The spread (standard deviation) of the log ratio is
    returned; infinity when the two share too little ink to tell.
    """
    if np.shape(a) != (PATCH, PATCH) or np.shape(b) != (PATCH, PATCH):
        return float("inf")
    fa, fb = _aligned(half(a), half(b))
    both = (_ink(fa.astype(np.uint8)) & _ink(fb.astype(np.uint8))).astype(np.float32)
    sigma = PATCH / 64
    cover = cv2.GaussianBlur(both, (0, 0), sigma)
    keep = cover > 0.3
    if keep.sum() < 25:
        return float("inf")
    dark_a = cv2.GaussianBlur((255 - fa) * both, (0, 0), sigma)
    dark_b = cv2.GaussianBlur((255 - fb) * both, (0, 0), sigma)
    ratio = np.log((dark_a[keep] + 1.0) / (dark_b[keep] + 1.0))
    return float(ratio.std())


def decode_patch(data: bytes) -> np.ndarray:
    """A patch from its PNG bytes, at `PATCH` pixels (a patch stored at another size is resized)."""
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if decoded is None:
        return np.full((PATCH, PATCH), 255, np.uint8)
    if decoded.shape != (PATCH, PATCH):
        decoded = cv2.resize(decoded, (PATCH, PATCH), interpolation=cv2.INTER_AREA)
    return np.asarray(decoded, np.uint8)


def coarse_vectors(patches: list[np.ndarray]) -> np.ndarray:
    """Blurred `COARSE`-pixel reductions of patches, zero-mean and unit-norm, one per row.

    Their dot products are the correlations of the blurred patches without shift: a cheap
    first pass over many stored patches, tolerant of the shifts `patch_similarity` searches.
    """
    if not patches:
        return np.zeros((0, COARSE * COARSE), np.float32)
    rows = []
    for patch in patches:
        small = cv2.resize(
            np.asarray(patch, np.float32), (COARSE, COARSE), interpolation=cv2.INTER_AREA
        )
        small = cv2.GaussianBlur(small, (0, 0), 1.0).ravel()
        small -= small.mean()
        rows.append(small / (float(np.linalg.norm(small)) or 1.0))
    return np.stack(rows).astype(np.float32)


def _zone_px(
    zone: tuple[float, float, float, float], shape: tuple[int, ...]
) -> tuple[int, int, int, int]:
    h, w = shape[:2]
    return round(zone[0] * w), round(zone[1] * h), round(zone[2] * w), round(zone[3] * h)


def _components(ink: np.ndarray, join: int) -> list[tuple[int, int, int, int, int]]:
    """Connected ink components ``(x, y, w, h, area)`` after joining strokes `join` px apart.

    A zone that rounds to no pixels (a page a few pixels high) has none.
    """
    if ink.size == 0:
        return []
    joined = cv2.dilate(ink, np.ones((join, join), np.uint8)) if join > 1 else ink
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    return [tuple(int(v) for v in stats[i]) for i in range(1, n)]  # type: ignore[misc]


def find_signature(
    gray: np.ndarray,
    zone: tuple[float, float, float, float],
    exclude: tuple[tuple[int, int, int, int], ...] = (),
) -> tuple[int, int, int, int] | None:
    """The handwritten signature in `zone` (relative ``x0, y0, x1, y1``), as a page box.

    A signature is the tallest ink in the signature zone: its strokes span several text lines,
    while the signatory's typed name and title are one line each. Components inside an
    `exclude` box (a seal found first) are left out. None when nothing taller than about three
    lines of text is there.
    """
    g = np.asarray(gray, np.uint8)
    zx0, zy0, zx1, zy1 = _zone_px(zone, g.shape)
    ink = _ink(g[zy0:zy1, zx0:zx1]).copy()
    for ex, ey, ew, eh in exclude:
        ink[max(ey - zy0, 0) : max(ey + eh - zy0, 0), max(ex - zx0, 0) : max(ex + ew - zx0, 0)] = 0
    page_h = g.shape[0]
    tall = [
        c
        for c in _components(ink, max(3, page_h // 600))
        if c[3] >= 0.035 * page_h and c[2] >= 0.04 * g.shape[1]
    ]
    if not tall:
        return None
    x, y, w, h, _ = max(tall, key=lambda c: c[3] * c[2])
    return zx0 + x, zy0 + y, w, h


def find_letterhead(
    gray: np.ndarray, zone: tuple[float, float, float, float]
) -> tuple[int, int, int, int] | None:
    """The letterhead block: the ink that lies wholly inside the letterhead `zone`.

    Words are joined into blocks first, so a heading formula that straddles the zone's edge is
    left out whole rather than cut.
    """
    g = np.asarray(gray, np.uint8)
    zx0, zy0, zx1, zy1 = _zone_px(zone, g.shape)
    ink = _ink(g[zy0:zy1, zx0:zx1])
    zh, zw = ink.shape
    inside = [
        c
        for c in _components(ink, max(5, g.shape[0] // 150))
        if c[0] > 0 and c[1] >= 0 and c[0] + c[2] < zw and c[1] + c[3] < zh and c[4] > 50
    ]
    if not inside:
        return None
    x, y, w, h = union_box(c[:4] for c in inside)
    return ink_box(g, (zx0 + x, zy0 + y, w, h))


def find_marks(
    gray: np.ndarray,
    *,
    signature_zone: tuple[float, float, float, float] | None,
    seal_zone: tuple[float, float, float, float] | None,
    letterhead_zone: tuple[float, float, float, float] | None,
    circles: Sequence[Circle] | None = None,
) -> list[Mark]:
    """Signature, seal and letterhead of a page, where found, each with its patch.

    `circles` are the page's round stamps when already found (`find_seals`, as the analysis
    context keeps them for every check); found here otherwise.
    """
    g = np.asarray(gray, np.uint8)
    h, w = g.shape
    found: list[tuple[str, tuple[int, int, int, int]]] = []
    seals: list[tuple[int, int, int, int]] = []
    if seal_zone is not None:
        for circle in find_seals(g) if circles is None else circles:
            rx, ry = circle.x / w, circle.y / h
            if seal_zone[0] <= rx <= seal_zone[2] and seal_zone[1] <= ry <= seal_zone[3]:
                r = circle.radius * (1 + SEAL_MARGIN)
                box = (round(circle.x - r), round(circle.y - r), round(2 * r), round(2 * r))
                seals.append(box)
                found.append(("seal", box))
                break
    if signature_zone is not None:
        sig = find_signature(g, signature_zone, tuple(seals))
        if sig is not None:
            found.append(("signature", sig))
    if letterhead_zone is not None:
        head = find_letterhead(g, letterhead_zone)
        if head is not None:
            found.append(("letterhead", head))
    marks = []
    for kind, box in found:
        patch = region_patch(g, box)
        if patch is not None:
            marks.append(Mark(kind, box, patch))
    return marks
