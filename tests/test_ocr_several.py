"""Several images read by one Tesseract process read as each would alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from workbench.ocr import default_engine
from workbench.ocr.several import data_of_images, split_pages

SCAN = Path(__file__).resolve().parents[1] / "samples" / "lists" / "names_149_scan.jpg"


def _words(data: dict[str, list[object]]) -> list[tuple[object, ...]]:
    keys = ("page_num", "line_num", "word_num", "left", "top", "width", "height", "conf", "text")
    return [tuple(data[k][i] for k in keys) for i in range(len(data["text"]))]


def test_each_image_reads_as_it_does_alone() -> None:
    gray = np.asarray(Image.open(SCAN).convert("L"))
    height, width = gray.shape
    # Bands of the list scan's body: a few lines each, and one of paper only.
    bands = [
        np.ascontiguousarray(gray[top : top + 160, width // 2 :])
        for top in (height // 3, height // 2, 2 * height // 3)
    ]
    bands.append(np.full((120, 400), 255, dtype=np.uint8))
    engine = default_engine()
    together = data_of_images(engine, bands, "fas", psm=6, dpi=300, keep_noisy_rows=True)
    assert len(together) == len(bands)
    for band, found in zip(bands, together, strict=True):
        alone = engine.data(Image.fromarray(band), "fas", psm=6, dpi=300, keep_noisy_rows=True)
        assert _words(found) == _words(alone)
    assert any(str(t).strip() for t in together[0]["text"])
    assert not any(str(t).strip() for t in together[-1]["text"])


def test_rows_are_split_by_page_and_renumbered() -> None:
    found = {"page_num": [1, 1, 2, 3], "text": ["", "a", "b", "c"]}
    pages = split_pages(found, 3)
    assert [p["text"] for p in pages] == [["", "a"], ["b"], ["c"]]
    assert all(set(p["page_num"]) == {1} for p in pages)


def test_no_images_read_nothing() -> None:
    assert data_of_images(default_engine(), [], "fas", psm=7) == []
