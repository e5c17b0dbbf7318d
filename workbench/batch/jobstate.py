"""A queued upload as the app sees it: its state, its checks' ends, and the files that hold them.

Each job of the analysis queue (`workbench.batch.jobqueue`) is a folder: ``job.json`` (its
state, replaced atomically) and ``events.jsonl`` (one line per check started or ended,
appended by the worker with that check's findings). This module reads and writes those
files; the pages read jobs through it without running the queue.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.model import Finding
from workbench.names import printable
from workbench.pipeline import ProgressEvent
from workbench.serialize import finding_from_dict, finding_to_dict

STATE_NAME = "job.json"
EVENTS_NAME = "events.jsonl"
#: Written into a job's folder to ask for it to be cancelled (by a page, in any process).
CANCEL_NAME = "cancel"
#: The states a job ends in.
FINISHED = ("done", "failed", "cancelled")


@dataclass(frozen=True)
class CheckEnd:
    """One check of a job as the worker reported its end, with its findings."""

    check: str
    status: str
    duration_s: float
    message: str | None
    findings: tuple[Finding, ...]
    #: Seconds from the upload's submission to the end of this check.
    after_s: float


@dataclass(frozen=True)
class Job:
    """One upload in the queue: its state and the checks ended so far."""

    id: str
    name: str
    status: str  # queued, running, done, failed
    submitted: float
    reviewer: str
    sha256: str | None = None
    error: str | None = None
    attempts: int = 0
    checks_total: int = 0
    check_running: str | None = None
    ended: tuple[CheckEnd, ...] = ()
    #: Someone asked for the job to be cancelled and the dispatcher has not yet stopped it.
    cancelling: bool = False
    #: The store's run of the analysis, once the job is done.
    run_id: int | None = None

    @property
    def finished(self) -> bool:
        """Whether the job is over (analysed and stored, failed, or cancelled)."""
        return self.status in FINISHED


class EventLog:
    """The worker's side: one JSON line per check started or ended, appended to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, event: ProgressEvent) -> None:
        """Append one check's start, or its end with its findings (worst first)."""
        line: dict[str, Any] = {
            "check": event.check,
            "index": event.index,
            "total": event.total,
            "t": time.time(),
        }
        result = event.result
        if result is not None:
            findings = sorted(result.findings, key=lambda f: -int(f.severity))
            line.update(
                status=result.status.value,
                duration_s=result.duration_s,
                message=result.message,
                findings=[finding_to_dict(f) for f in findings],
            )
        text = json.dumps(line, ensure_ascii=False, default=str)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(text + "\n")


def file_name(name: str, default: str) -> str:
    """The last part of an uploaded file's name, escaped as the store keeps names.

    `default` stands in for a name that is empty or a dot.
    """
    last = printable(Path(name).name)
    return last if last not in ("", ".", "..") else default


def atomic_json(path: Path, value: dict[str, Any]) -> None:
    """Replace the JSON file at `path` whole: a reader sees the old value or the new one."""
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    part.replace(path)


def read_events(path: Path, submitted: float) -> tuple[int, str | None, tuple[CheckEnd, ...]]:
    """(checks in all, the check running, the checks ended) from a job's event log."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0, None, ()
    total, running, ended = 0, None, []
    for raw in lines:
        try:  # the last line may be half written
            event = json.loads(raw)
            total = int(event.get("total", total))
            if "status" not in event:
                running = str(event["check"])
                continue
            end = CheckEnd(
                check=str(event["check"]),
                status=str(event["status"]),
                duration_s=float(event.get("duration_s") or 0.0),
                message=event.get("message"),
                findings=tuple(finding_from_dict(f) for f in event.get("findings", [])),
                after_s=round(float(event["t"]) - submitted, 3),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        running = None
        ended.append(end)
    return total, running, tuple(ended)
