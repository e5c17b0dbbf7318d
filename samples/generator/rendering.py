"""Drawing a letter: fonts and right-to-left text, the emblem, signatures, seals and the page.

A rendered page is a set of ink layers (text, signature, seal) plus the boxes of its elements;
scanning (``generator.scanning``) turns the layers into a scanned image.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

from generator.conventions import (
    A5,
    FONTS,
    FOOTER_FA,
    MINISTRY_FA,
    OFFICE_FA,
    Box,
    CorpusError,
    fa_digits,
    jalali_numeric,
    pad,
    rng_for,
    union,
)
from generator.letters import LetterSpec, Mods, Person

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


def render_letter(
    spec: LetterSpec,
    mods: Mods = Mods(),  # noqa: B008 (a frozen dataclass, never mutated)
    size: tuple[int, int] = A5,
) -> Rendered:
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
