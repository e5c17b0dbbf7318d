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
import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import jdatetime
from hijridate import Gregorian, Hijri

__all__ = [
    "LUNAR_TOLERANCE_DAYS",
    "WEEKDAYS",
    "Calendar",
    "DateStatus",
    "FoundDate",
    "Interpretation",
    "convert",
    "find_dates",
    "find_weekdays",
    "normalize",
    "to_lunar_hijri",
    "to_solar_hijri",
    "weekday_name",
]


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

# --------------------------------------------------------------------------------------------
# Normalisation: one comparable form for the many ways the same date is typed or OCR-read.
# --------------------------------------------------------------------------------------------

_DROP = frozenset(
    "\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    "\u0640"  # tatweel, as in «هـ ق»
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670"  # harakat
)
_MAP: dict[str, str] = {
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0626": "\u06cc",  # yeh with hamza -> yeh (ژوئن / ژوین)
    "\u0643": "\u06a9",  # Arabic kaf -> Persian kaf
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c0": "\u0647",  # heh with yeh above -> heh
    "\u06d5": "\u0647",  # ae -> heh
    "\u0623": "\u0627",  # alef with hamza above
    "\u0625": "\u0627",  # alef with hamza below
    "\u0622": "\u0627",  # alef with madda
    "\u0671": "\u0627",  # alef wasla
    "\u0624": "\u0648",  # waw with hamza
    "\u066b": "/",  # Arabic decimal separator, OCR'd between date parts
    "\u060d": "/",  # Arabic date separator
    "\u2044": "/",  # fraction slash
    "\u2215": "/",  # division slash
    "\u066c": ",",  # Arabic thousands separator
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00ad": "",
}


def normalize(text: str) -> tuple[str, list[int]]:
    """A matching form of `text` and, for each of its characters, the index it came from.

    Digits of every system become ASCII, Arabic letter forms become Persian ones (ي→ی, ك→ک,
    ة→ه, hamza-carrying alefs→ا), right-to-left marks, tatweel and vowel marks are dropped,
    dashes and slashes are unified and Unicode spaces become plain spaces (newlines are kept).
    The index list maps every normalised character back into `text`, so matches found in the
    normalised form report spans of the text as printed.
    """
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        mapped = _MAP.get(ch)
        if mapped is None:
            if ch in "\n\r":
                mapped = "\n"
            elif ch != "\u200c" and (ch.isspace() or unicodedata.category(ch) == "Zs"):
                mapped = " "
            else:
                mapped = ch
        for m in mapped:
            out.append(m)
            index.append(i)
    return "".join(out), index


def _key(name: str) -> str:
    """Lookup key of a month or weekday name: normalised, lower-case, no spaces or ZWNJ."""
    norm, _ = normalize(name)
    return re.sub(r"[\s\u200c.]+", "", norm).lower()


def _alternation(names: Iterable[str]) -> str:
    """A regex alternation of `names` (normalised; spaces/ZWNJ between parts made optional)."""
    patterns = set()
    for name in names:
        norm, _ = normalize(name)
        parts = [re.escape(p) for p in re.split(r"[\s\u200c]+", norm.strip()) if p]
        patterns.add(r"[\s\u200c]*".join(parts))
    return "|".join(sorted(patterns, key=len, reverse=True))


# --------------------------------------------------------------------------------------------
# Names of months and weekdays, with the spellings met in print and in OCR output.
# --------------------------------------------------------------------------------------------

_SOLAR_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("فروردین",),
    2: ("اردیبهشت", "اردی بهشت", "ارديبهشت"),
    3: ("خرداد",),
    4: ("تیر",),
    5: ("مرداد", "امرداد"),
    6: ("شهریور",),
    7: ("مهر",),
    8: ("آبان",),
    9: ("آذر",),
    10: ("دی",),
    11: ("بهمن",),
    12: ("اسفند", "اسپند"),
}

