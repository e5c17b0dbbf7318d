from __future__ import annotations

import os
import subprocess
import sys

import pytest

from workbench.runtime import THREADS_VARIABLE, apply_thread_policy, library_threads


def test_one_thread_per_library_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    assert library_threads() == 1
    monkeypatch.setenv(THREADS_VARIABLE, "2")
    assert library_threads() == 2
    for wrong in ("0", "-3", "many", " "):
        monkeypatch.setenv(THREADS_VARIABLE, wrong)
        assert library_threads() == 1


def test_policy_reaches_the_loaded_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    import cv2

    monkeypatch.setenv(THREADS_VARIABLE, "2")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    try:
        assert apply_thread_policy() == 2
        assert cv2.getNumThreads() == 2
        assert os.environ["OMP_NUM_THREADS"] == "2"
        if "torch" in sys.modules:
            assert sys.modules["torch"].get_num_threads() == 2
    finally:
        monkeypatch.delenv(THREADS_VARIABLE)
        apply_thread_policy()
    assert cv2.getNumThreads() == 1


def test_a_users_openmp_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    apply_thread_policy()
    assert os.environ["OMP_NUM_THREADS"] == "3"


_FRAGMENTED_HEAP = """
import os
from workbench.runtime import return_freed_memory

def resident():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

# 150 MB of small blocks from the heap; one in a thousand kept, so the heap's top cannot
# shrink when the rest are freed
blocks = [bytearray(700) for _ in range(200_000)]
kept = blocks[::1000]
del blocks
before = resident()
return_freed_memory()
print(before - resident())
"""


def test_memory_freed_on_the_heap_goes_back_to_the_system() -> None:
    from workbench import runtime

    if runtime._malloc_trim() is None:
        pytest.skip("this C library has no malloc_trim")
    done = subprocess.run(
        [sys.executable, "-c", _FRAGMENTED_HEAP], capture_output=True, text=True, check=True
    )
    assert int(done.stdout) > 50 * 2**20  # of the 150 MB freed on the heap


def test_policy_reaches_numpys_openblas(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from workbench.runtime import blas_libraries

    # NumPy's wheels bring OpenBLAS (SciPy's may be loaded too); a build without a BLAS
    # threadpoolctl knows has nothing to set.
    libraries = blas_libraries()
    if not libraries:
        pytest.skip("NumPy here does not use a BLAS this process can reach")
    monkeypatch.setenv(THREADS_VARIABLE, "2")
    try:
        apply_thread_policy()
        assert [lib.num_threads for lib in libraries] == [2] * len(libraries)
    finally:
        monkeypatch.delenv(THREADS_VARIABLE)
        apply_thread_policy()
    assert [lib.num_threads for lib in libraries] == [1] * len(libraries)
    # A product on one thread gives the same values as on two.
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((300, 200)), rng.standard_normal((200, 400))
    one = a @ b
    monkeypatch.setenv(THREADS_VARIABLE, "2")
    try:
        apply_thread_policy()
        assert np.array_equal(a @ b, one)
    finally:
        monkeypatch.delenv(THREADS_VARIABLE)
        apply_thread_policy()
