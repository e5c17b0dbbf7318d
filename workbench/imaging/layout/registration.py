"""Register one page image onto another that shares its printed template.

Letters of one issuer share a template (letterhead, rules, field labels, footer) but differ in
their body text, so registration must rest on the parts they share and must refuse, clearly,
when two pages share nothing. The method: ORB keypoints on both pages at a common working
width, ratio-tested Hamming matches, and a RANSAC-fitted similarity transform (rotation,
uniform scale, translation: what a flatbed scan or a photocopy does to a page). Matches between
different body words are geometrically inconsistent and fall out as RANSAC outliers; keypoints
of the fixed page can be restricted to a mask (the template's ink) so they do not crowd out
the template in the first place.

A transform is accepted only when enough matches agree, and when it is plausible for two
scans of one page format: near-unit scale at the common working width, small rotation, and no
shear. Otherwise the result says which test failed, in words a user can read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

#: Width both pages are resized to for feature detection (pixels).
WORK_WIDTH = 1000
#: Fewest RANSAC inliers for a transform to count as a registration.
MIN_INLIERS = 40
#: Smallest share of ratio-tested matches that must be inliers.
MIN_INLIER_RATIO = 0.12
#: Largest relative scale change (at the common working width) for the same page format.
MAX_SCALE_CHANGE = 0.2
#: Largest rotation, in degrees, expected between two scans of a page.
MAX_ROTATION_DEG = 10.0


@dataclass(frozen=True)
class Registration:
    """The result of registering a moving page onto a fixed page.

    Attributes
    ----------
    registered : bool
        Whether a plausible transform was found.
    reason : str
        Why the registration was accepted or refused, in plain language.
    matrix : ndarray of float64, shape (2, 3), or None
        Affine matrix mapping moving-page pixel coordinates ``(x, y)`` to fixed-page pixel
        coordinates, at full resolution; None when no transform was estimated.
    matches : int
        Ratio-tested feature matches.
    inliers : int
        Matches consistent with the transform.
    scale : float or None
        Scale of the transform relative to the pages' common working width (1.0 = same).
    rotation_deg : float or None
        Rotation of the transform in degrees, positive counter-clockwise as seen on screen
        (the convention of ``cv2.getRotationMatrix2D``).
    translation : tuple of float or None
        ``(tx, ty)`` of the full-resolution matrix, in fixed-page pixels.

    """

    registered: bool
    reason: str
    matrix: np.ndarray | None
    matches: int
    inliers: int
    scale: float | None = None
    rotation_deg: float | None = None
    translation: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (matrix as nested lists)."""
        return {
            "registered": self.registered,
            "reason": self.reason,
            "matrix": None if self.matrix is None else np.round(self.matrix, 6).tolist(),
            "matches": self.matches,
            "inliers": self.inliers,
            "scale": None if self.scale is None else round(self.scale, 5),
            "rotation_degrees": None if self.rotation_deg is None else round(self.rotation_deg, 4),
            "translation": None
            if self.translation is None
            else [round(self.translation[0], 2), round(self.translation[1], 2)],
        }

    def inverse(self) -> np.ndarray:
        """The affine matrix mapping fixed-page coordinates back to the moving page."""
        if self.matrix is None:
            raise ValueError("no transform to invert")
        return np.asarray(cv2.invertAffineTransform(self.matrix), dtype=np.float64)


def _to_gray_u8(image: np.ndarray) -> np.ndarray:
    arr = np.asarray(image)
    if arr.ndim == 3:
        arr = cv2.cvtColor(arr[..., :3].astype(np.uint8), cv2.COLOR_RGB2GRAY)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return arr


def _resize_to_width(gray: np.ndarray, width: int) -> tuple[np.ndarray, float]:
    factor = width / gray.shape[1]
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    height = max(1, round(gray.shape[0] * factor))
    return cv2.resize(gray, (width, height), interpolation=interp), factor


