"""The layout check's finding for a template block that differs from the exemplars'.

A block of the template the exemplars share (letterhead, labels, rules, footer), compared with
the same block on the questioned page (`checks.layout.exemplars`): moved, rescaled or redrawn.
"""

from __future__ import annotations

import math
from typing import Any

from workbench.check import Check
from workbench.imaging.layout.template import BlockComparison
from workbench.loading import Document
from workbench.model import Finding, Region, Severity


def block_finding(
    check: Check,
    hits: list[tuple[Document, BlockComparison, str, Region]],
    mm_per_px: float | None,
) -> Finding:
    """One finding for a block seen changed against one or more exemplars (`hits`)."""
    _, r, label, region = hits[0]
    shift = math.hypot(*r.shift)
    evidence: dict[str, Any] = {
        "zone": label,
        "status": r.status,
        "shift_px": [round(r.shift[0], 2), round(r.shift[1], 2)],
        "shift_mm": None if mm_per_px is None else round(shift * mm_per_px, 2),
        "scale": round(r.scale, 4),
        "exemplars": [
            {
                "reference": h_ref.sha256,
                "status": h.status,
                "shift_px": [round(h.shift[0], 2), round(h.shift[1], 2)],
                "scale": round(h.scale, 4),
                "score_in_place": round(h.score, 4),
                "score_found": None if h.found_score is None else round(h.found_score, 4),
            }
            for h_ref, h, _, _ in hits
        ],
    }
    names = ", ".join(h_ref.path.name for h_ref, _, _, _ in hits)
    if r.status == "moved":
        how = f"moved by {r.shift[0]:+.0f}, {r.shift[1]:+.0f} px"
        if mm_per_px is not None:
            how += f" ({shift * mm_per_px:.1f} mm)"
        if abs(r.scale - 1.0) >= 0.02:
            how += f" and rescaled to {r.scale:.0%}"
        what = f"the same content, {how}"
    elif r.status == "missing":
        what = "no ink where the exemplars have this block"
    else:
        what = "different ink where the exemplars have this block"
    innocent = (
        "Innocent explanations: a revised template or letterhead, a page printed from "
        "another file or printer, paper fed askew, or exemplars of another period."
    )
    if label == "letterhead":
        return check.finding(
            "letterhead_changed",
            Severity.WARNING if r.status == "moved" else Severity.NOTICE,
            "The letterhead differs from the exemplars'",
            f"Compared with the exemplars ({names}), the letterhead shows {what}, while "
            "the rest of the template is aligned. A letterhead pasted or redrawn onto a "
            f"page is consistent with this. {innocent}",
            page=0,
            regions=[region],
            evidence=evidence,
            checklist=["form.template"],
        )
    checklist = ["form.template"]
    if label in {"signature_block", "seal"}:
        checklist.append("form.signature")
    return check.finding(
        "block_moved" if r.status == "moved" else "block_changed",
        Severity.NOTICE,
        f"A template block ({label}) is out of place"
        if r.status == "moved"
        else f"A template block ({label}) differs from the exemplars",
        f"Compared with the exemplars ({names}), the template block in the {label} zone "
        f"shows {what}. A block moved or replaced after printing is consistent with this. "
        f"{innocent}",
        page=0,
        regions=[region],
        evidence=evidence,
        checklist=checklist,
    )
