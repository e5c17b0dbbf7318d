"""A word in a pen's or a stamp's coloured ink is not set against the exemplars' type.

Genuine letters of the dev generator's template dev-b with a handwritten-like note in blue
ink (``benchmarks/layout_variants.py``, variant ``note``), scanned in colour at 300 dpi, each
compared with the dev split's three genuine letters of the template (its pages 83 to 85).
Letter 3's note lies across the body's left side, in a paragraph's gap, and scans 25 grey
levels lighter than the exemplars' nearest text row: it warned as a word printed lighter;
letter 7's note runs across a body line, whose word under it warned the same way. The note's
ink is blue where the type is black; a retyped number is in the type's ink and is still found.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench import analyze
from workbench.imaging.layout.ink_colour import (
    coloured_ink,
    coloured_share,
    ink_chroma,
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
