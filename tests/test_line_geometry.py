"""Line geometry of ``benchmarks/line_geometry.py`` on rendered dev pages.

The measurement behind a negative result: a spliced line is measured as a line of its own,
on its edit, off its page's grid and margins; but a line of an untouched page of the same
template and chain lies farther off the right margin than it does, which is why no limit on
where a line sits passes spliced lines and no untouched line.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import forensic_corpus as fc
import line_geometry as lg


def _rows(tmp_path: Path, index: int, tampering: str) -> tuple[fc.Entry, list[lg.LineRow]]:
    tampering_, kind, template = fc.plan("dev", 16)[index]
    assert (tampering_, kind) == (tampering, "letter")
    entry = fc.make_entry("dev", index, tampering, kind, template, tmp_path)
    return entry, lg.measure_page(tmp_path / entry.path, asdict(entry))


def test_a_spliced_line_and_an_untouched_letter_of_one_chain(tmp_path: Path) -> None:
    # Two 150-dpi grey dev letters of one template: one with a line pasted into a blank band.
    entry, rows = _rows(tmp_path, 34, "spliced-line")
    plain, plain_rows = _rows(tmp_path, 2, "none")
    assert entry.chain == plain.chain and entry.template == plain.template
    ((x0, y0, x1, y1),) = entry.boxes
    (spliced,) = [r for r in rows if r.label == "spliced"]
    x, y, w, h = spliced.box
    assert x0 <= x and y0 <= y and x + w <= x1 and y + h <= y1
    # On its page it is the line farthest from every other line's ends and off the pitch grid.
    for feature in ("flush", "pitch"):
        assert all(r.values[feature] < spliced.values[feature] for r in rows if r is not spliced)
    # The untouched letter's lines are all untouched, and one of them ends farther from any
    # other line's right end than the spliced line does.
    assert plain_rows and all(r.label == "untouched" for r in plain_rows)
    assert max(r.values["flush_right"] for r in plain_rows) > spliced.values["flush_right"]


def test_the_pitch_residual_is_the_distance_from_the_nearest_whole_step() -> None:
    assert lg._grid_residual(100.0, 50.0) == 0.0
    assert lg._grid_residual(75.0, 50.0) == 0.5
    # A neighbour closer than one pitch is measured against one step.
    assert lg._grid_residual(40.0, 50.0) == 0.2
