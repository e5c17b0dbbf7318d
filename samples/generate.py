"""Generate the samples corpus: fictional Persian letters, tampered variants, a names list.

The corpus gives the tests, the demo and the benchmarks documents with known ground truth, shaped
like the motivating case (a scanned Farsi letter dated 1380/02/24 published as a web JPEG, its
English translation, and a list of names). Real documents cannot be shipped, so every office,
person, number and text here is invented.

Everything is deterministic: fixed seeds (derived from names with SHA-256, never Python's salted
``hash``), no timestamps in the written files, fonts from Debian packages, and Persian text shaped
right-to-left by Pillow's raqm layout. Running the script twice on one machine gives byte-identical
files; across library versions the decoded pixels may differ by a level or two, which the tests
allow.

Usage::

    python samples/generate.py                 # rewrite the committed corpus next to this script
    python samples/generate.py --out DIR       # write the corpus somewhere else
    python samples/generate.py --sources       # also write OUT/sources/: the untampered scans

See ``samples/README.md`` for what each document is and ``samples/manifest.schema.json`` for the
manifest's shape.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import html
import io
import json
import math
import random
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import jdatetime
import numpy as np
from farsi_faker.data import seed_names
from hijridate import Gregorian
from PIL import Image, ImageDraw, ImageFont, features

# --------------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------------

SEED = 1380  # root of every seed in the corpus; change it and every document changes
DPI = 300
A5 = (1748, 2480)  # 148 x 210 mm at 300 dpi: Persian office letters are often A5
A4 = (2480, 3508)
TEMPLATE = "office-letter-v1"
ZWNJ = "\u200c"
NBSP = "\u00a0"

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive), page pixels

#: Fonts by key: (Debian install path, Debian package that provides it).
FONTS: dict[str, tuple[str, str]] = {
    "nazli": ("/usr/share/fonts/truetype/farsiweb/nazli.ttf", "fonts-farsiweb"),
    "nazli-bold": ("/usr/share/fonts/truetype/farsiweb/nazlib.ttf", "fonts-farsiweb"),
    "titr": ("/usr/share/fonts/truetype/farsiweb/titr.ttf", "fonts-farsiweb"),
    "homa": ("/usr/share/fonts/truetype/farsiweb/homa.ttf", "fonts-farsiweb"),
    "naskh": ("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf", "fonts-noto-core"),
}

FA_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
AR_DIGITS = "٠١٢٣٤٥٦٧٨٩"
MONTHS_FA = [
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
# jdatetime numbers weekdays from Saturday (0) to Friday (6).
WEEKDAYS_FA = ["شنبه", "یکشنبه", "دوشنبه", "سه\u200cشنبه", "چهارشنبه", "پنجشنبه", "جمعه"]
WEEKDAYS_EN = ["Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

# The fictional issuing office. Its parent ministry does not exist.
MINISTRY_FA = "وزارت آب و آبادانی"
OFFICE_FA = "دفتر بازرسی و نظارت"
MINISTRY_EN = "Ministry of Water and Development"
OFFICE_EN = "Inspection and Supervision Office, Ministry of Water and Development"
FOOTER_FA = "نشانی: خیابان نیلوفر، کوچه ارغوان، پلاک 12، تلفن: 88724153، دورنگار: 88724160"


class CorpusError(RuntimeError):
    """A prerequisite of the generator (font, shaping library) is missing."""


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def derive_seed(*parts: object) -> int:
    """Return a 32-bit seed derived from ``SEED`` and ``parts`` (stable across runs)."""
    text = ":".join([str(SEED), *map(str, parts)])
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


def rng_for(*parts: object) -> np.random.Generator:
    """Return a NumPy generator seeded from ``parts``: one per element, so edits stay local."""
    return np.random.default_rng(derive_seed(*parts))


def fa_digits(text: str) -> str:
    """Replace ASCII digits by Persian digits (U+06F0-U+06F9)."""
    return text.translate(str.maketrans("0123456789", FA_DIGITS))


def ar_digits(text: str) -> str:
    """Replace ASCII and Persian digits by Arabic-Indic digits (U+0660-U+0669)."""
    table = str.maketrans("0123456789" + FA_DIGITS, AR_DIGITS * 2)
    return text.translate(table)


def jalali_numeric(date: jdatetime.date) -> str:
    """Format a Solar Hijri date the way a letter's date block prints it: «۱۳۸۰/۰۲/۲۴»."""
    return fa_digits(f"{date.year:04d}/{date.month:02d}/{date.day:02d}")


def jalali_ascii(date: jdatetime.date) -> str:
    """Format a Solar Hijri date with ASCII digits for the manifest: ``1380/02/24``."""
    return f"{date.year:04d}/{date.month:02d}/{date.day:02d}"


def jalali_words(date: jdatetime.date, weekday: int | None = None) -> str:
    """Format a date as a letter body writes it: «دوشنبه ۲۴ اردیبهشت ۱۳۸۰».

    ``weekday`` overrides the printed weekday (used to build an inconsistent date on purpose).
    """
    day = date.weekday() if weekday is None else weekday
    return fa_digits(f"{WEEKDAYS_FA[day]} {date.day} {MONTHS_FA[date.month - 1]} {date.year}")


def box_xywh(box: Box) -> list[int]:
    """Convert ``(x0, y0, x1, y1)`` to the manifest's ``[x, y, w, h]``."""
    return [int(box[0]), int(box[1]), int(box[2] - box[0]), int(box[3] - box[1])]


def union(boxes: Iterable[Box]) -> Box:
    """Return the smallest box containing all ``boxes``."""
    items = list(boxes)
    return (
        min(b[0] for b in items),
        min(b[1] for b in items),
        max(b[2] for b in items),
        max(b[3] for b in items),
    )


def pad(box: Box, margin: int, size: tuple[int, int]) -> Box:
    """Grow ``box`` by ``margin`` pixels on every side, clipped to an image of ``size`` (w, h)."""
    return (
        max(0, box[0] - margin),
        max(0, box[1] - margin),
        min(size[0], box[2] + margin),
        min(size[1], box[3] + margin),
    )


def mask_bbox(mask: np.ndarray) -> Box:
    """Return the bounding box ``(x0, y0, x1, y1)`` of a mask's nonzero pixels."""
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


# --------------------------------------------------------------------------------------------------
# Fonts and text
# --------------------------------------------------------------------------------------------------


def check_prerequisites() -> None:
    """Fail early, with an actionable message, when shaping or a font is missing."""
    if not features.check("raqm"):
        raise CorpusError(
            "Pillow cannot shape right-to-left text: libraqm is not available. "
            "Install the Debian packages libraqm0 and libfribidi0 "
            "(apt-get install libraqm0 libfribidi0)."
        )
    for key, (path, package) in FONTS.items():
        if not Path(path).is_file():
            raise CorpusError(
                f"font {key!r} not found at {path}: install the Debian package {package} "
                f"(apt-get install {package})"
            )


@functools.cache
def font(key: str, size: int) -> ImageFont.FreeTypeFont:
    """Load font ``key`` at ``size`` pixels with raqm layout (needed for Persian shaping)."""
    path, package = FONTS[key]
    try:
        return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)
    except OSError as exc:  # pragma: no cover - depends on the system
        raise CorpusError(f"cannot load {path}: install the Debian package {package}") from exc


def text_width(text: str, fnt: ImageFont.FreeTypeFont) -> float:
    """Advance width of a right-to-left Persian string."""
    return fnt.getlength(text, direction="rtl", language="fa")


def draw_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    fnt: ImageFont.FreeTypeFont,
    anchor: str = "rs",
    fill: int = 255,
) -> Box:
    """Draw right-to-left Persian text and return its ink box ``(x0, y0, x1, y1)``.

    The default anchor is right/baseline, which is how Persian lines are set.
    """
    kwargs = {"font": fnt, "anchor": anchor, "direction": "rtl", "language": "fa"}
    draw.text(xy, text, fill=fill, **kwargs)
    x0, y0, x1, y1 = draw.textbbox(xy, text, **kwargs)
    return int(x0), int(y0), int(x1), int(y1)


