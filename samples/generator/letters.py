"""What the letters say: fictional people, text pools, names and the corpus's letter plans.

Every office, person and number is invented. ``make_spec`` turns a plan into a ``LetterSpec``;
the questioned letter's text, its English translation and the claims made of it are here too.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

import jdatetime
from farsi_faker.data import seed_names

from generator.conventions import (
    MINISTRY_EN,
    NBSP,
    CorpusError,
    fa_digits,
    jalali_ascii,
    jalali_words,
    rng_for,
)

# --------------------------------------------------------------------------------------------------
# People and letter texts (all fictional)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A fictional person: Persian name, optional Latin transliteration and title."""

    name: str
    latin: str = ""
    title: str = ""
    title_en: str = ""


# The office's own staff sign the letters. They are written by hand so that the questioned letter's
# English translation and claims can spell their names; everyone else comes from farsi-faker.
HEAD = Person(
    "سیدمرتضی کاویان\u200cپور",
    "Seyyed Morteza Kavianpour",
    "رئیس دفتر بازرسی و نظارت",
    "Head of the Inspection and Supervision Office",
)
DEPUTY = Person(
    "فرهاد نیک\u200cسرشت",
    "Farhad Nikseresht",
    "معاون دفتر بازرسی و نظارت",
    "Deputy Head of the Inspection and Supervision Office",
)
Q_ADDRESSEE = Person(
    "بهروز آذرمهر",
    "Behrouz Azarmehr",
    "مدیرکل محترم امور طرح\u200cهای استانی",
    "Director-General for Provincial Projects",
)
Q_CONTACTS = (
    Person("کامران صدری", "Kamran Sadri"),
    Person("داوود فرزین\u200cفر", "Davoud Farzinfar"),
)

ADDRESSEE_TITLES = [
    "مدیرکل محترم امور طرح\u200cهای استانی",
    "مدیرکل محترم آب و آبادانی استان مرکزی",
    "معاون محترم فنی و اجرایی",
    "مدیرعامل محترم شرکت آب منطقه\u200cای جنوب",
    "رئیس محترم اداره امور قراردادها",
]
PROJECTS = [
    "سد مخزنی کوهسار",
    "آبرسانی دشت نیلوفر",
    "شبکه آبیاری دشت ارغوان",
    "تصفیه\u200cخانه شهرک بهاران",
    "کانال انتقال آب رودبار سبز",
]
SUBJECTS = [
    "گزارش پیشرفت طرح\u200cهای عمرانی",
    "بازرسی انبار مصالح",
    "دوره آموزشی ضوابط بازرسی فنی",
    "تمدید مهلت اجرای طرح",
    "جلسه هماهنگی طرح\u200cهای استانی",
    "اعتبارات مصوب سال جاری",
]

