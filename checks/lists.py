"""The ``lists`` check: a list of people read into rows, counted, and checked for repeats.

A list of names published with a document ("a list of 149 operatives") is parsed into rows:
from the largest table of an HTML page, from numbered lines of a text, or from a scanned page
typed in columns, which is read column by column (`workbench.imaging.layout.columns`) because a
whole-page reading joins columns and drops short lines. Each row gets the Latin spellings of
its name. Findings: the number of rows against a claimed count (``count`` in the claims) or a
number the list states of itself («۱۴۹ نفر»), rows naming the same person twice, gaps or
repeats in the printed row numbers, and, when an exemplar of the same list is given (the HTML
beside its scan), the rows where the two differ.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
from PIL import Image

from workbench.check import Check, Need
from workbench.context import Context
from workbench.errors import WorkbenchError
from workbench.imaging.layout.columns import ListColumn, ListLayout, find_list_columns
from workbench.imaging.recognition.ocr_preprocess import estimate_skew, warp
from workbench.loading import Document
from workbench.model import CheckResult, Finding, Region, Severity
from workbench.ocr.several import data_of_images
from workbench.text.list_layout import (
    WordBox,
    WordLayout,
    ink_agrees,
    layout_from_words,
    reads_as_numbered_list,
    sequence_steps,
)
from workbench.text.lists import (
    ListRow,
    compare_rows,
    duplicate_rows,
    numbering_problems,
    parse_html_table,
    parse_number,
    parse_text_rows,
    split_father,
    split_name,
    split_numbered_line,
    stated_counts,
)
from workbench.text.romanize import romanize

#: A page is read as a list when its OCR has at least this many short lines of names...
MIN_SHORT_LINES = 30
#: ...and these make up at least this share of its lines.
MIN_SHORT_SHARE = 0.6
#: Fewer rows than this and the document is not treated as a list.
MIN_ROWS = 5
#: Scales each column of names is read at; per row, the most confident reading is kept.
READ_SCALES = (1.0, 1.5, 0.75)
#: Tilt (degrees) from which a page is levelled before its columns are looked for; below it,
#: resampling costs more letters than the tilt (the samples' scan at 0.3°: 149 names exact as
#: it is, 145 levelled).
MIN_SKEW = 0.4
#: Share of rows whose printed number must be read for the numbering to be judged on a scan.
RELIABLE_NUMBERS = 0.9


@dataclass
class _Parsed:
    rows: list[ListRow]
    source: str  # "html", "text" or "scan"
    heading: str
    numbers_read: int | None = None  # scans: rows whose printed number OCR read as expected


def _short_name_line(text: str) -> bool:
    _, rest = split_numbered_line(split_father(text)[0])
    words = rest.split()
    return 2 <= len(words) <= 4 and not any(ch.isdigit() for ch in rest)


def _is_list_page(ocr: Any) -> bool:
    """Whether a page's reading shows a list: many short name lines, or numbered columns.

    A list of a few dozen names in two columns is read by the page's OCR as lines joining
    both columns, not as short lines; its row numbers still line up (`reads_as_numbered_list`).
    """
    lines = [line.text for line in ocr.lines]
    short = sum(1 for t in lines if _short_name_line(t))
    if short >= MIN_SHORT_LINES and short >= MIN_SHORT_SHARE * max(len(lines), 1):
        return True
    words = [WordBox(w.text, *w.box) for w in ocr.words if w.text.strip()]
    return reads_as_numbered_list(words)


def _lines_of(data: dict[str, list[Any]], scale: float) -> list[tuple[str, float, float]]:
    """(text, centre y in the crop, mean confidence) of each line of a reading at `scale`."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if str(text).strip():
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(i)
    out = []
    for members in lines.values():
        text = " ".join(str(data["text"][i]) for i in members)
        y = float(np.mean([data["top"][i] + data["height"][i] / 2 for i in members])) / scale
        conf = float(np.mean([max(float(data["conf"][i]), 0.0) for i in members]))
        out.append((text, y, conf))
    return out


def _read_all(
    engine: Any, images: list[tuple[np.ndarray, float]], language: str
) -> list[list[tuple[str, float, float]]]:
    """The lines of each (image, scale) read as a block of text, all in one Tesseract process.

    Each image is read as a call of its own would read it (`data_of_images`).
    """
    scaled = [
        np.ascontiguousarray(image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale))
        for image, scale in images
    ]
    found = data_of_images(engine, scaled, language, psm=6, dpi=300, keep_noisy_rows=True)
    return [_lines_of(data, scale) for data, (_, scale) in zip(found, images, strict=True)]


