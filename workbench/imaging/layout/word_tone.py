"""Words of one text line whose ink tone differs from the rest of their line.

The words of a printed line went through the printer, the paper and the scanner together, so
their ink has one tone: the median grey of a word's ink pixels varies little from word to word
along a line (on the 86 development pages of the independent corpus, 99.9% of words lie within
0.18 of the line's paper-to-ink contrast of the line's other words, all within 0.21). Digits
or words typed again later and put into the line (erased and retyped, or pasted from another
print) carry the tone of another print and scan: the retyped digits of those pages that were
set into a blurred scan without its blur were 0.52 to 0.57 of the contrast darker than their
line. A word is compared with its own line only, never with the page, so that a heading, a
letterhead in colour or a faint carbon copy line does not stand out by being a line of its
own. Lines of fewer than four measured words are not judged: a field's line ("label: value")
has two or three, and its label is often bold.

Innocent explanations remain: a word in bold type (thicker strokes keep more of their
darkness through a blurred scan: `ToneOutlier.weight_explains`), a word gone over by hand, a
highlighter, a fold or a stain across one word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from workbench.imaging.lines import Box, LineMetrics, stroke_width

#: A word counts when its ink is at least this share of its line's ink height tall and as wide
#: as the line is high (dots, commas and single small letters have too few pixels to say
#: their tone).
MIN_WORD_HEIGHT = 0.45
MIN_WORD_WIDTH = 1.0
#: Columns without ink this wide (share of the line's ink height) separate words.
WORD_GAP = 0.3
#: Fewest measured words in a line, the odd one included, for the line to be judged: a
#: field's line ("label: value") has two or three, and its label is often set in bold.
MIN_WORDS = 4
#: A darker word whose strokes are this many times thicker than its line's (or a lighter one
#: with strokes this many times thinner) is in another weight of type, which explains its
#: tone (bold field labels of the samples' letters: 1.85 and 2.25 times).
WEIGHT_RATIO = 1.7
#: Lines with less paper-to-ink contrast (grey levels) than this are not judged.
MIN_CONTRAST = 40.0
#: Difference of a word's tone from its line's other words, as a share of the line's
#: paper-to-ink contrast, from which it is reported: about 1.4 times the largest difference
#: of a word of an untouched line on the development pages of the independent corpus (0.21,
#: a date in a thinner digit font; all the figures are in the module docstring).
TONE_LIMIT = 0.3
#: Nor is a word less than this many grey levels away from its line's other words: on a pale,
#: low-contrast print a longer, denser word is a few grey levels darker, a large share of a
#: small contrast (the largest difference of an untouched word on the development pages was
#: 26 grey levels; the retyped digits found there differed by 53 to 73). Added after the test
#: split was run: a word of an untouched test book page at contrast 73 differed by 22 grey
#: levels (0.30 of its contrast) and was the split's one warning on an untouched page.
MIN_STEP = 30.0
#: A "word" whose first and last ink rows are both inked over this share of its width is a
#: drawn frame (a check box, a cell), not type.
FRAME_ROWS = 0.8
#: The line's other words must agree among themselves: their median absolute deviation may be
#: at most this share of the word's difference.
AGREEMENT = 0.5


@dataclass(frozen=True)
class WordTone:
    """The ink tone of one word of a line, on the deskewed page."""

    box: Box  # (x, y, w, h) on the deskewed page
    tone: float  # median grey of the word's ink pixels
    stroke: float  # mean stroke width, pixels (`lines.stroke_width`)
    top: int = 0  # first ink row of the word, from the line box's top
    bottom: int = 0  # last ink row of the word, from the line box's top
    sharpness: float = 0.0  # steepest edges per grey level of contrast (`edge_sharpness`)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        x, y, w, h = self.box
        return {
            "box": {"x": x, "y": y, "width": w, "height": h},
            "tone": round(self.tone, 1),
            "stroke_width": round(self.stroke, 2),
            "ink_rows": [self.top, self.bottom],
            "sharpness": round(self.sharpness, 4),
        }


@dataclass(frozen=True)
class LineTones:
    """The measured words of one line and the paper grey around them."""

    line: int  # the line's index (`LineMetrics.index`)
    paper: float
    words: tuple[WordTone, ...]
    baseline: int = 0  # the line's densest ink row (its baseline), from the line box's top


@dataclass(frozen=True)
class ToneOutlier:
    """A word whose ink tone stands out from the other words of its line."""

    line: int
    word: WordTone
    line_tone: float  # median tone of the line's other words
    contrast: float  # paper grey minus `line_tone`
    relative: float  # (word tone - line tone) / contrast; negative = darker
    spread: float  # median absolute deviation of the other words' tones / contrast
    words: int  # measured words of the line, this one included
    stroke_ratio: float  # the word's stroke width over the median of the other words'

    @property
    def weight_explains(self) -> bool:
        """Whether the word's type weight explains its tone (darker and bold, lighter and thin)."""
        if self.relative < 0:
            return self.stroke_ratio >= WEIGHT_RATIO
        return self.stroke_ratio <= 1 / WEIGHT_RATIO

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with rounded figures."""
        return {
            "line": self.line,
            "word": self.word.to_dict(),
            "line_tone": round(self.line_tone, 1),
            "contrast": round(self.contrast, 1),
            "relative": round(self.relative, 3),
            "spread": round(self.spread, 3),
            "words": self.words,
            "stroke_ratio": round(self.stroke_ratio, 3),
            "weight_explains": self.weight_explains,
        }


def _straight_crop(gray: np.ndarray, angle: float, box: Box) -> np.ndarray:
    """The part `box` of the page rotated by `angle` (as `lines.rotate` turns the whole page).

    Only the line's pixels are resampled, so no second page-sized image is made.
    """
    h, w = gray.shape
    x, y, bw, bh = box
    if abs(angle) < 1e-6:
        return np.asarray(gray)[y : y + bh, x : x + bw]
    mat = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    mat[:, 2] -= (x, y)
    return np.asarray(cv2.warpAffine(gray, mat, (bw, bh), flags=cv2.INTER_NEAREST, borderValue=255))


def _word_runs(columns: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs of ink columns closer than `gap` columns, as (start, end) pairs."""
    where = np.flatnonzero(columns)
    if where.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(where) > gap)
    starts = np.r_[where[0], where[breaks + 1]]
    ends = np.r_[where[breaks], where[-1]] + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def edge_sharpness(gray: np.ndarray, ink: np.ndarray, paper: float, tone: float) -> float:
    """How steep a word's ink edges are, per grey level of its paper-to-ink contrast.

    The 90th percentile of the grey-level gradient (Sobel, per pixel) on the word's ink
    boundary, over the contrast: the inverse of the edge's width in pixels (0.0 without
    contrast or boundary).

    Every word of a scanned line went through the same optics and blur, so their edges are
    equally steep; digits typed straight into the file after the scan are not blurred by it.
    """
    contrast = paper - tone
    if contrast <= 0 or gray.shape[0] < 3 or gray.shape[1] < 3:
        return 0.0
    g = np.asarray(gray, dtype=np.float32)
    grad = np.hypot(
        cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    )
    m = ink.astype(np.uint8)
    ring = (cv2.dilate(m, np.ones((3, 3), np.uint8)) > 0) & ~cv2.erode(
        m, np.ones((3, 3), np.uint8)
    ).astype(bool)
    if not ring.any():
        return 0.0
    return float(np.percentile(grad[ring], 90)) / 8.0 / contrast


