"""Batch runs: every document in a folder analysed, stored, tabulated; resumable and parallel.

A run walks the folder, hashes each document and asks the store whether it was already
analysed with the same check versions and exemplars (one indexed look-up: such documents are
reused, not recomputed). The rest go to workers: local processes by default, or a Dask
cluster. Workers only analyse and return the report with its artifacts; this process alone
writes the store, one short transaction per document, so a run killed at any moment loses at
most the documents in flight, and a new run picks up exactly what is missing. One bad
document never stops the run: it is recorded with its error and the run goes on.

Outputs: the store, ``reports/.../report.json`` (with artifacts) per document under the output
folder, and ``summary.csv`` with one row per file.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import importlib
import logging
import multiprocessing
import os
import re
import resource
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from workbench.api import analyze_document, load_references
from workbench.errors import UsageError, WorkbenchError
from workbench.formats.filetype import extension_media_type, looks_like_document
from workbench.limits import Limits
from workbench.loading import Document, load_document
from workbench.model import Report, Severity
from workbench.names import printable
from workbench.progress import BatchProgress, Done
from workbench.registry import Registry, discover
from workbench.serialize import report_from_json, report_to_json
from workbench.store import Store, analysis_key, sha256_file
from workbench.store.cases import add_to_case
from workbench.store.fingerprints import FINGERPRINT_CHECK
from workbench.store.service import now_iso

log = logging.getLogger(__name__)

SUMMARY_NAME = "summary.csv"
CSV_COLUMNS = (
    "path",
    "sha256",
    "pages",
    "status",
    "highest_severity",
    "info",
    "notice",
    "warning",
    "critical",
    "top_findings",
    "error",
    "duration_s",
)
TOP_FINDINGS = 5
#: Who the audit log names for the case memberships a batch run records.
BATCH_ACTOR = "batch"
_UNSAFE = re.compile(r"[^\w.-]+")

# -- finding the documents -------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A file the walk passed over, and why."""

    path: Path
    note: str


def sniff(path: Path) -> str | None:
    """None when `path` should be analysed as a document, else why it is not one.

    A file is a document when its content starts like a format the loader reads (JPEG, PNG,
    TIFF, BMP, WebP, PDF, text), or when its name promises one: a broken ``.jpg`` is a
    document that failed, reported as an error, not silently passed over. Anything else (a
    ZIP, a database, a program) is skipped with a note.
    """
    if path.name.startswith("."):
        return "hidden file"
    if extension_media_type(path) is not None:
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not head:
        return "empty file with no document extension"
    if looks_like_document(head):
        return None
    return "not a document (content is not an image, PDF or text)"


def walk(
    root: Path, exclude: Sequence[Path] = (), *, follow_symlinks: bool = False
) -> tuple[list[Path], list[Skipped]]:
    """Document files under `root` (recursively, sorted) and the files passed over.

    Nothing outside `root` is read: symbolic links are reported, not followed (with
    `follow_symlinks`, links to files inside `root` are analysed; links leading out of it
    never are), and linked folders are not entered, so a link loop ends nothing. Folders in
    `exclude` (the run's own output and store, when inside `root`) are not entered; files
    inside hidden folders are listed as skipped, so every file has its row.
    """
    excluded = {p.resolve() for p in exclude}
    top = root.resolve()
    documents: list[Path] = []
    skipped: list[Skipped] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        hidden = any(part.startswith(".") for part in here.relative_to(root).parts)
        entered = []
        for name in sorted(dirs):
            if (here / name).is_symlink():
                skipped.append(Skipped(here / name, "symbolic link to a folder, not followed"))
            elif (here / name).resolve() not in excluded:
                entered.append(name)
        dirs[:] = entered
        for name in sorted(files):
            path = here / name
            note = _file_note(path, top, follow_symlinks)
            if note is None and hidden:
                note = "inside a hidden folder"
            if note is None:
                documents.append(path)
            else:
                skipped.append(Skipped(path, note))
    return documents, skipped


