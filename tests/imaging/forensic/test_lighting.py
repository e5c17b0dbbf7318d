"""A page lit unevenly is evened out for the text methods only when its lighting is smooth.

The pages are an untouched scanned letter (`tests.support.scanned.scanned_letter`) multiplied
by a lighting field and saved as JPEG: a lamp's gradient, which `text_page` divides out, and a
shadow with a hard edge over one corner (a hand or a phone), which it cannot divide out and
must leave unjudged, as a page that is no paper page was before: evened out, the words along
the shadow's edge differed from the page's others by lighting alone and warned.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.support.scanned import scanned_letter
from workbench import analyze
from workbench.imaging.forensic.lighting import MAX_MISFIT, _evened, text_page
from workbench.imaging.forensic.paper_steps import bare_paper, is_paper_page
from workbench.model import Severity


def _lit(kind: str, darker: float, seed: int = 0) -> np.ndarray:
    """The untouched letter of `seed` under lighting `kind`, saved at JPEG quality 88, grey."""
    gray = np.asarray(scanned_letter(seed=seed).convert("L"), dtype=np.float32)
    h, w = gray.shape
    yy, xx = np.mgrid[0:h, 0:w]
    if kind == "gradient":
        field = 1.0 - darker * yy / h
    else:  # the lower-right quarter in shadow, its edge about 3 pixels wide
        edge = np.minimum(xx - 0.55 * w, yy - 0.55 * h)
        field = 1.0 - darker / (1.0 + np.exp(-edge / 3.0))
    buffer = io.BytesIO()
    Image.fromarray(np.clip(gray * field, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=88)
    return np.asarray(Image.open(buffer).convert("L"))


def test_a_lamps_gradient_is_evened_out_for_the_text_methods() -> None:
    gray = _lit("gradient", 0.4)
    on_paper = is_paper_page(*bare_paper(gray))
    assert not on_paper  # the gradient alone keeps the page from the text methods
    page, note = text_page(gray, on_paper)
    assert page is not None and note is not None and "lit unevenly" in note


def test_solid_print_on_a_lamps_gradient_is_no_misfit() -> None:
    # A solid logo and a scanner's dark border on the same page: solid print, no paper, so
    # the page is still evened out, its misfit that of the gradient alone.
    gray = _lit("gradient", 0.4)
    smooth = _evened(gray)[1]
    marked = gray.copy()
    marked[100:260, 100:260] = 30
    marked[:, :30] = 40
    page, note = text_page(marked, is_paper_page(*bare_paper(marked)))
    assert page is not None and note is not None
    assert _evened(marked)[1] == pytest.approx(smooth, abs=0.003)


@pytest.mark.parametrize("darker", [0.2, 0.4])
def test_a_hard_edged_shadow_is_not_evened_out(darker: float) -> None:
    gray = _lit("corner", darker)
    on_paper = is_paper_page(*bare_paper(gray))
    assert not on_paper
    assert text_page(gray, on_paper) == (None, None)
    # Refused for its misfit, not because the evened page would be no paper page.
    even, misfit = _evened(gray)
    assert misfit > MAX_MISFIT
    assert is_paper_page(*bare_paper(even))


@pytest.mark.slow
def test_untouched_letter_with_a_hard_edged_shadow_gets_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "shadowed.png"
    Image.fromarray(_lit("corner", 0.4)).save(path)
    report = analyze(path, only=["forensics"], out=tmp_path / "out")
    assert max((f.severity for f in report.findings), default=Severity.INFO) < Severity.WARNING
