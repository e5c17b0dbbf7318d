"""The text methods judge print on paper, not photographs or drawn scenes."""

from __future__ import annotations

import cv2
import numpy as np

from tests.support.forensic_fixtures import jpeg, letter_page, shapes_scene
from workbench.imaging.forensic.tamper import analyse_page

NOTE = "Words were not compared"


def _gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def test_drawn_scenes_get_no_text_traces_and_say_why() -> None:
    # These scenes gave glyph outliers up to strength 0.75 (bright line segments) when the
    # text methods ran on every page.
    for seed, shape, count in (
        (517, (768, 1024), 60),
        (518, (600, 800), 45),
        (519, (768, 1024), 60),
    ):
        traces = analyse_page(jpeg(_gray(shapes_scene(shape, seed=seed, count=count)), 90))
        assert traces.scores["glyph"] == 0.0 and traces.scores["text_clone"] == 0.0
        assert traces.glyph_outliers == [] and traces.text_clones == []
        assert any(n.startswith(NOTE) and "not mostly light bare paper" in n for n in traces.notes)


def test_a_letter_page_is_still_read_for_words() -> None:
    traces = analyse_page(jpeg(letter_page(seed=3).image, 85))
    assert not any(n.startswith(NOTE) for n in traces.notes)
