"""Tesseract processes at work: whether one runs now, and the CPU time they used.

Some work holds the interpreter's lock for seconds: lingua loads its models in one call of
its own code. Started while the thread that reads the page still needs the lock (to write
the image and start Tesseract), it stops that thread for as long; started once Tesseract
runs, it costs that thread nothing until the reading ends. `Tesseract` counts its running
processes here (`tesseract_running`), and `wait_while_reading` waits for one.

Kept apart from `workbench.ocr.engine` so that waiting imports nothing of pytesseract,
NumPy or OpenCV.
"""

from __future__ import annotations

import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: Seconds a Tesseract process has run before `wait_while_reading` lets other work start.
READING_SETTLE_S = 0.1

# Tesseract processes running now in this process's threads, and since when one has been.
_BUSY = threading.Condition()
_running = 0
_busy_since = 0.0


@contextmanager
def tesseract_running() -> Iterator[None]:
    """Count a Tesseract process as running for the duration of the block."""
    global _running, _busy_since
    with _BUSY:
        if _running == 0:
            _busy_since = time.monotonic()
        _running += 1
        _BUSY.notify_all()
    try:
        yield
    finally:
        with _BUSY:
            _running -= 1
            _BUSY.notify_all()


def wait_while_reading(give_up: threading.Event, settle_s: float = READING_SETTLE_S) -> bool:
    """Block until a Tesseract process has been running for `settle_s`; False if `give_up`.

    `settle_s` lets the process start (a few line readings of 0.05 s do not count), and
    `give_up` ends the wait when no reading is coming (a document without page images, a
    failed check).
    """
    while not give_up.is_set():
        with _BUSY:
            if _running == 0:
                _BUSY.wait(0.05)
                continue
            waited = time.monotonic() - _busy_since
        if waited >= settle_s:
            return True
        give_up.wait(settle_s - waited)
    return False


def cpu_time() -> float:
    """CPU seconds used so far by this process and its finished child processes (Tesseract).

    Children are counted when they end, so the difference around a reading includes the
    Tesseract processes it ran (and any other child another thread reaped meanwhile).
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
