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

import numpy as np

from workbench.check import Check, Need
from workbench.context import Context
from workbench.errors import WorkbenchError
from workbench.imaging.layout.columns import ListLayout, find_list_columns
from workbench.imaging.recognition.ocr_preprocess import estimate_skew, warp
from workbench.loading import Document
from workbench.model import CheckResult, Finding, Region, Severity
from workbench.text.list_layout import ink_agrees
from workbench.text.lists import (
    ListRow,
    compare_rows,
    duplicate_rows,
    numbering_problems,
    parse_html_table,
    parse_text_rows,
    stated_counts,
)
from workbench.text.romanize import romanize

from .scan import (
    MAX_OUTSIDE_SHARE,
    MIN_NUMBER_SHARE,
    _is_list_page,
    _reading_layout,
    _to_page,
    _word_layout,
    read_list_page,
    read_number_strips,
    words_outside,
)

#: Fewer rows than this and the document is not treated as a list.
MIN_ROWS = 5
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
    version = "3"
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
            numbers = self._ink_numbers(ocr, gray, layout, to_page, engine, language)
            if numbers is None:
                # A numbered ink layout is kept only where the row numbers' line-ups confirm it.
                words = _word_layout(engine, gray, language)
                if words is not None and not ink_agrees(layout, words):
                    layout = _reading_layout(words)
                    fathers = tuple(
                        c.fields[1] if len(c.fields) > 1 else None for c in words.columns
                    )
            if layout is None:
                continue
            page_rows = read_list_page(engine, gray, layout, page.index, language, fathers, numbers)
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

    @staticmethod
    def _ink_numbers(
        ocr: Any,
        gray: np.ndarray,
        layout: ListLayout | None,
        to_page: np.ndarray | None,
        engine: Any,
        language: str,
    ) -> list[list[tuple[str, float, float]]] | None:
        """The ink layout's number strips as read, when they show the layout needs no check.

        The sparse pass over the whole page (`_word_layout`, about one raw Tesseract pass)
        settles whether the ink's columns are the list's. It is not needed when every column
        of the ink's layout has a number strip, each strip reads as numbers alone (at least
        `MIN_NUMBER_SHARE` of its words), and the page's own reading puts (nearly) no word
        outside the columns (`MAX_OUTSIDE_SHARE`): a strip that also holds names or
        fathers' labels, or a column the ink missed, still goes to the sparse pass. The strips
        read here are those the names are paired with (`read_list_page`), so they are read
        once either way. None when the sparse pass is needed.
        """
        if layout is None or not layout.columns:
            return None
        if any(c.numbers is None for c in layout.columns):
            return None
        if words_outside(ocr, layout, to_page) > MAX_OUTSIDE_SHARE:
            return None
        lines, shares = read_number_strips(engine, gray, layout, language)
        if len(shares) != len(layout.columns) or min(shares) < MIN_NUMBER_SHARE:
            return None
        return lines

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