# First paragraphs: each mentions a date with its weekday ({meeting}); the sign says whether that
# date lies before (-1) or after (+1) the letter's date.
OPENINGS: list[tuple[str, int]] = [
    (
        "پیرو جلسه روز {meeting} در محل این دفتر، خواهشمند است دستور فرمایید گزارش پیشرفت فیزیکی "
        "طرح {project} به همراه صورت\u200cوضعیت\u200cهای "
        "تأییدشده، حداکثر تا پایان ماه جاری به این دفتر "
        "ارسال گردد.",
        -1,
    ),
    (
        "در بازرسی روز {meeting} از انبار مصالح طرح {project}، "
        "مغایرتی میان موجودی انبار و دفاتر ثبت "
        "مشاهده شد. خواهشمند است موضوع به دقت بررسی و نتیجه به این دفتر گزارش گردد.",
        -1,
    ),
    (
        "در اجرای بخشنامه شماره {ref} این وزارتخانه، دوره آموزشی ضوابط بازرسی فنی برای کارشناسان "
        "استانی روز {meeting} برگزار شد. خواهشمند است گزارش "
        "ارزیابی شرکت\u200cکنندگان را به این دفتر "
        "اعلام فرمایید.",
        -1,
    ),
    (
        "خواهشمند است ترتیبی اتخاذ فرمایید تا نماینده آن اداره کل در جلسه هماهنگی طرح {project} که "
        "روز {meeting} ساعت 9 صبح در سالن اجتماعات وزارتخانه برگزار می\u200cشود، حضور یابد.",
        +1,
    ),
    (
        "بازگشت به نامه شماره {ref} مورخ {meeting}، به آگاهی "
        "می\u200cرساند درخواست آن اداره کل برای "
        "تمدید مهلت اجرای طرح {project} در این دفتر بررسی شد و با سه ماه تمدید موافقت گردید.",
        -1,
    ),
]
MIDDLES = [
    "بر اساس بازدید کارشناسان این دفتر، در اجرای بخشی از کانال\u200cهای آبرسانی طرح یادشده تأخیر "
    "قابل توجهی مشاهده شده است. مقتضی است علل تأخیر و برنامه "
    "جبرانی پیمانکار به صورت مکتوب اعلام شود.",
    "به استحضار می\u200cرساند اعتبار مصوب سال جاری برای این طرح مبلغ {amount} ریال تعیین شده است. "
    "لازم است هزینه\u200cها صرفاً در چارچوب موافقت\u200cنامه "
    "مبادله\u200cشده انجام و اسناد مربوط نگهداری شود.",
    "نظر به اهمیت حفظ اسناد فنی طرح\u200cها، مقتضی است پرونده\u200cهای تکمیل\u200cشده پس از ثبت در "
    "دبیرخانه به بایگانی مرکزی تحویل و رسید آن به این دفتر ارسال گردد.",
    "با توجه به پایان مهلت قرارداد مشاور طرح، لازم است نظر آن اداره کل درباره تمدید یا خاتمه "
    "قرارداد حداکثر ظرف دو هفته به این دفتر اعلام شود.",
    "ضمناً گزارش کارشناس ناظر، آقای {person}، درباره وضعیت ایستگاه پمپاژ شماره {n} به پیوست ارسال "
    "می\u200cشود. لطفاً نتیجه اقدامات انجام\u200cشده را به این دفتر اعلام فرمایید.",
]
ENDINGS = [
    "",
    "از همکاری صمیمانه آن اداره کل در برگزاری بازدیدهای میدانی سپاسگزاری می\u200cشود.",
    "رعایت مفاد این نامه برای همه واحدهای تابعه الزامی است.",
]
# An Arabic paragraph (Arabic language and orthography: ي ك ة, Arabic-Indic digits, Arabic function
# words) for the orthography variant. It replaces MIDDLES[2] and must wrap to the same number of
# lines.
ARABIC_PARAGRAPH = (
    "وعلى هذا الأساس، يرجى من الإدارة العامة تسليم الملفات المكتملة الى الأرشيف المركزي في مدة "
    "أقصاها 15 يوماً، وإرسال نسخة من الإيصال الى هذا المكتب."
)
COPIES = [
    "معاونت محترم فنی و اجرایی وزارت، جهت استحضار",
    "اداره امور قراردادها، جهت اطلاع",
    "دبیرخانه دفتر، جهت بایگانی",
]


@dataclass(frozen=True)
class LetterSpec:
    """Everything that is printed on one letter of the office's template."""

    slug: str
    date: jdatetime.date
    number: str  # logical order, ASCII digits (printed with Persian digits)
    addressee: Person
    subject: str
    paragraphs: tuple[str, ...]  # already formatted, Persian digits
    meeting: jdatetime.date  # the date with weekday that the body mentions
    signatory: Person
    classification: str | None = None
    attachment: str = "ندارد"
    greeting: str = "با سلام و احترام،"
    closing: str = "با تشکر"
    copies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mods:
    """Deviations from the template used to build tampered variants.

    ``date_text``/``date_font`` retype the date value of the header block; ``line_overrides``
    maps a body line index to ``(text, font key, size factor)``; ``paragraph_override`` replaces
    a paragraph (index, text); ``letterhead`` shifts and rescales the emblem and office names.
    """

    date_text: str | None = None
    date_font: tuple[str, float] | None = None
    line_overrides: tuple[tuple[int, str, str, float], ...] = ()
    paragraph_override: tuple[int, str] | None = None
    letterhead: tuple[int, int, float] | None = None  # dx, dy, scale
    draw_signature: bool = True
    draw_seal: bool = True


# Names left out of farsi-faker's curated pools: misspellings, names of the other gender, words that
# are not surnames on their own, and surnames that would tie a fictional person to a famous one.
EXCLUDED_NAMES = frozenset(
    [
        "ابولقاسم",
        "هایده",
        "گیتی",
        "آرنیکا",
        "اعظم",
        "اخوان",
        "بابل",
        "آتابک",
        "بهرنگ",
        "زاده",
        "سادات",
        "خمینی",
        "طبسی",
        "شاملو",
    ]
)


