"""Text lines of a page and their typography, measured from the image.

A retyped date or sentence is usually set in a slightly different typeface, size or weight
than the lines around it, or sits on its own baseline. This module finds the text lines of a
binarised page (horizontal smearing: ink runs joined along the line, so a block on the left and
the letterhead on the right of the same rows stay separate lines), measures each line (core
height, overall ink height, ascender and descender from the baseline, stroke width from the
distance transform of the ink, ink density,
baseline angle, margins), groups the lines into blocks of one role (consecutive lines sharing
an aligned edge and a regular pitch: the body, the number/date block), and finds the lines
whose type differs from their block with robust z-scores (median and MAD, with a floor on
the MAD so near-identical lines do not turn noise into alarms).

Coordinates are pixels of the page given, origin top-left; boxes are ``(x, y, width, height)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import cv2
import numpy as np

from workbench.imaging.aligned import aligned_empty
from workbench.imaging.components import components_with_stats

Box = tuple[int, int, int, int]

#: Features compared between lines, with the relative difference that matters for each.
FEATURES: dict[str, float] = {
    "core_height": 0.6,  # the band around the baseline: varies with content, so a wide margin
    "ink_height": 0.12,
    "stroke_width": 0.15,
    "descender": 0.15,
    "ascender": 0.12,
}
#: Only lines at least this many times longer than high are judged (about 15 letters or more).
MIN_LENGTH = 12.0
#: Stroke-width ratio between sorted neighbouring lines that separates two weights (bold).
WEIGHT_STEP = 1.25
#: Robust z-score above which a line is an outlier in its block.
Z_THRESHOLD = 3.5
#: Floor of the median absolute deviation, relative to the median.
MAD_FLOOR = 0.03


@dataclass(frozen=True)
class LineMetrics:
    """Typography of one text line.

    Attributes are in pixels of the page unless said otherwise.
    """

    index: int
    box: Box
    core_height: float  # rows holding at least 40% of the line's peak row ink
    ink_height: float  # 5th-95th percentile extent of the ink rows
    stroke_width: float  # mean width of strokes (twice the distance transform on ridges)
    ascender: float  # from the baseline (densest row) up to the 2nd percentile of ink rows
    descender: float  # from the baseline down to the 98th percentile of ink rows
    density: float  # ink pixels per pixel of the core band, 0-1
    baseline_angle: float  # degrees, positive = rising to the right
    left_margin: int
    right_margin: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with rounded figures."""
        out = asdict(self)
        x, y, w, h = self.box
        out["box"] = {"x": x, "y": y, "width": w, "height": h}
        for key in (
            "core_height",
            "ink_height",
            "stroke_width",
            "ascender",
            "descender",
            "density",
            "baseline_angle",
        ):
            out[key] = round(float(out[key]), 3)
        return out


def profile_variance(profile: np.ndarray) -> float:
    """``float(np.var(profile))`` of a non-empty 1-D float64 array, in numpy's own steps.

    Its sum over its length, the deviations from that mean squared in place, their sum over
    the length: the same operations as numpy's, without its per-call overhead (the deskew
    searches call it some 30 times for each line of a letter).
    """
    n = profile.size
    deviation = profile - profile.sum() / n
    np.multiply(deviation, deviation, out=deviation)
    return float(deviation.sum() / n)


def deskew_angle(ink: np.ndarray, max_degrees: float = 3.0, step: float = 0.2) -> float:
    """The rotation (degrees) that makes text lines horizontal, by projection-profile sharpness.

    Parameters
    ----------
    ink : ndarray of bool, shape (H, W)
        Binarised page.
    max_degrees, step : float
        Search range and step.

    Returns
    -------
    float
        Angle to pass to `rotate` (0.0 for a blank page).

    """
    if not ink.any():
        return 0.0
    factor = min(1.0, 800 / ink.shape[1])
    # one page-sized byte array (the 0/255 page), not two
    small = cv2.resize(
        np.multiply(ink, 255, dtype=np.uint8),
        None,
        fx=factor,
        fy=factor,
        interpolation=cv2.INTER_AREA,
    )
    h, w = small.shape

    def sharpness(angle: float) -> float:
        mat = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rot = cv2.warpAffine(small, mat, (w, h), flags=cv2.INTER_NEAREST)
        return profile_variance(rot.sum(axis=1, dtype=np.float64))

    # Coarse search, then a fine one around the best coarse angle.
    coarse = 4 * step
    angles = np.arange(-max_degrees, max_degrees + 1e-9, coarse)
    best = float(max(angles, key=lambda a: sharpness(float(a))))
    fine = np.arange(best - coarse, best + coarse + 1e-9, step)
    return float(max(fine, key=lambda a: sharpness(float(a))))