_LUNAR_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("محرم", "محرم الحرام", "المحرم"),
    2: ("صفر", "صفر المظفر", "صفر الخیر"),
    3: ("ربیع الاول", "ربیع الأول", "ربیع الاوّل", "ربیع اول", "ربیع ۱"),
    4: ("ربیع الثانی", "ربیع الآخر", "ربیع الاخر", "ربیع الثانیه", "ربیع دوم", "ربیع ۲"),
    5: ("جمادی الاولی", "جمادی الأولى", "جمادی الاول", "جمادی الأول", "جمادی اول"),
    6: (
        "جمادی الثانیه",
        "جمادی الثانی",
        "جمادی الآخره",
        "جمادی الآخرة",
        "جمادی الاخری",
        "جمادی الآخر",
        "جمادی دوم",
    ),
    7: ("رجب", "رجب المرجب"),
    8: ("شعبان", "شعبان المعظم"),
    9: ("رمضان", "رمضان المبارک", "ماه رمضان"),
    10: ("شوال", "شوّال", "شوال المکرم"),
    11: ("ذی القعده", "ذیقعده", "ذوالقعده", "ذو القعدة", "ذی القعدة", "ذیالقعده"),
    12: ("ذی الحجه", "ذیحجه", "ذوالحجه", "ذو الحجة", "ذی الحجة", "ذیالحجه"),
}

_GREGORIAN_MONTHS: dict[int, tuple[str, ...]] = {
    # English, Persian transliterations, Arabic (Egyptian/Gulf) and Levantine (Syriac) names.
    1: ("january", "jan", "ژانویه", "ژانویهٔ", "جنوری", "ینایر", "يناير", "کانون الثانی"),
    2: ("february", "feb", "فوریه", "فبرایر", "فبراير", "شباط"),
    3: ("march", "mar", "مارس", "مارچ", "آذار"),
    4: ("april", "apr", "آوریل", "آپریل", "اپریل", "أبريل", "ابریل", "نیسان"),
    5: ("may", "مه", "می", "مای", "مایو", "مايو", "أيار", "ایار"),
    6: ("june", "jun", "ژوئن", "ژوين", "جون", "یونیو", "يونيو", "حزیران"),
    7: ("july", "jul", "ژوئیه", "ژوییه", "جولای", "یولیو", "يوليو", "تموز"),
    8: ("august", "aug", "اوت", "آگوست", "اگوست", "اغسطس", "أغسطس", "آب"),
    9: ("september", "sep", "sept", "سپتامبر", "سبتمبر", "أیلول", "ایلول"),
    10: ("october", "oct", "اکتبر", "أکتوبر", "اکتوبر", "تشرین الأول", "تشرین الاول"),
    11: ("november", "nov", "نوامبر", "نوفمبر", "تشرین الثانی"),
    12: ("december", "dec", "دسامبر", "دیسمبر", "ديسمبر", "کانون الأول", "کانون الاول"),
}

_WEEKDAY_NAMES: dict[int, tuple[str, ...]] = {
    # Python weekday numbers: Monday is 0. Persian, Arabic (with and without the article), English.
    0: ("دوشنبه", "دو شنبه", "الاثنین", "الإثنین", "اثنین", "monday", "mon"),
    1: ("سه شنبه", "سهشنبه", "سه‌شنبه", "الثلاثاء", "الثلثاء", "ثلاثاء", "tuesday", "tue", "tues"),
    2: ("چهارشنبه", "چهار شنبه", "چارشنبه", "الأربعاء", "الاربعاء", "اربعاء", "wednesday", "wed"),
    3: ("پنجشنبه", "پنج شنبه", "الخمیس", "خمیس", "thursday", "thu", "thur", "thurs"),
    4: ("جمعه", "آدینه", "الجمعة", "friday", "fri"),
    5: ("شنبه", "السبت", "saturday", "sat"),
    6: ("یکشنبه", "یک شنبه", "الأحد", "الاحد", "sunday", "sun"),
}


