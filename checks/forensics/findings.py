"""The forensics check's findings: one per trace worth a reviewer's look, naming its method.

Each builder turns one trace of `workbench.imaging.forensic.tamper.PageTraces` into a finding of
the check it is given (`page_findings` walks a page's traces), with its severity, the region in
decoded-page pixels, the method that saw it and its innocent explanations; `clone_dict` and
`text_clone_dict` are the same traces as plain results. Kept apart from the check's page loop
so that each method's wording and severity rules are read in one place.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from workbench.check import Check
from workbench.geometry import Box, iou
from workbench.imaging.forensic.paper_steps import crossing_page
from workbench.model import Finding, Region, Severity
from workbench.serialize import region_to_dict

if TYPE_CHECKING:  # the forensic methods import when the check runs (see check.py)
    from workbench.imaging.forensic.calibration import TextCalibration
    from workbench.imaging.forensic.copymove import ClonePair
    from workbench.imaging.forensic.glyphs import GlyphOutlier
    from workbench.imaging.forensic.tamper import PageTraces
    from workbench.imaging.forensic.textclone import TextClone

CLONE_CRITICAL = 0.6
CLONE_WARNING = 0.4
CLONE_NOTICE = 0.3
TRACE_WARNING = 0.5
TRACE_NOTICE = 0.3
#: Deviations of a number that are about the paper under it, not its print
#: (`workbench.imaging.forensic.digits.paper_texture`).
PAPER_FEATURES = frozenset({"texture", "paper_grain"})
#: Deviations of a number that are about the grain of its ink
#: (`workbench.imaging.forensic.digits.ink_grain`): like its paper's, not how bold it is.
INK_FEATURES = frozenset({"ink_grain"})
#: A paper tone step warns where another method agrees, or alone (shaded bands exist) at 0.9.
PAPER_STEP_WARNING, PAPER_STEP_ALONE = TRACE_WARNING, 0.9
#: Other methods that must agree with a paper step on a line crossing the whole page for it
#: to warn (`step_finding`): one may by chance along a line that long.
CROSSING_SEEN = 2


def page_region(box: Box, factor: float, label: str, score: float | None = None) -> Region:
    """A model region in decoded-page pixels from a box on the (possibly reduced) analysis."""
    inv = 1.0 / factor
    return Region(
        x=round(box.x * inv),
        y=round(box.y * inv),
        width=max(round(box.width * inv), 1),
        height=max(round(box.height * inv), 1),
        label=label,
        score=round(float(box.score if score is None else score), 3),
    )


def text_clone_dict(clone: TextClone, factor: float) -> dict[str, Any]:
    """A word copied within the page as plain results, in decoded-page pixels."""
    return {
        "source": region_to_dict(page_region(clone.source, factor, "source", clone.strength)),
        "target": region_to_dict(page_region(clone.target, factor, "copy", clone.strength)),
        "shift": [round(v / factor, 1) for v in clone.shift],
        "words": clone.words,
        "difference": round(clone.difference, 3),
        "ratio": round(clone.ratio, 3),
        "next_difference": (
            None if clone.next_difference is None else round(clone.next_difference, 3)
        ),
        "resave_ratio": None if clone.resave_ratio is None else round(clone.resave_ratio, 3),
        "strength": round(clone.strength, 4),
    }


def clone_dict(pair: ClonePair, factor: float) -> dict[str, Any]:
    """A copy-move pair (keypoints or blocks) as plain results, in decoded-page pixels."""
    return {
        "method": pair.method,
        "source": region_to_dict(page_region(pair.source, factor, "source", pair.strength)),
        "target": region_to_dict(page_region(pair.target, factor, "copy", pair.strength)),
        "matches": pair.matches,
        "rotation_degrees": round(pair.rotation, 2),
        "scale": round(pair.scale, 4),
        "shift": [round(v / factor, 1) for v in pair.shift],
        "texture_correlation": (
            None if pair.texture_correlation is None else round(pair.texture_correlation, 3)
        ),
        "strength": round(pair.strength, 4),
    }


def page_findings(check: Check, index: int, traces: PageTraces, factor: float) -> list[Finding]:
    """The findings of one page's traces that reach the notice level, method by method."""
    out: list[Finding] = []
    for pair in traces.clones:
        finding = clone_finding(check, index, pair, factor)
        if finding is not None:
            out.append(finding)
    for box, quality in zip(traces.splice_regions, traces.ghost_qualities, strict=True):
        severity = Severity.WARNING if box.score >= TRACE_WARNING else Severity.NOTICE
        if box.score < TRACE_NOTICE:
            continue
        region = page_region(box, factor, "foreign compression")
        out.append(
            check.finding(
                "splice",
                severity,
                "A region's JPEG compression history differs from the rest of the page",
                f"On page {index + 1}, the area at x={region.x}, y={region.y} "
                f"({region.width}x{region.height} px) changes much less than the rest of "
                f"the page when re-saved as JPEG at quality {quality} (a 'JPEG ghost'): it "
                "looks as if it was last compressed at about that quality while the page "
                "around it was not. This is what content pasted from another JPEG file (a "
                "signature, a seal, a line of text) leaves behind. Innocent explanations: "
                "scanner or publishing software that compresses some areas (a logo, a photo) "
                "separately, or a page assembled by its issuer from image pieces. Compare "
                "with an earlier or original copy of the file.",
                page=index,
                regions=[region],
                evidence={
                    "ghost_quality": quality,
                    "strength": round(box.score, 3),
                    "page_quality_estimate": traces.page_quality,
                },
                checklist=["img.splice", "form.signature"],
            )
        )
    for box in traces.noise_regions:
        if box.score < TRACE_NOTICE:
            continue
        severity = Severity.WARNING if box.score >= TRACE_WARNING else Severity.NOTICE
        region = page_region(box, factor, "noise differs")
        out.append(
            check.finding(
                "noise_inconsistency",
                severity,
                "A region's noise level differs from the rest of the page",
                f"On page {index + 1}, the fine grain of the area at x={region.x}, "
                f"y={region.y} ({region.width}x{region.height} px) is clearly "
                "smoother or rougher than the rest of the page (page median about "
                f"{traces.noise_sigma:.2f} grey levels). Content pasted from another scan or "
                "file, or an area smoothed to hide an erasure, does this. Innocent "
                "explanations: a different paper or ink area (a glossy seal, a heavily inked "
                "stamp), uneven scanner lighting, or compression that removed noise more in "
                "some areas than in others.",
                page=index,
                regions=[region],
                evidence={
                    "strength": round(box.score, 3),
                    "page_noise_sigma": round(traces.noise_sigma, 3),
                },
                checklist=["img.splice"],
            )
        )
    for box in traces.dq_regions:
        if box.score >= TRACE_NOTICE:
            out.append(dq_finding(check, index, box, traces, factor))
    crossing = crossing_page(traces.paper_step_regions, traces.shape)
    for i, box in enumerate(traces.paper_step_regions):
        if box.score >= TRACE_NOTICE:
            out.append(step_finding(check, index, box, traces, factor, i in crossing))
    notice = max(TRACE_NOTICE, traces.calibration.threshold("text_clone", TRACE_NOTICE))
    for clone in traces.text_clones:
        if clone.strength >= notice:
            out.append(text_clone_finding(check, index, clone, traces, factor))
    notice = max(TRACE_NOTICE, traces.calibration.threshold("glyph", TRACE_NOTICE))
    printed = [
        (o, glyph_finding(check, index, o, traces, factor))
        for o in traces.glyph_outliers
        if o.strength >= notice
    ]
    out += one_per_word(printed)
    return out


