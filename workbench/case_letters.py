"""One office's letters in order: the numbers and dates its letter check read, per case.

Offices number their outgoing letters in sequence, so a number lower than that of an
earlier-dated letter of the same office is a notice for the case view (`workbench.cases`).
The reading is stored when the document is searched (`workbench.store.cases`), so a case view
does not parse every report again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.model import Report
from workbench.store.cases import LetterReading, stored_letter_readings
from workbench.store.service import Store
from workbench.text import dates


def letter_serial(value: str | None) -> int | None:
    """The serial of a letter number (its longest run of digits), in any digit system."""
    runs = re.findall(r"\d+", dates.western_digits(value or ""))
    return int(max(runs, key=len)) if runs else None


def letter_series(value: str | None) -> str | None:
    """A letter number with its serial replaced by ``#``: the register and year it belongs to.

    ``۱۰۵۰/۸۰/ب`` and ``۳۳۰۷/۸۰/ب`` are both ``#/80/ب``: one office's register for one year,
    where serials grow with the dates. None for a number that is only a serial (nothing tells
    whose register it is) or has no digits.
    """
    text = "".join(dates.western_digits(value or "").split())
    runs = list(re.finditer(r"\d+", text))
    if not runs:
        return None
    serial = max(runs, key=lambda m: len(m.group()))
    series = text[: serial.start()] + "#" + text[serial.end() :]
    return series if series.strip("#-/ .") else None


@dataclass(frozen=True)
class NumberedLetter:
    """One letter's number and date as its letter check read them."""

    sha256: str
    name: str
    office: str | None
    number: str | None
    serial: int | None
    date_text: str | None
    date: str | None  # ISO Gregorian
    backwards: bool = False


def letter_reading(report: Report) -> LetterReading:
    """The number and date a report's letter check read (the date also as ISO Gregorian)."""
    elements = {e.get("name"): e for e in (report.results.get("letter") or {}).get("elements", [])}
    number = (elements.get("number") or {}).get("value")
    date_text = (elements.get("date") or {}).get("value")
    found = dates.find_dates(date_text) if date_text else []
    iso = found[0].gregorian.isoformat() if found and found[0].gregorian else None
    return LetterReading(number, date_text, iso)


def numbered_letters(store: Store, shas: Sequence[str]) -> list[NumberedLetter]:
    """The letters of `shas` with their numbers and dates, each office's in date order.

    A letter whose serial is lower than that of an earlier-dated letter of the same office has
    ``backwards`` set: offices number their outgoing letters in sequence through the year, so
    this is a notice (a new year's series, another register of the office, or an OCR misreading
    are the innocent explanations).
    """
    rows: list[NumberedLetter] = []
    stored = stored_letter_readings(store, shas)
    for sha in shas:
        reading = stored.get(sha)
        if reading is None:  # not searched when stored: read the report
            report = store.latest_report(sha)
            if report is None:
                continue
            reading = letter_reading(report)
        claims = store.claims(sha)
        office = claims.claims.office if claims is not None else None
        if reading.number is None and reading.date is None:
            continue
        rows.append(
            NumberedLetter(
                sha,
                store.document(sha).original_name,
                office,
                reading.number,
                letter_serial(reading.number),
                reading.date_text,
                reading.date,
            )
        )
    rows.sort(key=lambda r: (r.office or "", r.date or "9999", r.serial or 0))
    out: list[NumberedLetter] = []
    highest: dict[str | None, int] = {}
    for r in rows:
        top = highest.get(r.office)
        back = r.date is not None and r.serial is not None and top is not None and r.serial < top
        if r.date is not None and r.serial is not None:
            highest[r.office] = max(top or 0, r.serial)
        out.append(NumberedLetter(**{**r.__dict__, "backwards": back}))
    return out
