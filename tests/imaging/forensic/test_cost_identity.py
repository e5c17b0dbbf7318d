"""Cheaper computations of the forensics check give what the direct ones give, on real pages.

Each shortcut here was made for the check's cost and must not change its output: the tile
extremes read row by row, the straight-rule test on inked tiles only, and text copy-move's
candidate pairs and its gates computed for every pair at once are compared with the direct
computations on the samples' pages.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.geometry import Box, overlap
from workbench.imaging.blocks import block_max, block_min, block_view, row_strips
from workbench.imaging.forensic import textclone
from workbench.imaging.forensic import textclone_resave as resave
from workbench.imaging.forensic.ghost import RULE_CONTRAST, STRAIGHT_SHARE, straight_blocks
from workbench.imaging.forensic.textclone import (
    DESCRIPTOR_LIMIT,
    MAX_PAIRS,
    _candidate_pairs,
    _descriptor,
    word_pairs,
)
from workbench.imaging.words import PageWords, Word, find_words
from workbench.loading import load_document

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
#: The 300-dpi A4 list scan (a JPEG with ruled tables) and the 300-dpi A5 letter (a PNG).
PAGES = (SAMPLES / "lists" / "names_149_scan.jpg", SAMPLES / "exemplars" / "exemplar_01.png")


def _gray(path: Path) -> np.ndarray:
    from workbench.context import Context

    return np.ascontiguousarray(Context(load_document(path)).page_gray(0), dtype=np.uint8)


def _straight_in_place(gray: np.ndarray, block: int) -> np.ndarray:
    """The straight-rule test measured on every tile in place, strip by strip of the page."""
    h, w = gray.shape
    bw = w // block
    out = np.zeros((h // block, bw), dtype=bool)
    for y0, y1, _, _ in row_strips(h, block):
        tiles = block_view(gray[y0:y1, : bw * block].astype(np.float32), block)
        centred = tiles - tiles.mean(axis=(2, 3), keepdims=True)
        total = (centred * centred).sum(axis=(2, 3))
        along = np.maximum(
            (centred.mean(axis=3) ** 2).sum(axis=2), (centred.mean(axis=2) ** 2).sum(axis=2)
        )
        inked = tiles.max(axis=(2, 3)) - tiles.min(axis=(2, 3)) >= RULE_CONTRAST
        out[y0 // block : y1 // block] = inked & (along * block >= STRAIGHT_SHARE * total)
    return out


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_tile_extremes_are_those_of_each_tile(path: Path) -> None:
    gray = _gray(path)
    for block in (8, 16, 32):
        tiles = block_view(gray, block)
        assert np.array_equal(block_max(gray, block), tiles.max(axis=(2, 3)))
        assert np.array_equal(block_min(gray, block), tiles.min(axis=(2, 3)))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_straight_tiles_are_those_measured_in_place(path: Path) -> None:
    # The list scan's table rules and the letter's footer rule are straight tiles; measured
    # on the inked tiles alone they must be the same tiles, bit for bit.
    gray = _gray(path)
    straight = straight_blocks(gray, 16)
    assert straight.any()
    assert np.array_equal(straight, _straight_in_place(gray, 16))
    # A crop that is not a whole number of tiles, and a page too small for one.
    part = gray[5:611, 3:1000]
    assert np.array_equal(straight_blocks(part, 16), _straight_in_place(part, 16))
    assert straight_blocks(gray[:10, :10], 16).shape == (0, 0)


def _ratios_pair_by_pair(
    img: np.ndarray, ranked: list[tuple[Box, Box, tuple[int, int], float]], quality: int
) -> dict[tuple[int, int, int, int], tuple[float, float | None]]:
    """`resave.resave_ratios` written out one pair of pairs at a time."""
    ratios = []
    for src, tgt, shift, difference in ranked[: resave.RESAVE_PAIRS]:
        simulated = resave.copy_floor(img, src, tgt, quality)
        if simulated is not None and simulated > 0:
            ratios.append((src, tgt, shift, difference / simulated))
    out: dict[tuple[int, int, int, int], tuple[float, float | None]] = {}
    for src, tgt, shift, ratio in ratios:
        others = [
            r
            for s, t, d, r in ratios
            if (abs(d[0] - shift[0]) > 1 or abs(d[1] - shift[1]) > 1)
            and not any(overlap(a, b) > resave.SHARED_WORD for a in (s, t) for b in (src, tgt))
        ]
        apart = len(others) >= resave.RESAVE_MIN_OTHERS and ratio <= resave.RESAVE_APART * min(
            others
        )
        out[(src.x, src.y, tgt.x, tgt.y)] = (
            ratio,
            ratio / float(np.median(others)) if apart else None,
        )
    return out


def test_resave_gates_of_every_pair_at_once_are_those_of_each_pair() -> None:
    # The A4 list scan's closest pairs of words (the page repeats many words and numbers).
    img = _gray(PAGES[0])
    ranked = sorted(word_pairs(img, find_words(img)), key=lambda m: m[3])
    assert len(ranked) >= 50
    # No genuine pair stands apart from the page's others; a pair that differs by a tenth
    # of what it does (as a copy would) does.
    src, tgt, shift, difference = ranked[0]
    closer = [(src, tgt, shift, difference / 10), *ranked[1:]]
    for quality in (60, 90):
        fast = resave.resave_ratios(img, ranked, quality)
        assert fast == _ratios_pair_by_pair(img, ranked, quality)
        assert all(relative is None for _, relative in fast.values())
        fast = resave.resave_ratios(img, closer, quality)
        assert fast == _ratios_pair_by_pair(img, closer, quality)
        assert fast[(src.x, src.y, tgt.x, tgt.y)][1] is not None
    # Pairs sharing a word, and too few others: the same as well.
    few = [*ranked[:4], (ranked[0][1], ranked[0][0], ranked[0][2], ranked[0][3])]
    assert resave.resave_ratios(img, few, 75) == _ratios_pair_by_pair(img, few, 75)
    assert resave.resave_ratios(img, [], 75) == {}


def _candidates_one_by_one(page: PageWords) -> list[tuple[Word, Word]]:
    """`_candidate_pairs` written out as a loop over the words by width."""
    h = page.glyph_height
    usable = [
        w
        for w in page.words
        if w.box.width >= 1.2 * h and w.box.height >= 0.8 * h and w.ink >= 0.6 * h * h
    ]
    usable.sort(key=lambda w: w.box.width)
    desc = {w.label: _descriptor(page, w) for w in usable}
    pairs = []
    tol = max(2, round(0.08 * h))
    for i, a in enumerate(usable):
        for b in usable[i + 1 :]:
            if b.box.width - a.box.width > tol:
                break
            if abs(b.box.height - a.box.height) > tol or overlap(a.box, b.box) > 0:
                continue
            if float(np.abs(desc[a.label] - desc[b.label]).mean()) > DESCRIPTOR_LIMIT:
                continue
            pairs.append((a, b))
    pairs.sort(key=lambda p: -(p[0].ink + p[1].ink))
    return pairs[:MAX_PAIRS]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_candidate_word_pairs_are_those_of_the_loop_over_words(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = find_words(_gray(path))
    expected = [(a.label, b.label) for a, b in _candidates_one_by_one(page)]
    assert len(expected) >= 10
    # Tested a run of words at a time: as many runs as words, a few, or one.
    for chunk in (1, 500, 1 << 30):
        monkeypatch.setattr(textclone, "_PAIR_CHUNK", chunk)
        assert [(a.label, b.label) for a, b in _candidate_pairs(page)] == expected
