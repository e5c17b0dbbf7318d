"""The ``file`` check: what the file is, independent of what its name says.

Records the SHA-256 a reviewer needs to compare later copies, the size, the media type
detected from the content, and the pages with their pixel sizes and resolution. A name whose
extension promises another type than the content is a finding: harmless renaming by a
download tool or publisher is common, but so is disguising a file's history.
"""

from __future__ import annotations

from typing import Any

from workbench.check import Check
from workbench.context import Context
from workbench.model import CheckResult, Finding, Severity

#: Below this many pixels on the longer side, a letter page is too coarse for reliable OCR
#: and pixel forensics (about 100 dpi for A4).
LOW_RESOLUTION_PIXELS = 1200


class FileCheck(Check):
    """Identity, detected type and page geometry of the file."""

    name = "file"
    version = "1"
    title = "File identity, detected type and pages"
    explanation = (
        "Computes the SHA-256 of the file exactly as received (so later copies can be "
        "compared), detects its type from its content rather than its name, and lists its "
        "pages with pixel size and resolution. It reports a name whose extension promises a "
        "different type than the content, and pages too coarse for the other checks to be "
        "reliable. It cannot tell whether this file is the earliest copy: only a hash recorded "
        "by the original source can show that."
    )
    order = 0
    beside_reading = True

    def run(self, context: Context) -> CheckResult:
        """Describe the file and report type mismatches and low resolution."""
        doc = context.document
        claimed = doc.extension_media_type
        results: dict[str, Any] = {
            "sha256": doc.sha256,
            "size_bytes": doc.size_bytes,
            "media_type": doc.media_type,
            "extension": doc.path.suffix.lower() or None,
            "extension_media_type": claimed,
            "format": doc.properties.get("format"),
            "colour_mode": doc.properties.get("mode"),
            "encoding": doc.properties.get("encoding"),
            "page_count": len(doc.pages),
            "pages": [
                {
                    "index": p.index,
                    "width": p.width,
                    "height": p.height,
                    "dpi": list(p.dpi) if p.dpi else None,
                }
                for p in doc.pages
            ],
        }
        findings: list[Finding] = [
            self.finding(
                "sha256",
                Severity.INFO,
                "SHA-256 of the file as received",
                f"The file's SHA-256 is {doc.sha256} ({doc.size_bytes:,} bytes). Record it with "
                "the source's details so later copies can be compared byte for byte.",
                evidence={"sha256": doc.sha256, "size_bytes": doc.size_bytes},
                checklist=["prov.hash"],
            )
        ]
        undecoded = doc.properties.get("undecoded")
        if undecoded:
            results["undecoded"] = str(undecoded)
            findings.append(
                self.finding(
                    "not_decoded",
                    Severity.NOTICE,
                    "The image's pixels could not be decoded",
                    f"No page of this {doc.media_type} file could be decoded: {undecoded}. "
                    "A file cut short or damaged is consistent with an interrupted download or "
                    "copy, a failing disk, or software that wrote it unusually; a format the "
                    "workbench does not decode says nothing about the file. The checks that "
                    "read the bytes (metadata, compression) ran as usual; those that read the "
                    "pixels or the text could not. A complete copy, or the image exported to "
                    "JPEG, PNG or TIFF, can be analysed in full.",
                    evidence={"reason": str(undecoded), "media_type": doc.media_type},
                    checklist=["prov.original"],
                )
            )
        unreadable = [str(u) for u in doc.properties.get("unreadable") or []]
        if unreadable:
            findings.append(
                self.finding(
                    "partly_decoded",
                    Severity.NOTICE,
                    "Part of the file could not be decoded",
                    "; ".join(unreadable[:5])
                    + ". A file cut short or damaged is consistent with an interrupted download "
                    "or copy, a failing disk, or a file handled by unusual software; the checks "
                    "that read the bytes (metadata, compression) ran as usual, and those that "
                    "read the pixels saw only what was recovered.",
                    evidence={"unreadable": unreadable[:20]},
                    checklist=["prov.original"],
                )
            )
        if claimed is None:
            findings.append(
                self.finding(
                    "unknown_extension",
                    Severity.INFO,
                    "File name has no known extension",
                    f"The name {doc.path.name!r} does not say what the file is; its content "
                    f"is {doc.media_type}.",
                    evidence={"extension": results["extension"], "detected": doc.media_type},
                    checklist=["prov.original"],
                )
            )
        elif claimed != doc.media_type:
            findings.append(
                self.finding(
                    "extension_mismatch",
                    Severity.NOTICE,
                    "File name and content disagree about the type",
                    f"The name {doc.path.name!r} says {claimed}, but the content is "
                    f"{doc.media_type}. Download tools and publishers sometimes rename files "
                    "innocently; it can also mean the file was converted after it left its "
                    "source. Ask for the file as it was first received.",
                    evidence={"extension_media_type": claimed, "detected": doc.media_type},
                    checklist=["prov.original", "meta.recompression"],
                )
            )
        for page in doc.pages:
            if max(page.width, page.height) < LOW_RESOLUTION_PIXELS:
                findings.append(
                    self.finding(
                        "low_resolution",
                        Severity.NOTICE,
                        "Page is too coarse for reliable text and pixel analysis",
                        f"Page {page.index + 1} is only {page.width}x{page.height} pixels. "
                        "OCR, typography and forensic traces are weak at this size; an earlier, "
                        "larger copy would show more.",
                        page=page.index,
                        evidence={"width": page.width, "height": page.height},
                        checklist=["prov.original"],
                    )
                )
        return self.ok(findings=findings, results=results)
