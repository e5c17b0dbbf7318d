"""The Persian text of the independent corpus's pages: vocabulary, names, dates and amounts.

Words and names are drawn by the caller's seeded generator, so a page's text depends on its
seed only (``benchmarks/corpus_pages.py`` typesets it).
"""

from __future__ import annotations

import numpy as np

FA_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_VOCABULARY = (
    "گزارش درخواست پیرو نامه شماره مورخ اداره کل امور مالی پرداخت هزینه قرارداد پیمانکار "
    "بررسی انجام شد لازم است دستور فرمایید اقدام مقتضی نسبت به تمدید مهلت ارسال مدارک "
    "کارشناسی پروژه ساختمان جدید واحد آموزش کارکنان جلسه هماهنگی روز آینده ساعت محل سالن "
    "اجتماعات حضور مسئولان محترم استان شهرستان بخشداری دهستان طرح توسعه راه روستایی برآورد "
    "اعتبار مصوب سال جاری تخصیص یافته است لطفا موارد زیر را ملاحظه و نتیجه را اعلام کنید "
    "همچنین رونوشت این نامه جهت اطلاع و پیگیری به معاونت فنی ارسال می گردد با توجه ضرورت "
    "تسریع در تکمیل عملیات اجرایی خواهشمند است ترتیبی اتخاذ شود که گزارش پیشرفت کار هر ماه "
    "تهیه و به این دفتر تحویل گردد مبلغ ریال بابت صورت وضعیت شماره فاکتور کالا خرید تجهیزات "
    "اداری رایانه چاپگر میز صندلی قفسه بایگانی اسناد سوابق پرونده متقاضی "
)
WORDS = tuple(_VOCABULARY.split())
_GIVEN = (
    "علی مریم حسین زهرا رضا فاطمه محمد سارا مهدی نرگس امیر لیلا حمید پروین "
    "کاوه شیرین بهرام مینا داوود نسرین "
)
FIRST = tuple(_GIVEN.split())
_SURNAMES = (
    "احمدی کریمی رحیمی موسوی حسینی جعفری صادقی نوری طاهری کاظمی اکبری "
    "یزدانی شریفی قاسمی بهرامی فرهادی زمانی توکلی "
)
LAST = tuple(_SURNAMES.split())
CITIES = ("تهران", "اصفهان", "شیراز", "تبریز", "مشهد", "کرمان", "یزد", "رشت", "همدان", "قزوین")


def fa(text: str) -> str:
    """ASCII digits to Persian digits."""
    return text.translate(str.maketrans("0123456789", FA_DIGITS))


def sentence(rng: np.random.Generator, n: int) -> list[str]:
    return [str(w) for w in rng.choice(WORDS, size=n)]


def name(rng: np.random.Generator) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def date(rng: np.random.Generator) -> str:
    return fa(f"{rng.integers(1370, 1403)}/{rng.integers(1, 13):02d}/{rng.integers(1, 30):02d}")


def amount(rng: np.random.Generator) -> str:
    return fa(f"{int(rng.integers(12, 990)) * 1000:,}").replace(",", "٬")
