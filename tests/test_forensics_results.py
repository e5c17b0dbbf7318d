"""The forensics benchmark keeps the hand-written subsections of its RESULTS.md section."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from forensics_benchmark import with_hand_written

OLD = """# Benchmark results

## Pixel forensics

Measured before.

### Check version 11: what changed, on which split

Dev only.

### Independent corpus (`benchmarks/forensic_corpus.py`)

Old tables.

<!-- ocr-benchmark:start -->
## OCR

Other benchmark.
"""

NEW = """## Pixel forensics

Measured now.

### Independent corpus (`benchmarks/forensic_corpus.py`)

New tables.
"""


def test_hand_written_subsections_are_carried_over_before_the_corpus() -> None:
    out = with_hand_written(NEW, OLD)
    assert out.index("Measured now.") < out.index("### Check version 11") < out.index("New")
    assert "Dev only." in out
    assert "Old tables." not in out and "Other benchmark" not in out and "<!--" not in out
    assert out.count("### Independent corpus") == 1


def test_nothing_to_carry_over_leaves_the_text() -> None:
    assert with_hand_written(NEW, "# Benchmark results\n") == NEW
    assert with_hand_written(NEW, NEW) == NEW
