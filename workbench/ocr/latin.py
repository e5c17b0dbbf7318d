"""Latin text on a page read with a model that cannot write it, found and read with ``eng``.

Tesseract's Persian and Arabic models have almost no Latin letters: an e-mail address, a
web address, an English name or a line of English on a Persian letter comes out as
low-confidence digits of both systems, ASCII punctuation and odd letter groups. Such lines
are cut out of the page, stacked into one image and read once with ``eng``; a line counts
as Latin text when ``eng`` reads it much more confidently and mostly in Latin letters.

Which lines are read again is decided from the first reading (`latin_candidates`): a low
mean confidence alone also picks stamps, signatures and handwriting, which are most of the
low-confidence lines of real letters and which ``eng`` reads no better. The rule, and what
it costs and keeps on Persian letters with Latin runs, is measured by
``benchmarks/latin_lines.py`` (figures in ``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from workbench.ocr.model import OcrLine, OcrPage, OcrWord
from workbench.text.script import char_script

#: Lines the page's model read below this mean confidence may be Latin text read as noise.
RECHECK_BELOW = 75.0
#: At most this many lines per page are read again.
MAX_RECHECK_LINES = 12
#: A line read again counts as Latin text when ``eng`` is this much more confident.
RECHECK_MARGIN = 10.0
#: Letters and digits a word needs before mixed digit systems or letters and digits in it
#: count as a sign of misread Latin text (short mixtures are read into stamps).
MIN_SIGN_CHARS = 4
WESTERN_DIGITS = frozenset("0123456789")
#: Words of two or more digits a line needs for mixed digit systems in it to count.
MIN_NUMBER_WORDS = 3
#: ASCII symbols that Persian text does not use inside a word.
LATIN_SYMBOLS = frozenset("[]{}<>@_|\\#$&=~^")
#: White margin, in pixels, around each line cut out for the ``eng`` reading.
PAD = 12


def word_script(text: str) -> str | None:
    """The script of most letters of `text`, or None when it has no letters."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = char_script(ch)
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda s: counts[s])


def line_confidence(page: OcrPage, line: OcrLine) -> float | None:
    """The mean confidence of the words of `line` (None when none has one)."""
    values = [c for i in line.words if (c := page.words[i].confidence) is not None]
    return round(sum(values) / len(values), 2) if values else None


def low_confidence_lines(page: OcrPage) -> list[tuple[OcrLine, float]]:
    """Every line read below `RECHECK_BELOW`, with its mean confidence, top of the page first."""
    return [
        (line, conf)
        for line in page.lines
        if (conf := line_confidence(page, line)) is not None and conf < RECHECK_BELOW
    ]


def looks_like_misread_latin(token: str) -> bool:
    """Whether a word of a Persian or Arabic model's reading looks like Latin text misread.

    Signs (each rare in Persian text, and in the noise stamps and signatures read into):
    Latin letters; Western digits in one word with Eastern digits or Arabic-script letters
    (at least `MIN_SIGN_CHARS` letters and digits); Arabic-script letters glued to Eastern
    digits (as many); ASCII symbols no Persian text uses (``[ ] @ _ |`` ...), or an unmatched
    parenthesis, inside a word of at least two letters or digits; a Latin comma opening a
    word (Persian's is ``،``).
    """
    signs = sum(ch.isalnum() for ch in token)
    if any(ch.isascii() and ch.isalpha() for ch in token):
        return True
    western = any(ch in WESTERN_DIGITS for ch in token)
    eastern = any(ch.isdigit() and not ch.isascii() for ch in token)
    letters = any(ch.isalpha() and not ch.isascii() for ch in token)
    if signs >= MIN_SIGN_CHARS and ((western and (eastern or letters)) or (letters and eastern)):
        return True
    return signs >= 2 and (
        not LATIN_SYMBOLS.isdisjoint(token)
        or token.count("(") != token.count(")")
        or token.startswith(",")
    )


def latin_candidates(page: OcrPage) -> list[tuple[OcrLine, float]]:
    """The low-confidence lines worth reading with ``eng`` (at most `MAX_RECHECK_LINES`).

    A line read below `RECHECK_BELOW` with a word that looks like misread Latin text
    (`looks_like_misread_latin`) or with numbers of both digit systems (`_digit_noise`);
    low confidence alone is mostly stamps, signatures and
    handwriting, which ``eng`` reads no better.
    """
    found = [
        (line, conf)
        for line, conf in low_confidence_lines(page)
        if any(looks_like_misread_latin(page.words[i].text) for i in line.words)
        or _digit_noise([page.words[i].text for i in line.words])
    ]
    return found[:MAX_RECHECK_LINES]


def _digit_noise(tokens: Sequence[str]) -> bool:
    """Several words of two or more digits, with digits of both systems in the line.

    ``fas`` reads Latin letters mostly as digits; a Persian line writes its numbers in one
    system (a stamp or signature read as noise gives single digits).
    """
    numbers = [t for t in tokens if sum(ch.isdigit() for ch in t) >= 2]
    text = "".join(numbers)
    western = any(ch in WESTERN_DIGITS for ch in text)
    eastern = any(ch.isdigit() and not ch.isascii() for ch in text)
    return len(numbers) >= MIN_NUMBER_WORDS and western and eastern


def stack_lines(
    gray: np.ndarray, boxes: Sequence[tuple[int, int, int, int]]
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The lines at `boxes` cut out of `gray`, padded and stacked top to bottom.

    Returns the stacked image and each line's rows in it (top, bottom).
    """
    crops = []
    for x, y, w, h in boxes:
        crop = gray[max(y - 4, 0) : y + h + 4, max(x - 4, 0) : x + w + 4]
        crops.append(np.pad(crop, PAD, constant_values=255))
    width = max(c.shape[1] for c in crops)
    stacked = np.full((sum(c.shape[0] for c in crops), width), 255, dtype=np.uint8)
    offsets = []
    top = 0
    for crop in crops:
        stacked[top : top + crop.shape[0], : crop.shape[1]] = crop
        offsets.append((top, top + crop.shape[0]))
        top += crop.shape[0]
    return stacked, offsets


def latin_lines(
    suspects: Sequence[tuple[OcrLine, float]],
    offsets: Sequence[tuple[int, int]],
    english: OcrPage,
) -> dict[int, tuple[OcrWord, ...]]:
    """The suspects ``eng`` read as Latin text (`english`, the stacked image's reading).

    A line qualifies when ``eng``'s mean confidence on it beats the page model's by
    `RECHECK_MARGIN` and at least half of its words are in Latin letters; its Latin words
    are returned by line index.
    """
    found: dict[int, tuple[OcrWord, ...]] = {}
    for (line, conf), (y0, y1) in zip(suspects, offsets, strict=True):
        words = tuple(w for w in english.words if y0 <= w.box[1] + w.box[3] / 2 < y1 and w.text)
        scores = [w.confidence for w in words if w.confidence is not None]
        latin = [w for w in words if word_script(w.text) == "Latin"]
        if (
            scores
            and sum(scores) / len(scores) >= conf + RECHECK_MARGIN
            and len(latin) >= len(words) / 2
        ):
            found[line.index] = tuple(latin)
    return found
