"""Fuse per-method forensic maps into one tamper heatmap and one page score.

Each method's map is already calibrated against its own page (0 where the page looks like
itself, 1 at the strongest trace), so fusion can stay simple and explainable: the heatmap is
the largest weighted trace at each pixel, and the page score is a noisy-OR of the methods'
strongest regions, so one clear trace is enough and agreeing traces add up. Regions are then
shaped by what the edit looks like: paper steps along the sides of one rectangle are filled
to it (`step_layer`, `step_outline`), a copy is marked at both of its ends when another
method marked one of them (`copy_ends`), and a block method's region around words that
stand out is trimmed to those words (`trim_to_words`). How much each method counts is learned
from the independent corpus's dev split (``benchmarks/fit_fusion.py``) where a method was
fitted there, and reasoned otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import cv2
import numpy as np

from workbench.geometry import Box
from workbench.imaging.forensic.fusion_weights import LEARNED_WEIGHTS
from workbench.imaging.forensic.paper_patch import PaperBlocks, grow_patches
from workbench.imaging.forensic.step_outline import outlines, step_rectangles

#: How much each method's trace counts, as reasoned before any fit. Clones verified on
#: background texture and JPEG ghosts are specific, and so are words that share their noise
#: with other words (text copy-move) and regions without the page's aligned double JPEG
#: quantisation; noise departures, words printed differently (a bold word, a stamp) and
#: straight steps in the paper's tone (a shaded band, a fold) have more innocent causes; raw
#: error levels the most.
REASONED_WEIGHTS: dict[str, float] = {
    "clone": 1.0,
    "ghost": 0.9,
    "dq": 0.9,
    "text_clone": 0.9,
    "glyph": 0.8,
    "paper_step": 0.8,
    "noise": 0.7,
    "ela": 0.4,
}
#: The weights in use: those fitted on the independent corpus's dev split
#: (`fusion_weights.LEARNED_WEIGHTS`, written by ``benchmarks/fit_fusion.py``) where a method
#: was fitted, the reasoned ones otherwise.
DEFAULT_WEIGHTS: dict[str, float] = {**REASONED_WEIGHTS, **LEARNED_WEIGHTS}
#: Methods whose regions are the words themselves (a word's or a line's box).
TEXT_METHODS = ("glyph", "text_clone")
#: A region of the fused map (strength 0.5 and above) whose words with evidence of their own
#: cover less than this share of it is trimmed to those words: the block methods (double
#: quantisation, paper tone steps, noise) see 8 to 32 pixel blocks and spill over the paper
#: around an edited line or number, while the words that stand out are the edit.
TRIM_SHARE = 0.5
#: Margin kept around the words with evidence, in elements of the fused grid.
TRIM_MARGIN = 2
#: A region trimmed for words that stand out keeps every word inside it that the text methods
#: flagged at this weighted strength or more, not only those that stand out: a block pasted from
#: another JPEG holds several lines, of which glyph consistency may flag one at a warning's
#: strength and the next only weakly, and both are the block. On the dev split and the
#: fresh-look set any floor from 0.01 to 0.1 changed one page (a foreign-JPEG block of two
#: lines on a list, pixel F1 0.60 -> 0.91) and no other; 0.15 and above changed none.
TRIM_KEEP = 0.05
#: A word or line of the `TEXT_METHODS` at this strength or more is painted on the heatmap at
#: its own strength, not weighted down: the text methods' regions are the words their findings
#: name, and from this strength on those findings can warn, so the heatmap marks (at 0.5,
#: the level its readers and `trim_to_words` take as marked) where such a finding is. The
#: weights still set how much each method counts in `tamper_score`.
TEXT_SHOWN = 0.5
#: Methods whose regions are the two ends of a copy (a copied area and its source).
COPY_METHODS = ("clone", "text_clone")
#: A copy too weak to be marked on its own is marked at both ends when another method marked
#: a region that one of its ends explains: the region overlaps the end, and at least
#: `COPY_SHARE` of it lies within
#: `COPY_REACH` elements of the fused grid (16 pixels, two JPEG blocks) of the end. A pasted
#: word brings a block method's trace (no aligned double quantisation, a step in the paper)
#: that covers the word and a block or two around it, while the copy detectors know where
#: its source is; a region much larger than the end (a pasted block that holds a repeated
#: word) is not the copy. Pairs weaker than `COPY_LEAST` are left out: the page's own repeated
#: words pair up that weakly (keypoint pairs of 0.04-0.09 between two prints of a word on
#: the corpus's dev pages). The three constants were chosen by leave-one-chain-out on the
#: independent corpus's dev split (``benchmarks/fusion_shapes.py``), where any share from 0.3
#: to 0.7 and any floor from 0.1 to 0.2 gave the same held-out pixel F1; never on its test
#: split.
COPY_SHARE = 0.5
COPY_REACH = 4
COPY_LEAST = 0.15
#: A closed rectangle at this strength or more is painted on the heatmap at its own strength,
#: not weighted down (`step_layer`): at 0.5, the level its readers take as marked. Reasoned,
#: not fitted; on the dev split and the fresh-look set it changed only foreign-JPEG pages
#: (a letter's block closed by two weak strips at 0.57, a block closed by three sides at 0.61).
RECT_SHOWN = 0.5
#: ... unless its regions run along two parallel sides only and cover less than this share of
#: it (`step_layer`): two thin edges far apart are as much a shaded band's or two shadowed
#: margins' as a patch's; a block whose paper-step regions are two wide pieces side by side
#: (dev-071, 89% of its rectangle) is the patch itself. Reasoned, not fitted.
RECT_COVERED = 0.5
#: Pixels by which a paper-step region wider and taller than an edge strip is inset on each side
#: on the heatmap (`step_layer`): one JPEG block, as far as its box can reach beyond the edge.
#: On the dev split and the fresh-look set an inset of 4 and of 8 pixels raised every page it
#: changed (foreign-JPEG pixel F1 0.814 -> 0.820 -> 0.822 on dev, 0.854 -> 0.866 -> 0.879 on
#: fresh, spliced lines 0.319 -> 0.326 on fresh) and lowered none.
STEP_INSET = 8
#: Pixels by which a double-quantisation region wider and taller than an edge strip is inset on
#: each side on the heatmap (`method_layer`): half a JPEG block. On the dev split it raised
#: foreign JPEG 0.822 -> 0.833, copy-move 0.708 -> 0.721, spliced lines 0.646 -> 0.649 and
#: retyped digits 0.758 -> 0.770 (two spliced-line pages lost 0.01 and 0.03), on the fresh-look
#: set copy-move 0.467 -> 0.469 and nothing else; 8 pixels lost a receipt's block (0.73 -> 0.18,
#: the patch of other paper grown from it went with it).
DQ_INSET = 4
#: The double-quantisation method.
DQ_METHOD = "dq"
#: The method whose regions are steps along a patch's edges.
STEP_METHOD = "paper_step"
#: Methods whose regions are evidence of a patch of other paper, grown into the whole patch
#: where the page's paper is measured (`paper_patch.grow_patches`). Noise departures count
#: since the fresh-look set: a table row pasted from another scan on its 240-dpi colour chain
#: had smoother grain (pooled z -7.9) and its noise regions (0.66-0.76) along the row, while
#: paper steps and words marked only its edge and two words.
PATCH_EVIDENCE = ("dq", "paper_step", "glyph", "noise")
#: Methods with more innocent causes than a pasted patch, whose regions must cover
#: `paper_patch.COVER` of the patch they seed: words printed differently (other paper under
#: a word changes its print's contrast by itself) and noise departures (other paper has other
#: grain by itself: a stain, a label).
COVER_METHODS = ("glyph", "noise")


def resize_map(values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Resize a float map to ``shape`` (H, W) by nearest neighbour (blocks stay blocks)."""
    if values.shape == shape:
        return np.asarray(values, dtype=np.float32)
    h, w = shape
    return cv2.resize(values.astype(np.float32), (w, h), interpolation=cv2.INTER_NEAREST)