class Names:
    """Fictional names, drawn with a seeded generator from farsi-faker's curated name pools.

    farsi-faker ships offline pools of Persian given names and surnames. Its large generated pool
    carries many misspellings, so only its curated pools of well-known names
    (``farsi_faker.data.seed_names``) are used, filtered by ``EXCLUDED_NAMES`` and checked for
    Arabic-only code points so that the letters carry no accidental Arabic orthography.
    """

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._pools = {
            "male": self._pool(seed_names.MALE_NAMES),
            "female": self._pool(seed_names.FEMALE_NAMES),
            "last": self._pool(seed_names.LAST_NAMES),
        }
        self._seen: set[str] = set()

    @staticmethod
    def _pool(names: Iterable[str]) -> tuple[str, ...]:
        arabic_only = set("\u0643\u064a\u0649\u0629")
        kept = (n for n in dict.fromkeys(names) if n not in EXCLUDED_NAMES)
        return tuple(n for n in kept if not arabic_only & set(n))

    def first(self, gender: str) -> str:
        """Return a given name (``gender`` is ``"male"`` or ``"female"``; names may repeat)."""
        return self._rng.choice(self._pools[gender])

    def full(self, gender: str) -> dict[str, str]:
        """Return a new, unique ``{"first_name", "last_name", "name", "gender"}`` record."""
        while True:
            first, last = self.first(gender), self._rng.choice(self._pools["last"])
            name = f"{first} {last}"
            if name not in self._seen:
                self._seen.add(name)
                return {"first_name": first, "last_name": last, "name": name, "gender": gender}


# --------------------------------------------------------------------------------------------------
# The letters of the corpus
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """One letter's content choices (indices into the text pools) and its role in the corpus."""

    slug: str
    date: tuple[int, int, int]
    serial: int
    signatory: Person
    opening: int
    middle: int
    ending: int
    subject: int
    classification: str | None = None


PLANS: list[Plan] = [
    Plan("exemplar_01", (1379, 11, 16), 2231, HEAD, 0, 0, 1, 0),
    Plan("exemplar_02", (1380, 1, 27), 3307, HEAD, 3, 1, 0, 4, "محرمانه"),
    Plan("exemplar_03", (1380, 4, 5), 4518, DEPUTY, 1, 2, 2, 1),
    Plan("exemplar_04", (1381, 2, 9), 1064, HEAD, 2, 4, 0, 2),
    Plan("control_01", (1380, 3, 12), 4102, HEAD, 4, 3, 1, 3),
    Plan("t01", (1380, 5, 21), 5120, HEAD, 0, 3, 2, 0),
    Plan("t02", (1379, 9, 14), 1875, DEPUTY, 1, 0, 1, 1),
    Plan("t03", (1380, 8, 3), 6233, HEAD, 2, 2, 0, 2),
    Plan("t04", (1381, 1, 25), 912, HEAD, 3, 1, 2, 5),
    Plan("t05", (1380, 2, 30), 3840, HEAD, 0, 0, 2, 0, "محرمانه"),
    Plan("t06", (1381, 7, 13), 2719, DEPUTY, 4, 0, 1, 3),
    Plan("t07", (1380, 10, 18), 7402, HEAD, 1, 2, 1, 1),
    Plan("t08", (1379, 12, 6), 2968, HEAD, 3, 4, 0, 4),
    Plan("t09", (1381, 3, 19), 1533, HEAD, 2, 1, 2, 5),
]


def meeting_date(slug: str, date: jdatetime.date, sign: int) -> jdatetime.date:
    """Pick the date the body mentions: 2-9 days before or after the letter, never a Friday."""
    rng = rng_for("meeting", slug)
    for _ in range(50):
        days = int(rng.integers(2, 10))
        candidate = date + jdatetime.timedelta(days=sign * days)
        if candidate.weekday() != 6:
            return candidate
    raise CorpusError(f"{slug}: no meeting date found")  # pragma: no cover


def make_spec(plan: Plan, names: Names) -> LetterSpec:
    """Turn a plan into a letter: fill the text pools with names, projects, numbers and dates."""
    rng = rng_for("content", plan.slug)
    date = jdatetime.date(*plan.date)
    if date.weekday() == 6:
        raise CorpusError(f"{plan.slug}: letters are not issued on Fridays ({jalali_ascii(date)})")
    opening, sign = OPENINGS[plan.opening]
    meeting = meeting_date(plan.slug, date, sign)
    project = PROJECTS[int(rng.integers(len(PROJECTS)))]
    values = {
        "meeting": jalali_words(meeting).replace(" ", NBSP),
        "project": project,
        "ref": f"{int(rng.integers(100, 999))}/{int(rng.integers(1000, 9999))}",
        "amount": f"{int(rng.integers(12, 95)) * 500_000_000:,}".replace(",", "٬"),
        "person": names.full("male")["name"],
        "n": str(int(rng.integers(2, 9))),
    }
    paragraphs = [opening, MIDDLES[plan.middle]]
    if ENDINGS[plan.ending]:
        paragraphs.append(ENDINGS[plan.ending])
    honorific = ["مهندس ", "دکتر ", ""][int(rng.integers(3))]
    addressee = Person(
        honorific + names.full("male")["name"],
        title=ADDRESSEE_TITLES[int(rng.integers(len(ADDRESSEE_TITLES)))],
    )
    n_copies = int(rng.integers(1, 3))
    return LetterSpec(
        slug=plan.slug,
        date=date,
        number=f"{plan.serial}/{str(plan.date[0])[2:]}/ب",
        addressee=addressee,
        subject=SUBJECTS[plan.subject],
        paragraphs=tuple(fa_digits(p.format(**values)) for p in paragraphs),
        meeting=meeting,
        signatory=plan.signatory,
        classification=plan.classification,
        attachment="دارد" if plan.middle == 4 else "ندارد",
        copies=tuple(COPIES[:n_copies]),
    )


