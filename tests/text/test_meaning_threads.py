"""The sentence model computes on the runtime's threads, however it is first reached."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from workbench.text import meaning

needs_model = pytest.mark.skipif(
    meaning.unavailable() is not None, reason=f"no sentence model: {meaning.unavailable()}"
)

_PROBE = """
import os
from workbench.text import meaning
before = len(os.listdir("/proc/self/task"))
meaning.embeddings(["سلام بر شما، جلسه فردا برگزار می‌شود."] * 8 + ["The meeting is tomorrow."] * 8)
print(os.environ.get("OMP_NUM_THREADS"), len(os.listdir("/proc/self/task")) - before)
"""


@needs_model
@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
def test_model_loaded_outside_an_analysis_starts_no_thread_of_its_own() -> None:
    """Loaded in a fresh process with no thread setting, it takes the policy's one thread."""
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "WORKBENCH_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True
    )
    setting, new_threads = done.stdout.split()
    assert setting == "1" and int(new_threads) == 0
