"""Lists of people: rows from an HTML table, typed text or OCR lines; counts, duplicates, numbering.

A list published beside a letter («فهرست اسامی ...», "a list of 149 names") is checked the way a
fact-checker would: how many entries it really has against the number it states or is said to
have, whether an entry appears twice, and whether its row numbers skip or repeat. The functions
here only read and compare text; the ``lists`` check decides what is worth a finding.

Rows keep the columns as found: ``number`` (the printed row number), ``name``, ``surname``,
``father`` (father's name, «نام پدر») and ``other`` for any further column, each as printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from workbench.text.dates import western_digits
from workbench.text.html import parse_html
from workbench.text.matching import compact, normalize

__all__ = [
    "ListRow",
    "compare_rows",
    "duplicate_rows",
    "numbering_problems",
    "parse_html_table",
    "parse_number",
    "parse_text_rows",
    "split_father",
    "split_numbered_line",
    "stated_counts",
]

#: Column headings and the field each names.
_HEADINGS: dict[str, str] = {
    "ردیف": "number",
    "شماره": "number",
    "#": "number",
    "no": "number",
    "نام": "name",
    "name": "name",
    "first name": "name",
    "نام خانوادگی": "surname",
    "surname": "surname",
    "last name": "surname",
    "family name": "surname",
    "نام پدر": "father",
    "father's name": "father",
    "father": "father",
}
#: A number followed by a word for people: «۱۴۹ نفر», «149 names», «۱۴۹ تن».
_COUNT = re.compile(
    r"(?<![\d۰-۹٠-٩/])([\d۰-۹٠-٩]{1,5})\s*(نفر|تن|اسم|نام|names|people|persons|entries|members)\b",
    re.IGNORECASE,
)
_NUMBER_TOKEN = re.compile(r"^[\s.\-_:)(\[\]]*([\d۰-۹٠-٩]{1,5})[\s.\-_:)(\[\]]*$")


@dataclass(frozen=True)
class ListRow:
    """One entry of a list, with where it was read (page and box for scans)."""

    index: int  # position in the list, 1-based
    number: int | None  # the printed row number, when one was read
    name: str
    surname: str = ""
    father: str = ""
    other: tuple[str, ...] = ()
    page: int | None = None
    box: tuple[int, int, int, int] | None = None
    confidence: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def full_name(self) -> str:
        """Name and surname as one string, as they are usually cited."""
        return " ".join(p for p in (self.name, self.surname) if p)

    def key(self) -> str:
        """Comparison form of the person (name, surname, father), for duplicates."""
        return "|".join(compact(p) for p in (self.name, self.surname, self.father))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for a report."""
        out: dict[str, Any] = {
            "index": self.index,
            "number": self.number,
            "name": self.name,
            "surname": self.surname,
            "father": self.father,
            "full_name": self.full_name,
        }
        if self.other:
            out["other"] = list(self.other)
        if self.page is not None:
            out["page"] = self.page
        if self.box is not None:
            x, y, w, h = self.box
            out["box"] = {"x": x, "y": y, "width": w, "height": h}
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 1)
        out.update(self.extra)
        return out


def parse_number(text: str) -> int | None:
    """A row number written alone («۱۲.», «12)», «١٢»), else None."""
    m = _NUMBER_TOKEN.match(western_digits(text))
    return int(m[1]) if m else None


# -- HTML tables --------------------------------------------------------------------------------


def _tables(source: str) -> list[list[tuple[bool, list[str]]]]:
    """Every table of an HTML document as rows of cell texts (header cells included).

    Each row is (has a header cell, cell texts); a row belongs to the innermost table around
    it, and rows whose cells are all empty are left out.
    """
    root = parse_html(source)
    if root is None:
        return []
    tables = []
    for table in root.iter("table"):
        rows = []
        for tr in table.iter("tr"):
            if next(tr.iterancestors("table"), None) is not table:
                continue
            cells = [c for c in tr if c.tag in ("td", "th")]
            texts = [normalize(c.text_content()) for c in cells]
            if any(texts):
                rows.append((any(c.tag == "th" for c in cells), texts))
        tables.append(rows)
    return tables


def _field_of(heading: str) -> str | None:
    text = normalize(heading).lower().strip(" :")
    return _HEADINGS.get(text)