def rotate(image: np.ndarray, angle: float, *, border: int = 0) -> np.ndarray:
    """Rotate an image about its centre by `angle` degrees, keeping its size."""
    if abs(angle) < 1e-6:
        return image
    h, w = image.shape[:2]
    mat = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, mat, (w, h), flags=cv2.INTER_NEAREST, borderValue=border)


def ink_groups(
    ink: np.ndarray, kernel: tuple[int, int], min_area: int = 1
) -> tuple[np.ndarray, list[tuple[int, Box, int, np.ndarray]]]:
    """Ink joined by smearing (dilation with a ``(rows, columns)`` kernel), group by group.

    Returns the label image of the smeared groups and, for each group with at least
    `min_area` ink pixels, its label, the bounding box of the ink it holds (not of the
    smear), that ink's pixel count, and the ink inside the box that belongs to the group.
    """
    joined = cv2.dilate(ink.astype(np.uint8), np.ones(kernel, np.uint8))
    count, labels, stats, _ = components_with_stats(joined)
    groups: list[tuple[int, Box, int, np.ndarray]] = []
    for i in range(1, count):
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        part = (labels[y : y + bh, x : x + bw] == i) & ink[y : y + bh, x : x + bw]
        ys, xs = np.nonzero(part)
        if ys.size < max(min_area, 1):
            continue
        x0, y0, x1, y1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
        box = (x + x0, y + y0, x1 - x0, y1 - y0)
        groups.append((i, box, int(ys.size), part[y0:y1, x0:x1]))
    return labels, groups


def _bands(occupied: np.ndarray, min_rows: int) -> list[tuple[int, int]]:
    """Row ranges ``[start, stop)`` covering the occupied rows, cut only at empty rows.

    Consecutive runs of occupied rows are merged until a band spans at least `min_rows`
    rows (fewer, larger labelling calls); nothing 8-connected crosses an empty row, so each
    band can be labelled alone.
    """
    rows = np.flatnonzero(occupied)
    if rows.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(rows) > 1)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    stops = np.concatenate((rows[breaks] + 1, [rows[-1] + 1]))
    bands: list[tuple[int, int]] = []
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        if bands and bands[-1][1] - bands[-1][0] < min_rows:
            bands[-1] = (bands[-1][0], stop)
        else:
            bands.append((start, stop))
    return bands


