"""Evidence drawn over a page: the layers the installed checks declare, and how they are drawn.

Each check declares its layers (`workbench.check.Layer`): boxes read from its results, heatmap
or image artifacts, its findings' regions. They are computed here from a report alone, so that
any front end (the app, an export) draws the same evidence the same way, and nothing here
knows a check by name: a new check's layers appear once it is installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from workbench.check import RGB, Check, Layer, LayerKind
from workbench.geometry import Box
from workbench.model import Artifact, Finding, Report

SEVERITY_RGB = {
    "info": (91, 112, 131),
    "notice": (31, 111, 235),
    "warning": (210, 153, 34),
    "critical": (207, 34, 46),
}
#: Artifact layer kinds, in the order a viewer offers them (heatmaps, then pictures).
ARTIFACT_KINDS = (LayerKind.HEATMAP, LayerKind.IMAGE)


@dataclass(frozen=True)
class DrawnBox:
    """A box to draw over a page: where it is, its colour, an optional label, line width."""

    box: Box
    colour: RGB
    label: str | None = None
    thickness: int = 3


@dataclass(frozen=True)
class PageLayer:
    """One named layer of boxes on one page, and whether it is drawn by default."""

    label: str
    boxes: tuple[DrawnBox, ...]
    default: bool
    kind: LayerKind = LayerKind.RESULT_BOXES


@dataclass(frozen=True)
class Picture:
    """A page-sized artifact a check declared as a heatmap or an image, with its layer."""

    artifact: Artifact
    layer: Layer


def installed_checks(checks: Iterable[type[Check]] | None = None) -> tuple[type[Check], ...]:
    """`checks`, or the installed checks in run order when None."""
    if checks is not None:
        return tuple(checks)
    from workbench.registry import discover

    return discover().checks


def _box(raw: Any, colour: RGB, label: str | None, thickness: int) -> DrawnBox | None:
    """A drawn box from ``[x, y, w, h]`` or a region dict; None for anything malformed."""
    try:
        if isinstance(raw, dict):
            x, y, w, h = (int(raw[k]) for k in ("x", "y", "width", "height"))
        else:
            x, y, w, h = (int(v) for v in raw)
    except (KeyError, TypeError, ValueError):
        return None
    if w < 0 or h < 0:
        return None
    return DrawnBox(Box(x, y, w, h), colour, label, thickness)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _rows(layer: Layer, results: dict[str, Any], page: int) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the check has an entry for `page`, and the rows of `layer` on it."""
    if layer.pages is not None:
        entries = [p for p in _dicts(results.get(layer.pages)) if p.get("index") == page]
        return bool(entries), [row for p in entries for row in _dicts(p.get(layer.rows))]
    rows = [
        row
        for row in _dicts(results.get(layer.rows))
        if row.get(layer.page_key, page if layer.unpaged_everywhere else None) == page
    ]
    return bool(rows), rows


def _result_boxes(layer: Layer, rows: Iterable[dict[str, Any]]) -> list[DrawnBox]:
    boxes = []
    for row in rows:
        colour = layer.colour
        if layer.colour_by is not None:
            colour = layer.palette.get(str(row.get(layer.colour_by) or ""), layer.colour)
        label = None
        if layer.caption:
            value = None
            for key in layer.caption:
                value = row.get(key)
                if value:
                    break
            label = str(value)
        box = _box(row.get(layer.box), colour, label, layer.thickness)
        if box is not None:
            boxes.append(box)
    return boxes


def finding_boxes(finding: Finding, *, highlight: bool = False) -> list[DrawnBox]:
    """The regions of a finding, in its severity's colour (thicker when highlighted)."""
    colour = SEVERITY_RGB[finding.severity.label]
    return [
        DrawnBox(
            Box(r.x, r.y, r.width, r.height),
            colour,
            r.label or finding.code,
            thickness=8 if highlight else 3,
        )
        for r in finding.regions
    ]


def _finding_layer(finding: Finding, declared: dict[str, tuple[Layer, ...]]) -> tuple[str, bool]:
    """The label of the layer a finding is drawn in, and whether it is drawn by default."""
    code = finding.code.removeprefix(f"{finding.check}.")
    for layer in declared.get(finding.check, ()):
        if not layer.codes or code in layer.codes:
            return layer.label, layer.default
    return f"Findings: {finding.check}", True


