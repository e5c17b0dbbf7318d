"""The script check's evidence on page images: the ``fas`` and ``ara`` readings compared.

On a scan the code points come from the OCR model, not the paper, so the lines that may be
Arabic are read with both models (the ``fas`` reading is the shared context's; the ``ara``
reading covers only the lines `lines_needing_ara` picks, unless the whole page was read in
``ara`` anyway) and each ``fas`` word is paired with the ``ara`` word read at the same place
(`match_words`). A line then carries three kinds of evidence
beside its text: which model fits it better, dotted final yeh (which Persian print never
has) and Persian-only letters, and its digits by system, decided by the digit glyphs on the
page where the models cannot tell (`digits_of_word`). `workbench_checks.script.check` turns
these lines into findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.geometry import iou
from workbench.imaging.recognition.digit_shapes import count_systems, digit_systems
from workbench.ocr import OcrPage, OcrWord
from workbench.text.script import Classification, DigitCounts, classify, count_digits

#: A line counts as Arabic when the classifier says so with at least this confidence.
LINE_CONFIDENCE = 0.5
#: Boxes of the two readings of one word overlap at least this much (intersection over union).
MATCH_IOU = 0.5
#: Mean ``ara`` minus ``fas`` confidence over a line's words at which Arabic fits better (on
#: rendered Persian lines the difference stays within a few points; Arabic lines reach 5-15).
FIT_ARABIC = 8.0
FIT_MIN_WORDS = 3
#: A fit this large decides alone (measured on the samples' scans, Persian lines stay below 15).
FIT_DECISIVE = 25.0
#: Lines with fewer letters are never called Arabic by their text alone (a formula such as
#: «والسلام» or «سلام علیکم» is Arabic in origin and Persian in use).
LINE_MIN_LETTERS = 12
#: Words ``fas`` read less confidently (seals, signatures, specks) give no digit or glyph
#: evidence.
MIN_WORD_CONFIDENCE = 60.0
#: Numeric words ``fas`` read less confidently than this are not counted (seal and
#: signature strokes read as digits); Arabic-Indic digits themselves read at 50-75.
MIN_DIGIT_CONFIDENCE = 50.0

ARABIC_YEH = "ي"
TRAILING = ".,:;!?()[]«»\"'،؛؟٪%-_/\\"
PERSIAN_ONLY = frozenset("پچژگ")
#: Code points ``fas`` writes only where it sees Arabic letter forms (dotted yeh, Arabic kaf,
#: teh marbuta, alef maksura).
ARABIC_FORMS = frozenset("يكةى")
#: A line's fit can decide alone only if some `FIT_MIN_WORDS` of its words were read by
#: ``fas`` with at most this mean confidence (``ara`` confidences do not exceed 100).
DECISIVE_FAS_CEILING = 100.0 - FIT_DECISIVE
YEH_KAF = frozenset("یيکكى")


def _ends_with_dotted_yeh(text: str) -> bool:
    word = text.rstrip(TRAILING)
    return len(word) >= 2 and word.endswith(ARABIC_YEH)


def match_words(
    words: Sequence[OcrWord], others: Sequence[OcrWord], *, min_iou: float = MATCH_IOU
) -> list[OcrWord | None]:
    """For each word of `words`, the word of `others` read at the same place, or None.

    Boxes are compared by intersection over union; `others` is bucketed by vertical position
    so a page of a few hundred words costs a few milliseconds.
    """
    if not others:
        return [None] * len(words)
    step = max(8, int(sorted(o.box[3] for o in others)[len(others) // 2]))
    buckets: dict[int, list[OcrWord]] = {}
    for o in others:
        for b in range(o.box[1] // step, (o.box[1] + o.box[3]) // step + 1):
            buckets.setdefault(b, []).append(o)
    out: list[OcrWord | None] = []
    for w in words:
        best, best_iou = None, min_iou
        seen: set[int] = set()
        for b in range(w.box[1] // step, (w.box[1] + w.box[3]) // step + 1):
            for o in buckets.get(b, ()):
                if id(o) in seen:
                    continue
                seen.add(id(o))
                score = iou(w.box, o.box)
                if score >= best_iou:
                    best, best_iou = o, score
        out.append(best)
    return out


@dataclass
class PageLine:
    """One OCR line with its evidence (page coordinates)."""

    page: int
    index: int
    box: tuple[int, int, int, int]
    text: str
    classification: Classification
    fit: float | None = None
    matched: int = 0
    dotted_final_yeh: list[str] = field(default_factory=list)
    persian_letters: int = 0
    digits: DigitCounts = field(default_factory=DigitCounts)
    yeh_kaf_fits: list[float] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def arabic_language(self) -> bool:
        """Whether the line's text alone reads as Arabic, confidently and at some length."""
        c = self.classification
        return (
            c.language == "ar" and c.confidence >= LINE_CONFIDENCE and c.letters >= LINE_MIN_LETTERS
        )


