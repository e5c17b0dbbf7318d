"""The app's analysis queue: uploads analysed in turn by a worker process, each check's
findings reported as it ends, a crashing worker failing only its job, a restart resuming
what was queued or running (and not analysing again what was stored), cancelling, and the
queue running from the app's start."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import QUESTIONED, SAMPLES
from workbench.batch.jobqueue import EVENTS_NAME, Job, JobQueue, analyse_job
from workbench.batch.worker import Task, TaskResult
from workbench.casework import Upload, analyse_upload
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


def _running(queue: JobQueue, job_id: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while (job := queue.job(job_id)) is not None and job.status != "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def test_a_running_and_a_queued_upload_are_cancelled_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "store") as store:
        # the same file analysed before, with a reviewer's answer: left as it was
        sha = analyse_upload(store, _upload(EXEMPLAR), reviewer="Ana", only=["file"])
        store.answer_item(sha, "prov.hash", "consistent", "", reviewer="Ana", expected_version=0)
        before = store.runs(sha)
        queue = JobQueue(store, function=_hangs_on_slow).start()
        try:
            slow = queue.submit(_upload(EXEMPLAR, "slow.png"), reviewer="Ben", only=["file"])
            waiting = queue.submit(_upload(QUESTIONED), reviewer="Ben", only=["file"])
            _running(queue, slow)
            assert queue.cancel(waiting)
            _wait(queue, [waiting])  # at once, while slow.png is still being analysed
            assert (job := queue.job(slow)) is not None and job.status == "running"
            assert queue.cancel(slow)
            cancelled = _wait(queue, [slow, waiting])
            # the worker analysing slow.png was stopped: a later upload is analysed
            after = queue.submit(_upload(EXEMPLAR, "after.png"), reviewer="Ben", only=["file"])
            (done,) = _wait(queue, [after])
        finally:
            queue.close()
        assert [j.status for j in cancelled] == ["cancelled", "cancelled"]
        assert not queue.cancel(slow)  # over already
        assert done.status == "done", done.error
        assert not store.has_document(hashlib.sha256(QUESTIONED.read_bytes()).hexdigest())
        assert store.runs(sha)[: len(before)] == before and len(store.runs(sha)) == 2
        answer = store.answers(sha)["prov.hash"]
        assert (answer.answer, answer.reviewer, answer.version) == ("consistent", "Ana", 1)
        assert sorted(p.name for p in (queue.folder / slow).iterdir()) == ["job.json"]


def _hangs_analysing(task: Task, events: str) -> TaskResult:
    """Analyse like the app's worker, but hang inside the analysis, its scratch folder made.

    The folder's path is written beside the job's events, for the test to look at.
    """
    import workbench.batch.worker as worker

    def hang(*args: object, **kwargs: object) -> None:
        Path(events).with_name("scratch-path").write_text(str(worker._WORKER_STATE["scratch"]))
        time.sleep(600)

    worker.analyze_document = hang  # type: ignore[assignment]
    return analyse_job(task, events)


def test_a_cancelled_worker_leaves_no_scratch_folder(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        queue = JobQueue(store, function=_hangs_analysing).start()
        try:
            job_id = queue.submit(_upload(EXEMPLAR, "slow.png"), reviewer="Ana", only=["file"])
            told = queue.folder / job_id / "scratch-path"
            deadline = time.monotonic() + 120
            while not told.exists() or not told.read_text():
                assert time.monotonic() < deadline, queue.job(job_id)
                time.sleep(0.05)
            scratch = Path(told.read_text())
            assert (scratch / "input" / "slow.png").is_file()  # the upload, written there
            assert queue.cancel(job_id)
            (job,) = _wait(queue, [job_id])
        finally:
            queue.close()
        assert job.status == "cancelled"
        assert not scratch.exists(), "the ended worker's scratch folder was left behind"


class _KilledAfterStoring(JobQueue):
    """A dispatcher that stops (as if killed) after storing a run, before marking it done."""

    def _finish(self, job_id: str, state: dict[str, Any], **outcome: Any) -> None:
        if outcome.get("status") == "done":
            raise KeyboardInterrupt  # ends the dispatcher thread where a kill would
        super()._finish(job_id, state, **outcome)


def _must_not_run(task: Task, events: str) -> TaskResult:
    raise AssertionError(f"{task.path} analysed again")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_an_upload_stored_before_a_kill_is_not_analysed_again(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        killed = _KilledAfterStoring(store).start()
        job_id = killed.submit(_upload(QUESTIONED), reviewer="Ana", only=["file"], case="Leak 7")
        deadline = time.monotonic() + 240
        while killed._thread is not None and killed._thread.is_alive():
            assert time.monotonic() < deadline
            time.sleep(0.1)
        killed.close()
        assert [j.status for j in killed.unfinished()] == ["running"]

        again = JobQueue(store, function=_must_not_run).start()
        try:
            (job,) = _wait(again, [job_id])
        finally:
            again.close()
        assert job.status == "done", job.error
        assert job.sha256 is not None and len(store.runs(job.sha256)) == 1
        assert job.run_id == store.runs(job.sha256)[0].id
        assert job.sha256 in case_documents(store, "Leak 7")


def test_the_queue_runs_from_the_start_of_the_app_before_any_page_is_viewed(
    tmp_path: Path,
) -> None:
    from tests.support.browser import free_port, wait_healthy

    folder = tmp_path / "store"
    with Store.open(folder) as store:
        job_id = JobQueue(store).submit(_upload(EXEMPLAR), reviewer="Ana", only=["file"])
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "workbench", "app", "--no-seed"),
            *("--port", str(port), "--store", str(folder)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        start_new_session=True,  # the app and its queue process, ended together below
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}")  # the health check runs no page
        with Store.open(folder) as store:
            queue = JobQueue(store)  # only read: its dispatcher is not started
            (job,) = _wait(queue, [job_id])
        assert job.status == "done", job.error
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_a_worker_that_re_imports_the_app_script_builds_no_page(tmp_path: Path) -> None:
    # A worker started from the app re-imports the parent's main script as __mp_main__ before
    # it runs anything; it must not open a store or start a queue of its own there.
    env = {k: v for k, v in os.environ.items() if k not in ("WORKBENCH_STORE", "XDG_DATA_HOME")}
    env["HOME"] = str(tmp_path)
    script = (
        "import runpy, sys; import workbench.app.main as m; "
        "runpy.run_path(m.__file__, run_name='__mp_main__')"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=300)
    assert not (tmp_path / ".local" / "share" / "workbench").exists()
