"""Genuine pages of scan chains the development sets do not have stay quiet; edits still show.

The pages are made by ``benchmarks/genuine_chains.py`` (untouched pages of the corpus's page
code through other scan and compression chains) and ``benchmarks/forensic_corpus.py`` (a
tampered dev page).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image

from workbench.imaging.forensic.glyphs import glyph_consistency
from workbench.imaging.forensic.noise import noise_inconsistency, noise_strength
from workbench.imaging.forensic.tamper import analyse_page
from workbench.imaging.words import find_words, is_drawn_frame

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import forensic_corpus as fc
import genuine_chains as gc
from forensic_edits import decode, jpeg_bytes


def _chain(name: str) -> gc.Chain:
    return next(c for c in gc.CHAINS if c.name == name)


def _gray(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"))


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    return ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1


# -- noise: a page whose noise its JPEG wiped out --------------------------------------------


def test_page_without_noise_left_has_no_noise_region(tmp_path: Path) -> None:
    # A 150-dpi letter saved at 70 and again by OpenCV's encoder at 90: quantisation left
    # flat paper blocks with no residual and blocks near print with a few tenths of a grey
    # level. Compared in the logarithm without the rounding floor they stood up to z 8.8
    # apart (230 blocks beyond z 3.5) and the page got seven noise warnings.
    gray = _gray(gc.page_file(_chain("150-grey-q70-opencv-q90"), 0, tmp_path))
    noise = noise_inconsistency(gray, 32)
    assert float(np.median(noise.sigma[noise.valid])) < 0.1  # no measurable noise left
    assert float(noise_strength(noise).max()) < 0.3


def test_noisy_patch_on_a_page_without_noise_is_found(tmp_path: Path) -> None:
    # The same kind of page (150 dpi, saved at 60), with a block of a scan that kept its
    # sensor noise (not compressed before the paste) put in, and the page saved at 90.
    chain = _chain("150-grey-q60")
    gray = _gray(gc.page_file(chain, 0, tmp_path)).copy()
    rng = np.random.default_rng(11)
    page = gc.typeset("letter", "dev", chain.dpi, rng, 0)
    noisy = gc.scan(page, gc.Chain("noisy", 150, False, 2, (), noise=4.0), rng)
    y0, y1, x0, x1 = 640, 800, 200, 520
    gray[y0:y1, x0:x1] = noisy[y0:y1, x0:x1]
    edited = decode(jpeg_bytes(gray, 90, 2, chain.dpi))
    strength = noise_strength(noise_inconsistency(edited, 32))
    inside = strength[y0 // 32 + 1 : y1 // 32 - 1, x0 // 32 + 1 : x1 // 32 - 1]
    assert float(inside.min()) >= 0.3
    outside = strength.copy()
    outside[y0 // 32 - 1 : y1 // 32 + 2, x0 // 32 - 1 : x1 // 32 + 2] = 0
    assert float(outside.max()) < 0.3


def test_smoother_block_from_another_jpeg_is_still_found(tmp_path: Path) -> None:
    # dev-072: a block of text replaced by the same place of another scan saved at its own
    # quality; its paper is smoother than the page's (noise 0.26 against 0.41 grey levels).
    # A block smoother than the page is judged on its own estimate, rounding or not.
    entry = fc.make_entry("dev", 72, "foreign-jpeg", "letter", 1, tmp_path)
    noise = noise_inconsistency(_gray(tmp_path / entry.path), 32)
    strength = noise_strength(noise)
    ((x0, y0, x1, y1),) = entry.boxes
    inside = strength[y0 // 32 : y1 // 32 + 1, x0 // 32 : x1 // 32 + 1]
    assert float(inside.max()) >= 0.8
    assert float(noise.z[y0 // 32 : y1 // 32 + 1, x0 // 32 : x1 // 32 + 1].min()) < -4


# -- glyphs: a form's check boxes are not words ------------------------------------------------


def test_check_boxes_of_a_form_are_drawn_frames(tmp_path: Path) -> None:
    # A 300-dpi form scanned in colour and saved at 95 then 70: its check boxes' ruled sides
    # measured sharper than any letter of the page (sharpness z 9 to 10), which gave two
    # glyph warnings on the untouched page.
    gray = _gray(gc.page_file(_chain("300-colour444-q95-q70"), 4, tmp_path))
    words = find_words(gray)
    frames = [w.box for w in words.words if is_drawn_frame(words.word_ink(w))]
    assert len(frames) >= 3
    assert all(0.8 < b.width / b.height < 1.25 for b in frames)  # square boxes only
    scan = glyph_consistency(gray, words=words)
    assert all(o.strength < 0.3 for o in scan.outliers)


def test_type_is_never_a_drawn_frame(tmp_path: Path) -> None:
    gray = _gray(gc.page_file(_chain("300-grey-q85-png"), 0, tmp_path))  # a letter
    words = find_words(gray)
    assert len(words.words) > 50
    assert not any(is_drawn_frame(words.word_ink(w)) for w in words.words)


def test_retyped_digits_on_a_form_are_still_found(tmp_path: Path) -> None:
    # dev-049: a number on a form retyped darker and bolder than the page's print.
    entry = fc.make_entry("dev", 49, "retyped-digits", "form", 1, tmp_path)
    scan = glyph_consistency(_gray(tmp_path / entry.path))
    edits = [(x0, y0, x1, y1) for x0, y0, x1, y1 in entry.boxes]
    found = [
        o
        for o in scan.outliers
        if o.strength >= 0.5
        and any(
            _overlaps((o.box.x, o.box.y, o.box.x + o.box.width, o.box.y + o.box.height), e)
            for e in edits
        )
    ]
    assert found


# -- error levels: grainy paper is not print ---------------------------------------------------


def test_grainy_paper_gives_no_error_level_region(tmp_path: Path) -> None:
    # A 200-dpi letter on yellowish paper with a fibre texture of 6 grey levels, saved at 78:
    # the paper's tiles have a gradient of about 3 grey levels, above the 2 that marks print,
    # and their error levels against those of print tiles made regions of strength up to 0.8.
    gray = _gray(gc.page_file(_chain("200-grey-yellow-grain-q78"), 0, tmp_path))
    traces = analyse_page(gray, keypoints=False, blocks=False, text=False)
    assert traces.scores["ela"] < 0.3 and not traces.ela_regions


def test_region_saved_at_another_quality_on_grainy_paper_is_found() -> None:
    # The same paper and print, unsaved; a band of text that went through JPEG at 50 before
    # it was pasted back (on the page's 8 x 8 grid), and the page saved at 95.
    chain = _chain("200-grey-yellow-grain-q78")
    rng = np.random.default_rng(5)
    page = gc.typeset("letter", "dev", chain.dpi, rng, 0)
    raw = gc.scan(page, chain, rng)
    rows = np.flatnonzero((raw < 150).mean(axis=1) > 0.01)
    y0 = int(rows[len(rows) // 2]) // 16 * 16
    y1, x0, x1 = y0 + 160, 320, 1280
    edited = raw.copy()
    edited[y0:y1, x0:x1] = decode(jpeg_bytes(raw, 50, 2, chain.dpi))[y0:y1, x0:x1]
    saved = decode(jpeg_bytes(edited, 95, 2, chain.dpi))
    traces = analyse_page(saved, keypoints=False, blocks=False, text=False)
    assert traces.scores["ela"] >= 0.5
    patch = (x0, y0, x1, y1)
    assert any(
        _overlaps((b.x, b.y, b.x + b.width, b.y + b.height), patch) for b in traces.ela_regions
    )
