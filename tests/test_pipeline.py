from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workbench.check import Check, Need
from workbench.context import ArtifactWriter, Context
from workbench.loading import load_document
from workbench.model import CheckResult, Region, Severity, Status
from workbench.pipeline import ProgressEvent, run_pipeline
from workbench.serialize import report_to_dict, validate_report


class Exploding(Check):
    name = "exploding"
    version = "1"
    title = "Raises"
    explanation = "Always raises, to test isolation."

    def run(self, context: Context) -> CheckResult:
        raise RuntimeError("boom")


class Garbage(Check):
    name = "garbage"
    version = "1"
    title = "Returns a bad finding code"
    explanation = "Returns a finding with another check's code."

    def run(self, context: Context) -> CheckResult:
        bad = self.finding("x", Severity.INFO, "t", "d")
        object.__setattr__(bad, "code", "file.sha256")
        return self.ok(findings=[bad])


class NotJson(Check):
    name = "notjson"
    version = "1"
    title = "Returns results that are not JSON"
    explanation = "Returns a set in its results."

    def run(self, context: Context) -> CheckResult:
        return self.ok(results={"values": {1, 2}})


class Heatmap(Check):
    name = "heat"
    version = "2"
    title = "Writes an artifact"
    explanation = "Writes a gradient heatmap and reports one region."
    needs = frozenset({Need.PAGES})

    def run(self, context: Context) -> CheckResult:
        gray = context.page_gray(0)
        heat = np.tile(np.arange(gray.shape[1], dtype=np.uint8), (gray.shape[0], 1))
        art = context.artifacts.write_png("page0-heat", heat, kind="tamper_heatmap", page=0)
        finding = self.finding(
            "hot",
            Severity.WARNING,
            "Hot region",
            "Gradient",
            page=0,
            regions=[Region(1, 2, 30, 40)],
        )
        return self.ok(findings=[finding], artifacts=[art], results={"mean": float(gray.mean())})


class NeedsExemplars(Check):
    name = "exemplars"
    version = "1"
    title = "Needs references"
    explanation = "Needs exemplars."
    needs = frozenset({Need.REFERENCES})

    def run(self, context: Context) -> CheckResult:  # pragma: no cover - never reached
        raise AssertionError


def test_failures_are_isolated(jpeg_letter: Path, tmp_path: Path) -> None:
    context = Context(document=load_document(jpeg_letter))
    events: list[ProgressEvent] = []
    report = run_pipeline(
        context,
        [Exploding(), Garbage(), NotJson(), Heatmap(), NeedsExemplars()],
        out_dir=tmp_path / "out",
        progress=events.append,
    )
    status = {c.name: c for c in report.checks}
    assert status["exploding"].status is Status.ERROR
    assert "RuntimeError: boom" in (status["exploding"].message or "")
    assert status["garbage"].status is Status.ERROR
    assert status["notjson"].status is Status.ERROR
    assert status["heat"].status is Status.OK
    assert status["exemplars"].status is Status.SKIPPED
    assert "--reference" in (status["exemplars"].message or "")
    assert all(c.duration_s >= 0 for c in report.checks)
    assert [f.code for f in report.findings] == ["heat.hot"]
    assert len(events) == 10 and events[-1].status is Status.SKIPPED
    # the event after each check carries its result, findings included, as the report has it
    ended = [e.result for e in events if e.result is not None]
    assert [r.name for r in ended] == [c.name for c in report.checks]
    assert [f.code for r in ended for f in r.findings] == ["heat.hot"]

    (artifact,) = report.artifacts
    assert artifact.id == "heat/page0-heat" and artifact.path == "artifacts/heat/page0-heat.png"
    written = Image.open(tmp_path / "out" / artifact.path)
    assert written.size == (1240, 1754)
    validate_report(report_to_dict(report))


def test_no_artifacts_without_output_folder(jpeg_letter: Path) -> None:
    report = run_pipeline(Context(document=load_document(jpeg_letter)), [Heatmap()])
    assert report.artifacts == ()
    assert report.findings[0].code == "heat.hot"


