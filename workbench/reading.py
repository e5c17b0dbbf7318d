"""The reader seam: Tesseract finds the lines, a second reader re-reads some, one reading kept.

Tesseract stays the layout engine (words, boxes, reading order). On Persian pages a second
reader, ParisaOCR's recognizer (`workbench.imaging.recognition.line_recognizer`), re-reads
line images Tesseract already found; no second detector runs. Per line, `choose_line` keeps
one reading from the two readers' confidences and their agreement, and marks a line whose
readings differ strongly as uncertain, so the report can show a reviewer both.

Which lines are read again (`needs_second_reading`) and how a reading is kept were set on the
development lines of ``benchmarks/line_benchmark.py`` (scanned book lines) and checked on its
independent rendered lines; the figures are in ``benchmarks/RESULTS.md``. In the default mode
(``auto``) the lines read again per page are also capped so the second reader costs at most
about 0.4 of a raw Tesseract pass over the page (`SECOND_BUDGET_PASSES`); ``all`` re-reads
every line. The cap is a number
of line columns computed from the page's size with costs measured offline
(`budget_columns`), not from timing the run, so the same page always has the same lines
read again and two analyses of a document give the same report.

The second reader writes Persian letters whatever the page shows, so the ``script`` check
never reads its text: it asks for Tesseract's own readings (`Context.ocr` with a language).
Lines read as Arabic stay with Tesseract: a rule that re-read the unsure ones, in Arabic
letters, read the development Arabic lines better and the independent ones worse
(``benchmarks/arabic_lines.py``). An Arabic line image is read by Tesseract as one line and
as a raw line, the more confident kept (`workbench.reading_arabic.more_confident_line`). Only
a line image in which Tesseract finds nothing, read by the second reader, is written in
Arabic letters when its reading is Arabic text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz.distance import Levenshtein

from workbench.errors import ToolUnavailableError
from workbench.geometry import union_box
from workbench.imaging.recognition.line_recognizer import (
    LineRecognizer,
    RecognizedLine,
    reader_available,
    shared_recognizer,
)
from workbench.ocr import (
    FALLBACK_LANGUAGE,
    OcrLine,
    OcrPage,
    OcrResult,
    OcrWord,
    Tesseract,
    cpu_time,
    split_language,
)
from workbench.reading_arabic import ARABIC_PAGE_CONFIDENCE as ARABIC_PAGE_CONFIDENCE
from workbench.reading_arabic import PERSIAN_ONLY_LETTERS as PERSIAN_ONLY_LETTERS
from workbench.reading_arabic import arabic_letters as arabic_letters
from workbench.reading_arabic import line_is_arabic as line_is_arabic
from workbench.reading_arabic import more_confident_line, reads_as_arabic
from workbench.reading_arabic import page_language as page_language
from workbench.runtime import READER_MODES
from workbench.text.matching import normalize

#: Above this many pixels in a document (an A4 page at 600 dpi is 35 million) the second
#: reader's model is not loaded ahead of the reading (`Check.warm_up`): ONNX Runtime and the
#: model add about 85 MB (PyTorch, where the model has no ONNX export, 200-400 MB), which
#: such a document needs for its pages, and a page without a line to read again (blank,
#: English, Arabic, confidently read) never loads them.
WARM_UP_MAX_PIXELS = 40_000_000

#: Reader modes: Tesseract alone; the second reader on the lines that need it, within a CPU
#: budget; the second reader on every line.
TESSERACT = "tesseract"
SECOND = "parisaocr"
#: Lines Tesseract read with a mean word confidence under this are read again.
REREAD_BELOW = 92.0
#: The second reading is kept when its mean character confidence (0-100) is at least this ...
#: On the scanned book lines of the line benchmark the recognizer's confidence is 85 or more
#: on nearly every line; on type unlike the books' (the Homa face of the page benchmark) it
#: read 76-80 and wrote nonsense, which a threshold of 60 let into the report.
SECOND_MIN_CONFIDENCE = 85.0
#: ... unless Tesseract was this confident and the second reader less so.
TESSERACT_TRUSTED = 96.0
#: Two readings agreeing less than this (1 - normalised edit distance) make a line uncertain.
UNCERTAIN_BELOW = 0.6
#: Margin around a line box, as a share of the line's height (vertical, horizontal).
CROP_MARGIN = (0.15, 0.3)
#: The costs the ``auto`` budget is computed from, measured together by
#: ``benchmarks/line_benchmark.py --cost`` (CPU seconds, one thread; what matters is their
#: ratio, which holds on a loaded machine): one raw Tesseract pass (``fas``) over a page,
#: fitted as seconds per megapixel plus seconds per text line it finds, and the second reader,
#: per 1,000 columns of line at its input height, on ONNX Runtime (two fits, 0.493 and 0.418;
#: 1.215 with torch, before the export). The Tesseract costs are the first fit's; two later
#: fits (0.034-0.047 s per megapixel, 0.043-0.051 s per line) scatter around them.
TESSERACT_SECONDS_PER_MEGAPIXEL = 0.037
TESSERACT_SECONDS_PER_LINE = 0.047
SECOND_SECONDS_PER_KILOCOLUMN = 0.456
#: The share of one raw Tesseract pass the second reader may spend on a page in ``auto``.
#: With torch's cost the budget was one pass, which on ONNX Runtime's is about this share:
#: spending a whole pass (2.7 times the lines) lowered the character error rate of 12
#: Persian pages (the page benchmark's and the samples') only from 0.738% to 0.725%, worse
#: on the two in large type (0.31% to 0.41%), for 44% more CPU per page
#: (`benchmarks/RESULTS.md`, "The `auto` budget of the second reader on ONNX Runtime"), so
#: the lines read again stay those the torch-fitted budget chose.
SECOND_BUDGET_PASSES = 0.375


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


def budget_columns(shape: tuple[int, ...], lines: int) -> int:
    """Columns of line the second reader may read in ``auto`` on a page of `shape` and `lines`.

    `SECOND_BUDGET_PASSES` of the CPU time of one raw Tesseract pass over the page (which
    grows with the page's pixels and with the text lines on it), in the recognizer's own unit
    of work, columns of line at its input height, from costs measured offline
    (`TESSERACT_SECONDS_PER_MEGAPIXEL`, `TESSERACT_SECONDS_PER_LINE`,
    `SECOND_SECONDS_PER_KILOCOLUMN`). It depends only on the page and its lines, so the lines
    read again do not depend on how busy the machine is.
    """
    megapixels = shape[0] * shape[1] / 1e6
    seconds = megapixels * TESSERACT_SECONDS_PER_MEGAPIXEL + lines * TESSERACT_SECONDS_PER_LINE
    return int(1000 * SECOND_BUDGET_PASSES * seconds / SECOND_SECONDS_PER_KILOCOLUMN)


def reread_page(
    page: OcrPage,
    gray: np.ndarray,
    recognizer: LineRecognizer | None,
    *,
    mode: str = "auto",
    budget: float | None = None,
) -> PageReading:
    """`page` with the lines the second reader read better replaced by its readings.

    `mode` is one of `READER_MODES`. In ``auto`` the lines `needs_second_reading` selects are
    taken least confident first (then in reading order), each while the columns taken so far
    stay within `budget` (columns of line at the recognizer's input height, see
    `budget_columns`; None: no cap); ``all`` reads every line; ``tesseract`` reads none. The
    choice depends only on the page and its Tesseract reading. The lines read again go
    through the recognizer in one call.
    """
    evidence = [LineEvidence(line.text, line_confidence(page, line)) for line in page.lines]
    if recognizer is None:
        mode = TESSERACT
    if recognizer is None or mode == TESSERACT:
        chosen: list[int] = []
        skipped = 0
    elif mode == "all":
        chosen = list(range(len(page.lines)))
        skipped = 0
    else:
        wanted = sorted(
            (i for i, ev in enumerate(evidence) if needs_second_reading(ev)),
            key=lambda i: (_confidence_or_none(evidence[i]), i),
        )
        chosen, spent = [], 0.0
        for i in wanted:
            crop, _ = crop_line(gray, page.lines[i].box)
            cost = _columns(crop, recognizer.height)
            if budget is not None and spent + cost > budget:
                continue
            chosen.append(i)
            spent += cost
        skipped = len(wanted) - len(chosen)
        chosen.sort()
    crops = [crop_line(gray, page.lines[i].box) for i in chosen]
    started = cpu_time()
    read = recognizer.read([c for c, _ in crops]) if recognizer and crops else []
    seconds = cpu_time() - started
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


def _any_line_to_read_again(page: OcrPage) -> bool:
    """Whether `reread_page` in ``auto`` would want any line of `page` (before its budget)."""
    return any(
        needs_second_reading(LineEvidence(line.text, line_confidence(page, line)))
        for line in page.lines
    )


def _in_arabic_letters(reading: PageReading) -> PageReading:
    """`reading` with the second reader's text written in Arabic letters (`arabic_letters`).

    For a line image Tesseract found nothing in: there is no ``ara`` reading to align with,
    so a word-final yeh is written ``ي``.
    """
    page = reading.page
    words = tuple(replace(w, text=arabic_letters(w.text)) for w in page.words)
    lines = tuple(replace(line, text=arabic_letters(line.text)) for line in page.lines)
    reports = tuple(
        replace(r, second=replace(r.second, text=arabic_letters(r.second.text)))
        if r.second is not None
        else r
        for r in reading.lines
    )
    text = arabic_letters(page.text)
    return replace(reading, page=replace(page, text=text, words=words, lines=lines), lines=reports)


def read_page_text(
    read: Callable[[str], OcrResult],
    gray: np.ndarray,
    *,
    engine: Tesseract,
    language: str | None,
    mode: str,
) -> tuple[OcrResult, PageReading]:
    """The report's reading of one page, and how each line of it was produced.

    `read` reads the page with Tesseract in a language (the caller caches it). With no
    `language` the page is read with ``fas`` and, when `page_language` finds it Arabic, with
    ``ara``; an image of a single line that does not look Arabic is also read with ``ara``
    (one more single-line pass, which the ``script`` check makes anyway) and kept in
    ``ara`` when `line_is_arabic`. A ``fas`` page goes through `reread_page` unless `mode`
    is ``tesseract`` or the second reader is not installed; the budget in ``auto`` is
    `budget_columns` of the page (none for an image of a single line). A Persian line image
    in which Tesseract found no text is still read by the second reader, as one line.
    The result's ``steps`` say which reader ran (``reader``).
    """
    if mode not in READER_MODES:
        raise ValueError(f"unknown reader mode {mode!r}; one of {', '.join(READER_MODES)}")
    result = read(language or FALLBACK_LANGUAGE)
    if language is None:
        chosen = page_language(result.page, engine)
        if chosen != result.page.language:
            result = read(chosen)
        elif result.steps.get("single_line") and engine.has_language("ara"):
            # One line's ``fas`` reading says too little of its language: the ``ara`` reading
            # of the line (a single-line pass, which the ``script`` check reads anyway)
            # decides too.
            other = read("ara")
            if line_is_arabic(result.page, other.page):
                result = other
    if (
        result.steps.get("single_line")
        and split_language(result.page.language) == ("ara",)
        and result.page.text.strip()
    ):
        # An Arabic line image: Tesseract's raw-line reading where it is more confident.
        result = more_confident_line(engine, gray, result)
    persian = split_language(result.page.language) == ("fas",)
    page = result.page
    found_nothing = persian and bool(result.steps.get("single_line")) and not page.lines
    if found_nothing:
        # Tesseract found no text in a line image (faint or broken type): the image is still
        # the line, and the second reader reads it.
        height, width = gray.shape[:2]
        page = replace(
            page, lines=(OcrLine(index=0, box=(0, 0, width, height), text="", words=()),)
        )
    reader: dict[str, object] = {"mode": mode, "second_reader": None}
    reading: PageReading | None = None
    if persian and mode != TESSERACT and page.lines:
        # A line image is the line to read, whatever Tesseract's single-line pass cost; on a
        # page the second reader stays within its share of a raw Tesseract pass.
        budget = (
            None if result.steps.get("single_line") else budget_columns(gray.shape, len(page.lines))
        )
        if not reader_available():
            reader["note"] = "second reader not installed (bash scripts/dev.sh install)"
        elif mode == "auto" and not _any_line_to_read_again(page):
            # Nothing for the second reader: its model (and its runtime, 85-400 MB) is
            # not loaded for this page; the reading is what `reread_page` would return.
            reading = replace(reread_page(page, gray, None, mode=TESSERACT), mode=mode)
            reader.update(
                second_reader=SECOND,
                lines_read_again=0,
                lines_kept=0,
                skipped_for_budget=0,
                budget_columns=budget,
                seconds=reading.second_seconds,
            )
        else:
            try:
                recognizer = shared_recognizer()
            except ToolUnavailableError as exc:
                reader["note"] = str(exc)
            else:
                reading = reread_page(page, gray, recognizer, mode=mode, budget=budget)
                reader.update(
                    second_reader=SECOND,
                    lines_read_again=reading.lines_read_again,
                    lines_kept=sum(1 for r in reading.lines if r.reader == SECOND),
                    skipped_for_budget=reading.skipped_for_budget,
                    budget_columns=budget if mode == "auto" else None,
                    seconds=reading.second_seconds,
                )
                if (
                    found_nothing
                    and [r.reader for r in reading.lines] == [SECOND]
                    and reads_as_arabic(reading.page.text, reading.page.text)
                ):
                    # Tesseract found nothing, so only the second reading can say the line is
                    # Arabic: written in Arabic letters (`arabic_letters`), as the report says.
                    reading = _in_arabic_letters(reading)
                    reader["letters"] = "arabic"
    if reading is None:
        reading = reread_page(result.page, gray, None, mode=TESSERACT)
    done = OcrResult(
        page=reading.page,
        preprocessed=result.preprocessed,
        steps={**result.steps, "reader": reader},
        seconds=round(result.seconds + reading.second_seconds, 4),
        cpu_seconds=result.cpu_seconds,
    )
    return done, reading
