"""A page's text lines as the layout check measures them: ink, deskewed, segmented, measured.

One home for the measured lines of a page, shared by the line-consistency part of the layout
check and its comparison with exemplars (which measures the exemplars' lines the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.imaging.layout.template import ink_mask
from workbench.imaging.layout.word_tone import LineTones, dot_rows, line_tones
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
    # A segment inside another line's box is that line's row of dots: no words of its own.
    dots = dict(zip((m.index for m in lines), dot_rows([m.box for m in lines]), strict=True))
    if decoded is None:
        tones = tuple(line_tones(page, angle, straight, m, dots[m.index]) for m in lines)
        return PageLines(angle, tuple(lines), shape, tones=tones)
    kept = [m for m in lines if box_decoded(decoded, rotate_box_back(m.box, angle, shape))]
    tones = tuple(line_tones(page, angle, straight, m, dots[m.index]) for m in kept)
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


#: How far (in the questioned line's own box heights, centre to centre) the text row of an
#: exemplar may lie from a questioned line that has no line at the same place there, for the
#: two to be compared (`nearest_row`).
ROW_REACH = 1.0
#: Segments of a page whose boxes share this share of the lower one's height lie on one row.
ROW_OVERLAP = 0.5


@dataclass(frozen=True)
class TextRow:
    """The segments of one text row of a page, joined: its words, wherever the row breaks.

    The line segmentation bridges gaps of up to 2.5% of the page's width, so a justified body
    line, or a line whose number was erased and typed again narrower, breaks into segments
    that differ from letter to letter with the text: a segment then overlaps no line of an
    exemplar by half, though the exemplar has a text row at the same height.
    """

    lines: tuple[LineMetrics, ...]
    box: tuple[int, int, int, int]  # union of the segments' boxes on the page as decoded
    tones: LineTones  # every measured word of the row's segments

    @property
    def stroke_width(self) -> float:
        """The median stroke width of the row's segments (its type's weight)."""
        return float(np.median([m.stroke_width for m in self.lines]))

    @property
    def ink_height(self) -> float:
        """The median ink height of the row's segments (its type's size)."""
        return float(np.median([m.ink_height for m in self.lines]))


def text_rows(page: PageLines) -> list[TextRow]:
    """The page's lines grouped into text rows (segments sharing half their height)."""
    tones = {t.line: t for t in page.tones}
    rows: list[list[LineMetrics]] = []
    for line in sorted(page.lines, key=lambda m: m.box[1]):
        _, y, _, h = line.box
        for row in rows:
            top = min(m.box[1] for m in row)
            bottom = max(m.box[1] + m.box[3] for m in row)
            shared = min(bottom, y + h) - max(top, y)
            if shared >= ROW_OVERLAP * min(h, bottom - top):
                row.append(line)
                break
        else:
            rows.append([line])
    out = []
    for row in rows:
        row.sort(key=lambda m: m.box[0])
        boxes = [page.page_box(m) for m in row]
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1 = max(b[0] + b[2] for b in boxes)
        y1 = max(b[1] + b[3] for b in boxes)
        measured = [tones[m.index] for m in row if m.index in tones]
        words = tuple(w for t in measured for w in t.words)
        paper = float(np.median([t.paper for t in measured])) if measured else 255.0
        baseline = measured[0].baseline if measured else 0
        joined = LineTones(row[0].index, paper, words, baseline)
        out.append(TextRow(tuple(row), (x0, y0, x1 - x0, y1 - y0), joined))
    return out


def nearest_row(box: tuple[int, int, int, int], rows: list[TextRow]) -> TextRow | None:
    """The text row nearest `box` (a questioned line in the exemplar's frame), if near enough.

    A row counts when it spans some of the line's columns and its centre lies within
    `ROW_REACH` of the line's box heights of the line's centre: the same row of the
    template, broken otherwise, or the body's next row where the letters' texts differ in
    length.
    """
    x, y, w, h = box
    centre = y + h / 2
    best, best_distance = None, ROW_REACH * h
    for row in rows:
        rx, ry, rw, rh = row.box
        if min(x + w, rx + rw) <= max(x, rx):
            continue
        distance = abs(ry + rh / 2 - centre)
        if distance <= best_distance:
            best, best_distance = row, distance
    return best
