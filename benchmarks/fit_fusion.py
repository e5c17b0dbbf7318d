"""Fit the fusion weights of the forensics check on the independent corpus's dev split.

`workbench.imaging.forensic.fusion.tamper_score` is a noisy-OR of the methods' page scores,
each scaled by its weight: ``1 - prod(1 - w_m * s_m)``. Read as the probability that a page
was edited, its weights are fitted here by maximum likelihood on the per-page scores that
``benchmarks/forensic_diagnosis.py`` records (untampered and exemplar pages against every kind
of tampering, both classes weighted equally), with a pull towards the reasoned weights
(`fusion.REASONED_WEIGHTS`, 1.0 for a method without one) so that a method that never fires on
the corpus keeps its reasoned weight rather than an arbitrary one. Weights stay in [0, 1].

Generic over methods: every method that has a page score in the records is fitted, so a new
method is included by re-running this script once its score is recorded.

Only the **dev** split is read. Leave-one-chain-out on dev tells how well the fit carries to a
scan chain it was not fitted on: for each chain, weights fitted on the other chains score the
held-out chain's pages; the held-out scores of all chains are pooled into one AUC, and each
chain's own AUC is printed too, for the fitted and for the reasoned weights.

    python benchmarks/fit_fusion.py [--write] [--per-kind N] [--jobs N]

``--write`` rewrites ``workbench/imaging/forensic/fusion_weights.py`` with the weights fitted
on all of dev when their leave-one-chain-out AUC is higher than the reasoned weights' AUC on
dev, and with an empty table (the reasoned weights stay in use) otherwise; the module's
docstring records the figures and the decision.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402
from forensic_diagnosis import UNTAMPERED, records  # noqa: E402
from forensics_benchmark import auc  # noqa: E402

from workbench.imaging.forensic.fusion import REASONED_WEIGHTS, tamper_score  # noqa: E402

OUT = HERE.parent / "workbench" / "imaging" / "forensic" / "fusion_weights.py"
#: Strength of the pull towards the reasoned weights (per method, squared difference),
#: relative to the mean log-likelihood of the pages.
PULL = 0.02
#: Probabilities are kept this far from 0 and 1 in the likelihood.
EPS = 1e-3


def _matrix(
    rows: Sequence[dict[str, Any]], methods: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    scores = np.array([[float(r["scores"].get(m, 0.0)) for m in methods] for r in rows])
    labels = np.array([r["tampering"] not in UNTAMPERED for r in rows], dtype=float)
    return np.clip(np.nan_to_num(scores), 0.0, 1.0), labels


def fit(rows: Sequence[dict[str, Any]], methods: Sequence[str]) -> dict[str, float]:
    """Noisy-OR weights of `methods` maximising the class-balanced likelihood of `rows`."""
    scores, labels = _matrix(rows, methods)
    prior = np.array([REASONED_WEIGHTS.get(m, 1.0) for m in methods])
    pos, neg = labels == 1, labels == 0
    balance = np.where(pos, 0.5 / max(pos.sum(), 1), 0.5 / max(neg.sum(), 1))

    def loss(w: np.ndarray) -> float:
        clean = np.clip(np.prod(1.0 - scores * w, axis=1), EPS, 1.0 - EPS)
        nll = -(balance * (labels * np.log(1.0 - clean) + (1 - labels) * np.log(clean))).sum()
        return float(nll + PULL * ((w - prior) ** 2).sum())

    result = minimize(loss, prior, method="L-BFGS-B", bounds=[(0.0, 1.0)] * len(methods))
    return {m: round(float(v), 3) for m, v in zip(methods, result.x, strict=True)}


def fused(rows: Sequence[dict[str, Any]], weights: Mapping[str, float] | None) -> list[float]:
    """`tamper_score` of each row with `weights` (the reasoned ones when None)."""
    w = dict(REASONED_WEIGHTS) if weights is None else dict(weights)
    return [tamper_score(r["scores"], w) for r in rows]


def split_auc(rows: Sequence[dict[str, Any]], scores: Sequence[float]) -> float:
    neg = [s for r, s in zip(rows, scores, strict=True) if r["tampering"] in UNTAMPERED]
    pos = [s for r, s in zip(rows, scores, strict=True) if r["tampering"] not in UNTAMPERED]
    return auc(neg, pos) if neg and pos else float("nan")


def leave_one_chain_out(
    rows: Sequence[dict[str, Any]], methods: Sequence[str]
) -> tuple[list[float], dict[str, tuple[float, float]]]:
    """Held-out fused scores of every row, and each chain's (fitted, reasoned) AUC."""
    held = [0.0] * len(rows)
    per_chain: dict[str, tuple[float, float]] = {}
    for chain in sorted({r["chain"] for r in rows}):
        train = [r for r in rows if r["chain"] != chain]
        index = [i for i, r in enumerate(rows) if r["chain"] == chain]
        weights = fit(train, methods)
        test = [rows[i] for i in index]
        scores = fused(test, weights)
        for i, s in zip(index, scores, strict=True):
            held[i] = s
        per_chain[chain] = (split_auc(test, scores), split_auc(test, fused(test, None)))
    return held, per_chain


