from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.support.forensic_fixtures import jpeg, letter_page, overlaps
from tests.support.scanned import scanned_letter
from workbench.geometry import Box
from workbench.imaging.blocks import regions_from_mask, robust_zscore, upsample_blocks
from workbench.imaging.forensic import tamper
from workbench.imaging.forensic.dq_map import DqMap, dq_map_of_bytes
from workbench.imaging.forensic.fusion import (
    COPY_LEAST,
    COPY_REACH,
    DEFAULT_WEIGHTS,
    TEXT_SHOWN,
    TRIM_MARGIN,
    fuse_maps,
    step_layer,
    tamper_score,
)
from workbench.imaging.forensic.step_outline import outlines, step_rectangles
from workbench.imaging.forensic.tamper import CELL, analyse_page
from workbench.imaging.words import find_words


def _rectangles(layer: np.ndarray) -> list[tuple[tuple[int, int, int, int], float]]:
    """(box, strength) of each rectangle the paper-step regions of `layer` outline."""
    return [(found.box, found.strength) for found in outlines(layer)]


def test_fused_heatmap_is_the_weighted_maximum() -> None:
    a = np.zeros((4, 4))
    a[0, 0] = 1.0
    b = np.zeros((2, 2))
    b[1, 1] = 0.5  # a coarser map is stretched to the page
    heat = fuse_maps({"clone": a, "noise": b}, (4, 4), {"clone": 1.0, "noise": 0.8})
    assert heat.dtype == np.uint8 and heat.shape == (4, 4)
    assert heat[0, 0] == 255 and heat[3, 3] == round(0.4 * 255) and heat[0, 3] == 0


def test_block_regions_around_words_with_evidence_are_trimmed_to_the_words() -> None:
    # A double-quantisation region of 12 x 40 cells around a retyped number (2 x 6 cells that
    # glyph consistency found), and another region elsewhere without any word in it.
    dq = np.zeros((60, 60))
    dq[10:22, 10:50] = 1.0
    dq[40:50, 40:50] = 1.0
    glyph = np.zeros((60, 60))
    glyph[15:17, 20:26] = 1.0
    heat = fuse_maps({"dq": dq, "glyph": glyph}, (60, 60), {"dq": 0.9, "glyph": 0.8}, cell=CELL)
    assert (heat[15:17, 20:26] >= 128).all()
    # Within the margin of the words the block map still counts, beyond it only faintly.
    margin = TRIM_MARGIN
    assert heat[15 - margin, 20 - margin] == round(0.9 * 255)
    assert 0 < heat[11, 45] < 128 and 0 < heat[20, 12] < 128
    # The region without words with evidence of their own is left as it was (inset by half a
    # JPEG block, `DQ_INSET`, as every double-quantisation region).
    assert (heat[41:49, 41:49] == round(0.9 * 255)).all() and heat[40, 45] == 0


def test_words_that_can_warn_are_marked_on_the_heatmap_at_their_own_strength() -> None:
    # A number at strength 0.58 (a warning of the number comparison, weight 0.8) and a paper
    # step of the same strength elsewhere: the number is marked (128 or more), the step keeps
    # its weighted strength, and so does a word too weak to warn.
    glyph = np.zeros((20, 20))
    glyph[2:4, 2:8] = 0.58
    glyph[10:12, 2:8] = TEXT_SHOWN - 0.1
    step = np.zeros((20, 20))
    step[15:18, 10:18] = 0.58
    heat = fuse_maps({"glyph": glyph, "paper_step": step}, (20, 20))
    assert (heat[2:4, 2:8] == round(0.58 * 255)).all()
    assert (heat[10:12, 2:8] == round(0.8 * (TEXT_SHOWN - 0.1) * 255)).all()
    assert (heat[15:18, 10:18] < 128).all()
    # The page score still counts the number at its weight.
    assert tamper_score({"glyph": 0.58}) == pytest.approx(0.8 * 0.58)


def test_tamper_score_is_a_noisy_or() -> None:
    assert tamper_score({}) == 0.0
    assert tamper_score({"clone": 0.0, "ghost": 0.0}) == 0.0
    one = tamper_score({"clone": 0.5}, {"clone": 1.0})
    two = tamper_score({"clone": 0.5, "ghost": 0.5}, {"clone": 1.0, "ghost": 1.0})
    assert one == pytest.approx(0.5) and two == pytest.approx(0.75)
    assert tamper_score({"clone": 7.0, "ghost": float("nan")}) == 1.0


