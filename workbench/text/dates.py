"""Finding dates and printed weekdays in Persian, Arabic and English text, and converting them.

Persian official letters are dated in the Solar Hijri (Jalali) calendar, usually with Persian
digits («۱۳۸۰/۰۲/۲۴»); religious and Arabic documents use the lunar Hijri calendar
(«۲۰ صفر ۱۴۲۲ ه.ق»); translations and web pages add Gregorian dates («14 May 2001»,
«۱۴ مه ۲۰۰۱»). `find_dates` finds all three in one pass, in text typed by a person or read by
OCR (mixed digit systems, right-to-left marks, stray spaces, missing separators), attaches a
printed weekday to the date it qualifies, and converts each date with a maintained library:
`jdatetime` for Solar Hijri (it rejects impossible dates such as 30 Esfand of a common year)
and `hijridate` for lunar Hijri (the Umm al-Qura calendar; Iran and other countries follow a
sighted calendar that can be a day apart, so a one-day lunar difference counts as consistent).

Everything here is a pure function of its text argument; spans index the text as given.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from workbench.text import date_patterns as patterns
from workbench.text.calendars import (
    LUNAR_NOTE,
    LUNAR_TOLERANCE_DAYS,
    WEEKDAYS,
    WEEKDAYS_PERSIAN,
    Calendar,
    DateStatus,
    Interpretation,
    convert,
    format_date,
    persian_digits,
    to_lunar_hijri,
    to_solar_hijri,
    weekday_name,
    western_digits,
)
from workbench.text.date_patterns import normalize

# The calendar names are re-exported: callers import dates and their conversion from here.
__all__ = [
    "LUNAR_NOTE",
    "LUNAR_TOLERANCE_DAYS",
    "WEEKDAYS",
    "WEEKDAYS_PERSIAN",
    "Calendar",
    "DateStatus",
    "FoundDate",
    "Interpretation",
    "convert",
    "find_dates",
    "find_weekdays",
    "format_date",
    "normalize",
    "persian_digits",
    "to_lunar_hijri",
    "to_solar_hijri",
    "weekday_name",
    "western_digits",
]


@dataclass(frozen=True)
class FoundDate:
    """A date found in text, as printed, with its reading and conversion.

    Attributes:
        text: the date exactly as it stands in the text (marker included, weekday not).
        start, end: its span in the text.
        calendar, year, month, day: the reading chosen (see `ambiguous` and `alternatives`).
        gregorian: the same day in the Gregorian calendar; None when impossible or outside
            what the converter covers (`status` tells which, `problem` says why).
        form: ``numeric``, ``numeric_day_first``, ``numeric_unseparated`` or ``month_name``.
        marker: the calendar marker printed after the year («ه.ق», «ه.ش», «م»), if any.
        label: the label printed just before the date («تاریخ», «مورخ», «Date»), if any.
        year_looks_like: the calendar the year's value alone suggests when it differs from
            `calendar` (a Gregorian-looking 2001 with a Solar Hijri month name, 1380 with an
            English month name), else None.
        ambiguous: whether another calendar or field order reads the same text; the other
            readings are in `alternatives`, and `reason` says what decided.
        printed_weekday: the English name of a weekday printed with the date, if any, with
            its text and span in `printed_weekday_text` and `weekday_span`.
        notes: caveats a reviewer should read (lunar calendars, missing separators...).

    """

    text: str
    start: int
    end: int
    calendar: Calendar
    year: int
    month: int
    day: int
    gregorian: dt.date | None
    status: DateStatus
    form: str
    problem: str | None = None
    marker: str | None = None
    label: str | None = None
    year_looks_like: Calendar | None = None
    ambiguous: bool = False
    reason: str | None = None
    alternatives: tuple[Interpretation, ...] = ()
    printed_weekday: str | None = None
    printed_weekday_text: str | None = None
    weekday_span: tuple[int, int] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def weekday(self) -> str | None:
        """The English name of the weekday the date really falls on, or None."""
        return weekday_name(self.gregorian) if self.gregorian else None

    @property
    def weekday_matches(self) -> bool | None:
        """Whether the printed weekday fits the date (None when either is unknown).

        A lunar Hijri date also fits a weekday one day either side, since sighted calendars
        can differ from Umm al-Qura by a day.
        """
        if self.printed_weekday is None or self.gregorian is None:
            return None
        printed = WEEKDAYS.index(self.printed_weekday)
        actual = self.gregorian.weekday()
        if self.calendar is Calendar.LUNAR_HIJRI:
            return (printed - actual) % 7 in (0, 1, 6)
        return printed == actual

    def interpretations(self) -> tuple[Interpretation, ...]:
        """The chosen reading followed by the alternatives."""
        chosen = Interpretation(
            self.calendar,
            self.year,
            self.month,
            self.day,
            self.gregorian,
            self.status,
            self.problem,
        )
        return (chosen, *self.alternatives)

    def covers(self, day: dt.date, *, tolerance_days: int | None = None) -> bool:
        """Whether any reading of this date falls on `day` (lunar readings within a day)."""
        for reading in self.interpretations():
            if reading.gregorian is None:
                continue
            tolerance = tolerance_days
            if tolerance is None:
                lunar = reading.calendar is Calendar.LUNAR_HIJRI
                tolerance = LUNAR_TOLERANCE_DAYS if lunar else 0
            if abs((reading.gregorian - day).days) <= tolerance:
                return True
        return False


# --------------------------------------------------------------------------------------------
# Finding.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Weekday:
    number: int
    start: int  # normalised indices
    end: int


@dataclass
class _Candidate:
    start: int  # normalised indices
    end: int
    readings: list[Interpretation]
    form: str
    priority: int  # lower wins among overlapping candidates of equal length
    marker: str | None = None
    year_looks_like: Calendar | None = None
    reason: str | None = None
    notes: list[str] = field(default_factory=list)


def _digits(value: str) -> int:
    return int(value.replace(" ", ""))


def _year_calendars(year: int) -> tuple[Calendar, ...]:
    """Calendars a bare four-digit year plausibly belongs to, most likely first."""
    if 1800 <= year <= 2099:
        return (Calendar.GREGORIAN,)
    if 1300 <= year <= 1399:
        return (Calendar.SOLAR_HIJRI,)
    if 1400 <= year <= 1499:
        return (Calendar.SOLAR_HIJRI, Calendar.LUNAR_HIJRI)
    return ()


def _marker_calendar(match: re.Match[str]) -> tuple[Calendar | None, str | None]:
    for group, calendar in (
        ("lunar", Calendar.LUNAR_HIJRI),
        ("solar", Calendar.SOLAR_HIJRI),
        ("greg", Calendar.GREGORIAN),
    ):
        value = match.group(group)
        if value:
            return calendar, value
    return None, None


def _numeric(match: re.Match[str], form: str, priority: int) -> _Candidate | None:
    year, month, day = (_digits(match.group(g)) for g in ("y", "m", "d"))
    marked, marker = _marker_calendar(match)
    end = match.end() if marker else match.end("d" if form != "numeric_day_first" else "y")
    unseparated = form == "numeric_unseparated"
    if marked is not None:
        calendars: tuple[Calendar, ...] = (marked,)
        reason = f"the marker «{marker}» after the year"
    else:
        calendars = _year_calendars(year)
        reason = "the year's range"
        if not calendars:
            return None
    month_first_possible = calendars[0] is Calendar.GREGORIAN and form == "numeric_day_first"
    if (month > 19 or day > 39) and not (month_first_possible and day <= 12):
        return None  # neither a date nor a misprinted one (letter numbers also look a/b/c)
    readings: list[Interpretation] = []
    for calendar in calendars:
        if calendar is Calendar.GREGORIAN and form == "numeric_day_first":
            day_first = convert(calendar, year, month, day)
            month_first = convert(calendar, year, day, month)
            if month <= 12 and day <= 12 and month != day:
                readings += [day_first, month_first]
                reason = "day-first order, the usual one outside the United States"
            elif day_first.status is DateStatus.VALID or month_first.status is not DateStatus.VALID:
                readings.append(day_first)
            else:
                readings.append(month_first)
                reason = "the only field order that gives a real date (month first)"
        else:
            readings.append(convert(calendar, year, month, day))
    if unseparated and readings[0].status is not DateStatus.VALID:
        return None  # too weak to call an impossible date
    candidate = _Candidate(
        start=match.start(),
        end=end,
        readings=readings,
        form=form,
        priority=priority,
        marker=marker,
        reason=reason,
    )
    if marked is not None and _year_calendars(year) and marked not in _year_calendars(year):
        candidate.year_looks_like = _year_calendars(year)[0]
    if unseparated:
        ones = [g for g in ("s1", "s2") if match.group(g) == "1"]
        if ones:
            candidate.notes.append(
                "A digit 1 was read as a separator («۱» and «/» look alike, and OCR confuses "
                "them); the split into year, month and day is a reading, not a certainty."
            )
        else:
            candidate.notes.append(
                "Written without separators (or OCR lost them); the split into year, month "
                "and day is a reading, not a certainty."
            )
    return candidate


def _named_candidate(
    match: re.Match[str], calendar: Calendar, keys: dict[str, int], priority: int
) -> _Candidate | None:
    month = keys.get(patterns.name_key(match.group("month")))
    if month is None:
        return None
    year, day = _digits(match.group("y")), _digits(match.group("d"))
    marked, marker = _marker_calendar(match)
    end = match.end() if marker else match.end("y")
    candidate = _Candidate(
        start=match.start(),
        end=end,
        readings=[convert(calendar, year, month, day)],
        form="month_name",
        priority=priority,
        marker=marker,
        reason="the month's name",
    )
    by_year = _year_calendars(year)
    if by_year and calendar not in by_year:
        candidate.year_looks_like = by_year[0]
    elif not by_year and calendar is not Calendar.LUNAR_HIJRI and not 1000 <= year <= 2200:
        return None
    if marked is not None and marked is not calendar:
        candidate.notes.append(
            f"The marker «{marker}» names another calendar than the month's name "
            f"({calendar.value.replace('_', ' ')})."
        )
    return candidate


def _candidates(norm: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    named = (
        (patterns.SOLAR_NAMED, Calendar.SOLAR_HIJRI, patterns.SOLAR_KEYS),
        (patterns.LUNAR_NAMED, Calendar.LUNAR_HIJRI, patterns.LUNAR_KEYS),
        (patterns.GREG_NAMED, Calendar.GREGORIAN, patterns.GREGORIAN_KEYS),
        (patterns.GREG_MDY, Calendar.GREGORIAN, patterns.GREGORIAN_KEYS),
    )
    for priority, (pattern, calendar, keys) in enumerate(named):
        for m in pattern.finditer(norm):
            c = _named_candidate(m, calendar, keys, priority)
            if c is not None:
                found.append(c)
    numeric = (
        (patterns.YMD, "numeric", 10),
        (patterns.DMY, "numeric_day_first", 11),
        (patterns.YMD_COMPACT, "numeric_unseparated", 12),
    )
    for pattern, form, priority in numeric:
        for m in pattern.finditer(norm):
            c = _numeric(m, form, priority)
            if c is not None:
                found.append(c)
    # Longest first, then by priority; drop candidates overlapping one already kept.
    found.sort(key=lambda c: (-(c.end - c.start), c.priority, c.start))
    kept = _Spans()
    for c in found:
        if not kept.overlaps(c.start, c.end):
            kept.add(c.start, c.end, c)
    return kept.items


class _Spans:
    """Non-overlapping spans kept in text order, tested for overlap by bisection.

    A page of repeated dates has tens of thousands of candidates: comparing each with every
    span kept so far was quadratic (a minute for 20,000 dates).
    """

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.items: list[_Candidate] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a kept span."""
        i = bisect.bisect_right(self.starts, start)
        # the span starting at or before `start`, and the first one starting after it
        return (i > 0 and self.ends[i - 1] > start) or (
            i < len(self.starts) and self.starts[i] < end
        )

    def add(self, start: int, end: int, item: _Candidate) -> None:
        """Keep a span that overlaps none kept."""
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        self.items.insert(i, item)


