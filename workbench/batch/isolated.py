"""One document's work in a process of its own, within the per-document time and memory limits.

`workbench check` analyses the documents it is given one after another; a document whose
analysis runs past ``Limits.max_seconds`` or needs more than ``Limits.max_memory_bytes`` of
address space must end as a one-line error while the others go on, as in a batch. Python
cannot take memory back from native code that has run out of it, nor stop native code that
never returns, so each document runs in a forked child: the child caps its own address space
and sends back what it computed (or the error it met), and the parent ends a child that is
still running at the time limit. Forking keeps what the parent has already loaded (the
checks, exemplars), so a document costs no new start-up; the child's cap is therefore the
address space it inherited plus the budget, so that what the parent had already loaded
(models, libraries) is not counted against the document. Where processes cannot be forked,
the work runs in this process without the limits.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from workbench.errors import InputError, WorkbenchError
from workbench.limits import Limits

T = TypeVar("T")

#: How long a child may take to start and to send its result beyond the document's time limit.
_GRACE_SECONDS = 5.0


def inherited_address_space() -> int:
    """The address space this process holds now, in bytes (0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * resource.getpagesize()


def _child(work: Callable[[], Any], conn: Connection, memory_bytes: int) -> None:
    """Run `work` under the address-space cap and send ``(kind, value)`` back to the parent.

    The cap is the budget on top of what the fork inherited: a parent that has loaded the
    checks' models (a test run, a long command) must not leave the document no room at all.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child with the command
    memory_bytes += inherited_address_space()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory_bytes = min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    try:
        outcome: tuple[str, Any] = ("ok", work())
    except MemoryError:
        outcome = ("memory", None)
    except WorkbenchError as exc:
        outcome = ("input", str(exc))
    except Exception as exc:  # a bug: its traceback goes with it, as in this process
        outcome = ("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
    try:
        conn.send(outcome)
    except MemoryError:  # the result itself does not fit the budget
        conn.send(("memory", None))
    finally:
        conn.close()


def run_within_limits(work: Callable[[], T], limits: Limits, name: str) -> T:
    """`work()` computed in a child process held to `limits`; its value, or an `InputError`.

    `name` is the document, as it appears at the start of an error line. The value must be
    picklable (it comes back through a pipe). A `WorkbenchError` raised by `work` comes back
    as an `InputError` with the same message; any other exception is a bug and is raised
    again here as a `RuntimeError` carrying the child's traceback.

    Raises:
        InputError: the work needed more memory than ``limits.max_memory_bytes``, ran past
            ``limits.max_seconds``, ended abnormally, or raised a `WorkbenchError`.

    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return work()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(work, sender, limits.max_memory_bytes), daemon=True
    )
    process.start()
    sender.close()
    try:
        outcome: tuple[str, Any] | None = None
        if receiver.poll(limits.max_seconds + _GRACE_SECONDS):
            try:
                outcome = receiver.recv()
            except EOFError:  # the child died before sending anything
                outcome = None
        elif process.is_alive():
            process.kill()
            process.join()
            raise InputError(
                f"{name}: analysis stopped at the time limit of {limits.max_seconds:g} s per "
                "document (raise it with --max-seconds if the file is trusted)"
            )
    finally:
        receiver.close()
        process.join(timeout=_GRACE_SECONDS)  # a child that has sent its result ends soon
        if process.is_alive():
            process.kill()
            process.join()
    value: T = _value(outcome, process.exitcode, limits, name)
    return value


def _value(outcome: tuple[str, Any] | None, exitcode: int | None, limits: Limits, name: str) -> Any:
    budget = f"{limits.max_memory_bytes // 2**20:,} MiB"
    if outcome is None:
        how = (
            f"was ended by signal {-exitcode}"
            if exitcode is not None and exitcode < 0
            else f"ended with status {exitcode}"
        )
        raise InputError(
            f"{name}: the analysis {how} before it finished (a crash in a native library, or "
            f"memory past the budget of {budget} per document; raise it with "
            "--max-memory-bytes if the file is trusted)"
        )
    kind, value = outcome
    if kind == "ok":
        return value
    if kind == "memory":
        raise InputError(
            f"{name}: needs more memory than the budget of {budget} per document (raise it "
            "with --max-memory-bytes if the file is trusted)"
        )
    if kind == "input":
        raise InputError(str(value))
    raise RuntimeError(f"internal error while analysing {name}: {value}")