def test_block_helpers() -> None:
    values = np.arange(6, dtype=np.float64).reshape(2, 3)
    big = upsample_blocks(values, 4, (10, 13))
    assert big.shape == (10, 13) and big[9, 12] == 5 and big[0, 4] == 1
    z = robust_zscore(np.array([1.0, 1.1, 0.9, 1.0, 9.0]))
    assert z[-1] > 10 and abs(z[0]) < 1
    mask = np.zeros((6, 6), bool)
    mask[1:3, 1:4] = True
    mask[5, 5] = True
    (box,) = regions_from_mask(mask, 16, min_blocks=2)
    assert (box.x, box.y, box.width, box.height) == (16, 16, 48, 32)


def _copied_word(edit: bool) -> tuple[np.ndarray, DqMap, Box, Box]:
    """A scanned letter saved at quality 70, a word copied, saved again at 80.

    The copy is dragged by half a pixel (as an editor's free transform does), so it no longer
    shares its noise with its source and the copy detectors find the pair only weakly, while
    the pasted word lost the page's aligned double quantisation. Without `edit` the page is
    saved the same way untouched. Returns the decoded page, its map, and the word's source
    and target boxes.
    """
    page = jpeg(letter_page(seed=0).image, 70)
    word = [w for w in find_words(page).words if w.box.width > 60][10].box
    pad = 3
    x, y, w, h = word.x - pad, word.y - pad, word.width + 2 * pad, word.height + 2 * pad
    target = Box(301, 1003, w, h)
    if edit:
        patch = page[y - 2 : y + h + 2, x - 2 : x + w + 2].astype(np.float32)
        half = np.float32([[1, 0, 0.5], [0, 1, 0.5]])
        moved = cv2.warpAffine(patch, half, patch.shape[::-1], borderMode=cv2.BORDER_REFLECT)
        page = page.copy()
        page[target.y : target.y + h, target.x : target.x + w] = np.rint(moved[2:-2, 2:-2])
    buffer = io.BytesIO()
    Image.fromarray(page).save(buffer, format="JPEG", quality=80)
    data = buffer.getvalue()
    dq = dq_map_of_bytes(data)
    assert isinstance(dq, DqMap)
    return np.asarray(Image.open(io.BytesIO(data)).convert("L")), dq, Box(x, y, w, h), target


def test_weak_copy_is_marked_at_both_ends_when_its_paste_left_a_trace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Keypoint copy-move reads this 300-dpi page whole, as it reads a page of at most 1,240
    # pixels: its reduced first pass on larger paper pages does not find this weak pair,
    # and the rule under test is the fusion's, given a pair the detectors found.
    monkeypatch.setattr(tamper, "PAPER_COARSE_SIDE", None)
    gray, dq, source, target = _copied_word(edit=True)
    traces = analyse_page(gray, dq=dq)
    # The copy detectors alone would not mark it; the double-quantisation map marks the paste.
    assert traces.scores["clone"] < 0.5 and traces.scores["text_clone"] < TEXT_SHOWN
    assert any(overlaps(r.xywh, target.xywh) for r in traces.dq_regions)
    heat = traces.heatmap
    for end in (source, target):
        cy, cx = end.y + end.height // 2, end.x + end.width // 2
        assert heat[cy, cx] >= 128, f"the copy's end at {end.xywh} is not marked"
    # Nothing else is marked: only the two ends, and the map's blocks about the paste.
    on = heat >= 128
    near = np.zeros_like(on)
    reach = COPY_REACH * CELL
    for end in (source, target):
        near[
            end.y - reach : end.y + end.height + reach, end.x - reach : end.x + end.width + reach
        ] = 1
    assert on.any() and not (on & ~near).any()


def test_untouched_page_with_repeated_words_gets_no_mark() -> None:
    gray, dq, _, _ = _copied_word(edit=False)
    traces = analyse_page(gray, dq=dq)
    # The page's repeated words pair up weakly, and nothing else marks them.
    assert traces.clones
    assert int(traces.heatmap.max()) < 128