#: A segment inside a larger line's box is a row of that line's dots only up to this fraction
#: of that box's height (`dot_rows`). On the 36 letters of the independent corpus's dev split
#: every segment inside a larger box was a row of dots, 0.16 to 0.24 of its host box's height.
DOT_ROW_HEIGHT = 0.4


def dot_rows(boxes: Sequence[Box]) -> list[bool]:
    """Which of a page's line boxes lie wholly inside another, larger line's box.

    The line segmentation joins ink along rows, so the dots above a word (the three of
    "sh", the two of "t"), set apart from their letters by a row of paper, can come out as a
    segment of their own, a few pixels high, inside the box of the line they belong to. Their
    ink is measured with that line's words already (a word is all the ink of its columns in
    its line's box); on their own they are no word: each "word" of such a segment is a
    cluster of a few dots, nearly all edge, whose tone depends on the dots' size against the
    scan's blur, not on the print. On the letters of the independent corpus's dev generator
    (its dev split and letters made at other seeds) every such segment was a row of dots,
    7 to 15 pixels high (about a third of its line's ink height), its clusters from 7.5
    grey levels darker to 31 lighter than its line's words; at 31 lighter, an untouched
    letter's dot row was taken for a lighter word than the exemplars' same line.

    A segment counts only when it is also at most `DOT_ROW_HEIGHT` of the larger box's
    height: a line of type wholly inside a larger segment's box (a typed name under a
    signature whose strokes span it) keeps its words.
    """
    inner = []
    for i, (x, y, w, h) in enumerate(boxes):
        inner.append(
            any(
                j != i
                and ow * oh > w * h
                and h <= DOT_ROW_HEIGHT * oh
                and ox <= x
                and oy <= y
                and x + w <= ox + ow
                and y + h <= oy + oh
                for j, (ox, oy, ow, oh) in enumerate(boxes)
            )
        )
    return inner


