"""A body line with nothing near it in the exemplars, judged against their text rows.

Letters of the independent corpus's development split (``benchmarks/forensic_corpus.py``),
each compared with three genuine letters of its template. The amount of a body line was erased,
filled with paper cloned from nearby and typed again sharper than the page (its page 55); the
letter's text runs longer than two exemplars', so they have no line at the same place and no
text row within a line height of it. An untouched letter of the template (page 0) has body
lines in the same situation and gets no warning.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest
from PIL import Image
from workbench_checks.layout.lines import body_block, page_lines, text_rows

from tests.checks.conftest import TemplateLetters
from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench import analyze
from workbench.imaging.layout.word_shape import BODY_SHARPER_LIMIT, SHARPER_LIMIT
from workbench.model import Region, Severity

pytestmark = [NEEDS_DEV_FONTS, pytest.mark.slow]


def test_sharper_amount_in_a_longer_body_found_against_the_exemplars_body_text(
    tmp_path_factory: pytest.TempPathFactory, template_letters: TemplateLetters
) -> None:
    folder = tmp_path_factory.mktemp("dev-55")
    entry = fc.make_entry("dev", 55, "retyped-digits", "letter", 0, folder)
    assert entry.variant.startswith("sharper")
    report = analyze(
        folder / entry.path, references=template_letters.exemplars, only=["layout"], out=None
    )
    warnings = [f for f in report.findings if f.severity >= Severity.WARNING]
    assert [f.code for f in warnings] == ["layout.word_edges"]
    (hit,) = warnings
    ((x0, y0, x1, y1),) = entry.boxes
    word = hit.regions[0]
    assert word.label == "word"
    assert word.intersection(Region(x0, y0, x1 - x0, y1 - y0)) >= 0.5 * word.width * word.height
    figures = [h["body_sharper"] for h in hit.evidence["exemplars"]]
    assert len(figures) >= 2 and min(figures) >= BODY_SHARPER_LIMIT
    # Judged only against exemplars with no line or text row near it.
    line = hit.evidence["line"]["index"]
    matches = [
        r["match"]
        for c in report.results["layout"]["comparisons"]
        for r in c["lines"]
        if r["line"] == line
    ]
    assert matches.count("body") == len(figures)


def test_untouched_letter_s_body_lines_with_nothing_near_them_stay_below_the_limit(
    template_letters: TemplateLetters,
) -> None:
    report = template_letters.untouched_report
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    judged = [
        r["body_sharper"]
        for c in report.results["layout"]["comparisons"]
        for r in c["lines"]
        if r["match"] == "body"
    ]
    assert len(judged) >= 4
    assert max(judged) < BODY_SHARPER_LIMIT


def test_a_line_an_exemplar_s_same_line_shows_within_the_sharper_limit_is_not_judged(
    tmp_path_factory: pytest.TempPathFactory, template_letters: TemplateLetters
) -> None:
    """With the page itself among the exemplars, its line has a same-place line there.

    The copy (the same pixels, saved losslessly under another name) shows the sharpest word
    no sharper than its own line at the same place (the sharper rule's figure 1.0), which
    outweighs the two exemplars with nothing near the line: the body rule says nothing.
    """
    folder = tmp_path_factory.mktemp("dev-55-self")
    entry = fc.make_entry("dev", 55, "retyped-digits", "letter", 0, folder)
    copy = folder / "the-same-page.png"
    Image.open(folder / entry.path).save(copy)
    report = analyze(
        folder / entry.path,
        references=[*template_letters.exemplars, copy],
        only=["layout"],
        out=None,
    )
    ((x0, y0, x1, y1),) = entry.boxes
    edit = Region(x0, y0, x1 - x0, y1 - y0)
    rows = [r for c in report.results["layout"]["comparisons"] for r in c["lines"]]
    judged = {
        r["line"] for r in rows if r["match"] == "body" and r["body_sharper"] >= BODY_SHARPER_LIMIT
    }
    assert judged  # the body rule's figures still reach the limit against two exemplars
    for line in judged:
        assert any(
            r["line"] == line and r["match"] == "place" and r["sharper"] < SHARPER_LIMIT
            for r in rows
        )
    assert not [
        f
        for f in report.findings
        if f.code == "layout.word_edges"
        and "body_sharper" in str(f.evidence)
        and any(r.intersection(edit) > 0 for r in f.regions)
    ]


def test_a_handwritten_note_between_paragraphs_is_not_of_the_body_block(
    template_letters: TemplateLetters,
) -> None:
    """A referral note written in the gap between two paragraphs, larger than the type.

    Its segments are no row flush with the body's right edge: they are left out of the body
    block, whose lines stay those of the page without the note; against the exemplars the
    note is not judged by the body rule and the page gets no warning.
    """
    page = template_letters.folder / template_letters.untouched.path
    rgb = np.asarray(Image.open(page).convert("RGB")).copy()
    before = page_lines(np.asarray(Image.open(page).convert("L")))
    body_before = body_block(text_rows(before), before.shape[1])
    gap = sorted(before.lines, key=lambda m: m.box[1])
    # The widest vertical gap between two body lines: a paragraph's end.
    upper, lower = max(
        itertools.pairwise(gap),
        key=lambda p: (
            (p[1].box[1] - p[0].box[1] - p[0].box[3])
            if p[0].index in body_before and p[1].index in body_before
            else -1
        ),
    )
    baseline = (upper.box[1] + upper.box[3] + lower.box[1]) // 2 + 15
    left = min(m.box[0] for m in before.lines if m.index in body_before)
    cv2.putText(
        rgb,
        "Refer to Mr. Karimi",
        (left + 15, baseline),
        cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
        2.2,
        (40, 50, 120),
        5,
        cv2.LINE_AA,
    )
    noted = template_letters.folder / "with-a-note.png"
    Image.fromarray(rgb).save(noted)
    after = page_lines(np.asarray(Image.open(noted).convert("L")))
    body_after = body_block(text_rows(after), after.shape[1])
    note = [m for m in after.lines if upper.box[1] + upper.box[3] <= m.box[1] < lower.box[1]]
    assert note  # the note is segmented as lines of its own
    assert not {m.index for m in note} & body_after
    assert sorted(m.box[1] // 4 for m in after.lines if m.index in body_after) == sorted(
        m.box[1] // 4 for m in before.lines if m.index in body_before
    )
    report = analyze(noted, references=template_letters.exemplars, only=["layout"], out=None)
    assert not [f for f in report.findings if f.severity >= Severity.WARNING]
    rows = [r for c in report.results["layout"]["comparisons"] for r in c["lines"]]
    assert not [r for r in rows if r["match"] == "body" and r["line"] in {m.index for m in note}]
