"""The work done in a batch worker: one document analysed, within its time and memory limits.

A worker receives a `Task` and sends back a `TaskResult` (the report as contract JSON with its
artifacts, or the error); it never writes the store. A local worker process keeps to one core,
caps its address space, and ends when the batch process is gone; its state (the registry and
exemplars it loaded once, its scratch folder) lives in `_WORKER_STATE`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.api import analyze_document, load_references
from workbench.batch.isolated import inherited_address_space
from workbench.errors import InputError, WorkbenchError
from workbench.limits import Limits
from workbench.loading import Document, load_bytes, load_document
from workbench.model import Claims, DocumentInfo
from workbench.pipeline import ProgressCallback
from workbench.registry import Registry, discover
from workbench.runtime import apply_thread_policy
from workbench.serialize import report_to_json
from workbench.store.database import now_iso

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    """One document to analyse, as sent to a worker.

    ``data`` and ``reference_data`` carry the bytes of the file and of the exemplars when the
    worker may not see the same file system (Dask) or when they are uploads (the app's
    queue); local workers read the paths themselves. An upload also brings the claims made
    about it and a supplied translation (``translation`` names it, ``translation_data`` holds
    its bytes when given).
    """

    path: str
    sha256: str
    references: tuple[str, ...]
    only: tuple[str, ...] | None
    limits: Limits
    data: bytes | None = None
    reference_data: tuple[bytes, ...] = ()
    claims: Claims | None = None
    translation: str | None = None
    translation_data: bytes | None = None


@dataclass(frozen=True)
class TaskResult:
    """What a worker sends back: the report (contract JSON) and its artifacts, or the error."""

    path: str
    sha256: str
    status: str
    report_json: str | None = None
    artifacts: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None
    started: str = ""
    finished: str = ""
    duration_s: float = 0.0
    peak_rss_bytes: int = 0
    worker: str = ""
    #: The exemplars and the translation as loaded (type, pages), so the process that
    #: records them in the store need not decode them again.
    inputs: tuple[DocumentInfo, ...] = ()


_WORKER_STATE: dict[str, Any] = {}

#: The kinds of scratch folder a worker makes in the temporary directory, each named
#: ``workbench-<kind>-<pid>-<random>`` so that a worker's folders can be found by its process id.
SCRATCH_KINDS = ("batch", "references")


def scratch_folder(kind: str) -> Path:
    """A new scratch folder of this worker process (see `SCRATCH_KINDS`)."""
    return Path(tempfile.mkdtemp(prefix=f"workbench-{kind}-{os.getpid()}-"))


def remove_scratch(pid: int) -> None:
    """Remove the scratch folders a worker process left behind once it has ended.

    A worker ended from outside (a cancelled upload's, terminated in the middle of a
    document) cannot remove its own folder; the process that ended it calls this after the
    worker is gone, so the pid is not yet anybody else's.
    """
    temp = Path(tempfile.gettempdir())
    for kind in SCRATCH_KINDS:
        for folder in temp.glob(f"workbench-{kind}-{pid}-*"):
            shutil.rmtree(folder, ignore_errors=True)


def limit_threads() -> None:
    """Keep a worker to the thread policy (`workbench.runtime`): one thread per library.

    Parallelism comes from running one document per worker; Tesseract's own threads only
    spin against each other on a busy machine (2.3 s instead of 0.5 s a page, measured).
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    apply_thread_policy()


def _exit_with_parent(parent: int, interval_s: float = 1.0) -> None:
    """End this worker soon after the batch process is gone (killed with -9, say).

    Pool workers otherwise outlive a killed parent: they finish the documents already
    queued and then wait forever on a queue nobody writes to, holding their memory.
    """
    while True:
        time.sleep(interval_s)
        try:
            os.kill(parent, 0)
        except (ProcessLookupError, PermissionError):  # gone (or the pid reused by another user)
            scratch = _WORKER_STATE.get("scratch")
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            os._exit(1)


