"""The image checks beside the text checks (`run_pipeline(beside=True)`), and the context
they share from two threads."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

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


class SlowReading(Check):
    """Stands for ``ocr``: computes a shared value from the page that takes a while."""

    name = "reading"
    version = "1"
    title = "Reads the page slowly"
    explanation = "Computes a value of the page that another check also asks for."
    needs = frozenset({Need.PAGES})
    order = 20

    def __init__(self, started: threading.Event, release: threading.Event) -> None:
        self.started = started
        self.release = release

    def run(self, context: Context) -> CheckResult:
        def compute() -> float:
            self.started.set()
            assert self.release.wait(30)
            return float(np.asarray(context.page_gray(0)).mean())

        value = context.cached(("test-reading", 0), compute)
        return self.ok(results={"thread": threading.current_thread().name, "value": value})


class Pixels(Check):
    """An image check: reads the page's pixels while the reading is computed elsewhere."""

    name = "pixels"
    version = "1"
    title = "Reads pixels"
    explanation = "Reads the page in grey beside the reading."
    needs = frozenset({Need.PAGES})
    order = 15
    beside_reading = True

    def __init__(self, started: threading.Event, release: threading.Event) -> None:
        self.started = started
        self.release = release

    def run(self, context: Context) -> CheckResult:
        assert self.started.wait(30)  # the reading's computation has begun in the other lane
        gray = np.asarray(context.page_gray(0))  # not held up by that computation
        self.release.set()
        finding = self.finding("seen", Severity.INFO, "Seen", "The page was read in grey.")
        return self.ok(
            findings=[finding],
            results={"thread": threading.current_thread().name, "height": int(gray.shape[0])},
        )


class Numbers(Check):
    """Stands for ``forensics``: beside the reading, and needs the reading's value."""

    name = "numbers"
    version = "1"
    title = "Uses the reading"
    explanation = "Asks for the value the reading check computes."
    needs = frozenset({Need.PAGES})
    order = 40
    beside_reading = True

    def __init__(self) -> None:
        self.computed = 0

    def run(self, context: Context) -> CheckResult:
        def compute() -> float:  # never called: the reading's value is waited for
            self.computed += 1
            return -1.0

        value = context.cached(("test-reading", 0), compute)
        finding = self.finding("used", Severity.WARNING, "Used", "The reading was used.")
        return self.ok(findings=[finding], results={"value": value})


def _checks() -> list[Check]:
    started, release = threading.Event(), threading.Event()
    return [Pixels(started, release), SlowReading(started, release), Numbers()]


def test_image_checks_run_beside_the_reading_with_the_same_report(jpeg_letter: Path) -> None:
    events: list[ProgressEvent] = []
    checks = _checks()
    report = run_pipeline(
        Context(document=load_document(jpeg_letter)), checks, beside=True, progress=events.append
    )
    by_name = {c.name: c for c in report.checks}
    assert [c.name for c in report.checks] == ["pixels", "reading", "numbers"]  # run order
    assert all(c.status is Status.OK for c in report.checks)
    assert by_name["pixels"].results is not None
    assert by_name["pixels"].results["thread"] == "workbench-checks-beside"
    assert by_name["reading"].results is not None
    assert by_name["reading"].results["thread"] == threading.current_thread().name
    # the reading's value is computed once, in its lane, and the other lane waits for it
    value = by_name["reading"].results["value"]
    assert report.results["numbers"]["value"] == value and value > 0
    numbers = checks[2]
    assert isinstance(numbers, Numbers) and numbers.computed == 0
    assert [f.code for f in report.findings] == ["numbers.used", "pixels.seen"]
    assert len(events) == 6 and sorted(e.index for e in events) == [0, 0, 1, 1, 2, 2]

    # one lane: the same report apart from the checks' durations
    alone = run_pipeline(Context(document=load_document(jpeg_letter)), _checks_in_one_lane())
    assert _without_timings(report_to_dict(alone)) == _without_timings(report_to_dict(report))


def _checks_in_one_lane() -> list[Check]:
    """`_checks` for a run without ``beside``: the pixels check does not wait for a lane."""
    started, release = threading.Event(), threading.Event()
    started.set()
    release.set()
    return [Pixels(started, release), SlowReading(started, release), Numbers()]


#: Report keys that hold timings (a check's and the ``ocr`` check's per page), or the thread.
_TIMINGS = ("duration_s", "seconds", "thread")


def _without_timings(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in _TIMINGS}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


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
    assert not detector._HELPER.wanted and detector._HELPER._process is None
