"""The ``fingerprint`` check: what lets the store recognise this page, and its marks, elsewhere.

Per page it records a perceptual hash, keypoints and a small grey reduction of the page (what a
candidate copy is checked against pixel by pixel; `workbench.imaging.fingerprint`) and the
signature, seal and letterhead regions found where the letter convention puts them, each cut
to its ink and reduced to a small patch (`workbench.imaging.layout.marks`). It compares nothing: a
check sees one document. The case service (`workbench.cases`) compares these fingerprints
across the stored documents, for near-duplicate pages and for marks reused between letters.
"""

from __future__ import annotations

import base64
from typing import Any

import cv2
import numpy as np

from workbench import conventions
from workbench.check import Check, Need
from workbench.context import Context
from workbench.imaging.fingerprint import encode_thumb, page_features, page_hash, page_thumb
from workbench.imaging.layout.marks import find_marks
from workbench.model import CheckResult

#: Which convention element's first zone locates each kind of mark.
MARK_ELEMENTS = {"signature": "signature_block", "seal": "seal", "letterhead": "letterhead"}


def _zone(convention: conventions.Convention, element: str) -> conventions.Zone | None:
    found = convention.element(element)
    return found.zones[0] if found is not None and found.zones else None


class FingerprintCheck(Check):
    """Perceptual fingerprints of each page and of its signature, seal and letterhead."""

    name = "fingerprint"
    version = "2"
    title = "Perceptual fingerprints of the pages and of their signature, seal and letterhead"
    explanation = (
        "Computes, for each page, a perceptual hash (which survives re-saving, recompression "
        "and rescaling) and keypoints (which survive cropping), and cuts out the signature, "
        "seal and letterhead where the letter convention puts them. On its own it reports "
        "nothing: the store compares these fingerprints across documents, to find other copies "
        "of the same page and signatures or seals that are closer than two impressions could "
        "be. A mark that is not found (an unusual layout, a seal off its usual place) is simply "
        "not compared."
    )
    needs = frozenset({Need.PAGES})
    order = 15
    beside_reading = True

    def run(self, context: Context) -> CheckResult:
        """Fingerprint every page of the document."""
        convention = conventions.load()
        zones = {kind: _zone(convention, element) for kind, element in MARK_ELEMENTS.items()}
        pages: list[dict[str, Any]] = []
        for page in context.document.pages:
            gray = np.asarray(context.page_gray(page.index))
            marks = find_marks(
                gray,
                signature_zone=zones["signature"],
                seal_zone=zones["seal"],
                letterhead_zone=zones["letterhead"],
                # the page's round stamps, found once for this check and the letter check
                circles=context.page_seals(page.index) if zones["seal"] is not None else None,
            )
            pages.append(
                {
                    "index": page.index,
                    "width": page.width,
                    "height": page.height,
                    "phash": page_hash(gray),
                    "features": page_features(gray).to_text(),
                    "thumb": base64.b64encode(encode_thumb(page_thumb(gray))).decode(),
                    "marks": [
                        {
                            "kind": m.kind,
                            "box": dict(zip(("x", "y", "width", "height"), m.box, strict=True)),
                            "patch": base64.b64encode(
                                cv2.imencode(".png", m.patch)[1].tobytes()
                            ).decode(),
                        }
                        for m in marks
                    ],
                }
            )
        return self.ok(results={"pages": pages})
