"""Finding and converting dates in Persian, Arabic and English text (typed and OCR-like)."""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
import pytest
from hijridate import Hijri

from workbench.text import date_patterns
from workbench.text.dates import (
    Calendar,
    DateStatus,
    FoundDate,
    convert,
    find_dates,
    find_weekdays,
    normalize,
    to_lunar_hijri,
    to_solar_hijri,
)

MAY_14 = dt.date(2001, 5, 14)
RLM, LRM, ZWNJ = "\u200f", "\u200e", "\u200c"


def only(text: str, **kwargs: object) -> FoundDate:
    found = find_dates(text, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, [d.text for d in found]
    return found[0]


# The letter's date, written every way a typist or an OCR engine produces it.
SOLAR_NUMERIC = [
    "۱۳۸۰/۰۲/۲۴",
    "۱۳۸۰/۲/۲۴",
    "1380/2/24",
    "1380/02/24",
    "١٣٨٠/٠٢/٢٤",  # Arabic-Indic digits
    "۱۳8۰/٠۲/۲4",  # three digit systems in one date (OCR)
    "۱۳۸۰-۰۲-۲۴",
    "۱۳۸۰.۰۲.۲۴",
    "۱۳۸۰ / ۰۲ / ۲۴",  # spaces around separators
    "۱۳ ۸۰/۰۲/۲۴",  # a space inside the year
    "۱۳۸۰/۰ ۲/۲۴",  # a space inside the month
    f"۱۳۸۰{RLM}/{RLM}۰۲{RLM}/{RLM}۲۴",  # right-to-left marks between parts
    f"{LRM}۱۳۸۰/۰۲/۲۴{LRM}",
    "۱۳۸۰۰۲۲۴",  # separators lost
    "۱۳۸۰ ۰۲ ۲۴",  # separators read as spaces
    "۱۳۸۰۰۲/۲۴",  # one separator lost
    "۱۳۸۰۱۰۲/۲۴",  # a slash read as the digit one («۱»), as OCR did on the questioned sample
    "۱۳۸۰/۰۲۱۲۴",
    "۱۳۸۰\\۰۲\\۲۴",  # backslashes
    "۱۳۸۰٫۰۲٫۲۴",  # Arabic decimal separator
    "۲۴/۰۲/۱۳۸۰",  # day first, as right-to-left extraction sometimes yields
    "۱۳۸۰/۰۲/۲۴ ه.ش",
    "۱۳۸۰/۰۲/۲۴ هـ.ش",
    "۱۳۸۰/۰۲/۲۴ شمسی",
]


@pytest.mark.parametrize("text", SOLAR_NUMERIC)
def test_solar_hijri_numeric(text: str) -> None:
    d = only(f"شماره: ۴۵۶/د/۱۲ تاریخ: {text} پیوست: ندارد")
    assert (d.calendar, d.year, d.month, d.day) == (Calendar.SOLAR_HIJRI, 1380, 2, 24)
    assert d.gregorian == MAY_14 and d.weekday == "Monday" and d.status is DateStatus.VALID
    assert d.label == "تاریخ"
    assert not d.ambiguous
    # The span covers the date exactly as printed, including its marks.
    assert d.text.strip(LRM) == text.strip(LRM)


@pytest.mark.parametrize(
    "text",
    [
        "۲۴ اردیبهشت ۱۳۸۰",
        f"۲۴ اردیبهشت{ZWNJ}ماه ۱۳۸۰",
        "۲۴ اردیبهشت ماه ۱۳۸۰",
        "۲۴ اردیبهشت ماه سال ۱۳۸۰",
        "۲۴ اردیبهشت، ۱۳۸۰",
        "۲۴ ارديبهشت ۱۳۸۰",  # Arabic yeh from an old keyboard
        "۲۴ اردی بهشت ۱۳۸۰",
        f"۲۴ اردی{ZWNJ}بهشت ۱۳۸۰",
        "۲۴ام اردیبهشت ۱۳۸۰",
        "24 اردیبهشت 1380",
        "۲۴ اردیبهشت ۱۳۸۰ هجری شمسی",
    ],
)
def test_solar_hijri_month_names(text: str) -> None:
    d = only(f"در جلسه {text} تصویب شد")
    assert (d.calendar, d.year, d.month, d.day, d.form) == (
        Calendar.SOLAR_HIJRI,
        1380,
        2,
        24,
        "month_name",
    )
    assert d.gregorian == MAY_14


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("۱ فروردین ۱۳۸۰", 1),
        ("۱۵ خرداد ۱۳۸۰", 3),
        ("۲ تیر ۱۳۸۰", 4),
        ("۹ امرداد ۱۳۸۰", 5),
        ("۳ شهریور ۱۳۸۰", 6),
        ("۲۴ مهر ۱۳۸۰", 7),
        ("۱۰ آبان ۱۳۸۰", 8),
        ("۱۰ آذر ۱۳۸۰", 9),
        ("۵ دی ۱۳۸۰", 10),
        ("۲۲ بهمن ۱۳۸۰", 11),
        ("۲۹ اسفند ۱۳۸۰", 12),
    ],
)
def test_every_solar_month(text: str, month: int) -> None:
    d = only(text)
    assert d.month == month
    assert d.gregorian == jdatetime.date(d.year, d.month, d.day).togregorian()


