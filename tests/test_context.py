"""The per-document context keeps page pixels within a budget, the page asked for last always."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.fixtures import letter_image
from workbench import context as context_module
from workbench.context import Context
from workbench.limits import Limits
from workbench.loading import load_document


def _pages(tmp_path: Path, count: int) -> Path:
    images = [letter_image(400, 500, seed=i) for i in range(count)]
    path = tmp_path / "pages.tif"
    images[0].save(path, save_all=True, append_images=images[1:], compression="tiff_deflate")
    return path


def _cached_gray_pages(context: Context) -> list[int]:
    return sorted(key[2] for key in context._cache if key[0] == "page_gray")


def test_pages_beyond_the_budget_are_dropped_and_decoded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context_module, "PIXEL_CACHE_BYTES", 3 * 400 * 500)  # three grey pages
    document = load_document(_pages(tmp_path, 8), Limits(keep_decoded_pixels=1))
    context = Context(document=document)
    first = context.page_gray(0).copy()
    for index in range(8):
        gray = context.page_gray(index)
        assert gray.shape == (500, 400) and not gray.flags.writeable
        assert context.page_gray(index) is gray  # shared while it is kept
    assert _cached_gray_pages(context) == [5, 6, 7]
    assert np.array_equal(context.page_gray(0), first)  # decoded again, the same pixels
    assert _cached_gray_pages(context) == [0, 6, 7]


def test_the_page_asked_for_last_is_kept_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context_module, "PIXEL_CACHE_BYTES", 1)
    context = Context(document=load_document(_pages(tmp_path, 2)))
    gray = context.page_gray(1)
    assert context.page_gray(1) is gray and _cached_gray_pages(context) == [1]
    view = context.for_check("forensics", None)
    assert view.page_gray(1) is gray  # the checks' views share the cache and its budget
    view.page_gray(0)
    assert _cached_gray_pages(context) == [0]


def test_ocr_readings_keep_their_preprocessed_image_packed(tmp_path: Path) -> None:
    from workbench.ocr import default_engine

    engine = default_engine()
    engine.check("fas")
    document = load_document(_pages(tmp_path, 2))
    bare = Context(document=document)
    bare.ocr_result(1, "fas")
    assert bare.preprocessed_image(1, "fas") is None  # no artifacts written: not kept
    context = Context(document=document).for_check("ocr", tmp_path / "out")
    result = context.ocr_result(1, "fas")
    assert result.preprocessed.size == 0  # the cached reading holds no page of pixels
    assert context.ocr(1, "fas") is result.page
    image = context.preprocessed_image(1, "fas")
    direct = engine.recognize(context.page_gray(1), "fas", index=1)
    assert image is not None and np.array_equal(image, direct.preprocessed)
    assert context.preprocessed_image(0, "fas") is None  # page 0 was not read
    packed = [v for k, v in context._cache.items() if k[0] == "ocr_preprocessed"]
    assert len(packed) == 1 and len(packed[0].data) < image.nbytes * 0.6  # a noisy page
    # Kept as the PNG file the ocr check stores as its artifact, of the same pixels.
    png = context.preprocessed_png(1, "fas")
    assert png is not None and png.startswith(b"\x89PNG")
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png))), direct.preprocessed)


def test_a_kept_page_is_shared_with_the_context_not_copied(tmp_path: Path) -> None:
    document = load_document(_pages(tmp_path, 2), Limits(keep_decoded_pixels=400 * 500))
    kept = document.shared_page_image(0)
    assert document.shared_page_image(0) is kept  # the page kept while loading
    assert document.page_image(0) is not kept  # a copy for callers that may change it
    assert document.shared_page_image(1) is not document.shared_page_image(1)  # not kept
    context = Context(document=document)
    assert context.page_image(0) is kept
    assert np.array_equal(context.page_gray(0), np.asarray(kept.convert("L")))


def test_the_colour_page_kept_since_loading_is_released_once_in_grey(tmp_path: Path) -> None:
    document = load_document(_pages(tmp_path, 2), Limits(keep_decoded_pixels=10**9))
    (tmp_path / "exemplar").mkdir()
    exemplar = _pages(tmp_path / "exemplar", 1)
    reference = load_document(exemplar, Limits(keep_decoded_pixels=10**9))
    colour = np.asarray(document.page_image(0))
    context = Context(document=document, references=(reference,))
    gray = context.page_gray(0)
    assert 0 not in document._decoded and 1 in document._decoded  # only the page read
    assert np.array_equal(gray, np.asarray(Image.fromarray(colour).convert("L")))
    assert np.array_equal(np.asarray(document.page_image(0)), colour)  # decoded again
    context.page_gray(0, document=reference)
    assert 0 in reference._decoded  # a reference's pages stay kept
