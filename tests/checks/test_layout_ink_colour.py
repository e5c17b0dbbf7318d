"""A word in a pen's or a stamp's coloured ink is not set against the exemplars' type.

Genuine letters of the dev generator's template dev-b with a handwritten-like note in blue
ink (``benchmarks/layout_variants.py``, variant ``note``), scanned in colour at 300 dpi, each
compared with the dev split's three genuine letters of the template (its pages 83 to 85).
Letter 3's note lies across the body's left side, in a paragraph's gap, and scans 25 grey
levels lighter than the exemplars' nearest text row: it warned as a word printed lighter;
letter 7's note runs across a body line, whose word under it warned the same way. The note's
ink is blue where the type is black; a retyped number is in the type's ink and is still found.

The same pages changed as a review of the rule did: the colour channels moved out of register
(black type then has red and blue fringes), a thin pen stroke in a box mostly of paper, and a
retyped number recoloured to dark blue ink, which gets a notice rather than nothing.
"""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench import analyze
from workbench.imaging.layout.ink_colour import (
    MIN_COHERENCE,
    coloured_ink,
    coloured_share,
    in_register,
    ink_chroma,
    ink_colour,
    type_chroma,
)
from workbench.model import Region, Severity

pytestmark = [NEEDS_DEV_FONTS, pytest.mark.slow]

#: The genuine letters of other layouts, beside the corpus modules (which `tests.support.corpus`
#: puts on the path).
lv = importlib.import_module("layout_variants")

#: Where letter 3's note lies on its page (x, y, width, height), as the layout check segments it.
NOTE = (305, 1290, 230, 75)
#: A line of its body, in the type's ink, that the note does not touch.
BODY = (260, 1016, 1226, 67)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("layout-ink")


@pytest.fixture(scope="module")
def exemplars(folder: Path) -> list[Path]:
    """The dev split's three genuine letters of template dev-b."""
    return [
        folder / fc.make_entry("dev", i, "exemplar", "letter", 1, folder).path for i in (83, 84, 85)
    ]


@pytest.fixture(scope="module")
def noted(folder: Path) -> Path:
    entry = lv.make(3, "note", folder)
    assert entry.template == "dev-b" and "colour" in entry.chain
    return folder / entry.path


def test_the_note_is_in_another_ink_than_the_type(noted: Path) -> None:
    rgb = np.asarray(Image.open(noted).convert("RGB"))
    typed = type_chroma(rgb, [BODY])
    assert typed is not None
    assert coloured_ink(rgb, NOTE, typed)
    assert not coloured_ink(rgb, BODY, typed)
    # A grey scan of the same page has no chroma: nothing is told apart there.
    grey = np.repeat(np.asarray(Image.open(noted).convert("L"))[..., None], 3, axis=2)
    assert ink_chroma(grey, NOTE) == 0.0
    assert coloured_share(grey, NOTE, 0.0) == 0.0
    assert not coloured_ink(grey, NOTE, type_chroma(grey, [BODY]))


def test_a_genuine_letter_with_a_note_gets_no_warning(noted: Path, exemplars: list[Path]) -> None:
    report = analyze(noted, references=exemplars, only=["layout"], out=None)
    assert report.results["layout"]["comparisons"]
    assert [f.code for f in report.findings if f.severity >= Severity.WARNING] == []


def test_a_note_across_a_body_line_gets_no_warning(folder: Path, exemplars: list[Path]) -> None:
    # Letter 7's note runs across a body line: the printed word under it is half blue ink
    # (its median ink chroma only 11 above the type's), and scanned lighter than the type.
    entry = lv.make(7, "note", folder)
    rgb = np.asarray(Image.open(folder / entry.path).convert("RGB"))
    assert coloured_ink(rgb, (280, 1437, 293, 76), type_chroma(rgb, [(263, 1621, 1226, 66)]))
    report = analyze(folder / entry.path, references=exemplars, only=["layout"], out=None)
    assert [f.code for f in report.findings if f.severity >= Severity.WARNING] == []


