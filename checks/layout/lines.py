"""A page's text lines as the layout check measures them: ink, deskewed, segmented, measured.

One home for the measured lines of a page, shared by the line-consistency part of the layout
check and its comparison with exemplars (which measures the exemplars' lines the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.conventions import Convention
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


#: A text row is in the body's size of type when its ink height is within this fraction of the
#: median row's (`body_block`): a letter's body holds most of its rows.
BODY_SIZE = 0.2
#: A segment of a body row is of the body's type when its own ink height is within this
#: fraction of the median row's (`body_block`): the segments of three words or more of the
#: body rows of the dev split's 36 letters of the independent corpus were 0.75 to 1.35 of it.
BODY_SEGMENT_SIZE = 0.4
#: A text row is flush with the body's right edge (where a Persian or Arabic line starts, a
#: justified line ends) when its right end lies within this share of the page's width of the
#: body rows' median right end (`body_block`).
BODY_EDGE = 0.015


def body_block(rows: list[TextRow], width: int) -> set[int]:
    """The indices of the lines of a page's body block.

    A row is of the body when its type is the body's size (`BODY_SIZE`) and its right end is
    flush with the body's (`BODY_EDGE`), on the deskewed page; a segment of such a row is of
    the body when its own type is near the body's size (`BODY_SEGMENT_SIZE`) and it lies
    between the body's edges (the left one the lower quartile of the body rows' left ends: a
    justified body's full rows reach it, a paragraph's last row ends short of it). What is
    not (a handwritten referral note in the margin, a cc list in smaller type, a stamp, a
    signature's name set apart) is other ink than the typed body, whose words may differ
    from one another for reasons of their own.
    """
    if not rows:
        return set()
    size = max(float(np.median([r.ink_height for r in rows])), 1e-6)
    sized = [r for r in rows if abs(r.ink_height / size - 1.0) <= BODY_SIZE]
    if not sized:
        return set()
    ends = {id(r): max(m.box[0] + m.box[2] for m in r.lines) for r in sized}
    right = float(np.median(list(ends.values())))
    body = [r for r in sized if abs(ends[id(r)] - right) <= BODY_EDGE * width]
    if not body:
        return set()
    left = float(np.percentile([min(m.box[0] for m in r.lines) for r in body], 25))
    tolerance = BODY_EDGE * width
    return {
        m.index
        for r in body
        for m in r.lines
        if m.box[0] >= left - tolerance
        and m.box[0] + m.box[2] <= right + tolerance
        and abs(m.ink_height / size - 1.0) <= BODY_SEGMENT_SIZE
    }


#: The elements of a letter's convention printed with its stationery rather than with its text.
HEAD_ELEMENTS = ("letterhead", "heading")


def letterhead_lines(page: PageLines, convention: Convention) -> set[int]:
    """The indices of the lines whose centre lies in a zone of the letterhead or heading.

    The zones are the convention's (`HEAD_ELEMENTS`): the issuer's name and office at the head
    of the page, and the heading formula above them, which are printed with the stationery
    (or set in its heading type), not with the letter's text.
    """
    h, w = page.shape
    elements = [e for e in (convention.element(n) for n in HEAD_ELEMENTS) if e is not None]
    found = set()
    for m in page.lines:
        x, y, bw, bh = page.page_box(m)
        rx, ry = (x + bw / 2) / max(w, 1), (y + bh / 2) / max(h, 1)
        if any(e.zone_contains(rx, ry) for e in elements):
            found.add(m.index)
    return found
