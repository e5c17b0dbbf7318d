"""The batch run: walk, reuse what the store has, analyse the rest, record, tabulate.

Documents already analysed with the same check versions and exemplars are found in the store
by one indexed look-up and reused; the rest go to an executor (`workbench.batch.executors`).
This process alone writes the store, one short transaction per document, so a run killed at
any moment loses at most the documents in flight. Every stored document joins the case of
its folder.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workbench.api import load_references
from workbench.batch.discovery import expected_work, walk
from workbench.batch.executors import DaskExecutor, Executor, ProcessExecutor
from workbench.batch.output import (
    SUMMARY_NAME,
    BatchSummary,
    Row,
    report_dir,
    row_from_report,
    write_csv,
    write_report,
)
from workbench.batch.worker import Task, TaskResult
from workbench.case_index import CaseIndex
from workbench.cases import search_and_store
from workbench.errors import UsageError, WorkbenchError
from workbench.limits import Limits
from workbench.names import printable
from workbench.progress import BatchProgress, Done
from workbench.registry import discover
from workbench.serialize import report_from_json
from workbench.store import Store, analysis_key, sha256_file
from workbench.store.cases import add_to_case
from workbench.store.fingerprints import FINGERPRINT_CHECK

#: Who the audit log names for the case memberships a batch run records.
BATCH_ACTOR = "batch"


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
            folder = report_dir(out, relative, sha)
            if not (folder / "report.json").exists():
                write_report(folder, report, {})
            done(row_from_report(str(relative), report, "reused", None))

        remote = isinstance(executor, DaskExecutor)
        reference_data = tuple(p.read_bytes() for p in options.references) if remote else ()

        # the longest first, so that the run ends on short documents (see `expected_work`)
        order = sorted(todo.items(), key=lambda item: expected_work(item[1][0]), reverse=True)

        def tasks() -> Iterator[Task]:
            for sha, paths in order:
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
                # the store's fingerprints, read once and searched by every document stored
                index = CaseIndex(store)
                for result in executor.run(tasks()):
                    peaks[result.worker] = max(peaks.get(result.worker, 0), result.peak_rss_bytes)
                    paths = todo[result.sha256]
                    for row in _record(
                        store, result, paths, root, out, check_versions, run_options, index
                    ):
                        done(row)
        finally:
            # also when interrupted: what was stored stays stored, and the bar is left tidy
            if progress is not None:
                progress.close()
            _join_cases(store, root, rows)
        csv_path = out / SUMMARY_NAME
        write_csv(csv_path, rows)
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
    index: CaseIndex | None = None,
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
            # what it shares with the stored documents, kept for the case view
            search_and_store(store, result.sha256, index, report)
        except WorkbenchError as exc:
            for path in paths:
                yield Row(str(path.relative_to(root)), result.sha256, error=str(exc))
            return
        for i, path in enumerate(paths):
            rel = path.relative_to(root)
            write_report(report_dir(out, rel, result.sha256), report, result.artifacts)
            status = "analysed" if i == 0 else "reused"
            yield row_from_report(str(rel), report, status, result.duration_s if i == 0 else None)
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
