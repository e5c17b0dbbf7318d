"""A number off in two families of measurements at once, on pages read by OCR.

A form of the development split's 150-dpi colour chain whose number was erased and typed again
in the body face (the corpus's dev-057 as it was made before dev's retyped digits took other
looks: its paper and the grain of its ink each a little off from the page's, neither far
enough to warn alone), an untouched form of the same chain (dev-009), a list whose number was
retyped in a bolder face with softer edges (dev-060) and an untouched list (dev-004), a
register printed and scanned together, one date of it retyped in lighter ink than the page's
print, and its bold row untouched; and a sample letter whose seal OCR reads as a number.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from tests.support.forensic_fixtures import FONT, NASKH, ROWS, jpeg, overlaps, register_page
from tests.support.forensic_fixtures import forensics_report as run
from tests.support.forensic_fixtures import number_findings as numbers
from workbench.imaging.forensic.digits import TWO_FAMILY_Z, digit_consistency, family_deviations
from workbench.imaging.words import find_words
from workbench.model import Finding, Severity
from workbench.ocr import OcrWord, default_engine

pytestmark = [pytest.mark.slow]

CHAIN = "dev-150-colour-q90-q75"


def read(gray: np.ndarray) -> list[OcrWord]:
    return list(default_engine().recognize(gray, "fas", dpi=150).page.words)


def _warned_on_the_edit(folder: Path, entry: fc.Entry) -> Finding:
    """The number finding at warning on the corpus page's edit, found by two measurements.

    Every warning of the page's report lies on the edit.
    """
    x0, y0, x1, y1 = entry.boxes[0]
    edit = (x0, y0, x1 - x0, y1 - y0)
    report = run(folder / entry.path)
    found = [f for f in numbers(report) if f.severity >= Severity.WARNING]
    assert found, "the retyped number was not found at warning"
    region = found[0].regions[0]
    assert overlaps((region.x, region.y, region.width, region.height), edit)
    assert "two_measurements" in found[0].evidence["also_seen_by"]
    for f in report.findings:
        if f.severity >= Severity.WARNING:
            assert any(overlaps((r.x, r.y, r.width, r.height), edit) for r in f.regions), f.code
    return found[0]


@NEEDS_DEV_FONTS
def test_number_off_in_paper_and_ink_is_a_warning_where_it_was_typed(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 57, "retyped-digits", "form", 0, tmp_path, plain_retype=True)
    assert entry.chain == CHAIN
    found = _warned_on_the_edit(tmp_path, entry)
    z = {name: d["z"] for name, d in found.evidence["deviations"].items()}
    families = sorted(family_deviations(z).values(), reverse=True)
    assert families[1] >= TWO_FAMILY_Z[0]
    assert "written by hand" in found.detail


@NEEDS_DEV_FONTS
def test_untouched_form_of_the_same_chain_has_no_number_off_in_two_families(
    tmp_path: Path,
) -> None:
    entry = fc.make_entry("dev", 9, "none", "form", 0, tmp_path)
    assert entry.chain == CHAIN and entry.tampering == "none"
    report = run(tmp_path / entry.path)
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    assert not [f for f in numbers(report) if "two_measurements" in f.evidence["also_seen_by"]]


@NEEDS_DEV_FONTS
def test_number_in_a_bolder_face_with_softer_edges_is_a_warning_where_it_was_typed(
    tmp_path: Path,
) -> None:
    # A list of the development split's 300-dpi grey chain (the corpus's dev-060) whose number
    # was erased, filled with paper cloned from nearby and typed again in the bold digits face,
    # printed softer than the page (twice the scan's blur) at the page's darkness: its strokes
    # are wider and its edges softer than the page's numbers, its ink no darker or lighter. A
    # bold number printed with the page would have the page's edges at the page's darkness.
    entry = fc.make_entry("dev", 60, "retyped-digits", "list", 1, tmp_path)
    assert entry.chain == "dev-300-grey-q85" and entry.variant.startswith("softer/digits-font")
    found = _warned_on_the_edit(tmp_path, entry)
    z = {name: d["z"] for name, d in found.evidence["deviations"].items()}
    assert z["stroke"] >= 2.0 and z["sharpness"] <= -2.0 and abs(z.get("darkness", 0.0)) < 2.0


@NEEDS_DEV_FONTS
def test_untouched_list_of_the_same_chain_has_no_number_off_in_two_families(
    tmp_path: Path,
) -> None:
    entry = fc.make_entry("dev", 4, "none", "list", 0, tmp_path)
    assert entry.chain == "dev-300-grey-q85" and entry.tampering == "none"
    report = run(tmp_path / entry.path)
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    assert not [f for f in numbers(report) if "two_measurements" in f.evidence["also_seen_by"]]


@pytest.fixture(scope="module")
def register() -> np.ndarray:
    return jpeg(register_page(), 90)


def test_date_retyped_lighter_than_the_page_is_off_in_two_families(register: np.ndarray) -> None:
    date = next(w for w in read(register) if w.text.strip("\u200f") == "۱۳۸۰/۰۲/۲۴")
    x, y, w, h = date.box
    img = register.astype(np.float32)
    band = img[y - 3 : y + h + 3, x - 3 : x + w + 3]
    img[y - 3 : y + h + 3, x - 3 : x + w + 3] = float(np.median(band[band > 180]))
    ink = Image.new("L", (register.shape[1], register.shape[0]), 0)
    face = ImageFont.truetype(str(NASKH), 30, layout_engine=ImageFont.Layout.RAQM)
    ImageDraw.Draw(ink).text(
        (x + w, y + h), "۱۳۸۶/۰۲/۲۴", font=face, fill=255, anchor="rd", direction="rtl"
    )
    img *= 1.0 - 0.45 * np.asarray(ink, np.float32) / 255.0  # grey type: lighter than the page's
    edited = jpeg(np.clip(np.rint(img), 0, 255).astype(np.uint8), 90)
    scan = digit_consistency(edited, find_words(edited), read(edited))
    agreeing = [o for o in scan.outliers if "two_measurements" in o.seen_by]
    assert len(agreeing) == 1, "the lighter date should be the one number off in two families"
    best = agreeing[0]
    assert best.strength >= 0.5
    assert overlaps((best.box.x, best.box.y, best.box.width, best.box.height), date.box)
    # Lighter, not darker: the print counts both ways here.
    assert best.deviations["darkness"]["z"] < 0


def _stamped_register(depth: float, spread: float) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The register with its third row's date stamped in lighter ink that spread into the paper.

    The date is at `depth` of full ink and blurred by a further sigma of `spread` px, then the
    page is printed and scanned with it as `register_page` is (blur 0.8, paper texture,
    sensor noise) and saved as a JPEG at 90: a dater stamp or a pen on a genuine page.
    Returns the page and the date's (x, y, w, h).
    """
    rng = np.random.default_rng(5)
    width, height = 1240, 1000
    face = ImageFont.truetype(str(FONT), 30, layout_engine=ImageFont.Layout.RAQM)
    text = {"font": face, "anchor": "rs", "direction": "rtl", "language": "fa"}
    printed, stamped = Image.new("L", (width, height), 0), Image.new("L", (width, height), 0)
    draw, stamp = ImageDraw.Draw(printed), ImageDraw.Draw(stamped)
    for i, row in enumerate(ROWS):
        if i != 2:
            draw.text((width - 110, 140 + 90 * i), row, fill=255, **text)  # type: ignore[arg-type]
    y = 140 + 90 * 2
    left = draw.textbbox((width - 110, y), "تاریخ جلسه", **text)[0]  # type: ignore[arg-type]
    draw.text((width - 110, y), "تاریخ جلسه", fill=255, **text)  # type: ignore[arg-type]
    x0, y0, x1, y1 = stamp.textbbox((left - 12, y), "۱۳۸۰/۰۲/۲۴", **text)  # type: ignore[arg-type]
    stamp.text((left - 12, y), "۱۳۸۰/۰۲/۲۴", fill=255, **text)  # type: ignore[arg-type]
    draw.text((x0 - 12, y), "در محل دفتر", fill=255, **text)  # type: ignore[arg-type]
    spread_ink = cv2.GaussianBlur(np.asarray(stamped, np.float32) / 255.0, (0, 0), spread)
    paper = 238 + 48 * cv2.GaussianBlur(
        rng.standard_normal((height, width)).astype(np.float32), (0, 0), 12
    )
    page = paper * (1 - 0.8 * np.asarray(printed, np.float32) / 255.0) * (1 - depth * spread_ink)
    page = cv2.GaussianBlur(page, (0, 0), 0.8) + rng.normal(0, 2.0, page.shape).astype(np.float32)
    date = (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
    return jpeg(np.clip(np.rint(page), 0, 255).astype(np.uint8), 90), date


@pytest.mark.parametrize(("depth", "spread"), [(0.5, 0.8), (0.45, 0.6), (0.55, 1.0)])
def test_date_stamped_in_the_text_size_is_off_in_its_weight_alone(
    depth: float, spread: float
) -> None:
    # Lighter, softer and flatter than the page's numbers, in their size: a stamp, not a
    # second family (two families at strength 1.0 before).
    page, date = _stamped_register(depth, spread)
    words = read(page)
    assert any(overlaps(w.box, date) and any(c.isdigit() for c in w.text) for w in words)
    scan = digit_consistency(page, find_words(page), words)
    assert not [o for o in scan.outliers if o.seen_by]
    assert all(o.strength < 0.5 for o in scan.outliers)


def test_lighter_softer_number_of_the_text_size_has_no_second_family_in_its_edges() -> None:
    z = {"darkness": -4.5, "sharpness": -4.5}
    assert sorted(family_deviations(z, 1.2)) == ["weight"]
    # Grey type with the page's edges keeps its flat ink as a family of its own.
    assert family_deviations({"darkness": -4.5, "ink_grain": -4.5}, 1.2)["ink"] == 4.5


def test_bold_row_is_off_in_its_weight_alone() -> None:
    page = jpeg(register_page(bold_row=2), 90)
    scan = digit_consistency(page, find_words(page), read(page))
    assert scan.outliers, "the bold row's numbers should stand out in print"
    # Darker, wider, flatter and softer together: one family (its weight), not two.
    assert not [o for o in scan.outliers if o.seen_by]


SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_seal_read_as_a_number_is_off_in_its_weight_alone() -> None:
    # The pixels of this sample are an untouched scan (only its metadata was changed); OCR
    # reads words of its seal as a number, lighter and softer than the letter's numbers, as a
    # stamp is.
    image = Image.open(SAMPLES / "tampered" / "t09_metadata_editor.jpg")
    gray = np.asarray(image.convert("L"))
    words = default_engine().recognize(gray, "fas", dpi=300.0).page.words
    scan = digit_consistency(gray, find_words(gray), words)
    assert scan.numbers >= 4
    assert not [o for o in scan.outliers if o.seen_by]
    assert all(o.strength < 0.3 for o in scan.outliers)
