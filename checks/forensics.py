"""The ``forensics`` check: local traces of pixel editing on each page.

Adapts the array functions of `workbench.imaging` (error level analysis, noise-level
inconsistency, keypoint and block copy-move, JPEG ghosts, text copy-move, glyph and line
consistency, and their fusion in `workbench.imaging.forensic.tamper`) to documents: one tamper
heatmap and score per page, each method's own map as an artifact for the viewer, and findings
with the regions a reviewer should look at. Finding codes, each naming the method that saw it:
``forensics.clone`` (copy-move, keypoints or blocks), ``forensics.splice`` (JPEG ghosts),
``forensics.noise_inconsistency`` (noise level), ``forensics.text_copy_move`` (words that are
pixel copies of other words, noise included), ``forensics.glyph_inconsistency`` (words or
lines printed differently) and ``forensics.paper_step`` (paper tone steps).

When genuine exemplars of the same source are given (``--reference``), the text methods'
thresholds are set from them (`workbench.imaging.forensic.calibration`); otherwise each page is
its own reference.

Text on paper is not a photograph: printed glyphs, ruled lines and rubber stamps repeat, and
scanners and publishers recompress whole pages. Every method therefore compares a region with
the rest of its own page, and clones are verified on the paper texture around the ink, so a
clean scan of a printed letter stays quiet. What remains is evidence to weigh, never a verdict.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from workbench.check import Check, Layer, LayerKind, Need
from workbench.context import Context
from workbench.geometry import Box
from workbench.imaging.forensic.calibration import TextCalibration, calibrate_text
from workbench.imaging.forensic.copymove import ClonePair
from workbench.imaging.forensic.dq_map import DqMap, dq_map_of_bytes
from workbench.imaging.forensic.glyphs import GlyphOutlier
from workbench.imaging.forensic.tamper import CELL, PageTraces, analyse_page
from workbench.imaging.forensic.textclone import TextClone
from workbench.model import Artifact, CheckResult, Finding, Region, Severity
from workbench.serialize import region_to_dict

#: Larger pages are analysed at reduced size (memory grows with the page, about 60 bytes a
#: pixel at the peak); an A4 page at 400 dpi (15.5 megapixels) still fits.
MAX_PIXELS = 16_000_000
#: Smaller pages carry too little texture for any of the methods.
MIN_SIDE = 64

CLONE_CRITICAL = 0.6
CLONE_WARNING = 0.4
CLONE_NOTICE = 0.3
TRACE_WARNING = 0.5
TRACE_NOTICE = 0.3
#: A paper tone step warns where another method agrees, or alone (shaded bands exist) at 0.9.
PAPER_STEP_WARNING, PAPER_STEP_ALONE = TRACE_WARNING, 0.9


def _region(box: Box, factor: float, label: str, score: float | None = None) -> Region:
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


class ForensicsCheck(Check):
    """Error levels, noise, copy-move and JPEG ghosts, fused per page."""

    name = "forensics"
    version = "7"
    title = "Pixel forensics: cloned regions and words, foreign compression, noise, retyped print"
    explanation = (
        "Looks for local traces of image editing on each page: regions copied from elsewhere "
        "on the same page (a seal or signature reused, a patch of paper covering text), "
        "regions whose JPEG compression history differs from the rest of the page (a "
        "signature pasted from another file; in a JPEG saved twice, regions without the "
        "double quantisation the rest of the page shows), regions whose noise level differs, "
        "patches of paper of another tone ending in a straight edge (pasted with their paper), "
        "words that "
        "are pixel copies of other words of the page (in a real scan two prints of one word "
        "never share their noise), and words or lines printed differently from the rest of "
        "the page (ink darkness, edge sharpness, stroke width, paper grain, line angle: a "
        "retyped date or a spliced line). It combines them into one heatmap and a score per "
        "page, and keeps each method's own map. Given genuine exemplars of the same source, "
        "the text methods' thresholds are set from them. "
        "It compares each region with its own page, so it can miss an edit made before the "
        "page was printed and scanned again, or one washed out by later heavy JPEG "
        "compression; and a trace is not proof: a stamp applied twice, a rubber stamp, ruled "
        "lines, a scanner's own processing or a publisher's recompression can leave similar "
        "traces. Error level analysis in particular lights up every sharp edge of printed "
        "text, so its raw map must be read against the text on the page."
    )
    needs = frozenset({Need.PAGES})
    order = 40
    layers = (
        Layer(LayerKind.HEATMAP, "Combined tamper heatmap", artifact="tamper_heatmap"),
        Layer(LayerKind.HEATMAP, "Error levels", artifact="ela_heatmap"),
        Layer(LayerKind.HEATMAP, "Noise level", artifact="noise_map"),
        Layer(LayerKind.HEATMAP, "Copied regions", artifact="copymove_map"),
        Layer(LayerKind.HEATMAP, "JPEG ghosts", artifact="ghost_map"),
        Layer(LayerKind.HEATMAP, "Double quantisation", artifact="dq_map"),
        Layer(LayerKind.HEATMAP, "Copied words", artifact="text_copymove_map"),
        Layer(LayerKind.HEATMAP, "Print differences", artifact="glyph_map"),
        Layer(LayerKind.HEATMAP, "Paper tone steps", artifact="paper_step_map"),
    )

    def run(self, context: Context) -> CheckResult:
        """Analyse every page; a page that cannot be decoded is reported and skipped."""
        doc = context.document
        if not doc.pages:
            return self.skipped("The document has no page images to examine.")
        pages: list[dict[str, Any]] = []
        findings: list[Finding] = []
        artifacts: list[Artifact | None] = []
        notes: list[str] = []
        calibration = self._calibration(context, notes)
        for page in doc.pages:
            try:
                gray = context.page_gray(page.index)
            except Exception as exc:  # a corrupt page must not sink the others
                notes.append(f"Page {page.index + 1} could not be decoded: {exc}")
                continue
            h, w = gray.shape[:2]
            if min(h, w) < MIN_SIDE:
                notes.append(f"Page {page.index + 1} is too small ({w}x{h}) for pixel forensics.")
                continue
            factor = 1.0
            if h * w > MAX_PIXELS:
                factor = float(np.sqrt(MAX_PIXELS / (h * w)))
                gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            dq = self._dq_map(context, page.index, gray.shape, notes) if factor == 1.0 else None
            traces = analyse_page(gray, jpeg_grid=factor == 1.0, calibration=calibration, dq=dq)
            notes += [f"Page {page.index + 1}: {n}" for n in traces.notes]
            page_result, page_artifacts = self._page_result(context, page.index, traces, factor)
            pages.append(page_result)
            artifacts += page_artifacts
            findings += self._findings(page.index, traces, factor)
        if not pages:
            return self.error(" ".join(notes) or "No page could be examined.")
        results = {
            "pages": pages,
            "notes": notes,
            "calibration": {
                "exemplar_pages": calibration.exemplars,
                "thresholds": {k: round(v, 3) for k, v in calibration.thresholds.items()},
                "strongest_on_exemplars": {
                    k: round(v, 3) for k, v in calibration.strongest.items()
                },
            },
        }
        return self.ok(findings=findings, results=results, artifacts=artifacts)

    @staticmethod
    def _calibration(context: Context, notes: list[str]) -> TextCalibration:
        """Thresholds of the text methods from the exemplars' pages (first page of each)."""
        pages = []
        for ref in context.references:
            if not ref.pages:
                continue
            try:
                gray = np.asarray(context.page_gray(0, document=ref))
            except Exception as exc:  # an unreadable exemplar must not sink the check
                notes.append(f"Exemplar {ref.path.name} could not be decoded: {exc}")
                continue
            h, w = gray.shape[:2]
            if h * w > MAX_PIXELS:
                factor = float(np.sqrt(MAX_PIXELS / (h * w)))
                gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            pages.append(gray)
        return calibrate_text(pages) if pages else TextCalibration()

    @staticmethod
    def _dq_map(
        context: Context, index: int, shape: tuple[int, ...], notes: list[str]
    ) -> DqMap | None:
        """The aligned double-quantisation map of a single-page JPEG file, when it has one."""
        doc = context.document
        if doc.media_type != "image/jpeg" or len(doc.pages) != 1:
            return None
        result = dq_map_of_bytes(doc.data())
        if not isinstance(result, DqMap):
            notes.append(f"Page {index + 1}: no double-quantisation map: {result.reason}")
            return None
        if result.probability.shape != (shape[0] // 8, shape[1] // 8):
            return None
        return result

    # -- results --------------------------------------------------------------------------

    def _page_result(
        self, context: Context, index: int, traces: PageTraces, factor: float
    ) -> tuple[dict[str, Any], list[Artifact | None]]:
        size = (context.document.pages[index].height, context.document.pages[index].width)

        def full(image: np.ndarray) -> np.ndarray:
            if image.shape == size:
                return image
            return cv2.resize(image, (size[1], size[0]), interpolation=cv2.INTER_LINEAR)

        writer = context.artifacts
        stem = f"page{index + 1}"
        kinds = {
            "ela": "ela_heatmap",
            "noise": "noise_map",
            "clone": "copymove_map",
            "ghost": "ghost_map",
            "dq": "dq_map",
            "text_clone": "text_copymove_map",
            "glyph": "glyph_map",
            "paper_step": "paper_step_map",
        }
        heat: Artifact | None = None
        maps: dict[str, Artifact | None] = dict.fromkeys(kinds)
        if writer.enabled:
            # Page-sized maps are painted one at a time, only when they are kept, and written
            # with zlib's run-length strategy: as small as the default, in a fraction of the
            # time (the grainy error-level map took seconds).
            heat = writer.write_png(
                f"{stem}_tamper_heatmap",
                full(traces.heatmap),
                kind="tamper_heatmap",
                page=index,
                run_length=True,
            )
            for method, kind in kinds.items():
                maps[method] = writer.write_png(
                    f"{stem}_{kind}",
                    full(traces.map(method)),
                    kind=kind,
                    page=index,
                    run_length=True,
                )
        result: dict[str, Any] = {
            "index": index,
            "tamper_score": round(traces.tamper_score, 4),
            "heatmap": heat.id if heat else None,
            "maps": {method: (a.id if a else None) for method, a in maps.items()},
            "scores": {k: round(v, 4) for k, v in traces.scores.items()},
            "analysed_scale": round(factor, 4),
            "jpeg_quality_estimate": traces.page_quality,
            "noise_sigma": round(traces.noise_sigma, 3),
            "clones": [self._clone_dict(p, factor) for p in traces.clones],
            "splice_regions": [
                region_to_dict(_region(b, factor, "compression")) for b in traces.splice_regions
            ],
            "noise_regions": [
                region_to_dict(_region(b, factor, "noise")) for b in traces.noise_regions
            ],
            "ela_regions": [
                region_to_dict(_region(b, factor, "error level")) for b in traces.ela_regions
            ],
            "dq_regions": [
                region_to_dict(_region(b, factor, "single compression")) for b in traces.dq_regions
            ],
            "dq_first_steps": {str(k): v for k, v in traces.dq_first_steps.items()},
            "paper_step_regions": [
                region_to_dict(_region(b, factor, "paper step")) for b in traces.paper_step_regions
            ],
            "text_clones": [self._text_clone_dict(c, factor) for c in traces.text_clones],
            "text_floor": round(traces.text_floor, 3),
            "glyph_outliers": [
                dict(
                    region_to_dict(_region(o.box, factor, o.level)),
                    level=o.level,
                    deviations=o.deviations,
                )
                for o in traces.glyph_outliers
            ],
        }
        return result, [heat, *maps.values()]

    @staticmethod
    def _text_clone_dict(clone: TextClone, factor: float) -> dict[str, Any]:
        return {
            "source": region_to_dict(_region(clone.source, factor, "source", clone.strength)),
            "target": region_to_dict(_region(clone.target, factor, "copy", clone.strength)),
            "shift": [round(v / factor, 1) for v in clone.shift],
            "words": clone.words,
            "difference": round(clone.difference, 3),
            "ratio": round(clone.ratio, 3),
            "next_difference": (
                None if clone.next_difference is None else round(clone.next_difference, 3)
            ),
            "strength": round(clone.strength, 4),
        }

    @staticmethod
    def _clone_dict(pair: ClonePair, factor: float) -> dict[str, Any]:
        return {
            "method": pair.method,
            "source": region_to_dict(_region(pair.source, factor, "source", pair.strength)),
            "target": region_to_dict(_region(pair.target, factor, "copy", pair.strength)),
            "matches": pair.matches,
            "rotation_degrees": round(pair.rotation, 2),
            "scale": round(pair.scale, 4),
            "shift": [round(v / factor, 1) for v in pair.shift],
            "texture_correlation": (
                None if pair.texture_correlation is None else round(pair.texture_correlation, 3)
            ),
            "strength": round(pair.strength, 4),
        }

    # -- findings -------------------------------------------------------------------------

    def _findings(self, index: int, traces: PageTraces, factor: float) -> list[Finding]:
        out: list[Finding] = []
        for pair in traces.clones:
            finding = self._clone_finding(index, pair, factor)
            if finding is not None:
                out.append(finding)
        for box, quality in zip(traces.splice_regions, traces.ghost_qualities, strict=True):
            severity = Severity.WARNING if box.score >= TRACE_WARNING else Severity.NOTICE
            if box.score < TRACE_NOTICE:
                continue
            region = _region(box, factor, "foreign compression")
            out.append(
                self.finding(
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
            region = _region(box, factor, "noise differs")
            out.append(
                self.finding(
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
                out.append(self._dq_finding(index, box, traces, factor))
        for box in traces.paper_step_regions:
            if box.score >= TRACE_NOTICE:
                out.append(self._step_finding(index, box, traces, factor))
        notice = max(TRACE_NOTICE, traces.calibration.threshold("text_clone", TRACE_NOTICE))
        for clone in traces.text_clones:
            if clone.strength >= notice:
                out.append(self._text_clone_finding(index, clone, traces, factor))
        notice = max(TRACE_NOTICE, traces.calibration.threshold("glyph", TRACE_NOTICE))
        for outlier in traces.glyph_outliers:
            if outlier.strength >= notice:
                out.append(self._glyph_finding(index, outlier, traces, factor))
        return out

    @staticmethod
    def _severity(strength: float, calibration: TextCalibration, method: str) -> Severity:
        warning = max(TRACE_WARNING, calibration.threshold(method, 0.0))
        return Severity.WARNING if strength >= warning else Severity.NOTICE

    @staticmethod
    def _corroborated(box: Box, traces: PageTraces, skip: str) -> list[str]:
        """Other methods whose map reaches the notice level somewhere inside `box`."""
        y0, x0 = box.y // CELL, box.x // CELL
        y1, x1 = -(-(box.y + box.height) // CELL), -(-(box.x + box.width) // CELL)
        return [
            method
            for method, cells in traces.cells.items()
            if method not in ("fused", skip)
            and cells[y0:y1, x0:x1].size
            and int(cells[y0:y1, x0:x1].max()) >= round(TRACE_NOTICE * 255)
        ]

    def _dq_finding(self, index: int, box: Box, traces: PageTraces, factor: float) -> Finding:
        region = _region(box, factor, "single compression")
        # The map alone raised warnings on a few untouched scans (small areas of sparse
        # print), so on its own it is a notice, and a warning where another method agrees.
        others = self._corroborated(box, traces, "dq")
        return self.finding(
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

    def _step_finding(self, index: int, box: Box, traces: PageTraces, factor: float) -> Finding:
        region = _region(box, factor, "paper tone step")
        seen = self._corroborated(box, traces, "paper_step")
        evidence = dict(method="paper_tone_steps", strength=round(box.score, 3), also_seen_by=seen)
        limit = PAPER_STEP_WARNING if seen else PAPER_STEP_ALONE
        return self.finding(
            "paper_step",
            Severity.WARNING if box.score >= limit else Severity.NOTICE,
            "A patch of the page has a paper tone of its own, ending in a straight edge",
            f"On page {index + 1}, the bare paper's tone steps along straight edges around "
            f"x={region.x}, y={region.y} ({region.width}x{region.height} px), far more than "
            "elsewhere: a line or block pasted with its own paper, or an erasure filled flat. "
            "Innocent explanations: a band shaded on purpose (a form's header, a table row), a "
            "sheet's edge or fold, a shadow, a scanner stitching two passes. Zoom in on edges.",
            page=index,
            regions=[region],
            evidence=evidence,
            checklist=["img.splice"],
        )

    def _text_clone_finding(
        self, index: int, clone: TextClone, traces: PageTraces, factor: float
    ) -> Finding:
        source = _region(clone.source, factor, "source", clone.strength)
        target = _region(clone.target, factor, "copy", clone.strength)
        words = "word" if clone.words == 1 else f"{clone.words} words moved together"
        nearest = (
            ""
            if clone.next_difference is None
            else f", while the closest other pair of words on the page differs by "
            f"{clone.next_difference:.2f}"
        )
        return self.finding(
            "text_copy_move",
            self._severity(clone.strength, traces.calibration, "text_clone"),
            "Printed words match other words of the page, noise included",
            f"On page {index + 1} (text copy-move), the print at x={target.x}, y={target.y} "
            f"({target.width}x{target.height} px) matches the print at x={source.x}, "
            f"y={source.y} ({words}) pixel for pixel, paper included: their difference "
            f"({clone.difference:.2f} grey levels) is {clone.ratio:.2f} of what two separate "
            f"patches of this page's paper differ by ({traces.text_floor:.2f}){nearest}. "
            "Two prints of "
            "the same word share their shape but not their paper grain and scanner noise; a "
            "digital copy shares both, so this is consistent with a word copied within the "
            "file. Either end could be the original. Innocent explanations: a page that was "
            "generated digitally and never printed (its repeated words can be identical), "
            "heavy noise reduction by a scanner or publisher, or a form whose field was filled "
            "by pasting. Compare the two places side by side.",
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
                "strength": round(clone.strength, 3),
                "calibrated": traces.calibration.exemplars > 0,
            },
            checklist=["img.clone"],
        )

    def _glyph_finding(
        self, index: int, outlier: GlyphOutlier, traces: PageTraces, factor: float
    ) -> Finding:
        region = _region(outlier.box, factor, f"{outlier.level} printed differently")
        names = {
            "darkness": "ink darkness",
            "sharpness": "edge sharpness",
            "stroke": "stroke width",
            "grain": "paper grain",
            "angle": "baseline angle",
        }
        described = ", ".join(
            f"{names[k]} {d['value']:g} against the page's {d['median']:g} (robust z {d['z']:+.1f})"
            for k, d in outlier.deviations.items()
        )
        what = "line" if outlier.level == "line" else "word or number"
        return self.finding(
            "glyph_inconsistency",
            self._severity(outlier.strength, traces.calibration, "glyph"),
            f"A {what} is printed differently from the rest of the page",
            f"On page {index + 1} (glyph and line consistency), the {what} at x={region.x}, "
            f"y={region.y} ({region.width}x{region.height} px) differs from the page's other "
            f"words: {described}. Text retyped or spliced in later (a changed date, number or "
            "line, typeset in another font or rendered without the scan's blur and noise) "
            "often differs this way. Innocent explanations: a bold or emphasised word, a rubber "
            "stamp or handwritten note, a different ribbon or toner, a line added by the issuer "
            "on another machine, or a photocopy of a photocopy. Compare its letter shapes and "
            "ink with its neighbours'.",
            page=index,
            regions=[region],
            evidence={
                "method": "glyph_consistency",
                "level": outlier.level,
                "deviations": outlier.deviations,
                "strength": round(outlier.strength, 3),
                "calibrated": traces.calibration.exemplars > 0,
            },
            checklist=["img.retyped"],
        )

    def _clone_finding(self, index: int, pair: ClonePair, factor: float) -> Finding | None:
        if pair.strength < CLONE_NOTICE:
            return None
        if pair.strength >= CLONE_CRITICAL:
            severity = Severity.CRITICAL
        elif pair.strength >= CLONE_WARNING:
            severity = Severity.WARNING
        else:
            severity = Severity.NOTICE
        source = _region(pair.source, factor, "source", pair.strength)
        target = _region(pair.target, factor, "copy", pair.strength)
        geometry = (
            f"moved by ({pair.shift[0] / factor:+.0f}, {pair.shift[1] / factor:+.0f}) px"
            if pair.method == "block"
            else f"rotated {pair.rotation:+.1f} degrees and scaled {pair.scale * 100:.0f}%"
        )
        if pair.texture_correlation is None:
            texture = (
                "The page is too clean around the match to tell a digital copy from a repeated "
                "print."
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
        return self.finding(
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
                "method": pair.method,
                "matches": pair.matches,
                "rotation_degrees": round(pair.rotation, 2),
                "scale": round(pair.scale, 4),
                "shift": [round(v / factor, 1) for v in pair.shift],
                "texture_correlation": (
                    None if pair.texture_correlation is None else round(pair.texture_correlation, 3)
                ),
                "strength": round(pair.strength, 3),
            },
            checklist=["img.clone", "form.signature"],
        )
