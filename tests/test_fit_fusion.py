"""The fusion-weight fit of ``benchmarks/fit_fusion.py`` on records whose answer is known."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import fit_fusion as ff

from workbench.imaging.forensic.fusion import REASONED_WEIGHTS


def _row(tampering: str, chain: str, **scores: float) -> dict[str, object]:
    base = {"clone": 0.0, "noise": 0.0, "ela": 0.0}
    return {"tampering": tampering, "chain": chain, "scores": {**base, **scores}}


def test_fit_raises_a_telling_method_and_lowers_one_that_fires_on_untouched_pages() -> None:
    rows = []
    for i in range(24):
        chain = f"c{i % 3}"
        rows.append(_row("none", chain, noise=0.9 if i % 2 else 0.0))
        rows.append(_row("copy-move", chain, clone=0.6, noise=0.9 if i % 2 else 0.0))
    weights = ff.fit(rows, ["clone", "ela", "noise"])
    assert weights["clone"] == 1.0
    assert weights["noise"] < REASONED_WEIGHTS["noise"] - 0.2
    # A method that never fires keeps its reasoned weight.
    assert abs(weights["ela"] - REASONED_WEIGHTS["ela"]) < 0.01
    held, per_chain = ff.leave_one_chain_out(rows, ["clone", "ela", "noise"])
    assert set(per_chain) == {"c0", "c1", "c2"}
    assert ff.split_auc(rows, held) == 1.0
