"""Which low-confidence lines the ``ocr`` check reads again with ``eng`` (`workbench.ocr.latin`)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmarks.latin_pages import render_letter
from workbench.ocr import OcrPage, Tesseract
from workbench.ocr.latin import (
    latin_candidates,
    latin_lines,
    looks_like_misread_latin,
    low_confidence_lines,
    stack_lines,
)
from workbench.ocr.tsv import page_from_data

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def read(image: Image.Image) -> OcrPage:
    return Tesseract().recognize(np.asarray(image.convert("L")), "fas", dpi=300).page


@pytest.mark.parametrize(
    ("token", "latin"),
    [
        # fas's readings of Latin runs on rendered letters (benchmarks/latin_lines.py)
        ("0۲666", True),
        ("123/۸86/45", True),
        ("-858213]", True),
        ("وووم(ظ", True),
        (",۲۵8۵۵۵", True),
        ("ABC", True),
        # Persian text, and what stamps and signatures on the samples read as
        ("۱۳۸۰/۰۲/۲۴", False),
        ("(۱۳۸۰)", False),
        ("۳33", False),
        ("!۱۳۸۰/۰۸/۱", False),
        ("|", False),
        ("سیدمرتضی", False),
    ],
)
def test_words_that_look_like_misread_latin(token: str, latin: bool) -> None:
    assert looks_like_misread_latin(token) is latin


def test_stamps_and_signatures_are_not_read_again() -> None:
    """The questioned sample's low-confidence lines are a seal and a signature, not Latin."""
    with Image.open(SAMPLES / "questioned" / "letter_1380-02-24.jpg") as image:
        page = Tesseract().recognize(np.asarray(image.convert("L")), "fas", dpi=150).page
    assert len(low_confidence_lines(page)) >= 3
    assert latin_candidates(page) == []


def test_latin_runs_are_read_again_and_found() -> None:
    image, truth = render_letter(random.Random(3), 48)
    page = read(image)
    suspects = latin_candidates(page)
    assert suspects
    gray = np.asarray(image.convert("L"))
    stacked, offsets = stack_lines(gray, [line.box for line, _ in suspects])
    data = Tesseract().data(Image.fromarray(stacked), "eng", psm=6)
    found = latin_lines(suspects, offsets, page_from_data(data, index=0, language="eng"))
    words = {w.text for ws in found.values() for w in ws}
    expected = {w for _, _, ws in truth for w in ws}
    assert found and words & expected
    # Every line found holds Latin text on the rendered page.
    for index in found:
        box = page.lines[index].box
        centre = box[1] + box[3] / 2
        assert any(top <= centre <= bottom and ws for top, bottom, ws in truth)
