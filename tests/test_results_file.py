"""``benchmarks/results_file.py``: a benchmark rewrites its own section of RESULTS.md only."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from results_file import write_section

RESULTS = """# Benchmark results

## Speed

old table

### A change measured by hand

kept text

## Other

other text
"""


def test_section_is_replaced_up_to_the_next_section(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(RESULTS, encoding="utf-8")
    write_section("Speed", "## Speed\n\nnew table\n", path)
    text = path.read_text(encoding="utf-8")
    assert "new table" in text and "old table" not in text
    assert "kept text" not in text
    assert text.endswith("## Other\n\nother text\n")


def test_hand_written_subsections_are_kept_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(RESULTS, encoding="utf-8")
    write_section("Speed", "## Speed\n\nnew table\n", path, keep_subsections=True)
    text = path.read_text(encoding="utf-8")
    assert "old table" not in text
    assert text.index("new table") < text.index("### A change measured by hand")
    assert "kept text" in text and text.endswith("## Other\n\nother text\n")


def test_a_missing_section_is_appended(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(RESULTS, encoding="utf-8")
    write_section("New", "## New\n\nrows\n", path, keep_subsections=True)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(RESULTS.rstrip("\n")) and text.endswith("## New\n\nrows\n")
