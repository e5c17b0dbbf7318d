"""Text copy-move on rendered, scanned letter pages: a copied word is found, repeats are not."""

from __future__ import annotations

import numpy as np

from tests.support.forensic_fixtures import copy_word, jpeg, letter_page, overlaps
from tests.support.text_pages import LETTER_LINES, render_page
from workbench.geometry import Box
from workbench.imaging.forensic.textclone import text_clone_map, text_clones
from workbench.imaging.words import find_words


def _box(b: Box) -> tuple[int, int, int, int]:
    return (b.x, b.y, b.width, b.height)


def test_untouched_letter_has_no_copied_words() -> None:
    page = jpeg(letter_page(seed=3).image, 90)
    scan = text_clones(page)
    assert scan.pairs > 5  # the page repeats words, and they were compared
    assert scan.floor > 0.5  # its paper carries noise to compare
    assert scan.clones == []


def test_copied_word_is_found_at_both_places_after_jpeg() -> None:
    page = letter_page(seed=3).image
    words = [w for w in find_words(page).words if w.box.width > 60]
    source = _box(words[10].box)
    edited, target = copy_word(page, source, (300, 1000))
    scan = text_clones(jpeg(edited, 90))
    assert scan.clones, "the copied word was not found"
    best = scan.clones[0]
    assert best.strength >= 0.5 and best.ratio < 0.4
    ends = {_box(best.source), _box(best.target)}
    assert any(overlaps(b, source) for b in ends) and any(overlaps(b, target) for b in ends)
    heat = text_clone_map(page.shape, scan.clones)
    assert heat[target[1] + 5, target[0] + 5] >= 0.5 and heat[1500, 600] == 0


def test_copy_after_low_quality_saves_stands_out_from_the_pages_own_pairs() -> None:
    # Saved at quality 60, the word copied 3 px off the 8 x 8 grid, saved again at 75: the
    # copy's two ends no longer share all their noise (their JPEG errors differ), so against
    # the paper floor alone it is near the limit; against the page's closest other pair of
    # words (two separate prints) it is still far closer.
    page = letter_page(seed=3).image
    words = [w for w in find_words(page).words if w.box.width > 60]
    source = _box(words[10].box)
    edited, target = copy_word(jpeg(page, 60), source, (301, 1003))
    scan = text_clones(jpeg(edited, 75))
    assert scan.clones, "the copied word was not found"
    best = scan.clones[0]
    assert best.ratio > 0.5  # the floor alone would make this at most a weak notice
    assert best.next_difference is not None and best.next_difference > 2 * best.difference
    assert best.strength >= 0.5
    ends = {_box(best.source), _box(best.target)}
    assert any(overlaps(b, source) for b in ends) and any(overlaps(b, target) for b in ends)
    untouched = text_clones(jpeg(jpeg(page, 60), 75))
    assert untouched.pairs > 5 and untouched.clones == []


def test_noise_free_page_gives_no_verdict() -> None:
    # Rendered without print or scan: every repeat of a word is identical to the pixel.
    lines = [*LETTER_LINES, *LETTER_LINES]
    page = np.asarray(render_page(lines).convert("L"))
    scan = text_clones(page)
    assert scan.clones == []
    assert scan.note is not None and "noise-free" in scan.note
