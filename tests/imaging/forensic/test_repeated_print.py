"""Genuine letters whose own print looked like an edit: a frame's ruled lines, a word printed twice.

The letters are made by the benchmarks' generators, as their cached sets are: the third
template's letter 710 (`benchmarks/layout_template.py`: a frame round the page, 300-dpi copier
chain saved at 58, then again) and the dev generator's letter 430 (150-dpi grey saved at 70,
"ریال ریال" on one line). Each is also edited, to show what is still found there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.forensic_fixtures import jpeg, letter_page
from workbench.imaging.forensic.copymove import row_neighbours
from workbench.imaging.forensic.copymove_keypoints import keypoint_clones
from workbench.imaging.forensic.ghost import straight_blocks
from workbench.imaging.forensic.tamper import analyse_page

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import corpus_pages as cp
import forensic_corpus as fc
import forensic_fresh as ff
import layout_template as lt

needs_fresh_fonts = pytest.mark.skipif(
    bool(ff.check_faces()), reason="; ".join(ff.check_faces()) or "fonts present"
)


def _framed_letter(tmp_path: Path) -> np.ndarray:
    """The third template's untouched letter 710, as `layout_template.letters` makes it."""
    saved = cp.TEMPLATES["dev"]
    cp.TEMPLATES["dev"] = (*saved, lt.TEMPLATE)
    try:
        with ff.fresh_faces():
            entry = ff.make_entry(710, "none", "letter", len(saved), 3, tmp_path)
    finally:
        cp.TEMPLATES["dev"] = saved
    assert entry.chain == "fresh-300-grey-copier-denoise-q58"
    return np.asarray(Image.open(tmp_path / entry.path).convert("L"))


def _ghosts(gray: np.ndarray) -> list[tuple[int, int, int, int, float, int]]:
    traces = analyse_page(gray, keypoints=False, blocks=False, text=False)
    return [
        (b.x, b.y, b.width, b.height, b.score, q)
        for b, q in zip(traces.splice_regions, traces.ghost_qualities, strict=True)
    ]


@needs_fresh_fonts
def test_frame_rules_of_a_genuine_letter_show_no_ghost(tmp_path: Path) -> None:
    # The frame's top and bottom rules dipped at quality 70 in 64-80 x 16 px strips
    # (x=1472, y=416 and x=1456, y=2352) and warned as splices with strength 1.0.
    gray = _framed_letter(tmp_path)
    straight = straight_blocks(gray, 16)
    assert straight[147, 91:96].all() and straight[26, 92:96].all()
    assert not [g for g in _ghosts(gray) if g[4] >= 0.3]


@needs_fresh_fonts
def test_block_pasted_on_the_framed_letter_is_still_found(tmp_path: Path) -> None:
    gray = _framed_letter(tmp_path)
    y0, y1, x0, x1 = 1088, 1280, 320, 1024  # body lines, on the 8 x 8 grid
    edited = gray.copy()
    edited[y0:y1, x0:x1] = jpeg(gray, 70)[y0:y1, x0:x1]
    found = _ghosts(jpeg(edited, 85))
    assert found, "the pasted block's ghost was not found"
    for x, y, w, h, _score, quality in found:
        assert x0 - 16 <= x and x + w <= x1 + 16 and y0 - 16 <= y and y + h <= y1 + 16
        assert quality == 70
    assert max(g[4] for g in found) >= 0.5


def _letter_430(tmp_path: Path) -> np.ndarray:
    """The dev generator's untouched letter 430, as `layout_letters.fresh_letters` makes it."""
    entry = fc.make_entry("dev", 430, "none", "letter", 0, tmp_path)
    return np.asarray(Image.open(tmp_path / entry.path).convert("L"))


def test_word_printed_twice_in_a_row_is_not_a_clone(tmp_path: Path) -> None:
    # "ریال ریال": the two prints matched in 7 places with a background correlation of
    # 0.26 and warned as a keypoint clone (strength 0.41).
    gray = _letter_430(tmp_path)
    pairs = keypoint_clones(gray)
    twice = [
        p
        for p in pairs
        if {abs(p.source.x - 665) < 8, abs(p.target.x - 719) < 8} == {True}
        and abs(p.source.y - 893) < 8
    ]
    assert len(twice) == 1
    assert row_neighbours(twice[0].source, twice[0].target, float(gray.size))
    assert twice[0].texture_correlation is not None and twice[0].texture_correlation < 0.3
    assert twice[0].strength < 0.3
    assert max(p.strength for p in pairs) < 0.3


def test_seal_copied_beside_itself_is_still_found(tmp_path: Path) -> None:
    # A digital copy side by side on one row keeps the page's grain (correlation above 0.5).
    gray = _letter_430(tmp_path)
    sx, sy, w, h = 224, 1104, 184, 136  # the round stamp at the foot of the letter
    tx = 600
    edited = gray.copy()
    edited[sy : sy + h, tx : tx + w] = np.minimum(
        edited[sy : sy + h, tx : tx + w], gray[sy : sy + h, sx : sx + w]
    )
    pairs = keypoint_clones(jpeg(edited, 70))
    best = max(pairs, key=lambda p: p.strength)
    # A seal is no word: the pair is judged on its grain as any other.
    assert best.strength >= 0.6 and not row_neighbours(best.source, best.target, float(gray.size))
    ends = sorted((best.source, best.target), key=lambda b: b.x)
    assert abs(ends[0].x - sx) < 16 and abs(ends[1].x - tx) < 16
    assert abs(ends[0].y - sy) < 16 and abs(ends[1].y - sy) < 16


def test_seal_with_its_paper_copied_just_beside_itself_is_found() -> None:
    # A rendered letter's seal with its paper copied 10 px to its right, the page saved at
    # 70: the copy kept a grain correlation of only 0.1-0.29, and while the row rule also
    # held seals the pair fell from 0.44 (a warning) to 0.18.
    letter = letter_page(seed=0)
    gray = letter.image
    (cx, cy), r = letter.seal_center, letter.seal_radius
    x0, y0, side = cx - r - 4, cy - r - 4, 2 * r + 8
    tx = x0 + side + 10
    edited = gray.copy()
    edited[y0 : y0 + side, tx : tx + side] = gray[y0 : y0 + side, x0 : x0 + side]
    pairs = keypoint_clones(jpeg(edited, 70))
    best = max(pairs, key=lambda p: p.strength)
    assert best.strength >= 0.3
    ends = sorted((best.source, best.target), key=lambda b: b.x)
    assert abs(ends[0].x - x0) < 32 and abs(ends[1].x - tx) < 32
    assert not row_neighbours(best.source, best.target, float(gray.size))