def find_weekdays(text: str) -> list[tuple[str, int, int]]:
    """Printed weekday names in `text`: (English name, start, end), spans in `text`."""
    norm, index = normalize(text)
    return [(WEEKDAYS[w.number], index[w.start], index[w.end - 1] + 1) for w in _weekdays(norm)]


def _weekdays(norm: str) -> list[_Weekday]:
    out: list[_Weekday] = []
    for m in patterns.WEEKDAY.finditer(norm):
        name = m.group("name")
        number = patterns.WEEKDAY_KEYS.get(patterns.name_key(name))
        if number is None:
            continue
        if name.isascii() and len(name) <= 4 and not name[0].isupper():
            continue  # "sun", "sat", "wed" in running English are words, not weekdays
        out.append(_Weekday(number, m.start(), m.end("name")))
    return out


def _choose(candidate: _Candidate, near: dt.date | None) -> tuple[Interpretation, str | None]:
    """The reading to report first: the one nearest `near` when given, else the first."""
    readings = candidate.readings
    if near is None or len(readings) == 1:
        return readings[0], candidate.reason
    valid = [r for r in readings if r.gregorian is not None]
    if not valid:
        return readings[0], candidate.reason
    best = min(valid, key=lambda r: abs((r.gregorian - near).days))  # type: ignore[operator]
    return best, "the reading nearest the claimed date"