def line_tones(
    gray: np.ndarray, angle: float, straight: np.ndarray, line: LineMetrics, dots: bool = False
) -> LineTones:
    """Measure the words of `line` (a line of the page deskewed by `angle`).

    A segment that is a row of another line's dots (`dots`, see `dot_rows`) gets its paper
    and baseline but no words.

    Parameters
    ----------
    gray : (H, W) uint8 array
        The page as decoded.
    angle : float
        The deskew rotation (`lines.deskew_angle`) that made `straight`.
    straight : (H, W) bool array
        The page's ink, deskewed.
    line : LineMetrics
        A line measured on `straight`.
    dots : bool
        Whether the line is a row of another line's dots (`dot_rows`).

    """
    x, y, w, h = line.box
    ink = np.asarray(straight[y : y + h, x : x + w], dtype=bool)
    tones = _straight_crop(gray, angle, line.box)
    paper = float(np.median(tones[~ink])) if (~ink).any() else 255.0
    words: list[WordTone] = []
    gap = max(3, round(WORD_GAP * line.ink_height))
    runs = [] if dots else _word_runs(np.asarray(ink.any(axis=0)), gap)
    for a, b in runs:
        word = ink[:, a:b]
        rows = np.flatnonzero(word.any(axis=1))
        height = rows[-1] - rows[0] + 1 if rows.size else 0
        if height < MIN_WORD_HEIGHT * line.ink_height or b - a < MIN_WORD_WIDTH * line.ink_height:
            continue
        if min(word[rows[0]].mean(), word[rows[-1]].mean()) >= FRAME_ROWS:
            continue  # a drawn box: its outline is a rule, not type
        tone = float(np.median(tones[:, a:b][word]))
        words.append(
            WordTone(
                (x + a, y, b - a, h),
                tone,
                stroke_width(np.ascontiguousarray(word)),
                int(rows[0]),
                int(rows[-1]),
                edge_sharpness(tones[:, a:b], word, paper, tone),
            )
        )
    baseline = int(np.argmax(ink.sum(axis=1))) if ink.size else 0
    return LineTones(line.index, paper, tuple(words), baseline)


def tone_outliers(lines: list[LineTones]) -> list[ToneOutlier]:
    """Words darker or lighter than the other words of their line (see `TONE_LIMIT`).

    Each comes with its stroke width against its line's, so that a word in bold (or light)
    type can be told apart (`ToneOutlier.weight_explains`).
    """
    found: list[ToneOutlier] = []
    for measured in lines:
        if len(measured.words) < MIN_WORDS:
            continue
        tones = np.array([w.tone for w in measured.words])
        strokes = np.array([w.stroke for w in measured.words])
        for i, word in enumerate(measured.words):
            others = np.delete(tones, i)
            usual = float(np.median(others))
            contrast = measured.paper - usual
            if contrast < MIN_CONTRAST:
                continue
            relative = (word.tone - usual) / contrast
            spread = float(np.median(np.abs(others - usual))) / contrast
            if (
                abs(relative) >= TONE_LIMIT
                and abs(word.tone - usual) >= MIN_STEP
                and spread <= AGREEMENT * abs(relative)
            ):
                ratio = word.stroke / max(float(np.median(np.delete(strokes, i))), 1e-6)
                found.append(
                    ToneOutlier(
                        measured.line, word, usual, contrast, relative, spread, len(tones), ratio
                    )
                )
    return found


def tone_range(measured: LineTones) -> tuple[float, float] | None:
    """The spread of a line's word tones (darkest to lightest, grey levels) and its contrast.

    None for a line of fewer than two measured words or too little contrast (`MIN_CONTRAST`).
    """
    if len(measured.words) < 2:
        return None
    tones = np.array([w.tone for w in measured.words])
    contrast = measured.paper - float(np.median(tones))
    if contrast < MIN_CONTRAST:
        return None
    return float(tones.max() - tones.min()), contrast


def wider_tone_range(questioned: LineTones, exemplar: LineTones) -> float | None:
    """How much wider the questioned line's tone range is than the exemplar line's, in grey levels.

    A line of a template (a field's "label: value") prints its words alike on every genuine
    letter, whatever its bold or light words: the exemplar's line at the same place shows how
    far apart its words' tones may be; `tone_range_differs` says when the questioned line's
    words are too far further apart than that. None when either line has too few words.
    """
    q, e = tone_range(questioned), tone_range(exemplar)
    if q is None or e is None:
        return None
    return q[0] - e[0]


def tone_range_differs(step: float) -> bool:
    """Whether `step` (from `wider_tone_range`) makes a line's tone pattern another print's.

    At least `MIN_STEP` grey levels: on the development letters of the independent corpus,
    each run against the three genuine letters of its template, a line the edit did not touch
    was at most 22 grey levels wider than the exemplar's line at the same place (650 line
    comparisons), a line holding retyped digits 34 to 69.
    """
    return step >= MIN_STEP


