"""Text copy-move against a simulated copy: what one JPEG save leaves of a copied word.

On a JPEG page, a pair of words found by `workbench.imaging.forensic.textclone` is also
compared with what a digital copy of that very word, placed where the other one is and saved
once at the page's quality, would differ by (`copy_floor`): a copy's two ends differ by little
more than that re-save, two prints by their own print and scan noise on top. A pair counts
only when it is within the limit of the page's last quality (`resave_limits`) *and* lies well
below the page's other pairs (`resave_ratios`): where a JPEG save or a denoiser erased most of
a scan's noise, genuine repeats come as close to a simulated copy, but all of the page's
repeats alike. The simulation uses libjpeg's tables; a file with its own tables is not
simulated (`copy_quality`).
"""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from workbench.formats.jpeg import estimate_quality
from workbench.geometry import Box

#: A pair whose difference is at most `RESAVE_LIMIT` times what a digital copy of the word
#: would differ by after one save at the page's JPEG quality (`copy_floor`) is reported;
#: strength reaches 1 at `RESAVE_FULL` (a warning for one word needs about 1.35 or less).
#: On the dev split and the fresh-look set (eight scan chains), copies lay at 1.08-1.55 of
#: that re-save and the closest genuine pairs of each chain at 1.65 (a table saved last at
#: quality 55) to 3.85; on rendered letters saved at quality 90, 2.99 or more.
RESAVE_LIMIT = 1.5
RESAVE_FULL = 1.1
#: Two prints of a word come closest to a simulated copy on pages saved last at low quality,
#: where the quantisation of the last save dominates what both ends differ by; at a higher
#: quality their own print and scan noise shows. So the limit (and the full-strength ratio,
#: the same distance below it) rises from `RESAVE_LIMIT` at quality `RESAVE_LOW_QUALITY` or
#: below to `RESAVE_LIMIT_HIGH` at `RESAVE_HIGH_QUALITY` or above, linearly between
#: (`resave_limits`). On the dev split and the fresh-look set, the closest genuine pair at
#: each last quality: 1.65 at 55, 1.94 at 62, 2.25 at 70, 2.60 at 75, 2.36 at 78, 2.14 at 80,
#: 3.85 at 86, 5.17 or more at 90 and above; copies at 1.08-1.55 at every quality. Held out
#: by chain, the other seven chains allowed a top of 2.14 at most; 1.8 is set below it.
RESAVE_LOW_QUALITY = 70
RESAVE_HIGH_QUALITY = 85
RESAVE_LIMIT_HIGH = 1.8
#: The re-save is simulated only for this many of the page's closest pairs.
RESAVE_PAIRS = 200
#: A pair counts against its simulated copy only when its ratio to it is at most
#: `RESAVE_RELATIVE` of the median ratio of the page's simulated pairs of other
#: displacements (at full strength from `RESAVE_RELATIVE_FULL`), and only when there are
#: such pairs. A genuine scan with little noise saved at a low quality has most of its
#: repeated words within `RESAVE_LIMIT` of their simulated copies (rendered letters, forms
#: and a stamped letter, sensor noise sigma 0.4-3 grey levels, paper at 235 and 255, saved
#: at 60-95: pairs from 0.99, none below 0.77 of its page's median), while on the dev split
#: and the fresh-look set every copy lay at 0.03-0.40 of its page's median.
RESAVE_RELATIVE = 0.6
RESAVE_RELATIVE_FULL = 0.45
#: A pair counts against its simulated copy only when it is also apart from the page's
#: closest pair of another displacement: at most `RESAVE_APART` times that pair's ratio. The
#: median of `RESAVE_RELATIVE` says little on a page of few pairs, where dissimilar words
#: raise it: a letter rendered with scan noise, whitened and denoised (a copier's threshold)
#: and saved once at quality 60 had 14 pairs, two genuine repeats at 1.36 and 1.45 of their
#: simulated copies, 0.26-0.27 of the median but 0.94 of each other, and warned. Copies of
#: the dev split and the fresh-look set lay at 0.27-0.62 of the page's next displacement.
RESAVE_APART = 0.8
#: The page's pairs of other displacements that `RESAVE_RELATIVE` and `RESAVE_APART` compare
#: with leave out pairs that share a word with the pair judged (a word copied to two places
#: makes three pairs, all close to a simulated copy), and there must be at least this many of
#: them: with one genuine repeat and two dissimilar pairs on a quiet page the median says
#: nothing (a repeat at 1.2 against pairs at 2.6 and 3.1 passed as 0.42 of the median).
RESAVE_MIN_OTHERS = 5
#: Two word boxes overlapping by more than this share of the smaller are one word.
SHARED_WORD = 0.5
#: `copy_floor` saves with libjpeg's tables: a file whose luminance table differs from
#: libjpeg's at the nearest quality by more than this mean step (a camera's, a scanner's or
#: an editor's own table) is not simulated (`copy_quality`). Every file of the dev split
#: and the fresh-look set has libjpeg's tables exactly.
MAX_TABLE_ERROR = 0.5


