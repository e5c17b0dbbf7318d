"""One document's work in a child process held to the per-document time and memory limits."""

from __future__ import annotations

import faulthandler
import mmap
import os
import signal
import time

import pytest

from workbench.batch.isolated import run_within_limits
from workbench.errors import CorruptFileError, InputError
from workbench.limits import Limits


def test_the_value_comes_back() -> None:
    assert run_within_limits(lambda: {"pid": os.getpid()}, Limits(), "a.jpg")["pid"] != os.getpid()


def test_over_the_time_limit_is_an_input_error() -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=r"^a\.jpg: analysis stopped at the time limit of 1 s"):
        run_within_limits(lambda: time.sleep(3600), Limits(max_seconds=1), "a.jpg")
    assert time.monotonic() - started < 600  # the child was ended, not waited for


def test_over_the_memory_budget_is_an_input_error() -> None:
    budget = 256 * 2**20  # on top of what the child inherits

    def allocate() -> int:
        return len(bytearray(2**30))

    with pytest.raises(InputError, match=r"needs more memory than the budget"):
        run_within_limits(allocate, Limits(max_memory_bytes=budget), "big.png")
    # the budget was the child's alone
    assert len(bytearray(2**28)) == 2**28


def test_a_crash_is_one_error_line() -> None:
    def crash() -> None:
        faulthandler.disable()  # the test runner's handler would print the child's stack
        os.kill(os.getpid(), signal.SIGSEGV)

    with pytest.raises(InputError, match=r"was ended by signal 11") as caught:
        run_within_limits(crash, Limits(), "odd.tif")
    assert "\n" not in str(caught.value)


def test_input_errors_keep_their_message() -> None:
    def refuse() -> None:
        raise CorruptFileError("odd.pdf: the PDF cannot be opened")

    with pytest.raises(InputError, match=r"^odd\.pdf: the PDF cannot be opened$"):
        run_within_limits(refuse, Limits(), "odd.pdf")


def test_a_bug_keeps_its_traceback() -> None:
    def bug() -> None:
        raise ZeroDivisionError("division by zero")

    with pytest.raises(RuntimeError, match=r"ZeroDivisionError[\s\S]*Traceback"):
        run_within_limits(bug, Limits(), "x.png")


def test_the_budget_is_on_top_of_what_the_parent_already_holds() -> None:
    # A parent that has loaded models (a test run, the app) may hold more address space than
    # the whole budget; the document is still given its budget on top of that.
    held = mmap.mmap(-1, 2 * 2**30)  # reserved, never touched
    try:

        def allocate() -> int:
            return len(bytearray(64 * 2**20))

        budget = 256 * 2**20
        assert run_within_limits(allocate, Limits(max_memory_bytes=budget), "a.png") == 64 * 2**20
    finally:
        held.close()
