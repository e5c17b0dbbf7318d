"""Test images for pixel forensics, built from code: textures and letter-like scanned pages."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from workbench import analyze
from workbench.model import Finding, Report, Severity
from workbench.serialize import report_to_dict, validate_report

FONT = Path("/usr/share/fonts/truetype/farsiweb/nazli.ttf")
LINES = [
    "بسمه تعالی",
    "وزارت آب و آبادانی - دفتر بازرسی و نظارت",
    "موضوع: گزارش بازرسی از طرح‌های آبرسانی استان",
    "با سلام و احترام، به استحضار می‌رساند که بازرسی از طرح‌های آبرسانی",
    "در تاریخ یاد شده انجام شد و گزارش آن به پیوست تقدیم می‌گردد.",
    "خواهشمند است دستور فرمایید اقدامات لازم در این زمینه انجام شود.",
    "در این زمینه هماهنگی با دفتر بازرسی و نظارت ضروری است.",
    "با سپاس و احترام",
]


def texture(shape: tuple[int, int], seed: int = 0, octaves: int = 6) -> np.ndarray:
    """Fractal value noise in [0, 255] (uint8): a stand-in for a natural textured scene.

    Octaves from 64-pixel features down to 2-pixel grain, each at 0.75 of the previous
    amplitude, so the scene has detail at every scale as photographs do.
    """
    rng = np.random.default_rng(seed)
    h, w = shape
    out = np.zeros((h, w), np.float32)
    amplitude = 1.0
    for octave in range(octaves):
        cell = max(2, 64 >> octave)
        grid = rng.standard_normal((h // cell + 2, w // cell + 2)).astype(np.float32)
        up = cv2.resize(
            grid, ((w // cell + 2) * cell, (h // cell + 2) * cell), interpolation=cv2.INTER_CUBIC
        )
        out += amplitude * up[:h, :w]
        amplitude *= 0.75
    out = (out - out.mean()) / (out.std() + 1e-6)
    return np.clip(128 + 45 * out, 0, 255).astype(np.uint8)


def scene(shape: tuple[int, int] = (384, 384), seed: int = 0, noise: float = 2.0) -> np.ndarray:
    """A never-compressed textured image with sensor-like noise."""
    rng = np.random.default_rng(seed)
    img = texture(shape, seed=seed).astype(np.float64) + rng.normal(0, noise, shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def shapes_scene(shape: tuple[int, int] = (600, 800), seed: int = 0, count: int = 60) -> np.ndarray:
    """A textured scene with procedurally drawn objects (discs, boxes, strokes) and noise.

    Closer to a photograph than pure fractal noise: objects with edges and corners give
    keypoints, textures fill the rest.
    """
    rng = np.random.default_rng(seed)
    h, w = shape
    img = texture(shape, seed=seed).astype(np.float32) * 0.6 + 50
    for _ in range(count):
        tone = float(rng.uniform(0, 255))
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        size = int(rng.integers(6, 40))
        kind = rng.integers(0, 3)
        if kind == 0:
            cv2.circle(img, (x, y), size, tone, -1, cv2.LINE_AA)
        elif kind == 1:
            cv2.rectangle(img, (x, y), (x + size, y + int(rng.integers(6, 40))), tone, -1)
        else:
            x2, y2 = x + int(rng.integers(-80, 80)), y + int(rng.integers(-80, 80))
            cv2.line(img, (x, y), (x2, y2), tone, int(rng.integers(1, 5)), cv2.LINE_AA)
    img = cv2.GaussianBlur(img, (0, 0), 0.8) + rng.normal(0, 2.0, shape).astype(np.float32)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def textured(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photograph-like image: smooth structure at several scales plus fine grain."""
    rng = np.random.default_rng(seed)
    w, h = size
    img = np.zeros((h, w, 3), np.float32)
    for scale in (4, 16, 64):
        noise = rng.normal(0, 1, (h // scale + 2, w // scale + 2, 3)).astype(np.float32)
        img += cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC) * 40
    img += rng.normal(0, 3, (h, w, 3)).astype(np.float32)
    return Image.fromarray(np.clip(img + 128, 0, 255).astype(np.uint8))


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    """Round-trip an array through a JPEG file at `quality`."""
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue()))).copy()


def whitened(page: np.ndarray) -> np.ndarray:
    """The page through a copier's soft threshold and a bilateral denoiser: near-white paper."""
    out = page.astype(np.float32)
    out = np.where(out > 200, 250 + (out - 238) * 0.3, out)
    return np.asarray(cv2.bilateralFilter(np.clip(out, 0, 255).astype(np.uint8), 7, 30, 5))


