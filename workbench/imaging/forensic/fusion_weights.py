"""Fusion weights fitted on the independent corpus's dev split.

Written by ``benchmarks/fit_fusion.py --write``; re-run it after a method is added or changed
(``python benchmarks/fit_fusion.py --write``) instead of editing the values by hand.

Fitted 2026-12-07 on 86 pages of dev (corpus 1-13.0.0-5f95f59ed0199dc5), methods clone, dq,
ela, ghost, glyph, noise, paper_step, text_clone: leave-one-chain-out AUC on dev 0.929 against
0.942 with the reasoned weights, so the fitted weights are not used (the table is empty).
"""

from __future__ import annotations

#: Weight of each fitted method's page score in the noisy-OR of `fusion.tamper_score` and in
#: the fused heatmap. Methods not listed keep their reasoned weight.
LEARNED_WEIGHTS: dict[str, float] = {}
