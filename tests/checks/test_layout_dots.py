"""A row of a line's dots, segmented apart from its letters, is not measured as words of its own.

A letter of the dev generator (``benchmarks/forensic_corpus.py``, made at index 408, which the
dev split does not hold) whose body line holds a word with the three dots of "sh" and the two
of "t" set apart from their letters by a row of paper: the line segmentation makes of those
dots a segment a few pixels high inside the line's box. Each cluster of dots read about 30
grey levels lighter than the line's words (nearly all its ink is edge) and was taken, against
three genuine letters of the template, for a word printed lighter than the exemplars' same
line. The untouched letter gets no warning, and the dots are no line's extreme word.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from workbench_checks.layout.lines import page_lines

from tests.checks.conftest import TemplateLetters
from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench import analyze
from workbench.imaging.layout.word_tone import DOT_ROW_HEIGHT, dot_rows
from workbench.model import Severity

pytestmark = [NEEDS_DEV_FONTS, pytest.mark.slow]


@pytest.fixture(scope="module")
def letter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dots")
    entry = fc.make_entry("dev", 408, "none", "letter", 0, folder)
    return folder / entry.path


def test_a_row_of_dots_inside_a_line_has_no_words(letter: Path) -> None:
    lines = page_lines(np.asarray(Image.open(letter).convert("L")))
    inner = dot_rows([m.box for m in lines.lines])
    dots = [m for m, d in zip(lines.lines, inner, strict=True) if d]
    assert dots  # the page does hold such a segment
    tones = {t.line: t for t in lines.tones}
    for m in dots:
        host = max(
            (o for o in lines.lines if o is not m and o.box[1] <= m.box[1] <= o.box[1] + o.box[3]),
            key=lambda o: o.box[2] * o.box[3],
        )
        assert m.ink_height < 0.5 * host.ink_height  # dots, not a line of type
        assert tones[m.index].words == ()
    # Every measured word of the page is a word of type: no cluster of dots among them.
    heights = [m.ink_height for m in lines.lines]
    for t in lines.tones:
        line = next(m for m in lines.lines if m.index == t.line)
        assert not t.words or line.ink_height >= 0.5 * float(np.median(heights))


def test_a_line_of_type_inside_a_taller_segment_keeps_its_words(letter: Path) -> None:
    """A typed name under a signature whose strokes span it is no row of dots.

    The page's own line boxes: each line of type, inside the box of a segment twice its
    height around it (as a signature drawn across the name makes), is not taken for dots,
    while the page's real dot rows still are.
    """
    lines = page_lines(np.asarray(Image.open(letter).convert("L")))
    boxes = [m.box for m in lines.lines]
    inner = dot_rows(boxes)
    typed = [b for b, d in zip(boxes, inner, strict=True) if not d and b[3] >= 20]
    assert typed
    for x, y, w, h in typed:
        signature = (x - h, y - h // 2, w + 2 * h, 2 * h)
        assert dot_rows([(x, y, w, h), signature]) == [False, False]
    # The dot rows are a third of their line's height or less: still found beside the change.
    dots = [b for b, d in zip(boxes, inner, strict=True) if d]
    assert dots
    for _, y, w, h in dots:
        host = max(
            (o for o in boxes if o[1] <= y and y + h <= o[1] + o[3] and o[2] * o[3] > w * h),
            key=lambda o: o[2] * o[3],
        )
        assert h <= DOT_ROW_HEIGHT * host[3]


def test_the_untouched_letter_gets_no_warning_against_the_exemplars(
    letter: Path, template_letters: TemplateLetters
) -> None:
    report = analyze(letter, references=template_letters.exemplars, only=["layout"], out=None)
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    assert not [f for f in report.findings if f.code == "layout.word_tone"]
    # No line's lightest word is a dot row's: every compared line's extreme words are words.
    dots = {
        m["index"]
        for m in report.results["layout"]["pages"][0]["lines"]
        if m["ink_height"] < 20  # the dot row is 11 pixels of ink high, the body's lines 40
    }
    assert dots
    for comparison in report.results["layout"]["comparisons"]:
        for row in comparison["lines"]:
            if row["line"] in dots:
                assert row["tone_shift"] is None
