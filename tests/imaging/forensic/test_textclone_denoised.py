"""Text copy-move on pages of a scanner that denoises (non-local means) before a JPEG save.

The pages are made as ``benchmarks/genuine_chains.py`` makes its chain
``200-colour420-denoise-q88`` (200 dpi, colour, OpenCV's non-local-means denoiser, one save
at quality 88 with 4:2:0 chroma) and saved once more as ``benchmarks/chain_edits.py`` does.
The denoiser flattens the grain inside two prints of one word: on an untouched letter with
few repeated words, the closest genuine repeat differed by 1.0 of the paper floor but lay
alone, at 0.26 of the page's next pair, and text copy-move warned through that pair's
distance below the others, although it differed by 4.1 times what a digital copy of the
word saved at the file's quality would. A word copied on such a page lies at about one such
save (1.0-1.04 times) and is still found; so is a word copied and then saved twice, at 70
and then at 90, which lies several times from a simulated copy of the last save but well
below the paper floor (`textclone.far_from_copy` needs both).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS
from tests.support.forensic_fixtures import overlaps, warning_regions
from workbench.formats.jpeg import parse_jpeg
from workbench.imaging.forensic.lighting import text_page
from workbench.imaging.forensic.textclone import NEXT_PAPER, NEXT_RESAVE, text_clones
from workbench.imaging.forensic.textclone_resave import copy_quality, resave_limits
from workbench.imaging.words import find_words

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import chain_edits as ce
import corpus_pages as cp
import genuine_chains as gc
from forensic_edits import copy_move, decode

pytestmark = [pytest.mark.slow, NEEDS_DEV_FONTS]

DENOISED = next(c for c in gc.CHAINS if c.name == "200-colour420-denoise-q88")


def _copy_moved_letter(
    folder: Path, saves: tuple[int, ...] = DENOISED.saves[-1:]
) -> tuple[Path, list[tuple[int, int, int, int]]]:
    """A letter of the denoising chain with a word copied elsewhere on it, then saved at
    each of `saves` in turn (by default once more, as the chain saves)."""
    rng = np.random.default_rng(4400)
    page = cp.render("letter", "dev", DENOISED.dpi, rng, 0)
    image, m = gc.scan_skewed(page, DENOISED, rng)
    scanned = decode(gc.encode(image, DENOISED)[0])
    edited, boxes = copy_move(scanned, page, m, np.random.default_rng(4401))
    data, suffix = gc.encode(edited, replace(DENOISED, saves=saves))
    path = folder / f"copied{suffix}"
    path.write_bytes(data)
    return path, [(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in boxes]


def _clones(path: Path, quality: int = 88) -> list[tuple[float, float, float | None]]:
    """(strength, ratio to the paper floor, ratio to a simulated copy) of text copy-move's
    groups of pairs on `path`, a JPEG saved last at `quality`."""
    gray = np.asarray(Image.open(path).convert("L"))
    page, _ = text_page(gray, True)
    assert page is not None
    assert copy_quality(parse_jpeg(path.read_bytes()).quantization_tables) == quality
    scan = text_clones(page, words=find_words(page), quality=quality)
    return [(c.strength, c.ratio, c.resave_ratio) for c in scan.clones]


def test_untouched_denoised_letter_saved_again_stays_quiet(tmp_path: Path) -> None:
    path, mask = ce.make_page(DENOISED, "resaved", 0, tmp_path)
    assert mask is None and "letter-dev" in path.name
    # Its closest repeat lies alone below the page's other pairs, but far from a copy.
    assert _clones(path) == []
    assert warning_regions(path, tmp_path / "out") == []


def test_word_copied_on_a_denoised_letter_is_found_at_both_ends(tmp_path: Path) -> None:
    path, boxes = _copy_moved_letter(tmp_path)
    clones = _clones(path)
    assert clones and clones[0][0] >= 0.9
    assert clones[0][2] is not None and clones[0][2] < 1.5  # about one save of a copy
    warned = warning_regions(path, tmp_path / "out")
    for box in boxes:
        assert any(overlaps(region, box) for region in warned)


def test_word_copied_then_saved_twice_on_a_denoised_letter_is_found(tmp_path: Path) -> None:
    path, boxes = _copy_moved_letter(tmp_path, (70, 90))
    strength, ratio, resave = _clones(path, 90)[0]
    # Far from a simulated copy of the last save (the first, lower one dominates), but well
    # below the paper floor: the page's other pairs still lower its ratio.
    assert resave is not None and resave > NEXT_RESAVE * resave_limits(90)[0]
    assert ratio < NEXT_PAPER
    assert strength >= 0.5
    warned = warning_regions(path, tmp_path / "out")
    for box in boxes:
        assert any(overlaps(region, box) for region in warned)
