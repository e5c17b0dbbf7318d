"""Words of one text line whose ink tone differs from the rest of their line.

The words of a printed line went through the printer, the paper and the scanner together, so
their ink has one tone: the median grey of a word's ink pixels varies little from word to word
along a line (on the development pages of the independent corpus, 99.9% of words lie within
0.18 of the line's paper-to-ink contrast of the line's other words). Digits or words typed
again later and put into the line (erased and retyped, or pasted from another print) carry
the tone of another print and scan: the retyped numbers of those letters were 0.22 to 0.55 of
the contrast darker than their line, and those pasted unblurred into a blurred scan 0.52
to 0.57 darker (the largest difference of a word of an untouched line on those pages was
0.21: a date set in a thinner digit font, lighter than its label). A word is compared with
its own line only, never with the page, so that a heading, a letterhead in colour or a faint
carbon copy line does not stand out by being a line of its own.

Innocent explanations remain: a word in bold type (thicker strokes keep more of their
darkness through a blurred scan), a word gone over by hand, a highlighter, a fold or a stain
across one word.
"""

from __future__ import annotations

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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        x, y, w, h = self.box
        return {
            "box": {"x": x, "y": y, "width": w, "height": h},
            "tone": round(self.tone, 1),
            "stroke_width": round(self.stroke, 2),
        }


@dataclass(frozen=True)
class LineTones:
    """The measured words of one line and the paper grey around them."""

    line: int  # the line's index (`LineMetrics.index`)
    paper: float
    words: tuple[WordTone, ...]


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


def line_tones(
    gray: np.ndarray, angle: float, straight: np.ndarray, line: LineMetrics
) -> LineTones:
    """Measure the words of `line` (a line of the page deskewed by `angle`).

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

    """
    x, y, w, h = line.box
    ink = np.asarray(straight[y : y + h, x : x + w], dtype=bool)
    tones = _straight_crop(gray, angle, line.box)
    paper = float(np.median(tones[~ink])) if (~ink).any() else 255.0
    words: list[WordTone] = []
    gap = max(3, round(WORD_GAP * line.ink_height))
    for a, b in _word_runs(np.asarray(ink.any(axis=0)), gap):
        word = ink[:, a:b]
        rows = np.flatnonzero(word.any(axis=1))
        height = rows[-1] - rows[0] + 1 if rows.size else 0
        if height < MIN_WORD_HEIGHT * line.ink_height or b - a < MIN_WORD_WIDTH * line.ink_height:
            continue
        if min(word[rows[0]].mean(), word[rows[-1]].mean()) >= FRAME_ROWS:
            continue  # a drawn box: its outline is a rule, not type
        words.append(
            WordTone(
                (x + a, y, b - a, h),
                float(np.median(tones[:, a:b][word])),
                stroke_width(np.ascontiguousarray(word)),
            )
        )
    return LineTones(line.index, paper, tuple(words))


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
            if abs(relative) >= TONE_LIMIT and spread <= AGREEMENT * abs(relative):
                ratio = word.stroke / max(float(np.median(np.delete(strokes, i))), 1e-6)
                found.append(
                    ToneOutlier(
                        measured.line, word, usual, contrast, relative, spread, len(tones), ratio
                    )
                )
    return found