def _lookup(table: dict[int, tuple[str, ...]]) -> dict[str, int]:
    return {_key(name): number for number, names in table.items() for name in names}


_SOLAR_KEYS = _lookup(_SOLAR_MONTHS)
_LUNAR_KEYS = _lookup(_LUNAR_MONTHS)
_GREGORIAN_KEYS = _lookup(_GREGORIAN_MONTHS)
_WEEKDAY_KEYS = _lookup(_WEEKDAY_NAMES)

# --------------------------------------------------------------------------------------------
# Patterns (over the normalised text: ASCII digits, Persian letter forms).
# --------------------------------------------------------------------------------------------

_END = r"(?![^\W\d_]|\u200c)"  # not followed by a letter or a joined suffix
_START = r"(?<![^\W\d_])"
_SEP = r"[/\-.\\]"
_Y = r"\d(?: ?\d){3}"  # four digits; OCR sometimes splits a number with a space
_MD = r"\d(?: ?\d)?"  # one or two digits

# Calendar markers written after a year: «ه.ق», «هـ ق», «قمری», «ه.ش», «شمسی», «م», «AD»...
_LUNAR_MARK = "|".join(
    (
        r"ه\s*\.?\s*ق\b\.?",
        r"هجری\s*قمری",
        "قمری",
        r"ق\s*\.?\s*ه\b\.?",
        r"a\.?\s?h\b\.?",
        r"ه(?![^\W\d_]|\s*\.?\s*[قش](?![^\W\d_]))",  # «هـ» alone: Hijri, in Arabic use
        r"ق(?![^\W\d_])",
    )
)
_SOLAR_MARK = "|".join(
    (
        r"ه\s*\.?\s*ش\b\.?",
        r"هجری\s*شمسی",
        r"هجری\s*خورشیدی",
        "شمسی",
        "خورشیدی",
        r"ش(?![^\W\d_])",
        r"s\.?\s?h\b\.?",
        r"a\.?\s?p\b\.?",
    )
)
_GREG_MARK = r"میلادی|م(?![^\W\d_])|a\.?\s?d\b\.?|c\.?\s?e\b\.?"
_MARKER = (
    rf"(?:[ ,،]*(?:(?P<lunar>{_LUNAR_MARK})|(?P<solar>{_SOLAR_MARK})|(?P<greg>{_GREG_MARK})))?"
)

_YMD = re.compile(
    rf"(?<![\d/.\-])(?P<y>{_Y})\s*{_SEP}\s*(?P<m>{_MD})\s*{_SEP}\s*(?P<d>{_MD})(?![\d])" + _MARKER,
    re.IGNORECASE,
)
_DMY = re.compile(
    rf"(?<![\d/.\-])(?P<d>{_MD})\s*{_SEP}\s*(?P<m>{_MD})\s*{_SEP}\s*(?P<y>{_Y})(?![\d])" + _MARKER,
    re.IGNORECASE,
)
# Separators lost in OCR or typing («13800224», «1380 02 24», «138002/24»), or read as the
# digit one, which a Persian «۱» resembles a slash closely enough to be confused with
# («۱۳۸۰۱۰۲/۲۴» for «۱۳۸۰/۰۲/۲۴»).
_YMD_COMPACT = re.compile(
    rf"(?<![\d/.\-])(?P<y>1[34]\d\d|19\d\d|20\d\d) ?(?P<s1>{_SEP}|1)? ?(?P<m>\d\d)"
    rf" ?(?P<s2>{_SEP}|1)? ?(?P<d>\d\d)(?![\d/])" + _MARKER,
    re.IGNORECASE,
)