def test_month_names_are_not_words() -> None:
    # «مهر» (seal), «تیر», «دی», «می» (verb prefix), «مه» (fog) are only months beside numbers.
    text = f"مهر و امضا شد؛ تیر برق؛ می{ZWNJ}شود ۱۲ نفر؛ مه غلیظ ۲۰ دقیقه ماند"
    assert find_dates(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "۲۰ صفر ۱۴۲۲ ه.ق",
        "۲۰ صفر ۱۴۲۲ هـ.ق",
        "۲۰ صفر ۱۴۲۲ هـ ق",
        "۲۰ صفر ۱۴۲۲ هجری قمری",
        "۲۰ صفر ۱۴۲۲",  # the month's name is enough
        "۲۰ صفرالمظفر ۱۴۲۲",
        "۲۰ صفر المظفر ۱۴۲۲ ه.ق",
        "٢٠ صفر ١٤٢٢هـ",  # Arabic
        "٢٠ صفر سنة ١٤٢٢ هـ",
        "۱۴۲۲/۰۲/۲۰ ه.ق",  # numeric with a marker
        "1422/2/20 AH",
    ],
)
def test_lunar_hijri(text: str) -> None:
    d = only(text)
    assert (d.calendar, d.year, d.month, d.day) == (Calendar.LUNAR_HIJRI, 1422, 2, 20)
    # Umm al-Qura puts 20 Safar 1422 on 14 May 2001; sighted calendars may differ by a day.
    assert d.gregorian == MAY_14 == Hijri(1422, 2, 20).to_gregorian()
    assert any("differ by a day" in note for note in d.notes)
    assert d.covers(dt.date(2001, 5, 15)) and not d.covers(dt.date(2001, 5, 16))


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("۱۰ محرم ۱۴۲۲", 1),
        ("۱۲ ربیع‌الاول ۱۴۲۲", 3),
        ("۱۲ ربیع الأول ۱۴۲۲", 3),
        ("١٢ ربيع الأول ١٤٢٢", 3),
        ("۱۲ ربیع‌الثانی ۱۴۲۲", 4),
        ("۱۲ ربیع الآخر ۱۴۲۲", 4),
        ("۱۲ جمادی‌الاولی ۱۴۲۲", 5),
        ("١٢ جمادى الأولى ١٤٢٢", 5),
        ("۱۲ جمادی‌الثانیه ۱۴۲۲", 6),
        ("١٢ جمادى الآخرة ١٤٢٢", 6),
        ("۱۳ رجب ۱۴۲۲", 7),
        ("۱۵ شعبان ۱۴۲۲", 8),
        ("۲۱ رمضان ۱۴۲۲", 9),
        ("۱ شوّال ۱۴۲۲", 10),
        ("۱۱ ذی‌القعده ۱۴۲۲", 11),
        ("۱۱ ذوالقعده ۱۴۲۲", 11),
        ("١١ ذو القعدة ١٤٢٢", 11),
        ("۱۰ ذی‌الحجه ۱۴۲۲", 12),
        ("١٠ ذو الحجة ١٤٢٢", 12),
    ],
)
def test_lunar_month_spellings(text: str, month: int) -> None:
    d = only(text)
    assert d.calendar is Calendar.LUNAR_HIJRI and d.month == month
    assert d.gregorian == Hijri(d.year, d.month, d.day).to_gregorian()


