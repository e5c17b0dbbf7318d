"""Progress of a batch run: a live bar on a terminal, plain log lines anywhere else.

The batch calls a `BatchProgress` (start, one ``advance`` per document, close); it never
prints itself. On a terminal the bar shows documents done, pages per second, time left and
failures so far (drawn by ``rich``); when standard error is a file or a pipe (CI, ``nohup``,
a log collector) each document becomes one line, so logs stay readable and greppable.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import IO, Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from workbench.names import printable


@dataclass(frozen=True)
class Done:
    """What the progress display learns about one finished document."""

    path: str
    status: str
    pages: int
    duration_s: float | None = None
    error: str | None = None


class BatchProgress(Protocol):
    """What a batch run reports while it works."""

    def start(self, total: int) -> None:
        """The run has `total` documents to go through (analysed or reused)."""

    def advance(self, done: Done) -> None:
        """One more document is finished."""

    def note(self, message: str) -> None:
        """Something worth telling that is not a document's result (a skipped file)."""

    def close(self) -> None:
        """The run is over."""


class _PagesPerSecond(ProgressColumn):
    """Pages analysed per second of wall time (documents reused from the store excluded)."""

    def render(self, task: Task) -> Text:
        pages = int(task.fields.get("pages", 0))
        elapsed = task.elapsed or 0.0
        rate = pages / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:.2f} pages/s", style="cyan")


class _Failures(ProgressColumn):
    """Documents that failed so far, red when there are any."""

    def render(self, task: Task) -> Text:
        failed = int(task.fields.get("failed", 0))
        return Text(f"{failed} failed", style="bold red" if failed else "dim")


class RichProgress:
    """A live progress bar on a terminal."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._progress = Progress(
            TextColumn("[bold]analysing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("documents"),
            _PagesPerSecond(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            _Failures(),
            console=console,
            transient=False,
        )
        self._task = self._progress.add_task("batch", total=None, pages=0, failed=0)
        self._pages = 0
        self._failed = 0

    def start(self, total: int) -> None:
        """Show the bar with its total."""
        self._progress.update(self._task, total=total)
        self._progress.start()

    def advance(self, done: Done) -> None:
        """Count one document; failures are also printed above the bar."""
        if done.status == "analysed":
            self._pages += done.pages
        if done.status == "error":
            self._failed += 1
            self._progress.console.print(f"[red]failed[/red] {escape(printable(done.error or ''))}")
        self._progress.update(self._task, advance=1, pages=self._pages, failed=self._failed)

    def note(self, message: str) -> None:
        """Print a note above the bar."""
        self._progress.console.print(f"[dim]{escape(printable(message))}[/dim]")

    def close(self) -> None:
        """Leave the final state of the bar on the screen."""
        self._progress.stop()


class LogProgress:
    """One line per document, for standard error that is not a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._total = 0
        self._done = 0
        self._pages = 0
        self._failed = 0
        self._started = time.perf_counter()

    def _line(self, text: str) -> None:
        self._stream.write(text + "\n")
        self._stream.flush()

    def start(self, total: int) -> None:
        """Say how many documents the run has."""
        self._total = total
        self._started = time.perf_counter()
        self._line(f"batch: {total} documents")

    def advance(self, done: Done) -> None:
        """Log the document with the run's counters and rate."""
        self._done += 1
        if done.status == "analysed":
            self._pages += done.pages
        if done.status == "error":
            self._failed += 1
        elapsed = time.perf_counter() - self._started
        rate = self._pages / elapsed if elapsed > 0 else 0.0
        remaining = self._total - self._done
        eta = elapsed / self._done * remaining if self._done else 0.0
        took = f" {done.duration_s:.1f}s" if done.duration_s is not None else ""
        detail = f": {printable(done.error)}" if done.error else ""
        self._line(
            f"[{self._done}/{self._total}] {done.status} {printable(done.path)} "
            f"({done.pages} pages{took})"
            f"{detail} | {rate:.2f} pages/s, ~{eta:.0f}s left, {self._failed} failed"
        )

    def note(self, message: str) -> None:
        """Log a note."""
        self._line(f"batch: {printable(message)}")

    def close(self) -> None:
        """Nothing to tidy up."""


def make_progress(stream: IO[str] | None = None) -> BatchProgress:
    """A bar when `stream` (default standard error) is a terminal, log lines otherwise."""
    stream = stream or sys.stderr
    if stream.isatty():
        return RichProgress(Console(file=stream))
    return LogProgress(stream)
