"""The ``metadata`` check: what the file says about its own making, and whether that fits.

Reads EXIF (all IFDs, GPS, the thumbnail), XMP with its editing history, IPTC, the ICC
profile, PNG text, TIFF tags and PDF information, XMP and revisions from the file's bytes
(the readers of `workbench.formats`), normalises the fields every reviewer asks about into
``results.metadata.summary`` (`workbench.formats.summary`), and reports what deserves a look:
editing software, a thumbnail showing other content than the image, timestamps that disagree
with each other or with the claimed date, metadata stripped entirely, GPS coordinates, and
PDFs saved more than once.

Metadata is easy to write and easy to remove: its presence shows what some program recorded,
never who did what; its absence shows nothing at all. Every finding says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings
from typing import Any

import numpy as np
from PIL import Image

from workbench.check import Check
from workbench.context import Context
from workbench.formats.jpeg import without_extra_exif
from workbench.formats.metadata import (
    Exif,
    png_text_chunks,
    read_exif,
    read_icc,
    read_iptc,
)
from workbench.formats.pdf_metadata import read_pdf
from workbench.formats.psd import is_psd, read_psd_metadata
from workbench.formats.summary import summary_fields, tiff_fields
from workbench.formats.values import (
    clean_text,
    iso_date,
    json_safe,
    parse_iso,
    pdf_date,
)
from workbench.formats.xmp import find_xmp, parse_xmp, xmp_history, xmp_text
from workbench.imaging.similarity import thumbnail_similarity
from workbench.model import CheckResult, Claims, Finding, Severity

#: Image editors and retouching apps: their name in a file means it passed through them.
EDITORS = re.compile(
    r"photoshop|gimp|paint\.net|affinity|pixelmator|snapseed|lightroom|paintshop|paint shop"
    r"|corel|photopea|krita|canva|picsart|fotor|luminar|acdsee|photoscape|faceapp|facetune"
    r"|inkscape|illustrator|indesign|photo ?director|polarr|vsco|pdfelement|foxit phantom"
    r"|nitro pro|pdf-xchange editor|sejda|ilovepdf|smallpdf|imageready",
    re.IGNORECASE,
)
#: Scanner, camera and capture software: their name is what a first-generation file carries.
CAPTURE = re.compile(
    r"scan|twain|wia|epson|canon|nikon|fujifilm|fuji xerox|xerox|ricoh|kyocera|konica|sharp"
    r"|brother|hewlett|hp |hp$|samsung|sony|olympus|panasonic|pentax|leica|iphone|android"
    r"|camera|firmware|ver\.|version \d",
    re.IGNORECASE,
)

#: Structural similarity below which a thumbnail is reported as showing other content.
THUMBNAIL_SSIM = 0.5
#: Differences between timestamps below this are rounding and time zones, not history.
TIMESTAMP_SLACK = dt.timedelta(hours=26)


class MetadataCheck(Check):
    """EXIF, XMP, IPTC, ICC, PNG/TIFF text and PDF metadata, normalised and weighed."""

    name = "metadata"
    version = "2"
    title = "File metadata: software, timestamps, thumbnail, GPS and PDF revisions"
    explanation = (
        "Reads the metadata the file carries (EXIF with GPS and the embedded thumbnail, XMP "
        "with its editing history, IPTC, the ICC colour profile, PNG and TIFF text, PDF "
        "document information, XMP and incremental saves) and the file's SHA-256 and MD5. It "
        "reports image editors named in the file, a thumbnail that shows other content than "
        "the image, timestamps that contradict each other or the claimed date, metadata "
        "stripped entirely, GPS coordinates and PDFs saved more than once. Metadata is "
        "trivial to write and to remove: it shows what a program recorded, not who did what, "
        "and scanners, publishers, phones and messaging apps all add or strip it innocently."
    )
    order = 10
    beside_reading = True

    def run(self, context: Context) -> CheckResult:
        """Read every metadata block of the document and report what deserves a look."""
        doc = context.document
        data = doc.data()
        if not data:
            return self.error("the document's bytes are not available")
        problems: list[str] = []
        results: dict[str, Any] = {
            "hashes": {
                "sha256": hashlib.sha256(data).hexdigest(),
                "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
                "size_bytes": len(data),
            }
        }
        exif = Exif()
        xmp: dict[str, Any] = {}
        iptc: dict[str, Any] = {}
        icc: dict[str, Any] = {}
        pdf: dict[str, Any] = {}
        png: dict[str, str] = {}
        tiff: dict[str, Any] = {}
        xmp_packet: bytes | None = None
        is_image = doc.media_type.startswith("image/")
        size: tuple[int, int] | None = None
        if doc.media_type == "application/pdf":
            pdf, xmp_packet, pdf_problems = read_pdf(data)
            problems += pdf_problems
        elif is_psd(data):
            psd = read_psd_metadata(data)
            exif, iptc, icc, xmp_packet, size = psd.exif, psd.iptc, psd.icc, psd.xmp, psd.size
            problems += psd.problems
        elif is_image:
            exif = read_exif(data)
            problems += exif.problems
            image = self._open(data, problems)
            embedded = image.info.get("exif") if image is not None else None
            if not exif.tags and isinstance(embedded, bytes) and embedded:
                # WebP and HEIF keep Exif in a chunk or item of their own, which exifread does
                # not look for; Pillow hands over its TIFF block.
                exif = read_exif(embedded.removeprefix(b"Exif\x00\x00"))
                problems += exif.problems
            if image is not None:
                iptc, more = read_iptc(image)
                problems += more
                profile = image.info.get("icc_profile")
                if isinstance(profile, bytes) and profile:
                    icc, more = read_icc(profile)
                    problems += more
                if image.format == "TIFF":
                    tiff = tiff_fields(len(doc.pages), exif)
            if doc.media_type == "image/png":
                png, more = png_text_chunks(data)
                problems += more
                packet = png.pop("XML:com.adobe.xmp", None)
                if packet:
                    xmp_packet = packet.encode("utf-8", "replace")
            xmp_packet = xmp_packet or find_xmp(data)
        else:
            return self.skipped(
                f"{doc.media_type} documents carry no file metadata this check reads",
                results={"summary": {}, "hashes": results["hashes"]},
            )
        if xmp_packet:
            xmp, more = parse_xmp(xmp_packet)
            problems += more
        history = xmp_history(xmp)
        summary = summary_fields(exif, xmp, icc, pdf, png, doc.pages, image=is_image, size=size)
        results.update(
            {
                "summary": summary,
                "exif": json_safe(exif.tags),
                "xmp": json_safe({"properties": xmp, "history": history}) if xmp_packet else {},
                "iptc": json_safe(iptc),
                "icc": json_safe(icc),
                "pdf": json_safe(pdf),
                "png": json_safe(png),
                "tiff": json_safe(tiff),
                "thumbnail": None,
                "problems": json_safe(problems[:50]),
            }
        )
        findings: list[Finding] = []
        findings += self._software(exif, xmp, history, iptc, pdf, png)
        thumb = self._thumbnail(context, exif)
        if thumb is not None:
            results["thumbnail"] = thumb[0]
            if thumb[1] is not None:
                findings.append(thumb[1])
        findings += self._timestamps(summary, exif, xmp, history, pdf, png, iptc, context.claims)
        has_any = bool(exif.tags or xmp or iptc or png or exif.thumbnail) or bool(
            pdf.get("info") or xmp_packet
        )
        if not has_any and doc.media_type != "image/tiff":
            findings.append(self._stripped(doc.media_type, icc))
        if summary["gps_latitude"] is not None and summary["gps_longitude"] is not None:
            findings.append(self._gps(summary))
        revisions = pdf.get("revisions") or {}
        if revisions.get("incremental_updates", 0) > 0:
            findings.append(self._pdf_updates(revisions))
        if problems:
            findings.append(self._unreadable(problems))
        return self.ok(findings=findings, results=results)

    # ----------------------------------------------------------------------------------------

    @staticmethod
    def _open(data: bytes, problems: list[str]) -> Image.Image | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return Image.open(io.BytesIO(without_extra_exif(data)))
        except Exception as exc:  # the loader decoded it already; this is belt and braces
            problems.append(f"image header unreadable for IPTC/ICC: {exc}"[:300])
            return None

    # ----------------------------------------------------------------------------------------

    def _software(
        self,
        exif: Exif,
        xmp: dict[str, Any],
        history: list[dict[str, Any]],
        iptc: dict[str, Any],
        pdf: dict[str, Any],
        png: dict[str, str],
    ) -> list[Finding]:
        info = pdf.get("info") or {}
        named: list[tuple[str, str]] = []
        candidates = [
            ("EXIF Software", exif.text("Image Software")),
            ("EXIF ProcessingSoftware", exif.text("Image ProcessingSoftware")),
            ("XMP CreatorTool", xmp_text(xmp, "xmp:CreatorTool")),
            ("PNG Software", png.get("Software")),
            ("IPTC OriginatingProgram", iptc.get("OriginatingProgram")),
            ("PDF Creator", info.get("Creator")),
            ("PDF Producer", info.get("Producer")),
        ]
        for event in history:
            agent = event.get("software_agent")
            if isinstance(agent, str):
                candidates.append((f"XMP history ({event.get('action') or 'event'})", agent))
        for where, value in candidates:
            if isinstance(value, str) and value.strip():
                named.append((where, clean_text(value.strip(), 200)))
        if not named:
            return []
        editors = [(w, v) for w, v in named if EDITORS.search(v)]
        listed = "; ".join(f"{w}: {v!s}" for w, v in named[:12])
        if editors:
            names = sorted({v for _, v in editors})
            edited = [e for e in history if e.get("action") in ("saved", "derived", "converted")]
            return [
                self.finding(
                    "editor_software",
                    Severity.WARNING,
                    "Image-editing software is named in the file",
                    f"The metadata names {', '.join(names[:5])} ({listed}). The file passed "
                    "through an image editor at least once"
                    + (f", with {len(edited)} recorded save or conversion events" if edited else "")
                    + ". Innocent explanations are common: publishers and newsrooms resize, crop "
                    "and optimise scans in editors before publishing, archivists straighten "
                    "them, and anyone can type this text into the metadata. It means this file "
                    "is not the scanner's original; ask for an earlier copy and compare.",
                    evidence={"software": [{"where": w, "value": v} for w, v in named[:20]]},
                    checklist=["meta.software"],
                )
            ]
        capture = any(CAPTURE.search(v) for _, v in named)
        return [
            self.finding(
                "creator_software",
                Severity.INFO,
                "Software that made the file is named in it",
                f"The metadata names {listed}. "
                + (
                    "This looks like scanner, camera or capture software, what a first-"
                    "generation file carries. "
                    if capture
                    else "No image editor is recognised among them. "
                )
                + "Metadata can be rewritten; compare with what the source says about how "
                "the document was scanned.",
                evidence={"software": [{"where": w, "value": v} for w, v in named[:20]]},
                checklist=["meta.software"],
            )
        ]

    def _thumbnail(
        self, context: Context, exif: Exif
    ) -> tuple[dict[str, Any], Finding | None] | None:
        if exif.thumbnail is None or not context.document.pages:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                thumb_img = Image.open(io.BytesIO(exif.thumbnail))
                if thumb_img.width * thumb_img.height > 4_000_000:
                    return {"bytes": len(exif.thumbnail), "decoded": False}, None
                thumb = np.asarray(thumb_img.convert("L"))
        except Exception as exc:
            return {"bytes": len(exif.thumbnail), "decoded": False, "problem": str(exc)[:200]}, None
        page = context.page_gray(0)
        similarity = thumbnail_similarity(page, thumb)
        info = {
            "bytes": len(exif.thumbnail),
            "decoded": True,
            "width": int(thumb.shape[1]),
            "height": int(thumb.shape[0]),
            "similarity": round(similarity, 4),
            "method": "SSIM of 64-pixel grayscale versions, letterbox-aware",
        }
        if similarity >= THUMBNAIL_SSIM:
            return info, None
        finding = self.finding(
            "thumbnail_mismatch",
            Severity.WARNING,
            "The embedded thumbnail shows different content from the image",
            f"The EXIF thumbnail ({thumb.shape[1]}x{thumb.shape[0]} pixels) resembles the "
            f"downscaled image only weakly (structural similarity {similarity:.2f}; matching "
            f"thumbnails score above {THUMBNAIL_SSIM}). Some programs edit or crop the image "
            "and leave the camera's or scanner's old thumbnail in place, so the thumbnail can "
            "show an earlier state of the image. Innocent causes exist too: rotation by a "
            "viewer that did not update the thumbnail, or a program that copied metadata from "
            "another file. View the thumbnail and compare it with the page.",
            evidence={
                "similarity": info["similarity"],
                "thumbnail_size": [info["width"], info["height"]],
            },
            checklist=["meta.thumbnail"],
        )
        return info, finding

    def _timestamps(
        self,
        summary: dict[str, Any],
        exif: Exif,
        xmp: dict[str, Any],
        history: list[dict[str, Any]],
        pdf: dict[str, Any],
        png: dict[str, str],
        iptc: dict[str, Any],
        claims: Claims | None,
    ) -> list[Finding]:
        info = pdf.get("info") or {}
        stamps: list[tuple[str, str]] = []

        def add(label: str, value: str | None) -> None:
            if value:
                stamps.append((label, value))

        add("EXIF DateTimeOriginal", iso_date(exif.text("EXIF DateTimeOriginal")))
        add("EXIF DateTimeDigitized", iso_date(exif.text("EXIF DateTimeDigitized")))
        add("EXIF DateTime (modified)", iso_date(exif.text("Image DateTime")))
        add("GPS date", iso_date(exif.text("GPS GPSDate")))
        for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate", "photoshop:DateCreated",
                    "exif:DateTimeOriginal"):  # fmt: skip
            add(f"XMP {key}", iso_date(xmp_text(xmp, key)))
        for i, event in enumerate(history[:50]):
            when = event.get("when")
            add(
                f"XMP history {i + 1} ({event.get('action')})",
                iso_date(when) if isinstance(when, str) else None,
            )
        add("PDF CreationDate", pdf_date(info.get("CreationDate")))
        add("PDF ModDate", pdf_date(info.get("ModDate")))
        add("PNG Creation Time", iso_date(png.get("Creation Time")))
        created_iptc = iptc.get("DateCreated")
        if isinstance(created_iptc, str) and re.fullmatch(r"\d{8}", created_iptc):
            add(
                "IPTC DateCreated",
                iso_date(f"{created_iptc[:4]}:{created_iptc[4:6]}:{created_iptc[6:]}"),
            )
        parsed = [(label, text, parse_iso(text)) for label, text in stamps]
        dated = [(label, text, when) for label, text, when in parsed if when is not None]
        findings: list[Finding] = []
        if not dated:
            return findings
        evidence = {"timestamps": [{"source": lbl, "value": t} for lbl, t, _ in dated]}
        creations = [
            d
            for d in dated
            if "modified" not in d[0] and "Mod" not in d[0] and "Metadata" not in d[0]
        ]
        modifications = [d for d in dated if d not in creations]
        contradictions = [
            (c, m)
            for c in creations
            for m in modifications
            if m[2] + TIMESTAMP_SLACK < c[2] and not c[0].startswith("XMP history")
        ]
        if contradictions:
            c, m = contradictions[0]
            findings.append(
                self.finding(
                    "timestamps_disagree",
                    Severity.NOTICE,
                    "The file's timestamps contradict each other",
                    f"{m[0]} ({m[1]}) is earlier than {c[0]} ({c[1]}): the file says it was "
                    "modified before it was made. A wrong camera or scanner clock, a time zone "
                    "mix-up, or a program that copied dates from another file can do this "
                    "innocently; so can metadata written by hand.",
                    evidence=evidence,
                    checklist=["meta.timeline"],
                )
            )
        claimed = _claimed_period(claims)
        if claimed is None:
            return findings
        start, end = claimed
        earliest = min(dated, key=lambda d: d[2])
        if earliest[2] < start - TIMESTAMP_SLACK:
            findings.append(
                self.finding(
                    "timestamp_before_claim",
                    Severity.WARNING,
                    "A file timestamp is earlier than the claimed date",
                    f"{earliest[0]} says {earliest[1]}, before the document's claimed date "
                    f"{claims.date if claims else ''}. A file cannot normally be made before the "
                    "document it shows was written; a wrong device clock (cameras and scanners "
                    "reset to 2000 or 1970 are common), a template file reused, or a claimed "
                    "date that is itself wrong can explain it.",
                    evidence={**evidence, "claimed": claims.date if claims else None},
                    checklist=["meta.timeline", "date.anachronism"],
                )
            )
        elif earliest[2] > end + TIMESTAMP_SLACK:
            gap = (earliest[2] - end).days
            findings.append(
                self.finding(
                    "timestamp_after_claim",
                    Severity.INFO if gap < 3 * 365 else Severity.NOTICE,
                    "The file was made after the claimed date",
                    f"The earliest file timestamp, {earliest[0]} {earliest[1]}, is {gap} days "
                    f"after the claimed date {claims.date if claims else ''}. That is normal "
                    "for a scan or photograph of an older paper document: a letter of 2001 "
                    "scanned or published in 2003 carries 2003 dates. It says when this file "
                    "was made, not when the letter was written.",
                    evidence={**evidence, "claimed": claims.date if claims else None, "days": gap},
                    checklist=["meta.timeline", "date.anachronism"],
                )
            )
        return findings

    def _stripped(self, media_type: str, icc: dict[str, Any]) -> Finding:
        return self.finding(
            "stripped",
            Severity.INFO,
            "The file carries no descriptive metadata",
            f"This {media_type} file has no EXIF, XMP, IPTC or text metadata"
            + (" (only a colour profile)" if icc else "")
            + ". That is common and usually innocent: websites, messaging apps and social "
            "networks strip metadata on upload, and many scanning programs never write any. "
            "It removes a way to check the file's history; it is not itself a sign of "
            "editing.",
            evidence={"icc_profile": bool(icc)},
            checklist=["meta.timeline", "prov.original"],
        )

    def _unreadable(self, problems: list[str]) -> Finding:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        return self.finding(
            "unreadable",
            Severity.NOTICE,
            "Part of the file's metadata could not be read",
            f"{shown}. A block that is damaged, cut short or far larger than it needs to be "
            "is consistent with a file damaged in transfer, a program that writes unusual "
            "metadata, or a file made to exhaust the tools that open it; what was readable "
            "is reported as usual.",
            evidence={"problems": problems[:50]},
            checklist=["meta.timeline", "prov.original"],
        )

    def _gps(self, summary: dict[str, Any]) -> Finding:
        lat, lon = summary["gps_latitude"], summary["gps_longitude"]
        return self.finding(
            "gps",
            Severity.NOTICE,
            "GPS coordinates are recorded in the file",
            f"The EXIF GPS block gives {lat:.6f}, {lon:.6f} (decimal degrees). Phones and some "
            "cameras add the location automatically, so this is usually where the photograph "
            "or scan was made, which may be where the source is: protect it before publishing "
            "the file. A location that does not fit the claimed history deserves a question; "
            "GPS tags can also be edited.",
            evidence={"latitude": lat, "longitude": lon},
            checklist=["meta.timeline", "prov.source"],
        )

    def _pdf_updates(self, revisions: dict[str, Any]) -> Finding:
        n = int(revisions["incremental_updates"])
        return self.finding(
            "pdf_incremental_updates",
            Severity.NOTICE,
            "The PDF was saved more than once",
            f"The PDF holds {n + 1} revisions: {n} incremental update(s) were appended after it "
            "was first written. Each earlier revision is still inside the file and can be cut "
            "out at the %%EOF offsets in the evidence to see what changed. Signing, form "
            "filling, annotating or simply saving in Acrobat appends updates innocently.",
            evidence={
                k: revisions[k]
                for k in ("xref_sections", "eof_offsets", "incremental_updates", "linearized")
            },
            checklist=["meta.timeline", "meta.software"],
        )


def _claimed_period(claims: Claims | None) -> tuple[dt.datetime, dt.datetime] | None:
    """First and last moment of the claimed date (a day, a month or a year)."""
    if claims is None or not claims.date:
        return None
    text = claims.date.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            y = int(text)
            return dt.datetime(y, 1, 1), dt.datetime(y, 12, 31, 23, 59, 59)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            y, m = map(int, text.split("-"))
            first = dt.datetime(y, m, 1)
            nxt = dt.datetime(y + (m == 12), m % 12 + 1, 1)
            return first, nxt - dt.timedelta(seconds=1)
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    start = dt.datetime(day.year, day.month, day.day)
    return start, start + dt.timedelta(days=1, seconds=-1)
