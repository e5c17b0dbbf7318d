"""The reader seam: Tesseract finds the lines, a second reader re-reads some, one reading kept.

Tesseract stays the layout engine (words, boxes, reading order). On Persian pages a second
reader, ParisaOCR's recognizer (`workbench.imaging.line_recognizer`), re-reads line images
Tesseract already found; no second detector runs. Per line, `choose_line` keeps one reading
from the two readers' confidences and their agreement, and marks a line whose readings differ
strongly as uncertain, so the report can show a reviewer both.

Which lines are read again (`needs_second_reading`) and how a reading is kept were set on the
development lines of ``benchmarks/line_benchmark.py`` (scanned book lines) and checked on its
independent rendered lines; the figures are in ``benchmarks/RESULTS.md``. In the default mode
(``auto``) the lines read again per page are also capped so the second reader costs at most
about as much CPU time as Tesseract's reading of the page did; ``all`` re-reads every line.

The second reader writes Persian letters whatever the page shows, so the ``script`` check
never reads its text: it asks for Tesseract's own readings (`Context.ocr` with a language).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz.distance import Levenshtein

from workbench.imaging.line_recognizer import LineRecognizer, RecognizedLine
from workbench.ocr import OcrLine, OcrPage, OcrWord, union_box
from workbench.text.matching import normalize

#: Reader modes: Tesseract alone; the second reader on the lines that need it, within a CPU
#: budget; the second reader on every line.
READER_MODES = ("auto", "tesseract", "all")
TESSERACT = "tesseract"
SECOND = "parisaocr"
#: Lines Tesseract read with a mean word confidence under this are read again.
REREAD_BELOW = 92.0
#: The second reading is kept when its mean character confidence (0-100) is at least this ...
SECOND_MIN_CONFIDENCE = 60.0
#: ... unless Tesseract was this confident and the second reader less so.
TESSERACT_TRUSTED = 96.0
#: Two readings agreeing less than this (1 - normalised edit distance) make a line uncertain.
UNCERTAIN_BELOW = 0.6
#: Margin around a line box, as a share of the line's height (vertical, horizontal).
CROP_MARGIN = (0.15, 0.3)


@dataclass(frozen=True)
class LineEvidence:
    """One reader's reading of a line: its text and mean confidence (0-100, None if none)."""

    text: str
    confidence: float | None


@dataclass(frozen=True)
class LineChoice:
    """Which reading of a line was kept, and why a reviewer may want to look."""

    text: str
    reader: str
    agreement: float | None
    uncertain: bool


@dataclass(frozen=True)
class LineReport:
    """How one line of the report's text was produced (``results.ocr.pages[].lines[]``)."""

    index: int
    reader: str
    tesseract: LineEvidence
    second: LineEvidence | None
    agreement: float | None
    uncertain: bool


@dataclass(frozen=True)
class PageReading:
    """The report's reading of a page: the page, which reader made each line, and at what cost."""

    page: OcrPage
    mode: str
    lines: tuple[LineReport, ...]
    second_seconds: float
    lines_read_again: int
    skipped_for_budget: int


def needs_second_reading(first: LineEvidence) -> bool:
    """Whether a line Tesseract read should be read again (low or missing confidence)."""
    return first.confidence is None or first.confidence < REREAD_BELOW


def agreement(a: str, b: str) -> float:
    """1 minus the normalised edit distance of the two texts, compared letters only."""
    left, right = normalize(a), normalize(b)
    if not left and not right:
        return 1.0
    return round(1.0 - float(Levenshtein.normalized_distance(left, right)), 3)


def choose_line(first: LineEvidence, second: LineEvidence) -> LineChoice:
    """Keep Tesseract's reading or the second reader's, by confidence.

    The second reader is kept unless it found nothing, was unsure of its own reading
    (`SECOND_MIN_CONFIDENCE`), or Tesseract was very sure (`TESSERACT_TRUSTED`) while it was
    less so. Readings agreeing under `UNCERTAIN_BELOW` mark the line uncertain either way.
    """
    if not second.text.strip():
        return LineChoice(first.text, TESSERACT, None, False)
    agree = agreement(first.text, second.text)
    uncertain = bool(first.text.strip()) and agree < UNCERTAIN_BELOW
    second_conf = second.confidence or 0.0
    first_conf = first.confidence if first.confidence is not None else -1.0
    keep_second = second_conf >= SECOND_MIN_CONFIDENCE and not (
        first_conf >= TESSERACT_TRUSTED and second_conf < first_conf
    )
    if keep_second or not first.text.strip():
        return LineChoice(second.text, SECOND, agree, uncertain)
    return LineChoice(first.text, TESSERACT, agree, uncertain)


def _confidence_or_none(evidence: LineEvidence) -> float:
    """A line's confidence for sorting (a line with none first)."""
    return evidence.confidence if evidence.confidence is not None else -1.0


def line_confidence(page: OcrPage, line: OcrLine) -> float | None:
    """Mean confidence of a line's words (None when Tesseract gave none)."""
    values = [c for i in line.words if (c := page.words[i].confidence) is not None]
    return round(sum(values) / len(values), 2) if values else None


def crop_line(gray: np.ndarray, box: tuple[int, int, int, int]) -> tuple[np.ndarray, int]:
    """The line image under `box` with a margin (`CROP_MARGIN`), and its left edge on the page."""
    x, y, w, h = box
    my, mx = round(CROP_MARGIN[0] * h), round(CROP_MARGIN[1] * h)
    height, width = gray.shape[:2]
    x0, x1 = max(x - mx, 0), min(x + w + mx, width)
    y0, y1 = max(y - my, 0), min(y + h + my, height)
    return np.ascontiguousarray(gray[y0:y1, x0:x1]), x0