def parse_html_table(source: str) -> list[ListRow]:
    """The rows of the largest table in an HTML document (empty when it has none).

    Columns are named from the header row («ردیف», «نام», «نام خانوادگی», «نام پدر» and their
    English equivalents); without one, a first column of numbers is the row number and the
    next ones are name, surname and father's name.
    """
    tables = _tables(source)
    if not tables:
        return []
    table = max(tables, key=len)
    fields: list[str | None] = []
    body = table
    if table and (table[0][0] or all(_field_of(c) for c in table[0][1] if c)):
        fields = [_field_of(c) for c in table[0][1]]
        body = table[1:]
    if not fields and body:
        first = body[0][1]
        numbered = parse_number(first[0]) is not None
        order = ["number", "name", "surname", "father"] if numbered else ["name", "surname"]
        fields = [order[i] if i < len(order) else None for i in range(len(first))]
    rows = []
    for position, (_, cells) in enumerate(body, start=1):
        values: dict[str, str] = {}
        other: list[str] = []
        for i, cell in enumerate(cells):
            name = fields[i] if i < len(fields) else None
            if name is None or name in values:
                if cell:
                    other.append(cell)
            else:
                values[name] = cell
        rows.append(
            ListRow(
                index=position,
                number=parse_number(values.get("number", "")),
                name=values.get("name", ""),
                surname=values.get("surname", ""),
                father=values.get("father", ""),
                other=tuple(other),
            )
        )
    return rows


# -- text and OCR lines -------------------------------------------------------------------------


def split_numbered_line(line: str) -> tuple[int | None, str]:
    """A list line's row number and the rest: «۱۲. سیاوش گلزاری» -> ``(12, "سیاوش گلزاری")``.

    The number may stand first or, as OCR of a right-to-left page sometimes gives it, last.
    Tokens of punctuation and stray digits left around the name by OCR are dropped.
    """
    tokens = normalize(line).split()
    number = None
    if tokens and parse_number(tokens[0]) is not None:
        number = parse_number(tokens.pop(0))
    elif tokens and parse_number(tokens[-1]) is not None and len(tokens) > 2:
        number = parse_number(tokens.pop())
    words = [t.strip(".,،:;-_()[]«»\"'") for t in tokens]
    words = [w for w in words if w and not any(ch.isdigit() for ch in w)]
    return number, " ".join(words)


def parse_text_rows(
    lines: Iterable[str], *, min_words: int = 2, max_words: int = 5
) -> list[ListRow]:
    """Rows from the lines of a typed list: numbered lines of 2-5 words, in order.

    A line is a row when it starts (or ends) with a row number, or when it is a short run of
    Persian words between numbered rows; lines split by tabs or `|` give their columns as
    name, surname, father's name.
    """
    rows: list[ListRow] = []
    for raw in lines:
        cells = [c.strip() for c in re.split(r"\t|\|", raw) if c.strip()]
        if len(cells) >= 3:
            number = parse_number(cells[0])
            if number is not None:
                cells = cells[1:]
            rows.append(
                ListRow(
                    index=len(rows) + 1,
                    number=number,
                    name=normalize(cells[0]),
                    surname=normalize(cells[1]) if len(cells) > 1 else "",
                    father=normalize(cells[2]) if len(cells) > 2 else "",
                    other=tuple(normalize(c) for c in cells[3:]),
                )
            )
            continue
        number, rest = split_numbered_line(raw)
        words = rest.split()
        if number is None or not (min_words <= len(words) <= max_words):
            continue
        name, surname = split_name(rest)
        rows.append(ListRow(index=len(rows) + 1, number=number, name=name, surname=surname))
    return rows


_FATHER = re.compile(r"[(\[]?\s*(?:فرزند|(?:نام )?پدر\s*:?)\s+([^()\[\]\d]+?)\s*[)\]]?\s*$")


def split_father(text: str) -> tuple[str, str]:
    """A row's name and the father's name written after it: «علی رضایی (فرزند حسن)».

    Lists write the father's name in a column of its own or after the name, as «فرزند X»
    ("child of X"), «نام پدر: X» or «پدر: X», with or without brackets. Returns (name,
    father), the father empty when none is written.
    """
    m = _FATHER.search(normalize(text))
    if m is None:
        return text.strip(), ""
    return normalize(text)[: m.start()].strip(" -،,"), m[1].strip()