def page_layers(
    report: Report, page: int, checks: Iterable[type[Check]] | None = None
) -> list[PageLayer]:
    """The layers of boxes on one page: what the checks' results declare, then their findings.

    Result layers come in the checks' run order; layers of the same label are merged, except
    that a layer naming a check it `replaces` drops that check's boxes wherever it has an entry
    for the page. Empty layers are left out.
    """
    classes = installed_checks(checks)
    found: dict[str, dict[str, list[DrawnBox]]] = {}
    defaults: dict[str, bool] = {}
    replaced: set[tuple[str, str]] = set()
    for cls in classes:
        results = report.results.get(cls.name)
        if not isinstance(results, dict):
            continue
        for layer in cls.layers:
            if layer.kind is not LayerKind.RESULT_BOXES:
                continue
            present, rows = _rows(layer, results, page)
            if present and layer.replaces is not None:
                replaced.add((layer.label, layer.replaces))
            boxes = _result_boxes(layer, rows)
            if boxes:
                found.setdefault(layer.label, {}).setdefault(cls.name, []).extend(boxes)
                defaults.setdefault(layer.label, layer.default)
    layers = []
    for label, by_check in found.items():
        boxes = [b for name, bs in by_check.items() if (label, name) not in replaced for b in bs]
        if boxes:
            layers.append(PageLayer(label, tuple(boxes), defaults[label]))
    declared = {
        cls.name: tuple(x for x in cls.layers if x.kind is LayerKind.FINDING_BOXES)
        for cls in classes
    }
    by_label: dict[str, list[DrawnBox]] = {}
    finding_defaults: dict[str, bool] = {}
    for finding in report.findings:
        if finding.page == page and finding.regions:
            label, default = _finding_layer(finding, declared)
            by_label.setdefault(label, []).extend(finding_boxes(finding))
            finding_defaults.setdefault(label, default)
    layers += [
        PageLayer(k, tuple(v), finding_defaults[k], LayerKind.FINDING_BOXES)
        for k, v in by_label.items()
    ]
    return layers


def report_layers(
    report: Report, page: int, checks: Iterable[type[Check]] | None = None
) -> dict[str, list[DrawnBox]]:
    """The boxes of each layer on one page, by label (see `page_layers`)."""
    return {layer.label: list(layer.boxes) for layer in page_layers(report, page, checks)}


def page_pictures(
    report: Report, page: int, checks: Iterable[type[Check]] | None = None
) -> list[Picture]:
    """The heatmaps, then the images, the checks declared and wrote for one page."""
    declared: dict[str, Layer] = {}
    for cls in installed_checks(checks):
        for layer in cls.layers:
            if layer.kind in ARTIFACT_KINDS:
                declared.setdefault(layer.artifact, layer)
    return [
        Picture(a, declared[a.kind])
        for kind in ARTIFACT_KINDS
        for a in report.artifacts
        if a.page == page and a.kind in declared and declared[a.kind].kind is kind
    ]


def draw_boxes(image: Image.Image, boxes: Iterable[DrawnBox]) -> Image.Image:
    """A copy of `image` with `boxes` outlined (labels are left to tooltips and legends)."""
    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    for drawn in boxes:
        b = drawn.box
        if b.width <= 0 or b.height <= 0:
            continue
        draw.rectangle(
            [b.x, b.y, b.x + b.width - 1, b.y + b.height - 1],
            outline=drawn.colour,
            width=max(1, drawn.thickness),
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


def draw_picture(image: Image.Image, picture: Picture, artifact: Image.Image) -> Image.Image:
    """The page as `picture` shows it: a heatmap blended over it, or the image in its place."""
    if picture.layer.kind is LayerKind.HEATMAP:
        return blend_heatmap(image, artifact)
    return artifact.convert("RGB")


def crop_around(
    image: Image.Image, boxes: Sequence[DrawnBox], zoom: float
) -> tuple[Image.Image, tuple[int, int]]:
    """The part of `image` shown at `zoom` (>= 1), centred on `boxes` or on the page.

    Returns the crop and its top-left corner in page pixels.
    """
    if zoom <= 1:
        return image, (0, 0)
    w, h = image.size
    cw, ch = max(1, int(w / zoom)), max(1, int(h / zoom))
    if boxes:
        cx = sum(b.box.x + b.box.width / 2 for b in boxes) / len(boxes)
        cy = sum(b.box.y + b.box.height / 2 for b in boxes) / len(boxes)
    else:
        cx, cy = w / 2, h / 2
    left = int(min(max(cx - cw / 2, 0), w - cw))
    top = int(min(max(cy - ch / 2, 0), h - ch))
    return image.crop((left, top, left + cw, top + ch)), (left, top)
