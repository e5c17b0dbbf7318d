"""The case service's results as findings in the report model's terms, for the app and exports.

Near-duplicates are notices (a scan published twice is common and innocent), a signature or
seal closer than two impressions could be is a warning, a shared letterhead a notice, and a
letter number that goes backwards in time against a letter of the same numbering series a notice.
"""

from __future__ import annotations

from workbench.case_links import NearDuplicate
from workbench.cases import Similar, document_names
from workbench.model import Finding, Region, Severity
from workbench.store.service import Store


def how_matched(d: NearDuplicate) -> str:
    """What made two pages one: their hashes, or keypoints and then their pixels.

    One wording for the findings, the exports and the case view, so that a reviewer reads the
    evidence that decided (the pixel agreement where it was measured) wherever the pair shows.
    """
    if d.method == "hash":
        return f"perceptual hashes {d.distance} bits apart of 256"
    how = (
        f"{d.match.inliers if d.match else 0} keypoints verified, scale "
        f"{d.match.scale if d.match else 1:.2f}"
    )
    if d.agreement is not None:
        how += (
            f"; {d.agreement.share:.0%} of the {d.agreement.inked} inked blocks where the "
            "pages overlap agree pixel by pixel"
        )
    return how


def findings(store: Store, result: Similar) -> list[Finding]:
    """The case-level findings of one document, in the report model's terms."""
    names = document_names(store, result.others())
    out: list[Finding] = []
    for d in result.near_duplicates:
        earlier = (
            "this copy"
            if d.earlier == result.sha256
            else names.get(d.other, "the other copy")
            if d.earlier
            else "neither copy clearly"
        )
        how = how_matched(d)
        out.append(
            Finding(
                check="case",
                code="case.near_duplicate",
                severity=Severity.INFO,
                title=f"This page also appears as {names.get(d.other)}",
                detail=(
                    f"Page {d.page + 1} matches page {d.other_page + 1} of "
                    f"{names.get(d.other)} ({how}). Differences: "
                    f"{', '.join(d.differences) or 'none recorded'}. Likely earlier: {earlier}"
                    f"{' (' + '; '.join(d.reasons) + ')' if d.reasons else ''}. The same scan "
                    "published or forwarded twice is the common, innocent explanation; compare "
                    "the copies for edits made between them."
                ),
                page=d.page,
                evidence={"other": d.other, "distance": d.distance, "method": d.method},
                checklist=("prov.original",),
            )
        )
    for m in result.shared_marks:
        x, y, w, h = m.box
        if m.copy_like:
            finding = Finding(
                check="case",
                code=f"case.shared_{m.kind}",
                severity=Severity.WARNING,
                title=f"The {m.kind} is closer to {names.get(m.other)}'s than two "
                f"impressions could be",
                detail=(
                    f"The {m.kind} on page {m.page + 1} agrees with the one on page "
                    f"{m.other_page + 1} of {names.get(m.other)} at similarity "
                    f"{m.similarity:.3f}, and its ink differs by a constant factor only "
                    "where it can be compared, while separate impressions of one "
                    f"{m.kind} differ in ink from one part to another. This is consistent "
                    "with one image copied onto both letters. Innocent explanations: the two "
                    "files are copies of one scan (see near-duplicates), the office applies "
                    "a printed facsimile, or a very practised signer or an evenly pressed stamp "
                    "came unusually close: the limit was set on generated impressions, not on "
                    "many real impressions of one hand. Compare the two side by side."
                ),
                page=m.page,
                regions=(Region(x, y, w, h, label=m.kind, score=round(m.similarity, 3)),),
                evidence={"other": m.other, "other_box": list(m.other_box)},
                checklist=("form.signature",),
            )
        else:
            finding = Finding(
                check="case",
                code="case.same_letterhead",
                severity=Severity.INFO,
                title=f"Same letterhead design as {names.get(m.other)}",
                detail=(
                    f"The letterhead agrees with {names.get(m.other)}'s at similarity "
                    f"{m.similarity:.3f}: one design, as letters of one office share. It says "
                    "nothing about either letter on its own."
                ),
                page=m.page,
                regions=(Region(x, y, w, h, label="letterhead"),),
                evidence={"other": m.other},
            )
        out.append(finding)
    for o in result.letter_order:
        other = names.get(o.other, o.other[:12])
        earlier, later = ("This letter", other) if o.date < o.other_date else (other, "this one")
        out.append(
            Finding(
                check="case",
                code="case.letter_order",
                severity=Severity.NOTICE,
                title=f"Letter number goes backwards in time against {other}",
                detail=(
                    f"This letter is numbered {o.number} and dated {o.date_text} ({o.date}); "
                    f"{other}, of the same numbering series, is numbered {o.other_number} and "
                    f"dated {o.other_date_text} ({o.other_date}). {earlier} is "
                    f"dated earlier but carries a higher number than {later}, while offices "
                    "number their outgoing letters in sequence. Innocent explanations: a new "
                    "year's series, another register of the office, or a misread number or date."
                ),
                evidence={
                    "other": o.other,
                    "number": o.number,
                    "date": o.date,
                    "other_number": o.other_number,
                    "other_date": o.other_date,
                },
                checklist=("form.conventions",),
            )
        )
    return out
