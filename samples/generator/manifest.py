"""The manifest: ground truth for each letter and the ``Corpus`` that collects the documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jdatetime
import numpy as np

from generator.conventions import (
    DPI,
    MINISTRY_FA,
    NBSP,
    OFFICE_FA,
    WEEKDAYS_EN,
    box_xywh,
    fa_digits,
    jalali_ascii,
    jalali_words,
    mask_bbox,
)
from generator.letters import LetterSpec
from generator.rendering import Rendered
from generator.scanning import ScanProfile, skew_degrees, transform_box
from generator.writers import save_png

# --------------------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------------------


def plain(text: str) -> str:
    """Text as a reader would transcribe it: no-break spaces become spaces."""
    return text.replace(NBSP, " ")


def letter_truth(
    spec: LetterSpec,
    rendered: Rendered,
    m: np.ndarray,
    size: tuple[int, int],
    profile: ScanProfile,
    dpi: int = DPI,
    scale: float = 1.0,
    printed_date: str | None = None,
    meeting_weekday: int | None = None,
    expected: Sequence[str] = (),
    optional: Sequence[str] = (),
) -> dict[str, object]:
    """Describe what is printed on a letter, where its elements are, and what a check should find.

    ``printed_date`` overrides the date block (``YYYY/MM/DD``, may be impossible) and
    ``meeting_weekday`` the weekday printed in the body, for the tampered variants.
    """
    date_str = printed_date or jalali_ascii(spec.date)
    y, mo, d = (int(v) for v in date_str.split("/"))
    try:
        letter_date: jdatetime.date | None = jdatetime.date(y, mo, d)
    except ValueError:
        letter_date = None
    dates = {spec.meeting.togregorian().isoformat()}
    if letter_date:
        dates.add(letter_date.togregorian().isoformat())
    printed_wd = spec.meeting.weekday() if meeting_weekday is None else meeting_weekday
    regions = {
        name: box_xywh(transform_box(box, m, size, scale))
        for name, box in sorted(rendered.regions.items())
    }
    truth: dict[str, object] = {
        "language": "fa",
        "languages": ["fa"],
        "dates": sorted(dates),
        "solar_hijri": date_str,
        "weekday": WEEKDAYS_EN[letter_date.weekday()] if letter_date else None,
        "printed_weekdays": [
            {
                "text": plain(jalali_words(spec.meeting, printed_wd)),
                "solar_hijri": jalali_ascii(spec.meeting),
                "date": spec.meeting.togregorian().isoformat(),
                "printed": WEEKDAYS_EN[printed_wd],
                "actual": WEEKDAYS_EN[spec.meeting.weekday()],
            }
        ],
        "number": fa_digits(spec.number),
        "office": OFFICE_FA,
        "ministry": MINISTRY_FA,
        "signatory": spec.signatory.name,
        "signatory_title": spec.signatory.title,
        "addressee": spec.addressee.name,
        "addressee_title": spec.addressee.title,
        "subject": spec.subject,
        "classification": spec.classification,
        "attachment": spec.attachment,
        "body_lines": [plain(str(line["text"])) for line in rendered.lines],
        "page_size": "A5",
        "dpi": dpi,
        "scan": {"profile": profile.name, "skew_degrees": skew_degrees(m)},
        "regions": regions,
        "expected_findings": list(expected),
        "optional_findings": list(optional),
    }
    if letter_date is None:
        truth["impossible_dates"] = [date_str]
    return truth


# --------------------------------------------------------------------------------------------------
# Corpus assembly
# --------------------------------------------------------------------------------------------------


@dataclass
class Corpus:
    """Collects the manifest's documents; files go under ``out`` (sources only if asked for)."""

    out: Path
    sources: bool
    documents: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        path: str,
        kind: str,
        template: str,
        truth: dict[str, object],
        claims: dict[str, str] | None = None,
        tampering: list[dict[str, object]] | None = None,
        **extra: object,
    ) -> None:
        """Record one document in the manifest."""
        doc: dict[str, object] = {
            "path": path,
            "kind": kind,
            "template": template,
            "claims": claims,
            "truth": truth,
            "tampering": tampering or [],
        }
        doc.update(extra)
        self.documents.append(doc)

    def write_source(self, name: str, arr: np.ndarray) -> str:
        """Write the untampered scan a tampered document was made from (only with ``--sources``)."""
        rel = f"sources/{name}.png"
        if self.sources:
            save_png(self.out / rel, arr)
        return rel


def tampering_entry(
    kind: str, mask: np.ndarray | None, mask_path: str | None, note: str, **extra: object
) -> dict[str, object]:
    """Describe one manipulation; the box is the mask's bounding box in stored-image pixels."""
    entry: dict[str, object] = {
        "kind": kind,
        "box": box_xywh(mask_bbox(mask)) if mask is not None else None,
        "mask": mask_path,
        "note": note,
    }
    entry.update(extra)
    return entry