def write_module(weights: Mapping[str, float], summary: str) -> None:
    """Rewrite `OUT` with the fitted weights (``ruff format`` style, lines within 100)."""
    body = "".join(f'    "{m}": {v},\n' for m, v in sorted(weights.items()))
    table = f"{{\n{body}}}" if body else "{}"
    OUT.write_text(
        '"""Fusion weights fitted on the independent corpus\'s dev split.\n\n'
        "Written by ``benchmarks/fit_fusion.py --write``; re-run it after a method is added or "
        "changed\n(``python benchmarks/fit_fusion.py --write``) instead of editing the values "
        "by hand.\n\n" + "\n".join(textwrap.wrap(summary, 95)) + '\n"""\n\n'
        "from __future__ import annotations\n\n"
        "#: Weight of each fitted method's page score in the noisy-OR of `fusion.tamper_score` "
        "and in\n#: the fused heatmap. Methods not listed keep their reasoned weight.\n"
        f"LEARNED_WEIGHTS: dict[str, float] = {table}\n",
        encoding="utf-8",
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite {OUT.name}")
    parser.add_argument("--per-kind", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=1, help="processes for missing records")
    args = parser.parse_args(argv)
    rows = records("dev", args.per_kind, args.jobs)
    methods = sorted({m for r in rows for m in r["scores"]})
    held, per_chain = leave_one_chain_out(rows, methods)
    reasoned = fused(rows, None)
    weights = fit(rows, methods)
    print(f"dev: {len(rows)} pages, methods: {', '.join(methods)}")
    print("\n| chain | AUC, weights fitted on the other chains | AUC, reasoned weights |")
    print("| --- | --- | --- |")
    for chain, (a, b) in per_chain.items():
        print(f"| {chain} | {a:.2f} | {b:.2f} |")
    loco, base = split_auc(rows, held), split_auc(rows, reasoned)
    print(f"\nleave-one-chain-out AUC on dev (pooled held-out scores): {loco:.3f}")
    print(f"reasoned weights on dev: {base:.3f}")
    print(f"fitted on all of dev, on dev itself: {split_auc(rows, fused(rows, weights)):.3f}")
    for kind in fc.TAMPER_KINDS:
        sel = [i for i, r in enumerate(rows) if r["tampering"] in (*UNTAMPERED, kind)]
        sub = [rows[i] for i in sel]
        print(
            f"  {kind}: held-out {split_auc(sub, [held[i] for i in sel]):.2f}, "
            f"reasoned {split_auc(sub, [reasoned[i] for i in sel]):.2f}"
        )
    print("\nweights: " + ", ".join(f"{m} {v:.3f}" for m, v in weights.items()))
    adopt = loco > base
    print(
        "adopted: the fitted weights (they rank held-out chains better than the reasoned ones)"
        if adopt
        else "not adopted: on held-out chains the fitted weights rank no better than the "
        "reasoned ones, which stay in use"
    )
    if args.write:
        summary = (
            f"Fitted {dt.date.today().isoformat()} on {len(rows)} pages of dev (corpus "
            f"{fc.stamp()}), methods {', '.join(methods)}: leave-one-chain-out AUC on dev "
            f"{loco:.3f} against {base:.3f} with the reasoned weights, so the fitted weights "
            + ("are used." if adopt else "are not used (the table is empty).")
        )
        write_module(weights if adopt else {}, summary)
        print(f"wrote {OUT.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
