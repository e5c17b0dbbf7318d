"""Text copy-move: words of a page that are pixel copies of other words of the same page.

A forger who needs a word or a line that the page already holds (a name, a number, a
"not") can copy it from elsewhere on the page. Keypoint and block detectors
(`workbench.imaging.forensic.copymove`) miss this: a page of text is full of innocent repeats of the
same shapes, so keypoint matches are ambiguous, and after JPEG no two blocks are equal. What a
copy carries and a second print of the same word does not is the *noise*: paper grain, toner
and scanner noise differ between two prints of one word, while a digital copy reproduces
them. So:

1. words are found from the ink (`workbench.imaging.words`);
2. words of the same size and shape are paired (a coarse shape descriptor, then normalised
   cross-correlation of the pixels at the best whole-pixel alignment);
3. each same-shape pair is compared pixel by pixel, paper included: the RMS of their
   (slightly smoothed) difference is what two prints' independent noise leaves;
4. the page itself says what two separate impressions differ by at best: pairs of blank
   paper windows of a word's size, far from any ink, differ by their independent noise and
   grain only (their median is the page's *floor*); a word pair that differs by much less
   than that (a fraction `MAX_RATIO` of it) shares its noise, as only a copy does;
5. on a JPEG page, each pair is also compared with what a digital copy of that very word,
   placed where the other one is and saved once at the page's quality, would differ by
   (`copy_floor`): a copy's two ends differ by little more than that re-save (1.1-1.6 times
   it on the development sets), two prints by their print and scan noise on top (1.65 times
   or more). Where the JPEG save erased most of a scan's noise, two genuine prints also
   come within that of each other, on every repeated word of the page alike; so a pair
   counts here only when it also lies well below the page's other pairs
   (`RESAVE_RELATIVE`). This helps where the paper floor says little: a copier's threshold
   or a denoiser that leaves the paper nearly flat (but not noise-free: below `MIN_FLOOR`
   no comparison runs), or scanner sharpening that puts the JPEG error of a copy on the
   strokes' edges rather than on the paper.

Pairs with the same displacement (the words of one copied line) are merged into one region.
A noise-free digital page carries no residual to compare; it gives no verdict rather than a
false one.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from workbench.geometry import Box, union_box
from workbench.imaging.blocks import box_map
from workbench.imaging.forensic.textclone_resave import (
    RESAVE_FULL,
    RESAVE_LIMIT,
    resave_limits,
    resave_ratios,
    resave_strength,
    smoothed_rms,
)
from workbench.imaging.words import PageWords, Word, find_words

#: Shape descriptor size (rows, columns) and the mean absolute difference allowed between two
#: words' descriptors for them to be compared at all.
DESCRIPTOR = (12, 32)
DESCRIPTOR_LIMIT = 0.12
#: Normalised cross-correlation of the pixels above which two words have the same shape.
SAME_SHAPE = 0.85
#: A pair whose difference is at most this fraction of the page's floor is reported; strength
#: reaches 1 at a ratio of `FULL_RATIO` (a warning needs about 0.47 or less). On the
#: independent corpus's dev split no two separate prints of a word came closer than 0.87 and
#: copies (saved again at quality 70-95) lay between 0.22 and 0.67; on letters rendered with
#: white scanner noise (the tests' pages) genuine repeats came as close as 0.61.
MAX_RATIO = 0.6
FULL_RATIO = 0.25
#: Blank-paper window pairs sampled for the floor; fewer than `MIN_PAPER` give no floor. A
#: floor below `MIN_FLOOR` grey levels is a noise-free page, where copies and repeats cannot
#: be told apart.
PAPER_PAIRS = 60
MIN_PAPER = 8
MIN_FLOOR = 0.25
#: A pair far closer than the page's next closest pair of another displacement is more
#: copy-like than its ratio to the paper floor says (`effective_ratio`). On the dev split no
#: genuine page's closest pair came below 0.6 of its next (0.6 to 0.93 on pages with two or
#: more displacements); copies lay at 0.03 to 0.58. The test split's scan chains (lower
#: qualities, scanner sharpening) raise a copy's difference against the paper floor, but not
#: against the page's other pairs. `NEXT_FLOOR` bounds how far this may lower a ratio.
NEXT_REFERENCE = 0.6
NEXT_FLOOR = 0.3
#: The page's other pairs do not lower the ratio of a pair that both comparisons place far
#: from a copy (`far_from_copy`): it differs by at least `NEXT_PAPER` of the paper floor
#: *and* by more than `NEXT_RESAVE` times the page quality's reporting limit
#: (`resave_limits`) from a simulated copy of its word (`copy_floor`). A denoiser
#: (non-local means) flattens the grain inside two prints of one word: on an untouched
#: letter of few repeated words the closest genuine repeat lay at 1.00 of the floor, alone at
#: 0.26 of the page's next pair, and warned through that lowering, although it lay at 4.1
#: times its simulated copy. Neither comparison alone is enough: copies saved twice after
#: the copy, at a lower quality and then a higher one, lie several times from a simulated
#: copy of their last save (3.2-8.0 on the scan chains' letters) but at 0.15-0.78 of the
#: floor; and the lowering exists for copies a scan chain lifts above `MAX_RATIO` of the
#: floor, which, saved once, stay within about one save of their simulated copy.
#: Where no simulated copy exists (a lossless page, or one the check reduced) the paper
#: floor alone decides: a pair at `NEXT_PAPER` of it or more is not lowered. On untouched
#: PNG pages of 6-digit numbers (one exact repeat each, white noise) the repeat lay at
#: 0.96-1.02 of the floor and, its next pair being two different numbers (about 27 times
#: the floor), warned through the lowering on 3 of 10 pages; a copy within a lossless file
#: lies at 0 of the floor.
NEXT_PAPER = 0.9
NEXT_RESAVE = 2.0
#: At most this many same-shape pairs are verified (the largest words first).
MAX_PAIRS = 3000
#: Pixels around a word's ink box taken with it: the paper a copy carries along.
PAD = 3


@dataclass(frozen=True)
class TextClone:
    """Words of a page that match other words of the page, noise included.

    Attributes
    ----------
    source, target : Box
        Union of the matched words at each end (page pixels); which is the copy cannot be
        told from the pixels.
    shift : (dx, dy)
        Displacement from source to target, whole pixels.
    words : int
        Word pairs with this displacement that match beyond printing.
    difference : float
        The closest pair's RMS difference, grey levels.
    ratio : float
        That difference over the page's floor (what two prints of one word differ by).
    strength : float in [0, 1]
        From the ratio (taken lower when the pair lies far below the page's other pairs,
        `effective_ratio`), and higher for several words moved together.
    next_difference : float or None
        The closest pair of words moved by another displacement (two separate prints, on a
        genuine page), grey levels; None when there is none.
    resave_ratio : float or None
        The closest pair's difference over what a digital copy of the word would differ by
        after one save at the page's JPEG quality (`copy_floor`); None when the page's
        quality is not known (not a JPEG, or rescaled).
    routes : tuple of str
        Which comparisons report the strongest pair: ``"paper"`` (against the paper
        floor, `effective_ratio`) and/or ``"copy"`` (against a simulated copy).
    resave_relative : float or None
        `resave_ratio` over the median of the same ratio among the page's pairs of other
        displacements (`RESAVE_RELATIVE`); None when either is not known, or when the pair
        does not count against its simulated copy (too few other pairs, or not apart from
        them: `textclone_resave.resave_ratios`).

    """

    source: Box
    target: Box
    shift: tuple[int, int]
    words: int
    difference: float
    ratio: float
    strength: float
    next_difference: float | None = None
    resave_ratio: float | None = None
    routes: tuple[str, ...] = ("paper",)
    resave_relative: float | None = None


@dataclass(frozen=True)
class TextCloneScan:
    """Everything the text copy-move method measured on a page."""

    clones: list[TextClone]
    pairs: int  # same-shape word pairs compared
    floor: float  # what two separate impressions differ by at best (grey levels), 0 if unknown
    note: str | None = None


def _descriptor(page: PageWords, word: Word) -> np.ndarray:
    patch = page.word_ink(word).astype(np.float32)
    rows, cols = DESCRIPTOR
    return np.asarray(cv2.resize(patch, (cols, rows), interpolation=cv2.INTER_AREA))


def _pad(box: Box, pad: int, shape: tuple[int, int]) -> Box:
    x0, y0 = max(box.x - pad, 0), max(box.y - pad, 0)
    x1, y1 = min(box.x + box.width + pad, shape[1]), min(box.y + box.height + pad, shape[0])
    return Box(x0, y0, x1 - x0, y1 - y0)


def _candidate_pairs(page: PageWords) -> list[tuple[Word, Word]]:
    """Pairs of separate words of about the same size and coarse shape, largest first.

    Every pair of words whose widths differ by at most the tolerance is tested at once in
    arrays (a page of tables or lists has hundreds of words, and tens of thousands of such
    pairs), in the order a loop over the words by width would test them.
    """
    h = page.glyph_height
    usable = [
        w
        for w in page.words
        if w.box.width >= 1.2 * h and w.box.height >= 0.8 * h and w.ink >= 0.6 * h * h
    ]
    usable.sort(key=lambda w: w.box.width)
    n = len(usable)
    if n < 2:
        return []
    tol = max(2, round(0.08 * h))
    x, y, width, height = np.array(
        [(w.box.x, w.box.y, w.box.width, w.box.height) for w in usable], dtype=np.int64
    ).T
    desc = np.stack([_descriptor(page, w) for w in usable]).reshape(n, -1)
    # Each word with every later word no more than `tol` wider (the widths are sorted), a
    # run of words at a time so that a page of thousands of words of one width (a table of
    # numbers) never holds all their pairs at once.
    ends = np.searchsorted(width, width + tol, side="right")
    counts = np.maximum(ends - np.arange(n) - 1, 0)
    pairs: list[tuple[Word, Word]] = []
    start = 0
    while start < n:
        stop = start + 1 + int(np.searchsorted(np.cumsum(counts[start + 1 :]), _PAIR_CHUNK))
        run = counts[start:stop]
        first = np.repeat(np.arange(start, stop), run)
        second = first + 1 + np.arange(int(run.sum())) - np.repeat(np.cumsum(run) - run, run)
        apart = (
            (x[first] + width[first] <= x[second])
            | (x[second] + width[second] <= x[first])
            | (y[first] + height[first] <= y[second])
            | (y[second] + height[second] <= y[first])
        )
        keep = (np.abs(height[second] - height[first]) <= tol) & apart
        first, second = first[keep], second[keep]
        distance = np.abs(desc[first] - desc[second]).mean(axis=1).astype(np.float64)
        close = distance <= DESCRIPTOR_LIMIT
        pairs += [(usable[i], usable[j]) for i, j in zip(first[close], second[close], strict=True)]
        start = stop
    pairs.sort(key=lambda p: -(p[0].ink + p[1].ink))
    return pairs[:MAX_PAIRS]


#: Word pairs `_candidate_pairs` tests at a time, about (the pairs of one word past it
#: come whole): their descriptors' differences are 6 MB of float32.
_PAIR_CHUNK = 4096


def _align(gray: np.ndarray, a: Box, b: Box) -> tuple[int, int, float]:
    """Whole-pixel shift (dx, dy) taking box `a`'s pixels onto `b`'s, and their correlation."""
    h, w = gray.shape
    reach = 2
    tpl = gray[a.y : a.y + a.height, a.x : a.x + a.width]
    x0, y0 = max(b.x - reach, 0), max(b.y - reach, 0)
    x1 = min(b.x + a.width + reach, w)
    y1 = min(b.y + a.height + reach, h)
    area = gray[y0:y1, x0:x1]
    if area.shape[0] < tpl.shape[0] or area.shape[1] < tpl.shape[1] or float(tpl.std()) < 1e-3:
        return b.x - a.x, b.y - a.y, 0.0
    scores = cv2.matchTemplate(area, tpl, cv2.TM_CCOEFF_NORMED)
    _, best, _, loc = cv2.minMaxLoc(scores)
    return x0 + loc[0] - a.x, y0 + loc[1] - a.y, float(best)


def _union(boxes: list[Box]) -> Box:
    return Box(*union_box((b.x, b.y, b.width, b.height) for b in boxes))


def residual_difference(gray: np.ndarray, a: Box, b: Box) -> float | None:
    """How much two aligned, equally sized boxes differ: RMS of their low-passed difference.

    The difference of two prints of the same word at the same alignment is the difference
    of their noise (and of their paper); of a digital copy, only what later compression
    changed. The difference is smoothed a little (Gaussian, sigma 1 pixel) first: JPEG
    quantises the finest detail of both ends differently (their 8 x 8 grids differ), while
    the coarser grain a copy carries survives. Grey levels; None when a box leaves the page.
    """
    h, w = gray.shape
    if min(a.x, a.y, b.x, b.y) < 0 or max(a.x, b.x) + a.width > w or max(a.y, b.y) + a.height > h:
        return None
    return smoothed_rms(
        gray[a.y : a.y + a.height, a.x : a.x + a.width],
        gray[b.y : b.y + b.height, b.x : b.x + b.width],
    )


def paper_floor(
    gray: np.ndarray, ink: np.ndarray, size: tuple[int, int], *, seed: int = 0
) -> float | None:
    """Median difference (`residual_difference`) between pairs of blank paper windows.

    Windows of ``size`` (width, height) are drawn at random (a fixed seed, so a page always
    gets the same floor) among those with no ink within three pixels. None when the page has
    too little blank paper.
    """
    h, w = gray.shape
    bw, bh = size
    if bw >= w or bh >= h:
        return None
    near = cv2.dilate(ink.astype(np.uint8), np.ones((7, 7), np.uint8))
    integral = cv2.integral(near)
    rng = np.random.default_rng(seed)
    xs = rng.integers(0, w - bw, 40 * PAPER_PAIRS)
    ys = rng.integers(0, h - bh, 40 * PAPER_PAIRS)
    inked = (
        integral[ys + bh, xs + bw]
        - integral[ys, xs + bw]
        - integral[ys + bh, xs]
        + integral[ys, xs]
    )
    free = [
        Box(int(x), int(y), bw, bh) for x, y in zip(xs[inked == 0], ys[inked == 0], strict=True)
    ]
    free = free[: 2 * PAPER_PAIRS]
    values = [
        d
        for d in (
            residual_difference(gray, free[2 * i], free[2 * i + 1]) for i in range(len(free) // 2)
        )
        if d is not None
    ]
    return float(np.median(values)) if len(values) >= MIN_PAPER else None


def next_pair(
    ranked: list[tuple[Box, Box, tuple[int, int], float]], shift: tuple[int, int]
) -> float | None:
    """Difference of the closest pair of words of the page moved by another displacement.

    `ranked` holds every compared pair (source, target, shift, difference), closest first.
    None when every pair shares `shift` (within a pixel).
    """
    for _, _, other, difference in ranked:
        if abs(other[0] - shift[0]) > 1 or abs(other[1] - shift[1]) > 1:
            return difference
    return None


def far_from_copy(
    ratio: float, resave_ratio: float | None, resave_limit: float, *, simulated: bool = True
) -> bool:
    """Whether a pair is far from a copy by every comparison made (`NEXT_PAPER`, `NEXT_RESAVE`).

    `ratio` is the pair's difference over the paper floor, `resave_ratio` over a simulated
    copy of its word (None when not simulated), `resave_limit` the page quality's reporting
    limit for the latter (`resave_limits`). `simulated` says whether the page's pairs are
    compared with a simulated copy at all (a JPEG page read at its own size); when they are
    not, the paper floor alone decides. Such a pair's distance below the page's other pairs
    comes from something other than a shared noise (a denoiser's averaging, or a next pair
    of two different words), so it does not lower the pair's ratio (`effective_ratio`).
    """
    if ratio < NEXT_PAPER:
        return False
    if not simulated:
        return True
    return resave_ratio is not None and resave_ratio > NEXT_RESAVE * resave_limit


def effective_ratio(
    difference: float, floor: float, nearest: float | None, *, far: bool = False
) -> float:
    """A pair's difference against the paper floor, lowered when it is alone far below the rest.

    Against the floor alone, ``difference / floor``. A copy is also far closer than any
    other pair of the page (the next closest, `nearest`, is two separate prints), while on a
    genuine page the closest pairs lie together: when the pair is below `NEXT_REFERENCE`
    times the next one, the ratio is lowered in proportion, never below `NEXT_FLOOR` of it.
    Not lowered when the pair is `far` from a copy by every comparison made (`far_from_copy`).
    """
    ratio = difference / floor
    if nearest is None or nearest <= 0 or far:
        return ratio
    factor = min(1.0, max(difference / nearest / NEXT_REFERENCE, NEXT_FLOOR))
    return ratio * factor


def word_pairs(img: np.ndarray, page: PageWords) -> list[tuple[Box, Box, tuple[int, int], float]]:
    """Every pair of words of the same shape, aligned: (source, target, shift, difference).

    The boxes carry `PAD` pixels of paper around the first word's ink, the target box is
    the source box moved by the whole-pixel shift that aligns the two, and the difference
    is their `residual_difference` (grey levels).
    """
    measured: list[tuple[Box, Box, tuple[int, int], float]] = []
    for a, b in _candidate_pairs(page):
        dx, dy, shape = _align(img, a.box, b.box)
        if shape < SAME_SHAPE:
            continue
        src = _pad(a.box, PAD, img.shape)
        target = Box(src.x + dx, src.y + dy, src.width, src.height)
        difference = residual_difference(img, src, target)
        if difference is not None:
            measured.append((src, target, (dx, dy), difference))
    return measured


def _pair_strength(
    difference: float,
    resave: float | None,
    floor: float,
    nearest: float | None,
    max_ratio: float,
    far: bool = False,
) -> tuple[float, tuple[str, ...]] | None:
    """Strength (0-1) of one word pair as a copy and the comparisons that report it.

    Against the paper floor (`effective_ratio`, reported up to `max_ratio`: route
    ``"paper"``; not lowered by the page's other pairs when the pair is `far` from a copy,
    `far_from_copy`) and, on a JPEG page, against a simulated copy of the word (`resave`, the
    strength `resave_strength` gave: route ``"copy"``). When both report the pair, their
    strengths combine as one minus the product of what each falls short of 1. Both divide
    the same difference of the pair, each by its own reference, so this is not a product
    of independent probabilities: it counts the agreement of two references that fail in
    different ways (whitened or sharpened paper; a low last save). On the development sets
    it decides one copy's warning (dev-031: 0.56, 0.45 from the stronger route alone) and
    no genuine pair is reported by both. None when neither reports the pair.
    """
    strengths: dict[str, float] = {}
    effective = effective_ratio(difference, floor, nearest, far=far)
    if effective <= max_ratio:
        strengths["paper"] = float(
            np.clip((max_ratio - effective) / (max_ratio - FULL_RATIO), 0.0, 1.0)
        )
    if resave is not None:
        strengths["copy"] = resave
    if not strengths:
        return None
    shortfall = 1.0
    for strength in strengths.values():
        shortfall *= 1.0 - strength
    return 1.0 - shortfall, tuple(strengths)


def text_clones(
    gray: np.ndarray,
    *,
    words: PageWords | None = None,
    max_ratio: float = MAX_RATIO,
    floor: float | None = None,
    quality: int | None = None,
) -> TextCloneScan:
    """Find words copied digitally from elsewhere on the same page.

    Parameters
    ----------
    gray : (H, W) uint8 array
        The page at its decoded resolution.
    words : PageWords, optional
        The page's words, when already found (`find_words`).
    max_ratio : float
        Largest difference, relative to the floor, that is reported.
    floor : float, optional
        What two separate impressions differ by at best, grey levels, when genuine
        exemplars of the same source have set it (calibration); from the page's blank paper
        otherwise (`paper_floor`).
    quality : int, optional
        The page's JPEG quality (libjpeg scale) when `gray` is a JPEG page decoded at its
        own size: pairs are then also compared with a simulated copy (`copy_floor`).

    Returns
    -------
    TextCloneScan

    """
    img = np.ascontiguousarray(gray, dtype=np.uint8)
    page = find_words(img) if words is None else words
    measured = word_pairs(img, page)
    if not measured:
        return TextCloneScan([], 0, 0.0)
    if floor is None:
        sizes = np.array([(m[0].width, m[0].height) for m in measured])
        width, height = (int(v) for v in np.median(sizes, axis=0))
        floor = paper_floor(img, page.ink, (width, height))
        if floor is None:
            note = "Too little blank paper to tell what two prints of one word differ by."
            return TextCloneScan([], len(measured), 0.0, note)
    if floor < MIN_FLOOR:
        note = (
            "Repeated words on this page are identical to the pixel (a noise-free digital "
            "page), so a copied word cannot be told from a repeated one."
        )
        return TextCloneScan([], len(measured), floor, note)
    ranked = sorted(measured, key=lambda m: m[3])
    # What a digital copy would differ by, for the page's closest pairs (JPEG pages only).
    resave = resave_ratios(img, ranked, quality) if quality is not None else {}
    limits = resave_limits(quality) if quality is not None else (RESAVE_LIMIT, RESAVE_FULL)
    # Only pairs that could still pass once the page's own pairs have had their say.
    limit = max_ratio * floor * NEXT_REFERENCE / NEXT_FLOOR
    Member = tuple[Box, Box, float, float | None, float | None, float | None]
    groups: dict[tuple[int, int], list[Member]] = {}
    for src, tgt, shift, difference in measured:
        copied_ratio, relative = resave.get((src.x, src.y, tgt.x, tgt.y), (None, None))
        copied = resave_strength(copied_ratio, relative, limits)
        if difference > limit and copied is None:
            continue
        # The words of one copied line share the displacement (within a pixel).
        key = next(
            (k for k in groups if abs(k[0] - shift[0]) <= 1 and abs(k[1] - shift[1]) <= 1),
            shift,
        )
        groups.setdefault(key, []).append((src, tgt, difference, copied_ratio, relative, copied))
    clones: list[TextClone] = []
    for shift, all_members in groups.items():
        nearest = next_pair(ranked, shift)
        scored = [
            (
                m,
                _pair_strength(
                    m[2],
                    m[5],
                    floor,
                    nearest,
                    max_ratio,
                    far=far_from_copy(m[2] / floor, m[3], limits[0], simulated=quality is not None),
                ),
            )
            for m in all_members
        ]
        members = [(m, v) for m, v in scored if v is not None]
        if not members:
            continue
        # The strongest pair, the closest of those that tie.
        best, (base, routes) = max(members, key=lambda mv: (mv[1][0], -mv[0][2]))
        # One word is evidence; several words moved together by one displacement more so.
        strength = 1.0 - (1.0 - 0.2 - 0.8 * base) * 0.7 ** (len(members) - 1)
        clones.append(
            TextClone(
                source=_union([m[0] for m, _ in members]),
                target=_union([m[1] for m, _ in members]),
                shift=shift,
                words=len(members),
                difference=best[2],
                ratio=best[2] / floor,
                strength=float(min(strength, 1.0)),
                next_difference=nearest,
                resave_ratio=best[3],
                resave_relative=best[4],
                routes=routes,
            )
        )
    clones.sort(key=lambda c: -c.strength)
    return TextCloneScan(clones, len(measured), floor)


def text_clone_map(shape: tuple[int, int], clones: list[TextClone], cell: int = 1) -> np.ndarray:
    """Strength map of both ends of each copied group of words, on a ``cell`` grid (float32)."""
    boxes = [
        Box(b.x, b.y, b.width, b.height, c.strength) for c in clones for b in (c.source, c.target)
    ]
    return box_map(shape, boxes, cell)