#: The language Latin row numbers are read again in (skipped when it is not installed).
LATIN_NUMBERS = "eng"


def _read_latin(engine: Any, strips: list[np.ndarray]) -> list[list[tuple[str, float, float]]]:
    """The number strips read in `LATIN_NUMBERS`, in one process; none when it is missing."""
    if not strips or LATIN_NUMBERS not in getattr(engine, "languages", ()):
        return []
    return _read_all(engine, [(strip, 1.0) for strip in strips], LATIN_NUMBERS)


def _better_numbers(
    first: list[tuple[str, float, float]], second: list[tuple[str, float, float]]
) -> list[tuple[str, float, float]]:
    """Of two readings of a number strip, the one whose numbers follow each other more often."""

    def steps(lines: list[tuple[str, float, float]]) -> int:
        return sequence_steps([parse_number(t) for t, _, _ in sorted(lines, key=lambda r: r[1])])

    return second if steps(second) > steps(first) else first


def read_list_page(
    engine: Any,
    gray: np.ndarray,
    layout: ListLayout,
    page: int,
    language: str = "fas",
    fathers: tuple[tuple[int, int] | None, ...] = (),
) -> list[ListRow]:
    """Rows of a list page typed in columns, below its heading.

    Each column's names are read at several scales and the most confident reading of each
    row is kept; the row numbers are read from their own strip and paired by height, and so
    are the fathers' names when a column has a field of them (`fathers`, per column). A
    father's name written after the name («(فرزند حسن)») is split from it. Every reading of
    the page is made by one Tesseract process (`workbench.ocr.several`), but for a second
    reading of the number strips in `LATIN_NUMBERS` (one process for them all): the Persian
    model misreads Latin row numbers («12)»), and per strip the reading whose numbers follow
    each other more often down the strip is kept.
    """
    height = gray.shape[0]
    top = layout.body_top
    images: list[tuple[np.ndarray, float]] = []
    strips: list[np.ndarray] = []
    for k, column in enumerate(layout.columns):
        x0, x1 = column.names
        crop = np.ascontiguousarray(gray[top:height, max(0, x0 - 15) : x1])
        images += [(crop, s) for s in READ_SCALES]
        if column.numbers is not None:
            n0, n1 = column.numbers
            strip = np.pad(gray[top:height, n0 : n1 + 15], ((0, 0), (60, 60)), constant_values=255)
            images.append((strip, 1.0))
            strips.append(strip)
        field = fathers[k] if k < len(fathers) else None
        if field is not None:
            f0, f1 = field
            images.append((np.ascontiguousarray(gray[top:height, max(0, f0 - 15) : f1 + 15]), 1.0))
    found = iter(_read_all(engine, images, language))
    latin = iter(_read_latin(engine, strips))
    rows: list[ListRow] = []
    for k, column in enumerate(layout.columns):
        x0, x1 = column.names
        readings = [next(found) for _ in READ_SCALES]
        base = [r for r in readings[0] if _short_name_line(r[0]) or r[2] > 0]
        numbers = next(found) if column.numbers is not None else []
        if column.numbers is not None:
            numbers = _better_numbers(numbers, next(latin, []))
        field = fathers[k] if k < len(fathers) else None
        father_lines = next(found) if field is not None else []
        pitch = _pitch([y for _, y, _ in base])
        for text, y, conf in base:
            best = (text, conf)
            for other in readings[1:]:
                near = [r for r in other if abs(r[1] - y) < pitch / 2]
                for t, _, c in near:
                    if c > best[1] and _short_name_line(t):
                        best = (t, c)
            number_text = [t for t, ny, _ in numbers if abs(ny - y) < pitch / 2]
            number = parse_number(number_text[0]) if number_text else None
            named, father = split_father(best[0])
            _, name = split_numbered_line(named)
            if not name:
                continue
            given, surname = split_name(name)
            if not father:
                beside = [t for t, fy, _ in father_lines if abs(fy - y) < pitch / 2]
                father = split_numbered_line(beside[0])[1] if beside else ""
                father = split_father(father)[1] or father  # «پدر: حسن» in its own column
            box = (x0, int(top + y - pitch / 2), x1 - x0, int(pitch))
            rows.append(
                ListRow(
                    index=len(rows) + 1,
                    number=number,
                    name=given,
                    surname=surname,
                    father=father,
                    page=page,
                    box=box,
                    confidence=best[1],
                )
            )
    return rows


