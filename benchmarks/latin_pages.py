"""Persian letters with Latin runs in them, rendered from code, for `latin_lines.py`.

Official Persian letters carry Latin text: an e-mail address, a web address, a reference
with Latin letters («شماره: 123/ABC»), an English name or organisation in the body, a line
of English. Word processors set such runs in a Latin font beside the Persian one; the pages
here do the same (each run in its own font, laid out right to left), in two kinds:

- ``clean300``: clean 300-dpi pages, letters of 44-52 px (about 11 pt);
- ``web150``: the same degraded into 150-dpi web JPEGs (`benchmarks.ocr_pages.degrade`).

Every page holds Persian-only lines (from `benchmarks.ocr_pages.PERSIAN`), three to five
lines with Latin runs and one line of Western digits and punctuation without letters; each
line's Latin words are known, so what a reading recovers can be counted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from benchmarks.ocr_pages import A4_300, FARSIWEB, NOTO, PERSIAN, degrade

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

#: Persian faces of the body text.
PERSIAN_FONTS = (
    FARSIWEB / "nazli.ttf",
    FARSIWEB / "homa.ttf",
    NOTO / "NotoNaskhArabic-Regular.ttf",
)
#: Latin faces of the runs.
LATIN_FONTS = (
    NOTO / "NotoSans-Regular.ttf",
    DEJAVU / "DejaVuSerif.ttf",
    DEJAVU / "DejaVuSans.ttf",
)

#: Lines with Latin runs: segments in reading order, ``(text, latin)``.
MIXED_LINES: tuple[tuple[tuple[str, bool], ...], ...] = (
    (("پست الکترونیک:", False), ("info@abfa-tehran.ir", True)),
    (("شماره:", False), ("123/ABC/45", True)),
    (("نشانی اینترنتی:", False), ("www.mfa.gov.ir", True)),
    (("جناب آقای", False), ("Dr. John Smith", True), ("مدیر محترم پروژه", False)),
    (("رونوشت:", False), ("Mr. Peter Hansen, UNDP Tehran Office", True)),
    (("Ministry of Energy, Water and Wastewater Department", True),),
    (("گواهی", False), ("ISO 9001", True), ("این شرکت تمدید شد.", False)),
    (("با شرکت", False), ("Siemens AG", True), ("قرارداد بسته شد.", False)),
    (("Please reply to the Regional Office before Friday.", True),),
    (("کد رهگیری:", False), ("TRK-58213-QX", True)),
    (("خانم", False), ("Maria Rossi", True), ("کارشناس سازمان ملل متحد", False)),
    (("Subject: Annual report of the water project", True),),
)
#: Lines of Western digits and ASCII punctuation without letters (nothing Latin to find).
DIGIT_LINES: tuple[tuple[tuple[str, bool], ...], ...] = (
    (("تلفن:", False), ("+98 21 8872 4153", True)),
    (("کد پستی:", False), ("14567-89123", True)),
)


@dataclass(frozen=True)
class LatinPage:
    """One page: the image, and for each line its box and its Latin words."""

    name: str
    kind: str
    image: Image.Image
    #: ``(top, bottom, latin words)`` of every line, top to bottom, in the image's pixels.
    lines: tuple[tuple[int, int, tuple[str, ...]], ...]


def latin_words(segments: tuple[tuple[str, bool], ...]) -> tuple[str, ...]:
    """The words of the Latin runs that hold at least one Latin letter."""
    return tuple(
        w
        for text, latin in segments
        if latin
        for w in text.split()
        if any("a" <= c.lower() <= "z" for c in w)
    )


def _draw_line(
    draw: ImageDraw.ImageDraw,
    segments: tuple[tuple[str, bool], ...],
    persian: ImageFont.FreeTypeFont,
    latin: ImageFont.FreeTypeFont,
    right: int,
    baseline: int,
) -> None:
    """Segments laid out right to left from `right`; a line wholly Latin runs left to right."""
    if all(is_latin for _, is_latin in segments):
        text = " ".join(t for t, _ in segments)
        length = draw.textlength(text, font=latin)
        draw.text((right - length, baseline), text, font=latin, fill=0, anchor="ls")
        return
    x = float(right)
    space = draw.textlength(" ", font=persian)
    for text, is_latin in segments:
        face = latin if is_latin else persian
        direction = "ltr" if is_latin else "rtl"
        length = draw.textlength(text, font=face, direction=direction)
        draw.text((x - length, baseline), text, font=face, fill=0, anchor="ls", direction=direction)
        x -= length + space * 1.5


#: ``(top, bottom, latin words)`` of one rendered line.
Truth = tuple[int, int, tuple[str, ...]]


def render_letter(rng: random.Random, size: int) -> tuple[Image.Image, list[Truth]]:
    """A 300-dpi letter: Persian body lines with mixed lines and one digits line among them."""
    persian_path = rng.choice(PERSIAN_FONTS)
    latin_path = rng.choice(LATIN_FONTS)
    persian = ImageFont.truetype(str(persian_path), size, layout_engine=ImageFont.Layout.RAQM)
    latin = ImageFont.truetype(
        str(latin_path), round(size * 0.8), layout_engine=ImageFont.Layout.RAQM
    )
    body = [((s, False),) for s in rng.sample(PERSIAN, 12)]
    mixed = rng.sample(MIXED_LINES, rng.randint(3, 5))
    lines = body[:]
    for segments in [*mixed, rng.choice(DIGIT_LINES)]:
        lines.insert(rng.randrange(len(lines) + 1), segments)
    width, height = A4_300
    margin = 220
    img = Image.new("L", A4_300, 255)
    draw = ImageDraw.Draw(img)
    step = int(size * 1.9)
    y = margin + size
    truth: list[Truth] = []
    for segments in lines:
        if y + step > height - margin:
            break
        # Long Persian sentences are cut to the measure by dropping words from the end.
        if len(segments) == 1 and not segments[0][1]:
            words = segments[0][0].split()
            while (
                len(words) > 3
                and draw.textlength(" ".join(words), font=persian, direction="rtl")
                > width - 2 * margin
            ):
                words.pop()
            segments = ((" ".join(words), False),)
        _draw_line(draw, segments, persian, latin, width - margin, y)
        truth.append((y - size, y + size // 3, latin_words(segments)))
        y += step
    return img, truth


def build_latin_pages(per_kind: int, seed: int = 14) -> list[LatinPage]:
    """`per_kind` pages of each kind; the same seed gives the same pages."""
    rng = random.Random(seed)
    pages: list[LatinPage] = []
    for n in range(per_kind):
        size = rng.choice([44, 48, 52])
        img, truth = render_letter(rng, size)
        pages.append(LatinPage(f"clean300-{n:02d}", "clean300", img.convert("RGB"), tuple(truth)))
        web = degrade(img, rng)
        half = tuple((top // 2, bottom // 2, words) for top, bottom, words in truth)
        pages.append(LatinPage(f"web150-{n:02d}", "web150", web, half))
    return pages
