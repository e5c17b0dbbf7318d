"""Uploads analysed in turn by a worker process, in a queue kept in the store's folder.

The app puts each upload in the queue and answers at once; a dispatcher thread hands the
jobs, oldest first, to one local worker process (the batch's worker: one core, the memory
budget and the time limit of `Limits`), which sends the report back; this process alone
records it in the store. A crash in a decoder, or a document over a limit, ends that worker
and not the app: the job is marked failed with its error (recorded in the store as a failed
run, like a batch's), a fresh worker takes the next job, and nothing half-analysed reaches
the store.

The queue is the folder ``queue/`` beside the store's database, one folder per job: the
upload's bytes, its exemplars and translation (under fixed names; the names the user gave
are in the state), ``job.json`` (the job's state, replaced atomically, written by the
dispatcher once the job exists) and ``events.jsonl`` (one line per check started or ended,
appended by the worker with that check's findings), from which the pages show each check's
findings as it ends (`workbench.batch.jobstate`). A restart loses nothing: queued jobs wait
for the next dispatcher, and a job that was running is analysed again (once: a second
interruption fails it), unless its run had already been stored (the run records the job's
id: the job is then marked done without a second analysis). The dispatcher holds a lock
file, so two processes over one store never run a job twice; `workbench app` starts one
(``workbench queue``) with the server, and the app's own dispatcher takes over if it ends.
A page cancels a job by writing ``cancel`` into its folder: the dispatcher ends the worker
if it is analysing that job and stores nothing for it. The uploaded bytes leave the queue
once the store holds them; originals are never changed.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import fcntl
import hashlib
import json
import logging
import secrets
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, Self

from workbench.batch.executors import WORKER_LOST, local_pool, remove_ended_scratch
from workbench.batch.jobstate import (
    CANCEL_NAME,
    EVENTS_NAME,
    FINISHED,
    STATE_NAME,
    CheckEnd,
    EventLog,
    Job,
    atomic_json,
    file_name,
    read_events,
)
from workbench.batch.worker import Task, TaskResult, analyse_task, warm_up
from workbench.cases import search_and_store
from workbench.casework import Upload, record_upload
from workbench.errors import StoreError, WorkbenchError
from workbench.limits import Limits
from workbench.model import Claims, DocumentInfo
from workbench.names import printable
from workbench.registry import discover
from workbench.serialize import claims_from_dict, claims_to_dict, report_from_json
from workbench.store import Store
from workbench.store.cases import add_to_case
from workbench.store.database import now_iso

__all__ = ["EVENTS_NAME", "STATE_NAME", "CheckEnd", "Job", "JobQueue", "analyse_job"]

log = logging.getLogger(__name__)

#: The queue's folder inside the store folder.
QUEUE_FOLDER = "queue"
_DOCUMENT = "document"
_TRANSLATION = "translation"
_LOCK = ".dispatcher.lock"
_NEW = ".new-"
#: A job interrupted this many times (the app stopped while it ran) is not tried again.
MAX_ATTEMPTS = 2
#: Finished jobs are forgotten after this long (the store keeps their results).
KEEP_FINISHED_S = 7 * 86400

WorkerFunction = Callable[[Task, str], TaskResult]


def serve(store: Store, while_running: Callable[[], bool], limits: Limits | None = None) -> None:
    """Run the store's queue in this process while `while_running()` holds.

    `workbench app` runs it in a process of its own beside the server, so that queued
    uploads are analysed, and the worker has loaded the checks, before any page is viewed.
    """
    queue = JobQueue(store, limits=limits).start()
    queue.warm()
    try:
        while while_running():
            time.sleep(1.0)
    finally:
        queue.close()


def analyse_job(task: Task, events: str) -> TaskResult:
    """Analyse one queued upload in a worker process, logging each check to `events`."""
    return analyse_task(task, progress=EventLog(Path(events)))


class JobQueue:
    """The queue of one store folder; `start` runs its dispatcher in this process.

    `function` is what the worker process runs for a job (`analyse_job`; tests give one
    that crashes). Pages call `submit`, `job` and `unfinished`; they never wait.
    """

    def __init__(
        self,
        store: Store,
        *,
        limits: Limits | None = None,
        function: WorkerFunction = analyse_job,
    ) -> None:
        self.store = store
        self.folder = Path(store.path) / QUEUE_FOLDER
        try:
            self.folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.folder}: cannot create the analysis queue ({exc})") from None
        self.limits = limits or Limits.from_env()
        self.function = function
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._warm = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_file: IO[bytes] | None = None
        self._pool: cf.ProcessPoolExecutor | None = None

    # -- what the pages call ---------------------------------------------------------------

    def submit(
        self,
        upload: Upload,
        *,
        reviewer: str,
        claims: Claims | None = None,
        exemplars: Sequence[Upload] = (),
        translation: Upload | None = None,
        only: Sequence[str] | None = None,
        case: str | None = None,
    ) -> str:
        """Queue an upload with what comes with it; returns the job's id at once."""
        job_id = f"{time.time_ns():020d}-{secrets.token_hex(3)}"
        try:
            self._stage(job_id, upload, reviewer, claims, exemplars, translation, only, case)
        except OSError as exc:  # a full disk, a read-only store
            shutil.rmtree(self.folder / f"{_NEW}{job_id}", ignore_errors=True)
            raise StoreError(f"{printable(upload.name)}: cannot be queued ({exc})") from None
        self._wake.set()
        return job_id

    def _stage(
        self,
        job_id: str,
        upload: Upload,
        reviewer: str,
        claims: Claims | None,
        exemplars: Sequence[Upload],
        translation: Upload | None,
        only: Sequence[str] | None,
        case: str | None,
    ) -> None:
        """Write a job's folder aside, then move it into the queue whole."""
        staging = self.folder / f"{_NEW}{job_id}"
        staging.mkdir()
        (staging / _DOCUMENT).write_bytes(upload.data)
        for i, exemplar in enumerate(exemplars):
            (staging / f"exemplar-{i}").write_bytes(exemplar.data)
        if translation is not None:
            (staging / _TRANSLATION).write_bytes(translation.data)
        state = {
            "id": job_id,
            "name": file_name(upload.name, "upload"),
            "status": "queued",
            "submitted": time.time(),
            "submitted_at": now_iso(),
            "reviewer": reviewer,
            "claims": claims_to_dict(claims) if claims is not None else None,
            "exemplars": [file_name(e.name, "exemplar") for e in exemplars],
            "translation": file_name(translation.name, "translation") if translation else None,
            "only": list(only) if only is not None else None,
            "case": case.strip() if case and case.strip() else None,
            "attempts": 0,
        }
        atomic_json(staging / STATE_NAME, state)
        staging.rename(self.folder / job_id)  # the job appears whole, or not at all

    def job(self, job_id: str) -> Job | None:
        """The job with this id, None when the queue has no such job."""
        folder = self.folder / job_id
        state = self._state(job_id)
        if state is None:
            return None
        submitted = float(state.get("submitted") or 0.0)
        total, running, ended = read_events(folder / EVENTS_NAME, submitted)
        return Job(
            id=job_id,
            name=str(state.get("name", "")),
            status=str(state.get("status", "queued")),
            submitted=submitted,
            reviewer=str(state.get("reviewer", "")),
            sha256=state.get("sha256"),
            error=state.get("error"),
            attempts=int(state.get("attempts") or 0),
            checks_total=total,
            check_running=running if state.get("status") == "running" else None,
            ended=ended,
            cancelling=str(state.get("status")) not in FINISHED and self._cancel_asked(job_id),
            run_id=state.get("run_id"),
        )

    def jobs(self) -> list[Job]:
        """Every job the queue holds, oldest first."""
        return [j for j in (self.job(i) for i in self._ids()) if j is not None]

    def unfinished(self) -> list[Job]:
        """Jobs queued or running, oldest first."""
        return [j for j in self.jobs() if not j.finished]

    def cancel(self, job_id: str) -> bool:
        """Ask for a queued or running job to be stopped; True when it was not over yet.

        Any process may ask (a page): the dispatcher, wherever it runs, sees the request,
        ends the worker process if it is analysing that job, and marks the job cancelled.
        Nothing is stored for a cancelled job; what the store already held (an earlier
        analysis of the same file, the reviewers' answers) is left as it was.

        Raises:
            StoreError: the request cannot be written (a read-only or full store).

        """
        state = self._state(job_id)
        if state is None or str(state.get("status")) in FINISHED:
            return False
        try:
            (self.folder / job_id / CANCEL_NAME).touch()
        except OSError as exc:
            raise StoreError(f"{job_id}: the analysis cannot be cancelled ({exc})") from None
        self._wake.set()
        return True

    def warm(self) -> None:
        """Have the worker process start and load the checks now, before an upload arrives.

        The worker otherwise starts with the first job, whose first findings then wait for
        the imports (seconds on a loaded machine); the Analyse page asks for it on opening.
        """
        self._warm.set()
        self._wake.set()

    # -- the dispatcher ----------------------------------------------------------------------

    def start(self) -> Self:
        """Run the dispatcher in a daemon thread (it waits its turn if another process has it)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="workbench-queue", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop the dispatcher and end the worker process.

        A job being analysed stays marked running, as when the app is killed: the next
        dispatcher analyses it again.
        """
        self._stop.set()
        self._wake.set()
        self._end_pool()
        if self._thread is not None:
            self._thread.join(timeout=60)
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._lock_file is None and not self._take_lock():
                    self._stop.wait(2.0)  # another process runs the queue; take over if it ends
                    continue
                if self._warm.is_set() and self._pool is None:
                    self._worker()
                job_id = next((i for i in self._ids() if self._status(i) == "queued"), None)
                if job_id is None:
                    self._wake.wait(1.0)
                    self._wake.clear()
                    continue
                self._analyse(job_id)
            except Exception:  # the dispatcher must outlive anything a job does
                log.error("analysis queue: %s", traceback.format_exc())
                self._stop.wait(1.0)

    def _take_lock(self) -> bool:
        handle = (self.folder / _LOCK).open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock_file = handle
        self._recover()
        return True

    def _recover(self) -> None:
        """After a restart: resume interrupted jobs, forget old ones and stray stagings."""
        now = time.time()
        for path in self.folder.glob(f"{_NEW}*"):
            if now - path.stat().st_mtime > 3600:
                shutil.rmtree(path, ignore_errors=True)
        for job_id in self._ids():
            state = self._state(job_id)
            if state is None:
                continue
            if state.get("status") in ("queued", "running") and self._cancel_asked(job_id):
                self._finish(job_id, state, status="cancelled")
            elif state.get("status") == "running":
                if int(state.get("attempts") or 0) >= MAX_ATTEMPTS:
                    error = (
                        f"the analysis was interrupted {MAX_ATTEMPTS} times (the app stopped "
                        "while it ran); not tried again"
                    )
                    self._fail(job_id, state, error)
                else:
                    state["status"] = "queued"
                    self._write_state(job_id, state)
            elif (
                state.get("status") in ("done", "failed")
                and now - float(state.get("finished_epoch") or now) > KEEP_FINISHED_S
            ):
                shutil.rmtree(self.folder / job_id, ignore_errors=True)

    def _worker(self) -> cf.ProcessPoolExecutor:
        """The worker process, started (and loading the checks) on first use."""
        if self._stop.is_set():
            raise RuntimeError("the analysis queue is closing")
        if self._pool is None:
            self._pool = local_pool(1, self.limits.max_memory_bytes)
            self._pool.submit(warm_up)
        return self._pool

    def _end_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # a worker stuck in native code would outlive us
            with contextlib.suppress(Exception):
                process.terminate()
        remove_ended_scratch(processes)  # an ended worker cannot remove its own folder

    def _analyse(self, job_id: str) -> None:
        folder = self.folder / job_id
        state = self._state(job_id)
        if state is None:
            return
        if self._cancel_asked(job_id):
            self._finish(job_id, state, status="cancelled")
            return
        state.update(status="running", attempts=int(state.get("attempts") or 0) + 1)
        state["started_at"] = now_iso()
        self._write_state(job_id, state)
        (folder / EVENTS_NAME).unlink(missing_ok=True)  # a resumed job reports afresh
        try:
            task = self._task(folder, state)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self._fail(job_id, state, f"the queued upload cannot be read back ({exc})")
            return
        run_id = self._stored_run(job_id, task.sha256)
        if run_id is not None:  # stored before an interruption: not analysed again
            self._complete(state, task.sha256)
            self._finish(job_id, state, status="done", sha256=task.sha256, run_id=run_id)
            return
        try:
            future = self._worker().submit(self.function, task, str(folder / EVENTS_NAME))
            result = self._result(job_id, future)
        except Exception as exc:  # the worker died, or the task could not be sent or returned
            if self._stop.is_set():
                return  # the queue is closing: the job stays running, to be resumed
            self._end_pool()
            lost = isinstance(exc, cf.process.BrokenProcessPool)
            self._fail(job_id, state, WORKER_LOST if lost else f"{type(exc).__name__}: {exc}", task)
            return
        if result is None or self._cancel_asked(job_id):
            self._finish(job_id, state, status="cancelled")
            return
        if result.status != "ok" or result.report_json is None:
            self._fail(job_id, state, result.error or "unknown error", task, result)
            return
        try:
            sha = self._record(job_id, state, task, result)
        except WorkbenchError as exc:
            self._fail(job_id, state, f"not stored: {exc}", task, result)
            return
        except Exception as exc:  # a bug while recording must not leave the job running
            log.error("recording %s: %s", task.path, traceback.format_exc())
            self._fail(job_id, state, f"not stored: internal error: {type(exc).__name__}: {exc}")
            return
        self._finish(job_id, state, status="done", sha256=sha, run_id=self._stored_run(job_id, sha))

    def _result(self, job_id: str, future: cf.Future[TaskResult]) -> TaskResult | None:
        """The worker's result for a job; None when the job was cancelled meanwhile.

        A cancelled job's worker process is ended (it may be deep in a decoder) and a fresh
        one started for the next job.
        """
        polls = 0
        while True:
            try:
                return future.result(timeout=0.25)
            except cf.TimeoutError:
                if self._cancel_asked(job_id):
                    self._end_pool()
                    self._worker()
                    return None
                polls += 1
                if polls % 4 == 0:
                    self._cancel_queued()

    def _cancel_queued(self) -> None:
        """Mark cancelled the queued jobs someone asked to cancel (they wait for nothing)."""
        for job_id in self._ids():
            state = self._state(job_id)
            if state is not None and state.get("status") == "queued" and self._cancel_asked(job_id):
                self._finish(job_id, state, status="cancelled")

    def _stored_run(self, job_id: str, sha256: str) -> int | None:
        """The id of the store's run recorded for this job, None when there is none yet."""
        runs = [r for r in self.store.runs(sha256) if r.options.get("job") == job_id]
        return runs[-1].id if runs else None

    def _complete(self, state: dict[str, Any], sha256: str) -> None:
        """What follows a stored run, done again (it is idempotent) after an interruption."""
        search_and_store(self.store, sha256)
        if state.get("case"):
            add_to_case(self.store, str(state["case"]), sha256, str(state["reviewer"]))

    def _task(self, folder: Path, state: dict[str, Any]) -> Task:
        """The worker's task for a queued job, its files read back from the job's folder."""
        data = (folder / _DOCUMENT).read_bytes()
        names = [str(n) for n in state.get("exemplars") or []]
        translation = state.get("translation")
        return Task(
            path=str(state["name"]),
            sha256=hashlib.sha256(data).hexdigest(),
            references=tuple(names),
            only=tuple(state["only"]) if state.get("only") is not None else None,
            limits=self.limits,
            data=data,
            reference_data=tuple(
                (folder / f"exemplar-{i}").read_bytes() for i in range(len(names))
            ),
            claims=claims_from_dict(state["claims"]) if state.get("claims") else None,
            translation=str(translation) if translation else None,
            translation_data=(folder / _TRANSLATION).read_bytes() if translation else None,
        )

    def _record(self, job_id: str, state: dict[str, Any], task: Task, result: TaskResult) -> str:
        """Write a worker's report to the store, with what came with the upload.

        The run records the job's id: a dispatcher interrupted after storing it and before
        marking the job done finds it, and does not analyse the upload again.
        """
        assert result.report_json is not None
        loaded = {info.sha256: info for info in result.inputs}

        def received(name: str, data: bytes) -> tuple[Upload, DocumentInfo]:
            return Upload(name, data), loaded[hashlib.sha256(data).hexdigest()]

        translation = None
        if task.translation is not None and task.translation_data is not None:
            translation = received(task.translation, task.translation_data)
        reviewer = str(state["reviewer"])
        sha = record_upload(
            self.store,
            report_from_json(result.report_json),
            Upload(task.path, task.data or b""),
            artifacts=result.artifacts,
            claims=task.claims,
            exemplars=[
                received(n, d) for n, d in zip(task.references, task.reference_data, strict=True)
            ],
            translation=translation,
            reviewer=reviewer,
            only=task.only,
            started=result.started,
            finished=result.finished,
            duration_s=result.duration_s,
            job=job_id,
        )
        if state.get("case"):
            add_to_case(self.store, str(state["case"]), sha, reviewer)
        return sha

    def _fail(
        self,
        job_id: str,
        state: dict[str, Any],
        error: str,
        task: Task | None = None,
        result: TaskResult | None = None,
    ) -> None:
        """Mark the job failed and record the failure in the store, as a batch would."""
        error = printable(error)
        data = task.data if task is not None else None
        if data is None:
            with contextlib.suppress(OSError):
                data = (self.folder / job_id / _DOCUMENT).read_bytes()
        sha = hashlib.sha256(data).hexdigest() if data is not None else None
        if data is not None:
            try:
                only = state.get("only")
                checks = discover().select(only)
                self.store.record_failure(
                    data,
                    str(state.get("name") or "upload"),
                    error,
                    check_versions={c.name: c.version for c in checks},
                    options={"only": only, "source": "app"},
                    references=[
                        hashlib.sha256(d).hexdigest() for d in (task.reference_data if task else ())
                    ],
                    started=result.started if result is not None else None,
                    finished=result.finished if result is not None else None,
                    duration_s=result.duration_s if result is not None else None,
                )
            except WorkbenchError as exc:  # a full disk, say: the job still says what happened
                error = f"{error} (and not recorded in the store: {exc})"
        self._finish(job_id, state, status="failed", error=error, sha256=sha)

    def _finish(self, job_id: str, state: dict[str, Any], **outcome: Any) -> None:
        """The job's final state; its uploaded bytes go (the store holds them now)."""
        state.update(outcome, finished_at=now_iso(), finished_epoch=time.time())
        self._write_state(job_id, state)
        folder = self.folder / job_id
        for path in folder.iterdir():
            if path.name not in (STATE_NAME, EVENTS_NAME):
                path.unlink(missing_ok=True)

    # -- the folder ------------------------------------------------------------------------

    def _ids(self) -> list[str]:
        try:
            names = [p.name for p in self.folder.iterdir() if p.is_dir()]
        except OSError:
            return []
        return sorted(n for n in names if not n.startswith("."))

    def _state(self, job_id: str) -> dict[str, Any] | None:
        try:
            value = json.loads((self.folder / job_id / STATE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def _cancel_asked(self, job_id: str) -> bool:
        return (self.folder / job_id / CANCEL_NAME).exists()

    def _status(self, job_id: str) -> str | None:
        state = self._state(job_id)
        return str(state.get("status")) if state is not None else None

    def _write_state(self, job_id: str, state: dict[str, Any]) -> None:
        atomic_json(self.folder / job_id / STATE_NAME, state)