def wrap(text: str, fnt: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap of a Persian paragraph to ``width`` pixels.

    Words are split on plain spaces only, so ZWNJ stays inside words and a no-break space keeps a
    date phrase such as «دوشنبه ۲۴ اردیبهشت ۱۳۸۰» on one line.
    """
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, fnt) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


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
# Letter layout and rendering
# --------------------------------------------------------------------------------------------------

RIGHT = 1598  # right text edge (150 px margin on A5)
LEFT = 150
BODY_TOP = 820  # baseline of the first body line
BODY_PITCH = 92
BODY_SIZE = 54  # 13 pt at 300 dpi
MAX_BODY_LINES = 9
SIG_CENTER_X = 400
SIGNATURE_ZONE: Box = (190, 1735, 610, 1925)
SEAL_CENTER = (850, 1920)
SEAL_RADIUS = 160
LETTERHEAD_BOX: Box = (1250, 70, 1660, 420)  # emblem plus ministry and office names


@dataclass
class Layers:
    """Ink densities (0 = paper, 1 = full ink) of one page, one float32 array per ink."""

    text: np.ndarray
    signature: np.ndarray
    seal: np.ndarray

    @classmethod
    def blank(cls, size: tuple[int, int]) -> Layers:
        w, h = size
        return cls(*(np.zeros((h, w), np.float32) for _ in range(3)))


@dataclass
class Rendered:
    """A rendered page: its ink layers and the boxes of its elements (page pixels)."""

    layers: Layers
    regions: dict[str, Box] = field(default_factory=dict)
    lines: list[dict[str, object]] = field(default_factory=list)


def _supersampled(
    size: tuple[int, int], factor: int = 4
) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("L", (size[0] * factor, size[1] * factor), 0)
    return img, ImageDraw.Draw(img)


def _downsample(img: Image.Image, factor: int = 4) -> np.ndarray:
    arr = np.asarray(img, np.float32) / 255.0
    h, w = arr.shape
    return cv2.resize(arr, (w // factor, h // factor), interpolation=cv2.INTER_AREA)


def draw_emblem(size: int) -> np.ndarray:
    """Draw the office's (fictional) emblem as vector shapes: a ring, a wreath, a drop and waves."""
    k = 4
    img, d = _supersampled((size, size), k)
    s = size * k
    c = s / 2
    d.ellipse([k * 2, k * 2, s - k * 2, s - k * 2], outline=255, width=3 * k)
    d.ellipse([s * 0.09, s * 0.09, s * 0.91, s * 0.91], outline=255, width=k)
    # wreath: two arcs of leaves rising from the bottom along both sides
    r = s * 0.33
    for side in (-1, 1):
        for i in range(7):
            theta = math.radians(28 + i * 21)
            x, y = c + side * r * math.sin(theta), c + r * math.cos(theta)
            ux, uy = side * math.cos(theta), -math.sin(theta)  # tangent, pointing upwards
            a, b = s * 0.05, s * 0.02
            leaf = [
                (
                    x + a * math.cos(t) * ux - b * math.sin(t) * uy,
                    y + a * math.cos(t) * uy + b * math.sin(t) * ux,
                )
                for t in np.linspace(0, 2 * math.pi, 24)
            ]
            d.polygon(leaf, fill=255)
    # water drop
    drop = []
    for t in np.linspace(0, 2 * math.pi, 90):
        x = c + s * 0.13 * math.sin(t) * (1 - math.cos(t)) * 0.85
        y = c - s * 0.02 - s * 0.2 * math.cos(t)
        drop.append((x, y))
    d.polygon(drop, fill=255)
    # waves under the drop
    for j in range(3):
        y0 = c + s * (0.17 + j * 0.065)
        pts = [
            (c + (t - 0.5) * s * 0.5, y0 + math.sin(t * 4 * math.pi) * s * 0.018)
            for t in np.linspace(0, 1, 60)
        ]
        d.line(pts, fill=255, width=int(k * 2.5))
    # an eight-pointed star above the drop
    cx, cy, r1, r2 = c, c - s * 0.3, s * 0.045, s * 0.02
    star = [
        (
            cx + (r1 if i % 2 == 0 else r2) * math.sin(i * math.pi / 8),
            cy - (r1 if i % 2 == 0 else r2) * math.cos(i * math.pi / 8),
        )
        for i in range(16)
    ]
    d.polygon(star, fill=255)
    return _downsample(img, k)


def _catmull_rom(points: np.ndarray, samples: int = 120) -> np.ndarray:
    """Smooth curve through ``points`` (n x 2), as a pen moving through them would draw it."""
    p = np.vstack([points[:1], points, points[-1:]])
    t = np.linspace(0, 1, samples, endpoint=False)[:, None]
    segments = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        segments.append(
            0.5
            * (
                2 * p1
                + (p2 - p0) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                + (3 * p1 - p0 - 3 * p2 + p3) * t**3
            )
        )
    return np.vstack([*segments, p[-2:-1]])


def draw_signature(
    size: tuple[int, int], person: Person, letter_rng: np.random.Generator
) -> np.ndarray:
    """Draw a handwritten-looking signature stroke.

    The shape comes from the person (same signatory, same signature: control points of a pen path
    written right to left, a loop or two, a closing flourish) and the letter adds the small
    variation real signatures have, so two genuine letters never carry pixel-identical signatures.
    """
    k = 3
    w, h = size
    prng = rng_for("signature", person.name)
    n = int(prng.integers(7, 11))
    xs = np.sort(prng.uniform(0.15, 0.9, n))[::-1]
    ys = 0.5 + np.where(np.arange(n) % 2 == 0, -1, 1) * prng.uniform(0.1, 0.35, n)
    points = list(zip(xs, ys, strict=True))
    for _ in range(int(prng.integers(1, 3))):  # loops: the pen goes back to the right and down
        i = int(prng.integers(1, n - 1))
        x, y = points[i]
        points[i + 1 : i + 1] = [(x + 0.06, y + 0.18), (x - 0.02, y + 0.1)]
    last_x, last_y = points[-1]
    points += [(last_x - 0.04, last_y + 0.25), (0.55, 0.78), (0.92, 0.7)]  # flourish
    ctrl = np.array(points) + letter_rng.normal(0, 0.012, (len(points), 2))
    path = _catmull_rom(ctrl)
    path[:, 0] = 0.05 + 0.9 * (path[:, 0] - path[:, 0].min()) / (np.ptp(path[:, 0]) + 1e-9)
    path[:, 1] = 0.1 + 0.8 * (path[:, 1] - path[:, 1].min()) / (np.ptp(path[:, 1]) + 1e-9)
    rot = float(letter_rng.normal(0, 0.03))
    dx, dy = np.clip(letter_rng.normal(0, 4, 2), -7, 7)
    px, py = path[:, 0] * w, path[:, 1] * h
    cx, cy = w / 2, h / 2
    px, py = (
        cx + (px - cx) * math.cos(rot) - (py - cy) * math.sin(rot) + dx,
        cy + (px - cx) * math.sin(rot) + (py - cy) * math.cos(rot) + dy,
    )
    speed = np.hypot(np.gradient(px), np.gradient(py))
    width = np.clip(5.0 - speed * 1.2, 2.0, 5.0)
    canvas = np.zeros((h * k, w * k), np.uint8)
    for x, y, pw in zip(px, py, width, strict=True):
        cv2.circle(canvas, (int(x * k), int(y * k)), max(1, int(pw * k / 2)), 255, -1, cv2.LINE_AA)
    arr = cv2.resize(canvas.astype(np.float32) / 255.0, (w, h), interpolation=cv2.INTER_AREA)
    return np.clip(arr, 0, 1)


def _ring_text(text: str, size: int, radius_top: float, fnt: ImageFont.FreeTypeFont) -> np.ndarray:
    """Bend a shaped Persian line around a circle, upright at the top, as seal makers do.

    The line is shaped once on a straight strip (so raqm joins the letters) and the strip is then
    mapped onto the ring: strip x becomes the angle (clockwise from the top, centred on the top) and
    strip y the distance inwards from ``radius_top``.
    """
    length = int(text_width(text, fnt)) + 8
    height = int(fnt.size * 1.45)
    strip = Image.new("L", (length, height), 0)
    draw_text(ImageDraw.Draw(strip), (length - 4, int(fnt.size * 1.0)), text, fnt)
    strip_arr = np.asarray(strip, np.float32)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    c = (size - 1) / 2
    dx, dy = xx - c, yy - c
    r = np.hypot(dx, dy)
    ang = np.arctan2(dx, -dy)
    r_base = radius_top - fnt.size * 1.0
    map_x = (length / 2 + ang * r_base).astype(np.float32)
    map_y = (radius_top - r).astype(np.float32)
    out = cv2.remap(
        strip_arr, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    return out / 255.0


@functools.lru_cache(maxsize=4)
def seal_image(radius: int) -> np.ndarray:
    """Draw the office's round seal: two rings, names around the ring, emblem and name inside."""
    k = 2
    size = (2 * radius + 12) * k
    img, d = _supersampled((size // k, size // k), k)
    c = (size - 1) / 2
    r = radius * k
    d.ellipse([c - r, c - r, c + r, c + r], outline=255, width=6 * k)
    ri = r * 0.68
    d.ellipse([c - ri, c - ri, c + ri, c + ri], outline=255, width=3 * k)
    arr = np.asarray(img, np.float32) / 255.0
    ring_text = f"{MINISTRY_FA}  *  {OFFICE_FA}  *"
    radius_top = r - 11 * k
    # fill about 330 degrees of the ring's baseline circle
    base = font("nazli-bold", 26 * k)
    target = 2 * math.pi * (radius_top - 26 * k) * 330 / 360
    fsize = max(20 * k, min(30 * k, round(26 * k * target / text_width(ring_text, base))))
    ring = _ring_text(ring_text, size, radius_top, font("nazli-bold", fsize))
    arr = np.maximum(arr, ring)
    inner = Image.new("L", (size, size), 0)
    di = ImageDraw.Draw(inner)
    f1 = font("titr", 30 * k)
    draw_text(di, (c, c + 14 * k), "دفتر بازرسی", f1, anchor="ms")
    draw_text(di, (c, c + 56 * k), "و نظارت", f1, anchor="ms")
    emb = draw_emblem(int(ri * 0.62))
    eh, ew = emb.shape
    ey, ex = int(c - ri * 0.88), int(c - ew / 2)
    arr[ey : ey + eh, ex : ex + ew] = np.maximum(arr[ey : ey + eh, ex : ex + ew], emb)
    arr = np.maximum(arr, np.asarray(inner, np.float32) / 255.0)
    return cv2.resize(arr, (size // k, size // k), interpolation=cv2.INTER_AREA)


def stamp_seal(
    layer: np.ndarray, center: tuple[int, int], radius: int, rng: np.random.Generator
) -> Box:
    """Stamp the seal at ``center`` with a random angle and uneven ink; return its box."""
    seal = seal_image(radius)
    size = seal.shape[0]
    angle = float(rng.uniform(-25, 25))
    m = cv2.getRotationMatrix2D(((size - 1) / 2, (size - 1) / 2), angle, 1.0)
    seal = cv2.warpAffine(seal, m, (size, size), flags=cv2.INTER_LINEAR)
    # uneven pressure: a smooth field plus a one-sided fade
    field_small = rng.uniform(0.55, 1.0, (6, 6)).astype(np.float32)
    pressure = cv2.resize(field_small, (size, size), interpolation=cv2.INTER_CUBIC)
    tilt = np.linspace(rng.uniform(0.75, 0.95), 1.0, size, dtype=np.float32)
    speck = (rng.random((size, size)) > 0.08).astype(np.float32)
    speck = cv2.GaussianBlur(speck, (0, 0), 0.8)
    density = np.clip(seal * pressure * tilt[None, :] * speck * 0.85, 0, 1)
    x0, y0 = center[0] - size // 2, center[1] - size // 2
    region = layer[y0 : y0 + size, x0 : x0 + size]
    np.maximum(region, density, out=region)
    return x0, y0, x0 + size, y0 + size


def render_letterhead(size: tuple[int, int]) -> np.ndarray:
    """Render the letterhead block (emblem over the ministry's and office's names)."""
    w = LETTERHEAD_BOX[2] - LETTERHEAD_BOX[0]
    h = LETTERHEAD_BOX[3] - LETTERHEAD_BOX[1]
    img = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(img)
    emb = draw_emblem(170)
    arr = np.zeros((h, w), np.float32)
    ex = (w - 170) // 2
    arr[10:180, ex : ex + 170] = emb
    draw_text(d, (w / 2, 245), MINISTRY_FA, font("titr", 40), anchor="ms")
    draw_text(d, (w / 2, 310), OFFICE_FA, font("nazli-bold", 38), anchor="ms")
    return np.maximum(arr, np.asarray(img, np.float32) / 255.0)


def render_letter(spec: LetterSpec, mods: Mods = Mods(), size: tuple[int, int] = A5) -> Rendered:
    """Render a letter of the office's template into ink layers and element boxes."""
    layers = Layers.blank(size)
    out = Rendered(layers)
    img = Image.new("L", size, 0)
    d = ImageDraw.Draw(img)
    regions = out.regions

    # letterhead (top right)
    head = render_letterhead(size)
    lx0, ly0 = LETTERHEAD_BOX[0], LETTERHEAD_BOX[1]
    if mods.letterhead:
        dx, dy, scale = mods.letterhead
        hh, hw = head.shape
        head = cv2.resize(
            head, (round(hw * scale), round(hh * scale)), interpolation=cv2.INTER_CUBIC
        )
        head = np.clip(head, 0, 1)
        lx0, ly0 = lx0 + dx - (head.shape[1] - hw) // 2, ly0 + dy
    hh, hw = head.shape
    region = layers.text[ly0 : ly0 + hh, lx0 : lx0 + hw]
    np.maximum(region, head[: region.shape[0], : region.shape[1]], out=region)
    regions["letterhead"] = (lx0, ly0, lx0 + hw, ly0 + hh)

    # heading formula and classification (top centre)
    regions["heading"] = draw_text(
        d, (size[0] / 2, 130), "بسمه تعالی", font("titr", 44), anchor="ms"
    )
    if spec.classification:
        b = draw_text(d, (size[0] / 2, 235), spec.classification, font("titr", 46), anchor="ms")
        frame = pad(b, 14, size)
        d.rectangle(frame, outline=255, width=4)
        regions["classification"] = frame

    # number / date / attachment block (top left)
    label_font = font("nazli-bold", 44)
    value_font = font("nazli", 44)
    label_x = 560
    rows = [
        ("شماره:", fa_digits(spec.number), "number"),
        ("تاریخ:", mods.date_text or jalali_numeric(spec.date), "date"),
        ("پیوست:", spec.attachment, "attachment"),
    ]
    for i, (label, value, key) in enumerate(rows):
        y = 190 + i * 72
        lb = draw_text(d, (label_x, y), label, label_font)
        vf = value_font
        if key == "date" and mods.date_font:
            vf = font(mods.date_font[0], round(44 * mods.date_font[1]))
        vb = draw_text(d, (lb[0] - 14, y), value, vf)
        regions[f"{key}_value"] = vb
        regions[f"{key}_line"] = union([lb, vb])
    d.line([(LEFT, 430), (RIGHT, 430)], fill=255, width=3)

    # addressee, subject, greeting
    regions["addressee"] = union(
        [
            draw_text(d, (RIGHT, 510), f"جناب آقای {spec.addressee.name}", font("nazli-bold", 50)),
            draw_text(d, (RIGHT, 578), spec.addressee.title, font("nazli-bold", 50)),
        ]
    )
    regions["subject"] = draw_text(
        d, (RIGHT, 660), f"موضوع: {spec.subject}", font("nazli-bold", 50)
    )
    regions["greeting"] = draw_text(d, (RIGHT, 740), spec.greeting, font("nazli", BODY_SIZE))

    # body
    body_font = font("nazli", BODY_SIZE)
    paragraphs = list(spec.paragraphs)
    if mods.paragraph_override:
        paragraphs[mods.paragraph_override[0]] = mods.paragraph_override[1]
    lines: list[tuple[int, str]] = []
    for p, text in enumerate(paragraphs):
        lines.extend((p, line) for line in wrap(text, body_font, RIGHT - LEFT))
    if len(lines) > MAX_BODY_LINES:
        raise CorpusError(f"{spec.slug}: body has {len(lines)} lines, more than {MAX_BODY_LINES}")
    overrides = {i: (t, f, s) for i, t, f, s in mods.line_overrides}
    body_boxes = []
    for i, (p, text) in enumerate(lines):
        y = BODY_TOP + i * BODY_PITCH
        fnt, key = body_font, "nazli"
        if i in overrides:
            text, key, scale = overrides[i]
            fnt = font(key, round(BODY_SIZE * scale))
        b = draw_text(d, (RIGHT, y), text, fnt)
        body_boxes.append(b)
        out.lines.append({"index": i, "paragraph": p, "text": text, "font": key, "box": b})
    regions["body"] = union(body_boxes)

    # closing and signature block (lower left)
    end_y = BODY_TOP + (len(lines) - 1) * BODY_PITCH
    regions["closing"] = draw_text(
        d, (SIG_CENTER_X, max(end_y + 100, 1660)), spec.closing, font("nazli-bold", 50), anchor="ms"
    )
    regions["signatory"] = union(
        [
            draw_text(
                d, (SIG_CENTER_X, 2005), spec.signatory.name, font("nazli-bold", 48), anchor="ms"
            ),
            draw_text(
                d, (SIG_CENTER_X, 2070), spec.signatory.title, font("nazli", 42), anchor="ms"
            ),
        ]
    )
    sx0, sy0, sx1, sy1 = SIGNATURE_ZONE
    if mods.draw_signature:
        sig = draw_signature((sx1 - sx0, sy1 - sy0), spec.signatory, rng_for("sig", spec.slug))
        layers.signature[sy0:sy1, sx0:sx1] = sig
    regions["signature"] = SIGNATURE_ZONE
    if mods.draw_seal:
        regions["seal"] = stamp_seal(
            layers.seal, SEAL_CENTER, SEAL_RADIUS, rng_for("seal", spec.slug)
        )

    # copies, foot classification, footer
    if spec.copies:
        cf = font("nazli", 40)
        boxes = [draw_text(d, (RIGHT, 2185), "رونوشت:", font("nazli-bold", 40))]
        for i, line in enumerate(spec.copies):
            boxes.append(draw_text(d, (RIGHT - 30, 2245 + i * 58), f"- {line}", cf))
        regions["copies"] = union(boxes)
    if spec.classification:
        regions["classification_foot"] = draw_text(
            d, (size[0] / 2, 2360), spec.classification, font("titr", 36), anchor="ms"
        )
    d.line([(LEFT, 2380), (RIGHT, 2380)], fill=255, width=2)
    regions["footer"] = draw_text(
        d, (size[0] / 2, 2430), fa_digits(FOOTER_FA), font("nazli", 32), anchor="ms"
    )

    np.maximum(layers.text, np.asarray(img, np.float32) / 255.0, out=layers.text)
    return out


# --------------------------------------------------------------------------------------------------
# Scan simulation
# --------------------------------------------------------------------------------------------------


RGB = tuple[float, float, float]


@dataclass(frozen=True)
class ScanProfile:
    """How a page is printed on paper and scanned (reflectances are relative, 1 = white)."""

    name: str
    paper: RGB = (0.94, 0.935, 0.91)
    texture: float = 0.012  # amplitude of low-frequency paper mottling
    fibres: int = 70  # faint fibres in the paper
    specks: int = 25  # dust and paper specks
    skew: tuple[float, float] = (0.2, 0.8)  # |degrees|
    shift: float = 5.0  # pixels
    blur: float = 0.75  # optical blur, Gaussian sigma in pixels
    noise_fraction: float = 0.02  # share of pixels carrying sensor noise
    noise_sigma: float = 5.0  # levels
    toner: float = 0.08  # unevenness of the printed text
    ink_text: RGB = (0.07, 0.07, 0.08)  # black toner
    ink_signature: RGB = (0.16, 0.2, 0.52)  # blue ballpoint
    ink_seal: RGB = (0.42, 0.36, 0.72)  # violet stamp-pad ink


#: The scanner every exemplar, the control and the tampered letters went through.
OFFICE_SCANNER = ScanProfile("office-flatbed-300dpi")
#: The questioned letter's scanner: a little dirtier and noisier, colour.
OLD_SCANNER = ScanProfile(
    "older-flatbed-colour",
    paper=(0.93, 0.91, 0.85),
    texture=0.02,
    specks=60,
    noise_fraction=0.08,
    noise_sigma=6.0,
    blur=0.9,
)


def _luma(rgb: Sequence[float]) -> float:
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def _lowfreq(rng: np.random.Generator, h: int, w: int, cell: int) -> np.ndarray:
    """Smooth random field with features about ``cell`` pixels wide and unit-ish deviation."""
    gh, gw = h // cell + 4, w // cell + 4
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    up = cv2.resize(grid, (gw * cell, gh * cell), interpolation=cv2.INTER_CUBIC)
    return up[2 * cell : 2 * cell + h, 2 * cell : 2 * cell + w] / (float(grid.std()) + 1e-6)


def scan_matrix(key: object, profile: ScanProfile, size: tuple[int, int]) -> np.ndarray:
    """Affine transform (page -> scan) of one scan: a slight skew about the centre and a shift."""
    rng = rng_for("geometry", key)
    angle = float(rng.uniform(*profile.skew)) * (1 if rng.random() < 0.5 else -1)
    dx, dy = rng.uniform(-profile.shift, profile.shift, 2)
    m = cv2.getRotationMatrix2D(((size[0] - 1) / 2, (size[1] - 1) / 2), angle, 1.0)
    m[:, 2] += (dx, dy)
    return m


def skew_degrees(m: np.ndarray) -> float:
    """Rotation of a scan matrix in degrees (positive: counter-clockwise, as OpenCV defines it)."""
    return round(math.degrees(math.atan2(-m[0, 1], m[0, 0])), 3)


@dataclass(frozen=True)
class Paper:
    """The content-independent part of one scan: paper, toner unevenness, lamp and sensor noise."""

    reflectance: np.ndarray  # texture, fibres and specks (page coordinates), times 1
    toner: np.ndarray  # factor on the text ink density
    lamp: np.ndarray  # illumination falloff (scan coordinates)
    noise_index: np.ndarray  # flat indices of the pixels that carry sensor noise
    noise: tuple[np.ndarray, ...]  # their noise, one array per channel


@functools.lru_cache(maxsize=2)
def paper_for(key: object, profile: ScanProfile, size: tuple[int, int], channels: int) -> Paper:
    """Draw the paper and noise of one scan (cached: a tampered rendering reuses its base's)."""
    w, h = size
    rng = rng_for("scan", key)
    texture = 1.0 + profile.texture * (
        0.6 * _lowfreq(rng, h, w, 360)
        + 0.3 * _lowfreq(rng, h, w, 70)
        + 0.1 * _lowfreq(rng, h, w, 14)
    )
    marks = np.zeros((h, w), np.float32)
    for _ in range(profile.fibres):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        ang, length = rng.uniform(0, math.pi), rng.uniform(15, 60)
        bend = rng.normal(0, 4)
        t = np.linspace(0, 1, 8)
        px = x + t * length * math.cos(ang) + bend * np.sin(t * math.pi) * math.sin(ang)
        py = y + t * length * math.sin(ang) - bend * np.sin(t * math.pi) * math.cos(ang)
        pts = np.stack([px, py], 1).astype(np.int32)
        cv2.polylines(marks, [pts], False, float(rng.uniform(0.02, 0.05)), 1, cv2.LINE_AA)
    for _ in range(profile.specks):
        x, y = int(rng.uniform(0, w)), int(rng.uniform(0, h))
        radius = int(rng.integers(1, 3))
        cv2.circle(marks, (x, y), radius, float(rng.uniform(0.25, 0.6)), -1, cv2.LINE_AA)
    toner = np.clip(1.0 - profile.toner * np.abs(_lowfreq(rng, h, w, 24)), 0.6, 1.0)
    xs = ((np.arange(w, dtype=np.float32) - w / 2) / (w / 2)) ** 2
    ys = ((np.arange(h, dtype=np.float32) - h / 2) / (h / 2)) ** 2
    lamp = 1.0 - 0.025 * xs[None, :] - 0.01 * ys[:, None]
    index = np.flatnonzero(rng.random(h * w) < profile.noise_fraction)
    noise = tuple(
        rng.normal(0.0, profile.noise_sigma, index.size).astype(np.float32) for _ in range(channels)
    )
    return Paper(texture * (1.0 - marks), toner, lamp, index, noise)


def scan(layers: Layers, key: object, profile: ScanProfile, colour: bool = False) -> np.ndarray:
    """Print the ink layers on textured paper and scan them: skew, blur, lamp shading, sensor noise.

    Every random draw depends on ``key``, the profile and the page size, never on the content, so
    two renderings of one letter that differ in a few words scan to images that differ only there.
    Returns an 8-bit grayscale (or RGB when ``colour``) image.
    """
    h, w = layers.text.shape
    paper = paper_for(key, profile, (w, h), 3 if colour else 1)
    m = scan_matrix(key, profile, (w, h))
    text = layers.text * paper.toner
    inks = (
        (text, profile.ink_text),
        (layers.signature, profile.ink_signature),
        (layers.seal, profile.ink_seal),
    )
    out = []
    for c in range(3 if colour else 1):

        def pick(rgb: Sequence[float], c: int = c) -> float:
            return rgb[c] if colour else _luma(rgb)

        refl = paper.reflectance * pick(profile.paper)
        for layer, ink in inks:
            refl *= 1.0 - layer * (1.0 - pick(ink))
        refl = cv2.warpAffine(
            refl, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        values = cv2.GaussianBlur(refl, (0, 0), profile.blur) * paper.lamp * 255.0
        values.reshape(-1)[paper.noise_index] += paper.noise[c]
        out.append(np.clip(np.rint(values), 0, 255).astype(np.uint8))
    return np.dstack(out) if colour else out[0]


def transform_box(box: Box, m: np.ndarray, size: tuple[int, int], scale: float = 1.0) -> Box:
    """Map a page box through a scan matrix (and an optional resampling) to the stored image."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float64)
    mapped = (pts @ m[:, :2].T + m[:, 2]) * scale
    lo = np.floor(mapped.min(0)).astype(int)
    hi = np.ceil(mapped.max(0)).astype(int)
    return (
        max(0, int(lo[0])),
        max(0, int(lo[1])),
        min(size[0], int(hi[0])),
        min(size[1], int(hi[1])),
    )


def polygon_mask(box: Box, m: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Boolean mask of a page box after the scan transform (a slightly rotated rectangle)."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64) @ m[:, :2].T + m[:, 2]
    mask = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillPoly(mask, [np.rint(pts * 16).astype(np.int32)], 1, lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


# --------------------------------------------------------------------------------------------------
# Writers (no timestamps, nothing machine-specific)
# --------------------------------------------------------------------------------------------------


def save_png(path: Path, arr: np.ndarray, dpi: int = DPI) -> None:
    """Write a PNG with only the pixel data and its resolution (no time or text chunks)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr).save(path, "PNG", dpi=(dpi, dpi), compress_level=6)


def save_mask(path: Path, mask: np.ndarray) -> None:
    """Write a tamper mask as a 1-bit PNG (white = changed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(mask.astype(bool)).convert("1").save(path, "PNG", compress_level=9)


def jpeg_bytes(arr: np.ndarray, quality: int, dpi: int, exif: bytes | None = None) -> bytes:
    """Encode a baseline JPEG (Pillow's default 4:2:0 subsampling for colour)."""
    buf = io.BytesIO()
    kwargs: dict[str, object] = {"quality": quality, "dpi": (dpi, dpi)}
    if exif:
        kwargs["exif"] = exif
    Image.fromarray(arr).save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def decode(data: bytes) -> np.ndarray:
    """Decode image bytes to an array."""
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img).copy()


def write_bytes(path: Path, data: bytes) -> None:
    """Write bytes, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


_SCALAR_ARRAY = re.compile(
    r'\[\n\s+((?:-?[0-9.]+|"(?:[^"\\\n]|\\.)*")(?:,\n\s+(?:-?[0-9.]+|"(?:[^"\\\n]|\\.)*"))*)\n\s*\]'
)


def dump_json(data: object) -> str:
    """Indented UTF-8 JSON with short arrays of numbers or strings kept on one line (readable)."""

    def collapse(match: re.Match[str]) -> str:
        inline = "[" + re.sub(r",\n\s+", ", ", match.group(1)) + "]"
        return inline if len(inline) <= 80 else match.group(0)

    return _SCALAR_ARRAY.sub(collapse, json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with Unix newlines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


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


# --------------------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------------------


def plain(text: str) -> str:
    """Text as a reader would transcribe it: no-break spaces become spaces."""
    return text.replace(NBSP, " ")


def letter_truth(
    spec: LetterSpec,
    rendered: Rendered,
    m: np.ndarray,
    size: tuple[int, int],
    profile: ScanProfile,
    dpi: int = DPI,
    scale: float = 1.0,
    printed_date: str | None = None,
    meeting_weekday: int | None = None,
    expected: Sequence[str] = (),
    optional: Sequence[str] = (),
) -> dict[str, object]:
    """Describe what is printed on a letter, where its elements are, and what a check should find.

    ``printed_date`` overrides the date block (``YYYY/MM/DD``, may be impossible) and
    ``meeting_weekday`` the weekday printed in the body, for the tampered variants.
    """
    date_str = printed_date or jalali_ascii(spec.date)
    y, mo, d = (int(v) for v in date_str.split("/"))
    try:
        letter_date: jdatetime.date | None = jdatetime.date(y, mo, d)
    except ValueError:
        letter_date = None
    dates = {spec.meeting.togregorian().isoformat()}
    if letter_date:
        dates.add(letter_date.togregorian().isoformat())
    printed_wd = spec.meeting.weekday() if meeting_weekday is None else meeting_weekday
    regions = {
        name: box_xywh(transform_box(box, m, size, scale))
        for name, box in sorted(rendered.regions.items())
    }
    truth: dict[str, object] = {
        "language": "fa",
        "languages": ["fa"],
        "dates": sorted(dates),
        "solar_hijri": date_str,
        "weekday": WEEKDAYS_EN[letter_date.weekday()] if letter_date else None,
        "printed_weekdays": [
            {
                "text": plain(jalali_words(spec.meeting, printed_wd)),
                "solar_hijri": jalali_ascii(spec.meeting),
                "date": spec.meeting.togregorian().isoformat(),
                "printed": WEEKDAYS_EN[printed_wd],
                "actual": WEEKDAYS_EN[spec.meeting.weekday()],
            }
        ],
        "number": fa_digits(spec.number),
        "office": OFFICE_FA,
        "ministry": MINISTRY_FA,
        "signatory": spec.signatory.name,
        "signatory_title": spec.signatory.title,
        "addressee": spec.addressee.name,
        "addressee_title": spec.addressee.title,
        "subject": spec.subject,
        "classification": spec.classification,
        "attachment": spec.attachment,
        "body_lines": [plain(str(line["text"])) for line in rendered.lines],
        "page_size": "A5",
        "dpi": dpi,
        "scan": {"profile": profile.name, "skew_degrees": skew_degrees(m)},
        "regions": regions,
        "expected_findings": list(expected),
        "optional_findings": list(optional),
    }
    if letter_date is None:
        truth["impossible_dates"] = [date_str]
    return truth


# --------------------------------------------------------------------------------------------------
# Corpus assembly
# --------------------------------------------------------------------------------------------------


@dataclass
class Corpus:
    """Collects the manifest's documents; files go under ``out`` (sources only if asked for)."""

    out: Path
    sources: bool
    documents: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        path: str,
        kind: str,
        template: str,
        truth: dict[str, object],
        claims: dict[str, str] | None = None,
        tampering: list[dict[str, object]] | None = None,
        **extra: object,
    ) -> None:
        """Record one document in the manifest."""
        doc: dict[str, object] = {
            "path": path,
            "kind": kind,
            "template": template,
            "claims": claims,
            "truth": truth,
            "tampering": tampering or [],
        }
        doc.update(extra)
        self.documents.append(doc)

    def write_source(self, name: str, arr: np.ndarray) -> str:
        """Write the untampered scan a tampered document was made from (only with ``--sources``)."""
        rel = f"sources/{name}.png"
        if self.sources:
            save_png(self.out / rel, arr)
        return rel


def scan_letter(
    spec: LetterSpec, mods: Mods = Mods(), profile: ScanProfile = OFFICE_SCANNER
) -> tuple[np.ndarray, np.ndarray, Rendered]:
    """Render and scan one letter; the scan's randomness depends on the letter's slug only."""
    rendered = render_letter(spec, mods)
    return scan(rendered.layers, spec.slug, profile), scan_matrix(spec.slug, profile, A5), rendered


def rerender_edit(
    spec: LetterSpec, mods: Mods
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Rendered]:
    """Build a tampered scan by editing the page and scanning it with the base letter's randomness.

    This stands for a careful forger who retyped part of a page: outside the edited area the
    result is the untampered scan, pixel for pixel (checked here), inside it the new text is
    scanned the same way. Returns (tampered, untampered, mask, rendering of the tampered page).
    """
    base_img, m, base = scan_letter(spec)
    mod_img, _, mod = scan_letter(spec, mods)
    changed = np.zeros(base.layers.text.shape, bool)
    for a, b in (
        (base.layers.text, mod.layers.text),
        (base.layers.signature, mod.layers.signature),
        (base.layers.seal, mod.layers.seal),
    ):
        changed |= a != b
    page_box = pad(mask_bbox(changed), 10, A5)
    mask = polygon_mask(page_box, m, A5)
    leak = (mod_img != base_img) & ~mask
    if leak.any():
        raise CorpusError(
            f"{spec.slug}: the edit changed {int(leak.sum())} pixels outside its mask"
        )
    return np.where(mask, mod_img, base_img), base_img, mask, mod


def tampering_entry(
    kind: str, mask: np.ndarray | None, mask_path: str | None, note: str, **extra: object
) -> dict[str, object]:
    """Describe one manipulation; the box is the mask's bounding box in stored-image pixels."""
    entry: dict[str, object] = {
        "kind": kind,
        "box": box_xywh(mask_bbox(mask)) if mask is not None else None,
        "mask": mask_path,
        "note": note,
    }
    entry.update(extra)
    return entry


def disk_alpha(
    size: tuple[int, int], center: tuple[float, float], radius: float, feather: float
) -> np.ndarray:
    """Soft circular selection, as an image editor's feathered elliptical marquee makes."""
    yy, xx = np.ogrid[0 : size[1], 0 : size[0]]
    dist = np.hypot(xx - center[0], yy - center[1]).astype(np.float32)
    return np.clip((radius + feather - dist) / (2 * feather), 0.0, 1.0)


def build_tampered(
    corpus: Corpus, specs: dict[str, LetterSpec], exemplar_scans: dict[str, np.ndarray]
) -> None:
    """Make the tampered variants, one manipulation each, with masks, boxes and notes."""
    size = A5

    def finish(
        name: str,
        slug: str,
        tampered: np.ndarray,
        base: np.ndarray,
        mask: np.ndarray,
        rendered: Rendered,
        entry: dict[str, object],
        truth_kw: dict[str, object],
        ext: str = "png",
    ) -> None:
        spec = specs[slug]
        path = f"tampered/{name}.{ext}"
        if ext == "png":
            save_png(corpus.out / path, tampered)
        save_mask(corpus.out / f"masks/{name}.png", mask)
        source = corpus.write_source(name, base)
        m = scan_matrix(spec.slug, OFFICE_SCANNER, size)
        truth = letter_truth(spec, rendered, m, size, OFFICE_SCANNER, **truth_kw)  # type: ignore[arg-type]
        corpus.add(path, "tampered", TEMPLATE, truth, tampering=[entry], source=source)

    # t01: splice: the signature area cut from a JPEG copy of exemplar_02 (same signatory)
    spec = specs["t01"]
    base, m, rendered = scan_letter(spec)
    donor_m = scan_matrix("exemplar_02", OFFICE_SCANNER, size)
    rect = pad(
        union(
            [transform_box(SIGNATURE_ZONE, m, size), transform_box(SIGNATURE_ZONE, donor_m, size)]
        ),
        14,
        size,
    )
    donor = decode(jpeg_bytes(exemplar_scans["exemplar_02"], 75, DPI))
    tampered = base.copy()
    x0, y0, x1, y1 = rect
    tampered[y0:y1, x0:x1] = donor[y0:y1, x0:x1]
    mask = np.zeros(base.shape, bool)
    mask[y0:y1, x0:x1] = True
    entry = tampering_entry(
        "splice",
        mask,
        "masks/t01_splice_signature.png",
        "The signature area was cut from a JPEG copy (quality 75) of exemplars/exemplar_02.png, a "
        "genuine letter by the same signatory, and pasted over this letter's own signature. The "
        "pasted signature is identical to the exemplar's; its "
        "paper texture and JPEG blocking differ "
        "from the rest of the page.",
        donor={"path": "exemplars/exemplar_02.png", "box": box_xywh(rect), "jpeg_quality": 75},
    )
    finish(
        "t01_splice_signature",
        "t01",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["forensics.splice"]},
    )

    # t02: copy-move: the seal copied, rotated and rescaled, to a second place on the page
    spec = specs["t02"]
    base, m, rendered = scan_letter(spec)
    src = m[:, :2] @ np.array(SEAL_CENTER, np.float64) + m[:, 2]
    dst = m[:, :2] @ np.array((1330.0, 1900.0)) + m[:, 2]
    angle, scale = 7.0, 0.96
    move = cv2.getRotationMatrix2D((float(src[0]), float(src[1])), angle, scale)
    move[:, 2] += dst - src
    warped = cv2.warpAffine(
        base.astype(np.float32), move, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    radius = (SEAL_RADIUS + 6) * scale
    alpha = disk_alpha(size, (float(dst[0]), float(dst[1])), radius, 3.0)
    tampered = np.clip(np.rint(alpha * warped + (1 - alpha) * base), 0, 255).astype(np.uint8)
    mask = alpha > 0
    src_box = (
        int(src[0] - SEAL_RADIUS - 6),
        int(src[1] - SEAL_RADIUS - 6),
        int(src[0] + SEAL_RADIUS + 7),
        int(src[1] + SEAL_RADIUS + 7),
    )
    entry = tampering_entry(
        "clone",
        mask,
        "masks/t02_clone_seal.png",
        "The seal was copied from the signature block with a feathered round selection, rotated by "
        "7 degrees, scaled to 96% and pasted a second time to "
        "the right of the signature block. The "
        "box and mask cover the pasted copy; source_box is where it came from.",
        source_box=box_xywh(src_box),
        rotation_degrees=angle,
        scale=scale,
    )
    finish(
        "t02_clone_seal",
        "t02",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["forensics.clone"]},
    )

    # t03: the date value retyped in another font and size (and changed by ten days)
    spec = specs["t03"]
    new_date = spec.date + jdatetime.timedelta(days=10)
    mods = Mods(date_text=jalali_numeric(new_date), date_font=("homa", 1.15))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "retype",
        mask,
        "masks/t03_retype_date.png",
        f"The date value {jalali_ascii(spec.date)} was erased and "
        f"retyped as {jalali_ascii(new_date)} "
        "in Homa at 115% of the header's size (the template uses Nazli).",
        original_text=jalali_numeric(spec.date),
        new_text=jalali_numeric(new_date),
        font="Homa",
        size_factor=1.15,
    )
    finish(
        "t03_retype_date",
        "t03",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["layout.line_typography"], "printed_date": jalali_ascii(new_date)},
    )

    # t04: one body line retyped in another font and size, with a different amount
    spec = specs["t04"]
    lines = render_letter(spec).lines
    index = next(i for i, line in enumerate(lines) if "٬" in str(line["text"]))
    old = str(lines[index]["text"])
    old_amount = next(w for w in old.split(" ") if "٬" in w)
    new_amount = fa_digits("4") + old_amount[1:] if old_amount[0] != "۴" else "۵" + old_amount[1:]
    new = old.replace(old_amount, new_amount)
    mods = Mods(line_overrides=((index, new, "naskh", 0.8),))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "retype",
        mask,
        "masks/t04_retype_line.png",
        f"Body line {index + 1} was erased and retyped in Noto "
        "Naskh Arabic at 80% of the body size "
        "(the template uses Nazli), changing the amount "
        f"{plain(old_amount)} to {plain(new_amount)}.",
        line=index,
        original_text=plain(old),
        new_text=plain(new),
        font="Noto Naskh Arabic",
        size_factor=0.8,
    )
    finish(
        "t04_retype_line",
        "t04",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["layout.line_typography"]},
    )

    # t05: the date in the body altered so that its weekday no longer matches
    spec = specs["t05"]
    lines = render_letter(spec).lines
    old_phrase = jalali_words(spec.meeting).replace(" ", NBSP)
    index = next(i for i, line in enumerate(lines) if old_phrase in str(line["text"]))
    shifted = spec.meeting + jdatetime.timedelta(days=2)
    if shifted.month != spec.meeting.month:
        raise CorpusError("t05: pick a meeting date that stays in its month when moved")
    new_phrase = jalali_words(shifted, weekday=spec.meeting.weekday()).replace(" ", NBSP)
    new = str(lines[index]["text"]).replace(old_phrase, new_phrase)
    mods = Mods(line_overrides=((index, new, "nazli", 1.0),))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    t05 = replace(spec, meeting=shifted)
    entry = tampering_entry(
        "date",
        mask,
        "masks/t05_weekday_mismatch.png",
        f"The date in the body was changed from «{plain(jalali_words(spec.meeting))}» to "
        f"«{plain(new_phrase)}» in the same font: {jalali_ascii(shifted)} is a "
        f"{WEEKDAYS_EN[shifted.weekday()]}, not a {WEEKDAYS_EN[spec.meeting.weekday()]}.",
        original_text=plain(old_phrase),
        new_text=plain(new_phrase),
    )
    specs["t05"] = t05
    finish(
        "t05_weekday_mismatch",
        "t05",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["dates.weekday_mismatch"], "meeting_weekday": spec.meeting.weekday()},
    )

    # t06: the date block altered to a date that does not exist (Mehr has 30 days)
    spec = specs["t06"]
    impossible = f"{spec.date.year}/07/31"
    mods = Mods(date_text=fa_digits(impossible))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "date",
        mask,
        "masks/t06_impossible_date.png",
        f"The date value {jalali_ascii(spec.date)} was changed to {impossible} in the same font: "
        "the seventh month (Mehr) has 30 days, so the date does not exist.",
        original_text=jalali_numeric(spec.date),
        new_text=fa_digits(impossible),
    )
    finish(
        "t06_impossible_date",
        "t06",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["dates.impossible_date"], "printed_date": impossible},
    )

    # t07: a paragraph in Arabic (orthography, digits and words) inside the Persian letter
    spec = specs["t07"]
    para = spec.paragraphs.index(fa_digits(MIDDLES[2]))
    arabic = ar_digits(ARABIC_PARAGRAPH)
    body = font("nazli", BODY_SIZE)
    before = len(wrap(spec.paragraphs[para], body, RIGHT - LEFT))
    after = len(wrap(arabic, body, RIGHT - LEFT))
    if before != after:
        raise CorpusError(f"t07: the Arabic paragraph wraps to {after} lines, not {before}")
    mods = Mods(paragraph_override=(para, arabic))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "orthography",
        mask,
        "masks/t07_arabic_paragraph.png",
        "The second paragraph was replaced by an Arabic "
        "paragraph in the same font: Arabic yeh (ي), "
        "kaf (ك) and teh marbuta (ة), Arabic-Indic digits (١٥) and Arabic function words "
        "(على، هذا، في، من).",
        paragraph=para,
        new_text=arabic,
    )
    finish(
        "t07_arabic_paragraph",
        "t07",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["script.arabic_orthography"], "optional": ["script.mixed_digits"]},
    )
    corpus.documents[-1]["truth"]["languages"] = ["fa", "ar"]  # type: ignore[index]

    # t08: the letterhead shifted and rescaled
    spec = specs["t08"]
    mods = Mods(letterhead=(-24, -12, 1.07))
    tampered, base, mask, rendered = rerender_edit(spec, mods)
    entry = tampering_entry(
        "letterhead",
        mask,
        "masks/t08_letterhead_shift.png",
        "The letterhead (emblem, ministry and office names) was enlarged to 107% and moved 24 px "
        "left and 12 px up relative to the template.",
        offset=[-24, -12],
        scale=1.07,
    )
    finish(
        "t08_letterhead_shift",
        "t08",
        tampered,
        base,
        mask,
        rendered,
        entry,
        {"expected": ["layout.letterhead_changed"]},
    )

    # t09: forged metadata: pixels untouched, EXIF says an image editor saved the file in 2003
    spec = specs["t09"]
    base, m, rendered = scan_letter(spec)
    exif = Image.Exif()
    exif[0x0131] = "Adobe Photoshop 7.0"  # Software
    exif[0x0132] = "2003:06:21 16:42:10"  # DateTime
    path = "tampered/t09_metadata_editor.jpg"
    write_bytes(corpus.out / path, jpeg_bytes(base, 92, DPI, exif.tobytes()))
    source = corpus.write_source("t09_metadata_editor", base)
    entry = tampering_entry(
        "metadata",
        None,
        None,
        "The pixels are an untampered scan saved as JPEG "
        "(quality 92); the EXIF block was written to "
        "say the file was saved by Adobe Photoshop 7.0 on 2003-06-21. Metadata lives in the file, "
        "not in the pixels, so box and mask are null.",
        exif={"Software": "Adobe Photoshop 7.0", "DateTime": "2003:06:21 16:42:10"},
    )
    truth = letter_truth(
        spec, rendered, m, size, OFFICE_SCANNER, expected=["metadata.editor_software"]
    )
    corpus.add(path, "tampered", TEMPLATE, truth, tampering=[entry], source=source)


