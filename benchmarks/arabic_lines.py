"""A rule tried for which reader an Arabic line gets, measured by the line benchmark.

The Persian recognizer (`workbench.imaging.recognition.line_recognizer`) writes Persian
kaf, yeh and digits whatever a line shows. The rule tried writes its reading of an Arabic
line in Arabic letters (`workbench.reading.arabic_letters`) and re-reads an Arabic line when
Tesseract's ``ara`` reading of it has a mean word confidence under `ARABIC_REREAD_BELOW`,
keeping one reading with `workbench.reading.choose_line`. Set on the development lines
(``ar-print-dev``), where it read far better than ``ara`` alone, it read the independent
scanned Arabic lines worse, so the ``ocr`` check does not use it: lines read as Arabic stay
with Tesseract (``benchmarks/RESULTS.md``, "OCR of text lines"). It is kept here so the
benchmark's rows for it can be measured again.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.ocr import OcrPage, Tesseract
from workbench.reading import (
    LineEvidence,
    arabic_letters,
    choose_line,
    line_is_arabic,
    needs_second_reading,
    page_language,
)

#: One reader's reading of a line: its text and mean confidence (None when it has none).
Reading = tuple[str, float | None]

#: An Arabic line whose ``ara`` reading has a mean word confidence under this is read again.
#: On ``ar-print-dev`` the recognizer's reading in Arabic letters read better than ``ara`` on
#: every band of ``ara`` confidence under 85, only marginally from 85 to 90, worse over 90.
ARABIC_REREAD_BELOW = 85.0


def check_texts(
    fas: Sequence[Reading],
    ara: Sequence[Reading],
    second: Sequence[Reading],
    *,
    rule: bool,
    raw: Sequence[Reading] | None = None,
) -> list[str]:
    """The ``ocr`` check's text of each line image, rebuilt from stored single-line readings.

    Per line, as `workbench.reading.read_page_text` decides with no claimed language: the
    line is Arabic when `page_language` or `line_is_arabic` say so, and then keeps ``ara``
    (or, with `rule`, the rule tried here); otherwise the ``fas`` reading goes through the
    Persian choice (`needs_second_reading`, `choose_line`; a line ``fas`` found nothing in
    takes the second reading, in Arabic letters when it is Arabic text). Each reading is a
    (text, mean confidence) pair; the second readings were made in one batch, where the
    check reads each line alone, so the result is close to the check's, not equal. With
    `raw` (``ara --psm 13`` readings), a line kept in ``ara`` takes the raw-line reading
    where it is more confident, as `workbench.reading_arabic.more_confident_line` does.
    """
    engine = Tesseract()
    texts: list[str] = []
    raws: Sequence[Reading | None] = raw if raw is not None else [None] * len(fas)
    for (f, f_conf), (a, a_conf), (s, s_conf), r in zip(fas, ara, second, raws, strict=True):
        fas_page, ara_page = OcrPage(0, "fas", f, (), (), None), OcrPage(0, "ara", a, (), (), None)
        if page_language(fas_page, engine) == "ara" or line_is_arabic(fas_page, ara_page):
            unsure = a_conf is None or a_conf < ARABIC_REREAD_BELOW
            if rule and unsure:
                second_reading = LineEvidence(arabic_letters(s, a), s_conf)
                texts.append(choose_line(LineEvidence(a, a_conf), second_reading).text)
            elif r is not None and a.strip() and r[0].strip() and _more_confident(r[1], a_conf):
                texts.append(r[0])
            else:
                texts.append(a)
            continue
        first = LineEvidence(f, f_conf)
        if not f.strip() or needs_second_reading(first):
            text = choose_line(first, LineEvidence(s, s_conf)).text
            seen = OcrPage(0, "fas", text, (), (), None)
            if not f.strip() and text and line_is_arabic(seen, seen):
                text = arabic_letters(text)  # found nothing, the second reading is Arabic
            texts.append(text)
        else:
            texts.append(f)
    return texts


def _more_confident(raw: float | None, single: float | None) -> bool:
    """Whether a raw-line reading's confidence beats the single-line one's (as the check)."""
    return raw is not None and (single is None or raw > single)