@pytest.mark.parametrize(
    "text",
    [
        "2001-05-14",
        "2001/05/14",
        "14/05/2001",
        "14.05.2001",
        "05/14/2001",  # month first, unambiguous because 14 is no month
        "14 May 2001",
        "14th May 2001",
        "14 May, 2001",
        "May 14, 2001",
        "May 14th 2001",
        "14-May-2001",
        "۱۴ مه ۲۰۰۱",
        "۱۴ می ۲۰۰۱",
        "۱۴ مه ۲۰۰۱ میلادی",
        "١٤ مايو ٢٠٠١م",
        "١٤ أيار ٢٠٠١",
        "2001-05-14 CE",
    ],
)
def test_gregorian(text: str) -> None:
    d = only(f"Published on {text} by the agency")
    assert (d.calendar, d.gregorian, d.weekday) == (Calendar.GREGORIAN, MAY_14, "Monday")
    assert not d.ambiguous


def test_ambiguous_day_month_order() -> None:
    d = only("05/06/2001")
    assert d.ambiguous and d.gregorian == dt.date(2001, 6, 5)  # day first by default
    assert [a.gregorian for a in d.alternatives] == [dt.date(2001, 5, 6)]
    assert any("Ambiguous" in n for n in d.notes)
    near = only("05/06/2001", near=dt.date(2001, 5, 1))
    assert near.gregorian == dt.date(2001, 5, 6) and near.ambiguous


def test_fourteen_hundreds_are_ambiguous_without_a_marker() -> None:
    d = only("۱۴۰۲/۰۵/۰۱")
    assert d.calendar is Calendar.SOLAR_HIJRI and d.gregorian == dt.date(2023, 7, 23)
    assert d.ambiguous
    (lunar,) = d.alternatives
    assert lunar.calendar is Calendar.LUNAR_HIJRI
    assert lunar.gregorian == Hijri(1402, 5, 1).to_gregorian()
    # The claimed date decides which reading comes first.
    near = only("۱۴۰۲/۰۵/۰۱", near=dt.date(1982, 2, 25))
    assert near.calendar is Calendar.LUNAR_HIJRI and near.ambiguous
    # A marker settles it.
    assert not only("۱۴۰۲/۰۵/۰۱ ه.ش").ambiguous
    marked = only("۱۴۰۲/۰۵/۰۱ ه.ق")
    assert marked.calendar is Calendar.LUNAR_HIJRI and not marked.ambiguous
    # Thirteen hundreds are Solar Hijri.
    assert not only("۱۳۸۰/۰۲/۲۴").ambiguous


def test_solar_leap_years_follow_jdatetime() -> None:
    assert jdatetime.date(1399, 1, 1).isleap() and not jdatetime.date(1400, 1, 1).isleap()
    leap = only("۳۰ اسفند ۱۳۹۹")
    assert leap.status is DateStatus.VALID
    assert leap.gregorian == jdatetime.date(1399, 12, 30).togregorian() == dt.date(2021, 3, 20)
    common = only("۳۰ اسفند ۱۴۰۰")
    assert common.status is DateStatus.IMPOSSIBLE and common.gregorian is None
    assert common.weekday is None
    assert "1400 is not a leap year" in (common.problem or "")
    assert only("۱۴۰۰/۱۲/۳۰ ه.ش").status is DateStatus.IMPOSSIBLE
    assert only("۱۴۰۰/۱۲/۲۹").status is DateStatus.VALID
    assert jdatetime.date(1403, 1, 1).isleap()
    assert only("۱۴۰۳/۱۲/۳۰ ه.ش").gregorian == jdatetime.date(1403, 12, 30).togregorian()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("۱۳۸۰/۱۳/۰۵", "no month 13"),
        ("۳۱ اسفند ۱۳۸۰", "Esfand 1380 has 29 days"),
        ("۱۳۸۰/۱۲/۳۱", "Esfand 1380 has 29 days"),
        ("۳۱ مهر ۱۳۸۰", "Mehr has 30 days"),
        ("۱۳۸۰/۰۷/۳۱", "Mehr has 30 days"),
        ("۱۳۸۰/۰۲/۳۲", "Ordibehesht has 31 days"),
        ("۱۳۸۰/۰۰/۱۰", "no month 0"),
        ("2001-02-30", "day is out of range"),
        ("31 June 2001", "day is out of range"),
        ("۳۱ صفر ۱۴۲۲", "29 or 30 days"),
    ],
)
def test_impossible_dates(text: str, problem: str) -> None:
    d = only(text)
    assert d.status is DateStatus.IMPOSSIBLE and d.gregorian is None
    assert problem in (d.problem or "")


