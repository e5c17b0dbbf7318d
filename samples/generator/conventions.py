"""Constants and small conventions every part of the corpus shares.

The root seed and how seeds are derived from names, page sizes, the fonts used, Persian and
Arabic digits, how dates are printed, boxes in page pixels, and the fictional issuing office.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import jdatetime
import numpy as np

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
