"""Lighter, softer ink printed with a genuine page (a dater stamp, a pen fill-in): no warning."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.support.forensic_fixtures import FONT, LINES, forensics_report, jpeg, overlaps
from workbench.imaging.forensic.glyphs import glyph_consistency
from workbench.model import Severity

DATE = "۱۴۰۲/۰۵/۱۲"


def stamped_date_letter(seed: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A letter whose fourth line holds a date in lighter ink that spread into the paper.

    The date is at 0.7 of the print's ink depth and blurred by a further sigma of 0.8 px
    (a dater stamp or a pen), then the whole page is scanned together at 150 dpi (blur,
    paper texture, sensor noise) and saved as a JPEG at 85. Returns the page and the date's
    (x, y, w, h).
    """
    rng = np.random.default_rng(seed)
    width, height = 1240, 1754
    face = ImageFont.truetype(str(FONT), 30, layout_engine=ImageFont.Layout.RAQM)
    text = {"font": face, "anchor": "rs", "direction": "rtl", "language": "fa"}
    print_ink, stamp_ink = Image.new("L", (width, height), 0), Image.new("L", (width, height), 0)
    draw, stamp = ImageDraw.Draw(print_ink), ImageDraw.Draw(stamp_ink)
    y, date = 200, (0, 0, 0, 0)
    for i, line in enumerate(LINES[1:] + LINES[3:7]):
        if i != 3:
            draw.text((width - 110, y), line, fill=255, **text)  # type: ignore[arg-type]
            y += 70
            continue
        left = draw.textbbox((width - 110, y), "مورخ", **text)[0]  # type: ignore[arg-type]
        draw.text((width - 110, y), "مورخ", fill=255, **text)  # type: ignore[arg-type]
        x0, y0, x1, y1 = stamp.textbbox((left - 12, y), DATE, **text)  # type: ignore[arg-type]
        stamp.text((left - 12, y), DATE, fill=255, **text)  # type: ignore[arg-type]
        rest = "به استحضار می‌رساند که بازرسی از طرح‌ها"
        draw.text((x0 - 12, y), rest, fill=255, **text)  # type: ignore[arg-type]
        date = (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
        y += 70
    stamped = cv2.GaussianBlur(np.asarray(stamp_ink, np.float32) / 255.0, (0, 0), 0.8)
    paper = 238 + 48 * cv2.GaussianBlur(
        rng.standard_normal((height, width)).astype(np.float32), (0, 0), 12
    )
    page = paper * (1 - 0.85 * np.asarray(print_ink, np.float32) / 255.0) * (1 - 0.7 * stamped)
    page = cv2.GaussianBlur(page, (0, 0), 0.7) + rng.normal(0, 2.0, page.shape).astype(np.float32)
    return jpeg(np.clip(np.rint(page), 0, 255).astype(np.uint8), 85), date


def test_stamped_date_stands_out_as_lighter_and_softer() -> None:
    gray, date = stamped_date_letter(seed=0)
    scan = glyph_consistency(gray)
    at_date = [
        o for o in scan.outliers if overlaps((o.box.x, o.box.y, o.box.width, o.box.height), date)
    ]
    assert at_date and all(o.lighter_and_softer for o in at_date)


@pytest.mark.slow
def test_stamped_date_on_a_genuine_letter_raises_no_warning(tmp_path: Path) -> None:
    gray, _ = stamped_date_letter(seed=1)
    path = tmp_path / "letter.jpg"
    Image.fromarray(gray).save(path, quality=95)
    report = forensics_report(path)
    assert all(f.severity < Severity.WARNING for f in report.findings), [
        (f.code, f.severity, f.evidence.get("method")) for f in report.findings
    ]
