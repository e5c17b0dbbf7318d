"""Preparing a page image for Tesseract: rotation, deskew, rescaling, cleaning.

Pure functions over ``(h, w)`` uint8 greyscale arrays (0 black .. 255 white). Each step
returns the affine transform it applied, so word boxes found on the prepared image can be
mapped back to pixels of the decoded page. Which steps run by default was decided by
measurement (``benchmarks/ocr_benchmark.py``; figures in ``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

#: Median height, in pixels, of the letter bodies Tesseract is given when larger type is
#: shrunk. Chosen by sweeps of 14-30 px (see RESULTS.md): shrinking 300-dpi body type
#: (letters of 25-30 px) lowers the error rate, least at 16-18 px. At 16-18 px a bold
#: heading can read too badly to be kept, which the reading again of skipped lines
#: (`Steps.recover_lines`) repairs; 18 px read the samples corpus best.
TARGET_TEXT_HEIGHT = 18.0
#: Rescaling is skipped when the factor is within this ratio of 1 (not worth the time).
RESCALE_TOLERANCE = 1.1
#: Text this small or smaller (150-dpi web JPEGs: letters of 12-16 px) is enlarged, to
#: `ENLARGED_TEXT_HEIGHT`; text between this and the target is left as it is.
MAX_HEIGHT_TO_ENLARGE = 16.0
#: Small type is enlarged to letters this tall: enlarging only to `TARGET_TEXT_HEIGHT`
#: gained nothing on 150-dpi pages, to 22 px it lowered their error rate.
ENLARGED_TEXT_HEIGHT = 22.0
#: Never enlarge more than this (a tiny thumbnail does not become readable) nor shrink below.
MAX_UPSCALE = 3.0
MIN_DOWNSCALE = 0.35
#: Skew angles searched, in degrees either way.
MAX_SKEW = 5.0
#: Smaller tilts are left alone: Tesseract copes with them, and resampling costs sharpness
#: (levelling tilts of 0.4-1.2 degrees raised the error rate of the samples and web JPEGs;
#: levelling tilts of 2.5-3 degrees halved it).
MIN_SKEW = 1.5


@dataclass(frozen=True)
class Steps:
    """Which preprocessing steps to run (the defaults are the ones that measurably help)."""

    deskew: bool = True
    rescale: bool = True
    denoise: bool = False
    binarise: bool = False
    #: Not an image step but a Tesseract setting (``textord_noise_rejrows=0``, applied by
    #: `workbench.ocr`): keep text rows Tesseract's noise filter would drop. Arabic-script
    #: rows, full of dots and small letter groups, look like noise to it; short lines such
    #: as a heading or a signature line were dropped whole.
    keep_noisy_rows: bool = True
    #: After reading (`workbench.imaging.recognition.ocr_postprocess`, applied by
    #: `workbench.ocr`): read again, one line at a time, line-shaped ink that no word box
    #: covers (headings, closings and list entries Tesseract's layout analysis skipped).
    recover_lines: bool = True
    #: After reading: « ، » misread as « . », « , » or « » » is put back where the glyph's
    #: shape (or the Latin comma inside Persian or Arabic text) says so.
    fix_commas: bool = True

    @classmethod
    def none(cls) -> Steps:
        """No step at all: the page as decoded, Tesseract at its defaults."""
        return cls(
            deskew=False,
            rescale=False,
            denoise=False,
            binarise=False,
            keep_noisy_rows=False,
            recover_lines=False,
            fix_commas=False,
        )


DEFAULT_STEPS = Steps()


@dataclass(frozen=True)
class Preprocessed:
    """The image to give Tesseract and how it relates to the decoded page.

    Attributes:
        image: ``(h', w')`` uint8 greyscale (or 0/255 when binarised).
        to_page: ``(2, 3)`` float affine matrix mapping ``(x, y, 1)`` in `image` to the
            decoded page's pixels.
        effective_dpi: the resolution to declare to Tesseract, or None to let it estimate.
        steps: what was done, JSON-ready (for the report).

    """

    image: np.ndarray
    to_page: np.ndarray
    effective_dpi: float | None
    steps: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def identity(cls, gray: np.ndarray, dpi: float | None = None) -> Preprocessed:
        """The page as it is."""
        return cls(gray, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), dpi, {})


def _compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The 2x3 affine ``outer(inner(p))``."""
    a = np.vstack([outer, [0.0, 0.0, 1.0]])
    b = np.vstack([inner, [0.0, 0.0, 1.0]])
    product: np.ndarray = a @ b
    return product[:2]


