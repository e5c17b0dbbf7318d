"""Each text line of the questioned page against the exemplar's line at the same place.

A line is paired with the exemplar line it overlaps most after registration; without one, with
the exemplar's nearest text row (by tone and edges only: the segments hold other texts); with
no row near it either, a line of the page's body block is set against the exemplar's whole
body text. Each comparison is a row of figures (size, tone range, tone shift, word pairs,
sharpest word) that `checks.layout.exemplars` judges against every exemplar; this module
measures only and decides nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from workbench.context import Context
from workbench.geometry import iou, overlap
from workbench.imaging.layout.registration import Registration, transform_box
from workbench.imaging.layout.word_shape import (
    Scale,
    body_edges,
    body_sharper,
    page_sharpness,
    sharper_step,
    word_pairs,
)
from workbench.imaging.layout.word_tone import (
    LineTones,
    line_tone,
    tone_range_differs,
    tone_shift,
    wider_tone_range,
)
from workbench.imaging.lines import LineMetrics, rotate_box_back
from workbench.loading import Document

from .line_findings import EXEMPLAR_LINE_LIMITS
from .lines import PageLines, TextRow, body_block, nearest_row, page_lines, text_rows


def against_body(tones: LineTones | None, body: float | None) -> float | None:
    """A line's `body_sharper` figure, rounded, or None.

    Recorded for every comparison; judged only where the exemplar has no line or row near the
    line.
    """
    figure = None if tones is None else body_sharper(tones, body)
    return None if figure is None else round(figure[0], 3)


def compare_lines(
    context: Context, ref: Document, reg: Registration, qlines: PageLines
) -> list[dict[str, Any]]:
    """Compare each questioned line with the exemplar line at the same place."""
    if reg.matrix is None:
        return []
    elines = context.cached(
        ("layout.lines", ref.sha256),
        lambda: page_lines(np.asarray(context.page_gray(0, document=ref))),
    )
    erows = context.cached(("layout.rows", ref.sha256), lambda: text_rows(elines))
    erow_tones = [r.tones for r in erows]
    pairs = []
    # A line with no line at the same place (a body line broken into other segments, or
    # further down where the letters' texts differ in length) is compared with the nearest
    # text row of the exemplar instead, by tone and edges only.
    row_pairs: list[tuple[LineMetrics, TextRow, TextRow, tuple[int, int, int, int]]] = []
    # With no text row near it either (a body line where the exemplar's text ran otherwise),
    # a line of the page's body block (`body_block`: not a margin note, a cc list or a
    # stamp) is set against the exemplar's text: its sharpest word against its own line's
    # other words, beside the highest such figure of any of the exemplar's text rows.
    body_lines: list[LineMetrics] = []
    q_rows = text_rows(qlines)
    q_row = {m.index: row for row in q_rows for m in row.lines}
    in_body = body_block(q_rows, qlines.shape[1])
    # A round stamp's lettering is not a row of the page's type (on the samples' letters it
    # is lighter than every text row beside it).
    stamps = [c.box() for c in context.page_seals(0)]
    for q in qlines.lines:
        qbox = transform_box(qlines.page_box(q), reg.matrix)
        best, best_iou = None, 0.0
        for e in elines.lines:
            score = iou(qbox, elines.page_box(e))
            if score > best_iou:
                best, best_iou = e, score
        if best is not None and best_iou >= 0.5:
            pairs.append((q, best, best_iou))
            continue
        if any(overlap(qlines.page_box(q), stamp) >= 0.5 for stamp in stamps):
            continue
        own = q_row[q.index]
        row = nearest_row(transform_box(own.box, reg.matrix), erows)
        if row is not None:
            row_pairs.append((q, own, row, qbox))
        elif q.index in in_body:
            body_lines.append(q)
    if len(pairs) < 4:
        return []
    ratios = {
        f: np.array([getattr(q, f) / max(getattr(e, f), 1e-6) for q, e, _ in pairs])
        for f in EXEMPLAR_LINE_LIMITS
    }
    usual = {f: float(np.median(v)) for f, v in ratios.items()}
    q_tones = {t.line: t for t in qlines.tones}
    e_tones = {t.line: t for t in elines.tones}
    # How much lighter the questioned page's lines are than the exemplar's, all together.
    differences = []
    for q, e, _ in pairs:
        qt, et = q_tones.get(q.index), e_tones.get(e.index)
        a, b = (None, None) if qt is None or et is None else (line_tone(qt), line_tone(et))
        if a is not None and b is not None:
            differences.append(a - b)
    page_shift = float(np.median(differences)) if len(differences) >= 4 else None
    q_sharp, e_sharp = page_sharpness(list(qlines.tones)), page_sharpness(list(elines.tones))
    scale = Scale(usual["ink_height"], usual["stroke_width"], q_sharp / max(e_sharp, 1e-9))
    matrix = reg.matrix

    def to_exemplar(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        return transform_box(rotate_box_back(box, qlines.angle, qlines.shape), matrix)

    body = context.cached(("layout.body_edges", ref.sha256), lambda: body_edges(erow_tones))

    def to_exemplar_page(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        return rotate_box_back(box, elines.angle, elines.shape)

    rows = []
    for i, (q, e, match_iou) in enumerate(pairs):
        rel = {f: round(float(ratios[f][i] / usual[f]), 3) for f in EXEMPLAR_LINE_LIMITS}
        different = any(abs(v - 1.0) >= EXEMPLAR_LINE_LIMITS[f] for f, v in rel.items())
        qt, et = q_tones.get(q.index), e_tones.get(e.index)
        step = None if qt is None or et is None else wider_tone_range(qt, et)
        shift = (
            None
            if qt is None or et is None or page_shift is None
            else tone_shift(qt, et, page_shift)
        )
        sharper = None if qt is None or et is None else sharper_step(qt, et, q_sharp, e_sharp)
        shapes = (
            []
            if qt is None or et is None
            else word_pairs(
                qt, et, (q.ink_height, e.ink_height), to_exemplar, to_exemplar_page, scale
            )
        )
        rows.append(
            {
                "line": q.index,
                "exemplar_line": e.index,
                "iou": round(match_iou, 3),
                "relative": rel,
                "different": different,
                "tone_step": None if step is None else round(step, 1),
                "tone_different": step is not None and tone_range_differs(step),
                "tone_shift": None if shift is None else shift.to_dict(),
                "shifted_word": None if shift is None else shift.word,
                "word_pairs": [p.to_dict() for p in shapes],
                "sharper": None if sharper is None else round(sharper[0], 3),
                "sharpest_word": None if sharper is None else sharper[1],
                "body_sharper": against_body(qt, body),
                "match": "place",
            }
        )
    for q, own, row, qbox in row_pairs:
        qt = q_tones.get(q.index)
        if qt is None:
            continue
        stroke_rel = own.stroke_width / max(row.stroke_width, 1e-6) / usual["stroke_width"]
        if abs(stroke_rel - 1.0) >= EXEMPLAR_LINE_LIMITS["stroke_width"]:
            # Another weight of type (a signature's name in bold against the body): not the
            # same kind of row, whatever its place.
            continue
        distance = abs(row.box[1] + row.box[3] / 2 - qbox[1] - qbox[3] / 2) / max(qbox[3], 1)
        step = wider_tone_range(qt, row.tones)
        shift = None if page_shift is None else tone_shift(qt, row.tones, page_shift)
        sharper = sharper_step(qt, row.tones, q_sharp, e_sharp)
        rows.append(
            {
                "line": q.index,
                "exemplar_line": row.lines[0].index,
                "iou": round(iou(qbox, row.box), 3),
                "row_distance": round(distance, 3),
                "row_stroke": round(stroke_rel, 3),
                # Segments of other texts: their sizes are not compared (`relative`).
                "relative": {},
                "different": False,
                "tone_step": None if step is None else round(step, 1),
                "tone_different": step is not None and tone_range_differs(step),
                "tone_shift": None if shift is None else shift.to_dict(),
                "shifted_word": None if shift is None else shift.word,
                "word_pairs": [],
                "sharper": None if sharper is None else round(sharper[0], 3),
                "sharpest_word": None if sharper is None else sharper[1],
                "body_sharper": against_body(qt, body),
                "match": "row",
            }
        )
    for q in body_lines:
        qt = q_tones.get(q.index)
        against = None if qt is None else body_sharper(qt, body)
        if against is None:
            continue
        rows.append(
            {
                "line": q.index,
                "exemplar_line": None,
                "relative": {},
                "different": False,
                "tone_step": None,
                "tone_different": False,
                "tone_shift": None,
                "shifted_word": None,
                "word_pairs": [],
                "sharper": None,
                "body_sharper": round(against[0], 3),
                "sharpest_word": against[1],
                "match": "body",
            }
        )
    return rows
