"""Thresholds of the text methods set from genuine exemplars."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.support.forensic_fixtures import LINES, copy_word, jpeg, letter_page, retype
from workbench.imaging.forensic.calibration import (
    MARGIN,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    TextCalibration,
    calibrate_text,
)
from workbench.imaging.forensic.glyphs import FEATURES
from workbench.imaging.forensic.tamper import analyse_page
from workbench.imaging.words import find_words


def test_exemplars_set_spreads_and_thresholds() -> None:
    pages = [jpeg(letter_page(seed=s).image, 90) for s in (11, 12)]
    calibration = calibrate_text(pages)
    assert calibration.exemplars == 2
    assert set(calibration.spreads) == set(FEATURES)
    assert all(v > 0 for v in calibration.spreads.values())
    # Genuine pages leave no trace, so the thresholds stay at the page-only floor.
    assert calibration.thresholds == {"text_clone": MIN_THRESHOLD, "glyph": MIN_THRESHOLD}


def test_no_exemplar_pages_means_page_only_thresholds() -> None:
    calibration = calibrate_text([])
    assert calibration == TextCalibration()
    assert calibration.threshold("glyph", 0.5) == 0.5


def test_calibrated_analysis_still_finds_a_retyped_line() -> None:
    calibration = calibrate_text([jpeg(letter_page(seed=s).image, 90) for s in (11, 12)])
    edited, _ = retype(letter_page(seed=3).image, 160 + 100 + 70 * 3, LINES[4])
    traces = analyse_page(jpeg(edited, 90), calibration=calibration, keypoints=False)
    assert traces.scores["glyph"] >= 0.5
    assert traces.calibration.exemplars == 2


def _whitened_copy() -> np.ndarray:
    """A letter on whitened paper (a copier's threshold) with one word pasted again, at 78.

    Against its paper alone the pasted word is a weak trace; against a simulated copy saved
    at the file's quality it is a strong one (see the text copy-move tests).
    """
    page = letter_page(seed=3).image
    out = page.astype(np.float32)
    out = np.where(out > 200, 250 + (out - 238) * 0.3, out)
    whitened = cv2.bilateralFilter(np.clip(out, 0, 255).astype(np.uint8), 7, 30, 5)
    word = [w for w in find_words(page).words if w.box.width > 60][10].box
    edited, _ = copy_word(
        jpeg(whitened, 58), (word.x, word.y, word.width, word.height), (301, 1003)
    )
    return jpeg(edited, 78)


def test_exemplars_are_measured_with_their_files_quality() -> None:
    # A source whose genuine pages repeat a pasted word (a template) shows it only to the
    # comparison with a simulated copy, which needs the file's quality: measured without
    # it, the exemplars would set a threshold below what the questioned page is judged by.
    page = _whitened_copy()
    without = calibrate_text([page])
    measured = calibrate_text([page], [78])
    assert without.strongest["text_clone"] < 0.5 <= measured.strongest["text_clone"]
    # The same measurement as the questioned page gets, and a threshold raised above it.
    judged = analyse_page(page, jpeg_quality=78, keypoints=False)
    assert judged.scores["text_clone"] == measured.strongest["text_clone"]
    expected = min(measured.strongest["text_clone"] + MARGIN, MAX_THRESHOLD)
    assert measured.threshold("text_clone", 0.0) == expected
    assert expected > without.threshold("text_clone", 0.0)
    with pytest.raises(ValueError, match="qualities"):
        calibrate_text([page], [78, 78])