def build_questioned(corpus: Corpus) -> None:
    """The questioned letter: a colour scan, downscaled to 150 dpi, JPEG 70, recompressed at 85."""
    spec = questioned_spec()
    rendered = render_letter(spec)
    rgb = scan(rendered.layers, spec.slug, OLD_SCANNER, colour=True)
    m = scan_matrix(spec.slug, OLD_SCANNER, A5)
    small = cv2.resize(rgb, (A5[0] // 2, A5[1] // 2), interpolation=cv2.INTER_AREA)
    first = jpeg_bytes(small, 70, 150)
    second = jpeg_bytes(decode(first), 85, 150)
    stem = "questioned/letter_1380-02-24"
    write_bytes(corpus.out / f"{stem}.jpg", second)
    write_text(corpus.out / f"{stem}.en.txt", QUESTIONED_TRANSLATION)
    write_text(corpus.out / f"{stem}.claims.json", dump_json(QUESTIONED_CLAIMS))
    size = (A5[0] // 2, A5[1] // 2)
    truth = letter_truth(
        spec,
        rendered,
        m,
        size,
        OLD_SCANNER,
        dpi=150,
        scale=0.5,
        expected=["compression.double_compression"],
        optional=["dates.holiday"],
    )
    hijri = Gregorian(2001, 5, 14).to_hijri()
    truth.update(
        {
            "colour": True,
            "jpeg_history": [{"quality": 70, "dpi": 150}, {"quality": 85, "dpi": 150}],
            "lunar_hijri": f"{hijri.year}/{hijri.month:02d}/{hijri.day:02d}",
            "holiday": "20 Safar 1422 (Arbaeen), an official "
            "holiday in Iran; sighting can move it a day",
            "claims_vs_page": {
                "office": "The claims name the ministry; the "
                "letterhead and signature block name its "
                "inspection office. Which post the signatory held on that date is a question "
                "for a reviewer, not something the page can settle.",
                "date": "The printed date 1380/02/24 is 2001-05-14, the claimed date.",
            },
        }
    )
    corpus.add(
        f"{stem}.jpg",
        "questioned",
        TEMPLATE,
        truth,
        claims=dict(QUESTIONED_CLAIMS),
        translation=f"{stem}.en.txt",
        claims_file=f"{stem}.claims.json",
    )
    corpus.add(
        f"{stem}.en.txt",
        "text",
        "translation",
        {
            "language": "en",
            "dates": ["2001-05-12", "2001-05-14"],
            "translation_of": f"{stem}.jpg",
            "expected_findings": [],
            "optional_findings": [],
        },
    )


# --------------------------------------------------------------------------------------------------
# The list of 149 names
# --------------------------------------------------------------------------------------------------

LIST_TITLE = "فهرست اسامی کارکنان اعزامی به دوره\u200cهای آموزشی"
LIST_SUBTITLE = "دفتر بازرسی و نظارت، سال 1380"


def list_people() -> list[dict[str, str]]:
    """149 fictional people (both genders) with fathers' names, from a seeded farsi-faker."""
    names = Names(derive_seed("list-149"))
    rng = rng_for("list-149-genders")
    people = []
    for _ in range(149):
        gender = "female" if rng.random() < 0.3 else "male"
        rec = names.full(gender)
        people.append(
            {
                "first": rec["first_name"],
                "last": rec["last_name"],
                "name": rec["name"],
                "father": names.first("male"),
            }
        )
    return people


def names_html(people: Sequence[dict[str, str]]) -> str:
    """The list as a right-to-left UTF-8 HTML page."""
    rows = "\n".join(
        f"      <tr><td>{fa_digits(str(i))}</td><td>{html.escape(p['first'])}</td>"
        f"<td>{html.escape(p['last'])}</td><td>{html.escape(p['father'])}</td></tr>"
        for i, p in enumerate(people, 1)
    )
    return f"""<!DOCTYPE html>
<html lang="fa" dir="rtl">
  <head>
    <meta charset="utf-8">
    <title>{LIST_TITLE}</title>
    <style>
      body {{ font-family: Nazli, "Noto Naskh Arabic", serif; margin: 2em; }}
      table {{ border-collapse: collapse; }}
      th, td {{ border: 1px solid #888; padding: 0.2em 0.8em; }}
    </style>
  </head>
  <body>
    <h1>{LIST_TITLE}</h1>
    <p>{fa_digits(LIST_SUBTITLE)}. {fa_digits("149")} نفر. این فهرست ساختگی است.</p>
    <table>
      <thead><tr><th>ردیف</th><th>نام</th><th>نام خانوادگی</th><th>نام پدر</th></tr></thead>
      <tbody>
{rows}
      </tbody>
    </table>
  </body>
</html>
"""


def names_page(people: Sequence[dict[str, str]]) -> np.ndarray:
    """The list typed on an A4 page in three columns (right to left) and scanned."""
    size = A4
    layers = Layers.blank(size)
    img = Image.new("L", size, 0)
    d = ImageDraw.Draw(img)
    right = size[0] - 130
    draw_text(d, (size[0] / 2, 170), LIST_TITLE, font("titr", 56), anchor="ms")
    draw_text(
        d,
        (size[0] / 2, 250),
        fa_digits(f"{LIST_SUBTITLE} ({149} نفر)"),
        font("nazli", 44),
        anchor="ms",
    )
    d.line([(130, 290), (right, 290)], fill=255, width=3)
    col_w = (right - 130) // 3
    f = font("nazli", 40)
    for i, p in enumerate(people):
        col, row = divmod(i, 50)
        x = right - col * col_w
        y = 380 + row * 62
        draw_text(d, (x, y), fa_digits(f"{i + 1}."), f)
        draw_text(d, (x - 95, y), p["name"], f)
    layers.text[:] = np.asarray(img, np.float32) / 255.0
    return scan(layers, "names-149", OFFICE_SCANNER)


def build_list(corpus: Corpus) -> None:
    """Write the names list as HTML and as a scanned page."""
    people = list_people()
    write_text(corpus.out / "lists/names_149.html", names_html(people))
    names = [p["name"] for p in people]
    corpus.add(
        "lists/names_149.html",
        "text",
        "names-list",
        {
            "language": "fa",
            "dates": [],
            "names": names,
            "count": len(names),
            "expected_findings": [],
            "optional_findings": [],
        },
    )
    page = names_page(people)
    write_bytes(corpus.out / "lists/names_149_scan.jpg", jpeg_bytes(page, 90, DPI))
    corpus.add(
        "lists/names_149_scan.jpg",
        "genuine",
        "names-list",
        {
            "language": "fa",
            "dates": [],
            "names": names,
            "count": len(names),
            "page_size": "A4",
            "dpi": DPI,
            "columns": 3,
            "scan": {
                "profile": OFFICE_SCANNER.name,
                "skew_degrees": skew_degrees(scan_matrix("names-149", OFFICE_SCANNER, A4)),
            },
            "expected_findings": [],
            "optional_findings": [],
        },
    )


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


def build(out: Path, sources: bool = False) -> dict[str, object]:
    """Generate the whole corpus under ``out`` and return the manifest (also written there).

    With ``sources``, also write ``out/sources/``: the untampered scan of every tampered letter,
    so that a test can check that each manipulation stays inside its mask.
    """
    check_prerequisites()
    names = Names(derive_seed("letter-names"))
    specs = {plan.slug: make_spec(plan, names) for plan in PLANS}
    corpus = Corpus(out, sources)

    exemplar_scans: dict[str, np.ndarray] = {}
    for slug in ("exemplar_01", "exemplar_02", "exemplar_03", "exemplar_04"):
        img, m, rendered = scan_letter(specs[slug])
        exemplar_scans[slug] = img
        path = f"exemplars/{slug}.png"
        save_png(out / path, img)
        corpus.add(
            path, "exemplar", TEMPLATE, letter_truth(specs[slug], rendered, m, A5, OFFICE_SCANNER)
        )

    img, m, rendered = scan_letter(specs["control_01"])
    save_png(out / "genuine/control_01.png", img)
    corpus.add(
        "genuine/control_01.png",
        "genuine",
        TEMPLATE,
        letter_truth(specs["control_01"], rendered, m, A5, OFFICE_SCANNER),
    )

    build_tampered(corpus, specs, exemplar_scans)
    build_questioned(corpus)
    build_list(corpus)

    manifest: dict[str, object] = {
        "version": 1,
        "generator": {"script": "generate.py", "seed": SEED},
        "documents": corpus.documents,
    }
    write_text(out / "manifest.json", dump_json(manifest))
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``generate.py [--out DIR] [--sources]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = Path(__file__).resolve().parent
    parser.add_argument(
        "--out",
        type=Path,
        default=here,
        help="folder to write the corpus into (default: this script's folder)",
    )
    parser.add_argument(
        "--sources",
        action="store_true",
        help="also write OUT/sources/: the untampered scans of the tampered letters",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        manifest = build(args.out, args.sources)
    except CorpusError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    docs = manifest["documents"]
    assert isinstance(docs, list)
    print(f"wrote {len(docs)} documents to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
