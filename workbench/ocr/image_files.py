"""Images handed to Tesseract as files, written without compression.

Tesseract reads images from files. pytesseract saves a PIL image as a PNG, whose
compression took 0.1-0.2 s for the questioned sample's page as the preprocessing prepares
it (1,282 x 1,819 pixels), a fifth to a third of a whole raw Tesseract pass on that page.
A PNM file (PGM, PPM or PBM by the image's mode) holds the same pixels written as they are,
and, like that PNG, no resolution (``--dpi`` declares it).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

#: Image modes PNM holds as they are: grey, RGB, bilevel.
PNM_MODES = frozenset({"L", "RGB", "1"})
#: The suffix Tesseract (Leptonica) reads PNM files by.
PNM_SUFFIX = ".pnm"


def save_pnm(image: Image.Image, path: Path | str) -> None:
    """`image` (a mode of `PNM_MODES`) written to `path` as PNM."""
    image.save(path, format="PPM")


@contextlib.contextmanager
def pnm_file(image: Image.Image) -> Iterator[str]:
    """The path of a temporary PNM file holding `image`, removed afterwards."""
    handle, name = tempfile.mkstemp(prefix="workbench-ocr-", suffix=PNM_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            image.save(stream, format="PPM")
        yield name
    finally:
        with contextlib.suppress(OSError):
            os.remove(name)
