"""A stroke's width is the same on every call, wherever its buffers land in memory."""

from __future__ import annotations

import numpy as np

from tests.support.scanned import scanned_letter
from workbench.imaging.aligned import ALIGNMENT, aligned_empty
from workbench.imaging.forensic.ela import gradient_block_mean
from workbench.imaging.lines import stroke_width
from workbench.imaging.words import find_words


def test_aligned_arrays_start_on_the_boundary() -> None:
    for shape in ((1,), (37, 41), (3, 5, 7)):
        array = aligned_empty(shape, np.float32)
        assert array.shape == shape and array.flags.c_contiguous
        assert array.ctypes.data % ALIGNMENT == 0


def test_stroke_widths_of_a_pages_words_do_not_depend_on_memory() -> None:
    # Every word of a scanned letter, measured again after allocations that move where the
    # next buffers land: OpenCV's precise distance transform rounded differently with its
    # output's alignment, and changed a word's ridge and so its width.
    page = find_words(np.asarray(scanned_letter(seed=3).convert("L")))
    inks = [
        page.ink[w.box.y : w.box.y + w.box.height, w.box.x : w.box.x + w.box.width]
        for w in page.words
    ]
    first = [stroke_width(np.ascontiguousarray(ink)) for ink in inks]
    rng = np.random.default_rng(0)
    for _ in range(5):
        spacers = [np.empty(int(n), np.uint8) for n in rng.integers(1, 64, 8)]
        assert [stroke_width(ink.copy()) for ink in inks] == first
        del spacers


def test_a_pages_gradient_map_does_not_depend_on_memory() -> None:
    # The error-level method's edge map of a 300-dpi scanned letter, from copies of the page
    # placed at sixteen offsets in memory: OpenCV's float32 Sobel and magnitude rounded a row's
    # ends differently with their buffers' alignment (four versions of this page's map).
    gray = np.asarray(scanned_letter(width=2480, height=3508, seed=3).convert("L"))
    maps = set()
    for offset in range(0, 64, 4):
        raw = np.empty(gray.size + 64, np.uint8)
        moved = raw[offset : offset + gray.size].reshape(gray.shape)
        moved[:] = gray
        maps.add(gradient_block_mean(moved).tobytes())
    assert len(maps) == 1