def _file_note(path: Path, top: Path, follow_symlinks: bool) -> str | None:
    """Why the walk passes over `path`, or None when it is a document to analyse."""
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISLNK(mode):
        if not follow_symlinks:
            return "symbolic link, not followed (--follow-symlinks reads those inside the folder)"
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "symbolic link that leads nowhere or loops"
        if not target.is_relative_to(top):
            return "symbolic link to a file outside the folder, not followed"
        mode = target.stat().st_mode
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return sniff(path)


# -- the work done in a worker ---------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One document to analyse, as sent to a worker.

    ``data`` and ``reference_data`` carry the bytes of the file and of the exemplars when the
    worker may not see the same file system (Dask); local workers read the paths themselves.
    """

    path: str
    sha256: str
    references: tuple[str, ...]
    only: tuple[str, ...] | None
    limits: Limits
    data: bytes | None = None
    reference_data: tuple[bytes, ...] = ()


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


_WORKER_STATE: dict[str, Any] = {}


def limit_threads() -> None:
    """Keep a worker to one core: Tesseract's OpenMP threads and OpenCV's pool.

    Parallelism comes from running one document per worker; Tesseract's own threads only
    spin against each other on a busy machine (2.3 s instead of 0.5 s a page, measured).
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if "threads_limited" in _WORKER_STATE:
        return
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # OpenCV is a dependency, but the batch must not need it
        pass
    _WORKER_STATE["threads_limited"] = True


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


def _init_process_worker(parent: int, memory_bytes: int | None = None) -> None:
    """Initialise a local worker process.

    One core; Ctrl-C is handled by the parent only; the worker exits when the parent dies;
    its address space is capped at `memory_bytes` (inherited by Tesseract's processes), so
    a document that needs more fails with MemoryError instead of exhausting the machine.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_threads()
    if memory_bytes is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            memory_bytes = min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
        _WORKER_STATE["memory_bytes"] = memory_bytes
    _WORKER_STATE["own_process"] = True
    threading.Thread(
        target=_exit_with_parent, args=(parent,), name="workbench-parent-watch", daemon=True
    ).start()


def _worker_registry() -> Registry:
    registry = _WORKER_STATE.get("registry")
    if registry is None:
        registry = discover()
        _WORKER_STATE["registry"] = registry
    assert isinstance(registry, Registry)
    return registry


def _worker_references(task: Task) -> tuple[Document, ...]:
    """The task's exemplars, loaded once per worker (from their bytes when they travelled)."""
    key = str(("references", task.references, task.limits))
    refs = _WORKER_STATE.get(key)
    if refs is None:
        if not task.reference_data:
            refs = load_references(task.references, task.limits)
        else:
            folder = Path(tempfile.mkdtemp(prefix="workbench-references-"))
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