def split_name(full: str) -> tuple[str, str]:
    """Given name and surname of a two-part or longer name (the surname is the last word)."""
    words = full.split()
    if len(words) < 2:
        return full, ""
    return " ".join(words[:-1]), words[-1]


# -- judging ------------------------------------------------------------------------------------


def stated_counts(text: str) -> list[tuple[int, str]]:
    """Counts a text states of itself: «۱۴۹ نفر», "149 names" -> ``[(149, "۱۴۹ نفر")]``."""
    out = []
    for m in _COUNT.finditer(normalize(text)):
        out.append((int(western_digits(m[1])), m[0]))
    return out


def duplicate_rows(rows: Sequence[ListRow]) -> list[list[ListRow]]:
    """Groups of rows naming the same person (same name, surname and father's name)."""
    groups: dict[str, list[ListRow]] = {}
    for row in rows:
        if row.name or row.surname:
            groups.setdefault(row.key(), []).append(row)
    return [g for g in groups.values() if len(g) > 1]


@dataclass(frozen=True)
class NumberingProblem:
    """A place where the printed row numbers skip, repeat or go backwards."""

    kind: str  # "gap", "repeat" or "order"
    after: int | None  # the row number before the problem
    number: int  # the number printed
    index: int  # position of the row in the list

    def describe(self) -> str:
        """Plain words for a finding."""
        if self.kind == "gap":
            missing = (
                f"{self.after + 1}"
                if self.after is not None and self.number == self.after + 2
                else f"{(self.after or 0) + 1}-{self.number - 1}"
            )
            return f"after row {self.after} comes row {self.number} (missing {missing})"
        if self.kind == "repeat":
            return f"row number {self.number} appears again at position {self.index}"
        return f"row {self.number} follows row {self.after}"


def numbering_problems(rows: Sequence[ListRow]) -> list[NumberingProblem]:
    """Gaps, repeats and reversals in the printed row numbers (rows without one are passed).

    Rows without a number (unread on a scan) between two numbered ones stand for the numbers
    between them: «5», a row unread, «7» is no gap.
    """
    problems: list[NumberingProblem] = []
    seen: set[int] = set()
    previous: int | None = None
    position = 0  # the list position of the previous numbered row
    for k, row in enumerate(rows, 1):
        if row.number is None:
            continue
        expected = (previous or 0) + k - position
        if row.number in seen:
            problems.append(NumberingProblem("repeat", previous, row.number, row.index))
        elif previous is not None and row.number < previous:
            problems.append(NumberingProblem("order", previous, row.number, row.index))
        elif row.number > (previous or 0) + 1 and row.number != expected:
            problems.append(NumberingProblem("gap", previous, row.number, row.index))
        seen.add(row.number)
        previous, position = row.number, k
    return problems


def name_similarity(a: ListRow, b: ListRow) -> float:
    """Similarity (0-100) of two rows' name and surname in their compact forms."""
    return float(fuzz.ratio(compact(a.full_name), compact(b.full_name)))


@dataclass(frozen=True)
class RowComparison:
    """Two readings of one list compared row by row."""

    matched: int  # rows of `a` whose name is read the same (within tolerance) in `b`
    differing: list[tuple[ListRow, ListRow, float]]  # same position, different names
    only_in_a: list[ListRow]
    only_in_b: list[ListRow]


def compare_rows(
    a: Sequence[ListRow], b: Sequence[ListRow], *, same: float = 90.0
) -> RowComparison:
    """Compare two readings of one list (the HTML and a scan), position by position.

    Rows at the same position whose names are at least `same` similar count as matched;
    lower, they are listed as differing; rows beyond the shorter list are in one only.
    """
    matched = 0
    differing = []
    for ra, rb in zip(a, b, strict=False):
        score = name_similarity(ra, rb)
        if score >= same:
            matched += 1
        else:
            differing.append((ra, rb, score))
    n = min(len(a), len(b))
    return RowComparison(matched, differing, list(a[n:]), list(b[n:]))
