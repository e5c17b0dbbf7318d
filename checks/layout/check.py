"""The layout check and its line-consistency findings (see the package's docstring)."""

from __future__ import annotations

from typing import Any

import numpy as np

from workbench import conventions
from workbench.check import Check, Layer, LayerKind, Need
from workbench.context import Context
from workbench.imaging.layout.word_tone import tone_outliers
from workbench.imaging.lines import group_lines, line_outliers, rotate_box_back
from workbench.loading.fill import on_partly_decoded_page
from workbench.model import Artifact, CheckResult, Finding, Severity
from workbench.serialize import region_to_dict

from .lines import PageLines, box_region, page_lines


class LayoutCheck(Check):
    """Template comparison with exemplars, and line typography consistency."""

    name = "layout"
    version = "15"
    title = "Layout against genuine exemplars, and typography of each line"
    explanation = (
        "Measures every text line of the page (size, stroke width, baseline, margins) and "
        "reports a line whose type differs from the other lines of its block, as a retyped "
        "date or sentence often does, and a word whose ink is darker or lighter than the other "
        "words of its own line, as digits erased and typed again often are. When genuine "
        "exemplars of the same issuer are given, it also compares each line's darkest and "
        "lightest words, and the edges of its sharpest word, with those of the same line in "
        "the exemplars (for a line with none at its place, such as a body line of another "
        "length, the exemplar's nearest text row in the same weight of type, and with no row "
        "near it, how far its sharpest word stands out from its own line against the most "
        "any of the exemplar's rows shows), and it "
        "registers the page onto each, compares the template they share (letterhead, emblem, "
        "field labels, rules, footer) block by block, and reports blocks moved, rescaled or "
        "redrawn, with an overlay in two colours (exemplar red, this page blue, shared ink "
        "black) and a difference map. It cannot tell an edit from a genuine change of the "
        "office's template or from a page printed on another printer; its typography measures "
        "are unreliable on very small or heavily compressed scans."
    )
    needs = frozenset({Need.PAGES})
    order = 60
    beside_reading = True
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
            plines = page_lines(np.asarray(gray), context.decoded_pixels(page.index))
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
            # Imported here, with what it needs: the check runs beside the page's reading,
            # and `workbench check` imports every check's module before that reading.
            from .exemplars import compare_with_exemplars

            comparison_findings, comparisons, arts, note = compare_with_exemplars(
                self, context, convention, lines_by_page[doc.pages[0].index]
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
        tones = tone_outliers(list(plines.tones))
        block_of = {m.index: g for g, group in enumerate(groups) for m in group}
        results["pages"].append(
            {
                "page": index,
                "deskew_degrees": round(plines.angle, 3),
                "lines": [
                    dict(
                        m.to_dict(),
                        block=block_of.get(m.index),
                        page_box=region_to_dict(box_region(plines.page_box(m), "line")),
                    )
                    for m in plines.lines
                ],
                "outliers": [o.to_dict() for o in outliers],
                "word_tone_outliers": [o.to_dict() for o in tones],
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
                    regions=[box_region(box, "line")],
                    evidence={
                        "line": outlier.line.to_dict(),
                        "deviations": outlier.deviations,
                        "block_size": outlier.block_size,
                        "compared_with": "page",
                    },
                    checklist=["img.retyped"],
                )
            )
        by_index = {m.index: m for m in plines.lines}
        for odd in tones:
            line = by_index[odd.line]
            word_box = rotate_box_back(odd.word.box, plines.angle, plines.shape)
            shade = "darker" if odd.relative < 0 else "lighter"
            findings.append(
                self.finding(
                    "word_tone",
                    Severity.NOTICE if odd.weight_explains else Severity.WARNING,
                    f"A word's ink is {shade} than the rest of its line",
                    f"On page {index + 1}, a word of line {line.index + 1} is printed "
                    f"{abs(odd.relative):.0%} of the line's paper-to-ink contrast {shade} than "
                    f"the other {odd.words - 1} words of the line, which agree with each other. "
                    "The words of a line are printed and scanned together and share their tone; "
                    "digits or a word erased and typed again, or pasted from another print, "
                    "are consistent with this. Its strokes are "
                    f"{odd.stroke_ratio:.2f} times as wide as the line's"
                    + (
                        ": a word in another weight of type (bold or light) explains its tone. "
                        if odd.weight_explains
                        else ". "
                    )
                    + "Innocent explanations: a word in bold type, a word gone over by hand or "
                    "highlighted, a stain or a fold across it. Compare the word's ink and "
                    "letter shapes with its neighbours'.",
                    page=index,
                    regions=[
                        box_region(word_box, "word"),
                        box_region(plines.page_box(line), "line"),
                    ],
                    evidence={"line": line.to_dict(), **odd.to_dict(), "compared_with": "line"},
                    checklist=["img.retyped"],
                )
            )
        return findings