def smoothed_rms(pa: np.ndarray, pb: np.ndarray) -> float:
    """RMS of the difference of two equal patches, smoothed (sigma 1 pixel), mean removed."""
    diff = pa.astype(np.float32) - pb.astype(np.float32)
    d = np.asarray(cv2.GaussianBlur(diff, (0, 0), 1.0), dtype=np.float32)
    d = d - np.float32(d.mean())
    return float(np.sqrt(float((d * d).mean())))


def copy_floor(gray: np.ndarray, source: Box, target: Box, quality: int) -> float | None:
    """What a digital copy of `source` placed at `target` differs by after one JPEG save.

    The source's pixels are pasted over the target's in the target's own 8 x 8 blocks,
    which are saved at `quality` (libjpeg's tables) and decoded; the result is compared with
    the source as `residual_difference` compares a pair. A copy's two ends differ by about
    this (each end went through one save on its own block grid); two prints of a word differ
    by their independent print and scan noise besides. Grey levels; None when a box leaves
    the page.
    """
    h, w = gray.shape
    bw, bh = source.width, source.height
    if (
        min(source.x, source.y, target.x, target.y) < 0
        or max(source.x, target.x) + bw > w
        or max(source.y, target.y) + bh > h
    ):
        return None
    x0, y0 = target.x // 8 * 8, target.y // 8 * 8
    x1, y1 = min(-(-(target.x + bw) // 8) * 8, w), min(-(-(target.y + bh) // 8) * 8, h)
    blocks = gray[y0:y1, x0:x1].copy()
    original = gray[source.y : source.y + bh, source.x : source.x + bw]
    ty, tx = target.y - y0, target.x - x0
    blocks[ty : ty + bh, tx : tx + bw] = original
    ok, data = cv2.imencode(".jpg", blocks, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV always encodes a grey uint8 array
        return None
    saved = np.asarray(cv2.imdecode(data, cv2.IMREAD_GRAYSCALE), dtype=np.uint8)
    return smoothed_rms(saved[ty : ty + bh, tx : tx + bw], original)


def copy_quality(tables: Mapping[int, np.ndarray]) -> int | None:
    """The libjpeg quality at which `copy_floor` can simulate a file's save, else None.

    `tables` are the file's quantisation tables (natural order, by table id). The
    simulation saves with libjpeg's tables at the estimated quality; when the file's
    luminance table is not libjpeg's (mean step difference above `MAX_TABLE_ERROR`), such
    a save would quantise differently from the file's own, so there is nothing to simulate.
    """
    estimate = estimate_quality({0: tables[0]}) if 0 in tables else None
    if estimate is None or estimate.error > MAX_TABLE_ERROR:
        return None
    return estimate.quality


def resave_limits(quality: int) -> tuple[float, float]:
    """The re-save ratio at which a pair is reported, and at which it is at full strength.

    `RESAVE_LIMIT` and `RESAVE_FULL` at quality `RESAVE_LOW_QUALITY` or below, both raised
    linearly up to `RESAVE_LIMIT_HIGH` (and the same distance below it) at
    `RESAVE_HIGH_QUALITY` or above: a last save at high quality leaves two prints' own noise
    visible, so they stay further from a simulated copy.
    """
    span = RESAVE_HIGH_QUALITY - RESAVE_LOW_QUALITY
    share = float(np.clip((quality - RESAVE_LOW_QUALITY) / span, 0.0, 1.0))
    raise_by = share * (RESAVE_LIMIT_HIGH - RESAVE_LIMIT)
    return RESAVE_LIMIT + raise_by, RESAVE_FULL + raise_by


def resave_strength(
    resave_ratio: float | None,
    relative: float | None,
    limits: tuple[float, float] = (RESAVE_LIMIT, RESAVE_FULL),
) -> float | None:
    """Strength (0-1) of a pair against its simulated copy, or None when it does not count.

    `resave_ratio` is the pair's difference over its simulated copy's (`copy_floor`),
    `relative` that ratio over the median ratio of the page's pairs of other
    displacements. Both must be low: within the first of `limits` of a simulated copy (full
    from the second; `resave_limits` of the page's quality), and at most `RESAVE_RELATIVE`
    of the page's other pairs (full from `RESAVE_RELATIVE_FULL`); the lower of the two
    strengths counts.
    """
    if resave_ratio is None or relative is None:
        return None
    limit, full = limits
    if resave_ratio > limit or relative > RESAVE_RELATIVE:
        return None
    absolute = (limit - resave_ratio) / (limit - full)
    page = (RESAVE_RELATIVE - relative) / (RESAVE_RELATIVE - RESAVE_RELATIVE_FULL)
    return float(np.clip(min(absolute, page), 0.0, 1.0))


def resave_ratios(
    img: np.ndarray, ranked: list[tuple[Box, Box, tuple[int, int], float]], quality: int
) -> dict[tuple[int, int, int, int], tuple[float, float | None]]:
    """Each of the page's closest pairs against a simulated copy, alone and against the page.

    For the `RESAVE_PAIRS` closest pairs (`ranked`, closest first), keyed by their boxes'
    corners: the pair's difference over its simulated copy's (`copy_floor`), and that ratio
    over the median of the same ratio among the pairs of other displacements (within a
    pixel) that share no word with it; None when there are fewer than `RESAVE_MIN_OTHERS`
    such pairs, or when one of them lies within `RESAVE_APART` of the pair (genuine repeats
    of a page lie together; a copy lies apart from them). Two different words each copied
    once lie together too, and are left to the comparison with the paper.
    """
    ratios: list[tuple[Box, Box, tuple[int, int], float]] = []
    for src, tgt, shift, difference in ranked[:RESAVE_PAIRS]:
        simulated = copy_floor(img, src, tgt, quality)
        if simulated is not None and simulated > 0:
            ratios.append((src, tgt, shift, difference / simulated))
    out: dict[tuple[int, int, int, int], tuple[float, float | None]] = {}
    if not ratios:
        return out
    # Which pairs count as "others" of which, for every pair at once (the page's closest
    # pairs number up to `RESAVE_PAIRS`, so a loop over pairs of pairs is 160,000 overlaps).
    shifts = np.array([d for _, _, d, _ in ratios], dtype=np.int64)
    apart_shift = (np.abs(shifts[:, None, 0] - shifts[None, :, 0]) > 1) | (
        np.abs(shifts[:, None, 1] - shifts[None, :, 1]) > 1
    )
    ends = [
        np.array([(b.x, b.y, b.width, b.height) for b in col], dtype=np.int64).T
        for col in ([s for s, _, _, _ in ratios], [t for _, t, _, _ in ratios])
    ]
    shared = np.zeros(apart_shift.shape, dtype=bool)
    for a in ends:
        for b in ends:
            shared |= _overlaps(b, a) > SHARED_WORD
    values = np.array([r for _, _, _, r in ratios], dtype=np.float64)
    for i, (src, tgt, _, ratio) in enumerate(ratios):
        others = values[apart_shift[i] & ~shared[i]]
        apart = len(others) >= RESAVE_MIN_OTHERS and ratio <= RESAVE_APART * float(others.min())
        relative = ratio / float(np.median(others)) if apart else None
        out[(src.x, src.y, tgt.x, tgt.y)] = (ratio, relative)
    return out


def _overlaps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`overlap` of every box of ``a`` (rows) with every box of ``b`` (columns).

    ``a`` and ``b`` are ``(4, n)`` integer arrays of ``x, y, w, h``; the shares are those
    `workbench.geometry.overlap` gives (the same integer intersection over the same integer
    area, divided in double precision).
    """
    ax, ay, aw, ah = (v[:, None] for v in a)
    bx, by, bw, bh = (v[None, :] for v in b)
    w = np.minimum(ax + aw, bx + bw) - np.maximum(ax, bx)
    h = np.minimum(ay + ah, by + bh) - np.maximum(ay, by)
    inter = np.maximum(w, 0) * np.maximum(h, 0)
    smaller = np.maximum(np.minimum(aw * ah, bw * bh), 1)
    return np.asarray(inter / smaller, dtype=np.float64)
