"""A number printed by a round stamp on a grey scan, and numbers retyped near or in one.

The genuine letter is made by ``benchmarks/genuine_chains.py`` (an untouched letter of the
corpus's page code through a 300-dpi grey scan, unsharp-masked, saved at 80): its round stamp
at the foot is cut by the page's edge, and OCR reads the stamp's lettering as a number,
lighter, thinner and flatter than the page's numbers (darkness z -9.5, a warning at check
version 30). The retyped number is the development split's dev-058 (a 150-dpi grey letter
whose round stamp lies at its foot, its centre 4.3 radii from the retyped number's).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.corpus import NEEDS_DEV_FONTS, fc
from tests.support.forensic_fixtures import overlaps
from workbench.geometry import Box
from workbench.imaging.forensic.digits import digit_consistency
from workbench.imaging.forensic.stamp_numbers import inside, ring_darkness
from workbench.imaging.layout.seal import find_seals
from workbench.imaging.words import find_words
from workbench.ocr import OcrWord, default_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import genuine_chains as gc

pytestmark = [pytest.mark.slow, NEEDS_DEV_FONTS]


def _read(gray: np.ndarray, dpi: float) -> list[OcrWord]:
    return list(default_engine().recognize(gray, "fas", dpi=dpi).page.words)


def _xywh(box: Box) -> tuple[int, int, int, int]:
    return (box.x, box.y, box.width, box.height)


def _stamped_letter(folder: Path) -> np.ndarray:
    chain = next(c for c in gc.CHAINS if c.name == "300-grey-usm-q80")
    return np.asarray(Image.open(gc.page_file(chain, 0, folder)).convert("L"))


def test_number_inside_the_stamp_of_a_grey_letter_is_the_stamp_s(tmp_path: Path) -> None:
    gray = _stamped_letter(tmp_path)
    words = find_words(gray)
    (seal,) = find_seals(gray)
    # The stamp at the letter's foot, cut by the page's lower edge.
    assert seal.y + seal.radius > gray.shape[0] > seal.y
    ring = ring_darkness(gray, words.ink, seal)
    assert ring is not None and ring < 0.75  # lighter than the page's type (about 0.89)
    scan = digit_consistency(gray, words, _read(gray, 300))
    assert scan.numbers >= 4
    stamp_box = seal.box()
    assert not [o for o in scan.outliers if overlaps(_xywh(o.box), stamp_box)]
    assert all(o.strength < 0.5 for o in scan.outliers)
    assert scan.note is not None and "round stamp" in scan.note
    assert f"centre ({seal.x:.0f}, {seal.y:.0f})" in scan.note


def test_darker_number_typed_inside_the_stamp_is_still_compared(tmp_path: Path) -> None:
    # One of the letter's own numbers copied into the stamp's middle and printed darker (as
    # digits typed into the file in black): a stamp over or around a number excuses nothing
    # whose ink is not the stamp's.
    gray = _stamped_letter(tmp_path).copy()
    (seal,) = find_seals(gray)
    read = _read(gray, 300)
    source = max(
        (w for w in read if w.text.strip().isdigit() and len(w.text.strip()) >= 3),
        key=lambda w: w.box[2],
    )
    x, y, w, h = source.box
    tx, ty = round(seal.x - w / 2), round(seal.y - seal.radius * 0.55)
    assert inside(Box(tx, ty, w, h), seal)
    patch = gray[y : y + h, x : x + w].astype(np.float32)
    paper = float(np.median(patch))
    darker = np.clip(paper - (paper - patch) * 1.6, 0, 255).astype(np.uint8)
    gray[ty : ty + h, tx : tx + w] = np.minimum(gray[ty : ty + h, tx : tx + w], darker)
    typed = replace(source, box=(tx, ty, w, h))
    scan = digit_consistency(gray, find_words(gray), [*read, typed])
    found = [o for o in scan.outliers if overlaps(_xywh(o.box), (tx, ty, w, h))]
    assert found and found[0].strength >= 0.5
    assert found[0].deviations["darkness"]["z"] > 0


def test_retyped_number_outside_the_stamp_on_a_stamped_letter_is_found(tmp_path: Path) -> None:
    entry = fc.make_entry("dev", 58, "retyped-digits", "letter", 0, tmp_path, plain_retype=True)
    assert entry.chain == "dev-150-grey-q70"
    gray = np.asarray(Image.open(tmp_path / entry.path).convert("L"))
    seals = find_seals(gray)
    assert seals, "the letter's stamp should be found"
    ((x0, y0, x1, y1),) = entry.boxes
    edit = (x0, y0, x1 - x0, y1 - y0)
    assert not any(inside(Box(*edit), s) for s in seals)
    scan = digit_consistency(gray, find_words(gray), _read(gray, 150))
    best = max(scan.outliers, key=lambda o: o.strength)
    assert best.strength >= 0.5
    assert overlaps(_xywh(best.box), edit)