def test_copy_ends_need_a_region_that_the_end_explains() -> None:
    grid = (100, 100)
    pair = (Box(40, 40, 40, 20), Box(200, 300, 40, 20), 0.3)  # on a grid of 4-pixel cells
    small = np.zeros(grid, np.float32)
    small[74:81, 49:61] = 1.0  # a double-quantisation region about the target end
    large = np.zeros(grid, np.float32)
    large[60:95, 20:90] = 1.0  # a pasted block that merely holds a word like the source
    for dq, marked in ((small, True), (large, False)):
        heat = fuse_maps({"dq": dq}, grid, {"dq": 1.0}, copies=[pair], cell=4)
        assert bool(heat[11, 11] >= 128) == marked  # the source end, 44 pixels from the corner
    weak = (pair[0], pair[1], COPY_LEAST / 2)
    heat = fuse_maps({"dq": small}, grid, {"dq": 1.0}, copies=[weak], cell=4)
    assert heat[11, 11] == 0


def _jpeg_gray(image: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L")).copy()


def _pasted_block(box: tuple[int, int, int, int], darker: int) -> np.ndarray:
    """A scanned letter (quality 80) with a block of another scan pasted, saved at 90.

    The other scan's paper is `darker` grey levels darker, and it was saved at 85 on its own.
    """
    page = _jpeg_gray(np.asarray(scanned_letter(seed=0)), 80)
    other = np.asarray(scanned_letter(seed=1)).astype(np.int16) - darker
    donor = _jpeg_gray(np.clip(other, 0, 255).astype(np.uint8), 85)
    x0, y0, x1, y1 = box
    page[y0:y1, x0:x1] = donor[y0 + 40 : y1 + 40, x0:x1]
    return _jpeg_gray(page, 90)


def test_paper_steps_along_the_sides_of_a_patch_mark_the_whole_patch() -> None:
    # A block of paper three grey levels darker: its edges are found as separate weak strips
    # (top, bottom, left, right), none strong enough to be marked alone.
    box = (150, 900, 1000, 1100)
    traces = analyse_page(_pasted_block(box, 3))
    assert len(traces.paper_step_regions) >= 2
    assert all(r.score * DEFAULT_WEIGHTS["paper_step"] < 0.5 for r in traces.paper_step_regions)
    x0, y0, x1, y1 = box
    on = traces.heatmap >= 128
    inside = on[y0:y1, x0:x1]
    assert inside.mean() > 0.9  # the patch, not its edges
    near = np.zeros_like(on)
    near[y0 - 16 : y1 + 16, x0 - 16 : x1 + 16] = True
    assert not (on & ~near).any()


def test_untouched_scan_has_no_rectangle() -> None:
    page = _jpeg_gray(_jpeg_gray(np.asarray(scanned_letter(seed=0)), 80), 90)
    traces = analyse_page(page)
    assert traces.paper_step_regions == []
    assert int(traces.heatmap.max()) < 128


def test_a_paste_over_repeated_paragraphs_does_not_mark_the_other_repeats() -> None:
    # The letter repeats its paragraphs, and the pasted block (from another scan of the same
    # text) pairs with them; the block is marked, the genuine repeats elsewhere are not.
    box = (203, 597, 861, 803)
    traces = analyse_page(_pasted_block(box, 5))
    assert traces.clones and traces.scores["paper_step"] > 0.5
    on = traces.heatmap >= 128
    x0, y0, x1, y1 = box
    assert on[y0:y1, x0:x1].mean() > 0.9
    assert not on[1060:1420, 420:1140].any() and not on[160:520, 420:1140].any()


def test_strips_far_apart_close_no_rectangle() -> None:
    layer = np.zeros((100, 100), np.float32)
    layer[10:12, 10:40] = 0.6  # a strip at the top left
    layer[80:82, 60:95] = 0.6  # another at the bottom right: no rows or columns in common
    assert (step_rectangles(layer) == layer).all()
    # A strip and a region below it in the same columns that does not reach its line; two
    # strips along one line; a header's and a footer's edges farther apart than they are long.
    for pieces in (
        [(10, 12, 10, 40), (80, 88, 15, 35)],
        [(50, 52, 5, 25), (50, 52, 70, 95)],
        [(5, 7, 10, 40), (90, 92, 10, 40)],
    ):
        layer = np.zeros((100, 100), np.float32)
        for y0, y1, x0, x1 in pieces:
            layer[y0:y1, x0:x1] = 0.6
        assert (step_rectangles(layer) == layer).all(), pieces
    # The top of a patch, its right side and a piece of its bottom, each weak.
    outline = np.zeros((100, 100), np.float32)
    outline[10:12, 10:40] = 0.3
    outline[14:50, 38:40] = 0.3
    outline[48:50, 10:20] = 0.3
    filled = step_rectangles(outline)
    assert filled[30, 20] == pytest.approx(1 - 0.7**3)
    assert (filled[10:50, 10:40] > 0.5).all() and filled[60:, :].max() == 0


def test_tall_strips_far_apart_close_nothing() -> None:
    # Two tall strips far apart close no band between them, whether or not they share their
    # rows: a genuine page's two margins shadowed at the same height (a scanner lid, a fold)
    # look just like a pasted line's two ends, and filling between them marked most of a page.
    layer = np.zeros((100, 200), np.float32)
    layer[10:30, 10:12] = 0.6  # a left side
    layer[26:46, 180:182] = 0.6  # a right side sharing a fifth of its rows, far away
    assert (step_rectangles(layer) == layer).all()
    layer[26:46, 180:182] = 0.0
    layer[14:34, 180:182] = 0.6  # sharing most of its rows
    assert (step_rectangles(layer) == layer).all()


def test_pieces_of_three_sides_that_meet_nowhere_close_their_rectangle() -> None:
    # A piece of a patch's top, its right side lower down and two pieces of its bottom: no two
    # of them meet at a corner, but together they lie along three sides of one box.
    layer = np.zeros((120, 200), np.float32)
    layer[20:22, 60:90] = 0.3  # a piece of the top
    layer[50:80, 168:170] = 0.3  # the right side, lower down
    layer[98:100, 30:50] = 0.2  # pieces of the bottom
    layer[98:100, 110:140] = 0.2
    layer[40:60, 20:22] = 0.2  # the left side
    left, top = np.zeros_like(layer, bool), np.zeros_like(layer, bool)
    left[40:60, 20:22], top[20:22, 60:90] = True, True
    rects = _rectangles(layer)
    assert [box for box, _ in rects] == [(20, 20, 170, 100)]
    assert rects[0][1] == pytest.approx(1 - 0.7**2 * 0.8**3)
    # Three sides are enough; pieces of two sides that do not meet close nothing.
    assert [box for box, _ in _rectangles(np.where(left, 0.0, layer))] == [(30, 20, 170, 100)]
    two = layer.copy()
    two[left | top] = 0.0
    assert _rectangles(two) == []
    # Pieces along two parallel lines only (a shaded band's edges, two shadowed margins)
    # close nothing, however many pieces there are.
    band = np.zeros((120, 200), np.float32)
    band[20:22, 60:90] = band[20:22, 120:150] = band[98:100, 30:50] = 0.4
    assert _rectangles(band) == []
    margins = np.zeros((120, 200), np.float32)
    margins[10:40, 10:12] = margins[50:90, 10:12] = margins[30:70, 180:182] = 0.4
    assert _rectangles(margins) == []


def test_a_closed_rectangle_of_weak_sides_is_marked_whole() -> None:
    # A block of paper three grey levels darker pasted over the letter's lines: its top, its
    # bottom and its left side are found, each too weak to be marked on its own (weighted
    # below 0.5); together they close the block, which is marked whole and nothing else is.
    box = (160, 1200, 1000, 1330)
    traces = analyse_page(_pasted_block(box, 3))
    steps = traces.paper_step_regions
    assert len(steps) >= 3
    assert all(r.score * DEFAULT_WEIGHTS["paper_step"] < 0.5 for r in steps)
    x0, y0, x1, y1 = box
    on = traces.heatmap >= 128
    assert on[y0:y1, x0:x1].mean() > 0.9
    near = np.zeros_like(on)
    near[y0 - 16 : y1 + 16, x0 - 16 : x1 + 16] = True
    assert not (on & ~near).any()
    # The same letter through the same chain without the block: no region, nothing marked.
    page = _jpeg_gray(_jpeg_gray(np.asarray(scanned_letter(seed=0)), 80), 90)
    untouched = analyse_page(page)
    assert untouched.paper_step_regions == [] and int(untouched.heatmap.max()) < 128


def test_a_trimmed_region_keeps_every_flagged_word_inside_it() -> None:
    # A double-quantisation region over a pasted block of two lines: glyph consistency flags
    # the second line at a warning's strength and the first only weakly. The trim keeps both
    # lines (and their margin), and lowers the paper around them.
    dq = np.zeros((80, 80))
    dq[10:50, 10:70] = 1.0
    glyph = np.zeros((80, 80))
    glyph[20:26, 14:66] = 0.2  # the first line, flagged weakly
    glyph[34:40, 14:66] = 0.7  # the second, at a warning's strength
    heat = fuse_maps({"dq": dq, "glyph": glyph}, (80, 80), {"dq": 0.9, "glyph": 0.8}, cell=CELL)
    assert (heat[20:26, 14:66] >= 128).all() and (heat[34:40, 14:66] >= 128).all()
    assert 0 < heat[12, 40] < 128 and 0 < heat[46, 40] < 128


def test_a_paper_step_box_is_marked_to_the_block_not_the_blocks_around_it() -> None:
    # A block of paper five grey levels darker, found as one paper-step region whose box of
    # whole 8 x 8 blocks reaches 8-16 pixels beyond the block: the mark covers the block and
    # ends within 12 pixels of its edges.
    box = (200, 1500, 800, 1600)
    traces = analyse_page(_pasted_block(box, 5))
    assert len(traces.paper_step_regions) == 1
    x0, y0, x1, y1 = box
    on = traces.heatmap >= 128
    assert on[y0:y1, x0:x1].mean() > 0.95
    near = np.zeros_like(on)
    near[y0 - 12 : y1 + 12, x0 - 12 : x1 + 12] = True
    assert not (on & ~near).any()


def test_a_double_quantisation_region_is_marked_inside_its_blocks() -> None:
    # A block of another scan (saved at 85) pasted off the 8 x 8 grid into a letter saved at
    # 80, the page saved at 90: the double-quantisation map's region covers whole blocks
    # around it; the heatmap marks the block and leaves the region's outer half-block.
    box = (123, 301, 901, 389)
    buffer = io.BytesIO()
    Image.fromarray(_pasted_block(box, 0)).save(buffer, format="JPEG", quality=90)
    dq = dq_map_of_bytes(buffer.getvalue())
    assert isinstance(dq, DqMap) and dq.regions
    gray = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))
    traces = analyse_page(gray, dq=dq)
    on = traces.heatmap >= 128
    x0, y0, x1, y1 = box
    assert on[y0:y1, x0:x1].mean() > 0.95
    region = traces.dq_regions[0]
    rows = slice(y0 + 20, y1 - 20)
    assert not on[rows, region.x : region.x + 4].any()
    assert not on[rows, region.x + region.width - 4 : region.x + region.width].any()