def find_dates(text: str, *, near: dt.date | None = None) -> list[FoundDate]:
    """Every date in `text`, in order, converted, with the printed weekday attached.

    Args:
        text: typed or OCR text in Persian, Arabic or English (any digit system).
        near: a date the document is expected to bear (the claimed date). Ambiguous dates (a
            year 14xx with no calendar marker is Solar Hijri 2021-2121 or lunar 1979-2077;
            «05/06/2001» is 5 June or 6 May) report first the reading nearest it; without it,
            Solar Hijri and day-first are preferred. Either way `ambiguous` is set and the
            other readings are kept in `alternatives`.

    Returns:
        The dates in text order. Years with no plausible calendar (a letter number such as
        «۱۲۳۴/۵۶/۷۸») are not dates; impossible dates («۱۳۸۰/۱۳/۰۵», «۳۰ اسفند ۱۴۰۰») are
        returned with `gregorian` None and the reason in `problem`.

    """
    if not text:
        return []
    norm, index = normalize(text)
    candidates = _candidates(norm)
    spans = _Spans()
    for c in candidates:
        spans.add(c.start, c.end, c)
    weekdays = [w for w in _weekdays(norm) if not spans.overlaps(w.start, w.end)]
    weekday_starts = [w.start for w in weekdays]
    weekday_ends = [w.end for w in weekdays]
    attached: dict[int, _Weekday] = {}
    used: set[int] = set()
    # A weekday before the date first («دوشنبه ۲۴ اردیبهشت»), then one after («... (Monday)»).
    # Only weekdays ending within 40 characters before the date can attach, so only those are
    # looked at (by bisection): the text between may not be sliced for every pair.
    for ci, c in enumerate(candidates):
        lo = bisect.bisect_left(weekday_ends, c.start - 40)
        hi = bisect.bisect_right(weekday_ends, c.start)
        before = [
            (wi, weekdays[wi])
            for wi in range(lo, hi)
            if wi not in used and patterns.GAP_BEFORE.match(norm[weekdays[wi].end : c.start])
        ]
        if before:
            wi, w = before[-1]
            attached[ci] = w
            used.add(wi)
    for ci, c in enumerate(candidates):
        if ci in attached:
            continue
        for wi in range(bisect.bisect_left(weekday_starts, c.end), len(weekdays)):
            w = weekdays[wi]
            if w.start - c.end > 12:
                break  # too far to attach, and so is every later one
            if wi in used:
                continue
            gap = norm[c.end : w.start]
            if len(gap) <= 12 and patterns.GAP_AFTER.match(gap):
                attached[ci] = w
                used.add(wi)
            break

    results: list[FoundDate] = []
    for ci, c in enumerate(candidates):
        chosen, reason = _choose(c, near)
        alternatives = tuple(r for r in c.readings if r is not chosen)
        start, end = index[c.start], index[c.end - 1] + 1
        notes = list(c.notes)
        if chosen.note:
            notes.append(chosen.note)
        if chosen.calendar is Calendar.LUNAR_HIJRI or any(
            a.calendar is Calendar.LUNAR_HIJRI for a in alternatives
        ):
            notes.append(LUNAR_NOTE)
        if alternatives:
            others = ", ".join(
                f"{a.calendar.value} {a.year:04d}-{a.month:02d}-{a.day:02d}"
                + (f" = {a.gregorian.isoformat()}" if a.gregorian else " (impossible)")
                for a in alternatives
            )
            notes.append(f"Ambiguous: also readable as {others}; chosen by {reason}.")
        label_match = patterns.LABEL.search(norm[max(0, c.start - 20) : c.start])
        weekday = attached.get(ci)
        results.append(
            FoundDate(
                text=text[start:end],
                start=start,
                end=end,
                calendar=chosen.calendar,
                year=chosen.year,
                month=chosen.month,
                day=chosen.day,
                gregorian=chosen.gregorian,
                status=chosen.status,
                problem=chosen.problem,
                form=c.form,
                marker=c.marker,
                label=label_match.group("label") if label_match else None,
                year_looks_like=c.year_looks_like,
                ambiguous=bool(alternatives),
                reason=reason,
                alternatives=alternatives,
                printed_weekday=WEEKDAYS[weekday.number] if weekday else None,
                printed_weekday_text=(
                    text[index[weekday.start] : index[weekday.end - 1] + 1] if weekday else None
                ),
                weekday_span=(
                    (index[weekday.start], index[weekday.end - 1] + 1) if weekday else None
                ),
                notes=tuple(notes),
            )
        )
    return results