QUESTIONED_DATE = jdatetime.date(1380, 2, 24)


def questioned_spec() -> LetterSpec:
    """The questioned letter, modelled on the motivating case (all names and texts fictional)."""
    meeting = jdatetime.date(1380, 2, 22)
    a, b = Q_CONTACTS
    paragraphs = (
        f"پیرو جلسه روز {jalali_words(meeting).replace(' ', NBSP)} و بنا به دستور مقام محترم "
        "وزارت، مقرر گردید بررسی قراردادهای طرح سد مخزنی کوهسار با دقت و سرعت بیشتری انجام شود.",
        "ایشان تأکید فرمودند که در این مرحله باید بسیار دقیق و "
        "هوشیار بود تا هیچ سندی که بر جایگاه و "
        "برنامه\u200cهای آینده این وزارتخانه اثر منفی بگذارد، بر جای نماند.",
        "همچنین مقرر شد ارتباط با پیمانکار طرف قرارداد مانند "
        f"گذشته تنها از طریق دو نفر، آقایان {a.name}"
        f" و {b.name}، انجام گیرد و گزارش اقدامات تا پایان خرداد ماه به این دفتر ارسال شود.",
    )
    return LetterSpec(
        slug="questioned",
        date=QUESTIONED_DATE,
        number="1247/80/ب",
        addressee=Person("مهندس " + Q_ADDRESSEE.name, Q_ADDRESSEE.latin, Q_ADDRESSEE.title),
        subject="دستورالعمل هماهنگی با پیمانکاران طرح سد مخزنی کوهسار",
        paragraphs=tuple(fa_digits(p) for p in paragraphs),
        meeting=meeting,
        signatory=HEAD,
        classification="محرمانه",
        greeting="سلام علیکم،",
        closing="والسلام",
        copies=("دفتر مقام محترم وزارت، جهت استحضار",),
    )


QUESTIONED_TRANSLATION = """\
English translation of questioned/letter_1380-02-24.jpg (fictional document; the names, office and
contents are invented for the samples corpus)

[Emblem]  Ministry of Water and Development
          Inspection and Supervision Office

In the Name of the Exalted
CONFIDENTIAL

No.: 1247/80/B
Date: 1380/02/24 [Monday, 14 May 2001]
Attachment: none

Mr. Engineer Behrouz Azarmehr
Honourable Director-General for Provincial Projects

Subject: Instructions for coordination with the contractors of the Kuhsar reservoir dam project

Peace be upon you,

Following the meeting of Saturday 22 Ordibehesht 1380 [12 May 2001], and by order of His Excellency
the Minister, it was decided that the review of the contracts of the Kuhsar reservoir dam project be
carried out with greater care and speed.

He stressed that at this stage we must be very careful and very alert, so that no document is left
behind that could have a negative effect on the standing and the future plans of this ministry.

It was also decided that, as before, contact with the contracting firm be made only through two
people, Messrs Kamran Sadri and Davoud Farzinfar, and that a report of the actions taken be sent to
this office by the end of the month of Khordad.

Wassalam [closing formula]

                                   [signature]   [round seal: "Ministry of Water and Development *
Seyyed Morteza Kavianpour                         Inspection and Supervision Office"]
Head of the Inspection and Supervision Office

Copy: Office of His Excellency the Minister, for his information.
CONFIDENTIAL
Address: Niloufar Street, Arghavan Alley, No. 12. Telephone: 88724153. Fax: 88724160.
"""

QUESTIONED_CLAIMS = {
    "date": "2001-05-14",
    "author": "Seyyed Morteza Kavianpour, who heads the Ministry of Water and Development",
    "addressee": "Behrouz Azarmehr, Director-General for Provincial Projects",
    "office": MINISTRY_EN,
    "language": "fa",
    "source": "JPEG published with a web magazine article on 2003-06-24 (fictional)",
}