def test_run_length_png_keeps_every_pixel(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    image = np.repeat(rng.integers(0, 256, (30, 1), dtype=np.uint8), 40, axis=1)
    image[::7] = rng.integers(0, 256, image[::7].shape, dtype=np.uint8)  # some grain too
    art = ArtifactWriter("heat", tmp_path).write_png(
        "map", image, kind="tamper_heatmap", run_length=True
    )
    assert art is not None and art.media_type == "image/png"
    assert np.array_equal(np.asarray(Image.open(tmp_path / art.path)), image)


def test_page_checks_skipped_on_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("hello", encoding="utf-8")
    report = run_pipeline(Context(document=load_document(path)), [Heatmap()])
    assert report.checks[0].status is Status.SKIPPED
    assert "text" in (report.checks[0].message or "")


def test_context_computes_shared_evidence_once(jpeg_letter: Path) -> None:
    context = Context(document=load_document(jpeg_letter))
    calls = []

    def compute() -> int:
        calls.append(1)
        return 42

    view = context.for_check("a", None)
    assert view.cached(("x", 0), compute) == 42
    assert context.for_check("b", None).cached(("x", 0), compute) == 42
    assert len(calls) == 1
    gray = view.page_gray(0)
    assert gray is context.page_gray(0)
    with pytest.raises(ValueError):
        gray[0, 0] = 1  # shared arrays are read-only


def test_findings_sorted_worst_first(jpeg_letter: Path) -> None:
    class Mixed(Check):
        name = "mixed"
        version = "1"
        title = "t"
        explanation = "e"

        def run(self, context: Context) -> CheckResult:
            return self.ok(
                findings=[
                    self.finding("a", Severity.INFO, "a", "a"),
                    self.finding("b", Severity.CRITICAL, "b", "b"),
                    self.finding("c", Severity.NOTICE, "c", "c"),
                ]
            )

    report = run_pipeline(Context(document=load_document(jpeg_letter)), [Mixed()])
    assert [f.code for f in report.findings] == ["mixed.b", "mixed.c", "mixed.a"]


class OutOfMemory(Check):
    name = "hungry"
    version = "1"
    title = "Runs out of memory"
    explanation = "Allocates more than the process may, as a page past the memory budget does."

    def run(self, context: Context) -> CheckResult:
        raise MemoryError


def test_out_of_memory_is_a_plain_error_without_traceback(
    jpeg_letter: Path, caplog: pytest.LogCaptureFixture
) -> None:
    report = run_pipeline(Context(document=load_document(jpeg_letter)), [OutOfMemory()])
    (result,) = report.checks
    assert result.status is Status.ERROR
    assert "ran out of memory" in (result.message or "")
    assert "--max-memory-bytes" in (result.message or "")
    assert "Traceback" not in caplog.text and not caplog.records


class OpenCvOutOfMemory(Check):
    name = "opencv_hungry"
    version = "1"
    title = "Runs out of memory in OpenCV"
    explanation = "Resizes a page to 3.6 GB, past the memory budget it runs under."

    def run(self, context: Context) -> CheckResult:
        import cv2

        cv2.resize(np.zeros((10, 10), np.uint8), (60000, 60000))
        return self.ok()


def _report_within_one_gib(path: Path) -> list[tuple[str, str]]:
    report = run_pipeline(Context(document=load_document(path)), [OpenCvOutOfMemory()])
    return [(c.status.value, c.message or "") for c in report.checks]


def test_opencv_out_of_memory_is_a_plain_error_without_traceback(jpeg_letter: Path) -> None:
    from workbench.batch.isolated import run_within_limits
    from workbench.limits import Limits

    limits = Limits(max_seconds=120, max_memory_bytes=2**30)
    ((status, message),) = run_within_limits(
        lambda: _report_within_one_gib(jpeg_letter), limits, "letter"
    )
    assert status == "error"
    assert "ran out of memory" in message and "internal error" not in message


class WarmedUp(Check):
    """Loads its 'model' in `warm_up`; `run` says whether it was loaded in another thread."""

    name = "warmed"
    version = "1"
    title = "Warms up"
    explanation = "Records the thread its warm-up ran in."

    def __init__(self) -> None:
        self.loaded = threading.Event()
        self.thread: str | None = None

    def warm_up(self, context: Context) -> None:
        self.thread = threading.current_thread().name
        self.loaded.set()

    def run(self, context: Context) -> CheckResult:
        assert self.loaded.wait(30)
        return self.ok(results={"warmed_in": self.thread})


class FailingWarmUp(Heatmap):
    name = "coldheat"

    def warm_up(self, context: Context) -> None:
        raise RuntimeError("no model")


def test_checks_warm_up_in_a_background_thread(jpeg_letter: Path) -> None:
    warmed = WarmedUp()
    context = Context(document=load_document(jpeg_letter))
    report = run_pipeline(context, [FailingWarmUp(), warmed])
    status = {c.name: c for c in report.checks}
    # a warm-up that fails leaves its check to run and report as usual
    assert status["coldheat"].status is Status.OK
    assert status["warmed"].status is Status.OK
    assert report.results["warmed"]["warmed_in"] == "workbench-warm-up"
    assert warmed.thread != threading.current_thread().name
