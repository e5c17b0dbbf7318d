"""A self-contained HTML summary of one or more reports.

Everything is inside the one file: styles inline, page previews embedded as data URIs, and the
regions of findings drawn over the page as SVG rectangles in page coordinates, with the other
layers the checks declare as drawn by default (`workbench.check.Layer`): their boxes as more
rectangles, their heatmaps and images as further figures of the page. Every string
that comes from a document or a check passes through Jinja's autoescaping, so markup in
metadata or file names is shown as text, never interpreted.
"""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, select_autoescape
from PIL import Image

from workbench.check import Check, LayerKind
from workbench.errors import WorkbenchError
from workbench.export.layers import (
    DrawnBox,
    draw_picture,
    installed_checks,
    page_layers,
    page_pictures,
)
from workbench.model import Artifact, Report
from workbench.serialize import finding_to_dict

log = logging.getLogger(__name__)

PREVIEW_MAX_SIDE = 1000
SEVERITY_COLOURS = {
    "info": "#5b7083",
    "notice": "#1f6feb",
    "warning": "#d29922",
    "critical": "#cf222e",
}


@dataclass(frozen=True)
class Preview:
    """A page image to embed, at the size of the decoded page's coordinate system.

    `label` names the layer drawn over the page (a heatmap, an image in its place; None for
    the page itself); `boxes` are the declared boxes drawn over it besides the findings'.
    `unavailable` says why a declared picture could not be drawn (its stored file missing,
    changed or unreadable): such a preview has no image, and the export says the picture was
    left out rather than silently dropping it.
    """

    page: int
    width: int
    height: int
    data_uri: str
    label: str | None = None
    boxes: tuple[DrawnBox, ...] = ()
    unavailable: str | None = None


def make_preview(
    page: int, image: Image.Image, label: str | None = None, boxes: Iterable[DrawnBox] = ()
) -> Preview:
    """A downscaled JPEG of `image` as a data URI, keeping the page's own coordinates."""
    width, height = image.size
    small = image.convert("RGB")
    small.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=80)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Preview(page, width, height, f"data:image/jpeg;base64,{encoded}", label, tuple(boxes))


def page_previews(
    report: Report,
    pages: Iterable[Image.Image],
    read_artifact: Callable[[Artifact], Image.Image] | None = None,
    checks: Iterable[type[Check]] | None = None,
) -> list[Preview]:
    """The previews of a report's pages with what the checks declare drawn by default.

    Each page carries the boxes of its default result layers; each default heatmap or image
    the checks wrote for it follows as a preview of its own, read through `read_artifact`
    (none without it). A picture that cannot be read becomes a preview without an image whose
    `unavailable` says why, so the export shows that something was left out.
    """
    classes = installed_checks(checks)
    previews = []
    for index, image in enumerate(pages):
        boxes = [
            box
            for layer in page_layers(report, index, classes)
            if layer.default and layer.kind is LayerKind.RESULT_BOXES
            for box in layer.boxes
        ]
        previews.append(make_preview(index, image, boxes=boxes))
        if read_artifact is None:
            continue
        for picture in page_pictures(report, index, classes):
            if not picture.layer.default:
                continue
            try:
                drawn = draw_picture(image, picture, read_artifact(picture.artifact))
            except (KeyError, OSError, WorkbenchError) as exc:
                # WorkbenchError: a store's object missing or changed since it was stored
                log.warning("artifact %s could not be read: %s", picture.artifact.id, exc)
                previews.append(
                    Preview(
                        index,
                        image.width,
                        image.height,
                        "",
                        picture.layer.label,
                        unavailable=f"its stored file could not be read ({type(exc).__name__})",
                    )
                )
                continue
            previews.append(make_preview(index, drawn, label=picture.layer.label))
    return previews


def template_environment() -> Environment:
    """The Jinja environment of the export templates (autoescaping on for every template)."""
    env = Environment(
        loader=PackageLoader("workbench.export", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pretty_json"] = lambda v: json.dumps(v, ensure_ascii=False, indent=1)
    return env


def render_html(
    reports: Sequence[Report],
    previews: Sequence[Sequence[Preview]] | None = None,
    *,
    title: str = "Workbench report",
) -> str:
    """One HTML page summarising `reports`; `previews[i]` are the page images of report i."""
    items = []
    for i, report in enumerate(reports):
        pages = list(previews[i]) if previews is not None and i < len(previews) else []
        items.append(
            {
                "report": report,
                "findings": [finding_to_dict(f) for f in report.findings],
                "previews": pages,
            }
        )
    template = template_environment().get_template("summary.html")
    return template.render(title=title, items=items, colours=SEVERITY_COLOURS)