def test_retyped_digits_in_the_types_ink_are_still_found(
    folder: Path, exemplars: list[Path]
) -> None:
    # A sharper number typed into a colour scan at 300 dpi (the dev generator's page 403).
    entry = fc.make_entry("dev", 403, "retyped-digits", "letter", 1, folder)
    assert "colour" in entry.chain
    truths = [Region(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in entry.boxes]
    rgb = np.asarray(Image.open(folder / entry.path).convert("RGB"))
    x0, y0, x1, y1 = entry.boxes[0]
    assert not coloured_ink(rgb, (x0, y0, x1 - x0, y1 - y0), type_chroma(rgb, [BODY]))
    report = analyze(folder / entry.path, references=exemplars, only=["layout"], out=None)
    on_edit = [
        f
        for f in report.findings
        if f.severity >= Severity.WARNING
        and any(r.intersection(t) > 0 for r in f.regions for t in truths)
    ]
    assert "layout.word_tone" in {f.code for f in on_edit}


def _out_of_register(rgb: np.ndarray, pixels: int, quality: int | None = None) -> np.ndarray:
    """`rgb` with red moved right and blue left by `pixels`, optionally JPEG 4:2:0 again."""
    moved = rgb.copy()
    moved[..., 0] = np.roll(rgb[..., 0], pixels, axis=1)
    moved[..., 2] = np.roll(rgb[..., 2], -pixels, axis=1)
    if quality is None:
        return moved
    buffer = io.BytesIO()
    Image.fromarray(moved).save(buffer, "JPEG", quality=quality, subsampling=2)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


@pytest.mark.parametrize(("pixels", "quality"), [(1, None), (1, 75), (2, 75)])
def test_type_out_of_register_is_not_another_ink(noted: Path, pixels: int, quality: int) -> None:
    # Black type with its colour channels out of register has a red fringe on one side of
    # each stroke and a blue one on the other: a share of its ink pixels far above the type's
    # chroma, but of two opposite hues, where the note's ink has one.
    rgb = _out_of_register(np.asarray(Image.open(noted).convert("RGB")), pixels, quality)
    typed = type_chroma(rgb, [BODY])
    assert typed is not None
    body = ink_colour(rgb, BODY, typed)
    assert body is not None and body.coherence is not None
    assert body.coherence < MIN_COHERENCE
    assert not coloured_ink(rgb, BODY, typed)
    # Moved back onto green, the type measures black again and the note is still told apart.
    aligned = in_register(rgb, [BODY, NOTE])
    typed = type_chroma(aligned, [BODY])
    assert not coloured_ink(aligned, BODY, typed)
    assert coloured_ink(aligned, NOTE, typed)


def test_a_page_in_register_is_left_as_it_is(noted: Path) -> None:
    rgb = np.asarray(Image.open(noted).convert("RGB"))
    assert in_register(rgb, [BODY, NOTE]) is rgb


def test_a_grey_page_stored_as_colour_is_left_as_it_is(noted: Path) -> None:
    # Its three channels are one: phase correlation of green with itself (OpenCV windows
    # its inputs in place, so each call is given copies) finds no shift for either channel;
    # text only at the top and bottom leaves the window at their middle on bare paper, whose
    # weak peaks must not move a channel either.
    grey = np.asarray(Image.open(noted).convert("L"))
    rgb = np.repeat(grey[..., None], 3, axis=2)
    assert in_register(rgb, [BODY, NOTE]) is rgb
    rng = np.random.default_rng(0)
    noisy = np.clip(rgb.astype(np.int16) + rng.normal(0, 3, rgb.shape), 0, 255).astype(np.uint8)
    top, foot = (260, 40, 1226, 67), (260, rgb.shape[0] - 120, 1226, 67)
    assert in_register(noisy, [top, foot]) is noisy


def test_a_thin_pen_stroke_in_a_loose_box(noted: Path) -> None:
    # A stroke of a ballpoint pen two pixels wide across the page's blank foot, in a box of
    # 400 x 100 pixels: under 5% of the box is ink, and its 5th percentile of grey is paper.
    rgb = np.asarray(Image.open(noted).convert("RGB")).copy()
    xs = np.arange(120, 481, 4)
    ys = 2250 + (18 * np.sin(xs / 25.0)).astype(int)
    stroke = np.stack([xs, ys], axis=1).astype(np.int32)
    cv2.polylines(rgb, [stroke], False, (45, 60, 165), 2, cv2.LINE_AA)
    box = (100, 2200, 400, 100)
    x, y, w, h = box
    grey = rgb[y : y + h, x : x + w].mean(axis=2)
    assert np.percentile(grey, 90) - np.percentile(grey, 5) < 20
    assert coloured_ink(rgb, box, type_chroma(rgb, [BODY]))
    # Paper alone is still no ink at all.
    assert ink_colour(rgb, (100, 2320, 400, 60), 0.0) is None


def test_a_retyped_number_in_dark_blue_ink_gets_a_notice(
    folder: Path, exemplars: list[Path]
) -> None:
    # The dev generator's page 403 with its retyped number recoloured to a dark blue ink (each
    # pixel moved from the paper towards (20, 30, 90) by its darkness): not set against the
    # exemplars' black type, but not passed over either.
    entry = fc.make_entry("dev", 403, "retyped-digits", "letter", 1, folder)
    rgb = np.asarray(Image.open(folder / entry.path).convert("RGB")).astype(np.float32)
    x0, y0, x1, y1 = entry.boxes[0]
    crop = rgb[y0:y1, x0:x1]
    grey = crop.mean(axis=2, keepdims=True)
    paper = np.percentile(grey, 90)
    inkiness = np.clip((paper - grey) / (paper - np.percentile(grey, 5)), 0.0, 1.0)
    paper_rgb = np.percentile(crop.reshape(-1, 3), 90, axis=0)
    rgb[y0:y1, x0:x1] = paper_rgb * (1 - inkiness) + np.array([20, 30, 90]) * inkiness
    path = folder / "dev-403-blue.png"
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(path)
    report = analyze(path, references=exemplars, only=["layout"], out=None)
    truth = Region(x0, y0, x1 - x0, y1 - y0)
    on_edit = [f for f in report.findings if any(r.intersection(truth) > 0 for r in f.regions)]
    inked = [f for f in on_edit if f.code == "layout.other_ink"]
    assert len(inked) == 1 and inked[0].severity == Severity.NOTICE
    shares = [e["ink_colour"]["coloured_share"] for e in inked[0].evidence["exemplars"]]
    assert min(shares) >= 0.25
    assert not [f for f in on_edit if f.severity >= Severity.WARNING]
