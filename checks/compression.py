"""The ``compression`` check: how a JPEG was encoded, by what, and whether it was encoded twice.

Reads the quantization tables, frame and APP segments of the file's own bytes
(`workbench.formats.jpeg`), estimates the libjpeg quality, matches the tables and segments
against known encoder signatures, and measures periodic artefacts in the DCT coefficient
histograms that a second JPEG save leaves (`workbench.imaging.forensic.double_jpeg`). Other formats
get their format name only: a PNG or TIFF has no quantization history to read.

Encoder signatures and where they come from:

* **IJG libjpeg standard tables, quality 1-100**: Tables K.1/K.2 of ITU-T T.81 Annex K scaled
  by libjpeg's ``jpeg_quality_scaling`` / ``jpeg_add_quant_table`` (``jcparam.c``). Written by
  libjpeg, libjpeg-turbo and everything built on them: many scanners and scanning programs,
  GIMP, ImageMagick, Pillow, web servers and publishing systems. Not specific to an editor.
* **Adobe Photoshop "Save for Web"**: an APP12 ``Ducky`` segment, which Photoshop's Save for
  Web writes (documented in ExifTool's APP12 tag tables).
* **Adobe Photoshop "Save As"**: an APP13 ``Photoshop 3.0`` image-resource segment (Adobe's
  Photoshop File Formats Specification) together with tables that are not libjpeg's. IPTC
  editors also write APP13, so this signature needs both.

Photoshop's own quantization tables for its quality levels 0-12 are published only as
measurements by third parties, not in a source this project can cite and redistribute, so
they are not listed; the segment signatures above stand in for them.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np
from PIL import Image

from workbench.check import Check
from workbench.context import Context
from workbench.formats.jpeg import (
    JpegStructure,
    NotJpegError,
    estimate_quality,
    parse_jpeg,
    standard_tables,
    subsampling,
    without_extra_exif,
)
from workbench.imaging.forensic.double_jpeg import double_compression_evidence
from workbench.model import CheckResult, Finding, Severity

#: Score from which the histogram periodicity is reported as a second compression. Single
#: saves of photographs and letters scored at most 0.10 in ``benchmarks/double_jpeg.py``.
DOUBLE_COMPRESSION_THRESHOLD = 0.15
#: Largest empty-bin residue that, alone, is reported as a recognised first save.
FIRST_QUALITY_RESIDUE = 0.1

_LIBJPEG = {q: standard_tables(q) for q in range(1, 101)}
_INNOCENT_RECOMPRESSION = (
    "Saving a JPEG more than once is the normal history of a published image: a newsroom or "
    "website that resized or optimised a scan in 2003 recompressed it, and so does almost every "
    "messaging app and social network. It does not show that the content was changed; it does "
    "show that this is not the first file, so an earlier copy may exist."
)


class CompressionCheck(Check):
    """JPEG quantization, quality, encoder signatures and double-compression evidence."""

    name = "compression"
    version = "1"
    title = "JPEG compression history: quality, encoder and recompression"
    explanation = (
        "Reads the JPEG quantization tables (reported in natural row-major order), estimates "
        "the quality on the libjpeg 1-100 scale, reports chroma subsampling, progressive or "
        "baseline coding, restart markers and the application segments present, and matches "
        "them against known encoder signatures (standard libjpeg tables; Photoshop's Save for "
        "Web and Save As segments). It scores periodic artefacts in the DCT coefficient "
        "histograms that appear when a JPEG is saved a second time at another quality, and "
        "names the first quality when the histogram shows it. It cannot see a second save at "
        "the same quality, is weak when the second quality is lower than the first, and a "
        "crop between saves hides the first save. Recompression by publishers and messaging "
        "apps is common and innocent; the check says so. Non-JPEG files get their format only."
    )
    order = 20
    beside_reading = True

    def run(self, context: Context) -> CheckResult:
        """Describe the JPEG encoding and report recompression and editor signatures.

        It reads the file's bytes, not its decoded pages, so a JPEG whose pixels cannot be
        decoded is examined too; text and HTML documents have no image encoding.
        """
        doc = context.document
        if doc.text is not None and not doc.pages:
            return self.skipped(f"needs page images; this document is {doc.media_type} text")
        fmt = str(doc.properties.get("format") or doc.media_type)
        if doc.media_type != "image/jpeg":
            return self.ok(
                results={
                    "format": fmt,
                    "quality_estimate": None,
                    "quantization_tables": [],
                    "double_compression": None,
                },
                message=f"{fmt} is not a JPEG: there are no quantization tables to examine.",
            )
        data = doc.data()
        try:
            structure = parse_jpeg(data)
        except NotJpegError as exc:
            return self.error(f"the file was detected as JPEG but {exc}")
        findings: list[Finding] = []
        results = self._describe(structure)
        results["format"] = "JPEG"
        evidence = self._double_compression(data, structure)
        results["double_compression"] = evidence
        signatures = results["encoder_signatures"]
        editors = [s for s in signatures if s["category"] == "editor"]
        if editors:
            names = ", ".join(s["name"] for s in editors)
            findings.append(
                self.finding(
                    "editor_tables",
                    Severity.NOTICE,
                    "The JPEG was written by an image editor",
                    f"The file's encoding matches {names}. Scanners and cameras do not write "
                    "these. Many innocent hands use editors: publishers resize, crop and "
                    "optimise images for the web, and archivists straighten scans. It means "
                    "this file is not straight from the scanner; ask for an earlier copy.",
                    evidence={"signatures": editors},
                    checklist=["meta.software", "meta.recompression"],
                )
            )
        if evidence and evidence.get("detected"):
            first = evidence.get("first_quality_estimate")
            current = results["quality_estimate"]
            history = (
                f"first saved at about quality {first}, then at about {current}"
                if first is not None
                else f"saved before at another quality, now at about {current}"
            )
            findings.append(
                self.finding(
                    "double_compression",
                    Severity.NOTICE,
                    "The JPEG was compressed more than once",
                    f"The DCT coefficient histograms of the luminance show the periodic gaps "
                    f"and peaks a second quantization leaves (score {evidence['score']:.2f} of "
                    f"1; single saves score under {DOUBLE_COMPRESSION_THRESHOLD}): the image was "
                    f"{history}. {_INNOCENT_RECOMPRESSION}",
                    evidence={
                        "score": evidence["score"],
                        "first_quality_estimate": first,
                        "quality_estimate": current,
                        "method": evidence["method"],
                    },
                    checklist=["meta.recompression"],
                )
            )
        return self.ok(findings=findings, results=results)

    def _describe(self, s: JpegStructure) -> dict[str, Any]:
        estimate = estimate_quality(s.quantization_tables)
        tables = [
            {
                "id": tid,
                "precision_bits": s.table_precision.get(tid, 8),
                "order": "natural",
                "values": np.asarray(table).astype(int).tolist(),
            }
            for tid, table in sorted(s.quantization_tables.items())
        ]
        frame = s.frame
        return {
            "quality_estimate": estimate.quality if estimate else None,
            "quality_match_error": estimate.error if estimate else None,
            "standard_tables": estimate.exact if estimate else None,
            "quantization_tables": tables,
            "tables_order": "natural (row-major); the file stores them in zigzag order",
            "process": frame.process if frame else None,
            "progressive": frame.progressive if frame else None,
            "sample_precision": frame.precision if frame else None,
            "components": len(frame.components) if frame else None,
            "subsampling": subsampling(frame),
            "restart_interval": s.restart_interval,
            "restart_markers": s.restart_markers,
            "scans": s.scans,
            "app_segments": [
                {"marker": f"APP{a.marker - 0xE0}", "kind": a.kind, "bytes": a.length}
                for a in s.app_segments[:64]
            ],
            "comments": len(s.comments),
            "trailing_bytes": s.trailing_bytes,
            "truncated": s.truncated,
            "problems": list(s.problems[:20]),
            "encoder_signatures": _signatures(s, estimate.exact if estimate else False),
        }

    def _double_compression(self, data: bytes, s: JpegStructure) -> dict[str, Any] | None:
        frame = s.frame
        if frame is None or not frame.components:
            return None
        table = s.quantization_tables.get(frame.components[0].table)
        if table is None or len(frame.components) not in (1, 3):
            return {"score": None, "detected": False, "reason": "no luminance table to analyse"}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                image = Image.open(io.BytesIO(without_extra_exif(data)))
                image.draft("YCbCr", image.size)  # decode the coded samples, not RGB
                image.load()
        except Exception as exc:  # damaged files raise struct.error, TypeError, IndexError...
            return {"score": None, "detected": False, "reason": f"cannot be decoded: {exc}"}
        if image.mode not in ("YCbCr", "L"):
            return {"score": None, "detected": False, "reason": f"{image.mode} JPEG not analysed"}
        luminance = np.asarray(image.getchannel(0) if image.mode == "YCbCr" else image)
        # Only a first save with coarser steps than the current ones can be recognised.
        current = estimate_quality(s.quantization_tables)
        top = current.quality if current else 100
        candidates = {q: tables[0] for q, tables in _LIBJPEG.items() if q < top}
        ev = double_compression_evidence(luminance, table, candidates=candidates)
        first_recognised = (
            ev.first_quality is not None
            and ev.first_quality_residue is not None
            and ev.first_quality_residue <= FIRST_QUALITY_RESIDUE
        )
        detected = (ev.score is not None and ev.score >= DOUBLE_COMPRESSION_THRESHOLD) or (
            first_recognised
        )
        return {
            "score": ev.score,
            "detected": bool(detected),
            "threshold": DOUBLE_COMPRESSION_THRESHOLD,
            "method": ev.method,
            "first_quality_estimate": ev.first_quality if detected else None,
            "first_quality_residue": ev.first_quality_residue,
            "coefficients": [
                {
                    "zigzag": a.position,
                    "step": a.step,
                    "peak_ratio": a.peak_ratio,
                    "period": a.period,
                    "nonzero": a.nonzero,
                }
                for a in ev.analysed
            ],
            "reason": None if ev.score is not None else "too few non-zero DCT coefficients",
        }


def _signatures(s: JpegStructure, standard: bool) -> list[dict[str, Any]]:
    """Known encoders whose tables or segments match the file."""
    out: list[dict[str, Any]] = []
    tables = s.quantization_tables
    if 0 in tables:
        for quality, (lum, chroma) in _LIBJPEG.items():
            if np.array_equal(tables[0], lum) and (
                1 not in tables or np.array_equal(tables[1], chroma)
            ):
                out.append(
                    {
                        "name": f"IJG libjpeg standard tables, quality {quality}",
                        "category": "library",
                        "source": "ITU-T T.81 Annex K tables scaled as in libjpeg jcparam.c",
                    }
                )
                break
    kinds = {a.kind for a in s.app_segments}
    if "Ducky (Save for Web)" in kinds:
        out.append(
            {
                "name": "Adobe Photoshop Save for Web (APP12 Ducky segment)",
                "category": "editor",
                "source": "APP12 'Ducky' segment written by Photoshop's Save for Web",
            }
        )
    if "Photoshop IRB" in kinds and tables and not standard:
        out.append(
            {
                "name": "Adobe Photoshop Save As (APP13 image resources, non-libjpeg tables)",
                "category": "editor",
                "source": "APP13 'Photoshop 3.0' image resource blocks (Adobe Photoshop File "
                "Formats Specification) with quantization tables that are not libjpeg's",
            }
        )
    return out