def _columns(crop: np.ndarray, height: int) -> float:
    """Columns the line becomes at the recognizer's input height (what its cost grows with)."""
    return float(crop.shape[1] * height / max(crop.shape[0], 1))


def reread_page(
    page: OcrPage,
    gray: np.ndarray,
    recognizer: LineRecognizer,
    *,
    mode: str = "auto",
    budget_s: float | None = None,
) -> PageReading:
    """`page` with the lines the second reader read better replaced by its readings.

    `mode` is one of `READER_MODES`. In ``auto`` the lines `needs_second_reading` selects are
    read, least confident first, while their estimated cost stays within `budget_s` CPU
    seconds (None: no cap); ``all`` reads every line; ``tesseract`` reads none. The lines
    read again go through the recognizer in one call.
    """
    evidence = [LineEvidence(line.text, line_confidence(page, line)) for line in page.lines]
    if mode == "all":
        chosen = list(range(len(page.lines)))
        skipped = 0
    elif mode == "auto":
        wanted = sorted(
            (i for i, ev in enumerate(evidence) if needs_second_reading(ev)),
            key=lambda i: _confidence_or_none(evidence[i]),
        )
        chosen, spent = [], 0.0
        for i in wanted:
            crop, _ = crop_line(gray, page.lines[i].box)
            cost = _columns(crop, recognizer.height) / 1000 * recognizer.seconds_per_kilocolumn
            if budget_s is not None and spent + cost > budget_s and chosen:
                continue
            chosen.append(i)
            spent += cost
        skipped = len(wanted) - len(chosen)
        chosen.sort()
    else:
        chosen, skipped = [], 0
    crops = [crop_line(gray, page.lines[i].box) for i in chosen]
    started = time.process_time()
    read = recognizer.read([c for c, _ in crops]) if crops else []
    seconds = time.process_time() - started
    if crops:
        columns = sum(_columns(c, recognizer.height) for c, _ in crops)
        recognizer.record_cost(seconds, columns)
    second = dict(zip(chosen, zip(read, (x0 for _, x0 in crops), strict=True), strict=True))
    reports: list[LineReport] = []
    replaced: dict[int, tuple[RecognizedLine, int]] = {}
    for i in range(len(page.lines)):
        if i not in second:
            reports.append(LineReport(i, TESSERACT, evidence[i], None, None, False))
            continue
        reading, x0 = second[i]
        other = LineEvidence(reading.text, reading.confidence)
        choice = choose_line(evidence[i], other)
        if choice.reader == SECOND:
            replaced[i] = (reading, x0)
        reports.append(
            LineReport(i, choice.reader, evidence[i], other, choice.agreement, choice.uncertain)
        )
    return PageReading(
        page=_with_lines(page, replaced),
        mode=mode,
        lines=tuple(reports),
        second_seconds=round(seconds, 3),
        lines_read_again=len(chosen),
        skipped_for_budget=skipped,
    )


def _with_lines(page: OcrPage, replaced: dict[int, tuple[RecognizedLine, int]]) -> OcrPage:
    """`page` with the words of some lines replaced by the second reader's.

    A replacing word's box spans the line's height and its characters' columns; the block
    number is the line's first word's.
    """
    if not replaced:
        return page
    words: list[OcrWord] = []
    lines: list[OcrLine] = []
    for line in page.lines:
        if line.index not in replaced:
            start = len(words)
            words.extend(replace(page.words[w]) for w in line.words)
            lines.append(replace(line, words=tuple(range(start, len(words)))))
            continue
        reading, x0 = replaced[line.index]
        block = page.words[line.words[0]].block if line.words else 0
        _, y, _, h = line.box
        start = len(words)
        for word in reading.words:
            words.append(
                OcrWord(
                    text=word.text,
                    confidence=word.confidence,
                    box=(x0 + word.x0, y, max(word.x1 - word.x0, 1), h),
                    line=line.index,
                    block=block,
                )
            )
        members = tuple(range(start, len(words)))
        box = union_box(words[w].box for w in members) if members else line.box
        text = " ".join(words[w].text for w in members)
        lines.append(OcrLine(index=line.index, box=box, text=text, words=members))
    confidences = [w.confidence for w in words if w.confidence is not None]
    mean = round(sum(confidences) / len(confidences), 2) if confidences else None
    return OcrPage(
        index=page.index,
        language=page.language,
        text="\n".join(line.text for line in lines),
        words=tuple(words),
        lines=tuple(lines),
        mean_confidence=mean,
    )


def reading_rows(reading: PageReading) -> list[dict[str, object]]:
    """Per-line provenance for the report: reader, both readings where read twice."""
    rows: list[dict[str, object]] = []
    for report in reading.lines:
        row: dict[str, object] = {"index": report.index, "reader": report.reader}
        if report.second is not None:
            row["readings"] = {
                TESSERACT: {
                    "text": report.tesseract.text,
                    "confidence": report.tesseract.confidence,
                },
                SECOND: {"text": report.second.text, "confidence": report.second.confidence},
            }
            row["agreement"] = report.agreement
            row["uncertain"] = report.uncertain
        rows.append(row)
    return rows


def uncertain_lines(reading: PageReading) -> Sequence[LineReport]:
    """The lines whose two readings disagree strongly."""
    return [r for r in reading.lines if r.uncertain]
