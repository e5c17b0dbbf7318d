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

The pieces, along the seams of what changes together: `discovery` (the walk of the folder),
`worker` (one document analysed within its limits), `executors` (local processes or Dask),
`output` (report folders and the CSV) and `run` (the orchestration).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.batch.discovery import Skipped, expected_work, sniff, walk
    from workbench.batch.executors import DaskExecutor, Executor, ProcessExecutor
    from workbench.batch.output import CSV_COLUMNS, SUMMARY_NAME, BatchSummary, Row
    from workbench.batch.run import BATCH_ACTOR, BatchOptions, case_name, default_out, run_batch
    from workbench.batch.worker import Task, TaskResult, analyse_task, limit_threads

# The names are imported from their modules when first used (PEP 562), not with the package:
# ``workbench check`` imports `workbench.batch.isolated` only, and this package's modules
# brought the store, the case service and the progress display with them (importing
# `workbench.batch.isolated` took 1.09 s at load 22 with them, 0.21 s without).
_MODULE_OF = {
    **dict.fromkeys(("Skipped", "expected_work", "sniff", "walk"), "discovery"),
    **dict.fromkeys(("DaskExecutor", "Executor", "ProcessExecutor"), "executors"),
    **dict.fromkeys(("CSV_COLUMNS", "SUMMARY_NAME", "BatchSummary", "Row"), "output"),
    **dict.fromkeys(
        ("BATCH_ACTOR", "BatchOptions", "case_name", "default_out", "run_batch"), "run"
    ),
    **dict.fromkeys(("Task", "TaskResult", "analyse_task", "limit_threads"), "worker"),
}


def __getattr__(name: str) -> Any:
    """A public name of the package, imported from its module on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BATCH_ACTOR",
    "CSV_COLUMNS",
    "SUMMARY_NAME",
    "BatchOptions",
    "BatchSummary",
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "Row",
    "Skipped",
    "Task",
    "TaskResult",
    "analyse_task",
    "case_name",
    "default_out",
    "expected_work",
    "limit_threads",
    "run_batch",
    "sniff",
    "walk",
]
