"""Find the fixed template of a letter form and compare a registered page with it, block by block.

Letters of one issuer differ in their text but share a template: letterhead, emblem, the
labels of the number/date block, rules, footer. Where several genuine exemplars are at hand the
template is the ink they all share once registered onto each other (`ink_constancy`); the
body text, different in every letter, is not constant and so never becomes a template block.
A template block of the exemplar is then looked for in the registered questioned page: in
place (unchanged), elsewhere or at another size (moved or rescaled: a local similarity fit
inside the block), or not at all (content changed or missing).

All coordinates here are pixels of the fixed (exemplar) page, origin top-left; boxes are
``(x, y, width, height)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

Box = tuple[int, int, int, int]

#: Normalised cross-correlation of softened ink above which a block counts as the same.
SAME_NCC = 0.6
#: Shift (fraction of page width) and scale change below which a found block is "in place".
SHIFT_TOLERANCE = 0.004
SCALE_TOLERANCE = 0.02


def ink_mask(gray: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
    """Binarise a page: True where there is ink.

    The page is binarised in the smoothed copy's own memory (one page-sized byte array on
    top of the input, not three: a 100-megapixel page is 100 MB each). Otsu's threshold `t`
    truncates the copy in place (values above `t` become `t`, which leaves ``copy < t``
    as it was), then a second threshold in place writes 1 where the copy is below `t` (at
    most ``ceil(t) - 1``, the copy being whole numbers) and 0 elsewhere.

    Parameters
    ----------
    gray : ndarray, shape (H, W), uint8
        Greyscale page, dark ink on light paper.
    where : ndarray of bool, shape (H, W), optional
        The pixels to read (a partly decoded page's decoded part): the threshold is chosen
        on them alone and there is no ink elsewhere.

    Returns
    -------
    ndarray of bool, shape (H, W)
        Otsu's threshold on a lightly smoothed page; a blank page (no contrast) has no ink.

    """
    g = np.asarray(gray, dtype=np.uint8)
    seen = g if where is None else g[where]
    if seen.size == 0 or int(seen.max()) - int(seen.min()) < 40:
        return np.zeros(g.shape, dtype=bool)
    smooth = cv2.GaussianBlur(g, (3, 3), 0)
    if where is None:
        threshold, _ = cv2.threshold(smooth, 0, 255, cv2.THRESH_TRUNC + cv2.THRESH_OTSU, dst=smooth)
    else:
        threshold, _ = cv2.threshold(
            smooth[where].reshape(-1, 1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
        )
    cv2.threshold(smooth, math.ceil(threshold) - 1, 1, cv2.THRESH_BINARY_INV, dst=smooth)
    ink = smooth.view(bool)
    if where is not None:
        ink &= where
    return ink


def soft_ink(ink: np.ndarray, sigma: float) -> np.ndarray:
    """Ink as float32 in [0, 1], blurred by `sigma` pixels so small misregistration is forgiven."""
    return cv2.GaussianBlur(ink.astype(np.float32), (0, 0), max(sigma, 0.5))


def ink_constancy(
    fixed_ink: np.ndarray, others_aligned: list[np.ndarray], tolerance: int
) -> np.ndarray:
    """For each ink pixel of the fixed page, the share of the other pages with ink near it.

    Parameters
    ----------
    fixed_ink : ndarray of bool, shape (H, W)
        Ink of the exemplar the template is expressed in.
    others_aligned : list of ndarray of bool, shape (H, W)
        Ink of the other exemplars, registered onto the fixed page.
    tolerance : int
        Radius in pixels within which ink counts as "near" (registration error).

    Returns
    -------
    ndarray of float32, shape (H, W), in [0, 1]
        0 outside the fixed page's ink; 1 where every other page has ink nearby.

    """
    out = np.zeros(fixed_ink.shape, dtype=np.float32)
    if not others_aligned:
        out[fixed_ink] = 1.0
        return out
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * tolerance + 1, 2 * tolerance + 1))
    for other in others_aligned:
        near = cv2.dilate(other.astype(np.uint8), kernel) > 0
        out += near.astype(np.float32)
    out /= len(others_aligned)
    out[~fixed_ink] = 0.0
    return out


@dataclass(frozen=True)
class TemplateBlock:
    """A block of the template: ink shared by the exemplars, grouped by proximity."""

    box: Box
    constancy: float  # share of the block's ink that every exemplar has
    ink_pixels: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        x, y, w, h = self.box
        return {
            "box": {"x": x, "y": y, "width": w, "height": h},
            "constancy": round(self.constancy, 3),
        }


def template_blocks(
    fixed_ink: np.ndarray,
    constancy: np.ndarray,
    *,
    min_constancy: float = 0.75,
    allowed: np.ndarray | None = None,
) -> list[TemplateBlock]:
    """Group the constant ink of an exemplar into blocks (letterhead, labels, rules...).

    Parameters
    ----------
    fixed_ink : ndarray of bool, shape (H, W)
        The exemplar's ink.
    constancy : ndarray of float32, shape (H, W)
        From `ink_constancy`.
    min_constancy : float
        A block is kept when at least this share of the exemplar's ink inside it is constant
        (body text shares ink with other letters only by chance, mostly well below this).
    allowed : ndarray of bool, shape (H, W), optional
        Where template blocks may lie (used when a single exemplar cannot show what is
        constant: then a layout's known fixed zones stand in).

    Returns
    -------
    list of TemplateBlock
        Sorted top to bottom, right to left.

    """
    _, w = fixed_ink.shape
    constant = (constancy >= 0.999) & fixed_ink
    if allowed is not None:
        constant &= allowed
    kx = max(3, round(w * 0.015)) | 1
    ky = max(3, round(w * 0.01)) | 1
    closed = cv2.morphologyEx(
        constant.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((ky, kx), np.uint8)
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    min_side = max(4, round(w * 0.006))
    min_area = (0.03 * w) ** 2  # a word of body text that happens to recur is smaller
    blocks: list[TemplateBlock] = []
    for i in range(1, count):
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        if max(bw, bh) < min_side * 2 or bw * bh < min_area:
            continue
        ink = int(np.count_nonzero(fixed_ink[y : y + bh, x : x + bw]))
        if ink == 0:
            continue
        share = float(np.count_nonzero(constant[y : y + bh, x : x + bw])) / ink
        if share >= min_constancy:
            blocks.append(TemplateBlock((x, y, bw, bh), share, ink))
    blocks.sort(key=lambda b: (b.box[1], -b.box[0]))
    return blocks


@dataclass(frozen=True)
class BlockComparison:
    """How one template block appears in the registered questioned page.

    ``status`` is ``same`` (found in place), ``moved`` (found shifted and/or rescaled),
    ``changed`` (the ink there is different) or ``missing`` (no ink there).
    """

    block: TemplateBlock
    status: str
    score: float  # normalised cross-correlation at zero shift, clipped to [0, 1]
    shift: tuple[float, float] = (0.0, 0.0)  # block centre displacement, fixed-page pixels
    scale: float = 1.0
    found_score: float | None = None  # correlation after compensating the shift/scale
    found_box: Box | None = None  # where the block lies in the questioned page (fixed frame)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = self.block.to_dict()
        out.update(
            status=self.status,
            score=round(self.score, 4),
            shift_px=[round(self.shift[0], 2), round(self.shift[1], 2)],
            scale=round(self.scale, 4),
            found_score=None if self.found_score is None else round(self.found_score, 4),
        )
        return out


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised cross-correlation of two equally sized float32 patches (0 when flat)."""
    if a.size == 0 or float(a.std()) < 1e-6 or float(b.std()) < 1e-6:
        return 0.0
    res = cv2.matchTemplate(
        np.ascontiguousarray(a, dtype=np.float32),
        np.ascontiguousarray(b, dtype=np.float32),
        cv2.TM_CCOEFF_NORMED,
    )
    return float(res[0, 0])


def _clip_box(box: Box, shape: tuple[int, ...]) -> Box:
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(int(shape[1]), x + w), min(int(shape[0]), y + h)
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def _local_similarity(
    fixed_patch: np.ndarray, moving_patch: np.ndarray
) -> tuple[np.ndarray, int] | None:
    """Similarity transform from fixed-patch to moving-patch coordinates, by ORB + RANSAC."""
    orb = cv2.ORB.create(nfeatures=1500, fastThreshold=7, edgeThreshold=15, patchSize=15)
    kf, df = orb.detectAndCompute(fixed_patch, None)
    km, dm = orb.detectAndCompute(moving_patch, None)
    if df is None or dm is None or len(kf) < 6 or len(km) < 6:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(df, dm, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
    if len(good) < 6:
        return None
    src = np.array([kf[m.queryIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    dst = np.array([km[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    matrix, inl = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=2.5
    )
    if matrix is None or inl is None or int(inl.sum()) < 6:
        return None
    return np.asarray(matrix, dtype=np.float64), int(inl.sum())


def compare_block(
    block: TemplateBlock,
    fixed_gray: np.ndarray,
    moving_gray: np.ndarray,
    fixed_soft: np.ndarray,
    moving_soft: np.ndarray,
    moving_ink: np.ndarray,
    *,
    search: int,
) -> BlockComparison:
    """Compare one template block of the fixed page with the registered moving page.

    Parameters
    ----------
    block : TemplateBlock
        The block, in fixed-page pixels.
    fixed_gray, moving_gray : ndarray, shape (H, W), uint8
        The exemplar and the questioned page registered onto it.
    fixed_soft, moving_soft : ndarray, shape (H, W), float32
        Their softened ink (`soft_ink`).
    moving_ink : ndarray of bool, shape (H, W)
        The questioned page's ink, registered.
    search : int
        How far (pixels) a moved block is looked for around its place.

    Returns
    -------
    BlockComparison

    """
    shape = fixed_gray.shape
    x, y, w, h = block.box
    pad = max(4, search // 8)
    px, py, pw, ph = _clip_box((x - pad, y - pad, w + 2 * pad, h + 2 * pad), shape)
    f = fixed_soft[py : py + ph, px : px + pw]
    m = moving_soft[py : py + ph, px : px + pw]
    score = max(0.0, _ncc(f, m))
    width = shape[1]
    if score >= SAME_NCC:
        return BlockComparison(block, "same", score, found_score=score, found_box=block.box)
    moved_ink = int(np.count_nonzero(moving_ink[y : y + h, x : x + w]))
    # Look for the block nearby, possibly rescaled: a local similarity fit, then a shift-only
    # template search when the block has too few features (a short label, a rule).
    sx, sy, sw, sh = _clip_box((x - search, y - search, w + 2 * search, h + 2 * search), shape)
    fixed_patch = fixed_gray[py : py + ph, px : px + pw]
    moving_patch = moving_gray[sy : sy + sh, sx : sx + sw]
    best: BlockComparison | None = None
    local = _local_similarity(np.ascontiguousarray(fixed_patch), np.ascontiguousarray(moving_patch))
    if local is not None:
        mat, inliers = local
        scale = math.hypot(mat[0, 0], mat[1, 0])
        if 0.7 < scale < 1.4:
            centre = np.array([x + w / 2 - px, y + h / 2 - py])
            moved_centre = mat[:, :2] @ centre + mat[:, 2] + np.array([sx, sy])
            shift = (float(moved_centre[0] - (x + w / 2)), float(moved_centre[1] - (y + h / 2)))
            # Verify: resample the questioned page through the local fit into the fixed patch's
            # frame (each patch pixel looks up where the fit sends it) and correlate.
            lookup = mat.copy()
            lookup[:, 2] += np.array([sx, sy], dtype=np.float64)
            back = cv2.warpAffine(
                np.ascontiguousarray(moving_soft),
                lookup,
                (pw, ph),
                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            )
            found = max(0.0, _ncc(f, back))
            fw, fh = round(w * scale), round(h * scale)
            fbox = (
                round(x + w / 2 + shift[0] - fw / 2),
                round(y + h / 2 + shift[1] - fh / 2),
                fw,
                fh,
            )
            best = BlockComparison(
                block,
                "moved",
                score,
                shift,
                float(scale),
                found,
                fbox,
                {"method": "local similarity", "inliers": inliers},
            )
    if best is None or (best.found_score or 0.0) < SAME_NCC:
        mw = moving_soft[sy : sy + sh, sx : sx + sw]
        if mw.shape[0] >= f.shape[0] and mw.shape[1] >= f.shape[1] and float(f.std()) > 1e-6:
            res = cv2.matchTemplate(mw, f, cv2.TM_CCOEFF_NORMED)
            _, peak, _, loc = cv2.minMaxLoc(res)
            if best is None or peak > (best.found_score or 0.0):
                shift = (float(sx + loc[0] - px), float(sy + loc[1] - py))
                best = BlockComparison(
                    block,
                    "moved",
                    score,
                    shift,
                    1.0,
                    max(0.0, float(peak)),
                    (x + round(shift[0]), y + round(shift[1]), w, h),
                    {"method": "template search"},
                )
    if (
        best is not None
        and best.extra.get("method") == "template search"
        and ((best.found_score or 0.0) < 0.9 or math.hypot(*best.shift) > search / 2)
    ):
        # A shift-only match far away or weak is most often another word of the same shape.
        best = BlockComparison(block, "changed", score, found_score=best.found_score)
    if best is not None and best.status == "moved" and (best.found_score or 0.0) >= SAME_NCC:
        small_shift = math.hypot(*best.shift) < SHIFT_TOLERANCE * width
        if small_shift and abs(best.scale - 1.0) < SCALE_TOLERANCE:
            return BlockComparison(
                block,
                "same",
                score,
                best.shift,
                best.scale,
                best.found_score,
                best.found_box,
                best.extra,
            )
        return best
    status = "missing" if moved_ink < 0.1 * block.ink_pixels else "changed"
    return BlockComparison(
        block, status, score, found_score=None if best is None else best.found_score
    )