def _invert(affine: np.ndarray) -> np.ndarray:
    inverse: np.ndarray = np.asarray(cv2.invertAffineTransform(affine), dtype=float)
    return inverse


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark-on-light ink as a bool mask, by Otsu's threshold.

    Parameters
    ----------
    gray : (h, w) uint8 array
        The page in greyscale, 0 black to 255 white.

    Returns
    -------
    (h, w) bool array, True where there is ink.

    """
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return np.asarray(binary > 0)


def estimate_text_height(gray: np.ndarray) -> float | None:
    """Median height in pixels of the letter bodies on the page, or None without text.

    Connected components of ink are measured; dots, specks and ruled lines or pictures are
    left out by size. For Arabic-script text this is the height of the joined letter
    groups, which tracks the x-height closely enough to choose a scale.

    Parameters
    ----------
    gray : (h, w) uint8 array
        The page in greyscale, 0 black to 255 white.

    Returns
    -------
    float or None

    """
    mask = ink_mask(gray).astype(np.uint8)
    if mask.mean() > 0.5:  # light text on dark: not a page Otsu separates sensibly
        return None
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return None
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    areas = stats[1:, cv2.CC_STAT_AREA]
    page_h = gray.shape[0]
    keep = (heights >= 4) & (heights <= page_h / 8) & (areas >= 12) & (widths <= 40 * heights)
    if keep.sum() < 5:
        return None
    kept = heights[keep]
    # Dots and diacritics are many and small: measure the taller half of the components.
    tall = kept[kept >= np.percentile(kept, 50)]
    return float(np.median(tall))


def looks_like_one_line(gray: np.ndarray) -> bool:
    """Whether the image is a single line of text (a line or word cut from a page).

    Rows with ink form bands; bands closer than a third of the tallest one's height are one
    band (dots and diacritics above and below a line). One band of text in an image at least
    twice as wide as tall is a line image, which Tesseract reads best as one line (``--psm
    7``): its page segmentation, and the rescaling tuned on pages, cost accuracy there.
    """
    height, width = gray.shape[:2]
    if height < 8 or width < 2 * height:
        return False
    mask = ink_mask(gray)
    if not mask.any() or mask.mean() > 0.5:
        return False
    rows = mask.sum(axis=1) > max(1, 0.002 * width)
    bands: list[list[int]] = []
    for y, inked in enumerate(rows):
        if inked and bands and y - bands[-1][1] <= 1:
            bands[-1][1] = y
        elif inked:
            bands.append([y, y])
    tallest = max(b[1] - b[0] + 1 for b in bands)
    merged: list[list[int]] = []
    for band in bands:
        if merged and band[0] - merged[-1][1] < tallest / 3:
            merged[-1][1] = band[1]
        else:
            merged.append(list(band))
    text_bands = [b for b in merged if b[1] - b[0] + 1 >= tallest / 3]
    return len(text_bands) == 1


def estimate_skew(gray: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The angle in degrees (counter-clockwise positive) by which text lines are tilted.

    Searches the angle whose row projection of the ink is sharpest (text lines and the gaps
    between them line up), coarse then fine, on a reduced copy of the page.

    Parameters
    ----------
    gray : (h, w) uint8 array
        The page in greyscale, 0 black to 255 white.
    max_angle : float
        Largest tilt searched, in degrees either way.

    Returns
    -------
    float
        Rotating the page by minus this angle levels its lines; 0.0 without enough text.

    """
    mask: np.ndarray = ink_mask(gray).astype(np.uint8) * 255
    if not mask.any():
        return 0.0
    scale = min(1.0, 1000.0 / max(gray.shape))
    if scale < 1.0:
        mask = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = mask.shape
    centre = (w / 2.0, h / 2.0)
    known: dict[float, float] = {}

    def sharpness(angle: float) -> float:
        # Each angle is measured once (the fine search and the final comparisons revisit
        # some); the row sums and their differences are exact integers, summed by OpenCV.
        if angle in known:
            return known[angle]
        rot = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(mask, rot, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = cv2.reduce(turned, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
        steps = np.diff(profile.astype(np.int64))
        known[angle] = value = float(np.dot(steps, steps))
        return value

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    angle = float(max(fine, key=sharpness))
    # The profile ties at 0 for a level page; keep exact zero when the gain is negligible.
    if sharpness(angle) <= sharpness(0.0) * 1.01:
        return 0.0
    return -round(angle, 2)


def looks_sideways(gray: np.ndarray) -> bool:
    """Whether the page's text lines seem to run vertically (a page turned by 90 degrees).

    Compares how sharply ink lines up in rows and in columns; a cheap test that decides
    whether the slower orientation detection is worth running.

    Parameters
    ----------
    gray : (h, w) uint8 array
        The page in greyscale, 0 black to 255 white.

    Returns
    -------
    bool

    """
    mask: np.ndarray = ink_mask(gray).astype(np.uint8)
    if mask.sum() < 200:
        return False
    scale = min(1.0, 1000.0 / max(gray.shape))
    if scale < 1.0:
        mask = cv2.resize(mask * 255, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    rows = mask.sum(axis=1, dtype=np.float64)
    cols = mask.sum(axis=0, dtype=np.float64)
    row_score = np.square(np.diff(rows)).sum() / max(len(rows), 1)
    col_score = np.square(np.diff(cols)).sum() / max(len(cols), 1)
    return bool(col_score > 1.5 * row_score)


def rotate_right_angle(gray: np.ndarray, degrees: int) -> tuple[np.ndarray, np.ndarray]:
    """Rotate clockwise by a multiple of 90 degrees; returns the image and the affine map.

    Parameters
    ----------
    gray : (h, w) uint8 array
        The page in greyscale.
    degrees : int
        0, 90, 180 or 270 (clockwise).

    Returns
    -------
    image : (h', w') uint8 array
    to_source : (2, 3) float array mapping (x, y, 1) in the result to the input.

    """
    h, w = gray.shape
    turns = (degrees // 90) % 4
    if turns == 0:
        return gray, np.array([[1.0, 0, 0], [0, 1.0, 0]])
    if turns == 1:  # clockwise: result (x', y') = (h-1-y, x)
        out = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
        to_source = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, h]])
    elif turns == 2:
        out = cv2.rotate(gray, cv2.ROTATE_180)
        to_source = np.array([[-1.0, 0.0, w], [0.0, -1.0, h]])
    else:
        out = cv2.rotate(gray, cv2.ROTATE_90_COUNTERCLOCKWISE)
        to_source = np.array([[0.0, -1.0, w], [1.0, 0.0, 0.0]])
    return np.ascontiguousarray(out), to_source


def rescale(gray: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Resize by `factor` (cubic when enlarging, area averaging when shrinking).

    Returns the image and the (2, 3) affine map from its pixels to the input's.
    """
    h, w = gray.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    out = cv2.resize(gray, size, interpolation=interpolation)
    fx, fy = w / size[0], h / size[1]
    return out, np.array([[fx, 0.0, 0.0], [0.0, fy, 0.0]])


def warp(gray: np.ndarray, degrees: float, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate counter-clockwise by `degrees` and scale by `factor` in one resampling.

    The output is the input's size times `factor`, centred, with white where the turned page
    leaves the frame. Returns the image and the (2, 3) affine map from its pixels to the input's.
    """
    h, w = gray.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    forward = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), degrees, factor)
    forward[0, 2] += size[0] / 2.0 - w / 2.0
    forward[1, 2] += size[1] / 2.0 - h / 2.0
    out = cv2.warpAffine(
        gray,
        forward,
        size,
        flags=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    return out, _invert(forward)


def denoise(gray: np.ndarray) -> np.ndarray:
    """Suppress JPEG ringing and sensor noise while keeping stroke edges (3x3 median)."""
    return np.asarray(cv2.medianBlur(gray, 3))


def binarise(gray: np.ndarray) -> np.ndarray:
    """Black text on white by a local (Gaussian-weighted) threshold, robust to shading."""
    block = max(15, (min(gray.shape) // 40) | 1)
    out = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15
    )
    return np.asarray(out)


def prepare_for_ocr(
    gray: np.ndarray,
    *,
    dpi: float | None = None,
    rotation: int = 0,
    steps: Steps = DEFAULT_STEPS,
    target_height: float | None = None,
) -> Preprocessed:
    """The page prepared for Tesseract, with the map back to the page's pixels.

    Parameters
    ----------
    gray : (h, w) uint8 array
        The decoded page in greyscale.
    dpi : float, optional
        The resolution the file declares, declared to Tesseract when the page is not rescaled.
    rotation : int
        Clockwise right-angle rotation to apply first (from orientation detection).
    steps : Steps
        Which steps to run.
    target_height : float, optional
        Letter-body height in pixels to rescale to (default: `TARGET_TEXT_HEIGHT` for
        larger type, `ENLARGED_TEXT_HEIGHT` for type of `MAX_HEIGHT_TO_ENLARGE` or less).

    Returns
    -------
    Preprocessed

    """
    image = np.ascontiguousarray(gray)
    to_page = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    done: dict[str, Any] = {}
    if rotation % 360:
        image, to_source = rotate_right_angle(image, rotation)
        to_page = _compose(to_page, to_source)
        done["rotation"] = rotation % 360
    # Skew and scale are measured first and applied in one resampling, so that small type
    # is not blurred twice.
    angle = 0.0
    if steps.deskew:
        angle = estimate_skew(image)
        done["skew_degrees"] = angle
    factor = 1.0
    effective_dpi = dpi
    if steps.rescale:
        height = estimate_text_height(image)
        if height is not None:
            if target_height:
                target = target_height
            elif height <= MAX_HEIGHT_TO_ENLARGE:
                target = ENLARGED_TEXT_HEIGHT
            else:
                target = min(TARGET_TEXT_HEIGHT, height)
            factor = float(np.clip(target / height, MIN_DOWNSCALE, MAX_UPSCALE))
            if 1 / RESCALE_TOLERANCE < factor < RESCALE_TOLERANCE:
                factor = 1.0
        done["text_height_px"] = None if height is None else round(height, 1)
        done["scale"] = round(factor, 3)
        if factor != 1.0 and dpi:
            effective_dpi = dpi * factor
    if abs(angle) >= MIN_SKEW:
        image, to_source = warp(image, -angle, factor)
        to_page = _compose(to_page, to_source)
    elif factor != 1.0:
        image, to_source = rescale(image, factor)
        to_page = _compose(to_page, to_source)
    if steps.denoise:
        image = denoise(image)
        done["denoise"] = "median3"
    if steps.binarise:
        image = binarise(image)
        done["binarise"] = "adaptive_gaussian"
    return Preprocessed(image, to_page, effective_dpi, done)
