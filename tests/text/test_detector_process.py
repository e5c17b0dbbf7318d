"""The Arabic-script language detector in a process of its own gives this process's answers."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

from workbench.text import detector
from workbench.text.detector import _DetectorProcess, lingua_probabilities

#: Lines as the ``script`` check meets them on the samples' pages, and Arabic and Urdu text.
TEXTS = (
    "جمهوری اسلامی ایران",
    "وزارت امور خارجه",
    "موضوع: درخواست تمدید قرارداد",
    "في المدينة المنورة",
    "یہ ایک شہر ہے",
    "باسمه تعالی",
)


def test_the_process_answers_as_this_process_does() -> None:
    process = _DetectorProcess()
    process.wanted = True
    try:
        assert process.start()
        assert process._process is not None and process._process.pid != os.getpid()
        for text in TEXTS:
            # lingua sums in an order of its own per built detector: two processes differ
            # in the last bits (as two runs of the same check always have), never more
            answer = process.probabilities(text)
            assert answer is not None
            assert answer == pytest.approx(lingua_probabilities(text, "Arabic"), rel=1e-12)
            assert list(answer) == list(lingua_probabilities(text, "Arabic"))
    finally:
        running = process._process
        process.stop()
    assert running is not None and running.returncode is not None  # ended, waited for


def test_a_process_that_ended_leaves_the_answers_to_this_one() -> None:
    process = _DetectorProcess()
    process.wanted = True
    assert process.start()
    assert process._process is not None
    process._process.kill()
    process._process.wait()
    assert process.probabilities(TEXTS[0]) is None  # the caller then asks its own detector
    assert not process.start()  # and it is not started again


def test_without_the_process_the_detector_is_this_process_s() -> None:
    assert not detector._DETECTOR_PROCESS.wanted  # only a one-document check asks for it
    assert lingua_probabilities(TEXTS[0], "Arabic")["fa"] > 0.5


def test_once_stopped_no_process_starts_again() -> None:
    # A warm-up thread that read `wanted` just before the block ended must not start a
    # process nobody would stop.
    process = _DetectorProcess()
    process.wanted = True
    process.stop()
    assert not process.start()
    assert process.probabilities(TEXTS[0]) is None and process._process is None


def test_a_process_that_does_not_answer_in_time_is_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    process = _DetectorProcess()
    process.wanted = True
    monkeypatch.setattr(detector, "ANSWER_WAIT_S", 0.0)  # its models are not loaded by then
    assert process.start()
    running = process._process
    assert process.probabilities(TEXTS[0]) is None  # the caller then asks its own detector
    assert running is not None and running.returncode is not None  # ended, waited for
    assert not process.start()


def test_a_process_that_fails_says_why_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # An interpreter whose lingua cannot be imported: it writes why on its standard error
    # and ends before answering.
    failing = tmp_path / "python"
    failing.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'lingua'\" >&2\n")
    failing.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(failing))
    process = _DetectorProcess()
    process.wanted = True
    assert process.start()
    with caplog.at_level(logging.DEBUG, logger="workbench.text.detector"):
        assert process.probabilities(TEXTS[0]) is None  # the caller then asks its own detector
    assert "No module named 'lingua'" in caplog.text
    assert process._stderr is None  # its file closed
    process.stop()


def test_without_a_temporary_folder_the_process_still_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unwritable(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(detector.tempfile, "TemporaryFile", unwritable)
    process = _DetectorProcess()
    process.wanted = True
    try:
        assert process.start()  # its standard error then goes nowhere
        answer = process.probabilities(TEXTS[0])
        assert answer is not None and answer["fa"] > 0.5
    finally:
        process.stop()
