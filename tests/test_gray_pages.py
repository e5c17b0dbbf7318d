"""Pages in grey are made without a colour copy beside them, and with the grey they had.

The checks read pages in grey (`Context.page_gray`). The grey array is converted from the
colour page band by band, or decoded in grey when the file stores it so, so that a
100-megapixel page does not hold its 400 MB colour image, its grey image and copies of it
at once. These tests hold the values to what Pillow's whole-page conversion gives.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workbench.context import Context
from workbench.limits import Limits
from workbench.loading import gray as gray_module
from workbench.loading import load_document
from workbench.loading import raster as raster_module
from workbench.loading.gray import gray_array

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
#: The colour JPEG sample, and the grey JPEG and PNG samples.
COLOUR_JPEG = SAMPLES / "questioned" / "letter_1380-02-24.jpg"
GREY_JPEG = SAMPLES / "lists" / "names_149_scan.jpg"
PNG = SAMPLES / "tampered" / "t01_splice_signature.png"


def _converted(path: Path) -> np.ndarray:
    """The page in grey as the context made it before: the whole RGB page converted."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB").convert("L"))


@pytest.mark.parametrize("path", [COLOUR_JPEG, GREY_JPEG, PNG], ids=lambda p: p.name)
def test_a_page_converted_band_by_band_is_the_page_converted_whole(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gray_module, "BAND_BYTES", 50_000)  # a few rows a band, many bands
    with Image.open(path) as image:
        colour = image.convert("RGB")
    gray = gray_array(colour)
    assert gray.dtype == np.uint8 and gray.shape == (colour.height, colour.width)
    assert np.array_equal(gray, np.asarray(colour.convert("L")))


def test_a_page_kept_since_loading_gives_the_grey_it_gave_before() -> None:
    for path in (COLOUR_JPEG, GREY_JPEG, PNG):
        document = load_document(path)  # each sample page is within the budget kept
        assert np.array_equal(document.page_gray(0), _converted(path)), path.name


def test_pages_decoded_again_give_the_same_grey() -> None:
    not_kept = Limits(keep_decoded_pixels=1)
    for path in (COLOUR_JPEG, GREY_JPEG, PNG):
        document = load_document(path, not_kept)
        assert np.array_equal(document.page_gray(0), _converted(path)), path.name


def test_a_grey_page_is_decoded_without_a_colour_page(monkeypatch: pytest.MonkeyPatch) -> None:
    document = load_document(GREY_JPEG, Limits(keep_decoded_pixels=1))
    converted: list[str] = []
    real = gray_module.gray_array

    def recording(image: Image.Image) -> np.ndarray:
        converted.append(image.mode)
        return real(image)

    monkeypatch.setattr(raster_module, "gray_array", recording)
    assert np.array_equal(document.page_gray(0), _converted(GREY_JPEG))
    assert converted == ["L"]


def test_a_cut_short_jpeg_decodes_in_grey_as_far_as_it_did_in_colour(tmp_path: Path) -> None:
    data = GREY_JPEG.read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) * 2 // 3])
    document = load_document(cut, Limits(keep_decoded_pixels=1))
    assert document.properties["recovered_pages"] == [0]
    colour = np.asarray(document.page_image(0).convert("L"))
    assert np.array_equal(document.page_gray(0), colour)


def test_the_context_hands_out_the_grey_page_read_only() -> None:
    context = Context(document=load_document(COLOUR_JPEG, Limits(keep_decoded_pixels=1)))
    gray = context.page_gray(0)
    assert not gray.flags.writeable
    assert context.page_gray(0) is gray
