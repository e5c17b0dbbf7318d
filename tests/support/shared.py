"""The development folder beside the checkout (``../shared``): its files, or a loud skip.

Some tests compare the project with ``../shared`` (the design's checklist, the report
contract). In a plain clone the folder is absent: those tests skip and say why, rather than
pass having tested less. Under CI (``CI`` set) the folder is always beside the checkout, so
its absence there is a broken set-up and the test fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"


def running_in_ci() -> bool:
    """True when the ``CI`` environment variable is set to something other than false."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def shared_file(*parts: str) -> Path:
    """``../shared/<parts>``; skips the calling test when it is absent (fails under CI)."""
    path = SHARED.joinpath(*parts)
    if path.exists():
        return path
    message = f"../shared/{'/'.join(parts)} is not beside the checkout"
    if running_in_ci():
        pytest.fail(f"{message}, and CI always has it")
    pytest.skip(message)
