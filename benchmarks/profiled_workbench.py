"""``workbench`` with each document analysed in this process, for `profile_check.py`.

``workbench check`` analyses each document in a forked child (its time and memory limits,
`workbench.batch.isolated`), where a profiler of the parent sees nothing. Under cProfile
this entry point runs the same command line with the document's work done in place, so the
profile holds the checks' functions; limits are not enforced here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import workbench.batch.isolated as isolated
from workbench.cli import main


def _in_place(work: Callable[[], Any], limits: Any, name: str) -> Any:
    """The document's work, done in this process."""
    return work()


isolated.run_within_limits = _in_place

if __name__ == "__main__":
    main()