#: A line's darkest (or lightest) word that is darker (lighter) than the darkest (lightest) word
#: of the exemplar's line at the same place by at least this share of the exemplar line's
#: paper-to-ink contrast, and by `MIN_SHIFT_STEP` grey levels, once the pages' overall tone
#: difference is taken out (`tone_shift`), prints with another tone. On the development
#: letters of the independent corpus, each run against the genuine letters of its template, a
#: line the edit did not touch was at most 0.107 of the contrast (18 grey levels) darker than
#: the same line of at least one exemplar, and at most 0.083 lighter; the lines holding
#: retyped digits were 0.15 to 0.59 darker (20 to 66 grey levels) than it in every exemplar.
#: The limit is 1.4 times the largest untouched difference; no retyped digits of those letters
#: were lighter, so the lighter side had no measured detection, only its untouched spread.
#: Since the dev split's retyped digits take four looks (lighter, darker, sharper, softer),
#: one retyped line is lighter than the exemplars' (dev-056, retyped softer: 0.78 to 1.58 of
#: the limit) and no untouched line reaches 0.56 of it on the lighter side. Since layout check
#: version 7 a line counts against all but one of three exemplars or more, and a line with no
#: line at its place is compared with the exemplar's nearest text row of the same weight
#: (`checks/layout/line_findings.shift_agrees`); no untouched dev line then reaches 0.71 of
#: the limit on the darker side, 0.80 on the lighter. Since version 12 the exemplar left out
#: must itself reach `NEAR_SHARE` of the limit, and a line in the letterhead's or heading's
#: zone counts only against every exemplar (letters of the dev generator at seeds the dev
#: split does not hold: three untouched ones reached 1.05 to 1.18 of the limit otherwise).
SHIFT_LIMIT = 0.15
MIN_SHIFT_STEP = 20.0


def shift_share(step: float, contrast: float) -> float:
    """A `ToneShift` step (grey levels) as a share of its limit: 1.0 or more is beyond it.

    The limit is the larger of `SHIFT_LIMIT` of the exemplar line's `contrast` and
    `MIN_SHIFT_STEP`, as `ToneShift.direction` applies them.
    """
    return min(step / (SHIFT_LIMIT * max(contrast, 1e-6)), step / MIN_SHIFT_STEP)


def line_tone(measured: LineTones) -> float | None:
    """The median ink tone of a line's measured words, None for a line without one."""
    if not measured.words:
        return None
    return float(np.median([w.tone for w in measured.words]))


@dataclass(frozen=True)
class ToneShift:
    """How a questioned line's extreme words compare in tone with the exemplar's same line."""

    darker: float  # grey levels the darkest word is darker than the exemplar's darkest
    lighter: float  # grey levels the lightest word is lighter than the exemplar's lightest
    contrast: float  # the exemplar line's paper grey minus its median ink tone
    darkest: WordTone  # the questioned line's darkest word
    lightest: WordTone  # and its lightest

    @property
    def direction(self) -> str | None:
        """``"darker"`` or ``"lighter"`` when one extreme differs beyond the limits, else None."""
        for name, step in (("darker", self.darker), ("lighter", self.lighter)):
            if step >= MIN_SHIFT_STEP and step >= SHIFT_LIMIT * self.contrast:
                return name
        return None

    @property
    def word(self) -> WordTone:
        """The word the shift is about (the darkest unless only the lightest differs)."""
        return self.lightest if self.direction == "lighter" else self.darkest

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with rounded figures."""
        return {
            "darker": round(self.darker, 1),
            "lighter": round(self.lighter, 1),
            "contrast": round(self.contrast, 1),
            "direction": self.direction,
        }


def tone_shift(questioned: LineTones, exemplar: LineTones, page_shift: float) -> ToneShift | None:
    """Compare the extreme word tones of two lines at the same place of two pages.

    `page_shift` is how much lighter the questioned page's lines are than the exemplar's
    overall (the median over its matched lines of the difference of `line_tone`): a lighter
    scan or a darker print moves every line alike, a word printed apart moves alone. None
    when either line has no measured word or the exemplar line too little contrast.
    """
    e_tone = line_tone(exemplar)
    if not questioned.words or e_tone is None:
        return None
    contrast = exemplar.paper - e_tone
    if contrast < MIN_CONTRAST:
        return None
    q_tones = [w.tone for w in questioned.words]
    e_tones = [w.tone for w in exemplar.words]
    darkest = questioned.words[int(np.argmin(q_tones))]
    lightest = questioned.words[int(np.argmax(q_tones))]
    return ToneShift(
        darker=min(e_tones) + page_shift - darkest.tone,
        lighter=lightest.tone - max(e_tones) - page_shift,
        contrast=contrast,
        darkest=darkest,
        lightest=lightest,
    )