def _named(months: str) -> re.Pattern[str]:
    """Day, month name and year: «۲۴ اردیبهشت‌ماه ۱۳۸۰», «20 صفر سنة 1422 هـ», «14 May 2001»."""
    return re.compile(
        rf"(?<!\d)(?P<d>{_MD})(?:st|nd|rd|th|ام|م|ُم)?\s*[-/]?\s*(?:ماه[\s\u200c]*)?"
        rf"{_START}(?P<month>{months})(?:[ \u200c]*ماه)?{_END}"
        rf"\s*[,،]?\s*[-/]?\s*(?:(?:سال|سنه|of)\s*)?(?P<y>{_Y})(?!\d)" + _MARKER,
        re.IGNORECASE,
    )


_SOLAR_NAMED = _named(_alternation(n for ns in _SOLAR_MONTHS.values() for n in ns))
_LUNAR_NAMED = _named(_alternation(n for ns in _LUNAR_MONTHS.values() for n in ns))
_GREG_NAMED = _named(_alternation(n for ns in _GREGORIAN_MONTHS.values() for n in ns))
_ENGLISH_MONTHS = _alternation(n for ns in _GREGORIAN_MONTHS.values() for n in ns if n.isascii())
_GREG_MDY = re.compile(
    rf"{_START}(?P<month>{_ENGLISH_MONTHS})"
    rf"\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<y>{_Y})(?!\d)" + _MARKER,
    re.IGNORECASE,
)
_WEEKDAY = re.compile(
    rf"{_START}(?P<name>{_alternation(n for ns in _WEEKDAY_NAMES.values() for n in ns)}){_END}\.?",
    re.IGNORECASE,
)
#: Words that may stand between a weekday and the date it qualifies, and a label before a date.
_LINK = "|".join(
    (
        "مورخه",
        "مورخ",
        "روز",
        "بتاریخ",
        r"به[\s\u200c]*تاریخ",
        "تاریخ",
        r"برابر[\s\u200c]*با",
        r"مطابق[\s\u200c]*با",
        "الموافق",
        "the",
        "on",
        "dated",
    )
)
_PUNCT = r"[\s,،:;()\[\]\-.]*"
_GAP_BEFORE = re.compile(rf"^{_PUNCT}(?:(?:{_LINK}){_PUNCT})*$", re.IGNORECASE)
_GAP_AFTER = re.compile(r"^[\s,،:;()\[\]\-.]*(?:روز[\s,،:;()\-.]*)?$")
_LABEL = re.compile(
    r"(?P<label>تاریخ|التاریخ|مورخه|مورخ|date|dated)\s*[:：\-]?\s*$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------
# Results.
# --------------------------------------------------------------------------------------------


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
# Conversion.
# --------------------------------------------------------------------------------------------

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
    month = keys.get(_key(match.group("month")))
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
        (_SOLAR_NAMED, Calendar.SOLAR_HIJRI, _SOLAR_KEYS),
        (_LUNAR_NAMED, Calendar.LUNAR_HIJRI, _LUNAR_KEYS),
        (_GREG_NAMED, Calendar.GREGORIAN, _GREGORIAN_KEYS),
        (_GREG_MDY, Calendar.GREGORIAN, _GREGORIAN_KEYS),
    )
    for priority, (pattern, calendar, keys) in enumerate(named):
        for m in pattern.finditer(norm):
            c = _named_candidate(m, calendar, keys, priority)
            if c is not None:
                found.append(c)
    numeric = (
        (_YMD, "numeric", 10),
        (_DMY, "numeric_day_first", 11),
        (_YMD_COMPACT, "numeric_unseparated", 12),
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
    for m in _WEEKDAY.finditer(norm):
        name = m.group("name")
        number = _WEEKDAY_KEYS.get(_key(name))
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
            if wi not in used and _GAP_BEFORE.match(norm[weekdays[wi].end : c.start])
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
            if len(gap) <= 12 and _GAP_AFTER.match(gap):
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
        label_match = _LABEL.search(norm[max(0, c.start - 20) : c.start])
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
