"""The image checks beside the text checks (`run_pipeline(beside=True)`), and the context
they share from two threads."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from workbench import pipeline
from workbench.check import Check, Need
from workbench.context import Context
from workbench.loading import load_document
from workbench.model import CheckResult, Severity, Status
from workbench.pipeline import ProgressEvent, run_pipeline
from workbench.registry import discover
from workbench.serialize import report_to_dict
from workbench.text import detector

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
QUESTIONED = SAMPLES / "questioned" / "letter_1380-02-24.jpg"


class Reading(Check):
    """Stands for ``ocr``: reads the page with Tesseract (the context's reading)."""

    name = "reading"
    version = "1"
    title = "Reads the page"
    explanation = "Reads the page with Tesseract, as the ocr check starts."
    needs = frozenset({Need.PAGES})
    order = 20

    def __init__(self) -> None:
        self.ended = 0.0

    def run(self, context: Context) -> CheckResult:
        words = context.ocr_result(0).page.words
        self.ended = time.monotonic()
        return self.ok(results={"thread": threading.current_thread().name, "words": len(words)})


class Pixels(Check):
    """An image check: reads the page's pixels beside the reading."""

    name = "pixels"
    version = "1"
    title = "Reads pixels"
    explanation = "Reads the page in grey beside the reading."
    needs = frozenset({Need.PAGES})
    order = 15
    beside_reading = True

    def __init__(self) -> None:
        self.started = 0.0

    def run(self, context: Context) -> CheckResult:
        self.started = time.monotonic()
        gray = np.asarray(context.page_gray(0))  # not held up by the reading
        finding = self.finding("seen", Severity.INFO, "Seen", "The page was read in grey.")
        return self.ok(
            findings=[finding],
            results={"thread": threading.current_thread().name, "height": int(gray.shape[0])},
        )


class Numbers(Check):
    """Stands for ``forensics``: beside the reading, and reads the page's words from it."""

    name = "numbers"
    version = "1"
    title = "Uses the reading"
    explanation = "Asks for the reading the reading check makes."
    needs = frozenset({Need.PAGES})
    order = 40
    beside_reading = True

    def __init__(self) -> None:
        self.reading: object = None

    def run(self, context: Context) -> CheckResult:
        self.reading = context.ocr_result(0)  # the other lane's, waited for
        finding = self.finding("used", Severity.WARNING, "Used", "The reading was used.")
        return self.ok(findings=[finding], results={"words": len(context.ocr_result(0).page.words)})


def test_image_checks_run_beside_the_reading_with_the_same_report() -> None:
    events: list[ProgressEvent] = []
    pixels, reading, numbers = Pixels(), Reading(), Numbers()
    context = Context(document=load_document(QUESTIONED))
    report = run_pipeline(context, [pixels, reading, numbers], beside=True, progress=events.append)
    by_name = {c.name: c for c in report.checks}
    assert [c.name for c in report.checks] == ["pixels", "reading", "numbers"]  # run order
    assert all(c.status is Status.OK for c in report.checks)
    assert by_name["pixels"].results is not None
    assert by_name["pixels"].results["thread"] == "workbench-checks-beside"
    assert by_name["reading"].results is not None
    assert by_name["reading"].results["thread"] == threading.current_thread().name
    # the image check ran while Tesseract read the page, not before it started
    assert pixels.started < reading.ended
    # the reading is made once, in its lane; the other lane waits for it
    assert numbers.reading is context.ocr_result(0)
    assert report.results["numbers"]["words"] == report.results["reading"]["words"] > 20
    assert [f.code for f in report.findings] == ["numbers.used", "pixels.seen"]
    assert len(events) == 6 and sorted(e.index for e in events) == [0, 0, 1, 1, 2, 2]

    # one lane: the same report apart from the checks' durations and threads
    alone = run_pipeline(
        Context(document=load_document(QUESTIONED)), [Pixels(), Reading(), Numbers()]
    )
    assert _without_timings(report_to_dict(alone)) == _without_timings(report_to_dict(report))


#: Report keys that hold timings (a check's and the ``ocr`` check's per page), or the thread.
_TIMINGS = ("duration_s", "seconds", "thread")


def _without_timings(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in _TIMINGS}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def test_a_large_document_keeps_one_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BESIDE_MAX_PIXELS", 1_000_000)  # the letter has 1.1 M
    report = run_pipeline(Context(document=load_document(QUESTIONED)), [Pixels()], beside=True)
    assert report.results["pixels"]["thread"] == threading.current_thread().name


def test_a_value_asked_for_by_two_threads_is_computed_once(jpeg_letter: Path) -> None:
    context = Context(document=load_document(jpeg_letter))
    calls: list[str] = []
    first_inside = threading.Event()

    def compute() -> np.ndarray:
        calls.append(threading.current_thread().name)
        first_inside.set()
        return np.asarray(context.page_gray(0)) // 2

    got: list[np.ndarray] = []
    other = threading.Thread(target=lambda: got.append(context.cached(("half", 0), compute)))
    other.start()
    assert first_inside.wait(30)
    mine = context.cached(("half", 0), compute)
    other.join(30)
    assert len(calls) == 1 and got[0] is mine


def test_a_value_computed_by_one_thread_does_not_hold_up_another(jpeg_letter: Path) -> None:
    context = Context(document=load_document(jpeg_letter))
    inside, release = threading.Event(), threading.Event()

    def slow() -> int:
        inside.set()
        assert release.wait(30)
        return 1

    other = threading.Thread(target=lambda: context.cached(("slow", 0), slow))
    other.start()
    assert inside.wait(30)
    gray = np.asarray(context.page_gray(0))  # computed here while the other waits
    release.set()
    other.join(30)
    assert gray.shape == (1754, 1240) and context.cached(("slow", 0), lambda: 2) == 1


def test_a_failed_computation_is_tried_again(jpeg_letter: Path) -> None:
    context = Context(document=load_document(jpeg_letter))
    attempts: list[int] = []

    def compute() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("first attempt fails")
        return int(np.asarray(context.page_gray(0)).shape[0])

    with pytest.raises(OSError):
        context.cached(("height", 0), compute)
    assert context.cached(("height", 0), compute) == 1754 and len(attempts) == 2


def test_the_image_checks_are_the_ones_beside_the_reading() -> None:
    beside = {cls.name for cls in discover().checks if cls.beside_reading}
    assert beside == {"file", "metadata", "c2pa", "fingerprint", "compression", "forensics"} | {
        "layout"
    }


def test_a_whole_check_of_the_questioned_letter_is_the_same_beside(tmp_path: Path) -> None:
    """The built-in checks on a sample page, Tesseract alone: the same report either way."""
    from workbench.api import analyze_document

    only = ["file", "fingerprint", "compression", "ocr", "script", "dates", "layout"]
    reports = [
        analyze_document(
            load_document(QUESTIONED),
            only=only,
            options={"ocr.reader": "tesseract"},
            beside=beside,
        ).report
        for beside in (False, True)
    ]
    first, second = (_without_timings(report_to_dict(r)) for r in reports)
    assert first == second
    assert [c.name for c in reports[1].checks] == [c.name for c in reports[0].checks]
    # the language detector's process of that run has ended, and later texts are this one's
    assert not detector._DETECTOR_PROCESS.wanted and detector._DETECTOR_PROCESS._process is None