def test_lunar_day_thirty_in_a_short_umm_al_qura_month() -> None:
    assert Hijri(1422, 2, 1).month_length() == 29
    d = only("۳۰ صفر ۱۴۲۲ ه.ق")
    assert d.status is DateStatus.VALID
    assert d.gregorian == Hijri(1422, 2, 29).to_gregorian() + dt.timedelta(days=1)
    assert any("29 days" in n for n in d.notes)


def test_lunar_year_outside_the_tables_is_not_called_impossible() -> None:
    d = only("۱۰ محرم ۱۳۰۰ ه.ق")
    assert d.status is DateStatus.UNCONVERTIBLE and d.gregorian is None
    assert "1343-1500" in (d.problem or "")


@pytest.mark.parametrize(
    ("text", "printed", "matches"),
    [
        ("دوشنبه ۱۳۸۰/۰۲/۲۴", "Monday", True),
        ("دوشنبه، ۲۴ اردیبهشت ۱۳۸۰", "Monday", True),
        ("دو شنبه مورخ ۱۳۸۰/۰۲/۲۴", "Monday", True),
        ("روز دوشنبه مورخه ۱۳۸۰/۰۲/۲۴", "Monday", True),
        ("۱۳۸۰/۰۲/۲۴ (دوشنبه)", "Monday", True),
        ("سه‌شنبه ۱۳۸۰/۰۲/۲۴", "Tuesday", False),
        ("سه شنبه ۱۳۸۰/۰۲/۲۴", "Tuesday", False),
        ("سهشنبه ۱۳۸۰/۰۲/۲۴", "Tuesday", False),
        ("چهار شنبه ۱۳۸۰/۰۲/۲۴", "Wednesday", False),
        ("پنج‌شنبه ۱۳۸۰/۰۲/۲۴", "Thursday", False),
        ("پنجشنبه ۱۳۸۰/۰۲/۲۴", "Thursday", False),
        ("جمعه ۱۳۸۰/۰۲/۲۴", "Friday", False),
        ("شنبه ۱۳۸۰/۰۲/۲۴", "Saturday", False),
        ("یکشنبه ۱۳۸۰/۰۲/۲۴", "Sunday", False),
        ("یک‌شنبه ۱۳۸۰/۰۲/۲۴", "Sunday", False),
        ("Monday, 14 May 2001", "Monday", True),
        ("Mon, 14 May 2001", "Monday", True),
        ("Sunday 14 May 2001", "Sunday", False),
        ("14 May 2001 (Tuesday)", "Tuesday", False),
        ("الاثنين ٢٠ صفر ١٤٢٢هـ", "Monday", True),
        ("يوم الأحد ٢٠ صفر ١٤٢٢هـ", "Sunday", True),  # lunar: a day either side fits
        ("الثلاثاء ٢٠ صفر ١٤٢٢هـ", "Tuesday", True),
        ("الأربعاء ٢٠ صفر ١٤٢٢هـ", "Wednesday", False),
    ],
)
def test_printed_weekday(text: str, printed: str, matches: bool) -> None:
    d = only(text)
    assert d.printed_weekday == printed and d.weekday_matches is matches
    assert d.printed_weekday_text is not None and d.weekday_span is not None
    start, end = d.weekday_span
    assert text[start:end] == d.printed_weekday_text


def test_weekday_far_from_a_date_is_not_attached() -> None:
    text = "جلسه روز سه‌شنبه برگزار شد و نامه ای که در تاریخ ۱۳۸۰/۰۲/۲۴ رسید"
    d = only(text)
    assert d.printed_weekday is None and d.weekday_matches is None
    assert [w[0] for w in find_weekdays(text)] == ["Tuesday"]