def one_per_word(printed: list[tuple[GlyphOutlier, Finding]]) -> list[Finding]:
    """The print findings with one finding where a number and its word both stand out.

    A retyped number usually stands out twice: among the page's words (glyph consistency)
    and among its numbers (the number comparison), on the same OCR box. The reviewer gets
    one finding for it: the more severe of the two, the number's when they are equally
    severe, its evidence naming the other method too. Severities are not changed.
    """
    numbers = [i for i, (o, _) in enumerate(printed) if o.level == "number"]
    kept = [f for _, f in printed]
    dropped: set[int] = set()
    for i, (outlier, finding) in enumerate(printed):
        if outlier.level != "word":
            continue
        j = next(
            (
                j
                for j in numbers
                if j not in dropped and iou(outlier.box, printed[j][0].box) >= SAME_WORD
            ),
            None,
        )
        if j is None:
            continue
        keep, drop = (i, j) if finding.severity > printed[j][1].severity else (j, i)
        method = "digit_consistency" if keep == i else "glyph_consistency"
        seen = [*kept[keep].evidence.get("also_seen_by", []), method]
        kept[keep] = replace(kept[keep], evidence={**kept[keep].evidence, "also_seen_by": seen})
        dropped.add(drop)
    return [f for k, f in enumerate(kept) if k not in dropped]


