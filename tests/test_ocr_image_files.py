"""Tesseract reads the uncompressed PNM files it is given as it read pytesseract's PNGs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

from workbench.ocr import default_engine
from workbench.ocr.engine import pytesseract
from workbench.ocr.image_files import pnm_file

QUESTIONED = (
    Path(__file__).resolve().parents[1] / "samples" / "questioned" / "letter_1380-02-24.jpg"
)


def test_the_same_words_as_from_a_png(tmp_path: Path) -> None:
    gray = np.asarray(Image.open(QUESTIONED).convert("L"))
    band = Image.fromarray(np.ascontiguousarray(gray[300:520]))
    engine = default_engine()
    read = engine.data(band, "fas", psm=6, dpi=150)
    png = tmp_path / "band.png"
    band.save(png)
    config = engine._config(psm=6, dpi=150)
    from_png = engine._call(
        pytesseract.image_to_data, str(png), lang="fas", config=config, output_type="dict"
    )
    assert [w for w in read["text"] if w.strip()]
    assert read == from_png


def test_the_file_is_removed_after_use() -> None:
    image = Image.new("L", (40, 20), 255)
    with pnm_file(image) as name:
        assert Path(name).suffix == ".pnm" and os.path.getsize(name) > 40 * 20
        with Image.open(name) as back:
            assert back.mode == "L" and back.size == (40, 20) and "dpi" not in back.info
    assert not Path(name).exists()
