"""Dates: how many written dates are read back correctly, false alarms, and speed.

Writes its figures into the "## Dates" section of benchmarks/RESULTS.md (other sections are
left as they are). Run: .venv/bin/python benchmarks/dates_benchmark.py [--quick]

- Recall: random days from 1925 to 2040 written in the forms of `FORMS` (Solar Hijri numeric
  and with month names, with Persian, Arabic-Indic or Western digits and OCR-like noise;
  lunar Hijri with markers; Gregorian), embedded in a sentence; a date counts when it is
  found with the right calendar and the right Gregorian day.
- False alarms: number-like strings that are not dates (letter numbers, phone numbers,
  versions, times, amounts).
- Speed: `find_dates` per line of letter text; the check on a text document; the check on a
  rendered page with its OCR already done (the check's own cost beside OCR).
- Samples: on samples/manifest.json (when generated), how many documents' letter date
  (truth ``solar_hijri``) is found in the OCR text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jdatetime
from hijridate import Gregorian

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench_checks.dates import DatesCheck  # noqa: E402

from workbench.context import Context  # noqa: E402
from workbench.loading import load_document  # noqa: E402
from workbench.text.dates import find_dates  # noqa: E402

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SOLAR = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]
LUNAR = [
    "محرم",
    "صفر",
    "ربیع‌الاول",
    "ربیع‌الثانی",
    "جمادی‌الاول",
    "جمادی‌الثانی",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذی‌القعده",
    "ذی‌الحجه",
]
TRANSLIT = [
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
]


def _solar(day: dt.date) -> tuple[int, int, int]:
    j = jdatetime.date.fromgregorian(date=day)
    return j.year, j.month, j.day


def _lunar(day: dt.date) -> tuple[int, int, int]:
    h = Gregorian(day.year, day.month, day.day).to_hijri()
    return h.year, h.month, h.day


def _fa(value: str) -> str:
    return value.translate(PERSIAN)


def _ymd(d: dt.date, pattern: str, digits: dict[int, int] = PERSIAN) -> str:
    y, m, day = _solar(d)
    return pattern.format(y=y, m=m, d=day).translate(digits)


def _solar_named(d: dt.date, suffix: str = "") -> str:
    y, m, day = _solar(d)
    return _fa(f"{day} {SOLAR[m - 1]}{suffix} {y}")


def _lunar_named(d: dt.date) -> str:
    y, m, day = _lunar(d)
    return _fa(f"{day} {LUNAR[m - 1]} {y} ه.ق")


def _lunar_numeric(d: dt.date) -> str:
    y, m, day = _lunar(d)
    return _fa(f"{y}/{m:02d}/{day:02d} هـ ق")


Form = tuple[str, str, Callable[[dt.date], str]]
FORMS: list[Form] = [
    ("solar numeric, Persian digits", "solar_hijri", lambda d: _ymd(d, "{y}/{m:02d}/{d:02d}")),
    ("solar numeric, no zero padding", "solar_hijri", lambda d: _ymd(d, "{y}/{m}/{d}")),
    (
        "solar numeric, Arabic-Indic digits",
        "solar_hijri",
        lambda d: _ymd(d, "{y}/{m:02d}/{d:02d}", ARABIC),
    ),
    ("solar numeric, Western digits", "solar_hijri", lambda d: _ymd(d, "{y}/{m:02d}/{d:02d}", {})),
    (
        "solar numeric, RTL marks and spaces",
        "solar_hijri",
        lambda d: _ymd(d, "\u200f{y} / {m:02d} /\u200f{d:02d}"),
    ),
    ("solar numeric, separators lost", "solar_hijri", lambda d: _ymd(d, "{y}{m:02d}{d:02d}")),
    ("solar numeric, slash read as one", "solar_hijri", lambda d: _ymd(d, "{y}1{m:02d}/{d:02d}")),
    ("solar month name", "solar_hijri", _solar_named),
    ("solar month name + ماه", "solar_hijri", lambda d: _solar_named(d, "\u200cماه")),
    ("lunar month name + ه.ق", "lunar_hijri", _lunar_named),
    ("lunar numeric + هـ ق", "lunar_hijri", _lunar_numeric),
    ("Gregorian ISO", "gregorian", lambda d: d.isoformat()),
    ("Gregorian day month-name year", "gregorian", lambda d: f"{d.day} {d:%B} {d.year}"),
    ("Gregorian month-name day, year", "gregorian", lambda d: f"{d:%B} {d.day}, {d.year}"),
    (
        "Gregorian, Persian transliteration",
        "gregorian",
        lambda d: _fa(f"{d.day} {TRANSLIT[d.month - 1]} {d.year}"),
    ),
]

NOT_DATES = [
    "شماره: ۱۲۳۴/۵۶/۷۸",
    "شماره ۴۵۶/د/۱۲",
    "تلفن ۰۲۱-۸۸۷۷-۶۶۵۵",
    "نسخه 3.14.15",
    "ساعت ۱۰:۳۰",
    "مبلغ ۱۲۳٬۴۵۶٬۷۸۹ ریال",
    "بند ۲/۳/۴",
    "کد پستی ۱۲۳۴۵۶۷۸۹۰",
    "سال ۱۳۸۰",
    "مهر و امضا",
    "۱۲ نفر در ۳ گروه",
    "پلاک ۲۴/۱",
    "کد ۹۹۹۹/۱۲/۱۲",
    "0912 345 6789",
]


def recall(n_days: int, seed: int = 1380) -> tuple[dict[str, tuple[int, int]], int]:
    rng = random.Random(seed)
    start, end = dt.date(1925, 1, 1).toordinal(), dt.date(2040, 12, 31).toordinal()
    days = [dt.date.fromordinal(rng.randint(start, end)) for _ in range(n_days)]
    out: dict[str, tuple[int, int]] = {}
    for name, calendar, write in FORMS:
        ok = 0
        for day in days:
            sentence = f"جلسه در تاریخ {write(day)} برگزار شد."
            found = find_dates(sentence)
            if any(
                d.calendar.value == calendar and d.gregorian == day for d in found
            ):  # lunar via Umm al-Qura is exact both ways
                ok += 1
        out[name] = (ok, len(days))
    false = sum(len(find_dates(s)) for s in NOT_DATES)
    return out, false


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def speed(tmp: Path) -> dict[str, str]:
    lines = [
        "بسمه تعالی",
        "شماره: ۴۵۶/د/۱۲",
        "تاریخ: ۱۳۸۰/۰۲/۲۴",
        "جناب آقای مهندس رضایی، با سلام و احترام گزارش بازدید به پیوست ارسال می‌شود.",
        "پیرو جلسه روز دوشنبه ۲۴ اردیبهشت ۱۳۸۰ در محل این دفتر، خواهشمند است دستور فرمایید.",
        "این نامه برای اطلاع شما و همکاران محترم فرستاده شده است و تا پایان خرداد پاسخ دهید.",
    ] * 50
    per_line = timed(lambda: [find_dates(x) for x in lines], 5) / len(lines)
    text_doc = tmp / "letter.txt"
    text_doc.write_text("\n".join(lines[:40]), encoding="utf-8")
    document = load_document(text_doc)
    check = DatesCheck()
    text_check = timed(lambda: check.run(Context(document=document)), 5)
    out = {
        "find_dates, one line of letter text (median of 5 runs over 300 lines)": (
            f"{per_line * 1e6:.0f} µs ({1 / per_line:,.0f} lines/s)"
        ),
        "dates check on a 40-line text document": f"{text_check * 1e3:.1f} ms",
    }
    image = ROOT / "samples" / "questioned" / "letter_1380-02-24.jpg"
    if image.exists():
        page_doc = load_document(image)
        context = Context(document=page_doc)
        t = time.perf_counter()
        context.ocr(0)
        ocr_s = time.perf_counter() - t
        page_check = timed(lambda: check.run(context), 5)
        out["dates check on the questioned sample page, OCR already cached"] = (
            f"{page_check * 1e3:.1f} ms (its OCR took {ocr_s:.2f} s)"
        )
    return out


def samples() -> tuple[int, int, list[str]]:
    manifest = ROOT / "samples" / "manifest.json"
    if not manifest.exists():
        return 0, 0, []
    found = total = 0
    missed = []
    for doc in json.loads(manifest.read_text(encoding="utf-8"))["documents"]:
        truth = doc.get("truth") or {}
        if not truth.get("solar_hijri") or not doc["path"].endswith((".png", ".jpg")):
            continue
        total += 1
        y, m, d = (int(x) for x in truth["solar_hijri"].split("/"))
        context = Context(document=load_document(ROOT / "samples" / doc["path"]))
        result = DatesCheck().run(context)
        dates = (result.results or {}).get("found", [])
        if any(
            (x["calendar"], x["year"], x["month"], x["day"]) == ("solar_hijri", y, m, d)
            for x in dates
        ):
            found += 1
        else:
            missed.append(doc["path"])
    return found, total, missed


def write_section(body: str) -> None:
    results = ROOT / "benchmarks" / "RESULTS.md"
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    section = "## Dates\n\n" + body.strip() + "\n"
    pattern = re.compile(r"^## Dates\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    results.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer days, no samples")
    args = parser.parse_args()
    n_days = 100 if args.quick else 1000
    per_form, false = recall(n_days)
    tmp = ROOT / "benchmarks" / ".dates_tmp"
    tmp.mkdir(exist_ok=True)
    try:
        timings = speed(tmp)
    finally:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
    s_found, s_total, missed = (0, 0, []) if args.quick else samples()

    lines = [
        f"Measured {dt.date.today().isoformat()} by `benchmarks/dates_benchmark.py` on a "
        f"2-core machine shared with other jobs (timings are noisy). Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs.",
        "",
        f"Recall: {n_days} random days between 1925 and 2040, each written in every form "
        "below inside a Persian sentence; a date counts when it is found with the right "
        "calendar and Gregorian day.",
        "",
        "| form | found |",
        "| --- | --- |",
    ]
    for name, (ok, n) in per_form.items():
        lines.append(f"| {name} | {ok}/{n} ({100 * ok / n:.1f}%) |")
    lines += [
        "",
        f"False alarms on {len(NOT_DATES)} number-like strings that are not dates "
        f"(letter numbers, phones, versions, times, amounts): {false}.",
        "",
        "| speed | value |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {v} |" for k, v in timings.items()]
    if s_total:
        lines += [
            "",
            f"Samples corpus: the letter's own date (manifest `solar_hijri`) was found in the "
            f"OCR text of {s_found}/{s_total} page images"
            + (f"; missed: {', '.join(missed)}." if missed else "."),
        ]
    write_section("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
