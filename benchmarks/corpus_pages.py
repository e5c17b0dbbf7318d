"""Page layouts of the independent forensic corpus: letters, forms, lists, tables, receipts, books.

This module only typesets: it draws Persian text word by word (each word shaped right-to-left
by Pillow's raqm layout) into an ink layer at the scan's resolution and records the box of
every word, line and number, so that the tampering step can pick a word to copy, a number to
retype or a blank band to write into. It shares nothing with ``samples/generate.py``: other
fonts, other page designs, other text, its own layout code. The two splits of the corpus use
disjoint fonts (`FONTS`) and disjoint letter templates (`TEMPLATES`); the other page kinds
come in a ``dev`` and a ``test`` variant (a ruled form or a boxed one, a full grid or rules
only, one column or two).

Text is invented: words drawn from a small administrative vocabulary, names from a short list
of common given names and surnames, dates in the Solar Hijri calendar with Persian digits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from corpus_text import CITIES, FA_DIGITS, WORDS, amount, date, fa, name, sentence
from PIL import Image, ImageDraw, ImageFont

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive), page pixels

#: Fonts by key: (path of the Debian install, Debian package). None of them is used by the
#: samples (those use farsiweb's Nazli, Titr, Homa and Noto Naskh Arabic).
FONT_FILES: dict[str, tuple[str, str]] = {
    "noto-sans": ("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf", "fonts-noto-core"),
    "noto-sans-bold": ("/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf", "fonts-noto-core"),
    "noto-kufi": ("/usr/share/fonts/truetype/noto/NotoKufiArabic-Bold.ttf", "fonts-noto-core"),
    "amiri": ("/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf", "fonts-hosny-amiri"),
    "amiri-bold": (
        "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Bold.ttf",
        "fonts-hosny-amiri",
    ),
    "dejavu": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "fonts-dejavu-core"),
    "scheherazade": (
        "/usr/share/fonts/truetype/scheherazade/Scheherazade-Regular.ttf",
        "fonts-sil-scheherazade",
    ),
    "scheherazade-bold": (
        "/usr/share/fonts/truetype/scheherazade/Scheherazade-Bold.ttf",
        "fonts-sil-scheherazade",
    ),
    "lateef": ("/usr/share/fonts/opentype/lateef/Lateef-Regular.ttf", "fonts-sil-lateef"),
    "lateef-bold": ("/usr/share/fonts/opentype/lateef/Lateef-Bold.ttf", "fonts-sil-lateef"),
    "kacst-qurn": ("/usr/share/fonts/truetype/kacst/mry_KacstQurn.ttf", "fonts-kacst"),
}


@dataclass(frozen=True)
class FontSet:
    """The faces of one split: body text, headings, a spliced-in line, retyped digits."""

    body: tuple[str, ...]
    heading: str
    foreign: str
    digits: str

    def keys(self) -> set[str]:
        return {*self.body, self.heading, self.foreign, self.digits}


FONTS: dict[str, FontSet] = {
    "dev": FontSet(
        body=("noto-sans", "amiri"), heading="noto-kufi", foreign="dejavu", digits="noto-sans-bold"
    ),
    "test": FontSet(
        body=("scheherazade", "lateef"),
        heading="scheherazade-bold",
        foreign="kacst-qurn",
        digits="lateef-bold",
    ),
}


def missing_fonts(split: str) -> list[str]:
    """Messages for the fonts of `split` that are not installed (empty when all are)."""
    out = []
    for key in sorted(FONTS[split].keys()):
        path, package = FONT_FILES[key]
        if not Path(path).exists():
            out.append(f"font {key} ({path}) is missing: apt-get install {package}")
    return out


_FONT_CACHE: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def font(key: str, size: int) -> ImageFont.FreeTypeFont:
    """Font `key` at `size` pixels with raqm layout (cached)."""
    if (key, size) not in _FONT_CACHE:
        _FONT_CACHE[(key, size)] = ImageFont.truetype(
            FONT_FILES[key][0], size, layout_engine=ImageFont.Layout.RAQM
        )
    return _FONT_CACHE[(key, size)]


# -- the page being typeset --------------------------------------------------------------------


@dataclass
class Page:
    """Ink of a typeset page (1 = full ink) and the boxes of what is on it."""

    kind: str
    dpi: int
    ink: np.ndarray  # (H, W) float32 in [0, 1], black ink
    stamp: np.ndarray  # (H, W) float32 in [0, 1], coloured (blue) stamp ink
    words: list[Box] = field(default_factory=list)
    lines: list[Box] = field(default_factory=list)
    numbers: list[tuple[Box, str, str]] = field(default_factory=list)  # box, text, font key
    body_font: str = ""
    body_size: int = 0
    template: str | None = None


class Typesetter:
    """Draws words right to left into an ink canvas and records their boxes."""

    def __init__(
        self, kind: str, size_mm: tuple[float, float], dpi: int, body: str = "", pt: float = 0.0
    ) -> None:
        self.dpi = dpi
        self.body = body  # body font key
        self.size = round(pt / 72 * dpi)  # body text size in pixels
        w, h = (round(v / 25.4 * dpi) for v in size_mm)
        self.image = Image.new("L", (w, h), 0)
        self.draw = ImageDraw.Draw(self.image)
        self.stamp_image = Image.new("L", (w, h), 0)
        self.page = Page(kind, dpi, np.zeros(0, np.float32), np.zeros(0, np.float32))

    @property
    def width(self) -> int:
        return self.image.size[0]

    def px(self, mm: float) -> int:
        return round(mm / 25.4 * self.dpi)

    def word(self, x_right: float, baseline: float, text: str, key: str, size: int) -> Box:
        """Draw one word whose right edge is at `x_right`; returns its ink box."""
        fnt = font(key, size)
        digits = any(c in FA_DIGITS for c in text)
        direction = None if digits else "rtl"
        self.draw.text(
            (x_right, baseline),
            text,
            font=fnt,
            fill=255,
            anchor="rs",
            direction=direction,
            language="fa",
        )
        x0, y0, x1, y1 = self.draw.textbbox(
            (x_right, baseline), text, font=fnt, anchor="rs", direction=direction, language="fa"
        )
        box = (int(x0), int(y0), math.ceil(x1), math.ceil(y1))
        if digits:
            self.page.numbers.append((box, text, key))
        return box

    def advance(self, text: str, key: str, size: int) -> float:
        digits = any(c in FA_DIGITS for c in text)
        return float(
            font(key, size).getlength(text, direction=None if digits else "rtl", language="fa")
        )

    def line(
        self,
        x_right: float,
        baseline: float,
        words: Sequence[str],
        key: str,
        size: int,
        width: float | None = None,
        record: bool = True,
    ) -> Box:
        """Words right to left from `x_right`; stretched to `width` when given (justified)."""
        space = font(key, size).getlength(" ")
        lengths = [self.advance(w, key, size) for w in words]
        gap = space
        if width is not None and len(words) > 1:
            gap = max(space, (width - sum(lengths)) / (len(words) - 1))
        x = x_right
        boxes = []
        for text, length in zip(words, lengths, strict=True):
            boxes.append(self.word(x, baseline, text, key, size))
            x -= length + gap
        box = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        if record:
            self.page.words += [b for b in boxes if b[2] - b[0] > size]
            self.page.lines.append(box)
        return box

    def paragraph(
        self,
        x_right: float,
        top: float,
        width: float,
        words: Sequence[str],
        key: str,
        size: int,
        leading: float,
        justify: bool = True,
    ) -> float:
        """Wrap `words` into lines of `width`; returns the baseline after the last line."""
        space = font(key, size).getlength(" ")
        line: list[str] = []
        used = 0.0
        y = top + size
        for text in words:
            length = self.advance(text, key, size)
            if line and used + space + length > width:
                self.line(x_right, y, line, key, size, width if justify else None)
                y += leading
                line, used = [], 0.0
            used += (space if line else 0.0) + length
            line.append(text)
        if line:
            self.line(x_right, y, line, key, size)
            y += leading
        return y

    def rule(self, x0: float, y: float, x1: float, width: int = 2) -> None:
        self.draw.line([(x0, y), (x1, y)], fill=255, width=width)

    def rect(self, box: Sequence[float], width: int = 2) -> None:
        self.draw.rectangle(list(box), outline=255, width=width)

    def round_stamp(self, cx: float, cy: float, r: float, text: str, key: str) -> None:
        """A circular office stamp in coloured ink: two rings and a word in the middle."""
        d = ImageDraw.Draw(self.stamp_image)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=220, width=max(2, int(r / 18)))
        q = r * 0.78
        d.ellipse([cx - q, cy - q, cx + q, cy + q], outline=220, width=max(1, int(r / 30)))
        d.text(
            (cx, cy),
            text,
            font=font(key, int(r / 3)),
            fill=220,
            anchor="mm",
            direction="rtl",
            language="fa",
        )

    def label(self, x: float, y: float, text: str, key: str, size: int, anchor: str = "ms") -> None:
        """Right-to-left text placed by `anchor` (centred on its baseline by default)."""
        self.draw.text(
            (x, y),
            text,
            font=font(key, size),
            fill=255,
            anchor=anchor,
            direction="rtl",
            language="fa",
        )

    def finish(self) -> Page:
        self.page.body_font, self.page.body_size = self.body, self.size
        self.page.ink = np.asarray(self.image, np.float32) / 255.0
        self.page.stamp = np.asarray(self.stamp_image, np.float32) / 255.0
        return self.page


# -- letters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """A letterhead and layout shared by every letter of one (fictional) issuer."""

    name: str
    issuer: str
    office: str
    head_align: str  # "centre" or "right"
    mark: str  # "diamond", "ring" or "bars"
    rule: str  # "single", "double" or "frame"
    block_left: bool  # number/date block on the left (else under the head, on the right)
    margin_mm: float
    size_pt: float


TEMPLATES: dict[str, tuple[Template, ...]] = {
    "dev": (
        Template(
            "dev-a",
            "شرکت آب منطقه ای",
            "معاونت بهره برداری",
            "centre",
            "diamond",
            "double",
            True,
            18,
            13,
        ),
        Template(
            "dev-b", "دانشگاه علوم پایه", "دفتر ریاست", "right", "ring", "single", True, 22, 12
        ),
    ),
    "test": (
        Template(
            "test-c",
            "سازمان ثبت اسناد",
            "اداره کل امور اسناد",
            "right",
            "bars",
            "frame",
            False,
            15,
            12,
        ),
        Template(
            "test-d", "بنیاد فرهنگی پارس", "دبیرخانه", "centre", "ring", "single", False, 20, 14
        ),
    ),
}


def letter(
    template: Template, split: str, dpi: int, rng: np.random.Generator, heading: str
) -> Page:
    """A letter of `template` with its own number, date, addressee and body."""
    body_font = str(rng.choice(FONTS[split].body))
    t = Typesetter("letter", (148, 210), dpi)
    size = round(template.size_pt / 72 * dpi)
    m = t.px(template.margin_mm)
    right, left = t.width - m, m
    top = t.px(12)
    hx = t.width / 2 if template.head_align == "centre" else right
    anchor = "ms" if template.head_align == "centre" else "rs"
    hsize = round(size * 1.35)
    # Sizes and line widths in page pixels scale with the resolution, so that one template
    # prints the same on paper whatever the scan's dpi (a fixed pixel offset made the office
    # line 10% smaller at 150 dpi than at 300, which the layout check rightly reported).
    lw = dpi / 300
    for k, text in enumerate((template.issuer, template.office)):
        t.label(hx, top + (k + 1) * hsize * 1.5, text, heading, hsize - round(6 * lw) * k, anchor)
    mx, my, mr = left + t.px(10), top + t.px(9), t.px(7)
    if template.mark == "diamond":
        t.draw.polygon(
            [(mx, my - mr), (mx + mr, my), (mx, my + mr), (mx - mr, my)],
            outline=255,
            width=max(1, round(3 * lw)),
        )
    elif template.mark == "ring":
        t.draw.ellipse(
            [mx - mr, my - mr, mx + mr, my + mr], outline=255, width=max(1, round(4 * lw))
        )
    else:
        for k in range(4):
            t.draw.rectangle(
                [mx - mr + k * mr // 2, my - mr, mx - mr + k * mr // 2 + mr // 4, my + mr], fill=255
            )
    y = top + t.px(24)
    if template.rule == "double":
        t.rule(left, y, right, max(1, round(3 * lw)))
        t.rule(left, y + t.px(1.2), right, 1)
    elif template.rule == "single":
        t.rule(left, y, right, max(1, round(2 * lw)))
    else:
        t.rect((left - t.px(4), y, right + t.px(4), t.px(200)), max(1, round(2 * lw)))
    y += t.px(8)
    block = [
        ("شماره:", fa(f"{rng.integers(100, 9999)}/{rng.integers(10, 99)}")),
        ("تاریخ:", date(rng)),
        ("پیوست:", str(rng.choice(["ندارد", "دارد"]))),
    ]
    bx = left + t.px(42) if template.block_left else right
    for k, (label, value) in enumerate(block):
        t.line(bx, y + k * size * 1.6, [label, value], body_font, size)
    y += 3 * size * 1.6 + t.px(6)
    t.line(right, y, ["جناب", "آقای", *name(rng).split(), "محترم"], body_font, size)
    y += size * 1.8
    t.line(right, y, ["موضوع:", *sentence(rng, 4)], body_font, size)
    y += size * 1.8
    for _ in range(int(rng.integers(2, 4))):
        words = sentence(rng, int(rng.integers(18, 32)))
        words.insert(int(rng.integers(3, 10)), amount(rng))
        y = t.paragraph(right, y, right - left, words, body_font, size, size * 1.7)
        y += size * 0.8
    sx = left + t.px(30)
    t.label(sx, y + size * 2, name(rng), body_font, size)
    t.round_stamp(sx + t.px(8), y + size * 4, t.px(13), template.office.split()[0], body_font)
    page = t.finish()
    page.body_font, page.body_size, page.template = body_font, size, template.name
    return page


# -- other page kinds ----------------------------------------------------------------------------


def form(split: str, dpi: int, rng: np.random.Generator, heading: str) -> Page:
    t = Typesetter("form", (210, 297), dpi, str(rng.choice(FONTS[split].body)), 11)
    body, size = t.body, t.size
    right, left = t.width - t.px(20), t.px(20)
    y = t.px(25)
    t.label(t.width / 2, y, "فرم درخواست " + str(rng.choice(WORDS)), heading, size * 2)
    y += t.px(15)
    fields = [
        ("نام و نام خانوادگی", name(rng)),
        ("شماره ملی", fa(str(rng.integers(10**9, 10**10)))),
        ("تاریخ تولد", date(rng)),
        ("محل صدور", str(rng.choice(CITIES))),
        ("مبلغ درخواستی (ریال)", amount(rng)),
        ("تلفن", fa(f"0912{rng.integers(10**6, 10**7)}")),
        ("نشانی", " ".join(sentence(rng, 5))),
        ("تاریخ درخواست", date(rng)),
    ]
    for label, value in fields:
        if split == "dev":  # ruled: label, then the value on a dotted line
            box = t.line(right, y, [label + ":"], body, size, record=False)
            t.line(box[0] - t.px(5), y, value.split(), body, size)
            for x in range(left, box[0] - t.px(5), t.px(2)):
                t.draw.point((x, y + t.px(1.5)), fill=255)
        else:  # boxed: label in a cell, value in the next
            t.rect((left, y - size * 1.3, right, y + size * 0.6), 2)
            t.draw.line(
                [(right - t.px(55), y - size * 1.3), (right - t.px(55), y + size * 0.6)],
                fill=255,
                width=2,
            )
            t.line(right - t.px(3), y, [label], body, size, record=False)
            t.line(right - t.px(58), y, value.split(), body, size)
        y += size * (2.4 if split == "dev" else 1.9)
    y += t.px(10)
    for k in range(3):
        cx = right - k * t.px(55)
        t.rect((cx - t.px(4), y - t.px(4), cx, y), 2)
        t.line(cx - t.px(6), y, sentence(rng, 2), body, size)
    y += t.px(15)
    y = t.paragraph(right, y, right - left, sentence(rng, 60), body, size, size * 1.7)
    t.line(left + t.px(60), y + t.px(15), ["امضا", "و", "تاریخ:", date(rng)], body, size)
    return t.finish()


def names_list(split: str, dpi: int, rng: np.random.Generator, heading: str) -> Page:
    t = Typesetter("list", (210, 297), dpi, str(rng.choice(FONTS[split].body)), 11)
    body, size = t.body, t.size
    right = t.width - t.px(22)
    y = t.px(22)
    t.line(right, y, ["فهرست", "اسامی", *sentence(rng, 3)], heading, round(size * 1.5))
    y += t.px(14)
    for k in range(int(rng.integers(18, 26))):
        marker = fa(f"{k + 1}.") if split == "dev" else "•"
        words = [
            marker,
            *name(rng).split(),
            "کد",
            fa(str(rng.integers(10**9, 10**10))),
            str(rng.choice(CITIES)),
        ]
        t.line(right, y, words, body, size)
        y += size * 1.65
    return t.finish()


def table(split: str, dpi: int, rng: np.random.Generator, heading: str) -> Page:
    t = Typesetter("table", (210, 297), dpi, str(rng.choice(FONTS[split].body)), 10)
    body, size = t.body, t.size
    right, left = t.width - t.px(15), t.px(15)
    y = t.px(25)
    t.line(right, y, ["صورت", "پرداخت", *sentence(rng, 2)], heading, round(size * 1.5))
    y += t.px(10)
    cols = [right, right - t.px(15), right - t.px(75), right - t.px(115), right - t.px(150), left]
    heads = ["ردیف", "نام", "تاریخ", "مبلغ", "شرح"]
    rows = int(rng.integers(14, 20))
    row_h = size * 1.9
    for r in range(rows + 1):
        top = y + r * row_h
        cells = (
            heads
            if r == 0
            else [fa(str(r)), name(rng), date(rng), amount(rng), " ".join(sentence(rng, 2))]
        )
        for c, text in enumerate(cells):
            t.line(cols[c] - t.px(2), top + row_h * 0.7, text.split(), body, size, record=r > 0)
        if split == "dev" or r <= 1:
            t.rule(left, top, right, 2)
    bottom = y + (rows + 1) * row_h
    t.rule(left, bottom, right, 2)
    if split == "dev":
        for x in cols:
            t.draw.line([(x, y), (x, bottom)], fill=255, width=2)
    t.line(right, bottom + t.px(12), ["جمع", "کل:", amount(rng), "ریال"], body, size)
    return t.finish()


def receipt(split: str, dpi: int, rng: np.random.Generator, heading: str) -> Page:
    t = Typesetter("receipt", (80, 190), dpi, str(rng.choice(FONTS[split].body)), 9)
    body, size = t.body, t.size
    right, left = t.width - t.px(5), t.px(5)
    y = t.px(15)
    t.label(t.width / 2, y, "فروشگاه " + str(rng.choice(CITIES)), heading, round(size * 1.4))
    y += t.px(8)
    t.line(
        right, y, ["تاریخ:", date(rng), "شماره:", fa(str(rng.integers(1000, 99999)))], body, size
    )
    y += t.px(6)
    for _ in range(int(rng.integers(8, 14))):
        t.line(right, y, sentence(rng, 2), body, size)
        t.line(left + t.px(22), y, [amount(rng)], body, size)
        y += size * 1.6
    t.rule(left, y, right, 1 if split == "dev" else 3)
    y += size * 1.6
    t.line(right, y, ["جمع", "کل:", amount(rng), "ریال"], body, size)
    return t.finish()


def book(split: str, dpi: int, rng: np.random.Generator, heading: str) -> Page:
    t = Typesetter("book", (135, 200), dpi, str(rng.choice(FONTS[split].body)), 10.5)
    body, size = t.body, t.size
    right, left = t.width - t.px(16), t.px(16)
    y = t.px(14)
    t.line(right, y, sentence(rng, 3), body, round(size * 0.9))
    t.line(left + t.px(6), y, [fa(str(rng.integers(5, 400)))], body, round(size * 0.9))
    t.rule(left, y + t.px(3), right, 1)
    columns = (
        [(right, right - left)]
        if split == "dev"
        else [
            (right, (right - left) / 2 - t.px(4)),
            (left + (right - left) / 2 - t.px(4), (right - left) / 2 - t.px(4)),
        ]
    )
    bottom = t.px(185)
    for x, width in columns:
        yy = y + t.px(10)
        while yy < bottom - size * 8:
            words = sentence(rng, int(rng.integers(30, 60)))
            if rng.random() < 0.5:
                words.insert(int(rng.integers(2, 8)), fa(str(rng.integers(1300, 1400))))
            yy = t.paragraph(x, yy, width, words, body, size, size * 1.6)
            yy += size * 0.5
    return t.finish()


KINDS = ("letter", "form", "list", "table", "receipt", "book")


def render(kind: str, split: str, dpi: int, rng: np.random.Generator, template: int = 0) -> Page:
    """Typeset one page of `kind` for `split` at `dpi` (letters use template index `template`)."""
    heading = FONTS[split].heading
    if kind == "letter":
        return letter(TEMPLATES[split][template], split, dpi, rng, heading)
    maker = {"form": form, "list": names_list, "table": table, "receipt": receipt, "book": book}
    return maker[kind](split, dpi, rng, heading)
