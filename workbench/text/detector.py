"""The statistical language detector (lingua), built once per process and per script.

`workbench.text.script` consults it only when orthography and vocabulary leave the answer
open; building a detector costs about a second, so each is built on first use, under a lock,
and shared by every thread. Lingua is imported here only, when a detector is first needed.

Loading the Arabic-script detector's models (0.6-0.75 CPU s) holds the interpreter's lock
for all of it: whatever else the process runs in Python meanwhile waits. A process that
checks one document (`workbench check`) can have them loaded and consulted in a process of
its own instead (`detector_in_a_process_of_its_own`), on the machine's other core: the same
lingua, the same texts, the same probabilities but for their last bits (reports round them).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import select
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

log = logging.getLogger(__name__)

#: Longest wait for the detector's process to answer a text, its models' load included (about
#: a second on an idle machine): beyond it the process is ended and this one answers.
ANSWER_WAIT_S = 60.0

#: Bytes of the end of what the detector's process wrote on its standard error, logged when
#: it fails (a traceback's last lines say why).
STDERR_TAIL_BYTES = 2000

#: Characters of the statistical detector's input: beyond this, more text adds no accuracy.
LINGUA_MAX_CHARS = 2000


class _Detectors:
    """Lazily built lingua detectors, one per script, shared by all threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: dict[str, LanguageDetector | None] = {}

    def get(self, script: str) -> LanguageDetector | None:
        with self._lock:
            if script not in self._built:
                self._built[script] = _build_detector(script)
            return self._built[script]


def _build_detector(script: str) -> LanguageDetector | None:
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:  # pragma: no cover - a declared dependency; degrade, never crash
        return None
    if script == "Arabic":
        # High accuracy mode: short strings are exactly where the detector is needed.
        return LanguageDetectorBuilder.from_languages(
            Language.PERSIAN, Language.ARABIC, Language.URDU
        ).build()
    languages = _LINGUA_BY_SCRIPT.get(script)
    if not languages:
        return None
    chosen = [getattr(Language, name) for name in languages]
    return LanguageDetectorBuilder.from_languages(*chosen).with_low_accuracy_mode().build()


#: Lingua languages considered for text in other scripts (low-accuracy mode: small and fast).
_LINGUA_BY_SCRIPT: dict[str, tuple[str, ...]] = {
    "Latin": (
        "ENGLISH",
        "FRENCH",
        "GERMAN",
        "SPANISH",
        "ITALIAN",
        "PORTUGUESE",
        "DUTCH",
        "TURKISH",
        "AZERBAIJANI",
        "INDONESIAN",
        "POLISH",
        "SWEDISH",
    ),
    "Cyrillic": ("RUSSIAN", "UKRAINIAN", "BULGARIAN", "SERBIAN", "KAZAKH", "MONGOLIAN"),
}

DETECTORS = _Detectors()


#: Texts whose classification loads every model of the Arabic-script detector: lingua loads
#: a language's models only for text its letters allow, so a Persian-only word (with گ, ی)
#: loads Persian's alone, and the first Arabic-looking line then paid the rest.
_WARM_UP_TEXTS = ("این یک متن است", "في المدينة", "یہ ایک شہر ہے")


def warm_up() -> None:
    """Build the Arabic-script detector and load all its models now (~1 s of CPU once).

    Within `detector_in_a_process_of_its_own`, start that process instead (it loads them).
    """
    if _DETECTOR_PROCESS.wanted and _DETECTOR_PROCESS.start():
        return
    _load_models(DETECTORS.get("Arabic"))


def _load_models(detector: LanguageDetector | None) -> LanguageDetector | None:
    """`detector` (the Arabic-script one) with every model loaded."""
    if detector is not None:
        for text in _WARM_UP_TEXTS:
            detector.compute_language_confidence_values(text)
    return detector


def lingua_probabilities(text: str, script: str) -> dict[str, float]:
    """Lingua's probabilities by ISO 639-1 code for `text` (at most `LINGUA_MAX_CHARS`)."""
    sample = text[:LINGUA_MAX_CHARS].encode("utf-8", "replace").decode("utf-8")
    if script == "Arabic" and _DETECTOR_PROCESS.wanted:
        found = _DETECTOR_PROCESS.probabilities(sample)
        if found is not None:
            return found
    detector = DETECTORS.get(script)
    if detector is None:
        return {}
    return _probabilities(detector, sample)


def _probabilities(detector: LanguageDetector, sample: str) -> dict[str, float]:
    values = detector.compute_language_confidence_values(sample)
    return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}


def start_the_detectors_process() -> None:
    """Within `detector_in_a_process_of_its_own`, start the process now; else nothing.

    Its models then load while this process prepares and reads the page.
    """
    if _DETECTOR_PROCESS.wanted:
        _DETECTOR_PROCESS.start()


