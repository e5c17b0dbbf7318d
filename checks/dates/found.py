"""The dates of a document and where they stand, as the dates check reads and reports them.

A date found in the text (`workbench.text.dates.find_dates`) becomes a `Located`: on a page
image it is mapped back to the union of its OCR words' boxes, with its printed weekday's.
The claimed date is parsed with its precision (`Claimed`). The helpers that describe a date
in a finding and write its row in the results live here too, beside what they describe;
`workbench_checks.dates.check` decides what is worth a finding.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workbench.geometry import union_box
from workbench.model import Region
from workbench.ocr import OcrPage
from workbench.text.dates import (
    Calendar,
    FoundDate,
    format_date,
    to_lunar_hijri,
    to_solar_hijri,
)

#: Labels under which a Persian or Arabic letter prints its own date.
DATE_LABELS = frozenset({"تاریخ", "التاریخ", "date", "dated"})
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Claimed:
    """The claimed date: a day, or only a month or a year (``precision``)."""

    raw: str
    day: dt.date
    precision: str  # "day", "month" or "year"

    def matches(self, date: FoundDate) -> bool:
        """Whether any reading of `date` fits the claim (lunar readings within a day)."""
        if self.precision == "day":
            return date.covers(self.day)
        for reading in date.interpretations():
            g = reading.gregorian
            if g is None:
                continue
            if g.year == self.day.year and (self.precision == "year" or g.month == self.day.month):
                return True
        return False


@dataclass(frozen=True)
class Located:
    """A found date with where it stands: page (None for text documents) and pixel boxes."""

    date: FoundDate
    page: int | None
    box: tuple[int, int, int, int] | None
    weekday_box: tuple[int, int, int, int] | None

    def regions(self, label: str) -> list[Region]:
        """The date's region (and its printed weekday's), for a finding."""
        out = []
        if self.box is not None:
            out.append(Region(*self.box, label=label))
        if self.weekday_box is not None:
            out.append(Region(*self.weekday_box, label="printed weekday"))
        return out


def parse_claimed(value: str | None) -> Claimed | None:
    """The claimed date from the claims' ISO 8601 value (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``)."""
    if not value:
        return None
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}", value):
            return Claimed(value, dt.date(int(value), 7, 1), "year")
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return Claimed(value, dt.date(int(value[:4]), int(value[5:]), 15), "month")
        return Claimed(value, dt.date.fromisoformat(value[:10]), "day")
    except ValueError:
        return None


def page_text(page: OcrPage) -> tuple[str, list[tuple[int, int, int]]]:
    """The page's text rebuilt from its lines, with (start, end, word index) of every word."""
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    offset = 0
    for n, line in enumerate(page.lines):
        if n:
            parts.append("\n")
            offset += 1
        for k, w in enumerate(line.words):
            if k:
                parts.append(" ")
                offset += 1
            text = page.words[w].text
            parts.append(text)
            spans.append((offset, offset + len(text), w))
            offset += len(text)
    return "".join(parts), spans


def box_of(
    page: OcrPage, spans: Sequence[tuple[int, int, int]], start: int, end: int
) -> tuple[int, int, int, int] | None:
    """The union of the boxes of the words that the text span `start`-`end` touches."""
    boxes = [page.words[w].box for s, e, w in spans if s < end and e > start]
    return union_box(boxes) if boxes else None


def describe(d: FoundDate) -> str:
    """«text» (Solar Hijri 1380/02/24 = 2001-05-14, a Monday)."""
    reading = format_date(d.calendar, d.year, d.month, d.day)
    if d.gregorian is None:
        return f"«{d.text}» ({reading}, which does not exist or cannot be converted)"
    if d.calendar is Calendar.GREGORIAN:
        return f"«{d.text}» ({d.gregorian.isoformat()}, a {d.weekday})"
    return f"«{d.text}» ({reading} = {d.gregorian.isoformat()}, a {d.weekday})"


def in_calendar(day: dt.date, calendar: Calendar) -> str:
    """`day` written in `calendar`, for comparing a claim in the issuer's calendar."""
    if calendar is Calendar.SOLAR_HIJRI:
        y, m, d = to_solar_hijri(day)
        return format_date(calendar, y, m, d)
    if calendar is Calendar.LUNAR_HIJRI:
        lunar = to_lunar_hijri(day)
        return format_date(calendar, *lunar) if lunar else "outside the lunar tables"
    return day.isoformat()


def where(located: Located) -> str:
    """Where a date stands, for a finding: `` on page N`` on page images, empty for text."""
    return f" on page {located.page + 1}" if located.page is not None else ""


def entry(located: Located) -> dict[str, Any]:
    """The results' row for one found date: its reading, conversions, weekday and place."""
    d = located.date
    solar = to_solar_hijri(d.gregorian) if d.gregorian else None
    lunar = to_lunar_hijri(d.gregorian) if d.gregorian else None
    return {
        "text": d.text,
        "calendar": d.calendar.value,
        "gregorian": d.gregorian.isoformat() if d.gregorian else None,
        "weekday": d.weekday,
        "page": located.page,
        "box": list(located.box) if located.box else None,
        "year": d.year,
        "month": d.month,
        "day": d.day,
        "status": d.status.value,
        "problem": d.problem,
        "form": d.form,
        "marker": d.marker,
        "label": d.label,
        "span": [d.start, d.end],
        "solar_hijri": "{:04d}-{:02d}-{:02d}".format(*solar) if solar else None,
        "lunar_hijri": "{:04d}-{:02d}-{:02d}".format(*lunar) if lunar else None,
        "printed_weekday": d.printed_weekday,
        "printed_weekday_text": d.printed_weekday_text,
        "weekday_matches": d.weekday_matches,
        "weekday_box": list(located.weekday_box) if located.weekday_box else None,
        "year_looks_like": d.year_looks_like.value if d.year_looks_like else None,
        "ambiguous": d.ambiguous,
        "alternatives": [
            {
                "calendar": a.calendar.value,
                "year": a.year,
                "month": a.month,
                "day": a.day,
                "gregorian": a.gregorian.isoformat() if a.gregorian else None,
                "status": a.status.value,
            }
            for a in d.alternatives
        ],
        "notes": list(d.notes),
    }


def document_date(located: Sequence[Located]) -> Located | None:
    """The document's own date: the first one labelled «تاریخ» / Date, else the first found."""
    for x in located:
        if x.date.label and x.date.label.lower() in DATE_LABELS:
            return x
    return located[0] if located else None


def mostly_arabic_script(text: str) -> bool:
    """Whether the text is mostly in Arabic script (Persian, Arabic) rather than Latin."""
    arabic = len(_ARABIC_LETTER.findall(text))
    return arabic > 2 * len(_LATIN_LETTER.findall(text)) and arabic >= 20
