"""The patterns that find dates: one comparable form of text, month and weekday names, regexes.

The same date is typed and OCR-read many ways (digits of three systems, Arabic and Persian
letter forms, right-to-left marks, stray spaces); `normalize` gives one form to match,
with the index each character came from, and the month and weekday tables list the
spellings met in print and in OCR output. `workbench.text.dates` matches these patterns
and reads the dates they find. Everything here is pure text work.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

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


def name_key(name: str) -> str:
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
    return {name_key(name): number for number, names in table.items() for name in names}


SOLAR_KEYS = _lookup(_SOLAR_MONTHS)
LUNAR_KEYS = _lookup(_LUNAR_MONTHS)
GREGORIAN_KEYS = _lookup(_GREGORIAN_MONTHS)
WEEKDAY_KEYS = _lookup(_WEEKDAY_NAMES)

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

YMD = re.compile(
    rf"(?<![\d/.\-])(?P<y>{_Y})\s*{_SEP}\s*(?P<m>{_MD})\s*{_SEP}\s*(?P<d>{_MD})(?![\d])" + _MARKER,
    re.IGNORECASE,
)
DMY = re.compile(
    rf"(?<![\d/.\-])(?P<d>{_MD})\s*{_SEP}\s*(?P<m>{_MD})\s*{_SEP}\s*(?P<y>{_Y})(?![\d])" + _MARKER,
    re.IGNORECASE,
)
# Separators lost in OCR or typing («13800224», «1380 02 24», «138002/24»), or read as the
# digit one, which a Persian «۱» resembles a slash closely enough to be confused with
# («۱۳۸۰۱۰۲/۲۴» for «۱۳۸۰/۰۲/۲۴»).
YMD_COMPACT = re.compile(
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


SOLAR_NAMED = _named(_alternation(n for ns in _SOLAR_MONTHS.values() for n in ns))
LUNAR_NAMED = _named(_alternation(n for ns in _LUNAR_MONTHS.values() for n in ns))
GREG_NAMED = _named(_alternation(n for ns in _GREGORIAN_MONTHS.values() for n in ns))
_ENGLISH_MONTHS = _alternation(n for ns in _GREGORIAN_MONTHS.values() for n in ns if n.isascii())
GREG_MDY = re.compile(
    rf"{_START}(?P<month>{_ENGLISH_MONTHS})"
    rf"\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<y>{_Y})(?!\d)" + _MARKER,
    re.IGNORECASE,
)
WEEKDAY = re.compile(
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
GAP_BEFORE = re.compile(rf"^{_PUNCT}(?:(?:{_LINK}){_PUNCT})*$", re.IGNORECASE)
GAP_AFTER = re.compile(r"^[\s,،:;()\[\]\-.]*(?:روز[\s,،:;()\-.]*)?$")
LABEL = re.compile(
    r"(?P<label>تاریخ|التاریخ|مورخه|مورخ|date|dated)\s*[:：\-]?\s*$",
    re.IGNORECASE,
)
