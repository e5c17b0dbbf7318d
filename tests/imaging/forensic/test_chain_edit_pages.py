"""Retyped numbers and untouched pages of `benchmarks/chain_edits.py`'s scan chains.

The pages are made by ``benchmarks/chain_edits.py`` (typeset, scanned and saved as
``benchmarks/genuine_chains.py`` makes its pages, edited in the decoded scan and saved once
more), on chains neither development set has:

* a 240-dpi grey letter lit unevenly (its brightness falls by 18% from top to bottom), a
  number typed into the file on the paper's median: before its lighting was evened out for
  the text methods (`workbench.imaging.forensic.lighting`), only 55% of the page lay near its
  median tone, no word was compared and the number went unseen (score 0.12);
* an untouched 150-dpi table saved once more, where OCR read one digit over an empty cell
  between two rules: the rules' ink in that box was measured as a number, sharper than the
  page's numbers at robust z +44 (a warning), before a number's ink left out the lines that
  cross its box (`workbench.imaging.forensic.number_words.number_ink`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS
from tests.support.forensic_fixtures import overlaps, warning_regions
from workbench import analyze
from workbench.geometry import Box
from workbench.imaging.forensic.number_words import number_ink
from workbench.imaging.words import find_words
from workbench.model import Severity

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import chain_edits as ce
import forensic_fresh as ff
import genuine_chains as gc

NEEDS_FRESH_FONTS = pytest.mark.skipif(
    bool(ff.check_faces()), reason="the fresh-look set's fonts: " + "; ".join(ff.check_faces())
)
pytestmark = [pytest.mark.slow, NEEDS_DEV_FONTS]

UNEVEN = next(c for c in gc.CHAINS if c.name == "240-grey-illum-q80")
TABLE_CHAIN = next(c for c in gc.CHAINS if c.name == "150-grey-q70-opencv-q90")


def _mask_box(path: Path) -> tuple[int, int, int, int]:
    mask = np.asarray(Image.open(path)) > 0
    ys, xs = np.nonzero(mask)
    return (int(xs.min()), int(ys.min()), int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1)


def test_number_retyped_on_an_unevenly_lit_letter_is_found_where_it_is(tmp_path: Path) -> None:
    path, mask = ce.make_page(UNEVEN, "retyped-plain", 0, tmp_path)
    assert mask is not None
    warned = warning_regions(path, tmp_path / "out")
    where = _mask_box(mask)
    assert warned and any(overlaps(box, where) for box in warned)
    assert not [box for box in warned if not overlaps(box, where)]


def test_untouched_unevenly_lit_page_of_the_same_chain_stays_quiet(tmp_path: Path) -> None:
    path = gc.page_file(UNEVEN, 0, tmp_path)  # the chain's untouched letter of genuine_chains
    report = analyze(path, only=["forensics"], out=tmp_path / "out")
    assert max((f.severity for f in report.findings), default=Severity.INFO) < Severity.WARNING
    notes = report.results["forensics"]["notes"]
    assert any("lit unevenly" in n for n in notes)  # its words were compared


@NEEDS_FRESH_FONTS
def test_rules_across_an_empty_cell_are_no_number(tmp_path: Path) -> None:
    path, mask = ce.make_page(TABLE_CHAIN, "resaved", 1, tmp_path)
    assert mask is None
    gray = np.asarray(Image.open(path).convert("L"))
    words = find_words(gray)
    # The box OCR read as one digit: an empty cell with the two rules above and below it.
    cell = Box(317, 687, 72, 38)
    inside = words.ink[cell.y : cell.y + cell.height, cell.x : cell.x + cell.width]
    assert inside.sum() >= 20  # the rules' edges the box cuts
    assert not number_ink(words.ink, cell, words.glyph_height).any()
    # The same cell with the page cut three pixels to its left (and above): the rules end at
    # the page's edge there, within half a glyph of the box, and are still no number.
    cut = words.ink[cell.y - 3 :, cell.x - 3 :]
    edge_cell = Box(3, 3, cell.width, cell.height)
    assert cut[3 : 3 + cell.height, 3 : 3 + cell.width].sum() == inside.sum()
    assert not number_ink(cut, edge_cell, words.glyph_height).any()
    assert warning_regions(path, tmp_path / "out") == []
