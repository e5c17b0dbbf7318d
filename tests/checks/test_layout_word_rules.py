"""The layout check's word rules judge each comparison's own word for another ink.

A line compared with three exemplars names, per exemplar, its own sharpest (or extreme)
word; two exemplars may name a black number retyped into the line and the third a word under
a stamp's blue ring. Only the comparison whose word is in the stamp's ink is left out, and the
number is still reported; a line whose every comparison names a word in another ink gets a
notice with those comparisons rather than a finding or nothing.
"""

from __future__ import annotations

from typing import Any

from workbench_checks.layout.word_rules import edges_sharper, judge_words, sharper_stands_out

from workbench.imaging.layout.ink_colour import InkColour
from workbench.imaging.layout.word_shape import SHARPER_LIMIT
from workbench.imaging.layout.word_tone import WordTone

NUMBER = WordTone(box=(900, 600, 120, 40), tone=60.0, stroke=3.0)
STAMPED = WordTone(box=(400, 600, 90, 40), tone=110.0, stroke=3.0)
STAMP_INK = InkColour(share=0.6, coherence=0.99)


def _in_stamp_ink(word: WordTone) -> InkColour | None:
    return STAMP_INK if word == STAMPED else None


def _row(word: WordTone, sharper: float) -> dict[str, Any]:
    return {"sharpest_word": word, "sharper": sharper, "match": "place"}


def test_only_the_comparison_whose_word_is_in_another_ink_is_left_out() -> None:
    steep = SHARPER_LIMIT + 0.2
    rows = [_row(STAMPED, steep), _row(NUMBER, steep), _row(NUMBER, steep)]
    hits, seen, inked = judge_words(
        rows, "sharpest_word", edges_sharper, sharper_stands_out, _in_stamp_ink
    )
    assert [h["sharpest_word"] for h in hits] == [NUMBER, NUMBER]
    assert seen == 2 and inked == []


def test_a_line_met_only_by_words_in_another_ink_gets_their_comparisons() -> None:
    steep = SHARPER_LIMIT + 0.2
    rows = [_row(STAMPED, steep), _row(STAMPED, steep), _row(STAMPED, steep)]
    hits, _, inked = judge_words(
        rows, "sharpest_word", edges_sharper, sharper_stands_out, _in_stamp_ink
    )
    assert hits == [] and len(inked) == 3
    assert all(r["ink_colour"] == STAMP_INK for r in inked)


def test_words_in_the_types_ink_are_judged_as_before() -> None:
    steep = SHARPER_LIMIT + 0.2
    rows = [_row(NUMBER, steep), _row(NUMBER, steep), _row(NUMBER, 1.0)]
    assert judge_words(rows, "sharpest_word", edges_sharper, sharper_stands_out, _in_stamp_ink)[
        0
    ] == edges_sharper(rows)
    # Nothing stands out: the page's colour is not even read.
    calm = [_row(STAMPED, 1.0), _row(NUMBER, 1.0)]

    def unread(word: WordTone) -> InkColour | None:
        raise AssertionError("the colour page was read")

    assert judge_words(calm, "sharpest_word", edges_sharper, sharper_stands_out, unread)[0] == []


def test_leaving_a_comparison_out_never_makes_a_finding() -> None:
    # A tone row names the line's darkest word (here a signature in blue ink) while its vote
    # may be about the lightest word's step: three exemplars at 1.2, 1.11 and 0.49 of the
    # limit do not make a finding together, and dropping the signature's rows must not
    # leave two that do.
    from functools import partial

    from workbench_checks.layout.word_rules import shift_stands_out, tone_shifted

    from workbench.imaging.layout.word_tone import ToneShift

    light = WordTone(box=(900, 600, 120, 40), tone=150.0, stroke=3.0)
    sign = WordTone(box=(300, 600, 200, 60), tone=40.0, stroke=3.0)

    def row(lighter: float) -> dict[str, Any]:
        shift = ToneShift(darker=0.0, lighter=lighter, contrast=150.0, darkest=sign, lightest=light)
        return {"tone_shift": shift.to_dict(), "shifted_word": shift.word, "match": "place"}

    rows = [row(27.0), row(25.0), row(11.0)]
    rule = partial(tone_shifted, letterhead=False, compared=3)
    assert rule(rows, 0) == []
    hits, _, inked = judge_words(
        rows,
        "shifted_word",
        rule,
        shift_stands_out,
        lambda w: STAMP_INK if w == sign else None,
    )
    assert hits == [] and inked == []