def paste_transformed(
    image: np.ndarray,
    src_center: tuple[float, float],
    dst_center: tuple[float, float],
    radius: float,
    angle: float = 0.0,
    scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Copy a disc of `image` around `src_center` to `dst_center`, rotated and scaled.

    Returns the tampered image and the boolean mask of the pasted disc.
    """
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D(src_center, angle, scale)
    m[:, 2] += np.array(dst_center) - np.array(src_center)
    warped = cv2.warpAffine(
        image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    yy, xx = np.mgrid[0:h, 0:w]
    mask = np.hypot(xx - dst_center[0], yy - dst_center[1]) <= radius * scale
    out = image.copy()
    out[mask] = warped[mask]
    return out, mask


@dataclass
class Letter:
    """A rendered, scanned letter page with the boxes of its seal and signature."""

    image: np.ndarray  # (H, W) uint8
    seal_center: tuple[int, int]
    seal_radius: int
    signature_box: tuple[int, int, int, int]  # x, y, w, h


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size, layout_engine=ImageFont.Layout.RAQM)


def letter_page(width: int = 1240, height: int = 1754, seed: int = 0) -> Letter:
    """A letter-like scanned page: Persian text lines, a ruled line, a seal and a signature.

    Printed on paper with a little texture, blurred and with sensor noise like a 150-dpi
    office scan. Repeated words and lines are deliberate: they must not look like clones.
    """
    rng = np.random.default_rng(seed)
    ink = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(ink)
    body = _font(30)
    y = 160
    for i, line in enumerate(LINES):
        font = _font(40) if i == 0 else body
        draw.text(
            (width - 110, y), line, font=font, fill=255, anchor="rs", direction="rtl", language="fa"
        )
        y += 70 if i else 100
    draw.line([(110, 120), (width - 110, 120)], fill=255, width=3)
    draw.text(
        (width - 110, 90),
        "شماره: ۱۲۴۷/۸۰/ب",
        font=body,
        fill=255,
        anchor="rs",
        direction="rtl",
        language="fa",
    )
    # Seal: two rings, a star ring and the office name in the middle.
    cx, cy, r = 420, 1300, 110
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=170, width=5)
    draw.ellipse([cx - r + 22, cy - r + 22, cx + r - 22, cy + r - 22], outline=170, width=3)
    for k in range(24):
        a = 2 * math.pi * k / 24
        px, py = cx + (r - 11) * math.cos(a), cy + (r - 11) * math.sin(a)
        draw.ellipse([px - 3, py - 3, px + 3, py + 3], fill=170)
    draw.text(
        (cx, cy - 10),
        "دفتر بازرسی",
        font=_font(26),
        fill=170,
        anchor="mm",
        direction="rtl",
        language="fa",
    )
    draw.text(
        (cx, cy + 25),
        "و نظارت",
        font=_font(26),
        fill=170,
        anchor="mm",
        direction="rtl",
        language="fa",
    )
    # Signature: a few random strokes.
    sx, sy, sw, sh = 760, 1220, 300, 140
    pts = [
        (sx + 10 + t * (sw - 20), sy + sh / 2 + 40 * math.sin(5 * t + rng.uniform(0, 3)))
        for t in np.linspace(0, 1, 40)
    ]
    draw.line(pts, fill=255, width=4, joint="curve")
    draw.line([(sx + 20, sy + sh - 30), (sx + sw - 30, sy + 25)], fill=255, width=3)
    ink_arr = np.asarray(ink, np.float32) / 255.0
    paper = (
        238
        + 4
        * cv2.GaussianBlur(rng.standard_normal((height, width)).astype(np.float32), (0, 0), 12)
        * 12
    )
    page = paper * (1 - 0.85 * ink_arr)
    page = cv2.GaussianBlur(page, (0, 0), 0.7)
    page += rng.normal(0, 2.0, page.shape).astype(np.float32)
    return Letter(np.clip(np.rint(page), 0, 255).astype(np.uint8), (cx, cy), r, (sx, sy, sw, sh))


def save_png(image: np.ndarray, path: Path, dpi: int = 150) -> Path:
    """Write an array as a PNG with a resolution."""
    Image.fromarray(image).save(path, format="PNG", dpi=(dpi, dpi))
    return path


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether two (x, y, w, h) boxes share at least one pixel."""
    return min(a[0] + a[2], b[0] + b[2]) > max(a[0], b[0]) and min(a[1] + a[3], b[1] + b[3]) > max(
        a[1], b[1]
    )


NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")


def retype(
    page: np.ndarray,
    baseline: int,
    text: str,
    *,
    font: Path = NASKH,
    size: int = 30,
    right: int = 1130,
    left: int = 100,
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Erase a band of a scanned page with its paper tone and type `text` into it digitally.

    What a forger does to a published scan: the new text is sharp and black (no print or
    scan blur, no paper grain). Returns the edited page and the (x, y, w, h) of the band.
    """
    img = page.astype(np.float32)
    h, w = img.shape
    y0, y1 = baseline - size, baseline + size // 2
    band = img[y0:y1, left:right]
    paper = float(np.median(band[band > 180])) if (band > 180).any() else 235.0
    img[y0:y1, left:right] = paper
    ink = Image.new("L", (w, h), 0)
    face = ImageFont.truetype(str(font), size, layout_engine=ImageFont.Layout.RAQM)
    ImageDraw.Draw(ink).text(
        (right, baseline), text, font=face, fill=255, anchor="rs", direction="rtl", language="fa"
    )
    img *= 1.0 - np.asarray(ink, np.float32) / 255.0
    out = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return out, (left, y0, right - left, y1 - y0)


def copy_word(
    page: np.ndarray, box: tuple[int, int, int, int], to: tuple[int, int], pad: int = 3
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Copy the pixels of `box` (with `pad` pixels of paper around it) to `to` (x, y)."""
    x, y, w, h = box
    patch = page[y - pad : y + h + pad, x - pad : x + w + pad]
    out = page.copy()
    out[to[1] : to[1] + patch.shape[0], to[0] : to[0] + patch.shape[1]] = patch
    return out, (to[0], to[1], patch.shape[1], patch.shape[0])


#: A page of a register: labels with numbers, dates and amounts, as in a letter or a form.
ROWS = [
    "شماره پرونده: ۴۵۶۷۸ مورخ ۱۳۸۱/۰۵/۱۲",
    "مبلغ کل قرارداد ۲۵۰۰۰۰ ریال تعیین شد",
    "تاریخ جلسه ۱۳۸۰/۰۲/۲۴ در محل دفتر",
    "شماره حساب ۹۸۷۶۵۴۳۲ نزد بانک ملی",
    "کد پستی ۱۴۳۵۶۷۸۹۱۲ و تلفن ۸۸۷۷۶۶۵۵",
    "تعداد کارکنان ۳۴۵ نفر و مساحت ۱۲۰۰ متر",
    "نامه شماره ۷۸۹۰ مورخ ۱۳۷۹/۱۱/۰۳ پیوست است",
    "هزینه حمل ۴۵۰۰۰ ریال و بیمه ۱۲۵۰۰ ریال",
]


def register_page(
    seed: int = 5,
    width: int = 1240,
    height: int = 1000,
    *,
    bold_row: int | None = None,
) -> np.ndarray:
    """The rows printed and scanned together at 150 dpi (blur, paper texture, sensor noise).

    `bold_row` prints that row in bold, as a total or a heading is.
    """
    return scan_register(register_ink(width, height, bold_row=bold_row), seed)


def register_ink(
    width: int = 1240, height: int = 1000, *, bold_row: int | None = None
) -> Image.Image:
    """The register's rows as ink (255) on nothing (0), for `scan_register`; draw more on it."""
    ink = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(ink)
    face = ImageFont.truetype(str(FONT), 30, layout_engine=ImageFont.Layout.RAQM)
    for i, row in enumerate(ROWS):
        draw.text(
            (width - 110, 140 + 90 * i),
            row,
            font=face,
            fill=255,
            anchor="rs",
            direction="rtl",
            language="fa",
            stroke_width=1 if i == bold_row else 0,
            stroke_fill=255,
        )
    return ink


def scan_register(ink: Image.Image, seed: int = 5) -> np.ndarray:
    """Ink printed on textured paper and scanned at 150 dpi (blur, sensor noise), as uint8."""
    rng = np.random.default_rng(seed)
    width, height = ink.size
    paper = 238 + 48 * cv2.GaussianBlur(
        rng.standard_normal((height, width)).astype(np.float32), (0, 0), 12
    )
    page = paper * (1 - 0.8 * np.asarray(ink, np.float32) / 255.0)
    page = cv2.GaussianBlur(page, (0, 0), 0.8)
    page += rng.normal(0, 2.0, page.shape).astype(np.float32)
    return np.clip(np.rint(page), 0, 255).astype(np.uint8)


def retype_number(page: np.ndarray, box: tuple[int, int, int, int], text: str) -> np.ndarray:
    """Erase the word in `box` (x, y, w, h) with the paper's tone and type `text` in its place.

    Sharp and nearly black, right-aligned and sitting on the box's bottom: what a forger who
    retypes a number in a published scan does.
    """
    x, y, w, h = box
    img = page.astype(np.float32)
    band = img[y - 3 : y + h + 3, x - 3 : x + w + 3]
    img[y - 3 : y + h + 3, x - 3 : x + w + 3] = float(np.median(band[band > 180]))
    ink = Image.new("L", (page.shape[1], page.shape[0]), 0)
    face = ImageFont.truetype(str(NASKH), 30, layout_engine=ImageFont.Layout.RAQM)
    ImageDraw.Draw(ink).text(
        (x + w, y + h), text, font=face, fill=255, anchor="rd", direction="rtl", language="fa"
    )
    img *= 1.0 - 0.95 * np.asarray(ink, np.float32) / 255.0
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def forensics_report(path: Path) -> Report:
    """The forensics check alone on `path`, its report validated against the contract."""
    report = analyze(path, only=["forensics"])
    validate_report(report_to_dict(report))
    return report


def number_findings(report: Report) -> list[Finding]:
    """The findings of the number comparison (`digit_consistency`) in `report`."""
    return [f for f in report.findings if f.evidence.get("method") == "digit_consistency"]


def warning_regions(path: Path, out: Path) -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) of every region of the forensics check's warnings on `path`."""
    report = analyze(path, only=["forensics"], out=out)
    return [
        (r.x, r.y, r.width, r.height)
        for f in report.findings
        if f.severity >= Severity.WARNING
        for r in f.regions
    ]
