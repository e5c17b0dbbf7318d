"""The ``letter`` check: the conventional elements of an official letter, found and placed.

A Persian official letter has a heading formula, a number/date/attachment block, often a
classification mark, an addressee, a subject, a greeting, a closing, a signature block, a seal
and a copies list, each in a customary place (see the convention file in
`workbench.conventions`). The check finds each element in the OCR words and their positions,
reports where it is, and notes an element that is missing or out of its usual place, and a
date block whose date does not exist. Absence proves little: offices differ, OCR misses
words, and «به نام خدا» is as legitimate a heading as «بسمه تعالی».
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench import conventions
from workbench.check import Check, Layer, LayerKind, Need
from workbench.context import Context
from workbench.conventions import Convention, Element
from workbench.errors import WorkbenchError
from workbench.model import CheckResult, Finding, Region, Severity
from workbench.text import dates
from workbench.text.matching import compact, find_phrase

#: Smallest similarity (0-100) for a phrase to count as found in OCR text.
MIN_SCORE = 88.0
#: Tolerance (share of the page) around an element's zones before it counts as misplaced.
ZONE_MARGIN = 0.04
#: Fewer phrase elements than this and the document is not judged as a letter at all.
MIN_ELEMENTS = 3
#: Mean OCR confidence of a date value below which an impossible date is likely a misreading.
CONFIDENT_VALUE = 70.0


@dataclass
class _Line:
    """One line of text with its words, boxes and confidences (boxes None for plain text)."""

    page: int | None
    words: list[str]
    boxes: list[tuple[int, int, int, int] | None]
    confidences: list[float | None]
    size: tuple[int, int] | None  # page (width, height)


@dataclass
class _Found:
    element: Element
    page: int | None = None
    box: tuple[int, int, int, int] | None = None
    text: str = ""
    value: str | None = None
    score: float | None = None
    confidence: float | None = None
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def centre(self, size: tuple[int, int]) -> tuple[float, float] | None:
        if self.box is None:
            return None
        x, y, w, h = self.box
        return (x + w / 2) / size[0], (y + h / 2) / size[1]


def _union(boxes: list[tuple[int, int, int, int] | None]) -> tuple[int, int, int, int] | None:
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    x0 = min(b[0] for b in real)
    y0 = min(b[1] for b in real)
    x1 = max(b[0] + b[2] for b in real)
    y1 = max(b[1] + b[3] for b in real)
    return x0, y0, x1 - x0, y1 - y0


def _mean(values: list[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return float(np.mean(real)) if real else None


class LetterCheck(Check):
    """Conventional elements of an official letter, from OCR words and their positions."""

    name = "letter"
    version = "1"
    title = "Conventional elements of an official letter and where they are"
    explanation = (
        "Looks for the conventional elements of a Persian official letter in the OCR text and "
        "its word positions: the heading formula (بسمه تعالی and its variants), the number, "
        "date and attachment fields and their values, a classification or urgency mark, the "
        "addressee, subject, greeting, closing, signature block, a round seal and the copies "
        "list. It reports where each is, an expected element not found, an element far from "
        "its customary place, and a date field whose date does not exist in the Solar Hijri "
        "calendar. The conventions are a data file, so other traditions can be added. Absence "
        "proves little: offices differ, OCR misses words, and a plain-text document has no "
        "positions to judge."
    )
    needs = frozenset({Need.TEXT})
    order = 70
    layers = (
        Layer(
            LayerKind.RESULT_BOXES,
            "Letter elements",
            colour=(26, 127, 55),
            rows="elements",
            unpaged_everywhere=True,
            caption=("name",),
        ),
    )

    def run(self, context: Context) -> CheckResult:
        """Find each element of the convention in the document's text."""
        convention = conventions.load()
        doc = context.document
        try:
            lines = self._lines(context)
        except WorkbenchError as exc:
            return self.ocr_failed(exc, "so no text to read")
        source = "ocr" if doc.pages else "text"
        letters = [c for line in lines for w in line.words for c in w if c.isalpha()]
        script = sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff")
        if convention.direction == "rtl" and (not letters or script < 0.3 * len(letters)):
            return self.skipped(
                f"The text is not in the script of the {convention.title} convention "
                f"(only {script} of {len(letters)} letters are Arabic-script), so its "
                "elements were not looked for."
            )
        found: dict[str, _Found] = {}
        for element in convention.elements:
            hit: _Found | None = None
            if element.detector in {"text", "label"}:
                hit = self._find_text(element, lines)
            elif element.detector == "below":
                anchor = found.get(element.anchor or "")
                hit = self._find_below(element, anchor, lines) if anchor else None
                if hit is None:
                    hit = self._find_in_zone(element, lines)
            elif element.detector == "circle" and doc.pages:
                hit = self._find_seal(context, element)
            if hit is not None:
                found[element.name] = hit
        text_found = [n for n, f in found.items() if f.element.detector in {"text", "label"}]
        if len(text_found) < MIN_ELEMENTS:
            findings = [
                self.finding(
                    "not_a_letter",
                    Severity.INFO,
                    "The document does not read as an official letter",
                    f"Only {len(text_found)} of the conventional elements of a "
                    f"{convention.title.lower()} were found ({', '.join(text_found) or 'none'}), "
                    "so none is reported missing or misplaced. The document may be of another "
                    "kind (a list, a form, a note), or OCR may have read little of it.",
                    evidence={"found": text_found},
                    checklist=["form.conventions"],
                )
            ]
        else:
            findings = self._findings(convention, found, lines, source)
        elements = [self._describe(e, found.get(e.name), source) for e in convention.elements]
        return self.ok(
            findings=findings,
            results={
                "convention": convention.name,
                "source": source,
                "elements": elements,
            },
            message=None
            if doc.pages
            else "Plain text has no positions: elements were looked for, not placed.",
        )

    # -- reading -----------------------------------------------------------------------------

    def _lines(self, context: Context) -> list[_Line]:
        doc = context.document
        out: list[_Line] = []
        if not doc.pages:
            for raw in (doc.text or "").splitlines():
                words = raw.split()
                if words:
                    out.append(_Line(None, words, [None] * len(words), [None] * len(words), None))
            return out
        for page in doc.pages:
            ocr = context.ocr(page.index)
            for line in ocr.lines:
                ocr_words = [ocr.words[i] for i in line.words]
                if not ocr_words:
                    continue
                out.append(
                    _Line(
                        page.index,
                        [w.text for w in ocr_words],
                        [w.box for w in ocr_words],
                        [w.confidence for w in ocr_words],
                        (page.width, page.height),
                    )
                )
        return out

    def _find_text(self, element: Element, lines: list[_Line]) -> _Found | None:
        best: tuple[float, int, Any] | None = None
        for n, line in enumerate(lines):
            for pattern in element.patterns:
                match = find_phrase(
                    pattern,
                    line.words,
                    min_score=MIN_SCORE,
                    whole_words=element.exact_words or element.detector == "label",
                )
                if match is None:
                    continue
                # Prefer a match inside the element's zone (the phrase also occurs in body
                # text: «شماره» in «بازگشت به نامه شماره ...»), then the better match, then the
                # longer pattern («خیلی محرمانه» over «محرمانه»), then the earlier line.
                key = match.score + 0.01 * len(compact(pattern))
                box = _union(line.boxes[match.start : match.end])
                in_zone = False
                if box is not None and line.size is not None:
                    rx = (box[0] + box[2] / 2) / line.size[0]
                    ry = (box[1] + box[3] / 2) / line.size[1]
                    in_zone = element.zone_contains(rx, ry, ZONE_MARGIN)
                if in_zone:
                    key += 100.0
                elif element.detector == "label" and match.start > 0:
                    # A field label starts its line; «نامه شماره ...» in the body is no field
                    # (inside its zone OCR may have joined the field to a neighbouring line).
                    continue
                if best is None or key > best[0]:
                    best = (key, n, match)
        if best is None:
            return None
        _, n, match = best
        line = lines[n]
        hit = _Found(
            element,
            page=line.page,
            box=_union(line.boxes[match.start : match.end]),
            text=" ".join(line.words[match.start : match.end]),
            score=round(match.score, 1),
            confidence=_mean(line.confidences[match.start : match.end]),
            line=n,
        )
        if element.detector == "label":
            rest = line.words[match.end :]
            hit.value = " ".join(rest) or None
            hit.extra["value_box"] = _union(line.boxes[match.end :])
            hit.extra["value_confidence"] = _mean(line.confidences[match.end :])
            hit.box = _union(line.boxes[match.start :])
        return hit

    def _find_below(self, element: Element, anchor: _Found, lines: list[_Line]) -> _Found | None:
        """The readable lines under the anchor element, horizontally overlapping it."""
        if anchor.line is None:
            return None
        start = lines[anchor.line]
        picked: list[_Line] = []
        for line in lines[anchor.line + 1 :]:
            if line.page != start.page:
                break
            conf = _mean(line.confidences)
            box = _union(line.boxes)
            if box is not None and anchor.box is not None and line.size is not None:
                width = line.size[0]
                ax0, ax1 = (
                    anchor.box[0] - 0.15 * width,
                    anchor.box[0] + anchor.box[2] + 0.15 * width,
                )
                if box[0] + box[2] < ax0 or box[0] > ax1:
                    continue
                if box[1] - (anchor.box[1] + anchor.box[3]) > 0.25 * line.size[1]:
                    break
            if conf is not None and conf < 50:
                continue  # the signature's scribble, read as noise
            picked.append(line)
            if len(picked) >= element.max_lines:
                break
        if not picked:
            return None
        return _Found(
            element,
            page=picked[0].page,
            box=_union([_union(p.boxes) for p in picked]),
            text=" / ".join(" ".join(p.words) for p in picked),
            confidence=_mean([c for p in picked for c in p.confidences]),
        )

    def _find_in_zone(self, element: Element, lines: list[_Line]) -> _Found | None:
        """Without its anchor: the last readable lines inside the element's zone."""
        inside = []
        for line in lines:
            box = _union(line.boxes)
            conf = _mean(line.confidences)
            if box is None or line.size is None or (conf is not None and conf < 60):
                continue
            rx = (box[0] + box[2] / 2) / line.size[0]
            ry = (box[1] + box[3] / 2) / line.size[1]
            if element.zone_contains(rx, ry) and line.page == lines[-1].page:
                inside.append(line)
        picked = inside[-element.max_lines :]
        if not picked:
            return None
        return _Found(
            element,
            page=picked[0].page,
            box=_union([_union(p.boxes) for p in picked]),
            text=" / ".join(" ".join(p.words) for p in picked),
            confidence=_mean([c for p in picked for c in p.confidences]),
            extra={"located_by": "zone"},
        )

    def _find_seal(self, context: Context, element: Element) -> _Found | None:
        for page in context.document.pages:
            gray = np.asarray(context.page_gray(page.index))
            h, w = gray.shape
            for circle in context.page_seals(page.index):  # found once per page
                rx, ry = circle.x / w, circle.y / h
                if element.zone_contains(rx, ry, ZONE_MARGIN) or ry > 0.5:
                    return _Found(
                        element,
                        page=page.index,
                        box=circle.box(),
                        text="",
                        score=round(circle.ring_ink * 100, 1),
                        extra={"radius": round(circle.radius, 1)},
                    )
        return None

    # -- judging -----------------------------------------------------------------------------

    def _describe(self, element: Element, hit: _Found | None, source: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": element.name,
            "title": element.title,
            "required": element.required,
            "found": hit is not None,
            "page": None,
            "box": None,
            "text": None,
        }
        if element.detector == "template":
            out["note"] = "found by comparison with exemplars (the layout check), not here"
        if element.detector == "circle" and source == "text":
            out["note"] = "a seal can only be seen on a page image"
        if hit is None:
            return out
        out.update(page=hit.page, text=hit.text or None, score=hit.score)
        if hit.box is not None:
            x, y, w, h = hit.box
            out["box"] = {"x": x, "y": y, "width": w, "height": h}
        if hit.confidence is not None:
            out["confidence"] = round(hit.confidence, 1)
        if element.value is not None:
            out["value"] = hit.value
        if "radius" in hit.extra:
            out["radius"] = hit.extra["radius"]
        return out

    def _findings(
        self,
        convention: Convention,
        found: dict[str, _Found],
        lines: list[_Line],
        source: str,
    ) -> list[Finding]:
        findings: list[Finding] = []
        size_of = {line.page: line.size for line in lines if line.size is not None}
        for element in convention.elements:
            hit = found.get(element.name)
            if element.detector == "template" or (
                element.detector == "circle" and source == "text"
            ):
                continue
            if hit is None:
                if element.required and (lines or source == "ocr"):
                    findings.append(self._missing(element, source))
                continue
            size = size_of.get(hit.page)
            centre = hit.centre(size) if size else None
            if centre is not None and not element.zone_contains(*centre, ZONE_MARGIN):
                findings.append(self._misplaced(element, hit, centre))
            if element.value == "date":
                findings.extend(self._date_value(element, hit))
        return findings

    def _region(self, hit: _Found, label: str) -> list[Region]:
        if hit.box is None:
            return []
        x, y, w, h = hit.box
        return [Region(x, y, w, h, label=label)]

    def _missing(self, element: Element, source: str) -> Finding:
        where = "in the OCR text of the page" if source == "ocr" else "in the text"
        return self.finding(
            "element_missing",
            Severity.INFO if element.name == "heading" else Severity.NOTICE,
            f"No {element.title.lower()} found",
            f"The {element.title.lower()} that official letters of this kind usually carry was "
            f"not found {where}. Its absence proves little: OCR may have missed it (check the "
            "page), offices and periods differ, and some letters legitimately omit it.",
            evidence={"element": element.name, "patterns": list(element.patterns)},
            checklist=["form.conventions"],
        )

    def _misplaced(self, element: Element, hit: _Found, centre: tuple[float, float]) -> Finding:
        note = element.misplaced_note or (
            "Offices vary their layouts, and OCR can match the phrase inside the body text."
        )
        unusual = element.name == "classification"
        return self.finding(
            "element_misplaced",
            Severity.NOTICE,
            "A classification mark stands in an unusual place"
            if unusual
            else f"The {element.title.lower()} is away from its usual place",
            f"«{hit.text}» ({element.title.lower()}) was found at {centre[0]:.0%} across and "
            f"{centre[1]:.0%} down the page, outside the zone where this convention expects it. "
            f"{note}",
            page=hit.page,
            regions=self._region(hit, element.name),
            evidence={
                "element": element.name,
                "text": hit.text,
                "centre": [round(centre[0], 3), round(centre[1], 3)],
                "zones": [list(z) for z in element.zones],
            },
            checklist=["form.conventions"],
        )

    def _date_value(self, element: Element, hit: _Found) -> list[Finding]:
        if not hit.value:
            return []
        found_dates = dates.find_dates(hit.value)
        if not found_dates:
            return []
        first = found_dates[0]
        if first.status is not dates.DateStatus.IMPOSSIBLE:
            return []
        conf = hit.extra.get("value_confidence")
        confident = conf is not None and conf >= CONFIDENT_VALUE
        box: tuple[int, int, int, int] | None = hit.extra.get("value_box") or hit.box
        regions = [Region(box[0], box[1], box[2], box[3], label="date")] if box else []
        reading = f" (OCR confidence {conf:.0f})" if conf is not None else ""
        return [
            self.finding(
                "invalid_block_date",
                Severity.WARNING if confident else Severity.NOTICE,
                "The letter's date field holds a date that does not exist",
                f"The date field reads «{first.text}»{reading}: {first.problem or 'no such day'}. "
                "A date changed by hand or by an image editor without regard to the calendar is "
                "consistent with this; so is an OCR misreading of one digit or a typing error "
                "in the original. Read the date on the page itself.",
                page=hit.page,
                regions=regions,
                evidence={
                    "text": first.text,
                    "calendar": first.calendar.value,
                    "year": first.year,
                    "month": first.month,
                    "day": first.day,
                    "problem": first.problem,
                    "ocr_confidence": None if conf is None else round(conf, 1),
                },
                checklist=["form.conventions", "date.claim"],
            )
        ]
