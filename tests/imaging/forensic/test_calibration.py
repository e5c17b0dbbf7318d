"""Thresholds of the text methods set from genuine exemplars."""

from __future__ import annotations

from tests.support.forensic_fixtures import LINES, jpeg, letter_page, retype
from workbench.imaging.forensic.calibration import MIN_THRESHOLD, TextCalibration, calibrate_text
from workbench.imaging.forensic.glyphs import FEATURES
from workbench.imaging.forensic.tamper import analyse_page


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
