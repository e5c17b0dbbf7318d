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

from workbench.batch.discovery import Skipped, sniff, walk
from workbench.batch.executors import DaskExecutor, Executor, ProcessExecutor
from workbench.batch.output import CSV_COLUMNS, SUMMARY_NAME, BatchSummary, Row
from workbench.batch.run import BATCH_ACTOR, BatchOptions, case_name, default_out, run_batch
from workbench.batch.worker import Task, TaskResult, analyse_task, limit_threads

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
    "limit_threads",
    "run_batch",
    "sniff",
    "walk",
]