@contextmanager
def detector_in_a_process_of_its_own() -> Iterator[None]:
    """Within the block, the Arabic-script detector loads and runs in a process of its own.

    For a process that checks one document on an otherwise idle machine (`workbench
    check`): the models then load on the other core while this process goes on, instead
    of holding this process's interpreter lock. The process starts with
    `start_the_detectors_process` or `warm_up` (or the first text classified) and is
    ended and waited for when the block ends (its CPU time then counts among this
    process's children's). A batch worker, which loads the models once for many
    documents, keeps them in its own process.
    """
    _DETECTOR_PROCESS.wanted = True
    try:
        yield
    finally:
        _DETECTOR_PROCESS.stop()


def _serve_lines() -> None:
    """The detector's process: load the models, then answer each line until input ends.

    Each line of standard input is a JSON string, a text; each line written back is its
    probabilities as a JSON list of ``[code, probability]`` pairs, in lingua's order
    (JSON writes a float so that it reads back the same).
    """
    detector = _load_models(_build_detector("Arabic"))
    for line in sys.stdin:
        found = [] if detector is None else list(_probabilities(detector, json.loads(line)).items())
        sys.stdout.write(json.dumps(found) + "\n")
        sys.stdout.flush()


class _DetectorProcess:
    """The Arabic-script detector in a process of its own, asked through its pipes.

    A new interpreter (``python -m workbench.text.detector``), not a fork: the process that
    asks runs other threads, and a fork would also copy the pipes of a Tesseract process
    another thread is starting (its reading would then never end). Any failure (the
    process could not start, or died) is logged and the caller's own detector answers
    instead: the same probabilities, at the cost of the load.
    """

    def __init__(self) -> None:
        self.wanted = False
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None
        self._failed = False

    def start(self) -> bool:
        """Start the process if it is not running; whether it runs."""
        with self._lock:
            return self._started() is not None

    def _started(self) -> subprocess.Popen[str] | None:
        if self._process is not None or self._failed or not self.wanted:
            return self._process
        self._close_stderr()  # (none is open: a failed start closed its own)
        # What the process writes on its standard error (a failed import, a traceback) is
        # kept in a file of its own, to say why when it fails; a pipe nobody reads could
        # fill and stop it. Without a writable temporary folder it goes nowhere.
        with contextlib.suppress(OSError):
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (open while the process runs)
        try:
            self._process = subprocess.Popen(
                # -P: the working directory (a folder of downloaded files) is not put on
                # the new interpreter's import path.
                [sys.executable, "-P", "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr if self._stderr is not None else subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                bufsize=1,
            )
        except (OSError, TypeError, ValueError) as exc:  # no interpreter to start (frozen)
            log.info("the language detector's process did not start: %s", exc)
            self._failed = True
            self._close_stderr()
        return self._process

    def _close_stderr(self) -> str:
        """Close the process's standard-error file; the last of what it wrote."""
        stream, self._stderr = self._stderr, None
        if stream is None:
            return ""
        with stream, contextlib.suppress(OSError):
            stream.seek(max(0, stream.seek(0, io.SEEK_END) - STDERR_TAIL_BYTES))
            return stream.read().decode("utf-8", "replace").strip()
        return ""

    def stop(self) -> None:
        """End the detector's process now (loading or not) and wait for it; start no other."""
        with self._lock:
            self.wanted = False
            process, self._process = self._process, None
            if process is not None:
                _end(process)
            self._close_stderr()

    def probabilities(self, sample: str) -> dict[str, float] | None:
        """The process's answer for `sample`; None if it has none (then ask locally)."""
        with self._lock:
            process = self._started()
            if process is None or process.stdin is None or process.stdout is None:
                return None
            try:
                process.stdin.write(json.dumps(sample) + "\n")
                process.stdin.flush()
                ready, _, _ = select.select([process.stdout], [], [], ANSWER_WAIT_S)
                if not ready:
                    raise TimeoutError(f"no answer in {ANSWER_WAIT_S} s")
                pairs = json.loads(process.stdout.readline())
            except BaseException as exc:  # ended, stuck, or interrupted between question
                # and answer (a later answer would then be this one's): not asked again
                self._failed = True
                self._process = None
                _end(process)
                log.info(
                    "the language detector's process ended: %s; it wrote: %s",
                    exc,
                    self._close_stderr() or "nothing",
                )
                if not isinstance(exc, (OSError, ValueError)):  # TimeoutError is an OSError
                    raise
                return None
            return {str(code): float(value) for code, value in pairs}


def _end(process: subprocess.Popen[str]) -> None:
    """Kill the detector's process, close its pipes and wait for it, whatever fails."""
    try:
        process.kill()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
    finally:
        process.wait()


_DETECTOR_PROCESS = _DetectorProcess()

if __name__ == "__main__":
    _serve_lines()
