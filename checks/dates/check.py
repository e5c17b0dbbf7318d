"""The ``dates`` check: the dates a document bears, in its calendars, against what is claimed.

Dates are found with `workbench.text.dates` in the document's text (text and HTML documents)
or in the OCR lines of each page (images and PDFs), where each date is mapped back to the
union of its words' boxes. Every date is converted to the Gregorian calendar and checked:
against the claimed date (in the issuer's calendar too), for existence (month 13, 31 Esfand),
against a weekday printed beside it, against the file's own timestamps, for a year written
in another calendar than its month or its place suggests, and for falling on an official
holiday in Iran. Findings say what was read and what it is consistent with; OCR misreadings
and typing slips are named as innocent explanations wherever they could be one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from workbench.check import Check, Layer, LayerKind, Need
from workbench.context import Context
from workbench.errors import ToolUnavailableError, WorkbenchError
from workbench.formats.timestamps import file_timestamps as read_timestamps
from workbench.formats.values import parse_iso
from workbench.model import CheckResult, Finding, Severity
from workbench.text.dates import (
    LUNAR_NOTE,
    LUNAR_TOLERANCE_DAYS,
    WEEKDAYS_PERSIAN,
    Calendar,
    DateStatus,
    find_dates,
    format_date,
    to_solar_hijri,
)

from .found import (
    DATE_LABELS,
    Claimed,
    Located,
    box_of,
    describe,
    document_date,
    entry,
    in_calendar,
    mostly_arabic_script,
    page_text,
    parse_claimed,
    where,
)
from .iran_calendar import iran_holidays

#: Holidays are looked up for these calendars only: Solar and lunar Hijri dates are the ones
#: an Iranian issuer writes, while a Gregorian date may belong to any country.
HOLIDAY_CALENDARS = frozenset({Calendar.SOLAR_HIJRI, Calendar.LUNAR_HIJRI})
#: File timestamps carry a time zone or none; a day either way is not a discrepancy.
TIMESTAMP_TOLERANCE_DAYS = 1

_CALENDAR_NAMES = {
    Calendar.SOLAR_HIJRI: "Solar Hijri",
    Calendar.LUNAR_HIJRI: "lunar Hijri",
    Calendar.GREGORIAN: "Gregorian",
}


def timestamp_days(stamps: Mapping[str, str]) -> dict[str, dt.date]:
    """The day of each file timestamp (its own clock's day), leaving out years before 1900.

    A timestamp before 1900 is a clock never set or a placeholder, not a date to compare.
    """
    out: dict[str, dt.date] = {}
    for name, text in stamps.items():
        when = parse_iso(text)
        if when is not None and when.year >= 1900:
            out[name] = when.date()
    return out


def file_timestamps(data: bytes, properties: dict[str, Any]) -> dict[str, dt.date]:
    """The days the file says it was made or changed: EXIF dates and PDF Info dates.

    Read through the metadata layer (`workbench.formats.timestamps`), as
    `Context.file_timestamps` does for the check; absent or unreadable values are skipped.
    """
    info = properties.get("pdf_info")
    return timestamp_days(read_timestamps(data, info if isinstance(info, Mapping) else None))


def iran_holiday(day: dt.date) -> str | None:
    """The official Iranian holiday on `day`, from the maintained ``holidays`` package.

    Its Iran calendar has the observed dates of the lunar holidays for the years it has
    confirmed and estimates (and says so in the name) for the others; it starts in 1980.
    """
    if day.year < 1980:
        return None
    try:
        table = iran_holidays(day.year)
    except (NotImplementedError, KeyError, ValueError):
        return None
    return table.get(day) or None


class DatesCheck(Check):
    """Dates on the page, converted between calendars and checked against claims and file."""

    name = "dates"
    version = "2"
    title = "Dates, calendars and printed weekdays"
    explanation = (
        "Finds the dates the document bears: Solar Hijri (the calendar of Iranian letters, "
        "with Persian or Western digits, numeric or with month names), lunar Hijri and "
        "Gregorian, with the weekdays printed beside them. It converts each with maintained "
        "calendar libraries and reports a date that differs from the claimed date (compared in "
        "the issuer's calendar too), a date that does not exist (month 13, 30 Esfand of a "
        "common year), a printed weekday that does not fit its date, a date later than the "
        "file's own timestamps, a year written in another calendar than the rest of the date "
        "suggests, and dates on official Iranian holidays. It reads only what OCR or the text "
        "gives: a misread digit changes a date, so every finding should be checked against "
        "the image. Lunar dates are converted with the Umm al-Qura calendar; Iran's sighted "
        "calendar can differ by a day, which is treated as consistent. A date that fits every "
        "check shows only that the date is coherent, not that the document is genuine."
    )
    needs = frozenset({Need.TEXT})
    order = 40
    layers = (
        Layer(
            LayerKind.RESULT_BOXES,
            "Dates found",
            colour=(130, 80, 223),
            rows="found",
            caption=("gregorian", "text"),
        ),
    )

    def run(self, context: Context) -> CheckResult:
        """Find, convert and check every date of the document."""
        doc = context.document
        claims = context.claims
        claimed = parse_claimed(claims.date if claims else None)
        near = claimed.day if claimed else None
        located: list[Located] = []
        texts: list[str] = []
        unread: list[str] = []
        if doc.pages:
            for index in range(len(doc.pages)):
                try:
                    page = context.ocr(index)
                except ToolUnavailableError as exc:
                    return self.skipped(
                        f"Dates are read from OCR text, and OCR is unavailable: {exc}"
                    )
                except WorkbenchError as exc:
                    unread.append(f"page {index + 1}: {exc}")
                    continue
                text, spans = page_text(page)
                texts.append(text)
                for d in find_dates(text, near=near):
                    wbox = box_of(page, spans, *d.weekday_span) if d.weekday_span else None
                    located.append(Located(d, index, box_of(page, spans, d.start, d.end), wbox))
            if unread and not texts:
                return self.error("OCR failed on every page: " + "; ".join(unread))
        else:
            text = doc.text or ""
            if not text.strip():
                return self.skipped("The document has no text to look for dates in.")
            texts.append(text)
            located = [Located(d, None, None, None) for d in find_dates(text, near=near)]

        timestamps = timestamp_days(context.file_timestamps)
        persian = mostly_arabic_script("\n".join(texts))
        main = document_date(located)
        findings: list[Finding] = []
        findings += self._claim_findings(located, main, claimed)
        findings += self._impossible(located)
        findings += self._weekdays(located)
        findings += self._timestamps(located, timestamps)
        findings += self._year_calendar(located, claimed, persian)
        findings += self._holidays(located)
        results: dict[str, Any] = {
            "found": [entry(x) for x in located],
            "document_date": located.index(main) if main else None,
            "claimed": (
                {
                    "value": claimed.raw,
                    "precision": claimed.precision,
                    "solar_hijri": in_calendar(claimed.day, Calendar.SOLAR_HIJRI),
                    "lunar_hijri": in_calendar(claimed.day, Calendar.LUNAR_HIJRI),
                }
                if claimed and claimed.precision == "day"
                else ({"value": claimed.raw, "precision": claimed.precision} if claimed else None)
            ),
            "claim_matches": (any(claimed.matches(x.date) for x in located) if claimed else None),
            "file_timestamps": {k: v.isoformat() for k, v in timestamps.items()},
            "unread_pages": unread,
            "notes": [LUNAR_NOTE],
        }
        message = "; ".join(unread) if unread else None
        return self.ok(findings=findings, results=results, message=message)

    # ----------------------------------------------------------------------------------------

    def _claim_findings(
        self, located: Sequence[Located], main: Located | None, claimed: Claimed | None
    ) -> list[Finding]:
        if claimed is None:
            return []
        if not located:
            return [
                self.finding(
                    "none_found",
                    Severity.INFO,
                    "No date found to compare with the claimed date",
                    f"The claim says the document is dated {claimed.raw}, but no date was "
                    "read from it. The date may be handwritten, stamped, cut off, or misread by "
                    "OCR; compare it by eye.",
                    evidence={"claimed": claimed.raw},
                    checklist=["date.claim"],
                )
            ]
        findings: list[Finding] = []
        valid = [x for x in located if x.date.gregorian is not None]
        labelled = main is not None and main.date.label in DATE_LABELS
        if labelled and main is not None:
            mismatch, target = not claimed.matches(main.date), main
        else:
            mismatch = not any(claimed.matches(x.date) for x in located)
            target = main or (valid[0] if valid else located[0])
        if mismatch:
            d = target.date
            if claimed.precision == "day" and d.gregorian is not None:
                days = (d.gregorian - claimed.day).days
                in_issuer = in_calendar(claimed.day, d.calendar)
                comparison = (
                    f"The claimed date {claimed.raw} is {in_issuer} in the calendar the "
                    "document uses; the two are "
                    f"{abs(days)} day{'s' if abs(days) != 1 else ''} apart (the document's "
                    f"date is {'later' if days > 0 else 'earlier'})."
                )
            else:
                days = None
                comparison = f"The claim is {claimed.raw}."
            others = len(located) - 1
            also = [x.date.text for x in located if x is not target and claimed.matches(x.date)]
            findings.append(
                self.finding(
                    "claim_mismatch",
                    Severity.WARNING,
                    "The document's date differs from the claimed date",
                    f"The document is dated {describe(d)}{where(target)}. {comparison} "
                    + (
                        f"Another date on it, «{also[0]}», does fit the claim: read which date "
                        "is the letter's own. "
                        if also
                        else (
                            f"None of the {others} other date(s) read from it matches the claim "
                            "either. "
                            if others
                            else ""
                        )
                    )
                    + "This is consistent with a wrong claim, a misread digit (check the "
                    "image), or a document of another date than the one described.",
                    page=target.page,
                    regions=target.regions("date"),
                    evidence={
                        "printed": d.text,
                        "calendar": d.calendar.value,
                        "gregorian": d.gregorian.isoformat() if d.gregorian else None,
                        "claimed": claimed.raw,
                        "claimed_in_issuer_calendar": (
                            in_calendar(claimed.day, d.calendar)
                            if claimed.precision == "day"
                            else None
                        ),
                        "difference_days": days,
                    },
                    checklist=["date.claim"],
                )
            )
        if claimed.precision == "day":
            for x in located:
                d = x.date
                g = d.gregorian
                if g is None or claimed.matches(d) or (x is main and findings):
                    continue
                slack = LUNAR_TOLERANCE_DAYS if d.calendar is Calendar.LUNAR_HIJRI else 0
                if (g - claimed.day).days > slack:
                    findings.append(
                        self.finding(
                            "after_claim",
                            Severity.NOTICE,
                            "A date on the document is later than the claimed date",
                            f"{describe(d)}{where(x)} is {(g - claimed.day).days} days after "
                            f"the claimed date {claimed.raw}. A letter cannot report events "
                            "after it was written, but it can name deadlines, planned meetings "
                            "or later annotations (a receipt stamp); read the sentence around it.",
                            page=x.page,
                            regions=x.regions("later date"),
                            evidence={
                                "printed": d.text,
                                "gregorian": g.isoformat(),
                                "claimed": claimed.raw,
                            },
                            checklist=["date.anachronism", "date.claim"],
                        )
                    )
        return findings

    def _impossible(self, located: Iterable[Located]) -> list[Finding]:
        out = []
        for x in located:
            d = x.date
            if d.status is not DateStatus.IMPOSSIBLE:
                continue
            out.append(
                self.finding(
                    "impossible_date",
                    Severity.WARNING,
                    "A date that does not exist in its calendar",
                    f"«{d.text}»{where(x)} reads as "
                    f"{format_date(d.calendar, d.year, d.month, d.day)}, which does not exist: "
                    f"{d.problem}. An issuing office's date stamp or software would not produce "
                    "it; a typing slip or an OCR misreading of one digit can (check the image).",
                    page=x.page,
                    regions=x.regions("impossible date"),
                    evidence={
                        "printed": d.text,
                        "calendar": d.calendar.value,
                        "year": d.year,
                        "month": d.month,
                        "day": d.day,
                        "problem": d.problem,
                    },
                    checklist=["date.claim", "date.weekday"],
                )
            )
        return out

    def _weekdays(self, located: Iterable[Located]) -> list[Finding]:
        out = []
        for x in located:
            d = x.date
            if d.weekday_matches is not False or d.gregorian is None:
                continue
            actual = d.gregorian.weekday()
            lunar = (
                " Lunar dates can be a day off between calendars, so the weekdays either side "
                "were also accepted; this one is further."
                if d.calendar is Calendar.LUNAR_HIJRI
                else ""
            )
            out.append(
                self.finding(
                    "weekday_mismatch",
                    Severity.WARNING,
                    "The printed weekday does not fit the date",
                    f"«{d.printed_weekday_text}» ({d.printed_weekday}) is printed with "
                    f"{describe(d)}{where(x)}, but that day is a {d.weekday} "
                    f"(«{WEEKDAYS_PERSIAN[actual]}»).{lunar} This is consistent with a date or "
                    "a weekday changed after the fact, or with a typing slip or an OCR "
                    "misreading of a digit of the date; check both against the image.",
                    page=x.page,
                    regions=x.regions("date"),
                    evidence={
                        "printed": d.text,
                        "printed_weekday": d.printed_weekday,
                        "printed_weekday_text": d.printed_weekday_text,
                        "actual_weekday": d.weekday,
                        "gregorian": d.gregorian.isoformat(),
                        "calendar": d.calendar.value,
                    },
                    checklist=["date.weekday"],
                )
            )
        return out

    def _timestamps(
        self, located: Iterable[Located], timestamps: dict[str, dt.date]
    ) -> list[Finding]:
        if not timestamps:
            return []
        out = []
        for x in located:
            d = x.date
            if d.gregorian is None:
                continue
            slack = TIMESTAMP_TOLERANCE_DAYS + (
                LUNAR_TOLERANCE_DAYS if d.calendar is Calendar.LUNAR_HIJRI else 0
            )
            earlier = {
                name: day.isoformat()
                for name, day in timestamps.items()
                if (d.gregorian - day).days > slack
            }
            if not earlier:
                continue
            listed = ", ".join(f"{k} {v}" for k, v in earlier.items())
            out.append(
                self.finding(
                    "after_file_timestamp",
                    Severity.WARNING,
                    "A date on the page is later than the file's own timestamps",
                    f"{describe(d)}{where(x)} is later than the file's {listed}: the image "
                    "or file would have been made before the date written on it. Innocent "
                    "explanations: a camera or scanner clock that was wrong or never set, or "
                    "metadata rewritten by software; a document dated in advance is rare.",
                    page=x.page,
                    regions=x.regions("date"),
                    evidence={
                        "printed": d.text,
                        "gregorian": d.gregorian.isoformat(),
                        "timestamps": earlier,
                    },
                    checklist=["date.anachronism", "meta.timeline"],
                )
            )
        return out

    def _year_calendar(
        self, located: Sequence[Located], claimed: Claimed | None, persian: bool
    ) -> list[Finding]:
        out = []
        solar_month_days = set()
        if claimed and claimed.precision == "day":
            solar_month_days.add(to_solar_hijri(claimed.day)[1:])
        for x in located:
            if x.date.calendar is Calendar.SOLAR_HIJRI and x.date.gregorian:
                solar_month_days.add((x.date.month, x.date.day))
        for x in located:
            d = x.date
            if d.year_looks_like is not None:
                reason = (
                    f"its year {d.year} looks {_CALENDAR_NAMES[d.year_looks_like]} while "
                    f"{'its marker' if d.form != 'month_name' else 'its month name'} says "
                    f"{_CALENDAR_NAMES[d.calendar]}"
                )
            elif (
                persian
                and d.calendar is Calendar.GREGORIAN
                and d.form != "month_name"
                and d.label in DATE_LABELS
            ):
                reason = (
                    f"it stands under the label «{d.label}», where a Persian letter prints its "
                    f"Solar Hijri date, but its year {d.year} is Gregorian"
                )
            else:
                continue
            same = (d.month, d.day) in solar_month_days and d.calendar is Calendar.GREGORIAN
            hint = (
                " Its month and day are those of the Solar Hijri date"
                + (" of the claim" if claimed else "")
                + " (or of another date on the page): consistent with a Solar Hijri date whose "
                "year was replaced by the Gregorian one."
                if same
                else ""
            )
            out.append(
                self.finding(
                    "year_calendar",
                    Severity.NOTICE,
                    "A year written in another calendar than the date around it",
                    f"{describe(d)}{where(x)}: {reason}.{hint} Translators and some offices "
                    "do mix calendars, and OCR can misread a year; still, an issuer writes its "
                    "dates one way, so compare with genuine letters of the same office.",
                    page=x.page,
                    regions=x.regions("date"),
                    evidence={
                        "printed": d.text,
                        "calendar": d.calendar.value,
                        "year": d.year,
                        "year_looks_like": d.year_looks_like.value if d.year_looks_like else None,
                        "label": d.label,
                    },
                    checklist=["date.claim", "date.anachronism"],
                )
            )
        return out

    def _holidays(self, located: Iterable[Located]) -> list[Finding]:
        out = []
        seen: set[dt.date] = set()
        for x in located:
            d = x.date
            g = d.gregorian
            if g is None or d.calendar not in HOLIDAY_CALENDARS or g in seen:
                continue
            seen.add(g)
            holiday = iran_holiday(g)
            friday = g.weekday() == 4
            if holiday is None and not friday:
                continue
            what = f"an official holiday in Iran ({holiday})" if holiday else ""
            if friday:
                what += (" and " if what else "") + "a Friday, Iran's weekly day off"
            estimated = (
                " The holiday's date is estimated for that year."
                if holiday and "estimated" in holiday
                else ""
            )
            out.append(
                self.finding(
                    "holiday",
                    Severity.INFO,
                    "The date falls on a day off in Iran",
                    f"{describe(d)}{where(x)} is {what}.{estimated} Offices do issue letters "
                    "on such days, and lunar holidays move by a day between the Umm al-Qura and "
                    "Iran's sighted calendar, so this is a weak flag, never a conclusion.",
                    page=x.page,
                    regions=x.regions("date"),
                    evidence={
                        "printed": d.text,
                        "gregorian": g.isoformat(),
                        "holiday": holiday,
                        "friday": friday,
                    },
                    checklist=["date.weekday"],
                )
            )
        return out
