"""The decoded part of a partly decoded page, and the checks that must not read the decoder's fill.

Truncations of the hostile corpus (every raster format it cuts short) and a real letter
(the genuine sample) saved as a JPEG and cut short: the fill the decoder adds is found where
the file stores its missing part, and the ``layout`` and ``script`` checks say nothing of it.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.support.hostile import corpus_files
from workbench import analyze
from workbench.context import Context
from workbench.loading import load_bytes, load_document
from workbench.loading.fill import CELL, box_decoded, decoded_pixels
from workbench.model import Severity

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def corpus() -> dict[str, bytes]:
    return corpus_files()


@pytest.mark.parametrize(
    ("name", "fill_at"),
    [
        ("truncated/jpg-50.jpg", "bottom"),
        ("truncated/progressive-jpg-10.jpg", "bottom"),
        ("truncated/png-30.png", "bottom"),
        ("truncated/bmp-30.bmp", "top"),  # BMP stores its rows bottom up
    ],
)
def test_the_fill_is_found_where_the_file_lost_its_data(
    corpus: dict[str, bytes], name: str, fill_at: str
) -> None:
    document = load_bytes(corpus[name], Path(name).name)
    assert document.properties["recovered_pages"] == [0]
    context = Context(document)
    decoded = context.decoded_pixels(0)
    assert decoded is not None and decoded.dtype == bool and not decoded.flags.writeable
    gray = context.page_gray(0)
    assert decoded.shape == gray.shape and 0.05 < decoded.mean() < 0.95
    kept_row, lost_row = (0, -1) if fill_at == "bottom" else (-1, 0)
    assert decoded[kept_row].all() and not decoded[lost_row].any()
    # the fill, one cell or more from the decoded part, is one flat value
    fill = cv2.erode((~decoded).astype(np.uint8), np.ones((2 * CELL + 1,) * 2, np.uint8)) > 0
    assert fill.any() and np.ptp(gray[fill]) <= 2


def test_a_page_decoded_in_full_has_no_mask(corpus: dict[str, bytes]) -> None:
    for name in ("truncated/jpg-minus1.jpg", "truncated/progressive-jpg-50.jpg"):
        # one byte short (the end marker), and a progressive JPEG whose first scans are whole
        document = load_bytes(corpus[name], Path(name).name)
        assert Context(document).decoded_pixels(0) is None
    complete = load_document(SAMPLES / "genuine" / "control_01.png")
    assert Context(complete).decoded_pixels(0) is None
    assert decoded_pixels(np.full((40, 40), 128, np.uint8)) is not None  # all fill
    assert box_decoded(None, (0, 0, 10, 10))


def _cut_letter(tmp_path: Path, *, progressive: bool, share: float) -> Path:
    """The genuine sample letter as a JPEG, cut short after `share` of its bytes."""
    buffer = io.BytesIO()
    Image.open(SAMPLES / "genuine" / "control_01.png").convert("RGB").save(
        buffer, "JPEG", quality=85, progressive=progressive
    )
    data = buffer.getvalue()
    path = tmp_path / f"cut-{'progressive' if progressive else 'baseline'}-{share}.jpg"
    path.write_bytes(data[: int(len(data) * share)])
    return path


@pytest.mark.parametrize(("progressive", "share"), [(True, 0.1), (True, 0.13), (False, 0.5)])
def test_layout_reads_no_line_in_the_fill(tmp_path: Path, progressive: bool, share: float) -> None:
    # Before the fill was set apart, each of these cuts raised a line typography notice:
    # the fill's grey moved the page's ink threshold and its edge cut a line in two.
    path = _cut_letter(tmp_path, progressive=progressive, share=share)
    report = analyze(path, only=["layout"])
    assert not [f for f in report.findings if f.check == "layout"]
    (page,) = report.results["layout"]["pages"]
    assert "lines_left_at_fill" in page["partly_decoded"]
    assert len(page["lines"]) >= 4  # the decoded part's lines are still measured
    decoded = Context(load_document(path)).decoded_pixels(0)
    for line in page["lines"]:
        box = line["page_box"]
        assert box_decoded(decoded, (box["x"], box["y"], box["width"], box["height"]))


@pytest.mark.slow
def test_script_reads_no_text_in_the_fill_and_weighs_the_rest_as_a_notice(tmp_path: Path) -> None:
    # The progressive letter cut at a tenth comes back blurred above the fill: the script
    # check reads no line of the fill, and what it sees in the blurred part (an Arabic
    # orthography warning on this page before) is a notice said of a partly decoded page.
    path = _cut_letter(tmp_path, progressive=True, share=0.1)
    report = analyze(path, only=["script", "layout"])
    decoded = Context(load_document(path)).decoded_pixels(0)
    assert decoded is not None
    (page,) = report.results["script"]["pages"]
    assert page["lines"]
    for line in page["lines"]:
        assert box_decoded(decoded, tuple(line["box"]))
    for finding in report.findings:
        assert finding.severity <= Severity.NOTICE, finding.title
        assert finding.evidence["page_partly_decoded"] is True
        assert "only partly decoded" in finding.detail
        for region in finding.regions:
            assert box_decoded(decoded, (region.x, region.y, region.width, region.height))