@dataclass
class PageMemo:
    """What the evidence of one page computes twice, computed once.

    `lines_needing_ara` and `read_page` both classify every ``fas`` line and count the
    digit glyphs of every numeric word; given the same memo, the second finds both here.
    Line classifications are kept by text (code points untrusted), glyph votes by word box.
    """

    lines: dict[str, Classification] = field(default_factory=dict)
    votes: dict[tuple[int, int, int, int], dict[str, int]] = field(default_factory=dict)

    def classify_line(self, text: str) -> Classification:
        """`classify` of a line's text with its code points untrusted, once per text."""
        found = self.lines.get(text)
        if found is None:
            found = self.lines[text] = classify(text, code_points_trusted=False)
        return found

    def glyph_votes(self, word: OcrWord, gray: np.ndarray) -> dict[str, int]:
        """`count_systems` of the digit glyphs in the word's box on the page, once per box."""
        found = self.votes.get(word.box)
        if found is None:
            x, y, w, h = word.box
            pad = max(2, h // 8)
            crop = gray[max(0, y - pad) : y + h + pad, max(0, x - pad) : x + w + pad]
            found = self.votes[word.box] = count_systems(digit_systems(crop))
        return found


def lines_needing_ara(fas: OcrPage, gray: np.ndarray, memo: PageMemo | None = None) -> list[int]:
    """Positions in ``fas.lines`` of the lines whose evidence needs the ``ara`` reading.

    The ``ara`` reading raises no signal of its own on a line: it supports signals the
    ``fas`` reading and the glyphs give, decides the digit system where the glyphs cannot,
    and only an overwhelming fit decides alone. So a line is read with ``ara`` when it has
    any of: a text that reads as Arabic; a word with an Arabic letter form (``fas`` writes
    a dotted yeh as ي); digits whose glyphs read as Arabic-Indic or tell neither system
    (`digits_of_word`); or words read so poorly by ``fas`` (mean confidence at most
    `DECISIVE_FAS_CEILING`) that ``ara`` could beat them by `FIT_DECISIVE`. A Persian line
    read confidently, with Persian digit shapes if any, has none of these. `memo` keeps
    what `read_page` of the same page computes again.
    """
    memo = memo if memo is not None else PageMemo()
    needed: list[int] = []
    for position, line in enumerate(fas.lines):
        words = [fas.words[i] for i in line.words]
        read = [
            float(w.confidence)
            for w in words
            if w.confidence is not None and w.text.strip(TRAILING)
        ]
        arabic_text = memo.classify_line(line.text).language == "ar"
        forms = any(
            (w.confidence or 0.0) >= MIN_WORD_CONFIDENCE and not ARABIC_FORMS.isdisjoint(w.text)
            for w in words
        )
        poorly_read = len(read) >= FIT_MIN_WORDS and sum(read) / len(read) <= DECISIVE_FAS_CEILING
        if (
            arabic_text
            or forms
            or poorly_read
            or any(_digits_need_ara(w, gray, memo) for w in words)
        ):
            needed.append(position)
    return needed


def _digits_need_ara(word: OcrWord, gray: np.ndarray, memo: PageMemo) -> bool:
    """Whether the word's digits are Arabic-Indic by their glyphs, or undecided by them."""
    if (word.confidence or 0.0) < MIN_DIGIT_CONFIDENCE:
        return False
    _, votes = digits_of_word(word, None, gray, memo)
    return votes is not None and (votes["arabic_indic"] > 0 or votes["persian"] == 0)


def read_page(
    index: int,
    fas: OcrPage,
    ara: OcrPage,
    gray: np.ndarray,
    cache: dict[str, Classification],
    word_budget: int,
    memo: PageMemo | None = None,
) -> tuple[list[PageLine], list[dict[str, Any]], DigitCounts]:
    """The evidence lines of one page, its per-word rows (at most `word_budget`), its digits.

    Each ``fas`` line is classified by its text (code points untrusted), its words paired
    with the ``ara`` reading, and the line given the Arabic signals it shows (``reasons``).
    `cache` holds word classifications shared across pages; `memo` what
    `lines_needing_ara` computed on this page.
    """
    memo = memo if memo is not None else PageMemo()
    partners = match_words(fas.words, ara.words)
    word_rows: list[dict[str, Any]] = []
    digits = DigitCounts()
    lines: list[PageLine] = []
    for line in fas.lines:
        c = memo.classify_line(line.text)
        info = PageLine(page=index, index=line.index, box=line.box, text=line.text,
                     classification=c)  # fmt: skip
        fits: list[float] = []
        for wi in line.words:
            word = fas.words[wi]
            other = partners[wi]
            fit = None
            if other is not None and word.confidence is not None and other.confidence:
                fit = float(other.confidence) - float(word.confidence)
                if word.text.strip(TRAILING):
                    fits.append(fit)
                if any(ch in YEH_KAF for ch in word.text):
                    info.yeh_kaf_fits.append(fit)
            noise = (word.confidence or 0.0) < MIN_WORD_CONFIDENCE
            dotted = not noise and (
                _ends_with_dotted_yeh(word.text)
                or (other is not None and _ends_with_dotted_yeh(other.text))
            )
            if dotted:
                info.dotted_final_yeh.append(word.text)
            info.persian_letters += sum(ch in PERSIAN_ONLY for ch in word.text)
            shapes: dict[str, int] | None = None
            if (word.confidence or 0.0) < MIN_DIGIT_CONFIDENCE:
                word_digits = DigitCounts()
            else:
                word_digits, shapes = digits_of_word(word, other, gray, memo)
            digits = digits + word_digits
            info.digits = info.digits + word_digits
            if len(word_rows) < word_budget:
                wc = cache.get(word.text)
                if wc is None:
                    wc = cache[word.text] = classify(
                        word.text, code_points_trusted=False, statistical=False
                    )
                word_rows.append(
                    {
                        "text": word.text,
                        "box": list(word.box),
                        "line": word.line,
                        "confidence": word.confidence,
                        "ara_text": other.text if other is not None else None,
                        "ara_confidence": other.confidence if other is not None else None,
                        "fit_ara_minus_fas": None if fit is None else round(fit, 1),
                        "dotted_final_yeh": dotted,
                        "digit_shapes": shapes,
                        "script": wc.script,
                        "language": wc.language,
                        "language_confidence": round(wc.confidence, 3),
                    }
                )
        if len(fits) >= FIT_MIN_WORDS:
            info.fit = sum(fits) / len(fits)
        info.matched = len(fits)
        fits_arabic = info.fit is not None and info.fit >= FIT_ARABIC
        if info.arabic_language:
            info.reasons.append("arabic_language")
        # Glyph evidence needs support: one dotted yeh in a poorly read line is noise.
        if info.dotted_final_yeh and (
            fits_arabic or len(info.dotted_final_yeh) >= 2 or info.arabic_language
        ):
            info.reasons.append("dotted_final_yeh")
        # On real scans the fit alone varies by 10 points between Persian lines, so it
        # only supports the other signals (or decides when it is overwhelming).
        if fits_arabic and (info.reasons or (info.fit or 0.0) >= FIT_DECISIVE):
            info.reasons.append("ara_model_fits_better")
        if info.digits.arabic_indic:
            info.reasons.append("arabic_indic_digits")
        lines.append(info)
    return lines, word_rows, digits


def digits_of_word(
    word: OcrWord, other: OcrWord | None, gray: np.ndarray, memo: PageMemo | None = None
) -> tuple[DigitCounts, dict[str, int] | None]:
    """The digits of one word by system, and the glyph votes when they were counted.

    ``fas`` writes every Eastern digit as Persian, so the system is decided by the
    shapes of 4, 5 and 6 on the page (`digit_systems`); where the font draws them alike
    in both systems, by whether ``ara`` read as many Arabic-Indic digits at least as
    confidently as ``fas`` (``ara`` misreads Persian digits badly). The glyph votes are
    counted once per word box in `memo`.
    """
    mine = count_digits(word.text)
    eastern = mine.persian + mine.arabic_indic
    if not eastern:
        return mine, None
    votes = (memo if memo is not None else PageMemo()).glyph_votes(word, gray)
    if votes["arabic_indic"] > votes["persian"]:
        # Western digits ``fas`` read among Arabic-Indic glyphs are misread ٤ and ٦.
        return DigitCounts(0, eastern + mine.western, 0), votes
    if votes["persian"]:
        # Likewise, Western digits among Persian glyphs are misread ۴ and ۶.
        return DigitCounts(eastern + mine.western, 0, 0), votes
    theirs = count_digits(other.text) if other is not None else DigitCounts()
    if (
        other is not None
        and theirs.arabic_indic == eastern
        and other.confidence is not None
        and word.confidence is not None
        and other.confidence >= word.confidence
    ):
        return DigitCounts(0, eastern, mine.western), votes
    return DigitCounts(eastern, 0, mine.western), votes


def line_row(line: PageLine) -> dict[str, Any]:
    """The report's row for one line: its text, classification and evidence."""
    return {
        "line": line.index,
        "box": list(line.box),
        "text": line.text[:300],
        **line.classification.as_dict(detail=False),
        "decided_by": list(line.classification.decided_by),
        "fit_ara_minus_fas": None if line.fit is None else round(line.fit, 1),
        "dotted_final_yeh": line.dotted_final_yeh,
        "digits": line.digits.as_dict(),
        "arabic_signals": line.reasons,
    }
