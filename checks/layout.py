"""The ``layout`` check: the page against genuine exemplars, and its lines against each other.

Two parts. Line consistency always runs: the text lines of each page are measured (size,
stroke, baseline, margins) and a line whose type differs from the other lines of its block is
reported, since a retyped date or sentence is usually set a little differently. Exemplar
comparison runs when genuine exemplars of the same issuer are given (``--reference``): the
page is registered onto each exemplar, the template the exemplars share (letterhead, labels,
rules, footer) is compared block by block, and a moved, rescaled or redrawn block is reported
with where it lies. Body text differs between letters and is not part of the template, so it
raises nothing by being different.

How each word is *printed* (ink darkness, edge sharpness, stroke width, paper grain) is the
``forensics`` check's glyph consistency; it is reported there once, not here as well.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from workbench import conventions
from workbench.check import Check, Layer, LayerKind, Need
from workbench.context import Context
from workbench.geometry import iou
from workbench.imaging.layout.comparison import difference_map, ink_overlay
from workbench.imaging.layout.registration import Registration, register, transform_box, warp_to
from workbench.imaging.layout.template import (
    BlockComparison,
    TemplateBlock,
    compare_block,
    ink_constancy,
    ink_mask,
    soft_ink,
    template_blocks,
)
from workbench.imaging.lines import (
    LineMetrics,
    deskew_angle,
    group_lines,
    line_outliers,
    measure_lines,
    rotate,
    rotate_box_back,
    segment_lines,
)
from workbench.loading import Document
from workbench.loading.fill import box_decoded, on_partly_decoded_page
from workbench.model import Artifact, CheckResult, Finding, Region, Severity
from workbench.serialize import region_to_dict

#: Questioned-line / exemplar-line ratios (after removing the page-wide ratio) that count as
#: a different type.
EXEMPLAR_LINE_LIMITS = {"stroke_width": 0.3, "ink_height": 0.18}


@dataclass(frozen=True)
class PageLines:
    """The measured lines of one page, in the page's own pixels."""

    angle: float
    lines: tuple[LineMetrics, ...]  # boxes on the deskewed page
    shape: tuple[int, int]
    #: Lines left out for touching the decoder's fill (a partly decoded page), else None.
    left_at_fill: int | None = None

    def page_box(self, line: LineMetrics) -> tuple[int, int, int, int]:
        """The line's box on the page as decoded (undoing the deskew)."""
        return rotate_box_back(line.box, self.angle, self.shape)


def _lines_of(gray: np.ndarray, decoded: np.ndarray | None = None) -> PageLines:
    """The page's lines: ink, deskewed, segmented and measured.

    At most two page-sized masks are alive at once (the ink and its rotation, read as bool
    without a copy: the rotation of a 0/1 page by nearest neighbour is 0/1), so that a
    100-megapixel page costs a few hundred MB here, not a gigabyte. On a partly decoded
    page (`decoded`, see `Context.decoded_pixels`) only the decoded pixels are read, and a
    line touching the fill (cut by it) is left out.
    """
    ink = ink_mask(gray, decoded)
    angle = deskew_angle(ink)
    straight = rotate(ink.view(np.uint8), angle).view(bool)
    del ink  # the rotated copy replaces it (or is it, at angle 0)
    lines = measure_lines(straight, segment_lines(straight))
    shape = (int(gray.shape[0]), int(gray.shape[1]))
    if decoded is None:
        return PageLines(angle, tuple(lines), shape)
    kept = [m for m in lines if box_decoded(decoded, rotate_box_back(m.box, angle, shape))]
    return PageLines(angle, tuple(kept), shape, left_at_fill=len(lines) - len(kept))


def _region(box: tuple[int, int, int, int], label: str, score: float | None = None) -> Region:
    x, y, w, h = box
    return Region(
        int(x),
        int(y),
        int(w),
        int(h),
        label=label,
        score=None if score is None else round(float(score), 4),
    )


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return x0, y0, x1 - x0, y1 - y0


