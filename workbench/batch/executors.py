"""Executors: where a batch's workers run, local processes or a Dask cluster.

Either yields each `TaskResult` as it finishes, keeps a bounded number of documents in
flight, and turns a worker lost on the way (a crash, a killed Dask worker) into an error
result for its document, so one bad document never stops the run.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import importlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from workbench.batch.worker import (
    Task,
    TaskResult,
    analyse_task,
    init_process_worker,
    remove_scratch,
)
from workbench.errors import UsageError
from workbench.store.database import now_iso


class Executor(Protocol):
    """Runs tasks somewhere and yields their results as they finish."""

    def run(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        """Results of `tasks`, in completion order."""
        ...


#: What a document's error says when its worker process ended under it.
WORKER_LOST = (
    "the worker process ended while analysing this document (a crash in a native library, "
    "or native code running past the time or memory limit)"
)


def local_pool(workers: int, memory_bytes: int | None = None) -> cf.ProcessPoolExecutor:
    """A pool of local worker processes, each set up by `init_process_worker`.

    Forkserver on Linux, spawn elsewhere; each worker keeps to one core, has its address
    space capped at `memory_bytes` and ends when this process is gone.
    """
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=init_process_worker,
        initargs=(os.getpid(), memory_bytes),
    )


def _workers(pool: cf.ProcessPoolExecutor) -> dict[int, Any]:
    """The pool's worker processes started so far, by process id."""
    return dict(getattr(pool, "_processes", None) or {})


def remove_ended_scratch(processes: Iterable[Any]) -> None:
    """Remove the scratch folders of the worker `processes` once they have ended.

    A worker that dies in the middle of a document (a crash in a native library, the memory
    cap) cannot remove the scratch folder it was working in; a worker that ended normally
    has removed its own, so nothing of it is found. Each process is waited for (briefly: the
    pools are shut down by then), and one still running is left alone.
    """
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=10)
            if process.exitcode is not None and process.pid is not None:
                remove_scratch(process.pid)


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

    def _pool(self, workers: int) -> cf.ProcessPoolExecutor:
        return local_pool(workers, self.memory_bytes)

    def _rounds(
        self,
        tasks: Iterable[Task],
        workers: int,
        window: int,
        broken: list[Task],
        workers_seen: dict[int, Any],
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
                    workers_seen.update(_workers(pool))
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
        seen: dict[int, Any] = {}
        try:
            yield from self._rounds(tasks, self.workers, 2 * self.workers, broken, seen)
            # One at a time, so that a document that kills its worker again takes no other down.
            again: list[Task] = []
            yield from self._rounds(broken, 1, 1, again, seen)
            for lost in again:
                yield _lost(lost, WORKER_LOST)
        finally:
            if broken:  # a worker died: the folder it was working in is still there
                remove_ended_scratch(seen.values())


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
