"""Several images read by one Tesseract process, each exactly as if read alone.

Tesseract reads a text file listing image files as the pages of one document; with its LSTM
models every page is recognised independently of the others, so each image's words are
those of a separate ``image_to_data`` call on it (checked on the samples' skipped lines and
list columns: the same words, confidences and boxes). What is saved is the process start and
the model load of every call but the first: on the samples' A4 list scan, the 40 skipped
lines its page reading leaves cost 2.4 s read one process each and 0.95 s read together
(load average 5).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from workbench.ocr.image_files import PNM_SUFFIX, save_pnm

if TYPE_CHECKING:
    from workbench.ocr.engine import Tesseract


def data_of_images(
    engine: Tesseract,
    images: Sequence[np.ndarray],
    language: str,
    *,
    psm: int,
    dpi: int | None = None,
    keep_noisy_rows: bool = False,
) -> list[dict[str, list[Any]]]:
    """Tesseract's TSV columns for each of `images`, in their order, from one process.

    The same settings (`psm`, `dpi`, `keep_noisy_rows`, as in `Tesseract.data`) apply to
    every image. One image is read as `Tesseract.data` reads it. Raises `OcrFailedError`
    when the one process fails; the caller decides whether to read the images one by one.
    """
    if not images:
        return []
    if len(images) == 1:
        return [
            engine.data(
                Image.fromarray(images[0]),
                language,
                psm=psm,
                dpi=dpi,
                keep_noisy_rows=keep_noisy_rows,
            )
        ]
    from workbench.ocr.engine import pytesseract

    engine.check(language)
    extra = "-c textord_noise_rejrows=0" if keep_noisy_rows else ""
    with tempfile.TemporaryDirectory(prefix="workbench-ocr-") as folder:
        paths = []
        for number, image in enumerate(images):
            path = Path(folder) / f"{number:04d}{PNM_SUFFIX}"
            save_pnm(Image.fromarray(image), path)  # uncompressed: `workbench.ocr.image_files`
            paths.append(str(path))
        listing = Path(folder) / "images.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        found: dict[str, list[Any]] = engine._call(
            pytesseract.image_to_data,
            str(listing),
            lang=language,
            config=engine._config(psm=psm, dpi=dpi, extra=extra),
            output_type=pytesseract.Output.DICT,
        )
    return split_pages(found, len(images))


def split_pages(found: dict[str, list[Any]], count: int) -> list[dict[str, list[Any]]]:
    """The TSV columns of a multi-page reading split into one set per page (``page_num``).

    Each set numbers its page 1, as the reading of that image alone would.
    """
    pages: list[dict[str, list[Any]]] = [{key: [] for key in found} for _ in range(count)]
    for row, number in enumerate(found.get("page_num", [])):
        index = int(number) - 1
        if 0 <= index < count:
            for key, column in found.items():
                pages[index][key].append(1 if key == "page_num" else column[row])
    return pages
