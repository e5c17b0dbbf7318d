"""Flat fill along the page's edge (deskewed corners, borders) is padding, not paper."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from workbench_checks.forensics.check import ForensicsCheck
from workbench_checks.forensics.findings import page_findings

from tests.support.scanned import jpeg_gray, scanned_letter
from workbench.imaging.forensic.noise import noise_inconsistency, noise_strength
from workbench.imaging.forensic.padding import padding_mask
from workbench.imaging.forensic.paper_steps import median_level, paper_steps
from workbench.imaging.forensic.tamper import analyse_page
from workbench.model import Severity

#: Where a block of another scan is pasted (x0, y0, x1, y1), off the 8 x 8 grid.
PASTE = (203, 597, 861, 803)


@pytest.fixture(scope="module")
def letter() -> np.ndarray:
    """An untouched scanned letter (150 dpi, sensor noise), as luminance."""
    return np.asarray(scanned_letter(seed=0).convert("L")).copy()


def _deskewed(gray: np.ndarray, angle: float, fill: int) -> np.ndarray:
    """`gray` (grey or RGB) turned by `angle` degrees, the uncovered corners filled with `fill`."""
    h, w = gray.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out: np.ndarray = cv2.warpAffine(
        gray, turn, (w, h), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=(fill, fill, fill),
    )  # fmt: skip
    return out


def _bordered(gray: np.ndarray, value: int) -> np.ndarray:
    """`gray` with a flat border ring of `value` (80 rows, 60 columns)."""
    out = gray.copy()
    out[:80], out[-80:], out[:, :60], out[:, -60:] = value, value, value, value
    return out


def _warnings(gray: np.ndarray, *, every: bool = False) -> list[str]:
    """Codes of the forensics check's findings of warning or above on the page.

    The copy-move and text methods run only with `every` (they take most of the time and
    do not read the padding).
    """
    traces = analyse_page(gray, keypoints=every, blocks=every, text=every)
    findings = page_findings(ForensicsCheck(), 0, traces, 1.0)
    return [f.code for f in findings if f.severity >= Severity.WARNING]


def _level(gray: np.ndarray) -> float:
    return median_level(gray)


def test_untouched_pages_have_no_padding(letter: np.ndarray) -> None:
    # Scanned paper carries noise; after a low-quality JPEG save its paper is flat in places,
    # but at the paper's own tone and in short stretches along the edge.
    for page in (letter, jpeg_gray(np.asarray(scanned_letter(seed=0)), 60)):
        assert not padding_mask(page, _level(page)).any()


@pytest.mark.parametrize("fill", [255, 5])
def test_deskewed_corners_are_padding(letter: np.ndarray, fill: int) -> None:
    page = _deskewed(letter, 2.5, fill)
    pad = padding_mask(page, _level(page))
    corners = page == fill
    corners[200:-200, 200:-200] = False  # print is not fill
    assert pad[corners].mean() > 0.95
    # The paper in the page's middle is untouched by the rule.
    assert not pad[300:-300, 300:-300].any()


@pytest.mark.parametrize("quality", [None, 90])
def test_deskewed_letter_with_white_corners_does_not_warn(
    letter: np.ndarray, quality: int | None
) -> None:
    # Before the rule: one noise warning and four paper-step warnings (PNG), four paper-step
    # warnings (JPEG at quality 90).
    page = _deskewed(np.asarray(scanned_letter(seed=0)), 2.5, 255)
    gray = (
        jpeg_gray(page, quality) if quality else np.asarray(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY))
    )
    assert _warnings(gray) == []


@pytest.mark.parametrize("value", [5, 40, 128])
def test_bordered_page_does_not_warn(letter: np.ndarray, value: int) -> None:
    # Before the rule: a noise warning whose region was the whole page.
    assert _warnings(_bordered(letter, value)) == []


def test_noisy_border_is_still_judged(letter: np.ndarray) -> None:
    rng = np.random.default_rng(2)
    page = _bordered(letter, 15).astype(np.float64)
    page[page == 15] += rng.normal(0, 2.5, int((page == 15).sum()))
    noisy = np.clip(np.rint(page), 0, 255).astype(np.uint8)
    assert not padding_mask(noisy, _level(noisy)).any()


def test_fill_at_the_papers_tone_is_still_judged(letter: np.ndarray) -> None:
    # An area erased flat to the paper's own tone up to the page's edge is not padding: the
    # noise method still finds it smoother than the page.
    page = letter.copy()
    level = _level(page)
    page[:200] = int(level)
    assert not padding_mask(page, level).any()
    noise = noise_inconsistency(page, 32)
    assert float(noise_strength(noise)[:6].max()) > 0.5


def test_pasted_block_still_found_on_a_deskewed_page() -> None:
    page = jpeg_gray(_deskewed(np.asarray(scanned_letter(seed=0)), 2.5, 255), 80)
    other = np.asarray(scanned_letter(seed=1)).astype(np.int16) - 5
    donor = jpeg_gray(np.clip(other, 0, 255).astype(np.uint8), 85)
    x0, y0, x1, y1 = PASTE
    page[y0:y1, x0:x1] = donor[y0 + 40 : y1 + 40, x0:x1]
    gray = jpeg_gray(page, 90)
    pad = padding_mask(gray, _level(gray))
    assert pad.any()
    result = paper_steps(gray, padding=pad)
    assert result.region_score > 0.5
    best = result.regions[0]
    cx, cy = best.x + best.width / 2, best.y + best.height / 2
    assert x0 <= cx <= x1 and y0 <= cy <= y1
    # And the whole check still warns on it.
    assert "forensics.paper_step" in _warnings(gray, every=True)


def test_the_page_says_what_was_not_judged(letter: np.ndarray) -> None:
    # A flat fill at the edge may also be an area erased up to it: the page's notes say so.
    traces = analyse_page(_bordered(letter, 40), keypoints=False, blocks=False, text=False)
    assert any("Flat fill along the page's edge" in n and "erased" in n for n in traces.notes)
    plain = analyse_page(letter, keypoints=False, blocks=False, text=False)
    assert not any("Flat fill" in n for n in plain.notes)
