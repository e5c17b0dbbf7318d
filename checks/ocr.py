"""The ``ocr`` check: the text of every page, with word boxes and confidences.

OCR itself is shared evidence: the check asks the context (`Context.ocr_result`), so the
``script`` and ``dates`` checks reading the same page and language reuse this reading rather
than running Tesseract again. The check puts the text in the report (``results.ocr.pages``)
and points a reviewer at what should not be taken on trust: pages and lines Tesseract read
with low confidence, and words in a script other than the one the claimed language is
written in (the ``script`` check does the fine Persian/Arabic discrimination).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PIL import Image

from workbench.check import Check, Layer, LayerKind, Need
from workbench.context import Context
from workbench.errors import ToolUnavailableError
from workbench.model import CheckResult, Finding, Region, Severity
from workbench.ocr import (
    OcrFailedError,
    OcrLine,
    OcrPage,
    OcrResult,
    OcrWord,
    Tesseract,
    page_from_data,
)
from workbench.ocr.latin import (
    latin_candidates,
    latin_lines,
    line_confidence,
    stack_lines,
    word_script,
)
from workbench.reading import (
    SECOND,
    TESSERACT,
    WARM_UP_MAX_PIXELS,
    PageReading,
    reading_rows,
    uncertain_lines,
)

#: A page whose words average below this confidence (0-100) is read unreliably.
LOW_PAGE_CONFIDENCE = 65.0
#: A line whose words average below this confidence is pointed out as a region.
LOW_LINE_CONFIDENCE = 65.0
#: Regions listed per finding at most (the evidence keeps the full count).
MAX_REGIONS = 25
#: Words in an unexpected script needed before it is a finding: at least this many ...
MIN_FOREIGN_WORDS = 4
#: ... and at least this share of the page's scripted words.
MIN_FOREIGN_SHARE = 0.1
#: Only words read at least this confidently count as evidence of a script.
SCRIPT_WORD_CONFIDENCE = 70.0

#: The script each claimed language (ISO 639) is written in; Persian's when unknown.
LANGUAGE_SCRIPTS: dict[str, str] = {
    **dict.fromkeys(("fa", "prs", "ar", "ur", "ps", "ckb", "ku", "sd", "ug"), "Arabic"),
    **dict.fromkeys(("en", "fr", "de", "es", "it", "pt", "nl", "tr", "az", "uz"), "Latin"),
    **dict.fromkeys(("ru", "uk", "bg", "sr", "tg", "kk"), "Cyrillic"),
    "he": "Hebrew",
    "hy": "Armenian",
    "ka": "Georgian",
}


def _region(box: tuple[int, int, int, int], label: str, score: float | None) -> Region:
    x, y, w, h = box
    return Region(x, y, w, h, label=label, score=score)


def _word_dict(word: OcrWord) -> dict[str, Any]:
    return {
        "text": word.text,
        "confidence": word.confidence,
        "box": list(word.box),
        "line": word.line,
        "block": word.block,
    }


def page_results(result: OcrResult, reading: PageReading | None = None) -> dict[str, Any]:
    """One entry of ``results.ocr.pages`` (named as in the report schema).

    With a `reading`, each line says which reader's text it holds and, when it was read by
    both, both readings, their agreement and whether the line is uncertain.
    """
    page = result.page
    provenance = {row["index"]: row for row in reading_rows(reading)} if reading else {}
    return {
        "index": page.index,
        "language": page.language,
        "text": page.text,
        "mean_confidence": page.mean_confidence,
        "words": [_word_dict(w) for w in page.words],
        "lines": [
            {
                "index": line.index,
                "box": list(line.box),
                "text": line.text,
                "mean_confidence": line_confidence(page, line),
                **{k: v for k, v in provenance.get(line.index, {}).items() if k != "index"},
            }
            for line in page.lines
        ],
        "preprocessing": result.steps,
        "seconds": result.seconds,
    }


class OcrCheck(Check):
    """Page text by Tesseract, with low-confidence regions and unexpected scripts."""

    name = "ocr"
    version = "4"
    title = "Text of each page (OCR), with unreliable regions"
    explanation = (
        "Reads the text of every page with Tesseract (Persian by default, or the claimed "
        "language), after straightening and rescaling the page, and records each word with "
        "its box and Tesseract's confidence, in reading order (right to left for Persian). It "
        "points out pages and lines read with low confidence, whose text should not be relied "
        "on without a fluent reader, and words in a script other than the claimed language's. "
        "On Persian pages, lines Tesseract read with low confidence are read again by a second "
        "reader (ParisaOCR's recognizer, trained on printed Persian books) and the more "
        "confident reading is kept; each line says which reader produced it, and lines whose "
        "two readings differ strongly are listed with both. Without a claimed language, a page "
        "whose text is Arabic is read with the Arabic model. OCR makes mistakes even on clean "
        "pages: it is a finding aid, not a transcript, and it cannot tell which script was "
        "printed (the Persian models write Persian letters whatever the page shows)."
    )
    needs = frozenset({Need.PAGES})
    order = 20
    layers = (
        Layer(
            LayerKind.RESULT_BOXES,
            "OCR words (by language)",
            pages="pages",
            rows="words",
            thickness=1,
        ),
    )

    def warm_up(self, context: Context) -> None:
        """Load the second reader's network (`LineRecognizer`) while Tesseract reads the page.

        Only when the report's reading will use it: page images, a reader mode other than
        ``tesseract``, a Persian (or no) claimed language, and the reader installed. Loaded
        once per process (`shared_recognizer`); an Arabic page, found so only once read,
        then holds a model it does not use. Not for a document of more pixels than
        `WARM_UP_MAX_PIXELS` (a very large page, many pages): there the memory counts more
        than the seconds, and the reading loads the model only for a page with a line to
        read again.
        """
        claimed = context.claims.language if context.claims is not None else None
        if not context.document.pages or context.reader_mode() == TESSERACT:
            return
        if sum(p.width * p.height for p in context.document.pages) > WARM_UP_MAX_PIXELS:
            return
        if claimed not in (None, "fa"):
            return
        from workbench.imaging.recognition.line_recognizer import (
            reader_available,
            shared_recognizer,
        )

        if reader_available():
            shared_recognizer()

    def run(self, context: Context) -> CheckResult:
        """OCR every page and report what a reader should verify."""
        doc = context.document
        if not doc.pages:
            return self.skipped(f"needs page images; this document is {doc.media_type} text")
        try:
            language = context.ocr_language()
            context.ocr_engine().check(language)
        except ToolUnavailableError as exc:
            return self.skipped(f"OCR is not available: {exc}")
        claimed = context.claims.language if context.claims is not None else None
        pages: list[dict[str, Any]] = []
        findings: list[Finding] = []
        artifacts = []
        for info in doc.pages:
            try:
                result, reading = context.text_reading(info.index)
            except ToolUnavailableError as exc:
                return self.skipped(f"OCR is not available: {exc}")
            except OcrFailedError as exc:
                pages.append(
                    {"index": info.index, "language": language, "text": "", "error": str(exc)}
                )
                findings.append(self._failed(info.index, str(exc)))
                continue
            pages.append(page_results(result, reading))
            findings += self._confidence_findings(result.page)
            uncertain = self._uncertain_lines(reading)
            if uncertain is not None:
                findings.append(uncertain)
            latin = self._latin_lines(context, info.index, result.page)
            foreign = self._script_finding(result.page, claimed, latin)
            if foreign is not None:
                findings.append(foreign)
            # The PNG the context kept of the image Tesseract read (`Context.preprocessed_png`),
            # stored as it is: encoding it again cost a batch worker 0.07-0.11 CPU s a page.
            png = (
                context.preprocessed_png(info.index, result.page.language)
                if context.artifacts.enabled
                else None
            )
            name = f"page{info.index + 1}_preprocessed.png"
            artifacts.append(
                context.artifacts.write_bytes(
                    name, png, kind="ocr_preprocessed", media_type="image/png", page=info.index
                )
                if png is not None
                else context.artifacts.write_png(
                    name, result.preprocessed, kind="ocr_preprocessed", page=info.index
                )
            )
        if pages and all("error" in p for p in pages):
            return self.error(f"Tesseract failed on every page: {pages[0]['error']}")
        results = {
            "language": language,
            "claimed_language": claimed,
            "reader": context.reader_mode(),
            "pages": pages,
        }
        return self.ok(findings=findings, results=results, artifacts=artifacts)

    def _failed(self, index: int, message: str) -> Finding:
        return self.finding(
            "page_failed",
            Severity.NOTICE,
            "Page could not be read",
            f"Tesseract failed on page {index + 1} ({message}); its text is missing from the "
            "report and from the checks that read text. A damaged or unusual image can cause "
            "this; so can a very large page.",
            page=index,
            evidence={"message": message},
            checklist=["lang.ocr"],
        )

    def _uncertain_lines(self, reading: PageReading) -> Finding | None:
        """Lines the two readers read very differently: both readings, for a reviewer."""
        lines = uncertain_lines(reading)
        if not lines:
            return None
        page = reading.page
        regions = [
            _region(page.lines[r.index].box, f"line {r.index + 1}", r.agreement)
            for r in lines[:MAX_REGIONS]
        ]
        return self.finding(
            "uncertain_lines",
            Severity.INFO,
            "Lines the two OCR readers read differently",
            f"{len(lines)} line(s) on page {page.index + 1} were read very differently by "
            "Tesseract and by the second Persian reader; the report keeps the more confident "
            "reading, but neither may be right. Damaged, small or unusual type, a seal or a "
            "signature over the text, and text in another language all do this. Read these "
            "lines in the image before relying on names, numbers or dates in them.",
            page=page.index,
            regions=regions,
            evidence={
                "lines": [
                    {
                        "index": r.index,
                        "kept": r.reader,
                        TESSERACT: r.tesseract.text,
                        SECOND: r.second.text if r.second else None,
                        "agreement": r.agreement,
                    }
                    for r in lines
                ]
            },
            checklist=["lang.ocr"],
        )

    def _confidence_findings(self, page: OcrPage) -> list[Finding]:
        n = page.index + 1
        if not page.words:
            return [
                self.finding(
                    "no_text",
                    Severity.INFO,
                    "No text found on the page",
                    f"Tesseract found no words on page {n}. The page may be blank, a picture, "
                    "handwritten, or too degraded to read; anything said about its text needs "
                    "a person reading the image.",
                    page=page.index,
                    checklist=["lang.ocr"],
                )
            ]
        found: list[Finding] = []
        mean = page.mean_confidence
        if mean is not None and mean < LOW_PAGE_CONFIDENCE:
            found.append(
                self.finding(
                    "low_confidence_page",
                    Severity.NOTICE,
                    "Page text was read with low confidence",
                    f"Tesseract's mean word confidence on page {n} is {mean:.0f} of 100. Its "
                    "text is unreliable: a blurred, low-resolution or heavily compressed copy, "
                    "handwriting, an unusual typeface, or a language other than the one read "
                    f"({page.language}) all lower confidence. Have a fluent reader check the "
                    "text against the image, and look for a better copy.",
                    page=page.index,
                    evidence={
                        "mean_confidence": mean,
                        "words": len(page.words),
                        "language": page.language,
                    },
                    checklist=["lang.ocr", "prov.original"],
                )
            )
        weak = [
            (line, conf)
            for line in page.lines
            if (conf := line_confidence(page, line)) is not None and conf < LOW_LINE_CONFIDENCE
        ]
        if weak and len(weak) < len(page.lines):
            found.append(self._weak_lines(page, weak))
        return found

    def _weak_lines(self, page: OcrPage, weak: Sequence[tuple[OcrLine, float]]) -> Finding:
        regions = [
            _region(line.box, f"line {line.index + 1}", conf) for line, conf in weak[:MAX_REGIONS]
        ]
        return self.finding(
            "low_confidence_region",
            Severity.INFO,
            "Lines read with low confidence",
            f"{len(weak)} of {len(page.lines)} lines on page {page.index + 1} were read with a "
            f"mean confidence under {LOW_LINE_CONFIDENCE:.0f}. Their text in this report may be "
            "wrong. Stamps, signatures, handwriting, ruled lines and small or stylised type "
            "read poorly; so does text added in another typeface or at another resolution. "
            "Compare these lines with the image.",
            page=page.index,
            regions=regions,
            evidence={
                "lines": [
                    {"index": line.index, "text": line.text, "mean_confidence": conf}
                    for line, conf in weak
                ]
            },
            checklist=["lang.ocr"],
        )

    def _latin_lines(
        self, context: Context, index: int, page: OcrPage
    ) -> dict[int, tuple[OcrWord, ...]]:
        """Lines the English model reads much better than the page's own: their English words.

        Tesseract's Persian and Arabic models cannot write Latin letters; English text on a
        Persian page comes out as low-confidence digits and letters. The poorly read lines
        whose reading looks like misread Latin text (`latin_candidates`: not the seals and
        signatures that make up most low-confidence lines) are cut out, stacked into one
        small image and read once with ``eng``; a page with none runs no ``eng`` process.
        """
        if "eng" in page.language.split("+"):
            return {}
        engine: Tesseract = context.ocr_engine()
        if not engine.has_language("eng"):
            return {}
        suspects = latin_candidates(page)
        if not suspects:
            return {}
        stacked, offsets = stack_lines(context.page_gray(index), [line.box for line, _ in suspects])
        try:
            data = engine.data(Image.fromarray(stacked), "eng", psm=6)
        except (ToolUnavailableError, OcrFailedError):
            return {}
        return latin_lines(suspects, offsets, page_from_data(data, index=index, language="eng"))

    def _script_finding(
        self,
        page: OcrPage,
        claimed: str | None,
        latin_lines: dict[int, tuple[OcrWord, ...]] | None = None,
    ) -> Finding | None:
        expected = LANGUAGE_SCRIPTS.get((claimed or "fa").lower(), "Arabic")
        latin_lines = latin_lines or {}
        scripted: list[tuple[OcrWord, str]] = []
        for line_index, english_words in latin_lines.items():
            for word in english_words:
                scripted.append(
                    (
                        OcrWord(
                            word.text, word.confidence, page.lines[line_index].box, line_index, 0
                        ),
                        "Latin",
                    )
                )
        for word in page.words:
            if word.line in latin_lines:
                continue
            if word.confidence is None or word.confidence < SCRIPT_WORD_CONFIDENCE:
                continue
            script = word_script(word.text)
            if script is not None and sum(ch.isalpha() for ch in word.text) >= 2:
                scripted.append((word, script))
        foreign = [(w, s) for w, s in scripted if s != expected]
        if len(foreign) < MIN_FOREIGN_WORDS or len(foreign) < MIN_FOREIGN_SHARE * len(scripted):
            return None
        scripts = sorted({s for _, s in foreign})
        lines = sorted({w.line for w, _ in foreign})
        regions = [_region(page.lines[i].box, f"line {i + 1}", None) for i in lines[:MAX_REGIONS]]
        language = claimed or "fa (assumed)"
        english = {i: " ".join(w.text for w in ws) for i, ws in latin_lines.items() if i in lines}
        return self.finding(
            "unexpected_script",
            Severity.NOTICE,
            f"Text in {', '.join(scripts)} script on a page claimed to be in {language}",
            f"{len(foreign)} of {len(scripted)} confidently read words on page "
            f"{page.index + 1} are in {', '.join(scripts)} script, not the {expected} script of "
            f"the claimed language ({language}). Official letters often carry Latin names, "
            "e-mail addresses, reference numbers or a translation; a different language for "
            "the body would not fit the claim. See which lines, and what the script check says.",
            page=page.index,
            regions=regions,
            evidence={
                "expected_script": expected,
                "scripts": scripts,
                "foreign_words": len(foreign),
                "scripted_words": len(scripted),
                "examples": [w.text for w, _ in foreign[:10]],
                "language_read": page.language,
                "english_reading": {str(i + 1): t for i, t in english.items()},
            },
            checklist=["lang.script", "lang.ocr"],
        )
