"""Words in a table's cells, and a number retyped in one, on a rendered and scanned table page.

The page comes from the independent corpus's generator (``benchmarks/forensic_corpus.py``): a
ruled table in the dev split's fonts, printed and scanned at 300 dpi.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from workbench.imaging.forensic.glyphs import glyph_consistency
from workbench.imaging.words import find_words, ruled_lines

pytestmark = NEEDS_DEV_FONTS

#: Strength from which the check reports a trace at all (`findings.TRACE_NOTICE`).
NOTICE = 0.3


@pytest.fixture(scope="module")
def table() -> fc.Scanned:
    return fc._page("table", "dev", fc.CHAINS["dev"][0], seed=5, template=0)


def _gray(img: np.ndarray) -> np.ndarray:
    return img if img.ndim == 2 else np.asarray(img.mean(axis=2), np.uint8)


def _inside(box: tuple[int, int, int, int], x: int, y: int) -> bool:
    x0, y0, x1, y1 = box
    return x0 <= x <= x1 and y0 <= y <= y1


def test_words_touching_the_grid_are_found(table: fc.Scanned) -> None:
    gray = _gray(table.image)
    page = find_words(gray)
    # The grid's rules are found as rules, and the numbers in the cells as words of their own.
    assert ruled_lines(page.ink, page.glyph_height).sum() > 0.1 * page.ink.sum()
    centres = [(w.box.x + w.box.width // 2, w.box.y + w.box.height // 2) for w in page.words]
    numbers = [fc.moved(box, table.skew, gray.shape, pad=4) for box, _, _ in table.page.numbers]
    assert numbers
    found = sum(any(_inside(n, x, y) for x, y in centres) for n in numbers)
    assert found >= 0.8 * len(numbers)
    assert max(w.box.height for w in page.words) < 4 * page.glyph_height


def test_untouched_table_has_nothing_above_notice(table: fc.Scanned) -> None:
    scan = glyph_consistency(_gray(table.image))
    assert len(scan.words) > 60
    assert max((o.strength for o in scan.outliers), default=0.0) < NOTICE


def test_number_retyped_in_a_cell_is_found_there(table: fc.Scanned) -> None:
    edited, boxes = fc.retyped_digits(
        table.image, table.page, "dev", fc.CHAINS["dev"][0], table.skew, np.random.default_rng(7)
    )
    scan = glyph_consistency(_gray(edited))
    assert scan.outliers, "the retyped number was not found"
    best = scan.outliers[0]
    assert best.strength >= 0.5
    (x0, y0, x1, y1) = boxes[0]
    b = best.box
    assert x0 - 4 <= b.x and b.x + b.width <= x1 + 4 and y0 - 4 <= b.y and b.y + b.height <= y1 + 4