def _to_page(
    box: tuple[int, int, int, int] | None, affine: np.ndarray
) -> tuple[int, int, int, int] | None:
    """A box of the levelled page mapped back to the page's pixels (its bounding box)."""
    if box is None:
        return None
    x, y, w, h = box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], float)
    mapped = corners @ np.asarray(affine, float).T
    x0, y0 = mapped.min(axis=0)
    x1, y1 = mapped.max(axis=0)
    return round(x0), round(y0), round(x1 - x0), round(y1 - y0)


def _word_layout(engine: Any, gray: np.ndarray, language: str) -> WordLayout | None:
    """The list's columns from the words a sparse OCR pass finds on the (levelled) page.

    Sparse reading (Tesseract's page mode 11) finds words wherever they stand, so the row
    numbers' line-ups show the columns whatever the gaps between them
    (`workbench.text.list_layout`). None when no column of row numbers shows (an unnumbered
    list is then laid out from its ink, `find_list_columns`).
    """
    data = engine.data(Image.fromarray(gray), language, psm=11, dpi=300, keep_noisy_rows=True)
    words = [
        WordBox(str(text), int(x), int(y), int(w), int(h))
        for text, x, y, w, h in zip(
            data["text"], data["left"], data["top"], data["width"], data["height"], strict=True
        )
        if str(text).strip()
    ]
    return layout_from_words(words)


def _reading_layout(words: WordLayout) -> ListLayout:
    """The parts of each column to read (names, numbers), from the layout found in the words."""
    columns = tuple(ListColumn(c.fields[0], c.numbers) for c in words.columns)
    return ListLayout(words.body_top, columns)


def _pitch(ys: list[float]) -> float:
    if len(ys) < 2:
        return 60.0
    return float(np.median(np.diff(sorted(ys))))


def _parse_document(document: Document) -> _Parsed | None:
    """Rows of a text or HTML document (None when it holds no list)."""
    if document.html:
        rows = parse_html_table(document.html)
        if len(rows) >= MIN_ROWS:
            return _Parsed(rows, "html", document.text or "")
    rows = parse_text_rows((document.text or "").splitlines())
    if len(rows) >= MIN_ROWS:
        return _Parsed(rows, "text", document.text or "")
    return None


