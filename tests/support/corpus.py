"""The independent forensic corpus's generator (``benchmarks/``) for tests on its pages.

The corpus modules live beside the benchmarks, not in the package: the tests that render its
pages import them from here, and skip (``NEEDS_DEV_FONTS`` as their ``pytestmark``) when the
development split's fonts are not installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import corpus_pages as cp
import forensic_corpus as fc

#: Skips what it marks when the fonts of the corpus's development split are missing.
NEEDS_DEV_FONTS = pytest.mark.skipif(
    bool(cp.missing_fonts("dev")),
    reason="the corpus fonts are not installed: " + "; ".join(cp.missing_fonts("dev")),
)

__all__ = ["NEEDS_DEV_FONTS", "cp", "fc"]
