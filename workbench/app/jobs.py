"""Analyses that run outside the page's script run: a queue and one worker thread per app.

A Streamlit script run stops when the reviewer leaves the page or another event reruns it,
so an upload analysed inside it was interrupted or held up the page. Here each upload is
a job put on a process-wide queue; one worker thread analyses the jobs in turn (the
machine's cores go to the checks, not to several documents at once), and the pages read
the jobs' state to show progress. A job whose analysis raises is marked failed with its
error; the store is written only once an analysis has finished, so a failure leaves
nothing half-written.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.pipeline import ProgressEvent


@dataclass
class Job:
    """One upload being analysed: its state as the worker updates it."""

    id: int
    name: str
    status: str = "queued"  # queued, running, done, failed
    sha256: str | None = None
    error: str | None = None
    checks_done: list[str] = field(default_factory=list)
    check_running: str | None = None
    checks_total: int = 0

    def progress(self, event: ProgressEvent) -> None:
        """Record one pipeline event (a check starting or ending)."""
        self.checks_total = event.total
        if event.status is None:
            self.check_running = event.check
        else:
            self.check_running = None
            took = f"{event.duration_s:.1f} s" if event.duration_s is not None else ""
            self.checks_done.append(f"{event.check}: {event.status.value} {took}".strip())


Work = Callable[[Job], str]


class JobQueue:
    """Jobs in submission order, analysed one at a time by a daemon thread."""

    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}
        self._pending: queue.Queue[tuple[Job, Work]] = queue.Queue()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._worker = threading.Thread(target=self._run, name="workbench-analysis", daemon=True)
        self._worker.start()

    def submit(self, name: str, work: Work) -> Job:
        """Queue `work` (which analyses and stores, returning the document's SHA-256)."""
        with self._lock:
            job = Job(id=next(self._ids), name=name)
            self._jobs[job.id] = job
        self._pending.put((job, work))
        return job

    def job(self, job_id: int) -> Job | None:
        """The job with this id, if this process has it."""
        return self._jobs.get(job_id)

    def unfinished(self) -> list[Job]:
        """Jobs queued or running, oldest first."""
        with self._lock:
            return [j for j in self._jobs.values() if j.status in ("queued", "running")]

    def _run(self) -> None:
        while True:
            job, work = self._pending.get()
            job.status = "running"
            try:
                job.sha256 = work(job)
                job.status = "done"
            except WorkbenchError as exc:
                job.error, job.status = str(exc), "failed"
            except Exception as exc:  # a bug in a check must not stop the worker
                job.error, job.status = f"internal error: {type(exc).__name__}: {exc}", "failed"
            finally:
                self._pending.task_done()
