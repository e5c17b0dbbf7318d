"""The layout check's word rules against the exemplars, and a word in another ink than the type.

A line's comparison with an exemplar names a word of the line: its darkest or lightest word
(tone shift) or its sharpest word (edges, against the exemplar's line or, with none near it,
the exemplar's rows). Each rule here takes a line's comparisons and returns those that make
a finding. `judge_words` first leaves out the comparisons whose word is in a pen's or a
stamp's coloured ink: set against the exemplars' type, such a word looked like a word printed
lighter or sharper (a genuine letter with a note in blue ink warned). Used by `exemplars`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from workbench.context import Context
from workbench.imaging.layout.ink_colour import (
    InkColour,
    in_register,
    ink_colour,
    type_chroma,
)
from workbench.imaging.layout.word_shape import BODY_SHARPER_LIMIT, SHARPER_LIMIT
from workbench.imaging.layout.word_tone import WordTone, shift_share
from workbench.imaging.lines import rotate_box_back

from .line_findings import agreed, shift_agrees
from .lines import PageLines

Rows = list[dict[str, Any]]


def tone_shifted(rows: Rows, left_out: int, *, letterhead: bool, compared: int) -> Rows:
    """The comparisons by which a line's extreme word is darker (or lighter) than the exemplars'.

    In one direction, against two exemplars at least: every exemplar the line could be
    compared with, or all but one of three or more (one exemplar scanned or printed apart
    from the others is not the issuer's print; see `shift_agrees`). A letterhead line
    (`letterhead`) only against every exemplar the page's lines were compared with
    (`compared`, less the `left_out` comparisons whose word is in another ink).
    """
    hits = [r for r in rows if r["tone_shift"]["direction"] is not None]
    directions = {h["tone_shift"]["direction"] for h in hits}
    if len(directions) != 1:
        return []
    (direction,) = directions
    if letterhead:
        enough = len(hits) >= 2 and len(hits) == compared - left_out
    else:
        enough = shift_agrees(
            [shift_share(r["tone_shift"][direction], r["tone_shift"]["contrast"]) for r in rows]
        )
    return hits if enough else []


def shift_stands_out(row: dict[str, Any]) -> bool:
    """Whether one comparison's extreme word goes beyond the exemplar's (`tone_shifted`)."""
    return row["tone_shift"]["direction"] is not None


def edges_sharper(rows: Rows, left_out: int = 0) -> Rows:
    """The comparisons by which a line's sharpest word is sharper than the exemplars' allow.

    Edges are another observation than tone: judged on their own, against every exemplar
    the line could be compared with, two at least (`agreed`).
    """
    hits = [r for r in rows if r["sharper"] >= SHARPER_LIMIT]
    placed = sum(1 for r in rows if r["match"] == "place")
    return hits if agreed(hits, len(rows), placed) else []


def sharper_stands_out(row: dict[str, Any]) -> bool:
    """Whether one comparison's sharpest word goes beyond the limit (`edges_sharper`)."""
    return bool(row["sharper"] >= SHARPER_LIMIT)


def body_sharper_than_rows(rows: Rows, left_out: int = 0) -> Rows:
    """The comparisons by which a line with nothing near it stands out from its own line.

    Against the text rows of the exemplars with nothing near the line: every one of them,
    two at least.
    """
    hits = [r for r in rows if r["body_sharper"] >= BODY_SHARPER_LIMIT]
    return hits if len(hits) >= 2 and len(hits) == len(rows) else []


def body_stands_out(row: dict[str, Any]) -> bool:
    """Whether one comparison's line stands out against an exemplar's rows."""
    return bool(row["body_sharper"] >= BODY_SHARPER_LIMIT)


def judge_words(
    rows: Rows,
    key: str,
    rule: Callable[[Rows, int], Rows],
    stands_out: Callable[[dict[str, Any]], bool],
    other_ink: Callable[[WordTone], InkColour | None],
) -> tuple[Rows, int, Rows]:
    """A word rule on a line's comparisons, leaving out those whose word is in another ink.

    `rows` are the line's comparisons with the exemplars, `key` names each one's word and
    `rule` returns the comparisons that make a finding (none when the line does not stand
    out), given how many were left out; `stands_out` tells one comparison that could count
    (without one, nothing is read). Each comparison names its own word, and another
    exemplar's may be another word of the line: only the comparisons whose word is in a
    pen's or a stamp's coloured ink (`other_ink`) are left out, before the rule counts its
    exemplars, and only when the rule is met with all of them (leaving some out never makes
    a finding). Returns the rule's
    hits among the others, how many others there were, and, when the rule is met only with
    the comparisons left out, those comparisons (each with its word's `ink_colour`), for a
    notice of their own: a number printed or typed in dark blue ink, or a black one under a
    stamp's ring, is not set against the exemplars' type, but not passed over either.
    """
    met = rule(rows, 0)
    if not met or not any(stands_out(r) for r in rows):
        # Leaving comparisons out may only take a finding away, never make one: a row names
        # the word its direction picks, which need not be the word its vote is about.
        return met, len(rows), []
    colours = [None if r[key] is None else other_ink(r[key]) for r in rows]
    if all(c is None for c in colours):
        return met, len(rows), []
    kept = [r for r, c in zip(rows, colours, strict=True) if c is None]
    hits = rule(kept, len(rows) - len(kept)) if kept else []
    if hits:
        return hits, len(kept), []
    inked = [dict(r, ink_colour=c) for r, c in zip(rows, colours, strict=True) if c is not None]
    return [], len(kept), inked


def other_ink_judge(context: Context, qlines: PageLines) -> Callable[[WordTone], InkColour | None]:
    """A word of page 1's ink colour when it is a pen's or a stamp's ink, not the type's.

    A note written in blue ink across a letter's margin scans lighter than the type; set
    against the exemplars' type it looked like a word printed lighter (a genuine letter with
    such a note warned). Returns None for a word in the type's ink, or on a grey scan; the
    colour page is read only when a word is about to be judged.
    """
    state: dict[str, Any] = {}

    def judge(word: WordTone) -> InkColour | None:
        if "rgb" not in state:
            boxes = [qlines.page_box(m) for m in qlines.lines]
            state["rgb"] = in_register(np.asarray(context.page_image(0)), boxes)
            state["type"] = type_chroma(state["rgb"], boxes)
        if state["type"] is None:
            return None
        box = rotate_box_back(word.box, qlines.angle, qlines.shape)
        colour = ink_colour(state["rgb"], box, state["type"])
        return colour if colour is not None and colour.coloured else None

    return judge
