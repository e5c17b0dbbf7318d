"""A self-contained HTML summary of one or more reports.

Everything is inside the one file: styles inline, page previews embedded as data URIs, and the
regions of findings drawn over the page as SVG rectangles in page coordinates. Every string
that comes from a document or a check passes through Jinja's autoescaping, so markup in
metadata or file names is shown as text, never interpreted.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, select_autoescape
from PIL import Image

from workbench.model import Report
from workbench.serialize import finding_to_dict

PREVIEW_MAX_SIDE = 1000
SEVERITY_COLOURS = {
    "info": "#5b7083",
    "notice": "#1f6feb",
    "warning": "#d29922",
    "critical": "#cf222e",
}


@dataclass(frozen=True)
class Preview:
    """A page image to embed, at the size of the decoded page's coordinate system."""

    page: int
    width: int
    height: int
    data_uri: str


def make_preview(page: int, image: Image.Image) -> Preview:
    """A downscaled JPEG of `image` as a data URI, keeping the page's own coordinates."""
    width, height = image.size
    small = image.convert("RGB")
    small.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=80)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Preview(page, width, height, f"data:image/jpeg;base64,{encoded}")


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
