"""The ``translation`` check: a supplied translation against the document's own text.

The translation (``workbench check DOC --translation FILE``, or the app's upload) is aligned
sentence by sentence with the OCR text or the document's text, and the anchors that survive
translation are compared (`workbench.text.translation`): numbers, dates in any calendar (as
Gregorian days), and names through their Latin spellings. A number, date, name or whole
sentence found in one text and not the other is reported, and so is a translated sentence
whose meaning, read by a multilingual sentence model, is far from the original sentence it
stands beside. Translators add notes (a Gregorian date in brackets, "[signature]"), drop
headings and paraphrase; OCR misses words. Each difference is something to read in both
texts, not a conclusion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench import conventions
from workbench.check import Check, Need
from workbench.context import Context
from workbench.errors import WorkbenchError
from workbench.model import CheckResult, Finding, Severity
from workbench.text.people import letter_people

if TYPE_CHECKING:
    from workbench.text.translation import Difference

#: OCR words and lines read with a lower confidence (0-100) are not compared.
MIN_CONF = 60.0

_WHAT = {
    "number": "A number",
    "date": "A date",
    "name": "A name",
    "sentence": "A sentence",
    "meaning": "A sentence",
}


class TranslationCheck(Check):
    """Numbers, dates, names and sentences of a supplied translation against the original."""

    name = "translation"
    version = "6"
    title = "The supplied translation against the document's text"
    explanation = (
        "Aligns a translation supplied with the document with the document's text (OCR or "
        "text), sentence by sentence by meaning (a multilingual sentence model, offline) and "
        "by the anchors two sentences share, and compares what survives translation: "
        "numbers, dates in any calendar (as Gregorian days) and names through their Latin "
        "spellings. It reports a number, date, name or whole sentence present in one and "
        "absent from the other, and a translated sentence much further in meaning from the "
        "original sentence beside it than the letter's other sentence pairs are. "
        "It does not judge the wording: a translator's note or paraphrase, a dropped heading "
        "or an OCR gap also shows as a difference, so read both texts."
    )
    needs = frozenset({Need.TEXT})
    order = 78

    def run(self, context: Context) -> CheckResult:
        """Compare the translation, when one was supplied."""
        translation = context.translation
        if not translation or not translation.strip():
            return self.skipped(
                "No translation was supplied (give one with --translation FILE, or upload it "
                "in the app)."
            )
        try:
            original = self._text(context)
        except WorkbenchError as exc:
            return self.ocr_failed(exc, "so no text to compare")
        full = self._text(context, min_confidence=0.0)
        lines = [line for line in full.splitlines() if line.strip()]
        convention = conventions.load()
        people = letter_people(
            lines, convention.patterns("addressee"), convention.patterns("closing")
        )
        # Imported here: most documents come without a translation, and the comparison's
        # module (its glossaries and patterns) is not loaded for them.
        from workbench.text.translation import compare_translation

        comparison = compare_translation(original, translation, [p.name for p in people])
        findings = [self._finding(d) for d in comparison.differences]
        if not findings:
            by_meaning = (
                " and its meaning is close to the original sentence beside it"
                if comparison.meaning_model
                else ""
            )
            findings.append(
                self.finding(
                    "anchors_agree",
                    Severity.INFO,
                    "The translation's numbers, dates, names and sentences match the original",
                    "Every number, date and name found in either text was found in the other, "
                    f"and every sentence has a counterpart{by_meaning}. The wording itself "
                    "still needs a reader of both languages.",
                    evidence={"anchors": comparison.anchors},
                    checklist=["lang.ocr"],
                )
            )
        if comparison.notes:
            findings.append(
                self.finding(
                    "partly_compared",
                    Severity.INFO,
                    "Part of the comparison was not made",
                    " ".join(comparison.notes)
                    + " What was left out was not compared, so no difference there is reported.",
                    evidence={"notes": comparison.notes},
                    checklist=["lang.ocr"],
                )
            )
        results: dict[str, Any] = {
            "original": original,
            "translation": translation,
            "anchors": comparison.anchors,
            "alignment": comparison.alignment.as_dicts() if comparison.alignment else [],
            "length_ratio": comparison.alignment.ratio if comparison.alignment else None,
            "differences": [d.as_dict() for d in comparison.differences],
            "meaning_model": comparison.meaning_model,
            "notes": comparison.notes,
        }
        return self.ok(findings=findings, results=results)

    def _text(self, context: Context, min_confidence: float = MIN_CONF) -> str:
        doc = context.document
        if not doc.pages:
            return doc.text or ""
        # Words OCR read with little confidence (a signature's scribble, a seal) are left out,
        # or their stray digits would count as numbers only in the original.
        lines = []
        for page in doc.pages:
            ocr = context.ocr(page.index)
            for line in ocr.lines:
                words = [ocr.words[i] for i in line.words]
                confident = [w.confidence for w in words if w.confidence is not None]
                if confident and sum(confident) / len(confident) < min_confidence + 5:
                    continue
                kept = [
                    w.text for w in words if w.confidence is None or w.confidence >= min_confidence
                ]
                if kept:
                    lines.append(" ".join(kept))
        return "\n".join(lines)

    def _finding(self, difference: Difference) -> Finding:
        if difference.kind == "meaning":
            return self._meaning_finding(difference)
        where = "translation" if difference.side == "translation" else "original"
        other = "original" if where == "translation" else "translation"
        shown = difference.value if len(difference.value) < 90 else difference.value[:87] + "..."
        innocent = {
            "number": "a number the translator converted or left out, or an OCR misreading",
            "date": "a translator's note converting the date, or an OCR misreading",
            "name": "an unusual Latin spelling, or a name OCR misread",
            "sentence": "a translator's gloss, a heading, or a line OCR missed or joined",
        }[difference.kind]
        severity = Severity.WARNING if where == "translation" else Severity.NOTICE
        return self.finding(
            f"{difference.kind}_only_in_{where}",
            severity,
            f"{_WHAT[difference.kind]} of the {where} is not in the {other}: {shown}",
            f"«{difference.value}» was found in the {where} and not in the {other}"
            + (f" (in: «{difference.context}»)" if difference.context else "")
            + f". A {where} that adds to or drops from the {other} is consistent with this; "
            f"so is {innocent}. Read the passage in both texts.",
            evidence=difference.as_dict(),
            checklist=["lang.ocr"],
        )

    def _meaning_finding(self, difference: Difference) -> Finding:
        shown = difference.value if len(difference.value) < 90 else difference.value[:87] + "..."
        return self.finding(
            "sentence_meaning_differs",
            Severity.WARNING,
            f"A sentence of the translation does not say what the original beside it says: {shown}",
            f"The translation's «{difference.value}» stands where the original has "
            f"«{difference.context}», and a multilingual sentence model finds the two far apart "
            f"beside the letter's other sentence pairs ({difference.reason}). A translation "
            "that replaces or adds a sentence is consistent with "
            "this; so are a free paraphrase or a translator's summary, sentences split or "
            "joined differently, and an original sentence OCR misread. Read the two sentences "
            "side by side.",
            evidence=difference.as_dict(),
            checklist=["lang.ocr"],
        )
