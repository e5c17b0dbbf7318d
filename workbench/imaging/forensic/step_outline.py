"""Paper-step regions that outline one rectangle: the whole pasted patch, not its edges.

The paper-step method (`paper_steps`) finds a pasted patch of other paper by the straight
steps in the paper's tone at its edges. Where print interrupts the paper along an edge, or
the patch is taller than the method joins, it finds the edges as separate regions: a strip
along the top, another along the right side, pieces of the bottom. A patch of other paper
is a rectangle (a block cut from another scan ends at straight edges), so regions that lie
along the sides of one rectangle are that rectangle (`outlines`), while a shaded
band, a fold or a lid's shadow gives one edge or two parallel ones. The fusion fills such
rectangles on the heatmap (`fusion.step_layer`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import cv2
import numpy as np

#: The paper-step method finds a pasted patch by the straight steps at its edges, but where
#: print interrupts the paper along an edge, or the patch is taller than the method joins, it
#: finds the edges as separate regions (a strip along the top, another along the right side).
#: Regions that lie along different sides of one rectangle are filled to it (`step_rectangles`):
#: within `RECT_TOLERANCE` elements of the fused grid (16 pixels) of the side they run along,
#: a strip being a region at least `STRIP` times as long as it is thick. Chosen by
#: leave-one-chain-out on the independent corpus's dev split (``benchmarks/fusion_shapes.py``),
#: where any tolerance from 8 to 24 pixels gave the same held-out pixel F1; never on its test
#: split.
RECT_TOLERANCE = 4
STRIP = 2.0
#: Sides of their common bounding box along which strips that do not meet must lie to close it
#: (`outlines`): three takes strips along both a row and a column, which a shaded
#: band, a fold or two shadowed margins do not give. Reasoned, not fitted.
SIDES_APART = 3


Rect = tuple[int, int, int, int]


class Outline(NamedTuple):
    """A rectangle the paper-step regions outline (`outlines`)."""

    box: Rect  #: (x0, y0, x1, y1) on the grid of the layer
    strength: float  #: its regions' strengths combined as a noisy-OR
    sides: frozenset[str]  #: the sides its regions run along ("top", "bottom", "left", "right")

    @property
    def rows_and_columns(self) -> bool:
        """Whether its regions run along a row side and a column side: no two parallel edges."""
        return bool(self.sides & {"top", "bottom"}) and bool(self.sides & {"left", "right"})


def _sides(box: Rect, bound: Rect) -> set[str]:
    """The sides of `bound` that `box` runs along (a strip) or touches (any other region)."""
    x0, y0, x1, y1 = box
    bx0, by0, bx1, by1 = bound
    tol = RECT_TOLERANCE
    near = {"top": y0 - by0 <= tol, "bottom": by1 - y1 <= tol}
    near |= {"left": x0 - bx0 <= tol, "right": bx1 - x1 <= tol}
    # A bound no thicker than the tolerance has one line for its top and bottom (or its left
    # and right): strips along one line are one side, not a patch's two.
    near["bottom"] = near["bottom"] and by1 - by0 > 2 * tol
    near["right"] = near["right"] and bx1 - bx0 > 2 * tol
    w, h = x1 - x0, y1 - y0
    if w >= STRIP * h:
        return {k for k in ("top", "bottom") if near[k]}
    if h >= STRIP * w:
        return {k for k in ("left", "right") if near[k]}
    return {k for k, v in near.items() if v}


def _closes(boxes: Sequence[Rect]) -> bool:
    """Whether `boxes` lie along the sides of their common bounding box, side by side.

    Each must run along (or touch) a side of the bounding box, and lie beside another of them:
    strips of one orientation are pieces of one side when they lie along one line (a side is
    often found in pieces), and face each other (a patch's top and bottom) when they share
    columns and lie no farther apart than the longer is long; a strip and a region of
    another shape meet when the region reaches the strip's line, over or beyond the strip's
    end by no more than the longer's length; two regions that are not strips must meet at a
    corner (within `RECT_TOLERANCE`). So two regions far apart on the page close nothing, nor
    does a shaded header's edge with a footer's farther apart than they are long (a patch's
    longer sides lie no farther apart than they are long, so a pasted patch whose longer
    sides are found still closes), and strips along one line are one side (`_sides`).
    """
    bound = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    tol = RECT_TOLERANCE

    def beside(a: Rect, b: Rect) -> bool:
        across = min(a[2], b[2]) - max(a[0], b[0])  # columns shared (negative: a gap)
        along = min(a[3], b[3]) - max(a[1], b[1])  # rows shared
        wa, ha, wb, hb = a[2] - a[0], a[3] - a[1], b[2] - b[0], b[3] - b[1]
        flat = (wa >= STRIP * ha, wb >= STRIP * hb)
        tall = (ha >= STRIP * wa, hb >= STRIP * wb)
        if all(flat):  # pieces of one top or bottom, or a top facing a bottom
            return along >= -tol or (across >= -tol and -along <= max(wa, wb))
        if all(tall):  # the same with left and right
            return across >= -tol or (along >= -tol and -across <= max(ha, hb))
        longer = max(wa, ha, wb, hb)
        if any(flat):  # a region reaching a top's or bottom's line, beyond or over its end
            return along >= -tol and -across <= longer
        if any(tall):
            return across >= -tol and -along <= longer
        return across >= -tol and along >= -tol  # two other regions meet at a corner

    return all(_sides(b, bound) for b in boxes) and all(
        any(beside(a, b) for b in boxes if b is not a) for a in boxes
    )


def step_rectangles(layer: np.ndarray, found: Sequence[Outline] | None = None) -> np.ndarray:
    """The paper-step layer with regions that lie along the sides of one rectangle filled to it.

    Each rectangle of `outlines` (or of `found`, when the caller has them) is painted with
    its strength (never lowered): a patch of other paper is the whole rectangle, not its
    edges.

    Parameters
    ----------
    layer : (H, W) float array in [0, 1]
        The paper-step method's map on the fused grid (its regions painted with their
        strength).
    found : sequence of Outline, optional
        ``outlines(layer)``, when already computed.

    Returns
    -------
    (H, W) float array
        `layer`, with each closed rectangle painted.

    """
    out = layer.copy()
    for (x0, y0, x1, y1), value, _ in outlines(layer) if found is None else found:
        out[y0:y1, x0:x1] = np.maximum(out[y0:y1, x0:x1], np.float32(value))
    return out


def outlines(layer: np.ndarray) -> list[Outline]:
    """Rectangles whose sides the paper-step regions of `layer` run along.

    Regions are taken strongest first; each gathers the others with which it still lies along
    the sides of their common bounding box (`_closes`). A group of two or more regions that
    covers at least two sides of that box is the outline of one pasted patch. The strips left
    over (regions `STRIP` times as long as they are thick) are then gathered again, nearest
    first, without asking that they meet: a patch whose edges were found in pieces that reach
    no corner (a piece of its top, a piece of each side, its bottom) still closes when the
    strips lie along `SIDES_APART` or more sides of their common bounding box, which takes
    both a strip along a row and one along a column (`_outline`). Each rectangle's strength
    combines its regions' as the page score combines methods (a noisy-OR: each side is a
    measurement of its own, and sides that agree add up). Boxes are (x0, y0, x1, y1) on the
    grid of `layer`. The first gathering also closes a patch's two facing sides alone (its
    top and bottom, no farther apart than they are long): such an outline's `sides` are
    parallel (`Outline.rows_and_columns` is false).
    """
    count, found_labels, stats, _ = cv2.connectedComponentsWithStats(
        (layer > 0).astype(np.uint8), connectivity=8
    )
    if count < 3:
        return []
    labels = np.asarray(found_labels, dtype=np.int32)
    strongest = np.zeros(count, dtype=np.float32)
    np.maximum.at(strongest, labels, layer)
    boxes: dict[int, Rect] = {
        i: (int(x), int(y), int(x + w), int(y + h)) for i, (x, y, w, h, _) in enumerate(stats)
    }
    order = sorted(range(1, count), key=lambda i: -strongest[i])
    used: set[int] = set()
    found: list[Outline] = []

    def take(group: list[int]) -> None:
        used.update(group)
        value = 1.0 - float(np.prod([1.0 - float(strongest[i]) for i in group]))
        rects = [boxes[i] for i in group]
        bound = _bound(rects)
        sides = frozenset().union(*(_sides(r, bound) for r in rects))
        found.append(Outline(bound, value, sides))

    for seed in order:
        if seed in used:
            continue
        group = [seed]
        for other in order:
            fresh = other not in used and other not in group
            if fresh and _closes([boxes[i] for i in (*group, other)]):
                group.append(other)
        rects = [boxes[i] for i in group]
        covered = set().union(*(_sides(r, _bound(rects)) for r in rects))
        if len(group) >= 2 and len(covered) >= 2:
            take(group)
    strips = [i for i in order if i not in used and _is_strip(boxes[i])]
    for seed in strips:
        if seed in used:
            continue
        group = _outline(seed, [i for i in strips if i not in used], boxes)
        if group:
            take(group)
    return found


def _bound(rects: Sequence[Rect]) -> Rect:
    """The common bounding box of `rects`."""
    return (
        min(r[0] for r in rects),
        min(r[1] for r in rects),
        max(r[2] for r in rects),
        max(r[3] for r in rects),
    )


def _is_strip(box: Rect) -> bool:
    """Whether a region is `STRIP` times as long as it is thick (along a row or a column)."""
    w, h = box[2] - box[0], box[3] - box[1]
    return w >= STRIP * h or h >= STRIP * w


def _gap(a: Rect, b: Rect) -> int:
    """Distance between two boxes along the axis where they lie farther apart (0: overlap)."""
    return max(a[0] - b[2], b[0] - a[2], a[1] - b[3], b[1] - a[3], 0)


def _outline(seed: int, strips: Sequence[int], boxes: Mapping[int, Rect]) -> list[int]:
    """Strips gathered around `seed` that lie along `SIDES_APART` or more sides of one box.

    Starting from `seed`, the nearest strip that still leaves every gathered strip along a
    side of their common bounding box joins, until none does. A strip far away on one of
    the lines widens the box so that the others no longer lie along its sides, so it does
    not join. Returns the group when it lies along `SIDES_APART` sides, else an empty list.
    """
    group = [seed]
    left = [i for i in strips if i != seed]
    while left:
        bound = _bound([boxes[i] for i in group])
        joined = False
        for other in sorted(left, key=lambda i: _gap(bound, boxes[i])):
            rects = [boxes[i] for i in (*group, other)]
            box = _bound(rects)
            if all(_sides(r, box) for r in rects):
                group.append(other)
                left.remove(other)
                joined = True
                break
        if not joined:
            break
    rects = [boxes[i] for i in group]
    covered = set().union(*(_sides(r, _bound(rects)) for r in rects))
    return group if len(group) >= SIDES_APART and len(covered) >= SIDES_APART else []