class ListsCheck(Check):
    """Rows of a list of people, their count, duplicates and numbering."""

    name = "lists"
    version = "2"
    title = "A list of people: its rows, count, repeats and numbering"
    explanation = (
        "Reads a list of people into rows (row number, name, surname, father's name, other "
        "columns): from an HTML table, numbered lines of text, or a scanned page typed in "
        "columns, read column by column. Each name gets its likely Latin spellings. It reports "
        "the number of rows against a claimed count or the number the list states of itself "
        "(«۱۴۹ نفر»), rows naming the same person twice, gaps or repeats in the row numbers, "
        "and, given another copy of the list as an exemplar (the web page beside its scan), "
        "the rows where the two differ. On a scan, OCR can miss or misread a row: a count one "
        "or two short is first a question for the page itself."
    )
    needs = frozenset({Need.TEXT})
    order = 76

    def run(self, context: Context) -> CheckResult:
        """Parse the list, then count and compare it."""
        try:
            parsed = self._parse(context, context.document)
        except WorkbenchError as exc:
            return self.ocr_failed(exc, "so the page cannot be read")
        if parsed is None:
            return self.skipped(
                "The document does not read as a list of people (no table, numbered lines or "
                "columns of short name lines were found)."
            )
        rows = parsed.rows
        findings = self._count(context, parsed)
        findings += self._duplicates(rows)
        findings += self._numbering(parsed)
        comparison: dict[str, Any] | None = None
        for reference in context.references:
            try:
                other = self._parse(context, reference)
            except WorkbenchError:
                continue
            if other is not None:
                found, comparison = self._compare(parsed, other, reference)
                findings += found
                break
        spelled = []
        for row in rows:
            data = row.as_dict()
            spelling = romanize(row.full_name) if row.full_name else None
            data["latin"] = list(spelling.latin) if spelling else []
            if row.father:
                data["father_latin"] = list(romanize(row.father).latin)
            spelled.append(data)
        results: dict[str, Any] = {
            "source": parsed.source,
            "count": len(rows),
            "stated_counts": [{"count": n, "text": t} for n, t in stated_counts(parsed.heading)],
            "rows": spelled,
        }
        if comparison is not None:
            results["comparison"] = comparison
        return self.ok(findings=findings, results=results)

    # -- reading -----------------------------------------------------------------------------

    def _parse(self, context: Context, document: Document) -> _Parsed | None:
        if not document.pages:
            return _parse_document(document)
        rows: list[ListRow] = []
        headings: list[str] = []
        for page in document.pages:
            ocr = context.ocr(page.index, document=document)
            if not _is_list_page(ocr):
                continue
            gray = np.asarray(context.page_gray(page.index, document=document))
            # Columns are found by vertical gaps, which a tilt of a degree closes: level first.
            to_page: np.ndarray | None = None
            angle = estimate_skew(gray)
            if abs(angle) >= MIN_SKEW:
                gray, to_page = warp(gray, -angle, 1.0)
            engine, language = context.ocr_engine(), context.ocr_language()
            fathers: tuple[tuple[int, int] | None, ...] = ()
            # The ink's columns when the words' row numbers line up with them (the samples'
            # scan is read best so); else the columns the page's words line up in.
            layout: ListLayout | None = find_list_columns(gray)
            # A numbered ink layout is kept only where the row numbers' line-ups confirm it.
            words = _word_layout(engine, gray, language)
            if words is not None and not ink_agrees(layout, words):
                layout = _reading_layout(words)
                fathers = tuple(c.fields[1] if len(c.fields) > 1 else None for c in words.columns)
            if layout is None:
                continue
            page_rows = read_list_page(engine, gray, layout, page.index, language, fathers)
            if to_page is not None:
                page_rows = [replace(r, box=_to_page(r.box, to_page)) for r in page_rows]
            heading = "\n".join(
                line.text for line in ocr.lines if line.box[1] + line.box[3] <= layout.body_top
            )
            rows += [replace(row, index=len(rows) + i) for i, row in enumerate(page_rows, 1)]
            headings.append(heading)
        if len(rows) < MIN_ROWS:
            return None
        # OCR of short row numbers («۱۲.») is unreliable: keep them only when nearly all read
        # as the sequence their positions imply, else number the rows by position.
        agree = sum(1 for r in rows if r.number == r.index)
        if agree < RELIABLE_NUMBERS * len(rows):
            rows = [replace(r, number=None) for r in rows]
        return _Parsed(rows, "scan", "\n".join(headings), numbers_read=agree)

    # -- judging -----------------------------------------------------------------------------

    def _count(self, context: Context, parsed: _Parsed) -> list[Finding]:
        n = len(parsed.rows)
        stated: list[tuple[int, str, str]] = []
        claimed = context.claims.count if context.claims is not None else None
        if claimed is not None:
            stated.append((claimed, "the claims say", "claims"))
        for number, text in stated_counts(parsed.heading):
            stated.append((number, f"the list's own text says («{text}»)", "document"))
        scan_note = (
            " The rows were read by OCR from a scan: a row missed or split by OCR changes the "
            "count, so compare the page itself before drawing a conclusion."
            if parsed.source == "scan"
            else ""
        )
        if not stated:
            return [
                self.finding(
                    "rows_counted",
                    Severity.INFO,
                    f"The list has {n} rows",
                    f"{n} rows were read from the {parsed.source}. No count was claimed (give "
                    "one as `count` in the claims) and the list states none of itself." + scan_note,
                    evidence={"rows": n, "source": parsed.source},
                    checklist=["prov.original"],
                )
            ]
        findings = []
        for number, said, origin in stated:
            if number == n:
                findings.append(
                    self.finding(
                        "count_matches",
                        Severity.INFO,
                        f"The list has {n} rows, as {said}",
                        f"{n} rows were read from the {parsed.source}, as {said}.",
                        evidence={"rows": n, "stated": number, "origin": origin},
                        checklist=["prov.original"],
                    )
                )
            else:
                findings.append(
                    self.finding(
                        "count_differs",
                        Severity.WARNING if parsed.source != "scan" else Severity.NOTICE,
                        f"The list has {n} rows, but {said} {number}",
                        f"{n} rows were read from the {parsed.source}, while {said} {number}. "
                        "A list "
                        "extended or shortened after its count was written is consistent with "
                        "this; so are a count that was simply wrong, rows split over two lines "
                        "and, in a claim, a figure quoted from memory." + scan_note,
                        evidence={
                            "rows": n,
                            "stated": number,
                            "origin": origin,
                            "difference": n - number,
                        },
                        checklist=["prov.original"],
                    )
                )
        return findings

    def _duplicates(self, rows: list[ListRow]) -> list[Finding]:
        findings = []
        for group in duplicate_rows(rows):
            first = group[0]
            positions = ", ".join(str(r.number or r.index) for r in group)
            who = first.full_name + (f" (father {first.father})" if first.father else "")
            findings.append(
                self.finding(
                    "duplicate_row",
                    Severity.NOTICE,
                    f"«{first.full_name}» is listed {len(group)} times",
                    f"Rows {positions} name the same person: {who}. Two people can share a "
                    "name and even a father's name; a row copied twice while the list was "
                    "assembled is consistent with this too.",
                    page=first.page,
                    regions=[Region(*r.box, label=f"row {r.index}") for r in group if r.box],
                    evidence={"rows": [r.as_dict() for r in group]},
                    checklist=["prov.original"],
                )
            )
        return findings

    def _numbering(self, parsed: _Parsed) -> list[Finding]:
        rows = parsed.rows
        numbered = [r for r in rows if r.number is not None]
        if parsed.source == "scan" and not numbered:
            read = parsed.numbers_read or 0
            return [
                self.finding(
                    "numbering_unread",
                    Severity.INFO,
                    "The row numbers could not be read reliably",
                    f"OCR read the expected row number on {read} of {len(rows)} rows, too few "
                    "to judge the numbering, so the rows are numbered by their position. Check "
                    "the printed numbers on the page.",
                    evidence={"numbers_read": read, "rows": len(rows)},
                    checklist=["prov.original"],
                )
            ]
        problems = numbering_problems(rows)
        if not problems:
            return []
        described = "; ".join(p.describe() for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        return [
            self.finding(
                "numbering",
                Severity.NOTICE,
                f"The row numbers skip or repeat in {len(problems)} place(s)",
                f"In the printed numbering, {described}{more}. Rows removed or inserted after "
                "the list was numbered are consistent with this; so is a numbering slip in the "
                "original, or, on a scan, a number misread by OCR.",
                evidence={
                    "problems": [
                        {"kind": p.kind, "after": p.after, "number": p.number, "index": p.index}
                        for p in problems
                    ]
                },
                checklist=["prov.original"],
            )
        ]

    def _compare(
        self, parsed: _Parsed, other: _Parsed, reference: Document
    ) -> tuple[list[Finding], dict[str, Any]]:
        result = compare_rows(parsed.rows, other.rows)
        summary: dict[str, Any] = {
            "reference": reference.path.name,
            "reference_source": other.source,
            "reference_rows": len(other.rows),
            "matched": result.matched,
            "differing": [
                {"index": a.index, "here": a.full_name, "reference": b.full_name, "score": s}
                for a, b, s in result.differing
            ],
            "only_here": [r.index for r in result.only_in_a],
            "only_in_reference": [r.index for r in result.only_in_b],
        }
        n = len(parsed.rows)
        if not result.differing and not result.only_in_a and not result.only_in_b:
            return [
                self.finding(
                    "same_as_reference",
                    Severity.INFO,
                    f"All {n} rows read the same as in {reference.path.name}",
                    f"Row by row, the {n} names of this {parsed.source} match the {other.source} "
                    f"copy {reference.path.name}.",
                    evidence=summary,
                    checklist=["prov.original"],
                )
            ], summary
        shown = "; ".join(
            f"row {a.index}: «{a.full_name}» here, «{b.full_name}» there"
            for a, b, _ in result.differing[:8]
        )
        severity = (
            Severity.NOTICE
            if parsed.source == "scan" or other.source == "scan"
            else (Severity.WARNING)
        )
        return [
            self.finding(
                "differs_from_reference",
                severity,
                f"{len(result.differing) + len(result.only_in_a) + len(result.only_in_b)} rows "
                f"differ from {reference.path.name}",
                f"{result.matched} of {n} rows read the same as the {other.source} copy "
                f"{reference.path.name} ({len(other.rows)} rows). {shown}. Two versions of the "
                "list are consistent with this; on a scan, so is an OCR misreading of a name, "
                "which the page itself settles.",
                evidence=summary,
                checklist=["prov.original"],
            )
        ], summary