def test_shanbe_inside_longer_weekdays() -> None:
    names = [w[0] for w in find_weekdays("شنبه، یکشنبه، دوشنبه، سه‌شنبه، چهارشنبه، پنجشنبه، جمعه")]
    assert names == ["Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def test_year_in_the_wrong_calendar() -> None:
    # A Gregorian year with a Solar Hijri month, and a Solar Hijri year with an English month.
    solar = only("۲۴ اردیبهشت ۲۰۰۱")
    assert solar.calendar is Calendar.SOLAR_HIJRI and solar.year_looks_like is Calendar.GREGORIAN
    english = only("14 May 1380")
    assert english.calendar is Calendar.GREGORIAN
    assert english.year_looks_like is Calendar.SOLAR_HIJRI
    # A Gregorian-looking numeric date where a Persian letter puts its Solar Hijri date.
    labelled = only("تاریخ: ۲۰۰۱/۰۲/۲۴")
    assert labelled.calendar is Calendar.GREGORIAN and labelled.label == "تاریخ"
    assert labelled.gregorian == dt.date(2001, 2, 24)
    marked = only("۲۰۰۱/۰۲/۲۴ ه.ش")
    assert marked.calendar is Calendar.SOLAR_HIJRI
    assert marked.year_looks_like is Calendar.GREGORIAN


def test_not_dates() -> None:
    text = (
        "شماره: ۱۲۳۴/۵۶/۷۸ — تلفن ۰۲۱-۸۸۷۷-۶۶۵۵ — کد ۹۹۹۹/۱۲/۱۲ — نسخه 3.14.15 — "
        "بند ۲/۳ — ساعت ۱۰:۳۰ — ۱۲۳۴۵۶۷۸۹ — سال ۱۳۸۰"
    )
    assert find_dates(text) == []
    assert find_dates("") == []


def test_several_dates_in_order_with_spans() -> None:
    text = (
        "عطف به نامه شماره ۱۲/۳۴۵ مورخ ۱۳۸۰/۰۱/۱۵، جلسه در تاریخ ۲۴ اردیبهشت ۱۳۸۰ "
        "(برابر با ۲۰ صفر ۱۴۲۲ ه.ق و 14 May 2001) برگزار شد."
    )
    found = find_dates(text)
    assert [d.calendar for d in found] == [
        Calendar.SOLAR_HIJRI,
        Calendar.SOLAR_HIJRI,
        Calendar.LUNAR_HIJRI,
        Calendar.GREGORIAN,
    ]
    assert [d.gregorian for d in found] == [dt.date(2001, 4, 4), MAY_14, MAY_14, MAY_14]
    for d in found:
        assert text[d.start : d.end] == d.text
    assert found[0].label == "مورخ" and found[1].label == "تاریخ"


def test_normalize_maps_back_to_the_original() -> None:
    text = f"ك{RLM}ي ۱٢3ـ"
    norm, index = normalize(text)
    assert norm == "کی 123"
    assert [text[i] for i in index] == ["ك", "ي", " ", "۱", "٢", "3"]


def test_conversions() -> None:
    assert to_solar_hijri(MAY_14) == (1380, 2, 24)
    assert to_lunar_hijri(MAY_14) == (1422, 2, 20)
    assert to_lunar_hijri(dt.date(1800, 1, 1)) is None
    assert convert(Calendar.SOLAR_HIJRI, 1380, 2, 24).gregorian == MAY_14
    assert convert(Calendar.GREGORIAN, 2001, 13, 1).status is DateStatus.IMPOSSIBLE


def test_garbage_never_raises() -> None:
    noise = "٪۱۳۸۰//۲۴ ۱۳۸۰/۲/ /۲۴ ۹۹۹۹۹۹/۹۹/۹۹ ۰۰۰۰/۰۰/۰۰ \x00\ufffd" + "۱/" * 500
    for piece in (noise, noise[::-1], "ه.ق" * 50, "شنبه" * 50):
        find_dates(piece)


class _CountingPattern:
    """A compiled pattern that counts its `match` calls."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.calls = 0

    def match(self, text: str) -> re.Match[str] | None:
        self.calls += 1
        return self.pattern.match(text)


def test_repeated_dates_take_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    # A page of repeated dated lines: each date was compared with every weekday before it.
    line = "دوشنبه ۲۴ اردیبهشت ۱۳۸۰ و 1380/02/24 (Monday) "
    calls = []
    for repeat in (200, 800):
        counter = _CountingPattern(date_patterns.GAP_BEFORE)
        monkeypatch.setattr(date_patterns, "GAP_BEFORE", counter)
        found = find_dates(line * repeat)
        assert len(found) == 2 * repeat
        assert all(d.printed_weekday == "Monday" for d in found[::2])
        calls.append(counter.calls)
    assert calls[1] <= 4 * calls[0] + 10


def test_overlapping_candidates_keep_the_longest() -> None:
    found = find_dates("۲۴ اردیبهشت ۱۳۸۰ " * 50)
    assert [d.text for d in found] == ["۲۴ اردیبهشت ۱۳۸۰"] * 50
