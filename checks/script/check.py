"""The ``script`` check: what language and orthography a document is written in, and where not.

Text and HTML documents are classified directly (`workbench.text.script`). On page images the
code points come from the OCR model, not the paper: Tesseract's ``fas`` model writes Arabic
words in Persian letters and ``ara`` cannot write Persian letters at all. So the lines that
may be Arabic are read with both models: the ``fas`` reading is the shared context's, and
``ara`` reads only the lines whose ``fas`` reading points at Arabic (`lines_needing_ara`: an
Arabic text, Arabic letter forms, Eastern digits, or words ``fas`` reads poorly), or the whole
page when the report reads it in ``ara`` anyway. Words are matched by box overlap, and three
kinds of evidence are used beside the text's vocabulary and letters:

* the relative fit of the two models on the same words (``ara`` confidence minus ``fas``
  confidence): Arabic typography reads markedly better with ``ara``;
* glyph evidence that survives either model: a *dotted* final yeh (ي), which Persian print
  never has, is read as ي by both models, while a Persian dotless final yeh is read ی by
  ``fas`` and ى by ``ara``; Persian-only letters (پ چ ژ گ) are read only by ``fas``;
* Arabic-Indic digits as ``ara`` reads them.

Findings: Arabic orthography or Arabic-Indic digits inside a Persian document (with the lines
or words as regions), mixed digit systems, and a dominant language other than the claimed one.
Arabic code points in a digital Persian text are reported as what they usually are, a trait
of 1990s-2000s keyboards and encodings, at low severity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from workbench.check import Check, Layer, LayerKind, Need
from workbench.context import Context
from workbench.errors import ToolUnavailableError, WorkbenchError
from workbench.geometry import union_box
from workbench.languages import LANGUAGE_RGB, OTHER_RGB, classifier_code, language_name
from workbench.loading.fill import box_decoded, on_partly_decoded_page
from workbench.model import CheckResult, Finding, Region, Severity
from workbench.ocr import OcrPage
from workbench.reading import page_language
from workbench.text.detector import start_the_detectors_process
from workbench.text.script import (
    UNDETERMINED,
    Classification,
    DigitCounts,
    classify,
    count_digits,
    warm_up,
    words,
)

from .pages import (
    LINE_CONFIDENCE,
    LINE_MIN_LETTERS,
    PageLine,
    PageMemo,
    line_row,
    lines_needing_ara,
    read_page,
)

#: Per-line results are kept for at most this many lines, per-word for this many words.
#: Words are classified by their letters and vocabulary only (no statistical detector): one
#: word rarely decides, so many words answer "und", and a page of them stays fast.
MAX_LINES = 5000
MAX_WORDS = 5000
#: On images, a digit system counts as mixed in only from this many digits.
MIN_OCR_DIGITS = 2
#: Confidence at which the dominant language is weighed against the claimed one.
CLAIM_CONFIDENCE = 0.6


class ScriptCheck(Check):
    """Language, orthography and digit systems, per word, line and document."""

    name = "script"
    version = "3"
    title = "Language, Persian or Arabic orthography, and digit systems"
    explanation = (
        "Classifies the text of the document (its OCR on page images) by script and language "
        "- Persian, Arabic, Urdu, Pashto, Kurdish Sorani, English and others - per word, line "
        "and document, and counts Persian, Arabic-Indic and Western digits. It combines "
        "letters only some languages use, the yeh and kaf forms, function words and a "
        "statistical language detector; on images, where the OCR model chooses the letters, "
        "it also compares how well the Persian and the Arabic OCR models fit each word and "
        "looks for dotted final yeh, which Persian print does not use. It reports Arabic "
        "orthography or Arabic-Indic digits inside a Persian document, mixed digit systems, "
        "and a language other than the one claimed. It cannot tell who typed a text or when: "
        "Arabic letter forms were common in Persian typed on 1990s-2000s computers, and OCR "
        "errors can imitate any of these signals on poor scans."
    )
    needs = frozenset({Need.TEXT})
    order = 30
    layers = (
        Layer(
            LayerKind.RESULT_BOXES,
            "OCR words (by language)",
            pages="pages",
            rows="words",
            colour=OTHER_RGB,
            thickness=1,
            colour_by="language",
            palette=LANGUAGE_RGB,
            replaces="ocr",
        ),
    )

    def start_early(self, context: Context) -> None:
        """Start the language detector's process, where it has one.

        That is in a whole ``workbench check``: its models then load while the page is
        prepared and read.
        """
        if context.document.pages or (context.document.text or "").strip():
            start_the_detectors_process()

    def warm_up(self, context: Context) -> None:
        """Load the language detector's Arabic-script models (about a second of CPU).

        `classify` consults them on most short lines; loaded here, they load while the page
        is read by Tesseract.
        """
        if context.document.pages or (context.document.text or "").strip():
            warm_up()

    def run(self, context: Context) -> CheckResult:
        """Classify the document's text or OCR and report orthography and language findings."""
        doc = context.document
        if doc.pages:
            return self._run_pages(context)
        text = doc.text or ""
        if not text.strip():
            return self.skipped("The document has no text to classify.")
        return self._run_text(context, text)

    # ---------------------------------------------------------------- text documents

    def _run_text(self, context: Context, text: str) -> CheckResult:
        dominant = classify(text)
        digits = count_digits(text)
        lines: list[tuple[int, str, Classification]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                lines.append((number, line, classify(line)))
            if len(lines) >= MAX_LINES:
                break
        cache: dict[str, Classification] = {}
        word_rows: list[dict[str, Any]] = []
        for number, line, _ in lines:
            for word in words(line):
                if len(word_rows) >= MAX_WORDS:
                    break
                c = cache.get(word)
                if c is None:
                    c = cache[word] = classify(word, statistical=False)
                word_rows.append({"text": word, "line": number, **c.as_dict(detail=False)})

        findings: list[Finding] = []
        if dominant.language == "fa":
            findings += self._text_orthography(lines, dominant)
        findings += self._mixed_digits(digits, [(n, count_digits(t)) for n, t, _ in lines], None)
        findings += self._claim(context, dominant, "text")
        results = {
            "source": "text",
            "dominant": self._dominant(dominant),
            "digits": digits.as_dict(),
            "orthography": dominant.orthography,
            "evidence": [e.as_dict() for e in dominant.evidence],
            "lines": [
                {
                    "line": n,
                    "text": t[:300],
                    **c.as_dict(detail=False),
                    "orthography": c.orthography,
                    "arabic_forms": c.arabic_forms,
                }
                for n, t, c in lines
            ],
            "words": word_rows,
            "truncated": len(lines) >= MAX_LINES or len(word_rows) >= MAX_WORDS,
        }
        return self.ok(findings=findings, results=results)

    def _text_orthography(
        self, lines: Sequence[tuple[int, str, Classification]], dominant: Classification
    ) -> list[Finding]:
        findings: list[Finding] = []
        arabic = [
            (n, t)
            for n, t, c in lines
            if c.language == "ar"
            and c.confidence >= LINE_CONFIDENCE
            and c.letters >= LINE_MIN_LETTERS
        ]
        if arabic:
            numbers = [n for n, _ in arabic]
            findings.append(
                self.finding(
                    "arabic_orthography",
                    Severity.WARNING,
                    "Lines in Arabic inside a Persian text",
                    f"{len(arabic)} line(s) of this Persian text read as Arabic, in language and "
                    f"orthography (lines {_ranges(numbers)}; first: «{arabic[0][1][:80]}»). "
                    "A Persian letter may quote Arabic (a Quranic verse, a formula, an Arabic "
                    "source); a passage in Arabic where Persian is expected is also what "
                    "text pasted from another document looks like. Have a reader of both "
                    "languages look at these lines.",
                    evidence={"lines": numbers, "examples": [t[:120] for _, t in arabic[:5]]},
                    checklist=["lang.script", "lang.style"],
                )
            )
        skip = {n for n, _ in arabic}
        forms = [(n, t, c) for n, t, c in lines if c.arabic_forms and n not in skip]
        arabic_digits = [(n, t) for n, t, c in lines if c.digits.arabic_indic and n not in skip]
        if forms:
            numbers = [n for n, _, _ in forms]
            total = sum(c.arabic_forms for _, _, c in forms)
            persian_too = dominant.orthography == "mixed"
            findings.append(
                self.finding(
                    "arabic_orthography",
                    Severity.NOTICE if persian_too else Severity.INFO,
                    "Arabic letter forms (ي ك ة ى) in a Persian text",
                    f"{total} Arabic code point(s) of yeh, kaf, teh marbuta or alef maksura "
                    f"appear in {len(forms)} line(s) of this Persian text (lines "
                    f"{_ranges(numbers)}). In a digital text this is usually a period trait: "
                    "Persian typed on 1990s-2000s keyboards and encodings often carries Arabic "
                    "yeh and kaf, and Arabic loanwords keep ة and ى. "
                    + (
                        "Here other lines use the Persian forms ی and ک, so parts of the text "
                        "were typed or converted differently; that is consistent with editing "
                        "by other hands or tools, and with text pasted from elsewhere."
                        if persian_too
                        else "The whole text uses the Arabic forms consistently."
                    ),
                    evidence={
                        "lines": numbers,
                        "arabic_forms": total,
                        "orthography": dominant.orthography,
                    },
                    checklist=["lang.script", "date.anachronism"],
                )
            )
        if arabic_digits:
            numbers = [n for n, _ in arabic_digits]
            findings.append(
                self.finding(
                    "arabic_orthography",
                    Severity.NOTICE,
                    "Arabic-Indic digits in a Persian text",
                    f"Arabic-Indic digits (٠-٩) appear in line(s) {_ranges(numbers)} of this "
                    "Persian text, which normally writes Persian digits (۰-۹). Some keyboards "
                    "and converters produce them; so does text copied from an Arabic source.",
                    evidence={"lines": numbers},
                    checklist=["lang.script"],
                )
            )
        return findings

    # ---------------------------------------------------------------- page images

    def _run_pages(self, context: Context) -> CheckResult:
        doc = context.document
        all_lines: list[PageLine] = []
        pages: list[dict[str, Any]] = []
        failures: list[str] = []
        fas_text: list[str] = []
        digits = DigitCounts()
        cache: dict[str, Classification] = {}
        n_words = 0
        for index in range(len(doc.pages)):
            try:
                fas = _decoded_lines(context.ocr(index, "fas"), context.decoded_pixels(index))
                memo = PageMemo()
                ara, ara_lines = _ara_reading(context, index, fas, memo)
            except ToolUnavailableError as exc:
                return self.skipped(
                    f"The script of page images needs the Persian and Arabic OCR models: {exc}"
                )
            except (WorkbenchError, IndexError, ValueError, OSError) as exc:
                failures.append(f"page {index + 1}: {exc}")
                continue
            gray = context.page_gray(index)
            lines, words, page_digits = read_page(
                index, fas, ara, gray, cache, MAX_WORDS - n_words, memo
            )
            n_words += len(words)
            digits = digits + page_digits
            all_lines.extend(lines)
            fas_text.append(fas.text)
            pages.append(
                {
                    "index": index,
                    "models": [fas.language, ara.language],
                    "mean_confidence": {"fas": fas.mean_confidence, "ara": ara.mean_confidence},
                    # Which fas lines ara read: None for the whole page.
                    "ara_lines": ara_lines,
                    "lines": [line_row(line) for line in lines[:MAX_LINES]],
                    "words": words,
                }
            )
        if not pages:
            return self.error("OCR failed on every page: " + "; ".join(failures))

        text = "\n".join(fas_text)
        dominant = classify(text, code_points_trusted=False)
        fits = [ln.fit for ln in all_lines if ln.fit is not None]
        dotted = sum(len(ln.dotted_final_yeh) for ln in all_lines)
        findings: list[Finding] = []
        if dominant.language == "fa":
            findings += self._image_orthography(all_lines)
        findings += self._mixed_digits(
            digits,
            [(ln.index, ln.digits) for ln in all_lines],
            {(ln.page, ln.index): ln for ln in all_lines},
        )
        findings += self._claim(context, dominant, "OCR text")
        results = {
            "source": "ocr",
            # The OCR model chose the yeh/kaf code points: they say nothing of the page.
            "dominant": {**self._dominant(dominant), "orthography": None},
            "digits": digits.as_dict(),
            "evidence": {
                "text": [e.as_dict() for e in dominant.evidence],
                "mean_fit_ara_minus_fas": _mean(fits),
                # Words with yeh or kaf are where the two orthographies differ in print.
                "mean_fit_yeh_kaf_words": _mean([f for ln in all_lines for f in ln.yeh_kaf_fits]),
                "dotted_final_yeh_words": dotted,
                "persian_letters": sum(ln.persian_letters for ln in all_lines),
                "note": "Code points come from the OCR models; the text was classified with "
                "yeh/kaf code points given no weight.",
            },
            "pages": pages,
            "failed_pages": failures,
        }
        message = "; ".join(failures) if failures else None
        recovered = set(doc.properties.get("recovered_pages") or ())
        findings = [
            on_partly_decoded_page(f) if f.page is not None and f.page in recovered else f
            for f in findings
        ]
        return self.ok(findings=findings, results=results, message=message)

    def _image_orthography(self, lines: Sequence[PageLine]) -> list[Finding]:
        flagged = [ln for ln in lines if ln.reasons]
        if not flagged:
            return []
        text_lines = [ln for ln in lines if ln.classification.letters >= 3]
        whole = len(text_lines) > 0 and all(ln.reasons for ln in text_lines)
        findings: list[Finding] = []
        for group in _groups(flagged):
            reasons = sorted({r for ln in group for r in ln.reasons})
            language = any(ln.arabic_language for ln in group)
            strong = language or "ara_model_fits_better" in reasons
            # An Arabic passage amid Persian lines weighs more than a trait of the whole page
            # (old typing software) or digits alone (a keyboard setting).
            severity = Severity.WARNING if (strong and not whole) else Severity.NOTICE
            box = union_box(ln.box for ln in group)
            said = [_REASON_TEXT[r] for r in reasons]
            what = (
                "a passage in Arabic (language and orthography)"
                if language
                else "Arabic orthography"
            )
            page = group[0].page
            first, last = group[0].index + 1, group[-1].index + 1
            where = f"line {first}" if first == last else f"lines {first}-{last}"
            detail = (
                f"On page {page + 1}, {where} of this Persian document show {what}: "
                + "; ".join(said)
                + ". "
                + (
                    "The rest of the page does not, so these lines were typeset differently "
                    "from their surroundings; that is consistent with a quotation in Arabic, "
                    "and also with text inserted later. "
                    if not whole
                    else "The whole page does, which is consistent with typing software of "
                    "the 1990s-2000s that wrote Arabic yeh and kaf in Persian text. "
                )
                + "OCR misreadings on poor scans can imitate these signals: look at the region."
            )
            findings.append(
                self.finding(
                    "arabic_orthography",
                    severity,
                    f"Arabic orthography inside a Persian document (page {page + 1})",
                    detail,
                    page=page,
                    regions=[Region(box[0], box[1], box[2], box[3], label="arabic orthography")],
                    evidence={
                        "signals": reasons,
                        "lines": [ln.index for ln in group],
                        "text": [ln.text[:120] for ln in group],
                        "fit_ara_minus_fas": [
                            None if ln.fit is None else round(ln.fit, 1) for ln in group
                        ],
                        "dotted_final_yeh": [w for ln in group for w in ln.dotted_final_yeh],
                        "whole_page": whole,
                    },
                    checklist=["lang.script", "img.retyped"],
                )
            )
        return findings

    # ---------------------------------------------------------------- shared

    def _mixed_digits(
        self,
        digits: DigitCounts,
        per_line: Iterable[tuple[int, DigitCounts]],
        boxes: dict[tuple[int, int], PageLine] | None,
    ) -> list[Finding]:
        systems = digits.systems
        # On images one stray digit is more often an OCR misreading than a digit.
        least = 1 if boxes is None else MIN_OCR_DIGITS
        if len(systems) < 2 or digits.as_dict()[systems[-1]] < least:
            return []
        eastern_mix = "persian" in systems and "arabic_indic" in systems
        minority = systems[-1]
        where = [n for n, d in per_line if d.as_dict()[minority]]
        regions: list[Region] = []
        page = None
        if boxes is not None:
            for ln in boxes.values():
                if ln.digits.as_dict()[minority]:
                    regions.append(Region(*ln.box, label=f"{minority} digits"))
                    page = ln.page if page is None else page
        counts = ", ".join(f"{k.replace('_', '-')} {v}" for k, v in digits.as_dict().items() if v)
        return [
            self.finding(
                "mixed_digits",
                Severity.NOTICE if eastern_mix else Severity.INFO,
                "More than one digit system",
                f"The document writes digits in {len(systems)} systems ({counts}). "
                + (
                    "Persian and Arabic-Indic digits differ in 4, 5 and 6 and rarely mix in "
                    "one typed document; a mix is consistent with numbers added or changed "
                    "with another keyboard or font, and also with a quoted Arabic source. "
                    if eastern_mix
                    else "Western digits beside Persian ones are common (reference numbers, "
                    "phone numbers, dates written for foreign readers). "
                )
                + f"The least used system ({minority.replace('_', '-')}) is in "
                + ("line(s) " + _ranges([n + (0 if boxes is None else 1) for n in where]))
                + ".",
                page=page,
                regions=regions,
                evidence={"digits": digits.as_dict(), "minority": minority},
                checklist=["lang.script", "img.retyped"],
            )
        ]

    def _claim(self, context: Context, dominant: Classification, source: str) -> list[Finding]:
        claimed = classifier_code(context.claims.language if context.claims else None)
        found = dominant.language
        if (
            claimed is None
            or found in (UNDETERMINED, claimed)
            or dominant.confidence < CLAIM_CONFIDENCE
        ):
            return []
        return [
            self.finding(
                "language_differs_from_claim",
                Severity.WARNING,
                f"Written in {language_name(found)}, claimed to be {language_name(claimed)}",
                f"The {source} reads as {language_name(found)} (confidence "
                f"{dominant.confidence:.2f}, decided by {', '.join(dominant.decided_by)}), not "
                f"{language_name(claimed)} as claimed. A claim can be loosely worded (a Persian "
                "letter described as 'Arabic', a translation taken for the original); it is also "
                "what a document from another source than the claimed one looks like.",
                evidence={
                    "claimed": claimed,
                    "found": found,
                    "confidence": round(dominant.confidence, 3),
                    "probabilities": {k: round(v, 3) for k, v in dominant.probabilities.items()},
                },
                checklist=["lang.script", "prov.source"],
            )
        ]

    @staticmethod
    def _dominant(c: Classification) -> dict[str, Any]:
        return {
            "script": c.script,
            "language": c.language,
            "confidence": round(c.confidence, 4),
            "decided_by": list(c.decided_by),
            "orthography": c.orthography,
        }


_REASON_TEXT = {
    "arabic_language": "the text reads as Arabic (function words, letters, statistical model)",
    "dotted_final_yeh": "final yeh printed with two dots (ي), which Persian print does not use",
    "ara_model_fits_better": "the Arabic OCR model reads these words markedly more confidently "
    "than the Persian one",
    "arabic_indic_digits": "Arabic-Indic digits (the shapes of ٤ ٥ ٦ on the page, or the "
    "Arabic model's reading where the font draws both systems alike)",
}


def _decoded_lines(page: OcrPage, decoded: np.ndarray | None) -> OcrPage:
    """`page` without the lines that touch the decoder's fill of a partly decoded page.

    Text read in the fill, or a line cut by it, is not the page's: its letters are
    fragments. `decoded` is `Context.decoded_pixels` (None: the page was decoded in full).
    """
    if decoded is None:
        return page
    kept = tuple(line for line in page.lines if box_decoded(decoded, line.box))
    return replace(page, lines=kept, text="\n".join(line.text for line in kept))


def _ara_reading(
    context: Context, index: int, fas: OcrPage, memo: PageMemo
) -> tuple[OcrPage, list[int] | None]:
    """The ``ara`` reading the evidence of page `index` needs, and which ``fas`` lines it covers.

    A page the report reads in ``ara`` (claimed Arabic, or Arabic text found by the ``fas``
    reading) has its whole ``ara`` reading in the context already; any other page is read in
    ``ara`` on the lines that may be Arabic only (`lines_needing_ara`), not a second time
    whole. ``None`` for the lines means the whole page. `memo` keeps what choosing the
    lines computed for `read_page`.
    """
    engine = context.ocr_engine()
    engine.check("ara")
    if context.ocr_language() == "ara" or page_language(fas, engine) == "ara":
        return context.ocr(index, "ara"), None
    needed = lines_needing_ara(fas, context.page_gray(index), memo)
    boxes = tuple(fas.lines[i].box for i in needed)
    return context.ocr_regions(index, "ara", boxes), [fas.lines[i].index for i in needed]


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _groups(lines: Sequence[PageLine]) -> list[list[PageLine]]:
    """Runs of consecutive flagged lines on one page (a paragraph each)."""
    groups: list[list[PageLine]] = []
    for ln in lines:
        last = groups[-1][-1] if groups else None
        if last is not None and last.page == ln.page and ln.index - last.index <= 1:
            groups[-1].append(ln)
        else:
            groups.append([ln])
    return groups


def _ranges(numbers: Sequence[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"`` (at most ten ranges)."""
    out: list[str] = []
    for n in sorted(set(numbers)):
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out[:10]) + (", ..." if len(out) > 10 else "")