def init_process_worker(parent: int, memory_bytes: int | None = None) -> None:
    """Initialise a local worker process.

    One core; Ctrl-C is handled by the parent only; the worker exits when the parent dies;
    its address space is capped at `memory_bytes` on top of what it holds when it starts
    (inherited by Tesseract's processes), so a document that needs more fails with
    MemoryError instead of exhausting the machine.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_threads()
    if memory_bytes is not None:
        cap = memory_bytes + inherited_address_space()
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        _WORKER_STATE["memory_bytes"] = memory_bytes
    _WORKER_STATE["own_process"] = True
    threading.Thread(
        target=_exit_with_parent, args=(parent,), name="workbench-parent-watch", daemon=True
    ).start()


def warm_up() -> None:
    """Load the checks (and the libraries they import) before the first document arrives.

    A long-lived worker (the app's) calls it once when it starts, so that an upload's first
    findings do not wait for imports.
    """
    limit_threads()
    _worker_registry()


def _worker_registry(only: tuple[str, ...] | None = None) -> Registry:
    """The checks a task runs, loaded once per worker (only those it names, when it does)."""
    key = "registry" if only is None else "registry:" + ",".join(only)
    registry = _WORKER_STATE.get(key)
    if registry is None:
        registry = discover(only=only)
        _WORKER_STATE[key] = registry
    assert isinstance(registry, Registry)
    return registry


def _worker_references(task: Task) -> tuple[Document, ...]:
    """The task's exemplars, loaded once per worker (from their bytes when they travelled).

    Only the last set is kept: a long-lived worker meets many sets, one after another.
    """
    digests = tuple(hashlib.sha256(d).hexdigest() for d in task.reference_data)
    key = str(("references", task.references, digests, task.limits))
    refs = _WORKER_STATE.get(key)
    if refs is None:
        for stale in [k for k in _WORKER_STATE if k.startswith("('references'")]:
            del _WORKER_STATE[stale]
        if not task.reference_data:
            refs = load_references(task.references, task.limits)
        else:
            folder = scratch_folder("references")
            try:
                loaded = []
                for i, (name, data) in enumerate(
                    zip(task.references, task.reference_data, strict=True)
                ):
                    local = folder / str(i) / Path(name).name
                    local.parent.mkdir()
                    local.write_bytes(data)
                    document = load_document(local, task.limits)
                    document.path = Path(name)
                    loaded.append(document)
                refs = tuple(loaded)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        _WORKER_STATE[key] = refs
    return tuple(refs)


def _peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


class _OverTime(BaseException):
    """Raised by a worker's alarm when its document runs past the time limit.

    A BaseException, so that a check's own error handling cannot swallow it and let the
    document run on.
    """


def _raise_over_time(signum: int, frame: object) -> None:
    raise _OverTime


def _time_limit(seconds: float) -> Callable[[], None]:
    """Stop the current document after `seconds`; returns the function that disarms it.

    An alarm interrupts Python code (in the main thread of a process: Dask's worker threads
    get no alarm, Dask has its own means). Native code that never returns to Python cannot
    be interrupted so: in a local worker process a watchdog then ends the process a little
    later, and the parent records the document as failed.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGALRM, _raise_over_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    watchdog: threading.Timer | None = None
    if _WORKER_STATE.get("own_process"):
        watchdog = threading.Timer(seconds * 1.2 + 15, os._exit, args=(70,))
        watchdog.daemon = True
        watchdog.start()

    def disarm() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if watchdog is not None:
            watchdog.cancel()

    return disarm


def _translation(task: Task) -> Document | None:
    """The task's translation, loaded with the usual guards; it must be text or HTML."""
    if task.translation is None:
        return None
    if task.translation_data is not None:
        document = load_bytes(task.translation_data, Path(task.translation).name, task.limits)
    else:
        document = load_document(task.translation, task.limits)
    if document.text is None:
        raise InputError(f"{task.translation}: a translation must be a text or HTML file")
    return document


def analyse_task(task: Task, progress: ProgressCallback | None = None) -> TaskResult:
    """Analyse one document in a worker; never raises for a bad document.

    The document has ``task.limits.max_seconds`` of wall-clock time; in a local worker
    process its memory is capped too (see `ProcessExecutor`). `progress` hears of each
    check as it starts and ends (with its result).
    """
    limit_threads()
    started = now_iso()
    clock = time.perf_counter()
    scratch = scratch_folder("batch")
    _WORKER_STATE["scratch"] = scratch  # removed by the parent watch if the batch dies
    worker = f"{os.uname().nodename}:{os.getpid()}"

    def result(status: str, **kwargs: Any) -> TaskResult:
        return TaskResult(
            path=task.path,
            sha256=task.sha256,
            status=status,
            started=started,
            finished=now_iso(),
            duration_s=round(time.perf_counter() - clock, 4),
            peak_rss_bytes=_peak_rss_bytes(),
            worker=worker,
            **kwargs,
        )

    disarm = _time_limit(task.limits.max_seconds)
    try:
        source = Path(task.path)
        if task.data is not None:
            source = scratch / "input" / Path(task.path).name
            source.parent.mkdir()
            source.write_bytes(task.data)
        document = load_document(source, task.limits)
        if document.sha256 != task.sha256:
            return result(
                "error",
                error=f"{task.path}: the file changed after it was hashed; run the batch again",
            )
        document.path = Path(task.path)
        refs = _worker_references(task)
        translation = _translation(task)
        analysis = analyze_document(
            document,
            references=refs,
            claims=task.claims,
            only=task.only,
            out=scratch / "out",
            limits=task.limits,
            registry=_worker_registry(task.only),
            progress=progress,
            translation=translation.text if translation is not None else None,
            write_report=False,
        )
        inputs = [r.info() for r in refs]
        if translation is not None:
            inputs.append(translation.info())
        return result(
            "ok",
            report_json=report_to_json(analysis.report, indent=None),
            artifacts=analysis.artifact_bytes(),
            inputs=tuple(inputs),
        )
    except _OverTime:
        return result(
            "error",
            error=f"{task.path}: analysis stopped at the time limit of "
            f"{task.limits.max_seconds:g} s per document (raise it with --max-seconds if the "
            "file is trusted)",
        )
    except MemoryError:
        budget = _WORKER_STATE.get("memory_bytes", task.limits.max_memory_bytes)
        return result(
            "error",
            error=f"{task.path}: needs more memory than the budget of {budget // 2**20:,} MiB "
            "per worker (raise it with --max-memory-bytes if the file is trusted)",
        )
    except WorkbenchError as exc:
        return result("error", error=str(exc).replace(str(source), task.path))
    except Exception as exc:  # a bug in a check or loader must not sink the whole run
        log.error("internal error on %s:\n%s", task.path, traceback.format_exc())
        return result("error", error=f"internal error: {type(exc).__name__}: {exc}")
    finally:
        disarm()
        _WORKER_STATE.pop("scratch", None)
        shutil.rmtree(scratch, ignore_errors=True)