def fuse_maps(
    maps: Mapping[str, np.ndarray],
    shape: tuple[int, int],
    weights: Mapping[str, float] | None = None,
    *,
    copies: Sequence[tuple[Box, Box, float]] = (),
    cell: int = 1,
    paper: PaperBlocks | None = None,
) -> np.ndarray:
    """One heatmap from several strength maps.

    Parameters
    ----------
    maps : mapping of method name -> float array in [0, 1]
        Page-sized, or coarser (block) maps, which are stretched to ``shape``.
    shape : (H, W)
        Page size.
    weights : mapping of method name -> float in [0, 1], optional
        `DEFAULT_WEIGHTS` by default; methods without a weight count fully. A text method's
        word at `TEXT_SHOWN` or more keeps its own strength. Paper-step regions that close
        a rectangle are filled to it (`step_layer`).
    copies : sequence of (source, target, strength)
        The page's copy pairs (copy-move and text copy-move), boxes in page pixels; see
        `copy_ends` for when both ends are marked.
    cell : int
        Page pixels per element of ``shape`` (the boxes of `copies` are divided by it).
    paper : PaperBlocks, optional
        The page's paper (`paper_patch.paper_blocks`); when given, the regions of the
        `PATCH_EVIDENCE` methods are grown into the whole patch of other paper that holds
        them (`paper_patch.grow_patches`), which `trim_to_words` leaves whole.

    Returns
    -------
    (H, W) uint8 array
        0 = no trace, 255 = strongest.

    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    layers: dict[str, np.ndarray] = {}
    for name, values in maps.items():
        raw = resize_map(np.clip(np.nan_to_num(values), 0.0, 1.0), shape)
        layers[name] = method_layer(name, raw, w.get(name, 1.0), cell)
    fused = _maximum([*layers.values()], shape)
    text = _maximum([v for k, v in layers.items() if k in TEXT_METHODS], shape)
    if copies:
        ends = copy_ends(layers, copies, shape, cell)
        fused, text = np.maximum(fused, ends), np.maximum(text, ends)
    out = trim_to_words(fused, text)
    if paper is not None:
        evidence = _maximum([v for k, v in layers.items() if k in PATCH_EVIDENCE], shape)
        covering = _maximum([v for k, v in layers.items() if k in COVER_METHODS], shape)
        grown = grow_patches(paper, evidence, cell, layers.get(STEP_METHOD), covering)
        out = np.maximum(out, grown)
    return np.asarray(np.rint(out * 255.0), dtype=np.uint8)


def _maximum(layers: Sequence[np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    out = np.zeros(shape, dtype=np.float32)
    for layer in layers:
        np.maximum(out, layer, out=out)
    return out


def _cells(box: Box, cell: int, shape: tuple[int, int]) -> tuple[slice, slice]:
    """The elements of a grid of `cell`-pixel elements that `box` (page pixels) touches."""
    y0, x0 = max(box.y // cell, 0), max(box.x // cell, 0)
    y1 = min(-(-(box.y + box.height) // cell), shape[0])
    x1 = min(-(-(box.x + box.width) // cell), shape[1])
    return slice(y0, max(y1, y0)), slice(x0, max(x1, x0))


def _same_place(a: Box, b: Box) -> bool:
    """Whether two boxes cover mostly the same pixels (half of the smaller one or more)."""
    w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
    h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    return w > 0 and h > 0 and w * h >= 0.5 * min(a.area, b.area)


def repeated(pair: tuple[Box, Box], pairs: Sequence[tuple[Box, Box]]) -> bool:
    """Whether one end of `pair` is also an end of another pair that leads elsewhere.

    A copy has two ends. A place paired with two or more other places is a print repeated on
    the page (a paragraph, a heading, a word set several times), and which of its pairs is a
    copy, if any, the pairs cannot tell. The same copy found by two detectors (both ends
    alike) is one copy.
    """
    a, b = pair
    for c, d in pairs:
        if (c, d) == (a, b):
            continue
        for mine, theirs, my_other, their_other in ((a, c, b, d), (a, d, b, c), (b, c, a, d)):
            if _same_place(mine, theirs) and not _same_place(my_other, their_other):
                return True
        if _same_place(b, d) and not _same_place(a, c):
            return True
    return False


def copy_ends(
    layers: Mapping[str, np.ndarray],
    copies: Sequence[tuple[Box, Box, float]],
    shape: tuple[int, int],
    cell: int = 1,
) -> np.ndarray:
    """Both ends of the copies whose one end another method marked, at that method's strength.

    A copy has two ends, and the pixels cannot tell which is the original. When the copy
    detectors found a pair too weakly for it to be marked (after JPEG a copied word may no
    longer share its noise with its source), and a method that is no copy detector marked a
    region (weighted strength 0.5 or more) that one end of the pair explains (the region
    overlaps the end, and at least `COPY_SHARE` of it lies within `COPY_REACH` elements of
    the end), the region is the
    pasted word's trace and the pair says where it came from: both ends are marked at the
    region's strength. Pairs below `COPY_LEAST`, pairs with an end that a copy detector
    marked already, and pairs of a family of repeats (`repeated`) are left alone.

    Parameters
    ----------
    layers : mapping of method name -> (H, W) float array
        Each method's weighted layer on the fused grid, as `fuse_maps` makes them.
    copies : sequence of (source, target, strength)
        Copy pairs, boxes in page pixels.
    shape : (H, W)
        The fused grid.
    cell : int
        Page pixels per grid element.

    Returns
    -------
    (H, W) float32 array
        The ends to mark, 0 elsewhere.

    """
    out = np.zeros(shape, dtype=np.float32)
    other = _maximum([v for k, v in layers.items() if k not in COPY_METHODS], shape)
    marked = other >= 0.5
    if not marked.any():
        return out
    shown = _maximum([v for k, v in layers.items() if k in COPY_METHODS], shape) >= 0.5
    count, found_labels = cv2.connectedComponents(marked.astype(np.uint8), connectivity=8)
    labels = np.asarray(found_labels, dtype=np.int32)
    size = np.bincount(labels.ravel(), minlength=count)
    strongest = np.zeros(count, dtype=np.float32)
    np.maximum.at(strongest, labels[marked], other[marked])
    reach = COPY_REACH
    pairs = [(a, b) for a, b, strength in copies if strength >= COPY_LEAST]
    for source, target in pairs:
        if repeated((source, target), pairs):
            continue
        ends = [_cells(end, cell, shape) for end in (source, target)]
        if any(shown[ys, xs].any() for ys, xs in ends):
            continue
        found = 0.0
        for ys, xs in ends:
            near = labels[
                max(ys.start - reach, 0) : ys.stop + reach,
                max(xs.start - reach, 0) : xs.stop + reach,
            ]
            for region in np.unique(labels[ys, xs]):
                if region and (near == region).sum() >= COPY_SHARE * size[region]:
                    found = max(found, float(strongest[region]))
        if found:
            for ys, xs in ends:
                out[ys, xs] = np.maximum(out[ys, xs], np.float32(found))
    return out


def method_layer(name: str, raw: np.ndarray, weight: float, cell: int = 1) -> np.ndarray:
    """One method's layer on the fused heatmap, from its map `raw` (in [0, 1]) and its weight.

    The map weighted; a text method's word at `TEXT_SHOWN` or more at its own strength; the
    paper steps shaped by `step_layer`; the double-quantisation map's regions wider and
    taller than an edge strip inset by `DQ_INSET` pixels on every side (`cell` page pixels
    per element): the map paints whole 8 x 8 blocks, and a block straddling the edge of a
    region placed off the grid lies on average half outside it.
    """
    if name == STEP_METHOD:
        return step_layer(raw, weight, cell)
    if name == DQ_METHOD:
        raw = _inset_regions(raw, DQ_INSET // max(cell, 1))
    layer = np.float32(weight) * raw
    if name in TEXT_METHODS:
        layer = np.where(raw >= TEXT_SHOWN, np.maximum(layer, raw), layer)
    return np.asarray(layer, dtype=np.float32)


def step_layer(raw: np.ndarray, weight: float, cell: int = 1) -> np.ndarray:
    """The paper-step method's layer on the fused heatmap, from its map `raw` and its weight.

    Each region wider and taller than an edge strip is first inset by `STEP_INSET` pixels on
    every side (`cell` page pixels per element of `raw`): the method paints whole 8 x 8
    blocks crossed by a step, and measures a step on rows either side of it, so its box
    reaches up to a block beyond the patch's edge. Regions that lie along the sides of one
    rectangle are then filled to it (`step_outline.outlines`) and the map is weighted; a
    closed rectangle at `RECT_SHOWN` or more whose regions run along a row side and a column
    side keeps its own strength: its sides agree on one patch, so it is marked where each
    side alone is too weak to be. A rectangle closed by two facing edges alone stays
    weighted (a shaded band, a fold or two shadowed margins give two parallel edges too)
    unless its regions cover `RECT_COVERED` of it: then they are pieces of the patch itself,
    not its edges.
    """
    raw = _inset_regions(raw, max(STEP_INSET // max(cell, 1), 0))
    found = outlines(raw)
    layer = np.float32(weight) * step_rectangles(raw, found)
    for outline in found:
        x0, y0, x1, y1 = outline.box
        covered = float((raw[y0:y1, x0:x1] > 0).mean()) if x1 > x0 and y1 > y0 else 0.0
        if outline.strength >= RECT_SHOWN and (outline.rows_and_columns or covered >= RECT_COVERED):
            value = np.float32(outline.strength)
            layer[y0:y1, x0:x1] = np.maximum(layer[y0:y1, x0:x1], value)
    return layer


def _inset_regions(layer: np.ndarray, inset: int) -> np.ndarray:
    """`layer` with each region more than ``2 * inset + 2`` elements across both ways inset.

    A region is a connected group of non-zero elements; its elements farther than `inset`
    inside its bounding box are kept. Thinner regions (strips along one edge) are kept whole.
    """
    if inset <= 0:
        return layer
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        (layer > 0).astype(np.uint8), connectivity=8
    )
    out = layer.copy()
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if w <= 2 * inset + 2 or h <= 2 * inset + 2:
            continue
        box = (slice(y, y + h), slice(x, x + w))
        rim = labels[box] == i
        rim[inset : h - inset, inset : w - inset] = False
        out[box][rim] = 0.0
    return out


def trim_to_words(fused: np.ndarray, text: np.ndarray) -> np.ndarray:
    """Trim the fused map's regions to the words with evidence of their own inside them.

    Parameters
    ----------
    fused : (H, W) float array in [0, 1]
        The weighted maximum of all methods.
    text : (H, W) float array in [0, 1]
        The weighted maximum of the `TEXT_METHODS` alone.

    Returns
    -------
    (H, W) float array
        ``fused``, except that in a region (connected cells of strength 0.5 and above) where
        the words that stand out cover less than `TRIM_SHARE` of it, the cells farther than
        `TRIM_MARGIN` from the words with evidence (at `TRIM_KEEP` or more) are lowered to
        just below 0.5: they still show on the heatmap, fainter, as the surroundings of the
        edit rather than the edit. Regions without words that stand out are left as they are.

    """
    on = fused >= 0.5
    words = text >= 0.5
    if not words.any() or not on.any():
        return fused
    count, labels = cv2.connectedComponents(on.astype(np.uint8), connectivity=8)
    size = np.bincount(labels.ravel(), minlength=count)
    covered = np.bincount(labels[words].ravel(), minlength=count)
    trim = (covered > 0) & (covered < TRIM_SHARE * size)
    trim[0] = False
    if not trim.any():
        return fused
    side = 2 * TRIM_MARGIN + 1
    kept = (text >= TRIM_KEEP).astype(np.uint8)
    near = cv2.dilate(kept, np.ones((side, side), np.uint8)).astype(bool)
    lower = trim[labels] & ~near
    out = fused.copy()
    out[lower] = np.minimum(out[lower], np.float32(127.0 / 255.0))
    return out


def tamper_score(scores: Mapping[str, float], weights: Mapping[str, float] | None = None) -> float:
    """Page score in [0, 1]: noisy-OR of the weighted per-method scores.

    Parameters
    ----------
    scores : mapping of method name -> float in [0, 1]
        Each method's strongest region on the page.
    weights : mapping, optional
        As in `fuse_maps`.

    Returns
    -------
    float in [0, 1]; 0 when no method found anything.

    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    clean = 1.0
    for name, value in scores.items():
        v = min(max(float(value), 0.0), 1.0) if np.isfinite(value) else 0.0
        clean *= 1.0 - w.get(name, 1.0) * v
    return float(min(max(1.0 - clean, 0.0), 1.0))
