"""Axis-aligned boxes in page pixels: the one home of box arithmetic.

Every layer that places something on a page (OCR words, forensic regions, layout marks,
report regions, drawn overlays) measures it as ``x, y, width, height`` with the origin at the
top-left pixel. The helpers here accept either a `Box` or a plain ``(x, y, w, h)`` tuple, so
code that keeps tuples for speed (OCR words) and code that keeps boxes share one arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

XYWH = tuple[int, int, int, int]


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in page pixels, origin top-left, with the strength it was found at."""

    x: int
    y: int
    width: int
    height: int
    score: float = 0.0

    @property
    def area(self) -> int:
        """Pixels covered."""
        return self.width * self.height

    @property
    def xywh(self) -> XYWH:
        """The box as an ``(x, y, w, h)`` tuple."""
        return self.x, self.y, self.width, self.height

    @classmethod
    def from_xywh(cls, box: Sequence[int], score: float = 0.0) -> Box:
        """A box from any ``(x, y, w, h)`` sequence."""
        x, y, w, h = (int(v) for v in box)
        return cls(x, y, w, h, score)


def _xywh(box: Box | Sequence[int]) -> XYWH:
    if isinstance(box, Box):
        return box.xywh
    x, y, w, h = box
    return int(x), int(y), int(w), int(h)


def intersection(a: Box | Sequence[int], b: Box | Sequence[int]) -> int:
    """Pixels two boxes share (0 when they do not overlap)."""
    ax, ay, aw, ah = _xywh(a)
    bx, by, bw, bh = _xywh(b)
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    return max(w, 0) * max(h, 0)


def iou(a: Box | Sequence[int], b: Box | Sequence[int]) -> float:
    """Intersection over union of two boxes (0 for disjoint or empty boxes)."""
    inter = intersection(a, b)
    if inter == 0:
        return 0.0
    _, _, aw, ah = _xywh(a)
    _, _, bw, bh = _xywh(b)
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def overlap(a: Box | Sequence[int], b: Box | Sequence[int]) -> float:
    """Intersection as a fraction of the smaller box: 1 when one box lies inside the other."""
    _, _, aw, ah = _xywh(a)
    _, _, bw, bh = _xywh(b)
    return intersection(a, b) / max(min(aw * ah, bw * bh), 1)


def union_box(boxes: Iterable[Box | Sequence[int]]) -> XYWH:
    """The smallest ``(x, y, w, h)`` box containing every box (zeros when there are none)."""
    items = [_xywh(b) for b in boxes]
    if not items:
        return 0, 0, 0, 0
    x0 = min(b[0] for b in items)
    y0 = min(b[1] for b in items)
    x1 = max(b[0] + b[2] for b in items)
    y1 = max(b[1] + b[3] for b in items)
    return x0, y0, x1 - x0, y1 - y0
