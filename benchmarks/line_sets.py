"""The line benchmark's sets of text-line images and how a reading of one is scored.

- ``fa-print-dev`` / ``ar-print-dev`` (development set, tuned on): lines scanned from printed
  books, read in place from ``../shared/data/ocr-real-lines/`` (never copied).
- ``scanned-fa`` / ``scanned-ar`` (independent set): `benchmarks.scanned_lines`.
- ``rendered`` (independent set): sentences of the page benchmark set in seven faces, then
  "printed and scanned" by code (`render_lines`).

Kept apart from ``benchmarks/line_benchmark.py`` (the readers, policies and tables) so each
stays small; `Score` and `relaxed` are the benchmark's definition of CER.
"""

from __future__ import annotations

import io
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_measure import Measure, normalise  # noqa: E402
from benchmarks.ocr_pages import ARABIC, FARSIWEB, NOTO, PERSIAN  # noqa: E402
from benchmarks.scanned_lines import scanned_lines  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ocr-real-lines"
#: Faces of the independent set (the page benchmark renders pages, not lines, in five).
RENDER_FONTS: list[tuple[Path, str]] = [
    (FARSIWEB / "nazli.ttf", "fa"),
    (FARSIWEB / "nazlib.ttf", "fa"),
    (FARSIWEB / "homa.ttf", "fa"),
    (FARSIWEB / "titr.ttf", "fa"),
    (NOTO / "NotoNaskhArabic-Regular.ttf", "fa"),
    (NOTO / "NotoSansArabic-Bold.ttf", "fa"),
    (NOTO / "NotoKufiArabic-Regular.ttf", "fa"),
    (NOTO / "NotoNaskhArabic-Regular.ttf", "ar"),
    (NOTO / "NotoSansArabic-Regular.ttf", "ar"),
]
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_FOLD = str.maketrans(
    {
        "\u200c": " ",
        "ۀ": "ه",
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        **{d: str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
        **{d: str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
    }
)


@dataclass(frozen=True)
class Line:
    name: str
    image: np.ndarray
    truth: str
    language: str  # "fa" or "ar"


def relaxed(text: str) -> str:
    return " ".join(_DIACRITICS.sub("", normalise(text)).translate(_FOLD).split())


@dataclass
class Score:
    """Errors counted on the texts as they are (strict) and `relaxed`."""

    strict: Measure = field(default_factory=Measure)
    relaxed: Measure = field(default_factory=Measure)

    def add(self, truth: str, read: str) -> None:
        self.strict.add(truth, read, 0.0, 0.0)
        self.relaxed.add(relaxed(truth), relaxed(read), 0.0, 0.0)

    def row(self) -> str:
        return f"{self.strict.cer:.2%} | {self.relaxed.cer:.2%}"


def load_real(folder: str, language: str, limit: int | None) -> list[Line]:
    path = DATA / folder
    files = sorted(path.glob("*.png"))[:limit]
    lines = []
    for f in files:
        truth = f.with_name(f.name[: -len(".png")] + ".gt.txt").read_text(encoding="utf-8")
        with Image.open(f) as img:
            lines.append(Line(f.stem, np.asarray(img.convert("L")), truth.strip(), language))
    return lines


def scanned_set(language: str, limit: int | None) -> list[Line]:
    """The independent scanned lines of `language` (`benchmarks.scanned_lines`, cached)."""
    chosen = [x for x in scanned_lines() if x.language == language][:limit]
    return [Line(x.name, x.image(), x.truth, language) for x in chosen]


def degrade(img: Image.Image, rng: random.Random) -> np.ndarray:
    """Print and scan a rendered line: rescale, blur, noise, then binarise or JPEG."""
    factor = rng.uniform(0.55, 0.9)
    small = img.resize((max(1, int(img.width * factor)), max(1, int(img.height * factor))))
    small = small.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.1)))
    arr = np.asarray(small, dtype=np.float32)
    arr = arr + np.random.default_rng(rng.randrange(1 << 30)).normal(0, 12, arr.shape)
    arr = np.clip(arr, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        return np.where(arr < rng.uniform(110, 150), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(arr).save(buffer, "JPEG", quality=rng.randint(45, 75))
    buffer.seek(0)
    return np.asarray(Image.open(buffer).convert("L"))


def render_lines() -> list[Line]:
    rng = random.Random(13)
    lines: list[Line] = []
    for font_path, language in RENDER_FONTS:
        if not font_path.exists():
            continue
        sentences = PERSIAN if language == "fa" else ARABIC
        font = ImageFont.truetype(str(font_path), 44)
        for k, sentence in enumerate(rng.sample(sentences, 6)):
            words = sentence.split()
            text = " ".join(words[: rng.randint(5, 9)])
            draw = ImageDraw.Draw(Image.new("L", (1, 1)))
            left, top, right, bottom = draw.textbbox((0, 0), text, font=font, direction="rtl")
            img = Image.new("L", (right - left + 40, bottom - top + 30), 255)
            ImageDraw.Draw(img).text(
                (20 - left, 15 - top), text, font=font, fill=0, direction="rtl"
            )
            name = f"{font_path.stem}-{language}-{k}"
            lines.append(Line(name, degrade(img, rng), text, language))
    return lines
