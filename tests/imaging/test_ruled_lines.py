"""Ruled lines cut by the page's left or right edge are found as rules.

`words.ruled_lines` opens only the rows that can hold a rule; those rows give the pixels the
opening of the whole page gives, including a rule's run that the page's edge cuts (OpenCV's
erosion counts the pixels beyond the edge as ink, so such a run survives from about half the
opening's length).
"""

from __future__ import annotations

import cv2
import numpy as np

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench.imaging.words import RULE_ACROSS, RULE_DOWN, find_words, ruled_lines


def whole_page_opening(ink: np.ndarray, height: float) -> np.ndarray:
    """The rules as the opening of the whole page finds them (the reference)."""
    m = ink.astype(np.uint8)
    across = max(3, round(RULE_ACROSS * height))
    down = max(3, round(RULE_DOWN * height))
    flat = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((1, across), np.uint8))
    upright = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((down, 1), np.uint8))
    near = cv2.dilate(np.maximum(flat, upright), np.ones((3, 3), np.uint8))
    return np.asarray((near > 0) & (m > 0), dtype=bool)


def test_rules_cut_by_the_left_and_right_edges_are_found() -> None:
    # Rules 3 pixels thick from the left edge to x 200 and from x 820 to the right edge of a
    # 1000-pixel-wide page, glyphs 30 pixels high (the opening's run: 300 pixels).
    ink = np.zeros((400, 1000), bool)
    ink[100:103, 0:200] = True
    ink[200:203, 820:1000] = True
    ink[300:303, 400:600] = True  # inside the page and shorter than the run: no rule
    rules = ruled_lines(ink, 30.0)
    assert rules[100:103, 0:200].all() and rules[200:203, 820:1000].all()
    assert not rules[300:303].any()
    np.testing.assert_array_equal(rules, whole_page_opening(ink, 30.0))


def test_runs_at_the_edges_from_their_shortest_length() -> None:
    # Runs touching the left or right edge one pixel shorter than, and as long as, the
    # shortest the opening keeps there; and the same runs inside the page.
    height = 12.0  # the run: 120 pixels
    ink = np.zeros((80, 500), bool)
    for i, length in enumerate((59, 60, 61, 62)):
        ink[4 + 8 * i, :length] = True
        ink[40 + 8 * i, 500 - length :] = True
    ink[72, 100 : 100 + 119] = True
    ink[76, 100 : 100 + 120] = True
    np.testing.assert_array_equal(ruled_lines(ink, height), whole_page_opening(ink, height))
    assert ruled_lines(ink, height).any()


@NEEDS_DEV_FONTS
def test_a_table_cut_through_keeps_its_rules() -> None:
    # A rendered, scanned table page cut through its middle: its rules reach the cut edge.
    table = fc._page("table", "dev", fc.CHAINS["dev"][0], seed=5, template=0)
    gray = table.image if table.image.ndim == 2 else np.asarray(table.image.mean(axis=2), np.uint8)
    page = find_words(gray)
    half = np.ascontiguousarray(page.ink[:, : page.ink.shape[1] // 2])
    rules = ruled_lines(half, page.glyph_height)
    assert rules.sum() > 0.05 * half.sum()
    np.testing.assert_array_equal(rules, whole_page_opening(half, page.glyph_height))
