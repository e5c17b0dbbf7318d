"""A page's text lines as the layout check measures them: ink, deskewed, segmented, measured.

One home for the measured lines of a page, shared by the line-consistency part of the layout
check and its comparison with exemplars (which measures the exemplars' lines the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.imaging.layout.template import ink_mask
from workbench.imaging.layout.word_tone import LineTones, line_tones
from workbench.imaging.lines import (
    LineMetrics,
    deskew_angle,
    measure_lines,
    rotate,
    rotate_box_back,
    segment_lines,
)
from workbench.loading.fill import box_decoded
from workbench.model import Region


@dataclass(frozen=True)
class PageLines:
    """The measured lines of one page, in the page's own pixels."""

    angle: float
    lines: tuple[LineMetrics, ...]  # boxes on the deskewed page
    shape: tuple[int, int]
    #: Lines left out for touching the decoder's fill (a partly decoded page), else None.
    left_at_fill: int | None = None
    #: The ink tone of each kept line's words (`word_tone.line_tones`).
    tones: tuple[LineTones, ...] = ()

    def page_box(self, line: LineMetrics) -> tuple[int, int, int, int]:
        """The line's box on the page as decoded (undoing the deskew)."""
        return rotate_box_back(line.box, self.angle, self.shape)


def page_lines(gray: np.ndarray, decoded: np.ndarray | None = None) -> PageLines:
    """The page's lines: ink, deskewed, segmented and measured.

    At most two page-sized masks are alive at once (the ink and its rotation, read as bool
    without a copy: the rotation of a 0/1 page by nearest neighbour is 0/1), so that a
    100-megapixel page costs a few hundred MB here, not a gigabyte. On a partly decoded
    page (`decoded`, see `Context.decoded_pixels`) only the decoded pixels are read, and a
    line touching the fill (cut by it) is left out. The ink tone of each line's words is
    measured while the deskewed ink is at hand.
    """
    ink = ink_mask(gray, decoded)
    angle = deskew_angle(ink)
    straight = rotate(ink.view(np.uint8), angle).view(bool)
    del ink  # the rotated copy replaces it (or is it, at angle 0)
    lines = measure_lines(straight, segment_lines(straight))
    shape = (int(gray.shape[0]), int(gray.shape[1]))
    page = np.ascontiguousarray(gray, dtype=np.uint8)
    if decoded is None:
        tones = tuple(line_tones(page, angle, straight, m) for m in lines)
        return PageLines(angle, tuple(lines), shape, tones=tones)
    kept = [m for m in lines if box_decoded(decoded, rotate_box_back(m.box, angle, shape))]
    tones = tuple(line_tones(page, angle, straight, m) for m in kept)
    return PageLines(angle, tuple(kept), shape, left_at_fill=len(lines) - len(kept), tones=tones)


def box_region(box: tuple[int, int, int, int], label: str, score: float | None = None) -> Region:
    """A region of a finding from an (x, y, w, h) box, with an optional score."""
    x, y, w, h = box
    return Region(
        int(x),
        int(y),
        int(w),
        int(h),
        label=label,
        score=None if score is None else round(float(score), 4),
    )
