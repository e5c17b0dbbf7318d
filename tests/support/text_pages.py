"""Pages of real Persian, Arabic and English text rendered from code, for the OCR tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FARSIWEB = Path("/usr/share/fonts/truetype/farsiweb")
NAZLI = FARSIWEB / "nazli.ttf"
NOTO_SANS = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")

LETTER_LINES = (
    "بسمه تعالی",
    "جناب آقای دکتر رضایی",
    "با سلام و احترام گزارش جلسه هفته گذشته به پیوست ارسال می‌شود.",
    "خواهشمند است دستور فرمایید بررسی لازم انجام شود.",
    "این نامه برای اطلاع شما و همکاران محترم فرستاده شده است.",
)


def render_page(
    lines: Sequence[str],
    *,
    font: Path = NAZLI,
    size: int = 44,
    width: int = 1800,
    rtl: bool = True,
    margin: int = 120,
    spacing: float = 2.0,
) -> Image.Image:
    """A white RGB page with `lines` right-aligned (RTL) or left-aligned, black text."""
    face = ImageFont.truetype(str(font), size, layout_engine=ImageFont.Layout.RAQM)
    height = int(2 * margin + spacing * size * len(lines))
    page = Image.new("RGB", (width, max(height, 400)), "white")
    draw = ImageDraw.Draw(page)
    y = margin
    for line in lines:
        direction = "rtl" if rtl else "ltr"
        length = draw.textlength(line, font=face, direction=direction)
        x = width - margin - length if rtl else margin
        draw.text((x, y), line, font=face, fill="black", direction=direction)
        y += int(spacing * size)
    return page