def register(
    moving: np.ndarray,
    fixed: np.ndarray,
    *,
    fixed_mask: np.ndarray | None = None,
    work_width: int = WORK_WIDTH,
    max_features: int = 2000,
    min_inliers: int = MIN_INLIERS,
) -> Registration:
    """Estimate the similarity transform that maps `moving` onto `fixed`.

    Parameters
    ----------
    moving : ndarray, shape (H, W) or (H, W, 3), uint8
        The page to align (the questioned page), greyscale or RGB.
    fixed : ndarray, shape (H2, W2) or (H2, W2, 3), uint8
        The reference page (an exemplar).
    fixed_mask : ndarray of bool, shape (H2, W2), optional
        Where keypoints of `fixed` may be taken from (e.g. the template's ink, dilated);
        None uses the whole page.
    work_width : int
        Both pages are resized to this width for detection; the transform is returned at
        full resolution.
    max_features : int
        ORB keypoints per page.
    min_inliers : int
        Fewest consistent matches to accept.

    Returns
    -------
    Registration
        With ``registered`` False and a reason when the pages do not share a template.

    """
    mov = _to_gray_u8(moving)
    fix = _to_gray_u8(fixed)
    if min(mov.shape) < 32 or min(fix.shape) < 32:
        return Registration(False, "a page is too small to register", None, 0, 0)
    mov_s, fm = _resize_to_width(mov, work_width)
    fix_s, ff = _resize_to_width(fix, work_width)
    mask_s = None
    if fixed_mask is not None:
        mask_s = cv2.resize(
            np.asarray(fixed_mask, dtype=np.uint8) * 255,
            (fix_s.shape[1], fix_s.shape[0]),
            interpolation=cv2.INTER_NEAREST,
        )
        if int(np.count_nonzero(mask_s)) < 1000:
            mask_s = None
    orb = cv2.ORB.create(nfeatures=max_features, scaleFactor=1.2, nlevels=8, fastThreshold=10)
    kp_m, des_m = orb.detectAndCompute(mov_s, None)
    kp_f, des_f = orb.detectAndCompute(fix_s, mask_s)
    if des_m is None or des_f is None or len(kp_m) < 10 or len(kp_f) < 10:
        return Registration(
            False,
            "too few distinctive features on one of the pages (blank or nearly blank page)",
            None,
            0,
            0,
        )
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = matcher.knnMatch(des_m, des_f, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
    if len(good) < min_inliers:
        return Registration(
            False,
            f"only {len(good)} feature matches between the pages (at least {min_inliers} "
            "needed): the pages do not appear to share a template",
            None,
            len(good),
            0,
        )
    src = np.array([kp_m[m.queryIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    dst = np.array([kp_f[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    matrix, inlier_mask = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=3.0, maxIters=5000, confidence=0.995
    )
    if matrix is None or inlier_mask is None:
        return Registration(
            False,
            "no consistent transform between the pages: they do not appear to share a template",
            None,
            len(good),
            0,
        )
    inliers = int(inlier_mask.sum())
    a, b = float(matrix[0, 0]), float(matrix[1, 0])
    scale = math.hypot(a, b)
    # In the convention of cv2.getRotationMatrix2D: positive turns the page counter-clockwise
    # as seen on screen (image y axis pointing down).
    rotation = math.degrees(math.atan2(-b, a))
    # Back to full resolution: x_f = (1/ff) * M_s * (fm * x_m).
    full = np.asarray(matrix, dtype=np.float64).copy()
    full[:, :2] *= fm / ff
    full[:, 2] /= ff
    base = dict(
        matrix=full,
        matches=len(good),
        inliers=inliers,
        scale=scale,
        rotation_deg=rotation,
        translation=(float(full[0, 2]), float(full[1, 2])),
    )
    ratio = inliers / len(good)
    if inliers < min_inliers or ratio < MIN_INLIER_RATIO:
        return Registration(
            False,
            f"only {inliers} of {len(good)} feature matches agree on one transform "
            f"(at least {min_inliers} and {MIN_INLIER_RATIO:.0%} needed): the pages do not "
            "appear to share a template",
            **base,  # type: ignore[arg-type]
        )
    if abs(scale - 1.0) > MAX_SCALE_CHANGE:
        return Registration(
            False,
            f"the best transform rescales the page by {scale:.2f} relative to its width: "
            "implausible for two copies of one page format",
            **base,  # type: ignore[arg-type]
        )
    if abs(rotation) > MAX_ROTATION_DEG:
        return Registration(
            False,
            f"the best transform rotates the page by {rotation:.1f} degrees: implausible for "
            "two scans of one page format",
            **base,  # type: ignore[arg-type]
        )
    return Registration(
        True,
        f"{inliers} of {len(good)} feature matches agree on one similarity transform",
        **base,  # type: ignore[arg-type]
    )


def warp_to(moving: np.ndarray, matrix: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Resample `moving` into the fixed page's frame.

    Parameters
    ----------
    moving : ndarray, shape (H, W) or (H, W, C)
        The image to warp.
    matrix : ndarray, shape (2, 3)
        Moving-to-fixed affine matrix (`Registration.matrix`).
    shape : tuple of int
        ``(height, width)`` of the fixed page.

    Returns
    -------
    ndarray
        `moving` in fixed-page pixels, same dtype; outside the moving page filled with white
        (255), since paper is what lies beyond a page's edge.

    """
    return cv2.warpAffine(
        np.ascontiguousarray(moving),
        np.asarray(matrix, dtype=np.float64),
        (int(shape[1]), int(shape[0])),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def transform_box(box: tuple[int, int, int, int], matrix: np.ndarray) -> tuple[int, int, int, int]:
    """Map an ``(x, y, width, height)`` box through an affine matrix; returns its bounding box."""
    x, y, w, h = box
    corners = np.array([[x, y], [x + w, y], [x, y + h], [x + w, y + h]], dtype=np.float64)
    mapped = corners @ np.asarray(matrix, dtype=np.float64)[:, :2].T + matrix[:, 2]
    x0, y0 = np.floor(mapped.min(axis=0))
    x1, y1 = np.ceil(mapped.max(axis=0))
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)
