"""Timeline of one ``workbench check``: what runs when, in which process and thread.

Runs the command line in this process (``workbench check ARGS``) with timers around the
steps that decide its wall-clock time: the command's imports, `discover` (the checks'
modules), the forked analysis, each check, each warm-up, each Tesseract process. Each event
is printed as seconds since this script started (wall clock), the process and thread, and
the CPU seconds the process had used by then (its own, not its children's). Events of the
forked analysis are written to a file and merged, so the order of the two processes shows.

What it answers: what runs while Tesseract reads the page, what waits for what, and how
much of the whole is start-up. On a shared machine the seconds move with the load: read
the order and the gaps, and run it more than once.

Usage: ``python benchmarks/check_timeline.py PAGE [workbench check options]``, e.g.
``python benchmarks/check_timeline.py samples/questioned/letter_1380-02-24.jpg --reader
tesseract``.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.time()


def _event(log: Path, what: str) -> None:
    """Append one event line (seconds, pid, thread, process CPU, what) to `log`."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    line = (
        f"{time.time() - STARTED:7.3f}  {os.getpid():>7}  "
        f"{threading.current_thread().name:<24}  {usage.ru_utime + usage.ru_stime:5.2f}  {what}\n"
    )
    with log.open("a", encoding="utf-8") as fh:
        fh.write(line)


def _timed(log: Path, label: Callable[..., str], function: Callable[..., Any]) -> Any:
    """`function` wrapped to log ``<label> start`` and ``<label> end`` around each call."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        name = label(*args, **kwargs)
        _event(log, f"{name} start")
        try:
            return function(*args, **kwargs)
        finally:
            _event(log, f"{name} end")

    return wrapper


def instrument(log: Path) -> None:
    """Put the timers in place (module attributes the command line and pipeline call)."""
    import workbench.api as api
    import workbench.batch.isolated as isolated
    import workbench.pipeline as pipeline
    import workbench.registry as registry
    from workbench.check import Check
    from workbench.ocr import engine

    pipeline.run_check = _timed(log, lambda check, _c: f"check {check.name}", pipeline.run_check)
    engine.Tesseract._call_tesseract = _timed(  # type: ignore[method-assign]
        log,
        lambda _self, _f, _image, **kw: f"tesseract {kw.get('lang')} {kw.get('config', '')}",
        engine.Tesseract._call_tesseract,
    )
    api.analyze_document = _timed(log, lambda *a, **k: "analysis", api.analyze_document)
    isolated._child = _timed(log, lambda *a, **k: "forked child", isolated._child)
    discover = registry.discover

    def timed_discover(*args: Any, **kwargs: Any) -> Any:
        _event(log, "discover start")
        found = discover(*args, **kwargs)
        _event(log, "discover end")
        for cls in found.checks:
            if cls.warm_up is not Check.warm_up:
                cls.warm_up = _timed(  # type: ignore[method-assign]
                    log, lambda _s, _c, name=cls.name: f"warm-up {name}", cls.warm_up
                )
        return found

    registry.discover = timed_discover


def main(argv: list[str]) -> int:
    """Run ``workbench check`` on `argv` (printed output discarded) and print the timeline."""
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "events.tsv"
        _event(log, "script start (interpreter and this script's imports before it)")
        import workbench.cli as cli

        _event(log, "command line imported")
        instrument(log)
        with open(os.devnull, "w", encoding="utf-8") as devnull:
            saved, sys.stdout = sys.stdout, devnull
            try:
                cli.main(["check", *argv], standalone_mode=False)
            finally:
                sys.stdout = saved
        _event(log, "command returned")
        print(f"load average {os.getloadavg()[0]:.2f} at the end")
        print("   wall      pid  thread                      CPU s  event")
        print(log.read_text(encoding="utf-8"), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
