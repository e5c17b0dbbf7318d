"""Cheaper computations of the forensics check give what the direct ones give, on real pages.

Each shortcut here was made for the check's cost and must not change its output: the tile
extremes read row by row, the straight-rule test on inked tiles only, text copy-move's
candidate pairs and its gates computed for every pair at once, glyph consistency's per-word
order statistics, stroke widths and line angles taken without numpy's per-call overhead,
and the paper tone steps' row phases reduced to blocks one at a time are compared with the
direct computations on the samples' pages.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from workbench.geometry import Box, overlap
from workbench.imaging import lines
from workbench.imaging.aligned import aligned_empty
from workbench.imaging.blocks import block_max, block_min, block_view, row_strips
from workbench.imaging.forensic import paper_steps as steps
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
from workbench.imaging.order_stats import low_mean_f32, median_f32, percentile_f32
from workbench.imaging.words import PageWords, Word, find_words, framed_word
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


def _word_arrays(gray: np.ndarray, page: PageWords, word: Word) -> list[np.ndarray]:
    """The float32 pixels `glyphs.print_features` takes order statistics of, for one word.

    Its paper pixels, its own ink, the gradient on the ring around its strokes and the
    paper's fine residual, made as that function makes them.
    """
    found, own_ink, _ = framed_word(page, word)
    b, h, w = found.box, *gray.shape
    pad = max(2, round(0.3 * page.glyph_height))
    x0, y0 = max(b.x - pad, 0), max(b.y - pad, 0)
    x1, y1 = min(b.x + b.width + pad, w), min(b.y + b.height + pad, h)
    patch = gray[y0:y1, x0:x1].astype(np.float32)
    own = np.zeros(patch.shape, bool)
    own[b.y - y0 : b.y - y0 + b.height, b.x - x0 : b.x - x0 + b.width] = own_ink
    near = cv2.dilate(page.ink[y0:y1, x0:x1].astype(np.uint8), np.ones((5, 5), np.uint8))
    bare = near == 0
    grad = cv2.magnitude(
        cv2.Sobel(patch, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(patch, cv2.CV_32F, 0, 1, ksize=3)
    )
    ring = cv2.dilate(own.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    ring &= ~cv2.erode(own.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    residual = np.abs(patch - cv2.GaussianBlur(patch, (0, 0), 1.0))
    return [a for a in (patch[bare], patch[own], grad[ring] / 8.0, residual[bare]) if a.size]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_word_order_statistics_are_numpys(path: Path) -> None:
    # Every word of the page: hundreds of arrays of whole grey levels (paper, ink) and of
    # float32 gradients and residuals, odd and even sizes; the same floats, bit for bit.
    gray = _gray(path)
    page = find_words(gray)
    arrays = [a for word in page.words for a in _word_arrays(gray, page, word)]
    assert len(arrays) >= 400
    for values in arrays:
        assert median_f32(values) == float(np.median(values))
        assert percentile_f32(values, 90) == float(np.percentile(values, 90))
        third = max(1, values.size // 3)
        if np.array_equal(values, np.rint(values)):  # whole grey levels
            assert low_mean_f32(values, third) == float(np.sort(values)[:third].mean())


def test_order_statistics_at_their_edges() -> None:
    rng = np.random.default_rng(7)
    cases = [np.array([3.5], np.float32), np.array([1.0, 2.0], np.float32)]
    cases += [np.full(11, 0.1, np.float32), np.arange(21, dtype=np.float32)]
    cases += [(rng.random(n) * 40).astype(np.float32) for n in range(2, 300)]
    for values in cases:
        assert median_f32(values) == float(np.median(values))
        for q in (0, 10, 50, 90, 95, 100):
            assert percentile_f32(values, q) == float(np.percentile(values, q))
    levels = rng.integers(0, 256, 1000).astype(np.float32)
    for count in (1, 333, 999, 1000):
        assert low_mean_f32(levels, count) == float(np.sort(levels)[:count].mean())


def _row_steps_whole_map(gray: np.ndarray, paper: np.ndarray) -> np.ndarray:
    """`steps.row_step_blocks` with the page-sized z map of every row reduced at the end."""
    h, w = gray.shape
    bh, bw = -(-h // steps.BLOCK), -(-w // steps.BLOCK)
    lo, hi = steps.GAP + steps.SIDE, h - (steps.GAP + 1 + steps.SIDE)
    bins = bw * steps.BLOCK // steps.STRIDE
    mean = np.zeros((h, bins), np.float32)
    enough = np.zeros((h, bins), bool)
    for r0 in range(lo, hi, steps.BAND_ROWS):
        r1 = min(r0 + steps.BAND_ROWS, hi)
        mean[r0:r1], enough[r0:r1] = steps._band_steps(gray, paper, r0, r1, bins)
    z = np.zeros((bh * steps.BLOCK, bins), np.float32)
    for phase in range(steps.BLOCK):
        rows, valid = mean[phase :: steps.BLOCK], enough[phase :: steps.BLOCK]
        values = rows[valid]
        if values.size < 50:
            continue
        med = float(np.median(values))
        scale = max(1.4826 * float(np.median(np.abs(values - med))), steps.MIN_SCALE)
        z[phase : h : steps.BLOCK] = np.where(valid, np.abs(rows - med) / scale, 0.0)
    z[: steps.MARGIN], z[h - steps.MARGIN :] = 0.0, 0.0
    z[:, : steps.MARGIN // steps.STRIDE], z[:, (w - steps.MARGIN) // steps.STRIDE :] = 0.0, 0.0
    per_row = z.reshape(bh, steps.BLOCK, bins).max(axis=1)
    return np.asarray(per_row.reshape(bh, bw, steps.BLOCK // steps.STRIDE).max(axis=2))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_paper_step_blocks_are_those_of_the_whole_z_map(path: Path) -> None:
    # Both directions of the page (columns as the transposed page's rows), and crops whose
    # height is not a whole number of blocks, where the bottom margin cuts a block.
    gray = _gray(path)
    mask = steps.paper_mask(gray).view(np.uint8)
    for img, paper in ((gray, mask), (cv2.transpose(gray), cv2.transpose(mask))):
        expected = _row_steps_whole_map(img, paper)
        assert expected.max() > 0
        assert np.array_equal(steps.row_step_blocks(img, paper), expected)
        for rows in (1003, 997, 61):
            part, under = np.ascontiguousarray(img[:rows]), np.ascontiguousarray(paper[:rows])
            got = steps.row_step_blocks(part, under)
            assert np.array_equal(got, _row_steps_whole_map(part, under))


def _stroke_width_padded(ink: np.ndarray) -> float:
    """`lines.stroke_width` with its border made by ``np.pad`` (its map aligned as there)."""
    padded = np.pad(ink, 1).astype(np.uint8)
    dist = aligned_empty(padded.shape, np.float32)
    cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE, dst=dist)
    dist = dist[1:-1, 1:-1]
    ridge = (dist >= cv2.dilate(dist, np.ones((3, 3), np.float32))) & ink
    widths = dist[ridge]
    return float(np.mean(widths) * 2.0 - 1.0) if widths.size else 0.0


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_stroke_widths_and_line_angles_are_those_of_numpys_steps(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gray = _gray(path)
    page = find_words(gray)
    for word in page.words:
        own = framed_word(page, word)[1]
        assert lines.stroke_width(own) == _stroke_width_padded(own)
    # Every row of words as glyph consistency's line angles search them (about 30 rotations
    # each): the profiles' variances, and so the angles found, are numpy's.
    h = round(page.glyph_height)
    crops = [page.ink[max(w.box.y - h, 0) : w.box.y + w.box.height + h] for w in page.words[::9]]
    profiles = []
    for crop in crops:
        small = np.multiply(crop, 255, dtype=np.uint8)
        for angle in (-1.5, -0.35, 0.0, 0.8):
            mat = cv2.getRotationMatrix2D((small.shape[1] / 2, small.shape[0] / 2), angle, 1.0)
            rot = cv2.warpAffine(small, mat, small.shape[::-1], flags=cv2.INTER_NEAREST)
            profiles.append(rot.sum(axis=1, dtype=np.float64))
    assert len(profiles) >= 40
    for profile in profiles:
        assert lines.profile_variance(profile) == float(np.var(profile))
    angles = [lines.deskew_angle(c, max_degrees=2.0, step=0.05) for c in crops]
    monkeypatch.setattr(lines, "profile_variance", lambda p: float(np.var(p)))
    assert angles == [lines.deskew_angle(c, max_degrees=2.0, step=0.05) for c in crops]
