"""Glyph and line consistency: words and lines whose print differs from the rest of the page.

Text typed or printed in one pass shares its ink darkness, edge sharpness, stroke width and
grain, and its lines share one baseline angle. A retyped date or number, or a line spliced
in from another file, was rendered, printed or scanned differently: its strokes are sharper
or blurrier, darker or lighter, its paper grain smoother, or its line sits at another angle
(text-line rotation and alignment alone separated forged from genuine pages with an AUC of
0.89 in J. van Beusekom, F. Shafait and T. Breuel, "Text-line examination for document
forgery detection", IJDAR 16(2), 2013).

Every word found on the page (`workbench.imaging.words`) is measured:

* ``darkness``: how much darker its ink core is than the paper around it, relative to the paper;
* ``sharpness``: the steepest edges (90th percentile of the gradient on its ink boundary)
  per grey level of contrast, i.e. the inverse of the edge width;
* ``stroke``: mean stroke width, relative to the page's glyph height;
* ``grain``: the high-pass residual of the paper between its strokes.

Words are grouped into lines, and the lines' medians of these features, plus each line's
baseline angle, are compared too: a line averages many words, so a small but consistent
difference stands out at line level when single words are too noisy to tell. Each feature is
turned into a robust z-score against the page's own words (median and MAD, with a floor on
the MAD so a very uniform page does not turn noise into alarms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from workbench.geometry import Box, union_box
from workbench.imaging.aligned import sobel_magnitude
from workbench.imaging.blocks import box_map, strength_from_z
from workbench.imaging.lines import WEIGHT_STEP, deskew_angle, stroke_width
from workbench.imaging.order_stats import low_mean_f32, median_f32, percentile_f32
from workbench.imaging.words import PageWords, Word, find_words, framed_word

#: Features measured per word, with the floor of their MAD (in the feature's own units, as a
#: fraction of the median for the ratio-like ones) so near-identical words give no alarms.
FEATURES: dict[str, float] = {"darkness": 0.04, "sharpness": 0.03, "stroke": 0.08, "grain": 0.12}
#: How much each feature counts: stroke width differs innocently (bold words), grain is
#: measured on few pixels.
FEATURE_WEIGHTS: dict[str, float] = {"darkness": 1.0, "sharpness": 1.0, "stroke": 0.7, "grain": 0.7}
#: Robust z-scores mapped onto strength 0..1 for single words (their features' combined
#: distance, root of the sum of squares) and for whole lines (the largest). A word counts
#: only when two features stand out from both the page and its own line, which no word of
#: an untouched dev page did; retyped digits at 150 dpi differ by z 3 to 4 per feature.
WORD_Z = (3.0, 6.0)
#: Weighted robust z-score from which a single word's feature counts towards its distance.
WORD_FEATURE_Z = 2.5
LINE_Z = (4.0, 8.0)
#: Robust z-scores of edge sharpness alone (against both the page and the word's own line)
#: mapped onto strength 0..1: a word whose edges are far steeper than the scan's blur allows
#: was put on the page after the scan (retyped digits rendered straight into the file). The
#: steepest word of any untouched dev page lay at z 6.0; retyped numbers on dev's 300-dpi
#: pages at 10-15.
SHARP_ALONE_Z = (7.0, 12.0)
#: Width-to-height ratio beyond which a "word" is a ruled line (a form's rule under a
#: letterhead reached sharpness z 8.9 on a dev page); a number or date stays well below.
RULE_ASPECT = 12.0
#: Floor of the spread of line angles, degrees; lines shorter than `MIN_ANGLE_SPAN` glyph
#: heights between their outer words have no angle.
ANGLE_FLOOR = 0.3
MIN_ANGLE_SPAN = 25
#: Lines narrower than this many glyph heights are not judged as lines (a seal's ring of
#: text, a short label): their medians rest on too few letters.
MIN_LINE_SPAN = 12
#: Features that count in one direction only: paper grain *smoother* than the page's (a
#: patch rendered or cleaned digitally). Rougher grain has innocent causes near stamps and
#: page edges, and the noise method already reports it.
ONE_SIDED: dict[str, float] = {"grain": -1.0}
#: Stroke-width ratio beyond which print is another weight of type (as `lines.WEIGHT_STEP`).
WEIGHT_RATIO = WEIGHT_STEP
#: Ratio of a line's word height to the page's beyond which the line is set in another size
#: of type (a heading, a letterhead's issuer line, a small footer). At 150 dpi a bold heading's
#: strokes can stay below `WEIGHT_RATIO` while its larger, heavier letters still reach a
#: darker ink core than the body's thin strokes: type size explains that darkness too.
SIZE_RATIO = 1.2
#: Largest line angle searched, degrees (beyond the page's skew).
MAX_ANGLE = 2.0
#: Horizontal gap (glyph heights) that separates two columns on one row.
COLUMN_GAP = 4.0
#: A single word is an outlier only when at least this many of its print features stand out
#: together: one feature alone has innocent causes (a stamp's lighter ink, a bold word's
#: wider strokes). A line averages many words and needs only one.
WORD_FEATURES = 2
#: A line is judged when it has at least this many measured words; the page when it has at
#: least this many words and lines.
MIN_LINE_WORDS = 3
MIN_WORDS = 12
#: Words narrower than this many glyph heights (a lone letter or digit, a single stroke) are
#: not judged alone: the stroke width of a lone upright stroke is its own width, and its
#: edges are too few for a sharpness of their own. They still count in their line.
MIN_WORD_WIDTH = 1.0
MIN_LINES = 4
#: Outlying words of one line at most this many glyph heights apart are one region: a
#: retyped number or date is found as several ink "words" (digits that do not join), and the
#: edit spans them and the gaps between them.
MERGE_GAP = 1.5


@dataclass(frozen=True)
class WordPrint:
    """How one word is printed (see the module docstring for the features)."""

    box: Box
    line: int
    baseline: float  # page row of the word's densest ink row
    features: dict[str, float]
    height: float = 0.0  # box height, in the page's glyph heights (type size, not judged)
    frame: bool = False  # a drawn frame (`words.is_drawn_frame`): not judged as a word


@dataclass(frozen=True)
class GlyphOutlier:
    """A word or a line whose print differs from the page's.

    Attributes
    ----------
    box : Box
        Page pixels; ``score`` is the strength.
    level : {"word", "line"}
    deviations : dict feature -> {"value", "median", "z"}
        The features that stand out (``angle`` in degrees for lines).
    seen_by : tuple of str
        Observations of the method that stand beside the print as evidence of their own
        (``"two_measurements"``: a number off in two independent families of measurements,
        `workbench.imaging.forensic.digits.two_family_z`).

    """

    box: Box
    level: str
    deviations: dict[str, dict[str, float]]
    seen_by: tuple[str, ...] = ()

    @property
    def strength(self) -> float:
        """Strength in [0, 1]."""
        return self.box.score

    @property
    def lighter_and_softer(self) -> bool:
        """Whether this is a word whose ink is lighter and whose edges are softer than the page's.

        What a retyped number printed elsewhere and scanned again looks like, but also a date
        stamp or a pen fill-in in a line of print: their ink is lighter and spreads into the
        paper (a date in a body line at 0.7 of the print's ink depth, blurred by a further
        sigma of 0.8 px, rendered and scanned with the page, stood out at darkness z -6.0 to
        -6.4 and sharpness z -6.4 to -7.0, strength 1.0). The print alone cannot tell them
        apart: such a word is worth a warning only where another method sees the same place.
        """
        dark, sharp = self.deviations.get("darkness"), self.deviations.get("sharpness")
        if self.level != "word" or dark is None or sharp is None:
            return False
        return dark["z"] < 0 and sharp["z"] < 0


@dataclass(frozen=True)
class GlyphScan:
    """Per-word print measurements of a page and the words and lines that stand out."""

    words: list[WordPrint]
    outliers: list[GlyphOutlier]
    lines: int
    note: str | None = None
    medians: dict[str, float] = field(default_factory=dict)


def print_features(
    gray: np.ndarray, ink: np.ndarray, box: Box, own_ink: np.ndarray, glyph_height: float
) -> dict[str, float] | None:
    """How the ink ``own_ink`` inside ``box`` is printed (the module docstring's features).

    Parameters
    ----------
    gray : (H, W) uint8 array
        The page.
    ink : (H, W) bool array
        The page's binarised ink (what is not paper around the word).
    box : Box
        The word's box, page pixels, inside the page.
    own_ink : (box.height, box.width) bool array
        The word's own ink in its box.
    glyph_height : float
        The page's typical glyph height, pixels.

    Returns
    -------
    dict feature -> value, or None when the word has too little ink or paper around it, or
    too little contrast, to be measured.

    """
    h, w = gray.shape
    b = box
    pad = max(2, round(0.3 * glyph_height))
    x0, y0 = max(b.x - pad, 0), max(b.y - pad, 0)
    x1, y1 = min(b.x + b.width + pad, w), min(b.y + b.height + pad, h)
    patch = gray[y0:y1, x0:x1].astype(np.float32)
    own = np.zeros(patch.shape, bool)
    own[b.y - y0 : b.y - y0 + b.height, b.x - x0 : b.x - x0 + b.width] = own_ink
    anyink = ink[y0:y1, x0:x1]
    near = cv2.dilate(anyink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    bare = ~near
    paper_px = patch[bare]
    if paper_px.size < 30 or int(own.sum()) < 20:
        return None
    # numpy's order statistics without its per-call overhead (the same numbers).
    paper = median_f32(paper_px)
    inkv = patch[own]
    core = low_mean_f32(inkv, max(1, inkv.size // 3))
    contrast = paper - core
    if paper <= 1.0 or contrast < 10.0:
        return None
    grad = sobel_magnitude(patch) / 8.0  # grey levels per pixel, the same on every call
    ring = cv2.dilate(own.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~cv2.erode(
        own.astype(np.uint8), np.ones((3, 3), np.uint8)
    ).astype(bool)
    if int(ring.sum()) < 10:
        return None
    sharp = percentile_f32(grad[ring], 90) / contrast
    residual = patch - cv2.GaussianBlur(patch, (0, 0), 1.0)
    grain = median_f32(np.abs(residual[bare])) * 1.4826
    return {
        "darkness": contrast / paper,
        "sharpness": sharp,
        "stroke": stroke_width(own_ink) / max(glyph_height, 1.0),
        "grain": grain,
    }


def _is_rule(box: Box) -> bool:
    """A ruled line or a long dash: its long straight edges are steeper than any letter's."""
    return box.width > RULE_ASPECT * box.height


def _baseline(page: PageWords, word: Word) -> float:
    rows = page.word_ink(word).sum(axis=1)
    return float(word.box.y + int(np.argmax(rows)))


def _assign_lines(words: list[Word], height: float) -> list[int]:
    """Line number of each word.

    Words whose vertical centres follow each other within 0.6 glyph heights share a row; a
    row is split where two neighbouring words are more than `COLUMN_GAP` glyph heights apart
    (two columns side by side, such as a letterhead's left and right blocks, are two lines).
    """
    order = sorted(range(len(words)), key=lambda i: words[i].box.y + words[i].box.height / 2)
    rows: list[list[int]] = []
    last_centre = -math.inf
    for i in order:
        centre = words[i].box.y + words[i].box.height / 2
        if centre - last_centre > 0.6 * height:
            rows.append([])
        rows[-1].append(i)
        last_centre = centre
    line_of = [0] * len(words)
    current = -1
    for row in rows:
        row.sort(key=lambda i: words[i].box.x)
        right = -math.inf
        for i in row:
            if words[i].box.x - right > COLUMN_GAP * height:
                current += 1
            line_of[i] = current
            right = max(right, words[i].box.x + words[i].box.width)
    return line_of


def _robust(values: np.ndarray, floor: float) -> tuple[float, float]:
    median = float(np.median(values))
    spread = 1.4826 * float(np.median(np.abs(values - median)))
    return median, max(spread, floor)


def _union(boxes: list[Box], score: float) -> Box:
    return Box(*union_box((b.x, b.y, b.width, b.height) for b in boxes), score)


def _line_angle(members: list[WordPrint], page: PageWords) -> float | None:
    """Angle (degrees, positive = rising to the right) of a line of words.

    The rotation that makes the line's ink profile sharpest (`lines.deskew_angle` on the
    line alone): digits and letters have different densest rows, so fitting the words'
    baselines would tilt a line that ends in a number. None for lines too short to have a
    measurable angle.
    """
    if len(members) < MIN_LINE_WORDS:
        return None
    box = _union([m.box for m in members], 0.0)
    if box.width < MIN_ANGLE_SPAN * page.glyph_height:
        return None
    pad = round(page.glyph_height)
    y0, y1 = max(box.y - pad, 0), box.y + box.height + pad
    ink = page.ink[y0:y1, box.x : box.x + box.width]
    angle = deskew_angle(ink, max_degrees=MAX_ANGLE, step=0.05)
    # At the end of the search range the profile had no clear peak: no angle.
    return None if abs(angle) >= MAX_ANGLE - 0.1 else -angle


def _without_innocent(
    devs: dict[str, dict[str, float]], *, line: bool, size: float = 1.0, darker: bool = False
) -> dict[str, dict[str, float]]:
    """Drop the deviations that a different weight or size of type or a lighter ink explain.

    A whole line with strokes a quarter wider or narrower than usual is set in another
    weight (a bold heading, a light footer): such print is also darker or lighter and its
    edges differ, so stroke, darkness and sharpness say nothing more, except softer edges on
    a line of the body's own size of type whose ink is not ``darker`` than the page's lines.
    Edge sharpness is measured per grey level of contrast: bold strokes printed with the
    page reach the ink's full darkness where the body's thin strokes, blurred, do not, and
    so measure both darker and softer (a subject line in Nazli Bold among Nazli lines,
    rendered and scanned with the page at 34 and 44 px, blur 0.9 and 1.5: darkness 1.16 to
    1.34 times the lines' median, sharpness 0.87 to 0.91 times, z -6 to -8). Softer edges
    that come without that darkness are not explained by the weight: lines spliced in a
    heavier face on the fresh-look development set (Homa, scanned on their own) stood out at
    sharpness z -2 to -20, fresh-026 and fresh-028 with lighter ink (0.85 and 0.81). The
    same holds for a whole line set in another size (``size``: its words' height relative
    to the page's, at least `SIZE_RATIO` apart) as far as stroke and darkness go: its
    heavier or finer strokes reach another ink darkness even where their width, measured in
    pixels at low resolution, stays below the weight step. (A single bolder word inside a
    line of ordinary print is kept: that is how retyped digits often look.) Lighter ink
    alone is what a stamp, a grey footer or a pencil note looks like.
    """
    out = dict(devs)
    stroke = out.get("stroke")
    other_weight = False
    if line and stroke is not None and stroke["median"] > 0:
        ratio = stroke["value"] / stroke["median"]
        other_weight = ratio >= WEIGHT_RATIO or ratio <= 1.0 / WEIGHT_RATIO
    other_size = line and (size >= SIZE_RATIO or size <= 1.0 / SIZE_RATIO)
    softer = "sharpness" in out and out["sharpness"]["z"] < 0
    if other_weight and not other_size and softer and not darker:
        # Another weight at the body's own size, softer yet not darker: a heavier face
        # printed through another blur (a line typeset elsewhere and pasted). A bold line
        # printed with the body (a subject line), darker and so softer per grey level, and
        # a heading's larger bold type are excused on their edges too.
        for name in ("stroke", "darkness"):
            out.pop(name, None)
    elif other_weight:
        for name in ("stroke", "darkness", "sharpness"):
            out.pop(name, None)
    elif other_size:
        # Edge sharpness is measured per grey level of contrast, so type size alone does not
        # change it: a line typed in another size without the scan's blur still shows there.
        for name in ("stroke", "darkness"):
            out.pop(name, None)
    if set(out) == {"darkness"} and out["darkness"]["z"] < 0:
        out.clear()
    return out


def _lighter_only(devs: dict[str, dict[str, float]]) -> bool:
    """Whether a word's lighter ink has innocent causes: lighter, and its edges not softer.

    A stamp's words, a grey footer or a pencil note are lighter than the print; their edges,
    measured per grey level of contrast, are often as steep as the print's. A word that is
    lighter *and* softer than both the page and its own line is ink blurred on its own: a
    number printed by another printer and scanned again, laid over the erased one, but also
    a dater stamp or a pen fill-in whose ink spread into the paper
    (`GlyphOutlier.lighter_and_softer`: alone, such a word is a notice). On the
    fresh-look development set such retyped numbers stood out at darkness z -5 to -10 and
    sharpness z -4 to -12 and were dropped as lighter words. Judging lighter and softer words
    raised no word of an untouched page of dev or of that set (a word still needs two
    features off from both the page and its line).
    """
    if "darkness" not in devs or devs["darkness"]["z"] >= 0:
        return False
    return not ("sharpness" in devs and devs["sharpness"]["z"] < 0)


def _merge_words(hits: list[tuple[int, GlyphOutlier]], gap: float) -> list[GlyphOutlier]:
    """Join outlying words of one line that lie at most ``gap`` pixels apart into one region.

    The region takes the strength and the deviations of its strongest word: the words of a
    retyped number are one edit, and a fact-checker should see it as one region.
    """
    by_line: dict[int, list[GlyphOutlier]] = {}
    for line, outlier in hits:
        by_line.setdefault(line, []).append(outlier)
    merged: list[GlyphOutlier] = []
    for members in by_line.values():
        members.sort(key=lambda o: o.box.x)
        group = [members[0]]
        for o in members[1:]:
            right = max(g.box.x + g.box.width for g in group)
            if o.box.x - right <= gap:
                group.append(o)
                continue
            merged.append(_joined(group))
            group = [o]
        merged.append(_joined(group))
    return merged


def _joined(group: list[GlyphOutlier]) -> GlyphOutlier:
    strongest = max(group, key=lambda o: o.strength)
    if len(group) == 1:
        return strongest
    return GlyphOutlier(
        _union([o.box for o in group], strongest.strength), "word", strongest.deviations
    )


def glyph_consistency(
    gray: np.ndarray,
    *,
    words: PageWords | None = None,
    word_z: tuple[float, float] = WORD_Z,
    line_z: tuple[float, float] = LINE_Z,
    sharp_alone: tuple[float, float] = SHARP_ALONE_Z,
    spreads: dict[str, float] | None = None,
) -> GlyphScan:
    """Words and lines of a page whose print differs from the page's own words.

    Parameters
    ----------
    gray : (H, W) uint8 array
        The page, dark print on light paper.
    words : PageWords, optional
        The page's words, when already found.
    word_z, line_z : (low, high)
        Robust z-scores mapped to strength 0 and 1 for single words and for lines.
    sharp_alone : (low, high)
        The same for a single word's edge sharpness alone (steeper edges only).
    spreads : dict feature -> float, optional
        Lower bounds for each feature's spread (1.4826 MAD) and for line ``angle``, set from
        genuine exemplars by calibration; the page's own spread is used when larger.

    Returns
    -------
    GlyphScan

    """
    img = np.ascontiguousarray(gray, dtype=np.uint8)
    page = find_words(img) if words is None else words
    measured: list[tuple[Word, dict[str, float]]] = []
    frames: list[bool] = []
    for found in page.words:
        word, own, frame = framed_word(page, found)
        features = print_features(img, page.ink, word.box, own, page.glyph_height)
        if features is not None:
            measured.append((word, features))
            frames.append(frame)
    if len(measured) < MIN_WORDS:
        return GlyphScan([], [], 0, "Too few words to compare their print with each other.")
    line_of = _assign_lines([w for w, _ in measured], page.glyph_height)
    gh = max(page.glyph_height, 1.0)
    prints = [
        WordPrint(w.box, k, _baseline(page, w), f, w.box.height / gh, frame)
        for (w, f), k, frame in zip(measured, line_of, frames, strict=True)
    ]
    page_height = float(np.median([p.height for p in prints]))
    floors = dict(spreads or {})
    stats: dict[str, tuple[float, float]] = {}
    for name, floor in FEATURES.items():
        values = np.array([p.features[name] for p in prints])
        median, spread = _robust(values, 0.0)
        stats[name] = (median, max(spread, floor * abs(median), floors.get(name, 0.0)))
    outliers: list[GlyphOutlier] = []
    word_hits: list[tuple[int, GlyphOutlier]] = []

    def deviations(
        values: dict[str, float], low: float, line: bool, size: float = 1.0, darker: bool = False
    ) -> tuple[float, dict[str, dict[str, float]]]:
        out: dict[str, dict[str, float]] = {}
        for name, (median, spread) in stats.items():
            z = (values[name] - median) / spread
            if z * ONE_SIDED.get(name, z) < 0 or abs(z) * FEATURE_WEIGHTS[name] < low:
                continue
            out[name] = {
                "value": round(values[name], 4),
                "median": round(median, 4),
                "z": round(z, 2),
            }
        out = _without_innocent(out, line=line, size=size, darker=darker)
        worst = max((abs(d["z"]) * FEATURE_WEIGHTS[n] for n, d in out.items()), default=0.0)
        return worst, out

    by_line: dict[int, list[WordPrint]] = {}
    for p in prints:
        by_line.setdefault(p.line, []).append(p)
    judged = {
        k: v
        for k, v in by_line.items()
        if len(v) >= MIN_LINE_WORDS
        and _union([m.box for m in v], 0.0).width >= MIN_LINE_SPAN * page.glyph_height
    }
    # A word is judged against the page and against its own line: a retyped number stands out
    # from both, while the words of a stamp or a note differ from the page together.
    for members in judged.values():
        line_medians = {
            name: float(np.median([m.features[name] for m in members])) for name in FEATURES
        }
        for p in members:
            if p.box.width < MIN_WORD_WIDTH * page.glyph_height or p.frame:
                continue
            _, devs = deviations(p.features, WORD_FEATURE_Z, False)
            sharp_z = 0.0
            for name in list(devs):
                spread = stats[name][1]
                within = (p.features[name] - line_medians[name]) / spread
                if abs(within) < WORD_FEATURE_Z or within * devs[name]["z"] < 0:
                    del devs[name]
                elif name == "sharpness":
                    sharp_z = min(devs[name]["z"], within)
            sharp = devs.get("sharpness")
            devs = _without_innocent(devs, line=False)
            score = 0.0
            if len(devs) >= WORD_FEATURES and not _lighter_only(devs):
                # Several features moderately off together: their combined distance counts.
                combined = math.sqrt(
                    sum((d["z"] * FEATURE_WEIGHTS[n]) ** 2 for n, d in devs.items())
                )
                score = float(strength_from_z(np.array(combined), *word_z))
            if sharp is not None and sharp_z > 0 and not _is_rule(p.box):
                # Edges far steeper than the page's and its line's: print without the scan's
                # blur counts alone, whatever its ink darkness.
                alone = float(strength_from_z(np.array(sharp_z), *sharp_alone))
                if alone > score:
                    score, devs = alone, {"sharpness": sharp}
            if score > 0:
                box = Box(p.box.x, p.box.y, p.box.width, p.box.height, score)
                word_hits.append((p.line, GlyphOutlier(box, "word", devs)))
    # A number on a line of its own or beside its label (a line too short to be judged):
    # only its edge sharpness, against the page, counts.
    for k, members in by_line.items():
        if k in judged:
            continue
        for p in members:
            if p.box.width < MIN_WORD_WIDTH * page.glyph_height or _is_rule(p.box) or p.frame:
                continue
            median, spread = stats["sharpness"]
            z = (p.features["sharpness"] - median) / spread
            alone = float(strength_from_z(np.array(z), *sharp_alone))
            if alone > 0:
                devs = {
                    "sharpness": {
                        "value": round(p.features["sharpness"], 4),
                        "median": round(median, 4),
                        "z": round(z, 2),
                    }
                }
                box = Box(p.box.x, p.box.y, p.box.width, p.box.height, alone)
                word_hits.append((p.line, GlyphOutlier(box, "word", devs)))
    outliers += _merge_words(word_hits, MERGE_GAP * page.glyph_height)

    if len(judged) >= MIN_LINES:
        line_values = {
            k: {name: float(np.median([m.features[name] for m in v])) for name in FEATURES}
            for k, v in judged.items()
        }
        # Line medians vary less than words: their spread is measured among the lines.
        for name in FEATURES:
            values = np.array([lv[name] for lv in line_values.values()])
            median, spread = _robust(values, FEATURES[name] * 0.5 * abs(float(np.median(values))))
            stats[name] = (median, max(spread, floors.get(name, 0.0) * 0.5))
        angles = {k: _line_angle(v, page) for k, v in judged.items()}
        valid_angles = np.array([a for a in angles.values() if a is not None])
        angle_stats = (
            _robust(valid_angles, max(ANGLE_FLOOR, floors.get("angle", 0.0)))
            if valid_angles.size >= MIN_LINES
            else None
        )
        for k, members in judged.items():
            size = float(np.median([m.height for m in members])) / max(page_height, 1e-6)
            # Darker than the page's lines: a bold line printed with the body.
            darker = line_values[k]["darkness"] > stats["darkness"][0]
            worst, devs = deviations(line_values[k], line_z[0], True, size, darker)
            angle = angles[k]
            if angle_stats is not None and angle is not None:
                z = (angle - angle_stats[0]) / angle_stats[1]
                if abs(z) >= line_z[0]:
                    devs["angle"] = {
                        "value": round(angle, 3),
                        "median": round(angle_stats[0], 3),
                        "z": round(z, 2),
                    }
                worst = max(worst, abs(z))
            if devs:
                score = float(strength_from_z(np.array(worst), *line_z))
                outliers.append(GlyphOutlier(_union([m.box for m in members], score), "line", devs))
    outliers.sort(key=lambda o: -o.strength)
    medians = {
        name: round(float(np.median([p.features[name] for p in prints])), 4) for name in FEATURES
    }
    return GlyphScan(prints, outliers, len(judged), None, medians)


def glyph_map(shape: tuple[int, int], outliers: list[GlyphOutlier], cell: int = 1) -> np.ndarray:
    """Strength map of the outlying words and lines, on a ``cell`` x ``cell`` grid (float32)."""
    return box_map(shape, (o.box for o in outliers), cell)