def test_two_facing_edges_alone_are_not_marked_at_their_rectangles_strength() -> None:
    # Two parallel strips longer than the gap between them (a patch's top and bottom, or a
    # shaded band's two edges) close a rectangle of 0.51; it is filled at the paper-step
    # method's weight, below marked. The same two strips with a third side along a column
    # agree on one patch and are marked at the rectangle's own strength.
    weight = DEFAULT_WEIGHTS["paper_step"]
    layer = np.zeros((200, 400), np.float32)
    layer[40:42, 20:380] = 0.3
    layer[150:152, 20:380] = 0.3
    assert [box for box, _ in _rectangles(layer)] == [(20, 40, 380, 152)]
    shown = step_layer(layer, weight)
    assert shown.max() < 0.5 and shown[100, 200] == pytest.approx(weight * 0.51)
    layer[44:148, 20:22] = 0.3  # the left side
    shown = step_layer(layer, weight)
    assert shown[100, 200] == pytest.approx(1 - 0.7**3)
    # Two wide pieces side by side, each as tall as the patch (its paper found in two parts,
    # as on a letter of the dev split, on the fused grid of `CELL` pixels): they cover most of
    # their rectangle, which is the patch itself, marked at its strength.
    pieces = np.zeros((200, 400), np.float32)
    pieces[60:84, 40:124] = 0.45
    pieces[60:84, 142:208] = 0.21
    found = _rectangles(pieces)
    assert [box for box, _ in found] == [(40, 60, 208, 84)]
    shown = step_layer(pieces, weight, CELL)
    assert shown[72, 130] == pytest.approx(found[0][1]) and found[0][1] >= 0.5
