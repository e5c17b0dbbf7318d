"""A scan-like letter page rendered from code: Persian text, blur, paper tone and sensor noise.

The fixtures' bar pages are enough for loading and geometry; compression evidence needs the
gradients of real glyphs passed through an optical blur, as a scanner produces them.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/farsiweb/nazli.ttf"
LINES = (
    "بسمه تعالی",
    "وزارت فرهنگ و ارشاد اسلامی - دفتر بازرسی و نظارت",
    "شماره: ۱۲۳۴/۵۶ تاریخ: ۱۳۸۰/۰۲/۲۴ پیوست: ندارد",
    "جناب آقای مدیر کل محترم امور اداری",
    "با سلام و احترام، به استحضار می‌رساند گزارش بازرسی دوره‌ای واحدهای تابعه",
    "در تاریخ یادشده تهیه و برای اقدام لازم به پیوست ارسال می‌گردد.",
    "خواهشمند است دستور فرمایید نتیجه بررسی به این دفتر اعلام شود.",
)


def scanned_letter(width: int = 1240, height: int = 1754, seed: int = 0) -> Image.Image:
    """An RGB page of Persian text lines, blurred and noisy like a 150-dpi office scan."""
    rng = np.random.default_rng(seed)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, max(12, width // 40), layout_engine=ImageFont.Layout.RAQM)
    y = height // 12
    step = max(20, width // 22)
    while y < height - step * 2:
        for line in LINES:
            if y >= height - step * 2:
                break
            draw.text(
                (width - width // 12, y), line, fill=20, font=font, anchor="ra", direction="rtl"
            )
            y += step
        y += step
    ink = np.asarray(page, dtype=np.float32) / 255.0
    ink = cv2.GaussianBlur(ink, (0, 0), 0.9)
    paper = np.array([246.0, 242.0, 232.0], dtype=np.float32)
    rgb = ink[..., None] * paper + (1 - ink[..., None]) * np.array([35.0, 35.0, 60.0])
    rgb += rng.normal(0, 2.5, rgb.shape)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def jpeg_gray(image: np.ndarray, quality: int) -> np.ndarray:
    """`image` saved as JPEG at `quality` and decoded to luminance."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L")).copy()
