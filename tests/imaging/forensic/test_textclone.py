"""Text copy-move on rendered, scanned letter pages: a copied word is found, repeats are not."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.support.forensic_fixtures import (
    NASKH,
    copy_word,
    jpeg,
    letter_page,
    overlaps,
    whitened,
)
from tests.support.text_pages import LETTER_LINES, render_page
from workbench.formats.jpeg import parse_jpeg
from workbench.geometry import Box
from workbench.imaging.forensic.textclone import (
    residual_difference,
    text_clone_map,
    text_clones,
    word_pairs,
)
from workbench.imaging.forensic.textclone_resave import (
    RESAVE_FULL,
    RESAVE_LIMIT,
    RESAVE_LIMIT_HIGH,
    copy_floor,
    copy_quality,
    resave_limits,
)
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


def test_copy_on_whitened_paper_is_found_against_a_simulated_copy() -> None:
    # Whitened paper says little about what two prints differ by (its floor is the JPEG's
    # own noise), so against the paper alone the copy is a weak notice; against what a copy
    # of the word saved once at the file's quality differs by, it is a copy.
    page = letter_page(seed=3).image
    words = [w for w in find_words(page).words if w.box.width > 60]
    source = _box(words[10].box)
    base = jpeg(whitened(page), 58)
    edited, target = copy_word(base, source, (301, 1003))
    saved = jpeg(edited, 78)
    on_paper = text_clones(saved)
    assert max((c.strength for c in on_paper.clones), default=0.0) < 0.5
    scan = text_clones(saved, quality=78)
    assert scan.clones, "the copied word was not found"
    best = scan.clones[0]
    assert best.strength >= 0.5
    assert best.resave_ratio is not None and best.resave_ratio < 1.4
    ends = {_box(best.source), _box(best.target)}
    assert any(overlaps(b, source) for b in ends) and any(overlaps(b, target) for b in ends)
    heat = text_clone_map(page.shape, scan.clones)
    assert heat[target[1] + 5, target[0] + 5] >= 0.5 and heat[1500, 600] == 0


def test_words_printed_twice_differ_by_more_than_a_simulated_copy() -> None:
    # The letter prints "بازرسی و نظارت" and "در این زمینه" twice: separate prints of one
    # word carry their own noise besides the JPEG's, and stay far above a copy's re-save.
    page = jpeg(jpeg(whitened(letter_page(seed=3).image), 58), 78)
    scan = text_clones(page, quality=78)
    assert scan.pairs > 5 and scan.clones == []
    untouched = text_clones(jpeg(letter_page(seed=3).image, 90), quality=90)
    assert untouched.pairs > 5 and untouched.clones == []


def test_copy_floor_is_what_one_save_leaves_of_a_copy() -> None:
    page = letter_page(seed=3).image
    words = [w for w in find_words(page).words if w.box.width > 60]
    a = words[10].box
    source = Box(a.x - 3, a.y - 3, a.width + 6, a.height + 6)
    edited, placed = copy_word(page, _box(a), (301, 1003))
    target = Box(placed[0], placed[1], placed[2], placed[3])
    saved = jpeg(edited, 75)
    simulated = copy_floor(saved, source, target, 75)
    actual = residual_difference(saved, source, target)
    assert simulated is not None and actual is not None
    assert 0.5 * simulated < actual < 1.6 * simulated
    # A box off the page has nothing to simulate.
    assert copy_floor(saved, source, Box(page.shape[1] - 5, 10, a.width, a.height), 75) is None


def _quiet_scan(paper: int, sigma: float, quality: int) -> np.ndarray:
    """A genuine letter scanned with little noise and saved once at `quality`.

    Its words are drawn at random from a few lines, so many words repeat, each repeat at
    its own place on the JPEG's 8 x 8 grid and with the same glyph pixels (a laser print);
    then paper of tone `paper`, a scanner's blur and independent sensor noise of `sigma`
    grey levels.
    """
    rng = np.random.default_rng(7)
    words = " ".join(LETTER_LINES).split()
    face = ImageFont.truetype(str(NASKH), 28)
    image = Image.new("L", (1000, 1300), 255)
    draw = ImageDraw.Draw(image)
    for row in range(22):
        x = 940
        for word in rng.choice(words, 8):
            x -= int(draw.textlength(word, font=face, direction="rtl")) + 14
            if x < 60:
                break
            draw.text((x, 60 + 50 * row), word, font=face, fill=0, direction="rtl", language="fa")
    page = np.asarray(image, np.float32) * (paper / 255)
    page = cv2.GaussianBlur(page, (0, 0), 0.7) + rng.normal(0, sigma, page.shape)
    return jpeg(np.clip(page, 0, 255).astype(np.uint8), quality)


@pytest.mark.parametrize(
    ("paper", "sigma", "quality"), [(235, 1.0, 75), (255, 0.7, 75), (235, 2.0, 60), (255, 0.4, 90)]
)
def test_quiet_genuine_scan_saved_at_low_quality_has_no_copied_words(
    paper: int, sigma: float, quality: int
) -> None:
    # The save erased most of the scan's noise inside the words: two prints of a word differ
    # by little more than a copy's re-save would, on every repeated word of the page alike.
    page = _quiet_scan(paper, sigma, quality)
    pairs = sorted(word_pairs(page, find_words(page)), key=lambda m: m[3])[:60]
    near = [
        m
        for m in pairs
        if (simulated := copy_floor(page, m[0], m[1], quality)) and m[3] / simulated <= RESAVE_LIMIT
    ]
    assert len(near) >= 10  # against the simulated copy alone, these would look copied
    scan = text_clones(page, quality=quality)
    assert scan.pairs > 50
    assert scan.clones == []


def test_a_save_is_simulated_only_with_libjpegs_own_tables() -> None:
    page = Image.fromarray(letter_page(seed=3).image[:400, :400])

    def tables(**options: object) -> dict[int, np.ndarray]:
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", **options)
        return parse_jpeg(buffer.getvalue()).quantization_tables

    assert copy_quality(tables(quality=75)) == 75
    assert copy_quality(tables(quality=60)) == 60
    # A device's own table (flat steps of 6) has a nearest libjpeg quality, but a save at
    # it would not quantise as the file's did.
    assert copy_quality(tables(qtables=[[6] * 64])) is None


def test_denoised_letter_saved_at_low_quality_has_no_copied_words() -> None:
    # A copier's threshold and a denoiser strip two prints of a word of their own noise; saved
    # once at 60, two genuine pairs of words of seed 3 came within 1.36 and 1.45 of a simulated
    # copy (a warning before the page's other pairs were consulted). They lie together, as a
    # page's genuine repeats do, not one far below the others as a copy does.
    for seed in (3, 5, 8):
        page = jpeg(whitened(letter_page(seed=seed).image), 60)
        scan = text_clones(page, quality=60)
        assert scan.pairs > 5 and scan.clones == []


def test_born_digital_jpeg_with_repeated_words_gives_no_verdict() -> None:
    # Rendered without print or scan, the letter's repeated lines are identical to the pixel;
    # saved as JPEG at low and high quality, on and off the 8 x 8 grid, repeats and copies
    # cannot be told apart, and nothing is reported.
    lines = [*LETTER_LINES, *LETTER_LINES[:4], *LETTER_LINES]
    rendered = np.asarray(render_page(lines).convert("L"))
    for quality in (60, 95):
        for offset in (0, 5):
            page = jpeg(np.pad(rendered, ((offset, 0), (offset, 0)), constant_values=255), quality)
            scan = text_clones(page, quality=quality)
            assert scan.pairs > 5 and scan.clones == []
            assert scan.note is not None and "noise-free" in scan.note


def test_copy_saved_twice_is_found_against_the_limit_of_its_last_quality() -> None:
    # Copied 3 px off the grid into a page saved at 90, then saved again at 75: the copy's
    # two ends lie 1.36 times a simulated copy apart, which the limit of a last save at 75
    # (1.6) reports at warning strength; the same page untouched keeps no trace.
    page = letter_page(seed=3).image
    words = [w for w in find_words(page).words if w.box.width > 60]
    source = _box(words[10].box)
    edited, target = copy_word(page, source, (301, 1003))
    scan = text_clones(jpeg(jpeg(edited, 90), 75), quality=75)
    assert scan.clones, "the copied word was not found"
    best = scan.clones[0]
    assert best.resave_ratio is not None and best.resave_ratio > RESAVE_FULL
    assert best.strength >= 0.5
    ends = {_box(best.source), _box(best.target)}
    assert any(overlaps(b, source) for b in ends) and any(overlaps(b, target) for b in ends)
    untouched = text_clones(jpeg(jpeg(page, 90), 75), quality=75)
    assert untouched.pairs > 5 and untouched.clones == []


def test_resave_limit_rises_with_the_last_quality() -> None:
    assert resave_limits(55) == resave_limits(70) == (RESAVE_LIMIT, RESAVE_FULL)
    assert resave_limits(95) == resave_limits(85)
    assert abs(resave_limits(85)[0] - RESAVE_LIMIT_HIGH) < 1e-9
    low, full = resave_limits(78)
    assert RESAVE_LIMIT < low < RESAVE_LIMIT_HIGH and abs((low - full) - 0.4) < 1e-9


def test_resave_gates_keep_a_word_copied_twice_and_need_enough_other_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The gates' logic, with every simulated copy differing by 1 grey level: a word copied to
    # two places makes three pairs at 1.2-1.3, which share words and so do not hide each
    # other among the page's genuine pairs (2.4 and more); a lone repeat on a page of two
    # other pairs has no page to stand apart from, and does not count.
    import workbench.imaging.forensic.textclone_resave as resave

    monkeypatch.setattr(resave, "copy_floor", lambda *args: 1.0)
    img = np.zeros((10, 10), np.uint8)
    s, t1, t2 = Box(0, 0, 50, 20), Box(200, 0, 50, 20), Box(0, 300, 50, 20)
    genuine = [
        (Box(400 + 60 * i, 500, 50, 20), Box(400 + 60 * i, 700 + 3 * i, 50, 20), (0, 200 + 3 * i))
        for i in range(8)
    ]
    ranked = [(s, t1, (200, 0), 1.2), (s, t2, (0, 300), 1.25), (t1, t2, (-200, 300), 1.3)]
    ranked += [(a, b, d, 2.4 + 0.3 * i) for i, (a, b, d) in enumerate(genuine)]
    out = resave.resave_ratios(img, ranked, 60)
    assert all(out[(a.x, a.y, b.x, b.y)][1] is not None for a, b, _, _ in ranked[:3])
    few = [ranked[0], *[(a, b, d, 2.6 + 0.5 * i) for i, (a, b, d) in enumerate(genuine[:2])]]
    assert all(relative is None for _, relative in resave.resave_ratios(img, few, 60).values())
