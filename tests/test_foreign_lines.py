"""``benchmarks/foreign_lines.py``: the run statistic of a block of lines printed elsewhere."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from foreign_lines import run_score, second, zscores


def test_a_run_shifted_one_way_scores_its_weakest_line() -> None:
    z = np.array([0.2, -0.1, 5.0, 4.0, 0.3, 0.0])
    assert run_score(z, 2, 4) == 4.0 - 0.3


def test_a_run_whose_lines_shift_both_ways_scores_nothing() -> None:
    z = np.array([0.0, 5.0, -5.0, 0.0])
    assert run_score(z, 1, 3) == 0.0


def test_a_neighbour_shifted_the_same_way_lowers_the_run() -> None:
    z = np.array([0.0, 3.0, 5.0, 5.0, 0.0])
    assert run_score(z, 2, 4) == 2.0
    assert run_score(z, 1, 4) == 3.0


def test_a_run_at_the_page_top_has_one_boundary() -> None:
    z = np.array([-6.0, -1.0, 0.0, 0.5])
    assert run_score(z, 0, 1) == 5.0


def test_zscores_floor_the_spread_of_uniform_lines() -> None:
    rows = [
        {"darkness": 0.5, "sharpness": 0.2, "stroke": 0.1, "grain": 2.0, "noise": 1.0, "level": 230}
        for _ in range(6)
    ]
    rows[3] = {**rows[3], "level": 240}
    zs = zscores(rows)
    assert zs["level"][3] == 10.0  # one grey level of floor
    assert not np.any(zs["darkness"])
    assert second(zs, 3, 4) == 0.0