def _label(binary: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected labels of a 0/1 image, 16-bit while they fit (half the memory of 32)."""
    try:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(
            binary, connectivity=8, ltype=cv2.CV_16U
        )
    except cv2.error:  # more than 65,534 groups
        count, labels, stats, _ = cv2.connectedComponentsWithStats(
            binary, connectivity=8, ltype=cv2.CV_32S
        )
    return count, labels, stats


def banded_ink_groups(
    ink: np.ndarray, kernel: tuple[int, int], min_area: int = 1, band_rows: int = 512
) -> list[tuple[Box, int, np.ndarray]]:
    """The groups of `ink_groups` (box, ink pixel count, the group's ink), without the label image.

    The smeared page is labelled band by band, cut at rows the smear left empty (such as
    the gaps between text lines), in 16-bit labels where they fit: on a 100-megapixel page
    the label image of the whole page alone is 400 MB, a band's a few MB. The groups are
    those of `ink_groups`, in the order of their first row.
    """
    joined = cv2.dilate(
        ink.view(np.uint8) if ink.dtype == bool else ink.astype(np.uint8), np.ones(kernel, np.uint8)
    )
    groups: list[tuple[Box, int, np.ndarray]] = []
    for top, bottom in _bands(joined.max(axis=1) > 0, band_rows):
        count, labels, stats = _label(joined[top:bottom])
        for i in range(1, count):
            x, y, bw, bh, _ = (int(v) for v in stats[i])
            part = (labels[y : y + bh, x : x + bw] == i) & ink[top + y : top + y + bh, x : x + bw]
            ys, xs = np.nonzero(part)
            if ys.size < max(min_area, 1):
                continue
            x0, y0, x1, y1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
            box = (x + x0, top + y + y0, x1 - x0, y1 - y0)
            groups.append((box, int(ys.size), part[y0:y1, x0:x1]))
        del labels
    return groups


def segment_lines(ink: np.ndarray, *, smear: int | None = None) -> list[Box]:
    """Find text line segments on a deskewed binarised page.

    Parameters
    ----------
    ink : ndarray of bool, shape (H, W)
        Deskewed ink.
    smear : int, optional
        Horizontal gap (pixels) bridged between ink of one line; default 2.5% of the width.

    Returns
    -------
    list of tuple
        ``(x, y, width, height)`` boxes, top to bottom then right to left. Rules, emblems and
        specks are left out (too flat, too tall or too small for a line of text).

    """
    _, w = ink.shape
    k = smear or max(5, round(w * 0.025))
    boxes: list[Box] = []
    for (x, y, bw, bh), area, part in banded_ink_groups(ink, (3, k)):
        if bh < 0.004 * w or bh > 0.06 * w or bw < 0.04 * w:
            continue
        if bw / max(bh, 1) < 2.0:
            continue  # emblems, seals, isolated marks
        if area / (bw * bh) > 0.85:
            continue  # solid bars
        if float(part.sum(axis=1).max()) > 0.8 * bw:
            continue  # a ruled line (text rows break between words)
        fill = np.count_nonzero(ink[y : y + bh, x : x + bw]) / (bw * bh)
        if fill < 0.05 or fill > 0.7:
            continue
        boxes.append((x, y, bw, bh))
    boxes.sort(key=lambda b: (b[1], -b[0]))
    return boxes


def stroke_width(ink: np.ndarray) -> float:
    """Mean stroke width (pixels) of binarised ink: twice the distance transform on its ridges.

    The mean over ridge pixels of the inscribed diameter (the centre pixel counts once);
    0.0 when there is no ink.
    """
    padded = np.zeros((ink.shape[0] + 2, ink.shape[1] + 2), np.uint8)  # np.pad, cheaper
    padded[1:-1, 1:-1] = ink
    dist = aligned_empty(padded.shape, np.float32)  # the same map on every call (`aligned`)
    cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE, dst=dist)
    dist = dist[1:-1, 1:-1]
    ridge = (dist >= cv2.dilate(dist, np.ones((3, 3), np.float32))) & ink
    widths = dist[ridge]
    return float(np.mean(widths) * 2.0 - 1.0) if widths.size else 0.0


def measure_line(ink: np.ndarray, box: Box, index: int = 0) -> LineMetrics | None:
    """Measure the typography of one line; None when the box holds too little ink."""
    x, y, w, h = box
    page_w = ink.shape[1]
    sub = ink[y : y + h, x : x + w]
    total = int(np.count_nonzero(sub))
    if total < 30:
        return None
    rows = sub.sum(axis=1).astype(np.float64)
    peak = float(rows.max())
    core = float(np.count_nonzero(rows >= 0.4 * peak))
    cum = np.cumsum(rows) / rows.sum()
    top = int(np.searchsorted(cum, 0.05))
    bottom = int(np.searchsorted(cum, 0.95))
    ink_height = float(max(1, bottom - top + 1))
    base = int(np.argmax(rows))
    ascender = float(base - int(np.searchsorted(cum, 0.02)))
    descender = float(int(np.searchsorted(cum, 0.98)) - base)
    stroke = stroke_width(sub)
    density = min(1.0, total / max(1.0, core * w))
    # Baseline: the densest row in each of several chunks along the line, fitted by a line.
    chunks = max(2, min(10, w // max(1, h)))
    xs, ys = [], []
    for c in range(chunks):
        c0, c1 = c * w // chunks, (c + 1) * w // chunks
        prof = sub[:, c0:c1].sum(axis=1)
        if prof.max() >= 3:
            xs.append((c0 + c1) / 2)
            ys.append(float(np.argmax(prof)))
    angle = 0.0
    if len(xs) >= 3:
        slope = float(np.polyfit(xs, ys, 1)[0])
        angle = -math.degrees(math.atan(slope))
    return LineMetrics(
        index=index,
        box=box,
        core_height=core,
        ink_height=ink_height,
        stroke_width=stroke,
        ascender=ascender,
        descender=descender,
        density=density,
        baseline_angle=angle,
        left_margin=x,
        right_margin=page_w - (x + w),
    )


def measure_lines(ink: np.ndarray, boxes: Sequence[Box]) -> list[LineMetrics]:
    """Measure every line box (see `measure_line`), numbering them in order."""
    out: list[LineMetrics] = []
    for box in boxes:
        m = measure_line(ink, box, len(out))
        if m is not None:
            out.append(m)
    return out


def group_lines(lines: Sequence[LineMetrics], page_width: int) -> list[list[LineMetrics]]:
    """Group lines into blocks of one role: edge-aligned lines of one weight.

    Persian lines are set flush right, so the lines of a column (addressee, subject, greeting,
    body) share their right edge within 1.5% of the page width and follow each other closely (a gap
    of at most 1.2 line heights).
    Within a column, bold lines (addressee, subject) are set differently from the body on
    purpose: lines are split by stroke width where it jumps by more than a quarter, so
    headings and body are never compared with each other.
    """
    columns: list[list[LineMetrics]] = []
    tolerance = 0.015 * page_width
    for line in sorted(lines, key=lambda m: m.box[1]):
        right = line.box[0] + line.box[2]
        for column in columns:
            last = column[-1]
            gap = line.box[1] - (last.box[1] + last.box[3])
            aligned = abs(right - (last.box[0] + last.box[2])) <= tolerance
            if aligned and gap <= 1.2 * max(last.box[3], line.box[3]):
                column.append(line)
                break
        else:
            columns.append([line])
    groups: list[list[LineMetrics]] = []
    for column in columns:
        ranked = sorted(column, key=lambda m: m.stroke_width)
        cluster = [ranked[0]]
        for m in ranked[1:]:
            if m.stroke_width > WEIGHT_STEP * cluster[0].stroke_width:
                groups.append(sorted(cluster, key=lambda c: c.box[1]))
                cluster = []
            cluster.append(m)
        groups.append(sorted(cluster, key=lambda c: c.box[1]))
    groups.sort(key=lambda g: g[0].box[1])
    return groups


@dataclass(frozen=True)
class LineOutlier:
    """A line whose typography differs from the other lines of its block."""

    line: LineMetrics
    block: int
    block_size: int
    deviations: dict[str, dict[str, float]]  # feature -> value, median, ratio, z

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "line": self.line.to_dict(),
            "block": self.block,
            "block_size": self.block_size,
            "deviations": self.deviations,
        }


def line_outliers(
    groups: Sequence[Sequence[LineMetrics]],
    *,
    min_block: int = 4,
    z_threshold: float = Z_THRESHOLD,
) -> list[LineOutlier]:
    """Lines whose size or stroke differs from the rest of their block.

    Parameters
    ----------
    groups : sequence of sequence of LineMetrics
        Blocks from `group_lines`. Within a block only lines at least half as long as its
        longest line, and `MIN_LENGTH` times longer than high, are judged and counted (a
        short line's measures depend on its words).
    min_block : int
        Blocks with fewer such lines are not judged (too few to say what is usual).
    z_threshold : float
        Robust z-score (deviation / (1.4826 MAD)) a feature must exceed, together with its
        relative difference in `FEATURES`.

    Returns
    -------
    list of LineOutlier

    """
    found: list[LineOutlier] = []
    for g, group in enumerate(groups):
        # Short lines (a paragraph's last words, a greeting) say little about their type.
        longest = max(m.box[2] for m in group)
        judged = [
            m for m in group if m.box[2] >= 0.5 * longest and m.box[2] >= MIN_LENGTH * m.ink_height
        ]
        if len(judged) < min_block:
            continue
        deviations_by_line: dict[int, dict[str, dict[str, float]]] = {}
        for feature, min_ratio in FEATURES.items():
            values = np.array([getattr(m, feature) for m in judged], dtype=np.float64)
            median = float(np.median(values))
            if median <= 0:
                continue
            mad = max(float(np.median(np.abs(values - median))), MAD_FLOOR * median)
            for m, v in zip(judged, values, strict=True):
                z = (v - median) / (1.4826 * mad)
                ratio = v / median
                if abs(z) >= z_threshold and abs(ratio - 1.0) >= min_ratio:
                    deviations_by_line.setdefault(m.index, {})[feature] = {
                        "value": round(float(v), 3),
                        "median": round(median, 3),
                        "ratio": round(float(ratio), 3),
                        "z": round(float(z), 2),
                    }
        for m in judged:
            if m.index in deviations_by_line:
                found.append(LineOutlier(m, g, len(judged), deviations_by_line[m.index]))
    return found


def rotate_box_back(box: Box, angle: float, shape: tuple[int, int]) -> Box:
    """Map a box found on the deskewed page back to the original page (bounding box)."""
    if abs(angle) < 1e-6:
        return box
    h, w = shape
    mat = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    inv = cv2.invertAffineTransform(mat)
    x, y, bw, bh = box
    corners = np.array([[x, y], [x + bw, y], [x, y + bh], [x + bw, y + bh]], dtype=np.float64)
    mapped = corners @ inv[:, :2].T + inv[:, 2]
    x0, y0 = np.floor(mapped.min(axis=0))
    x1, y1 = np.ceil(mapped.max(axis=0))
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)
