"""Calendars: converting a written date to the Gregorian calendar, and back, and naming it.

Solar Hijri dates go through `jdatetime` (it rejects impossible dates such as 30 Esfand of a
common year), lunar Hijri dates through `hijridate` (the Umm al-Qura calendar; Iran and other
countries follow a sighted calendar that can be a day apart, so a one-day lunar difference
counts as consistent). Pure functions: `workbench.text.dates` finds dates in text and uses
these to convert them; the dates check uses them to name and compare days.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import jdatetime
from hijridate import Gregorian, Hijri


class Calendar(enum.StrEnum):
    """The calendars a date can be written in (values are the report contract's names)."""

    SOLAR_HIJRI = "solar_hijri"
    LUNAR_HIJRI = "lunar_hijri"
    GREGORIAN = "gregorian"


class DateStatus(enum.StrEnum):
    """Whether a written date exists in its calendar."""

    VALID = "valid"  # converted to a Gregorian day
    IMPOSSIBLE = "impossible"  # no such day (month 13, 31 Esfand, 30 Esfand of a common year)
    UNCONVERTIBLE = "unconvertible"  # may exist, but outside what the converter covers


#: Lunar Hijri dates are converted with Umm al-Qura; sighted calendars (Iran's among them)
#: can fall a day earlier or later, so differences up to this many days are consistent.
LUNAR_TOLERANCE_DAYS = 1

#: English weekday names in Python's `date.weekday()` order (Monday is 0).
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: Persian weekday names in the same order, for details a Persian reader checks against the page.
WEEKDAYS_PERSIAN = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")

LUNAR_NOTE = (
    "Converted with the Umm al-Qura calendar; Iran and other countries follow a sighted lunar "
    "calendar whose dates can differ by a day, so a one-day difference is consistent."
)


@dataclass(frozen=True)
class Interpretation:
    """One reading of a written date: its calendar, its fields and what they convert to."""

    calendar: Calendar
    year: int
    month: int
    day: int
    gregorian: dt.date | None
    status: DateStatus
    problem: str | None = None
    note: str | None = None

    @property
    def weekday(self) -> str | None:
        """The English name of the weekday the date falls on (None when not convertible)."""
        return weekday_name(self.gregorian) if self.gregorian else None


_SOLAR_MONTH_NAMES_EN = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)


def weekday_name(day: dt.date) -> str:
    """The English name of the weekday of `day`."""
    return WEEKDAYS[day.weekday()]


def _solar_problem(year: int, month: int, day: int) -> str:
    """Why jdatetime refused a Solar Hijri date, in words a reviewer can check."""
    if not 1 <= month <= 12:
        return f"there is no month {month} in the Solar Hijri calendar (it has 12 months)"
    if day < 1:
        return f"there is no day {day}"
    name = _SOLAR_MONTH_NAMES_EN[month - 1]
    if month == 12:
        leap = jdatetime.date(year, 1, 1).isleap()
        if leap:
            return f"{name} {year} has 30 days"
        return f"{name} {year} has 29 days: {year} is not a leap year"
    length = 31 if month <= 6 else 30
    return f"{name} has {length} days"


def convert(calendar: Calendar, year: int, month: int, day: int) -> Interpretation:
    """Convert a written date to the Gregorian calendar, saying why when it cannot.

    Solar Hijri goes through `jdatetime`, lunar Hijri through `hijridate` (Umm al-Qura,
    1343-1500 AH). A lunar day 30 in a month Umm al-Qura gives 29 days is read as the day
    after the 29th, since a sighted calendar may well have that day; anything else a library
    refuses is `IMPOSSIBLE`, except years outside a library's range (`UNCONVERTIBLE`).
    """

    def refused(status: DateStatus, problem: str) -> Interpretation:
        return Interpretation(calendar, year, month, day, None, status, problem)

    if calendar is Calendar.SOLAR_HIJRI:
        try:
            day_g = jdatetime.date(year, month, day).togregorian()
        except ValueError:
            if not 1 <= year <= 9377:
                return refused(
                    DateStatus.UNCONVERTIBLE, f"year {year} is outside what the converter covers"
                )
            return refused(DateStatus.IMPOSSIBLE, _solar_problem(year, month, day))
        return Interpretation(calendar, year, month, day, day_g, DateStatus.VALID)
    if calendar is Calendar.LUNAR_HIJRI:
        if not 1 <= month <= 12:
            return refused(
                DateStatus.IMPOSSIBLE,
                f"there is no month {month} in the lunar Hijri calendar (it has 12 months)",
            )
        if not 1 <= day <= 30:
            return refused(DateStatus.IMPOSSIBLE, f"a lunar month has 29 or 30 days, not {day}")
        note = None
        try:
            if day == 30 and Hijri(year, month, 1).month_length() == 29:
                day_g = Hijri(year, month, 29).to_gregorian() + dt.timedelta(days=1)
                note = (
                    f"Umm al-Qura gives month {month} of {year} 29 days; day 30 is read as the "
                    "day after the 29th, which a sighted calendar may well have numbered 30."
                )
            else:
                day_g = Hijri(year, month, day).to_gregorian()
        except OverflowError:
            return refused(
                DateStatus.UNCONVERTIBLE,
                f"lunar year {year} is outside the Umm al-Qura tables (1343-1500 AH)",
            )
        except ValueError as exc:
            return refused(DateStatus.IMPOSSIBLE, str(exc))
        gregorian = dt.date.fromordinal(day_g.toordinal())
        return Interpretation(calendar, year, month, day, gregorian, DateStatus.VALID, note=note)
    try:
        return Interpretation(
            calendar, year, month, day, dt.date(year, month, day), DateStatus.VALID
        )
    except ValueError as exc:
        problem = (
            f"there is no month {month} (the Gregorian calendar has 12)"
            if not 1 <= month <= 12
            else f"{exc}"
        )
        status = DateStatus.IMPOSSIBLE if 1 <= year <= 9999 else DateStatus.UNCONVERTIBLE
        return refused(status, problem)


def to_solar_hijri(day: dt.date) -> tuple[int, int, int]:
    """The Solar Hijri (year, month, day) of a Gregorian day."""
    j = jdatetime.date.fromgregorian(date=day)
    return (j.year, j.month, j.day)


def to_lunar_hijri(day: dt.date) -> tuple[int, int, int] | None:
    """The Umm al-Qura lunar Hijri (year, month, day) of a Gregorian day, None out of range."""
    try:
        h = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return None
    return (h.year, h.month, h.day)


def format_date(calendar: Calendar, year: int, month: int, day: int) -> str:
    """A date as ``Solar Hijri 1380/02/24``, for findings' details."""
    names = {
        Calendar.SOLAR_HIJRI: "Solar Hijri",
        Calendar.LUNAR_HIJRI: "lunar Hijri",
        Calendar.GREGORIAN: "Gregorian",
    }
    return f"{names[calendar]} {year:04d}/{month:02d}/{day:02d}"


_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_TO_WESTERN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def persian_digits(value: str) -> str:
    """`value` with Western digits written as Persian digits (for Persian readers)."""
    return value.translate(_TO_PERSIAN)


def western_digits(value: str) -> str:
    """`value` with Persian and Arabic-Indic digits written as Western digits (0-9)."""
    return value.translate(_TO_WESTERN)