def analyse_task(task: Task) -> TaskResult:
    """Analyse one document in a worker; never raises for a bad document.

    The document has ``task.limits.max_seconds`` of wall-clock time; in a local worker
    process its memory is capped too (see `ProcessExecutor`).
    """
    limit_threads()
    started = now_iso()
    clock = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="workbench-batch-"))
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
        analysis = analyze_document(
            document,
            references=refs,
            only=task.only,
            out=scratch / "out",
            limits=task.limits,
            registry=_worker_registry(),
        )
        return result(
            "ok",
            report_json=report_to_json(analysis.report, indent=None),
            artifacts=analysis.artifact_bytes(),
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


# -- executors: where the workers run --------------------------------------------------------


class Executor(Protocol):
    """Runs tasks somewhere and yields their results as they finish."""

    def run(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        """Results of `tasks`, in completion order."""
        ...


def _lost(task: Task, why: str) -> TaskResult:
    stamp = now_iso()
    return TaskResult(
        path=task.path,
        sha256=task.sha256,
        status="error",
        error=f"{task.path}: {why}",
        started=stamp,
        finished=stamp,
    )


class ProcessExecutor:
    """Local worker processes (forkserver on Linux, spawn elsewhere), one core each.

    At most ``2 * workers`` documents are in flight, so memory stays bounded however large
    the folder. A worker that dies (out of memory, a crash in a native library) breaks the
    pool; the documents in flight are retried once, one at a time in a fresh pool, and
    recorded as errors if they break it again. Each worker's address space is capped at
    `memory_bytes` (``Limits.max_memory_bytes`` in a run).
    """

    def __init__(
        self,
        workers: int,
        function: Callable[[Task], TaskResult] = analyse_task,
        memory_bytes: int | None = None,
    ) -> None:
        if workers < 1:
            raise UsageError(f"--workers must be at least 1, not {workers}")
        self.workers = workers
        self.function = function
        self.memory_bytes = memory_bytes
        method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        self._context = multiprocessing.get_context(method)

    def _pool(self, workers: int) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self._context,
            initializer=_init_process_worker,
            initargs=(os.getpid(), self.memory_bytes),
        )

    def _rounds(
        self, tasks: Iterable[Task], workers: int, window: int, broken: list[Task]
    ) -> Iterator[TaskResult]:
        pending = iter(tasks)
        pool = self._pool(workers)
        running: dict[cf.Future[TaskResult], Task] = {}
        try:
            while True:
                while len(running) < window:
                    task = next(pending, None)
                    if task is None:
                        break
                    running[pool.submit(self.function, task)] = task
                if not running:
                    return
                done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                pool_broken = False
                for future in done:
                    task = running.pop(future)
                    try:
                        yield future.result()
                    except cf.process.BrokenProcessPool:
                        broken.append(task)
                        pool_broken = True
                    except Exception as exc:  # the task could not be sent or returned
                        yield _lost(task, f"{type(exc).__name__}: {exc}")
                if pool_broken:
                    # the pool is unusable: every running document goes to the retry list
                    broken.extend(running.values())
                    running.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._pool(workers)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def run(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        """Results of `tasks`, in completion order."""
        broken: list[Task] = []
        yield from self._rounds(tasks, self.workers, 2 * self.workers, broken)
        # One at a time, so that a document that kills its worker again takes no other down.
        again: list[Task] = []
        yield from self._rounds(broken, 1, 1, again)
        for lost in again:
            yield _lost(
                lost,
                "the worker process ended while analysing this document (a crash in a native "
                "library, or native code running past the time or memory limit)",
            )


class DaskExecutor:
    """A Dask distributed cluster at `address`.

    The file's bytes travel with each task, so the workers need not share this machine's
    file system; the results come back here, and only this process writes the store.
    """

    def __init__(self, address: str, window: int | None = None) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise UsageError(
                "--dask needs the 'distributed' package: pip install 'workbench[dask]'"
            ) from None
        self.address = address
        self.window = window

    def run(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        """Results of `tasks`, in completion order."""
        distributed: Any = importlib.import_module("distributed")
        try:
            client = distributed.Client(self.address, timeout="30s")
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        try:
            window = self.window or max(4, 2 * sum(client.nthreads().values()))
            pending = iter(tasks)
            owners: dict[Any, Task] = {}
            futures = distributed.as_completed()

            def submit() -> bool:
                task = next(pending, None)
                if task is None:
                    return False
                future = client.submit(analyse_task, task, pure=False)
                owners[future] = task
                futures.add(future)
                return True

            for _ in range(window):
                if not submit():
                    break
            for future in futures:
                task = owners.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # KilledWorker, a lost connection: record, go on
                    yield _lost(task, f"the Dask worker failed: {type(exc).__name__}: {exc}")
                finally:
                    future.release()
                submit()
        finally:
            client.close()


# -- the run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch.

    `out` defaults to ``<name of root>-workbench`` in the current folder, `store` to the
    per-user store, `workers` to the number of cores. Documents that failed in an earlier run
    with the same checks are reported again from the store without being retried (a file
    that could not be read will not be readable the second time), unless `retry_failed`.
    """

    root: Path
    out: Path | None = None
    store: Path | None = None
    workers: int | None = None
    dask: str | None = None
    references: tuple[Path, ...] = ()
    only: tuple[str, ...] | None = None
    limits: Limits = field(default_factory=Limits.from_env)
    retry_failed: bool = False
    follow_symlinks: bool = False


@dataclass(frozen=True)
class Row:
    """One line of ``summary.csv``."""

    path: str
    sha256: str = ""
    pages: int = 0
    status: str = "error"
    highest_severity: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    top_findings: tuple[str, ...] = ()
    error: str = ""
    duration_s: float | None = None

    def __post_init__(self) -> None:
        # names that are not UTF-8, or carry control characters, are kept escaped
        object.__setattr__(self, "path", printable(self.path))
        object.__setattr__(self, "error", printable(self.error))

    def as_csv(self) -> dict[str, Any]:
        """The row as the CSV's columns."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "pages": self.pages,
            "status": self.status,
            "highest_severity": self.highest_severity,
            **{s.label: self.counts.get(s.label, 0) for s in Severity},
            "top_findings": ";".join(self.top_findings),
            "error": self.error,
            "duration_s": "" if self.duration_s is None else f"{self.duration_s:.3f}",
        }


@dataclass(frozen=True)
class BatchSummary:
    """What a run did, for the end-of-run summary and the exit code."""

    rows: tuple[Row, ...]
    out: Path
    store: Path
    csv_path: Path
    elapsed_s: float
    peak_rss_bytes: dict[str, int]

    def count(self, status: str) -> int:
        """Rows with this status (analysed, reused, error, skipped)."""
        return sum(1 for r in self.rows if r.status == status)

    @property
    def pages_analysed(self) -> int:
        """Pages analysed in this run (reused documents excluded)."""
        return sum(r.pages for r in self.rows if r.status == "analysed")

    @property
    def exit_code(self) -> int:
        """1 when any document failed, else 0."""
        return 1 if self.count("error") else 0

    def severity_counts(self) -> dict[str, int]:
        """How many documents have each highest severity."""
        out = {s.label: 0 for s in Severity}
        for r in self.rows:
            if r.highest_severity:
                out[r.highest_severity] += 1
        return out


def _row_from_report(path: str, report: Report, status: str, duration: float | None) -> Row:
    counts = {s.label: 0 for s in Severity}
    for f in report.findings:
        counts[f.severity.label] += 1
    top: list[str] = []
    for f in report.findings:  # worst first
        if f.severity > Severity.INFO and f.code not in top:
            top.append(f.code)
    highest = report.highest_severity()
    return Row(
        path=path,
        sha256=report.document.sha256,
        pages=len(report.document.pages),
        status=status,
        highest_severity=highest.label if highest is not None else "",
        counts=counts,
        top_findings=tuple(top[:TOP_FINDINGS]),
        duration_s=duration,
    )


def _report_dir(out: Path, relative: Path, sha256: str) -> Path:
    stem = _UNSAFE.sub("_", relative.stem)[:60].strip("._") or "document"
    return out / "reports" / relative.parent / f"{stem}-{sha256[:12]}"


def _write_report(folder: Path, report: Report, artifacts: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for relative, data in artifacts.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    tmp = folder / "report.json.part"
    tmp.write_text(report_to_json(report), encoding="utf-8")
    tmp.replace(folder / "report.json")


def _write_csv(path: Path, rows: Sequence[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in sorted(rows, key=lambda r: r.path):
            writer.writerow(row.as_csv())
    tmp.replace(path)


def default_out(root: Path) -> Path:
    """Where a run's reports and CSV go when no ``--out`` is given."""
    return Path.cwd() / f"{root.resolve().name or 'documents'}-workbench"


def run_batch(
    options: BatchOptions,
    progress: BatchProgress | None = None,
    executor: Executor | None = None,
) -> BatchSummary:
    """Analyse every document under ``options.root``; see the module docstring.

    Raises:
        UsageError: unknown checks, a missing folder, an unreachable Dask scheduler.
        InputError: an exemplar could not be loaded (before any document is analysed).

    """
    clock = time.perf_counter()
    if options.only is not None and FINGERPRINT_CHECK not in options.only:
        # every page a batch stores is fingerprinted, for the case service
        options = replace(options, only=(*options.only, FINGERPRINT_CHECK))
    root = options.root
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder")
    out = options.out or default_out(root)
    registry = discover()
    checks = registry.select(options.only)
    check_versions = {c.name: c.version for c in checks}
    load_references(options.references, options.limits)  # a broken exemplar stops us early
    reference_hashes = sorted(sha256_file(p) for p in options.references)
    key = analysis_key(check_versions, reference_hashes)
    run_options = {
        "only": list(options.only) if options.only is not None else None,
        "references": reference_hashes,
        "reference_paths": [str(p) for p in options.references],
        "executor": f"dask:{options.dask}" if options.dask else "processes",
    }
    if executor is None:
        if options.dask:
            executor = DaskExecutor(options.dask)
        else:
            executor = ProcessExecutor(
                options.workers or os.cpu_count() or 1,
                memory_bytes=options.limits.max_memory_bytes,
            )

    with Store.open(options.store) as store:
        documents, skipped = walk(
            root, exclude=[out, store.path], follow_symlinks=options.follow_symlinks
        )
        rows: list[Row] = [
            Row(path=str(s.path.relative_to(root)), status="skipped", error=s.note) for s in skipped
        ]
        if progress is not None:
            for s in skipped:
                progress.note(f"skipped {s.path.relative_to(root)}: {s.note}")
            progress.start(len(documents))

        def done(row: Row) -> None:
            rows.append(row)
            if progress is not None:
                progress.advance(Done(row.path, row.status, row.pages, row.duration_s, row.error))

        # Hash and look up: documents analysed before with this key are reused.
        todo: dict[str, list[Path]] = {}
        for path in documents:
            relative = path.relative_to(root)
            try:
                sha = sha256_file(path)
            except OSError as exc:
                done(Row(str(relative), error=f"{relative}: cannot be read ({exc})"))
                continue
            run = store.run_for_key(sha, key, with_errors=not options.retry_failed)
            if run is None or sha in todo:
                todo.setdefault(sha, []).append(path)
                continue
            if run.status != "ok":
                done(Row(str(relative), sha, error=f"{relative}: {run.error or 'failed'}"))
                continue
            if store.objects.problem(sha) is not None:
                try:  # the stored copy changed on disk: the file met again repairs it
                    store.objects.put(path.read_bytes())
                except (OSError, WorkbenchError) as exc:
                    done(Row(str(relative), sha, error=f"{relative}: {exc}"))
                    continue
            report = store.report(run.id)
            folder = _report_dir(out, relative, sha)
            if not (folder / "report.json").exists():
                _write_report(folder, report, {})
            done(_row_from_report(str(relative), report, "reused", None))

        remote = isinstance(executor, DaskExecutor)
        reference_data = tuple(p.read_bytes() for p in options.references) if remote else ()

        def tasks() -> Iterator[Task]:
            for sha, paths in todo.items():
                data = paths[0].read_bytes() if remote else None
                yield Task(
                    path=str(paths[0]),
                    sha256=sha,
                    references=tuple(str(p) for p in options.references),
                    only=options.only,
                    limits=options.limits,
                    data=data,
                    reference_data=reference_data,
                )

        peaks: dict[str, int] = {}
        try:
            if todo:
                for result in executor.run(tasks()):
                    peaks[result.worker] = max(peaks.get(result.worker, 0), result.peak_rss_bytes)
                    paths = todo[result.sha256]
                    for row in _record(
                        store, result, paths, root, out, check_versions, run_options
                    ):
                        done(row)
        finally:
            # also when interrupted: what was stored stays stored, and the bar is left tidy
            if progress is not None:
                progress.close()
            _join_cases(store, root, rows)
        csv_path = out / SUMMARY_NAME
        _write_csv(csv_path, rows)
        return BatchSummary(
            rows=tuple(sorted(rows, key=lambda r: r.path)),
            out=out,
            store=store.path,
            csv_path=csv_path,
            elapsed_s=time.perf_counter() - clock,
            peak_rss_bytes={k: v for k, v in peaks.items() if k},
        )


def case_name(root: Path, relative: Path) -> str:
    """The case a batch document joins: its folder, named from the batch folder down."""
    parent = relative.parent
    return root.resolve().name if parent == Path(".") else f"{root.resolve().name}/{parent}"


def _join_cases(store: Store, root: Path, rows: Sequence[Row]) -> None:
    """Put every document the run stored (or found stored) in the case of its folder."""
    for row in rows:
        if row.sha256 and row.status in {"analysed", "reused"}:
            add_to_case(store, case_name(root, Path(row.path)), row.sha256, BATCH_ACTOR)


def _without_path(error: str, path: Path) -> str:
    """A document's error message without the path it starts with (other mentions: its name)."""
    error = error.removeprefix(f"{path}: ")
    return error.replace(str(path), path.name)


def _record(
    store: Store,
    result: TaskResult,
    paths: list[Path],
    root: Path,
    out: Path,
    check_versions: dict[str, str],
    run_options: dict[str, Any],
) -> Iterator[Row]:
    """Write one worker result to the store and the output folder.

    Yields a row for every path with that content: the first analysed, its copies reused.
    """
    first = paths[0]
    try:
        original = first.read_bytes()
    except OSError as exc:
        for path in paths:
            yield Row(str(path.relative_to(root)), result.sha256, error=f"cannot be read: {exc}")
        return
    if result.status == "ok" and result.report_json is not None:
        report = report_from_json(result.report_json)
        document = replace(report.document, path=printable(first))
        report = replace(report, document=document)
        try:
            store.record_run(
                report,
                original=original,
                original_name=first.name,
                options=run_options,
                references=run_options["references"],
                started=result.started,
                finished=result.finished,
                duration_s=result.duration_s,
                artifacts=result.artifacts,
            )
        except WorkbenchError as exc:
            for path in paths:
                yield Row(str(path.relative_to(root)), result.sha256, error=str(exc))
            return
        for i, path in enumerate(paths):
            rel = path.relative_to(root)
            _write_report(_report_dir(out, rel, result.sha256), report, result.artifacts)
            status = "analysed" if i == 0 else "reused"
            yield _row_from_report(str(rel), report, status, result.duration_s if i == 0 else None)
        return
    # Stored without the path, so that a copy of the file elsewhere is named by its own path.
    error = _without_path(result.error or "unknown error", first)
    try:
        store.record_failure(
            original,
            first.name,
            error,
            check_versions=check_versions,
            options=run_options,
            references=run_options["references"],
            started=result.started,
            finished=result.finished,
            duration_s=result.duration_s,
        )
    except WorkbenchError as exc:  # the store cannot take it (full disk): the row says so
        error = f"{error} (and not recorded in the store: {exc})"
    for path in paths:
        yield Row(
            str(path.relative_to(root)),
            result.sha256,
            error=f"{path.relative_to(root)}: {error}",
            duration_s=result.duration_s,
        )


__all__ = [
    "BatchOptions",
    "BatchSummary",
    "DaskExecutor",
    "ProcessExecutor",
    "Row",
    "Task",
    "TaskResult",
    "analyse_task",
    "run_batch",
    "sniff",
    "walk",
]