def _for_display(rgb: np.ndarray, max_width: int = 1240) -> np.ndarray:
    """Shrink an artifact picture to a screen-sized width (they are for looking at)."""
    if rgb.shape[1] <= max_width:
        return rgb
    factor = max_width / rgb.shape[1]
    return np.asarray(
        cv2.resize(rgb, (max_width, round(rgb.shape[0] * factor)), interpolation=cv2.INTER_AREA)
    )


class LayoutCheck(Check):
    """Template comparison with exemplars, and line typography consistency."""

    name = "layout"
    version = "3"
    title = "Layout against genuine exemplars, and typography of each line"
    explanation = (
        "Measures every text line of the page (size, stroke width, baseline, margins) and "
        "reports a line whose type differs from the other lines of its block, as a retyped "
        "date or sentence often does. When genuine exemplars of the same issuer are given, it "
        "registers the page onto each, compares the template they share (letterhead, emblem, "
        "field labels, rules, footer) block by block, and reports blocks moved, rescaled or "
        "redrawn, with an overlay in two colours (exemplar red, this page blue, shared ink "
        "black) and a difference map. It cannot tell an edit from a genuine change of the "
        "office's template or from a page printed on another printer; its typography measures "
        "are unreliable on very small or heavily compressed scans."
    )
    needs = frozenset({Need.PAGES})
    order = 60
    layers = (
        Layer(LayerKind.HEATMAP, "Difference from the exemplar", artifact="layout_difference"),
        Layer(LayerKind.IMAGE, "Overlay on the exemplar", artifact="layout_overlay"),
    )

    def run(self, context: Context) -> CheckResult:
        """Check line consistency on every page, then compare page 1 with each exemplar."""
        doc = context.document
        convention = conventions.load()
        findings: list[Finding] = []
        artifacts: list[Artifact | None] = []
        results: dict[str, Any] = {"pages": [], "comparisons": []}
        lines_by_page: dict[int, PageLines] = {}
        partly = set(doc.properties.get("recovered_pages") or ())  # pages decoded in part
        for page in doc.pages:
            gray = context.page_gray(page.index)
            plines = _lines_of(np.asarray(gray), context.decoded_pixels(page.index))
            lines_by_page[page.index] = plines
            found = self._line_findings(page.index, plines, results)
            findings += [on_partly_decoded_page(f) if page.index in partly else f for f in found]
        messages: list[str] = []
        if not context.references:
            messages.append(
                "No exemplars given (--reference): lines were compared with each other only; "
                "the comparison with genuine exemplars was skipped."
            )
        elif not doc.pages:
            messages.append("The document has no pages to compare.")
        else:
            comparison_findings, comparisons, arts, note = self._compare(
                context, convention, lines_by_page[doc.pages[0].index]
            )
            findings.extend(comparison_findings)
            results["comparisons"] = comparisons
            artifacts.extend(arts)
            if note:
                messages.append(note)
        return self.ok(
            findings=findings,
            results=results,
            artifacts=artifacts,
            message=" ".join(messages) or None,
        )

    # -- line consistency --------------------------------------------------------------------

    def _line_findings(
        self, index: int, plines: PageLines, results: dict[str, Any]
    ) -> list[Finding]:
        groups = group_lines(plines.lines, plines.shape[1])
        outliers = line_outliers(groups)
        block_of = {m.index: g for g, group in enumerate(groups) for m in group}
        results["pages"].append(
            {
                "page": index,
                "deskew_degrees": round(plines.angle, 3),
                "lines": [
                    dict(
                        m.to_dict(),
                        block=block_of.get(m.index),
                        page_box=region_to_dict(_region(plines.page_box(m), "line")),
                    )
                    for m in plines.lines
                ],
                "outliers": [o.to_dict() for o in outliers],
            }
        )
        if plines.left_at_fill is not None:
            # a partly decoded page: the decoder's fill was not read as the page
            results["pages"][-1]["partly_decoded"] = {"lines_left_at_fill": plines.left_at_fill}
        findings = []
        for outlier in outliers:
            box = plines.page_box(outlier.line)
            described = ", ".join(
                f"{name.replace('_', ' ')} {d['value']:g} px against {d['median']:g} px "
                f"(x{d['ratio']:.2f})"
                for name, d in outlier.deviations.items()
            )
            findings.append(
                self.finding(
                    "line_typography",
                    Severity.NOTICE,
                    "A line is set differently from the lines around it",
                    f"On page {index + 1}, line {outlier.line.index + 1} differs from the other "
                    f"{outlier.block_size - 1} lines of its block: {described}. A line retyped "
                    "later (a changed date, amount or sentence) often differs this way. Innocent "
                    "explanations: a deliberately emphasised or quoted line, a different font "
                    "for a name or number, a line touched by a stamp or a fold. Compare the "
                    "line's letter shapes with its neighbours'.",
                    page=index,
                    regions=[_region(box, "line")],
                    evidence={
                        "line": outlier.line.to_dict(),
                        "deviations": outlier.deviations,
                        "block_size": outlier.block_size,
                        "compared_with": "page",
                    },
                    checklist=["img.retyped"],
                )
            )
        return findings

    # -- exemplar comparison -----------------------------------------------------------------

    def _template(
        self, context: Context, exemplars: list[Document], convention: conventions.Convention
    ) -> tuple[list[TemplateBlock], dict[str, Registration], str]:
        """Template blocks in the first exemplar's frame, with each exemplar's registration."""

        def compute() -> tuple[list[TemplateBlock], dict[str, Registration], str]:
            primary = exemplars[0]
            fixed = np.asarray(context.page_gray(0, document=primary))
            fixed_ink = ink_mask(fixed)
            regs: dict[str, Registration] = {}
            others = []
            for other in exemplars[1:]:
                reg = register(np.asarray(context.page_gray(0, document=other)), fixed)
                regs[other.sha256] = reg
                if reg.registered and reg.matrix is not None:
                    aligned = warp_to(
                        np.asarray(context.page_gray(0, document=other)), reg.matrix, fixed.shape
                    )
                    others.append(ink_mask(aligned))
            tolerance = max(2, round(fixed.shape[1] * 0.002))
            if others:
                constancy = ink_constancy(fixed_ink, others, tolerance)
                blocks = template_blocks(fixed_ink, constancy)
                source = f"ink shared by {len(others) + 1} registered exemplars"
            else:
                h, w = fixed.shape
                allowed = np.zeros(fixed.shape, dtype=bool)
                for element in convention.elements:
                    if element.template:
                        for z in element.zones:
                            allowed[
                                int(z[1] * h) : int(z[3] * h), int(z[0] * w) : int(z[2] * w)
                            ] = True
                blocks = template_blocks(
                    fixed_ink, ink_constancy(fixed_ink, [], tolerance), allowed=allowed
                )
                source = (
                    "one exemplar: its ink inside the convention's fixed zones (a second "
                    "exemplar would show which ink is truly constant)"
                )
            h, w = fixed.shape
            blocks = [
                b
                for b in blocks
                if not convention.ignored(
                    (b.box[0] + b.box[2] / 2) / w, (b.box[1] + b.box[3] / 2) / h
                )
            ]
            return blocks, regs, source

        key = ("layout.template", tuple(d.sha256 for d in exemplars))
        return context.cached(key, compute)

    def _compare(
        self, context: Context, convention: conventions.Convention, qlines: PageLines
    ) -> tuple[list[Finding], list[dict[str, Any]], list[Artifact | None], str | None]:
        exemplars = [d for d in context.references if d.pages]
        comparisons: list[dict[str, Any]] = []
        findings: list[Finding] = []
        artifacts: list[Artifact | None] = []
        for ref in context.references:
            if not ref.pages:
                comparisons.append(
                    {
                        "reference": ref.sha256,
                        "registered": False,
                        "similarity": None,
                        "changed_regions": [],
                        "reason": "the exemplar has no page image",
                    }
                )
        if not exemplars:
            return findings, comparisons, artifacts, "No exemplar has a page image to compare."
        blocks, exemplar_regs, source = self._template(context, exemplars, convention)
        multi = len(exemplars) > 1 and any(r.registered for r in exemplar_regs.values())
        questioned = np.asarray(context.page_gray(0))
        page = context.document.pages[0]
        mm_per_px = 25.4 / page.dpi[0] if page.dpi and page.dpi[0] > 0 else None
        # Observations of the same block or line against several exemplars become one finding.
        block_hits: dict[int, list[tuple[Document, BlockComparison, str, Region]]] = {}
        line_hits: dict[int, list[dict[str, Any]]] = {}
        line_seen: dict[int, int] = {}
        for k, ref in enumerate(exemplars):
            fixed = np.asarray(context.page_gray(0, document=ref))
            reg = register(questioned, fixed)
            entry: dict[str, Any] = {
                "reference": ref.sha256,
                "reference_path": ref.path.name,
                "registered": reg.registered,
                "similarity": None,
                "changed_regions": [],
                "transform": reg.to_dict(),
                "template_source": source,
            }
            comparisons.append(entry)
            if not reg.registered or reg.matrix is None:
                entry["reason"] = reg.reason
                findings.append(
                    self.finding(
                        "not_registered",
                        Severity.INFO,
                        "The page could not be registered onto an exemplar",
                        f"The page and the exemplar {ref.path.name} could not be aligned: "
                        f"{reg.reason}. They do not appear to share a template (letterhead, "
                        "field labels, rules), so no template comparison was made. That is "
                        "expected for an exemplar of another office or form; for an exemplar "
                        "of the same form it means the layout differs throughout.",
                        page=0,
                        evidence={"reference": ref.sha256, **reg.to_dict()},
                        checklist=["form.template"],
                    )
                )
                continue
            # Template blocks in this exemplar's frame.
            if k == 0:
                kblocks = blocks
            else:
                ereg = exemplar_regs.get(ref.sha256)
                if ereg is None or not ereg.registered:
                    entry["reason"] = "this exemplar does not share the first exemplar's template"
                    continue
                inv = ereg.inverse()
                kblocks = [
                    TemplateBlock(transform_box(b.box, inv), b.constancy, b.ink_pixels)
                    for b in blocks
                ]
            aligned = warp_to(questioned, reg.matrix, fixed.shape)
            sigma = max(1.0, fixed.shape[1] / 900)

            def exemplar_ink(
                page: np.ndarray = fixed, blur: float = sigma
            ) -> tuple[np.ndarray, np.ndarray]:
                ink = ink_mask(page)
                return ink, soft_ink(ink, blur)

            fixed_ink, f_soft = context.cached(("layout.ink", ref.sha256), exemplar_ink)
            q_ink = ink_mask(aligned)
            q_soft = soft_ink(q_ink, sigma)
            search = max(20, round(fixed.shape[1] * 0.04))
            results = [
                compare_block(b, fixed, aligned, f_soft, q_soft, q_ink, search=search)
                for b in kblocks
            ]
            inv_q = reg.inverse()
            total = sum(r.block.ink_pixels for r in results) or 1
            entry["similarity"] = (
                round(min(1.0, sum(r.score * r.block.ink_pixels for r in results) / total), 4)
                if results
                else None
            )
            zone_rows = []
            h, w = fixed.shape
            for b_index, r in enumerate(results):
                x, y, bw, bh = r.block.box
                label = convention.zone_name((x + bw / 2) / w, (y + bh / 2) / h) or "template"
                row = dict(r.to_dict(), zone=label)
                zone_rows.append(row)
                if r.status == "same":
                    continue
                if r.status in {"changed", "missing"} and not multi:
                    row["note"] = "one exemplar cannot show whether this ink is fixed"
                    continue
                found_box = r.found_box or r.block.box
                q_box = transform_box(_union(r.block.box, found_box), inv_q)
                region = _region(q_box, label, 1.0 - r.score)
                entry["changed_regions"].append(region_to_dict(region))
                block_hits.setdefault(b_index, []).append((ref, r, label, region))
            entry["blocks"] = zone_rows
            line_rows = self._compare_lines(context, ref, reg, qlines)
            entry["lines"] = line_rows
            for row in line_rows:
                line_seen[row["line"]] = line_seen.get(row["line"], 0) + 1
                if row["different"]:
                    line_hits.setdefault(row["line"], []).append(dict(row, reference=ref))
            stem = f"page1_vs_{k + 1}_{ref.sha256[:8]}"
            if context.artifacts.enabled:
                artifacts.append(
                    context.artifacts.write_png(
                        f"overlay_{stem}.png",
                        _for_display(ink_overlay(fixed_ink, q_ink)),
                        kind="layout_overlay",
                        page=0,
                    )
                )
                artifacts.append(
                    context.artifacts.write_png(
                        f"difference_{stem}.png",
                        _for_display(difference_map(f_soft, q_soft, [b.box for b in kblocks])),
                        kind="layout_difference",
                        page=0,
                    )
                )
        for block_list in block_hits.values():
            findings.append(self._block_finding(block_list, mm_per_px))
        by_index = {m.index: m for m in qlines.lines}
        for index, line_list in sorted(line_hits.items()):
            # Content differs between letters: a line counts only when it stands out against
            # at least half of the exemplars it could be matched with.
            if len(line_list) * 2 >= line_seen.get(index, 0) and index in by_index:
                findings.append(self._line_vs_exemplar_finding(by_index[index], line_list, qlines))
        return findings, comparisons, artifacts, None

    def _block_finding(
        self,
        hits: list[tuple[Document, BlockComparison, str, Region]],
        mm_per_px: float | None,
    ) -> Finding:
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
            return self.finding(
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
        return self.finding(
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

    def _line_vs_exemplar_finding(
        self, line: LineMetrics, hits: list[dict[str, Any]], qlines: PageLines
    ) -> Finding:
        first = hits[0]
        described = ", ".join(
            f"{f.replace('_', ' ')} x{v:.2f}"
            for f, v in first["relative"].items()
            if abs(v - 1.0) >= EXEMPLAR_LINE_LIMITS[f]
        )
        names = ", ".join(h["reference"].path.name for h in hits)
        return self.finding(
            "line_typography",
            Severity.NOTICE,
            "A line is set differently from the exemplars' line at the same place",
            f"Line {line.index + 1} of page 1 differs from the line at the same place in the "
            f"exemplars ({names}): {described}, after allowing for the pages' overall scale, "
            "while the other matched lines agree. A line retyped in another font or size is "
            "consistent with this; so is text of another kind (digits against letters) in a "
            "field whose content varies.",
            page=0,
            regions=[_region(qlines.page_box(line), "line")],
            evidence={
                "line": line.to_dict(),
                "compared_with": "exemplars",
                "exemplars": [
                    {
                        "reference": h["reference"].sha256,
                        "exemplar_line": h["exemplar_line"],
                        "relative": h["relative"],
                    }
                    for h in hits
                ],
            },
            checklist=["img.retyped"],
        )

    def _compare_lines(
        self, context: Context, ref: Document, reg: Registration, qlines: PageLines
    ) -> list[dict[str, Any]]:
        """Compare each questioned line with the exemplar line at the same place."""
        if reg.matrix is None:
            return []
        elines = context.cached(
            ("layout.lines", ref.sha256),
            lambda: _lines_of(np.asarray(context.page_gray(0, document=ref))),
        )
        pairs = []
        for q in qlines.lines:
            qbox = transform_box(qlines.page_box(q), reg.matrix)
            best, best_iou = None, 0.0
            for e in elines.lines:
                score = iou(qbox, elines.page_box(e))
                if score > best_iou:
                    best, best_iou = e, score
            if best is not None and best_iou >= 0.5:
                pairs.append((q, best, best_iou))
        if len(pairs) < 4:
            return []
        ratios = {
            f: np.array([getattr(q, f) / max(getattr(e, f), 1e-6) for q, e, _ in pairs])
            for f in EXEMPLAR_LINE_LIMITS
        }
        usual = {f: float(np.median(v)) for f, v in ratios.items()}
        rows = []
        for i, (q, e, match_iou) in enumerate(pairs):
            rel = {f: round(float(ratios[f][i] / usual[f]), 3) for f in EXEMPLAR_LINE_LIMITS}
            different = any(abs(v - 1.0) >= EXEMPLAR_LINE_LIMITS[f] for f, v in rel.items())
            rows.append(
                {
                    "line": q.index,
                    "exemplar_line": e.index,
                    "iou": round(match_iou, 3),
                    "relative": rel,
                    "different": different,
                }
            )
        return rows
