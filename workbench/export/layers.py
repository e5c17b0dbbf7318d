"""Evidence drawn over a page: boxes from a report's results and findings, and heatmaps.

The app shows these layers over the page image; they are computed here, from the report
alone, so that any front end (the app, an export) draws the same evidence the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from workbench.model import Finding, Report

SEVERITY_RGB = {
    "info": (91, 112, 131),
    "notice": (31, 111, 235),
    "warning": (210, 153, 34),
    "critical": (207, 34, 46),
}
LANGUAGE_RGB = {
    "fa": (31, 111, 235),
    "ar": (207, 34, 46),
    "ur": (130, 80, 223),
    "ps": (191, 135, 0),
    "ckb": (26, 127, 55),
    "en": (26, 127, 55),
}
OTHER_RGB = (110, 119, 129)
#: Artifact kinds that are per-page heatmaps (grayscale, 0 = no trace).
HEATMAP_KINDS = (
    "tamper_heatmap",
    "ela_heatmap",
    "noise_map",
    "copymove_map",
    "ghost_map",
    "dq_map",
    "text_copymove_map",
    "glyph_map",
    "layout_difference",
)


@dataclass(frozen=True)
class Box:
    """A rectangle to draw in page pixels, with its colour and an optional label."""

    x: int
    y: int
    width: int
    height: int
    colour: tuple[int, int, int]
    label: str | None = None
    thickness: int = 3


def _box(raw: Any, colour: tuple[int, int, int], label: str | None = None) -> Box | None:
    """A Box from ``[x, y, w, h]`` or a region dict; None for anything malformed."""
    try:
        if isinstance(raw, dict):
            x, y, w, h = (int(raw[k]) for k in ("x", "y", "width", "height"))
        else:
            x, y, w, h = (int(v) for v in raw)
    except (KeyError, TypeError, ValueError):
        return None
    if w < 0 or h < 0:
        return None
    return Box(x, y, w, h, colour, label)


def _pages(results: dict[str, Any], name: str) -> list[dict[str, Any]]:
    pages = results.get(name, {}).get("pages", [])
    return [p for p in pages if isinstance(p, dict)]


def finding_boxes(finding: Finding, *, highlight: bool = False) -> list[Box]:
    """The regions of a finding, in its severity's colour (thicker when highlighted)."""
    colour = SEVERITY_RGB[finding.severity.label]
    return [
        Box(
            r.x,
            r.y,
            r.width,
            r.height,
            colour,
            r.label or finding.code,
            thickness=8 if highlight else 3,
        )
        for r in finding.regions
    ]


def report_layers(report: Report, page: int) -> dict[str, list[Box]]:
    """Named layers of boxes for one page.

    OCR words coloured by language, dates found, letter elements, and each check's findings.
    """
    layers: dict[str, list[Box]] = {}
    results = report.results
    words: list[Box] = []
    # The script check's per-word rows carry each word's language; plain OCR words do not.
    sources = [p for p in _pages(results, "script") if p.get("index") == page] or [
        p for p in _pages(results, "ocr") if p.get("index") == page
    ]
    for source in sources:
        for word in source.get("words", []):
            if not isinstance(word, dict):
                continue
            language = str(word.get("language") or "")
            box = _box(word.get("box"), LANGUAGE_RGB.get(language, OTHER_RGB), language or None)
            if box is not None:
                words.append(Box(box.x, box.y, box.width, box.height, box.colour, None, 1))
    if words:
        layers["OCR words (by language)"] = words
    dates = [
        b
        for d in results.get("dates", {}).get("found", [])
        if isinstance(d, dict) and d.get("page") == page and d.get("box")
        for b in [_box(d["box"], (130, 80, 223), str(d.get("gregorian") or d.get("text")))]
        if b is not None
    ]
    if dates:
        layers["Dates found"] = dates
    elements = [
        b
        for e in results.get("letter", {}).get("elements", [])
        if isinstance(e, dict) and e.get("box") and e.get("page", page) == page
        for b in [_box(e["box"], (26, 127, 55), str(e.get("name")))]
        if b is not None
    ]
    if elements:
        layers["Letter elements"] = elements
    for finding in report.findings:
        if finding.page == page and finding.regions:
            layers.setdefault(f"Findings: {finding.check}", []).extend(finding_boxes(finding))
    return layers


def draw_boxes(image: Image.Image, boxes: Iterable[Box]) -> Image.Image:
    """A copy of `image` with `boxes` outlined (labels are left to tooltips and legends)."""
    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    for b in boxes:
        if b.width <= 0 or b.height <= 0:
            continue
        draw.rectangle(
            [b.x, b.y, b.x + b.width - 1, b.y + b.height - 1],
            outline=b.colour,
            width=max(1, b.thickness),
        )
    return out


def colourise(heatmap: np.ndarray) -> np.ndarray:
    """A ``(H, W)`` uint8 heatmap as ``(H, W, 3)`` uint8 colours, dark blue (0) to red (255)."""
    h = heatmap.astype(np.float32) / 255.0
    red = np.clip(2.0 * h - 0.5, 0, 1)
    green = np.clip(1.5 - np.abs(4.0 * h - 2.0), 0, 1)
    blue = np.clip(1.0 - 2.0 * h, 0, 1) * 0.8
    return (np.stack([red, green, blue], axis=-1) * 255).astype(np.uint8)


def blend_heatmap(image: Image.Image, heatmap: Image.Image, alpha: float = 0.55) -> Image.Image:
    """`image` with a grayscale heatmap laid over it, stronger where the map is higher."""
    base = np.asarray(image.convert("RGB"), dtype=np.float32)
    heat = heatmap.convert("L")
    if heat.size != image.size:
        heat = heat.resize(image.size, Image.Resampling.BILINEAR)
    values = np.asarray(heat)
    colours = colourise(values).astype(np.float32)
    weight = (alpha * values.astype(np.float32) / 255.0)[..., None]
    out = base * (1 - weight) + colours * weight
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def crop_around(
    image: Image.Image, boxes: Sequence[Box], zoom: float
) -> tuple[Image.Image, tuple[int, int]]:
    """The part of `image` shown at `zoom` (>= 1), centred on `boxes` or on the page.

    Returns the crop and its top-left corner in page pixels.
    """
    if zoom <= 1:
        return image, (0, 0)
    w, h = image.size
    cw, ch = max(1, int(w / zoom)), max(1, int(h / zoom))
    if boxes:
        cx = sum(b.x + b.width / 2 for b in boxes) / len(boxes)
        cy = sum(b.y + b.height / 2 for b in boxes) / len(boxes)
    else:
        cx, cy = w / 2, h / 2
    left = int(min(max(cx - cw / 2, 0), w - cw))
    top = int(min(max(cy - ch / 2, 0), h - ch))
    return image.crop((left, top, left + cw, top + ch)), (left, top)
