"""Tesseract asked its version and models ahead of a page's first reading (`workbench.ocr.probe`).

The real binary, the real fork `workbench check` analyses each document in: the answers are
those a reading would get, they are kept where a reading looks, and a forked analysis has
them without asking again.
"""

from __future__ import annotations

import pytest

from workbench.batch.isolated import run_within_limits
from workbench.errors import ToolUnavailableError
from workbench.limits import Limits
from workbench.ocr import Tesseract, default_engine
from workbench.ocr.engine import pytesseract
from workbench.ocr.probe import probe, probe_in_background


def _answered(engine: Tesseract) -> bool:
    """Whether `engine` holds its version and models without asking the binary again."""
    return {"version", "languages"} <= vars(engine).keys()


def test_the_answers_are_those_a_reading_gets() -> None:
    engine = Tesseract()
    probe(engine)
    assert _answered(engine)
    fresh = Tesseract()
    assert engine.version == fresh.version
    assert engine.languages == fresh.languages
    assert {"fas", "ara", "eng"} <= engine.languages
    asked = pytesseract.get_tesseract_version(cached=True)  # pytesseract's own, kept too
    assert (asked.major, asked.minor) == engine.version[:2]


def test_in_a_thread_joined_before_the_analysis() -> None:
    engine = Tesseract()
    thread = probe_in_background(engine)
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert _answered(engine)


def test_a_forked_analysis_inherits_the_answers() -> None:
    probe_in_background().join(timeout=60)
    assert _answered(default_engine())
    # Forked as `workbench check` forks each document's analysis.
    assert run_within_limits(lambda: _answered(default_engine()), Limits(), "probe") is True


def test_a_missing_binary_is_left_for_the_reading_to_report() -> None:
    engine = Tesseract(command="no-such-tesseract-binary")
    probe(engine)  # raises nothing, prints nothing
    assert not _answered(engine)
    with pytest.raises(ToolUnavailableError, match="was not found"):
        engine.check("fas")
