"""The forensics check itself: each page decoded, analysed and turned into results and maps.

`run` sizes every page for `workbench.imaging.forensic.tamper.analyse_page`, sets the text
methods' thresholds from the exemplars given, adds the file's aligned double-quantisation map
when the document is a single JPEG, hands it the page's OCR words so its numbers can be
compared with each other, writes each method's map as an artifact and hands the traces to
`workbench_checks.forensics.findings` for the findings.

The OCR words come from the context's reading (`Context.ocr_result` in the document's
language, the reading the ``ocr`` check starts from, under the same cache key): in a whole
check they cost nothing more; run alone (``--only forensics``) the check pays for one
Tesseract pass per page of printed paper. Without Tesseract the check still runs and notes
that numbers were not compared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from workbench.check import Check, Layer, LayerKind, Need
from workbench.context import Context
from workbench.errors import ToolUnavailableError
from workbench.loading.fill import on_partly_decoded_page
from workbench.model import Artifact, CheckResult, Finding
from workbench.ocr import OcrFailedError, OcrWord
from workbench.serialize import region_to_dict

from .findings import (
    PARTLY_DECODED,
    clone_dict,
    page_findings,
    page_region,
    text_clone_dict,
)

if TYPE_CHECKING:  # imported where the check runs: see `ForensicsCheck.run`
    from workbench.imaging.forensic.calibration import TextCalibration
    from workbench.imaging.forensic.dq_map import DqMap
    from workbench.imaging.forensic.tamper import PageTraces
    from workbench.loading import Document

#: Larger pages are analysed at reduced size: the analysis raises the resident memory by
#: about 13 bytes a pixel at its peak, besides the decoded page (measured with `analyse_page`
#: on the 300-dpi list scan of the samples resized to 8.7 and 16 megapixels: 105 and 203 MiB).
#: An A4 page at 400 dpi (15.5 megapixels) still fits.
MAX_PIXELS = 16_000_000
#: Smaller pages carry too little texture for any of the methods.
MIN_SIDE = 64


class ForensicsCheck(Check):
    """Error levels, noise, copy-move and JPEG ghosts, fused per page."""

    name = "forensics"
    version = "34"
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
        "retyped date or a spliced line), and numbers or dates, as the page's OCR reads them, "
        "printed differently from the page's other numbers (darker ink, steeper edges, "
        "another stroke width, flat ink without the scan's grain, or on paper without it: "
        "digits retyped into a date or an amount). It combines them "
        "into one heatmap and a score per page, and keeps each method's own map. Given "
        "genuine exemplars of the same source, "
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
    beside_reading = True
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
        """Analyse every page; a page that cannot be decoded is reported and skipped.

        The forensic methods (`workbench.imaging.forensic`) are imported when the check
        first runs, not with its module: `workbench check` imports every check's module
        before the page's reading starts, and this check runs beside that reading.
        """
        doc = context.document
        if not doc.pages:
            return self.skipped("The document has no page images to examine.")
        pages: list[dict[str, Any]] = []
        findings: list[Finding] = []
        artifacts: list[Artifact | None] = []
        notes: list[str] = []
        calibration = self._calibration(context, notes)
        recovered = set(doc.properties.get("recovered_pages") or ())
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
                notes.append(
                    f"Page {page.index + 1} was analysed at {factor:.0%} of its size (it has "
                    f"more than {MAX_PIXELS:,} pixels): the double-quantisation map and text "
                    "copy-move's comparison with a saved copy need the file's own 8x8 grid and "
                    "were left out."
                )
            dq = self._dq_map(context, page.index, gray.shape, notes) if factor == 1.0 else None
            quality = self._jpeg_quality(doc) if factor == 1.0 else None
            from workbench.imaging.forensic.tamper import analyse_page

            traces = analyse_page(
                gray,
                jpeg_grid=factor == 1.0,
                calibration=calibration,
                dq=dq,
                jpeg_quality=quality,
                read=self._reader(context, page.index, factor, notes),
            )
            notes += [f"Page {page.index + 1}: {n}" for n in traces.notes]
            page_result, page_artifacts = self._page_result(context, page.index, traces, factor)
            pages.append(page_result)
            artifacts += page_artifacts
            found = page_findings(self, page.index, traces, factor)
            if page.index in recovered:
                found = [on_partly_decoded_page(f, PARTLY_DECODED) for f in found]
            findings += found
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
    def _reader(
        context: Context, index: int, factor: float, notes: list[str]
    ) -> Callable[[], Sequence[OcrWord] | None]:
        """The page's OCR words on the analysed page's pixels, read when first asked for.

        The reading is the context's (`Context.ocr_result` in the document's language, the
        same reading the ``ocr`` check starts from), so in a whole check it costs nothing;
        run alone, this check pays for one Tesseract pass. Without OCR the check still runs,
        and says numbers were not compared.
        """

        def read() -> Sequence[OcrWord] | None:
            try:
                words = context.ocr_result(index).page.words
            except (ToolUnavailableError, OcrFailedError) as exc:
                notes.append(
                    f"Page {index + 1}: numbers were not compared with each other, "
                    f"the page could not be read: {exc}"
                )
                return None
            if factor == 1.0:
                return words
            return [
                replace(
                    w,
                    box=(
                        round(w.box[0] * factor),
                        round(w.box[1] * factor),
                        max(round(w.box[2] * factor), 1),
                        max(round(w.box[3] * factor), 1),
                    ),
                )
                for w in words
            ]

        return read

    @staticmethod
    def _calibration(context: Context, notes: list[str]) -> TextCalibration:
        """Thresholds of the text methods from the exemplars' pages (first page of each)."""
        from workbench.imaging.forensic.calibration import TextCalibration, calibrate_text

        pages = []
        qualities: list[int | None] = []
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
                qualities.append(None)
            else:
                # Measured as a questioned page is: with its file's quality, when it has one.
                qualities.append(ForensicsCheck._jpeg_quality(ref))
            pages.append(gray)
        return calibrate_text(pages, qualities) if pages else TextCalibration()

    @staticmethod
    def _single_page_jpeg(doc: Document) -> bool:
        """Whether `doc` is one JPEG page, whose file's compression describes its pixels."""
        return doc.media_type == "image/jpeg" and len(doc.pages) == 1

    @staticmethod
    def _jpeg_quality(doc: Document) -> int | None:
        """The quality to simulate a single-page JPEG file's save at (`copy_quality`), else None.

        None as well when the file's luminance table is not libjpeg's: a simulated save
        with libjpeg's table would not be the file's.
        """
        from workbench.formats.jpeg import parse_jpeg
        from workbench.imaging.forensic.textclone_resave import copy_quality

        if not ForensicsCheck._single_page_jpeg(doc):
            return None
        try:
            tables = parse_jpeg(doc.data()).quantization_tables
        except ValueError:  # not a JPEG, or a malformed table: no quality to simulate
            return None
        return copy_quality(tables)

    @staticmethod
    def _dq_map(
        context: Context, index: int, shape: tuple[int, ...], notes: list[str]
    ) -> DqMap | None:
        """The aligned double-quantisation map of a single-page JPEG file, when it has one."""
        from workbench.imaging.forensic.dq_map import DqMap, dq_map_of_bytes

        doc = context.document
        if not ForensicsCheck._single_page_jpeg(doc):
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
            "clones": [clone_dict(p, factor) for p in traces.clones],
            "splice_regions": [
                region_to_dict(page_region(b, factor, "compression")) for b in traces.splice_regions
            ],
            "noise_regions": [
                region_to_dict(page_region(b, factor, "noise")) for b in traces.noise_regions
            ],
            "ela_regions": [
                region_to_dict(page_region(b, factor, "error level")) for b in traces.ela_regions
            ],
            "dq_regions": [
                region_to_dict(page_region(b, factor, "single compression"))
                for b in traces.dq_regions
            ],
            "dq_first_steps": {str(k): v for k, v in traces.dq_first_steps.items()},
            "paper_step_regions": [
                region_to_dict(page_region(b, factor, "paper step"))
                for b in traces.paper_step_regions
            ],
            "text_clones": [text_clone_dict(c, factor) for c in traces.text_clones],
            "text_floor": round(traces.text_floor, 3),
            "glyph_outliers": [
                dict(
                    region_to_dict(page_region(o.box, factor, o.level)),
                    level=o.level,
                    deviations=o.deviations,
                )
                for o in traces.glyph_outliers
            ],
        }
        return result, [heat, *maps.values()]
