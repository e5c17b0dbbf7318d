"""The Tesseract installation asked about itself ahead of a page's first reading.

Before it reads a page, a process asks the binary three things, each a Tesseract process of
its own: its version and its language models (`Tesseract.version`, `Tesseract.languages`,
which `Tesseract.check` needs) and, inside pytesseract, its version again. In a whole
``workbench check`` of the samples' 150-dpi letter those three processes took about 0.2 s of
wall clock between the ``ocr`` check's start and Tesseract's reading of the page, with
nothing else running in the analysis meanwhile (`benchmarks/PROFILE.md`).

`probe_in_background` asks them in a thread while the command line imports the checks'
modules (Python work in the other thread; the three processes use the machine's other
core). The answers are kept where a reading looks for them (the engine's cached properties,
pytesseract's own cache of the version), so the analysis, forked afterwards, inherits them
and asks nothing again: the same answers, earlier.
"""

from __future__ import annotations

import logging
import threading

from workbench.ocr.engine import Tesseract, default_engine, pytesseract

log = logging.getLogger(__name__)


def _pytesseract_version(_image: object, timeout: float) -> object:
    """The version check of pytesseract, taking the arguments `Tesseract._call_tesseract` passes."""
    del timeout  # a version query is not a reading; pytesseract gives it no time limit
    return pytesseract.get_tesseract_version(cached=True)


def probe(engine: Tesseract) -> None:
    """Ask `engine`'s binary its version and models now, as a first reading would.

    A missing or unusable installation is not reported here: the first reading meets the
    same problem and reports it (none of the answers is kept when it fails).
    """
    try:
        _ = engine.version
        _ = engine.languages
        engine._call_tesseract(_pytesseract_version, "")
    except Exception:  # in a thread of its own: nothing may reach the command's output
        log.debug("asking tesseract about itself failed", exc_info=True)


def probe_in_background(engine: Tesseract | None = None) -> threading.Thread:
    """A started daemon thread running `probe` on `engine` (default: the process's engine).

    Join it before forking: a process forked while the thread waits on a Tesseract process
    would hold the write end of that process's output pipe, and the thread's wait would end
    only when the forked process does.
    """
    target = engine if engine is not None else default_engine()
    thread = threading.Thread(target=probe, args=(target,), name="workbench-probe", daemon=True)
    thread.start()
    return thread