#: Intersection over union above which a word's box and a number's are the same word.
SAME_WORD = 0.5


#: Said of every trace on a page the decoder recovered only in part (a file cut short or damaged).
PARTLY_DECODED = (
    " This page was only partly decoded (the file is cut short or damaged): what the decoder "
    "could not read is filled in with flat colour or coarse repeated blocks, which repeat "
    "exactly and have no noise of their own. A trace on such a page is consistent with that "
    "filling, so it is weighed no higher than a notice; a complete copy of the file can be "
    "examined in full."
)


def text_severity(strength: float, calibration: TextCalibration, method: str) -> Severity:
    """Warning from the fixed level or, when higher, the one set on exemplars; else notice."""
    warning = max(TRACE_WARNING, calibration.threshold(method, 0.0))
    return Severity.WARNING if strength >= warning else Severity.NOTICE


def corroborated(box: Box, traces: PageTraces, skip: str) -> list[str]:
    """Other methods whose map reaches the notice level somewhere inside `box`."""
    from workbench.imaging.forensic.tamper import CELL

    y0, x0 = box.y // CELL, box.x // CELL
    y1, x1 = -(-(box.y + box.height) // CELL), -(-(box.x + box.width) // CELL)
    return [
        method
        for method, cells in traces.cells.items()
        if method not in ("fused", skip)
        and cells[y0:y1, x0:x1].size
        and int(cells[y0:y1, x0:x1].max()) >= round(TRACE_NOTICE * 255)
    ]


def dq_finding(check: Check, index: int, box: Box, traces: PageTraces, factor: float) -> Finding:
    """An area lacking the double quantisation of the rest of a twice-saved JPEG."""
    region = page_region(box, factor, "single compression")
    # The map alone raised warnings on a few untouched scans (small areas of sparse
    # print), so on its own it is a notice, and a warning where another method agrees.
    others = corroborated(box, traces, "dq")
    return check.finding(
        "double_quantisation",
        Severity.WARNING if box.score >= TRACE_WARNING and others else Severity.NOTICE,
        "A region lacks the double JPEG compression the rest of the page shows",
        f"On page {index + 1} (aligned double JPEG quantisation), the area at x={region.x}, "
        f"y={region.y} ({region.width}x{region.height} px) does not show the trace of two "
        "compressions on the file's 8x8 grid that the rest of the page shows: the page was "
        "saved as JPEG, opened and saved again, but this area's coefficients were quantised "
        "only once on this grid. Content pasted from another JPEG (another quality, or off "
        "the grid), typed or drawn after the first save does this. Innocent explanations: "
        "an area that is almost blank or clipped to pure white or black (too little to "
        "judge), or a page cropped or shifted by a few pixels between saves (then most of "
        "the page lacks the trace). Compare with an earlier copy of the file.",
        page=index,
        regions=[region],
        evidence={
            "method": "aligned_double_quantisation",
            "strength": round(box.score, 3),
            "also_seen_by": others,
            "first_steps": {str(k): v for k, v in traces.dq_first_steps.items()},
        },
        checklist=["img.splice"],
    )


def step_finding(
    check: Check,
    index: int,
    box: Box,
    traces: PageTraces,
    factor: float,
    crossing: bool = False,
) -> Finding:
    """A patch of paper of another tone bounded by straight edges.

    A step on a line that crosses the whole page (`crossing`, see
    `workbench.imaging.forensic.paper_steps.crossing_page`) is a notice unless
    `CROSSING_SEEN` other methods agree: a printed band, a fold or a shadow crosses pages
    so, and along a line as long as the page one other method's map reaches the notice
    level somewhere by chance (a band's edge "agreed with" by one keypoint pair). Its map
    still counts where it agrees with another method's region (a pasted strip's double
    quantisation).
    """
    region = page_region(box, factor, "paper tone step")
    seen = corroborated(box, traces, "paper_step")
    evidence = dict(
        method="paper_tone_steps",
        strength=round(box.score, 3),
        also_seen_by=seen,
        crosses_page=crossing,
    )
    alone = crossing and len(seen) < CROSSING_SEEN
    limit = float("inf") if alone else PAPER_STEP_WARNING if seen else PAPER_STEP_ALONE
    across = (
        " The step lies on a line that runs across the whole page, edge to edge, as a band "
        "printed to the page's edges, a fold or a shadow does; a pasted patch ends inside "
        "the page."
        if crossing
        else ""
    )
    return check.finding(
        "paper_step",
        Severity.WARNING if box.score >= limit else Severity.NOTICE,
        "A patch of the page has a paper tone of its own, ending in a straight edge",
        f"On page {index + 1}, the bare paper's tone steps along straight edges around "
        f"x={region.x}, y={region.y} ({region.width}x{region.height} px), far more than "
        "elsewhere: a line or block pasted with its own paper, or an erasure filled flat. "
        "Innocent explanations: a band shaded on purpose (a form's header, a table row), a "
        "sheet's edge or fold, a shadow, a scanner stitching two passes."
        f"{across} Zoom in on edges.",
        page=index,
        regions=[region],
        evidence=evidence,
        checklist=["img.splice"],
    )


#: Below this ratio to the paper floor a pair is said to match pixel for pixel (a word copied
#: within a lossless file lies at 0 of it).
PIXEL_RATIO = 0.1


def paper_closeness(ratio: float) -> str:
    """How closely a pair matches, in words that follow its ratio to the paper floor.

    Only a pair far within the floor matches pixel for pixel; one near the floor differs as
    much as two patches of the page's paper do (as two separate prints can: `NEXT_PAPER`),
    and is reported because the page's other pairs lie far above it.
    """
    from workbench.imaging.forensic.textclone import NEXT_PAPER

    if ratio < PIXEL_RATIO:
        return "pixel for pixel"
    if ratio < NEXT_PAPER:
        return "more closely than the page's paper grain varies"
    return (
        "no more closely than two patches of the page's paper differ, but far more closely "
        "than its other pairs of words"
    )


def text_clone_finding(
    check: Check, index: int, clone: TextClone, traces: PageTraces, factor: float
) -> Finding:
    """Words that match other words of the page more closely than two prints would, grain too."""
    source = page_region(clone.source, factor, "source", clone.strength)
    target = page_region(clone.target, factor, "copy", clone.strength)
    words = "word" if clone.words == 1 else f"{clone.words} words moved together"
    where = (
        f"On page {index + 1} (text copy-move), the print at x={target.x}, y={target.y} "
        f"({target.width}x{target.height} px) matches the print at x={source.x}, "
        f"y={source.y} ({words})"
    )
    nearest = (
        ""
        if clone.next_difference is None
        else f", while the closest other pair of words on the page differs by "
        f"{clone.next_difference:.2f}"
    )
    said = []
    if "paper" in clone.routes:
        said.append(
            f"{paper_closeness(clone.ratio)}, paper included: their difference "
            f"({clone.difference:.2f} grey levels) is {clone.ratio:.2f} of what two separate "
            f"patches of this page's paper differ by ({traces.text_floor:.2f}){nearest}"
        )
    if "copy" in clone.routes and clone.resave_ratio is not None:
        relative = (
            ""
            if clone.resave_relative is None
            else f", {clone.resave_relative:.2f} of where the page's other repeated words lie "
            "against the same simulation"
        )
        opening = (
            "that difference is"
            if said
            else "more closely than two prints of one word would: their difference "
            f"({clone.difference:.2f} grey levels) is"
        )
        said.append(
            f"{opening} {clone.resave_ratio:.2f} times what a digital copy of the word, "
            f"pasted there and saved once at this file's JPEG quality, would differ by{relative}"
        )
    both = (
        " Both comparisons divide the same difference, each by its own reference, so they "
        "are not independent; the strength counts their agreement."
        if len(said) == 2
        else ""
    )
    quiet = (
        " a scan with little noise saved at a low JPEG quality, whose compression erased "
        "the noise that tells two prints apart,"
        if "copy" in clone.routes
        else ""
    )
    return check.finding(
        "text_copy_move",
        text_severity(clone.strength, traces.calibration, "text_clone"),
        "Printed words match other words of the page, noise included",
        f"{where} {'; and '.join(said)}.{both} Two prints of the same word share their "
        "shape but not their paper grain and scanner noise; a digital copy shares both, so "
        "this is consistent with a word copied within the file. Either end could be the "
        "original. Innocent explanations: a page that was generated digitally and never "
        f"printed (its repeated words can be identical),{quiet} heavy noise reduction by a "
        "scanner or publisher, or a form whose field was filled by pasting. Compare the two "
        "places side by side.",
        page=index,
        regions=[source, target],
        evidence={
            "method": "text_copy_move",
            "shift": [round(v / factor, 1) for v in clone.shift],
            "words": clone.words,
            "difference": round(clone.difference, 3),
            "paper_floor": round(traces.text_floor, 3),
            "ratio": round(clone.ratio, 3),
            "next_difference": (
                None if clone.next_difference is None else round(clone.next_difference, 3)
            ),
            "resave_ratio": (None if clone.resave_ratio is None else round(clone.resave_ratio, 3)),
            "resave_relative": (
                None if clone.resave_relative is None else round(clone.resave_relative, 3)
            ),
            "routes": list(clone.routes),
            "strength": round(clone.strength, 3),
            "calibrated": traces.calibration.exemplars > 0,
        },
        checklist=["img.clone"],
    )


def glyph_finding(
    check: Check, index: int, outlier: GlyphOutlier, traces: PageTraces, factor: float
) -> Finding:
    """A word or line whose print stands out from the page's own population."""
    region = page_region(outlier.box, factor, f"{outlier.level} printed differently")
    names = {
        "darkness": "ink darkness",
        "sharpness": "edge sharpness",
        "stroke": "stroke width",
        "grain": "paper grain",
        "angle": "baseline angle",
        "texture": "correlation of the paper's fine grain between neighbouring pixels",
        "paper_grain": "fine grain of the paper under it",
        "ink_grain": "unevenness of the core of its ink (grey levels)",
    }
    described = ", ".join(
        f"{names[k]} {d['value']:g} against the page's {d['median']:g} (robust z {d['z']:+.1f})"
        for k, d in outlier.deviations.items()
    )
    number = outlier.level == "number"
    what = {"line": "line", "number": "number or date"}.get(outlier.level, "word or number")
    method = (
        "numbers read by OCR compared with each other" if number else "glyph and line consistency"
    )
    against = "the page's other numbers" if number else "the page's other words"
    if number and PAPER_FEATURES & set(outlier.deviations):
        against += " (the paper under it: the paper inside the page's other words' boxes)"
    if number and INK_FEATURES & set(outlier.deviations):
        against += " (its ink: scanned ink is uneven, digits typed into a file are flat)"
    innocent = (
        "a number in bold (a total), a form whose blanks were filled in on another machine "
        "after it was printed, a number stamped or handwritten, a different ribbon or toner, "
        "or an OCR box that holds more than the number"
        + (
            "; for its paper: a stain or mark cleaned off the scan, correction fluid or tape, "
            "or a scanner's dust removal"
            if PAPER_FEATURES & set(outlier.deviations)
            else ""
        )
        + (
            "; for its ink: a number printed on another machine whose toner or ink lies "
            "evenly, a rubber stamp, or a scanner's smoothing of dark areas"
            if INK_FEATURES & set(outlier.deviations)
            else ""
        )
        + (
            "; for two measurements together: a number written by hand, a date stamped in "
            "the size of the text, or one pasted in by the issuer from another document"
            if outlier.seen_by
            else ""
        )
        if number
        else "a bold or emphasised word, a rubber stamp or handwritten note, a different "
        "ribbon or toner, a line added by the issuer on another machine, or a photocopy of a "
        "photocopy"
    )
    severity = text_severity(outlier.strength, traces.calibration, "glyph")
    others = corroborated(outlier.box, traces, "glyph") if number else []
    if number and PAPER_FEATURES & set(outlier.deviations):
        # The paper under the number lacks the scan's grain: evidence of its own, about the
        # paper rather than the print, which a bold number does not give.
        others = [*others, "paper_texture"]
    if number and INK_FEATURES & set(outlier.deviations):
        # So is ink without the grain of the scan: a bold number printed with the page
        # carries the same toner and scanner noise as the others.
        others = [*others, "ink_grain"]
    if number and outlier.seen_by:
        # Two independent families of measurements off together (its print's weight or
        # edges, its paper, its ink's grain): a bold or faint number differs in one.
        others = [*others, *outlier.seen_by]
    if not number and outlier.lighter_and_softer:
        # Lighter and softer ink on its own is a dater stamp or a pen fill-in as often as a
        # retyped number: a notice, a warning where another method sees the same place.
        others = corroborated(outlier.box, traces, "glyph")
        if not others:
            severity = min(severity, Severity.NOTICE)
    if number and not others:
        # A number printed unlike the page's other numbers is, on its own, as often a bold
        # total or a blank filled in later: an untouched letter of the independent corpus
        # warned on a bold number. Alone it is a notice; a warning where another method
        # sees the same place, or where the paper under it differs from the page's.
        severity = min(severity, Severity.NOTICE)
    return check.finding(
        "glyph_inconsistency",
        severity,
        f"A {what} is printed differently from the rest of the page",
        f"On page {index + 1} ({method}), the {what} at x={region.x}, "
        f"y={region.y} ({region.width}x{region.height} px) differs from {against}: "
        f"{described}. Text retyped or spliced in later (a changed date, number or "
        "line, typeset in another font or rendered without the scan's blur and noise) "
        f"often differs this way. Innocent explanations: {innocent}. Compare its letter "
        "shapes and ink with its neighbours'.",
        page=index,
        regions=[region],
        evidence={
            "method": "digit_consistency" if number else "glyph_consistency",
            **({"also_seen_by": others} if number else {}),
            "level": outlier.level,
            "deviations": outlier.deviations,
            "strength": round(outlier.strength, 3),
            "calibrated": traces.calibration.exemplars > 0,
        },
        checklist=["img.retyped"],
    )


def clone_finding(check: Check, index: int, pair: ClonePair, factor: float) -> Finding | None:
    """Two matching regions, with what the paper texture around them says; None below notice."""
    if pair.strength < CLONE_NOTICE:
        return None
    if pair.strength >= CLONE_CRITICAL:
        severity = Severity.CRITICAL
    elif pair.strength >= CLONE_WARNING:
        severity = Severity.WARNING
    else:
        severity = Severity.NOTICE
    source = page_region(pair.source, factor, "source", pair.strength)
    target = page_region(pair.target, factor, "copy", pair.strength)
    geometry = (
        f"moved by ({pair.shift[0] / factor:+.0f}, {pair.shift[1] / factor:+.0f}) px"
        if pair.method == "block"
        else f"rotated {pair.rotation:+.1f} degrees and scaled {pair.scale * 100:.0f}%"
    )
    if pair.texture_correlation is None:
        texture = (
            "The page is too clean around the match to tell a digital copy from a repeated print."
        )
    elif pair.texture_correlation >= 0.3:
        texture = (
            "The paper grain and scanner noise around the ink match as well "
            f"(correlation {pair.texture_correlation:.2f}), which a second impression on "
            "paper would not reproduce: this is consistent with a digital copy."
        )
    else:
        texture = (
            "The paper grain around the ink does not match "
            f"(correlation {pair.texture_correlation:.2f}), which fits two separate "
            "impressions better than a digital copy."
        )
    return check.finding(
        "clone",
        severity,
        "Two regions of the page match each other",
        f"On page {index + 1}, the area at x={source.x}, y={source.y} "
        f"({source.width}x{source.height} px) and the area at x={target.x}, y={target.y} "
        f"({target.width}x{target.height} px) match in {pair.matches} places, "
        f"{geometry}. {texture} Either could be the original. Innocent explanations: a "
        "seal or rubber stamp applied twice on paper is a genuine repeat (its impressions "
        "differ slightly in ink and pressure), rubber stamps and printed forms repeat by "
        "design, and ruled lines and repeated words match each other. Compare the two "
        "areas side by side.",
        page=index,
        regions=[source, target],
        evidence={
            k: v for k, v in clone_dict(pair, factor).items() if k not in ("source", "target")
        },
        checklist=["img.clone", "form.signature"],
    )
