"""The app's analysis queue: uploads analysed in turn by a worker process, each check's
findings reported as it ends, a crashing worker failing only its job, and a restart
resuming what was queued or running."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.app.conftest import QUESTIONED, SAMPLES
from workbench.batch.jobqueue import EVENTS_NAME, Job, JobQueue, analyse_job
from workbench.batch.worker import Task, TaskResult
from workbench.casework import Upload
from workbench.claims import parse_claims
from workbench.store import Store
from workbench.store.cases import case_documents

pytestmark = pytest.mark.slow

CHEAP = ["file", "metadata", "compression"]
EXEMPLAR = SAMPLES / "exemplars" / "exemplar_01.png"


def _wait(queue: JobQueue, ids: list[str], seconds: float = 240) -> list[Job]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        jobs = [queue.job(i) for i in ids]
        if all(j is not None and j.finished for j in jobs):
            return [j for j in jobs if j is not None]
        time.sleep(0.05)
    pytest.fail(f"jobs not finished within {seconds:g} s: {[queue.job(i) for i in ids]}")


def _upload(path: Path, name: str | None = None) -> Upload:
    return Upload(name or path.name, path.read_bytes())


def _aborts_on_poison(task: Task, events: str) -> TaskResult:
    """Analyse like the app's worker, but abort the worker process on a file called poison."""
    if task.path == "poison.png":
        os.abort()
    return analyse_job(task, events)


def _hangs_on_slow(task: Task, events: str) -> TaskResult:
    """Analyse like the app's worker, but never finish a file called slow.png."""
    if task.path == "slow.png":
        time.sleep(600)
    return analyse_job(task, events)


def test_uploads_are_analysed_in_turn_with_each_checks_findings(tmp_path: Path) -> None:
    claims = parse_claims(json.loads(QUESTIONED.with_suffix(".claims.json").read_text()))
    translation = SAMPLES / "questioned" / "letter_1380-02-24.en.txt"
    with Store.open(tmp_path / "store") as store:
        queue = JobQueue(store).start()
        try:
            first = queue.submit(
                _upload(QUESTIONED),
                reviewer="Ana",
                claims=claims,
                exemplars=[_upload(EXEMPLAR)],
                translation=_upload(translation),
                only=CHEAP,
                case="Leak 7",
            )
            second = queue.submit(_upload(EXEMPLAR), reviewer="Ana", only=["file"])
            assert [j.status for j in queue.unfinished()][1] == "queued"
            questioned, exemplar = _wait(queue, [first, second])
        finally:
            queue.close()
        assert (questioned.status, exemplar.status) == ("done", "done"), questioned.error
        # every check reported its end, in run order, with its findings
        assert [e.check for e in questioned.ended] == CHEAP
        assert questioned.checks_total == 3
        assert all(e.status == "ok" for e in questioned.ended)
        metadata = questioned.ended[1]
        assert metadata.findings and all(f.check == "metadata" for f in metadata.findings)
        assert [e.after_s for e in questioned.ended] == sorted(e.after_s for e in questioned.ended)
        # the store holds what analyse_upload would have stored, and the queue let go of bytes
        sha = questioned.sha256
        assert sha is not None
        report = store.latest_report(sha)
        assert report is not None and report.document.path == QUESTIONED.name
        stored = {(f.check, f.code) for f in report.findings}
        assert stored == {(f.check, f.code) for e in questioned.ended for f in e.findings}
        run = store.latest_run(sha)
        assert run is not None and run.options["references"] == [exemplar.sha256]
        record = store.claims(sha)
        assert record is not None and record.claims.date == claims.date
        assert store.has_document(record.claims.extra["translation_sha256"])
        assert store.document(exemplar.sha256 or "").media_type == "image/png"
        assert sha in case_documents(store, "Leak 7")
        left = sorted(p.name for p in (queue.folder / first).iterdir())
        assert left == [EVENTS_NAME, "job.json"]


def test_a_crashing_worker_fails_only_its_document_and_the_queue_goes_on(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        queue = JobQueue(store, function=_aborts_on_poison).start()
        try:
            ids = [
                queue.submit(_upload(EXEMPLAR, "one.png"), reviewer="Ana", only=["file"]),
                queue.submit(_upload(EXEMPLAR, "poison.png"), reviewer="Ana", only=["file"]),
                queue.submit(_upload(QUESTIONED), reviewer="Ana", only=["file"]),
            ]
            one, poison, after = _wait(queue, ids)
        finally:
            queue.close()
        assert [one.status, poison.status, after.status] == ["done", "failed", "done"]
        assert poison.error is not None and "worker process ended" in poison.error
        # the crash left a failed run, no report: nothing half-written
        assert poison.sha256 == one.sha256  # the same bytes under another name
        sha = after.sha256
        assert sha is not None and store.latest_report(sha) is not None
        assert poison.sha256 is not None
        latest = store.latest_run(poison.sha256)
        assert latest is not None and latest.status == "error"
        assert "worker process ended" in (latest.error or "")
        assert len(store.runs(poison.sha256)) == 2  # one.png's analysis, then the failure


def test_a_restart_resumes_the_running_and_the_queued_uploads(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        queue = JobQueue(store, function=_hangs_on_slow).start()
        slow = queue.submit(_upload(EXEMPLAR, "slow.png"), reviewer="Ana", only=["file"])
        waiting = queue.submit(_upload(QUESTIONED), reviewer="Ana", only=["file"])
        deadline = time.monotonic() + 120
        while (job := queue.job(slow)) is not None and job.status != "running":
            assert time.monotonic() < deadline, job
            time.sleep(0.05)
        queue.close()  # the app stops while slow.png is being analysed
        assert [j.status for j in queue.unfinished()] == ["running", "queued"]
        assert store.run_count() == 0

        again = JobQueue(store).start()  # the app starts again
        try:
            resumed, queued = _wait(again, [slow, waiting])
        finally:
            again.close()
        assert (resumed.status, queued.status) == ("done", "done")
        assert resumed.attempts == 2
        assert store.run_count() == 2
