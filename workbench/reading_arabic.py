"""Which lines are Arabic, and the second reader's reading of one written in Arabic letters.

Part of the reader seam (`workbench.reading`): a page or a line image is read with ``ara``
when its ``fas`` reading is Arabic text (`page_language`, `line_is_arabic`); the second
reader, trained on Persian books, writes Persian letters, which `arabic_letters` writes as
Arabic where its reading of an Arabic line is kept. An Arabic line image is read by
Tesseract twice, as one line and as a raw line, and the more confident reading kept
(`more_confident_line`). Kept apart from `workbench.reading` so each stays small; the
figures behind each rule are in ``benchmarks/RESULTS.md`` ("OCR of text lines").
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

from workbench.errors import ToolUnavailableError
from workbench.ocr import OcrFailedError, OcrPage, OcrResult, Tesseract, page_from_data
from workbench.text.script import classify

#: A page whose ``fas`` text the classifier takes for Arabic at least this confidently is
#: read again with ``ara`` for the report's text.
ARABIC_PAGE_CONFIDENCE = 0.5
#: Letters of Persian the Arabic alphabet lacks: in a line's ``fas`` reading, it is Persian.
PERSIAN_ONLY_LETTERS = frozenset("پچژگ")
#: Persian letters and digits the second reader writes, as Arabic writes them (a word-final
#: Persian yeh is `arabic_letters`'s to decide: Arabic has two).
_AS_ARABIC = str.maketrans(
    {"ک": "ك", **{p: a for p, a in zip("۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩", strict=True)}}
)
_FINAL_YEHS = frozenset("يى")
#: Tesseract's raw-line mode (``--psm 13``: the image is one line, read without the
#: single-line mode's line finding), the second reading of an Arabic line image.
RAW_LINE_PSM = 13


def arabic_letters(second: str, first: str = "") -> str:
    """The second reader's reading of an Arabic line written in Arabic letters.

    The recognizer was trained on Persian books: it writes Persian kaf, yeh and digits
    whatever the line shows. Kaf and digits have one Arabic form; yeh is ``ي`` inside a word
    and, at a word's end, ``ي`` or ``ى``, which the letter Tesseract's ``ara`` reading `first`
    has at the same place decides (aligned by edit operations; ``ي`` where it has neither or
    there is none). The result has the length of `second`, character for character.
    """
    text = second.translate(_AS_ARABIC)
    if "ی" not in text:
        return text
    aligned: dict[int, str] = {}
    for op in Levenshtein.opcodes(text, first) if first else ():
        if (
            op.tag in ("equal", "replace")
            and op.src_end - op.src_start == op.dest_end - op.dest_start
        ):
            for k in range(op.src_end - op.src_start):
                aligned[op.src_start + k] = first[op.dest_start + k]
    out = list(text)
    for i, char in enumerate(out):
        if char != "ی":
            continue
        final = i + 1 == len(out) or not _is_letter(out[i + 1])
        other = aligned.get(i)
        out[i] = other if final and other in _FINAL_YEHS else "ي"
    return "".join(out)


def _is_letter(char: str) -> bool:
    """Whether `char` continues a word (a letter or a mark; not a space, digit or punctuation)."""
    return char.isalpha() or unicodedata.category(char) == "Mn"


def page_language(page: OcrPage, engine: Tesseract) -> str:
    """``ara`` when the ``fas`` reading of a page is Arabic text (and ``ara`` is installed)."""
    found = classify(page.text, code_points_trusted=False)
    if (
        found.language == "ar"
        and found.confidence >= ARABIC_PAGE_CONFIDENCE
        and engine.has_language("ara")
    ):
        return "ara"
    return page.language


def line_is_arabic(fas: OcrPage, ara: OcrPage) -> bool:
    """Whether a line image whose ``fas`` reading did not look Arabic is Arabic after all.

    One line's ``fas`` text is often too short for the classifier: some scanned Arabic lines
    of ``benchmarks/line_benchmark.py`` were taken for Persian and given the Persian reader,
    which writes Persian letters into Arabic text. The line is Arabic when its ``ara`` text is
    classified as a language other than Persian at least `ARABIC_PAGE_CONFIDENCE` (one short
    rendered Arabic line of that benchmark is taken for Urdu) and the ``fas`` reading holds
    none of the letters Arabic lacks (`PERSIAN_ONLY_LETTERS`). The Gulistan's Persian lines
    of that benchmark are full of Arabic phrases: the letter test keeps most of them Persian.
    Comparing the two models' confidences as well kept fewer Persian lines from the Persian
    reader but left more Arabic lines to it, with Persian letters in their text.
    """
    return reads_as_arabic(fas.text, ara.text)


def reads_as_arabic(letters: str, text: str) -> bool:
    """Whether a line is Arabic by `line_is_arabic`'s test.

    `letters` has none of `PERSIAN_ONLY_LETTERS` and `text` is classified as a language other
    than Persian at least `ARABIC_PAGE_CONFIDENCE`.
    """
    if PERSIAN_ONLY_LETTERS & set(letters):
        return False
    found = classify(text, code_points_trusted=False)
    return found.language not in ("fa", "und") and found.confidence >= ARABIC_PAGE_CONFIDENCE


def more_confident_line(engine: Tesseract, gray: np.ndarray, result: OcrResult) -> OcrResult:
    """An Arabic line image's reading: Tesseract's single-line pass or its raw-line pass.

    `result` is the single-line reading (``--psm 7``) of the line image `gray`; the line is
    read again as a raw line (`RAW_LINE_PSM`), one more single-line pass of Tesseract, and the
    reading with the higher mean word confidence is kept (the single-line one on a tie or
    when the raw line reads nothing). Both are Tesseract's ``ara`` readings, so the line's
    Arabic letters are its own. The result's ``steps`` say which was kept (``arabic_line``).

    Measured with ``benchmarks/line_benchmark.py``: set on the scanned journal lines
    (``ar-print-dev``), where the raw line read better than the single line on 51 lines and
    worse on 26 of 169 (the rest equal), and the choice by confidence took the check's text
    from 13.72% to 13.04% strict CER; then on the independent scanned Arabic lines, once,
    where the raw line alone read far worse (8.30% against 3.05%) but the choice by confidence
    read 2.98%. The second reader's Persian reading, merged word by word where the two agree
    on the letters without their dots, read the journal lines better and the independent ones
    worse (4.46%), so it is not used.
    """
    page = result.page
    try:
        data = engine.data(Image.fromarray(gray), page.language, psm=RAW_LINE_PSM)
    except (OcrFailedError, ToolUnavailableError):
        # The single-line reading stands on its own; a failed extra pass loses nothing.
        return result
    raw = page_from_data(data, index=page.index, language=page.language, size=gray.shape[::-1])
    first, second = page.mean_confidence, raw.mean_confidence
    keep_raw = bool(raw.text.strip()) and second is not None and (first is None or second > first)
    step = {
        "kept": f"--psm {RAW_LINE_PSM}" if keep_raw else "--psm 7",
        "single_line_confidence": first,
        "raw_line_confidence": second,
    }
    return replace(
        result, page=raw if keep_raw else page, steps={**result.steps, "arabic_line": step}
    )
