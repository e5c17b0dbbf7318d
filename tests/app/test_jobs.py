"""The app's analysis queue: jobs run in turn outside the page, and a crash fails only its job."""

from __future__ import annotations

import time

from workbench.app.jobs import Job, JobQueue
from workbench.errors import CorruptFileError
from workbench.model import Status
from workbench.pipeline import ProgressEvent


def _wait(queue: JobQueue, *jobs: Job) -> None:
    deadline = time.monotonic() + 30
    while any(j.status in ("queued", "running") for j in jobs) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_jobs_run_in_turn_and_failures_stay_with_their_job() -> None:
    queue = JobQueue()
    order: list[str] = []

    def fine(job: Job) -> str:
        job.progress(ProgressEvent("file", 0, 2))
        job.progress(ProgressEvent("file", 0, 2, Status.OK, 0.5))
        order.append(job.name)
        return "a" * 64

    def refused(job: Job) -> str:
        raise CorruptFileError("x.jpg: cannot be decoded")

    def crashes(job: Job) -> str:
        raise RuntimeError("a bug in a check")

    jobs = [queue.submit("one", fine), queue.submit("bad", refused), queue.submit("bug", crashes)]
    jobs.append(queue.submit("two", fine))
    _wait(queue, *jobs)
    assert [j.status for j in jobs] == ["done", "failed", "failed", "done"]
    assert order == ["one", "two"]
    assert jobs[0].sha256 == "a" * 64 and jobs[0].checks_done == ["file: ok 0.5 s"]
    assert jobs[1].error == "x.jpg: cannot be decoded"
    assert jobs[2].error == "internal error: RuntimeError: a bug in a check"
    assert queue.unfinished() == []
