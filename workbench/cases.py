"""Case-level evidence: what one stored document shares with the others.

A check sees one document; this service sees the store. It compares the fingerprints the
``fingerprint`` check stored for each run (`workbench.store.fingerprints`):

- **near-duplicate pages**: the same scan re-saved, recompressed, rescaled or cropped, found by
  perceptual hash or, for crops, by keypoints verified in the body of the page; with the
  differences between the copies and which one is likely the earlier;
- **shared marks**: a signature or seal closer to another document's than two separate
  impressions could be (thresholds measured in ``benchmarks/marks_benchmark.py``), and the same
  letterhead design;
- in a case, the **letter numbers and dates** of one office in date order, where a number that
  goes backwards in time is a notice.

Fingerprints are stored with the run that computed them; the comparisons are made when asked
(``workbench similar``, the Cases and Document pages), from the latest run of every stored
document, so a document that joins the store is compared at once and nothing goes stale.

Findings here never say "copied" or "forged": they say what agrees and what innocent
explanations remain (a scan published twice, a letterhead printed from one design).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.imaging.fingerprint import PageMatch, hash_distances, match_pages
from workbench.imaging.layout.marks import (
    decode_patch,
    half,
    ink_field_difference,
    patch_similarity,
)
from workbench.model import Finding, Region, Severity
from workbench.store.cases import case_documents
from workbench.store.fingerprints import (
    MarkFingerprint,
    PageFingerprint,
    mark_fingerprints,
    page_fingerprints,
)
from workbench.store.service import Store
from workbench.text import dates

#: Largest pHash distance (bits of 256) for two pages to be the same scan. Re-saved,
#: recompressed and 50-100% rescaled copies of the sample letters move by at most 4 bits;
#: different letters of one template stay 30 or more apart (RESULTS.md, "Cases").
HASH_MATCH_BITS = 16
#: Fewest verified keypoint matches in the body band of both pages for a crop to count as the
#: same page: midway between different letters of one template (at most 21 on the development
#: set) and copies cropped by up to 20% from one side or 10% from every side (35 or more).
BODY_INLIERS = 28
#: A signature or seal is closer than two impressions could be when its shape agrees at least
#: this well (patch correlation) and its ink differs at most this unevenly (spread of the
#: smoothed log darkness ratio): calibrated on generated repeated impressions and pixel
#: copies, benchmarks/marks_benchmark.py (RESULTS.md, "Signature and seal reuse").
MARK_SHAPE_SIMILARITY = {"signature": 0.79, "seal": 0.94}
MARK_FIELD_DIFFERENCE = {"signature": 0.114, "seal": 0.053}
#: Smallest similarity at which two letterheads are called the same design.
LETTERHEAD_SAME = 0.9
#: Coarse correlation (blurred, unshifted) below which a pair is not compared in detail.
COARSE_CANDIDATE = 0.85
#: How far below a shape threshold a half-size comparison may fall and still go on to the
#: full-size one (smoothing raises the half-size score, so this only skips clear misses).
HALF_MARGIN = 0.05


@dataclass(frozen=True)
class NearDuplicate:
    """A page of the queried document that also appears in another stored document."""

    other: str
    page: int
    other_page: int
    method: str  # "hash" or "keypoints"
    distance: int  # pHash bits
    match: PageMatch | None
    differences: dict[str, Any]
    earlier: str | None  # sha256 of the copy that is likely the earlier, or None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SharedMark:
    """A signature, seal or letterhead the queried document shares with another."""

    kind: str
    other: str
    page: int
    box: tuple[int, int, int, int]
    other_page: int
    other_box: tuple[int, int, int, int]
    similarity: float
    copy_like: bool  # closer than two impressions could be (signature, seal)
    ink_field: float | None = None  # spread of the ink ratio (signature, seal)


@dataclass
class Similar:
    """Everything a document shares with the rest of the store."""

    sha256: str
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    shared_marks: list[SharedMark] = field(default_factory=list)

    def to_dict(self, store: Store) -> dict[str, Any]:
        """The JSON-ready form printed by ``workbench similar``."""
        names = _names(store, {self.sha256, *self.others()})

        def box(b: tuple[int, int, int, int]) -> dict[str, int]:
            return dict(zip(("x", "y", "width", "height"), b, strict=True))

        return {
            "document": {"sha256": self.sha256, "name": names.get(self.sha256)},
            "near_duplicates": [
                {
                    "sha256": d.other,
                    "name": names.get(d.other),
                    "page": d.page,
                    "other_page": d.other_page,
                    "method": d.method,
                    "distance": d.distance,
                    "keypoints": None
                    if d.match is None
                    else {
                        "inliers": d.match.inliers,
                        "body_inliers": d.match.body_inliers,
                        "scale": d.match.scale,
                        "rotation_deg": d.match.rotation_deg,
                        "offset": list(d.match.offset),
                    },
                    "differences": d.differences,
                    "likely_earlier": d.earlier,
                    "reasons": list(d.reasons),
                }
                for d in self.near_duplicates
            ],
            "shared_regions": [
                {
                    "kind": m.kind,
                    "sha256": m.other,
                    "name": names.get(m.other),
                    "page": m.page,
                    "box": box(m.box),
                    "other_page": m.other_page,
                    "other_box": box(m.other_box),
                    "similarity": round(m.similarity, 3),
                    "ink_field_difference": None if m.ink_field is None else round(m.ink_field, 4),
                    "closer_than_two_impressions": m.copy_like,
                }
                for m in self.shared_marks
            ],
        }

    def others(self) -> set[str]:
        """The other documents named anywhere in this result."""
        return {d.other for d in self.near_duplicates} | {m.other for m in self.shared_marks}


def _names(store: Store, shas: set[str]) -> dict[str, str]:
    out = {}
    for sha in shas:
        try:
            out[sha] = store.document(sha).original_name
        except Exception:  # a document removed meanwhile is named by its hash
            out[sha] = sha[:12]
    return out


# -- copies of one page ------------------------------------------------------------------------


def copy_profile(store: Store, sha256: str) -> dict[str, Any]:
    """What tells copies of one scan apart: size, pixels, compression, metadata times."""
    record = store.document(sha256)
    report = store.latest_report(sha256)
    results = report.results if report is not None else {}
    compression = results.get("compression") or {}
    summary = (results.get("metadata") or {}).get("summary") or {}
    pages = (results.get("file") or {}).get("pages") or []
    first = pages[0] if pages else {}
    double = compression.get("double_compression") or {}
    return {
        "name": record.original_name,
        "media_type": record.media_type,
        "size_bytes": record.size_bytes,
        "width": first.get("width"),
        "height": first.get("height"),
        "jpeg_quality": compression.get("quality_estimate"),
        "saved_twice": double.get("detected"),
        "software": summary.get("software"),
        "timestamp": summary.get("created") or summary.get("digitized") or summary.get("modified"),
    }


def likely_earlier(
    a: str, pa: dict[str, Any], b: str, pb: dict[str, Any]
) -> tuple[str | None, list[str]]:
    """Which of two copies is likely the earlier, and why (None when nothing tells).

    A copy with more pixels, fewer saves and an earlier recorded time is the likelier
    source: cropping, downscaling and re-saving only lose information. Every sign is weak
    alone (a publisher may upscale, metadata may be rewritten), so they are counted.
    """
    votes = {a: 0, b: 0}
    reasons: list[str] = []

    def pixels(p: dict[str, Any]) -> int:
        return int(p.get("width") or 0) * int(p.get("height") or 0)

    if (
        pixels(pa)
        and pixels(pb)
        and max(pixels(pa), pixels(pb)) > 1.02 * min(pixels(pa), pixels(pb))
    ):
        big = a if pixels(pa) > pixels(pb) else b
        votes[big] += 1
        reasons.append(f"{(pa if big == a else pb).get('name')} has more pixels")
    twice = (pa.get("saved_twice"), pb.get("saved_twice"))
    if None not in twice and twice[0] != twice[1]:
        once = b if twice[0] else a
        votes[once] += 1
        reasons.append(
            f"{(pa if once == a else pb).get('name')} shows no sign of a second JPEG save"
        )
    ta, tb = pa.get("timestamp"), pb.get("timestamp")
    if ta and tb and ta != tb:
        early = a if str(ta) < str(tb) else b
        votes[early] += 1
        reasons.append(f"{(pa if early == a else pb).get('name')} records an earlier time")
    if votes[a] == votes[b]:
        return None, reasons
    return (a if votes[a] > votes[b] else b), reasons


def _differences(pa: dict[str, Any], pb: dict[str, Any]) -> dict[str, Any]:
    keys = ("media_type", "size_bytes", "width", "height", "jpeg_quality", "saved_twice")
    diff = {k: [pa.get(k), pb.get(k)] for k in (*keys, "software", "timestamp")}
    return {k: v for k, v in diff.items() if v[0] != v[1]}


def near_duplicates(
    store: Store, sha256: str, pages: Sequence[PageFingerprint] | None = None
) -> list[NearDuplicate]:
    """The stored pages that are copies of a page of `sha256` (hash or verified keypoints)."""
    every = list(pages) if pages is not None else page_fingerprints(store)
    mine = [p for p in every if p.document_sha256 == sha256]
    others = [p for p in every if p.document_sha256 != sha256]
    if not mine or not others:
        return []
    other_features = [p.features for p in others]
    usable = [i for i, f in enumerate(other_features) if f is not None]
    found: dict[tuple[str, int, int], NearDuplicate] = {}
    profiles: dict[str, dict[str, Any]] = {}
    for page in mine:
        distances = hash_distances(page.phash, [p.phash for p in others])
        matches: list[PageMatch | None] = [None] * len(others)
        if page.features is not None:
            verified = match_pages(
                page.features,
                [other_features[i] for i in usable],  # type: ignore[misc]
            )
            for i, m in zip(usable, verified, strict=True):
                matches[i] = m
        for i, other in enumerate(others):
            m = matches[i]
            by_hash = int(distances[i]) <= HASH_MATCH_BITS
            by_keys = m is not None and m.body_inliers >= BODY_INLIERS
            if not (by_hash or by_keys):
                continue
            for sha in (sha256, other.document_sha256):
                if sha not in profiles:
                    profiles[sha] = copy_profile(store, sha)
            pa, pb = profiles[sha256], profiles[other.document_sha256]
            earlier, reasons = likely_earlier(sha256, pa, other.document_sha256, pb)
            key = (other.document_sha256, page.page, other.page)
            found[key] = NearDuplicate(
                other=other.document_sha256,
                page=page.page,
                other_page=other.page,
                method="hash" if by_hash else "keypoints",
                distance=int(distances[i]),
                match=m,
                differences=_differences(pa, pb),
                earlier=earlier,
                reasons=tuple(reasons),
            )
    return sorted(found.values(), key=lambda d: (d.distance, d.other))


# -- marks shared between documents ------------------------------------------------------------


def shared_marks(
    store: Store, sha256: str, marks: Sequence[MarkFingerprint] | None = None
) -> list[SharedMark]:
    """Signatures and seals closer than two impressions, and letterheads of one design.

    A coarse correlation over all stored marks of the same kind picks the candidates; only
    those are compared shift by shift.
    """
    every = list(marks) if marks is not None else mark_fingerprints(store)
    mine = [m for m in every if m.document_sha256 == sha256]
    out: list[SharedMark] = []
    for kind in {m.kind for m in mine}:
        others = [m for m in every if m.kind == kind and m.document_sha256 != sha256]
        if not others:
            continue
        coarse = np.stack([m.coarse for m in others])
        decoded: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        threshold = MARK_SHAPE_SIMILARITY.get(kind, LETTERHEAD_SAME)
        for mark in (m for m in mine if m.kind == kind):
            patch = decode_patch(mark.patch_png)
            patch_half = half(patch)
            for i in np.flatnonzero(coarse @ mark.coarse >= COARSE_CANDIDATE):
                other = others[int(i)]
                if int(i) not in decoded:
                    full = decode_patch(other.patch_png)
                    decoded[int(i)] = (full, half(full))
                other_patch, other_half = decoded[int(i)]
                if patch_similarity(patch_half, other_half) < threshold - HALF_MARGIN:
                    continue
                score = patch_similarity(patch, other_patch)
                if score < threshold:
                    continue
                field: float | None = None
                if kind in MARK_FIELD_DIFFERENCE:
                    field = ink_field_difference(patch, other_patch)
                    if math.isfinite(field) and field > MARK_FIELD_DIFFERENCE[kind]:
                        continue  # two impressions: the same shape, differently inked
                    # too little shared ink to compare (thin strokes): the shape decides
                out.append(
                    SharedMark(
                        kind=kind,
                        other=other.document_sha256,
                        page=mark.page,
                        box=mark.box,
                        other_page=other.page,
                        other_box=other.box,
                        similarity=score,
                        copy_like=field is not None,
                        ink_field=field,
                    )
                )
    return sorted(out, key=lambda m: (-m.similarity, m.kind, m.other))


def similar(store: Store, sha256: str) -> Similar:
    """What `sha256` shares with every other stored document."""
    store.document(sha256)
    return _combined(sha256, near_duplicates(store, sha256), shared_marks(store, sha256))


def _combined(sha256: str, dups: list[NearDuplicate], marks: list[SharedMark]) -> Similar:
    """Marks shared with a copy of the same page are that copy's, not a reuse: left out."""
    copies = {(d.other, d.page, d.other_page) for d in dups}
    kept = [m for m in marks if (m.other, m.page, m.other_page) not in copies]
    return Similar(sha256, dups, kept)


def findings(store: Store, result: Similar) -> list[Finding]:
    """The case-level findings of one document, in the report model's terms."""
    names = _names(store, result.others())
    out: list[Finding] = []
    for d in result.near_duplicates:
        earlier = (
            "this copy"
            if d.earlier == result.sha256
            else names.get(d.other, "the other copy")
            if d.earlier
            else "neither copy clearly"
        )
        how = (
            f"perceptual hashes {d.distance} bits apart of 256"
            if d.method == "hash"
            else f"{d.match.body_inliers if d.match else 0} keypoints verified in the body of "
            f"the page, scale {d.match.scale if d.match else 1:.2f}"
        )
        out.append(
            Finding(
                check="case",
                code="case.near_duplicate",
                severity=Severity.INFO,
                title=f"This page also appears as {names.get(d.other)}",
                detail=(
                    f"Page {d.page + 1} matches page {d.other_page + 1} of "
                    f"{names.get(d.other)} ({how}). Differences: "
                    f"{', '.join(d.differences) or 'none recorded'}. Likely earlier: {earlier}"
                    f"{' (' + '; '.join(d.reasons) + ')' if d.reasons else ''}. The same scan "
                    "published or forwarded twice is the common, innocent explanation; compare "
                    "the copies for edits made between them."
                ),
                page=d.page,
                evidence={"other": d.other, "distance": d.distance, "method": d.method},
                checklist=("prov.original",),
            )
        )
    for m in result.shared_marks:
        x, y, w, h = m.box
        if m.copy_like:
            finding = Finding(
                check="case",
                code=f"case.shared_{m.kind}",
                severity=Severity.WARNING,
                title=f"The {m.kind} is closer to {names.get(m.other)}'s than two "
                f"impressions could be",
                detail=(
                    f"The {m.kind} on page {m.page + 1} agrees with the one on page "
                    f"{m.other_page + 1} of {names.get(m.other)} at similarity "
                    f"{m.similarity:.3f}, and its ink differs by a constant factor only "
                    "where it can be compared, while separate impressions of one "
                    f"{m.kind} differ in ink from one part to another. This is consistent "
                    "with one image copied onto both letters. Innocent explanations: the two "
                    "files are copies of one scan (see near-duplicates), or the office applies "
                    "a printed facsimile."
                ),
                page=m.page,
                regions=(Region(x, y, w, h, label=m.kind, score=round(m.similarity, 3)),),
                evidence={"other": m.other, "other_box": list(m.other_box)},
                checklist=("form.signature",),
            )
        else:
            finding = Finding(
                check="case",
                code="case.same_letterhead",
                severity=Severity.INFO,
                title=f"Same letterhead design as {names.get(m.other)}",
                detail=(
                    f"The letterhead agrees with {names.get(m.other)}'s at similarity "
                    f"{m.similarity:.3f}: one design, as letters of one office share. It says "
                    "nothing about either letter on its own."
                ),
                page=m.page,
                regions=(Region(x, y, w, h, label="letterhead"),),
                evidence={"other": m.other},
            )
        out.append(finding)
    return out


# -- one office's letters in order -------------------------------------------------------------


def letter_serial(value: str | None) -> int | None:
    """The serial of a letter number (its longest run of digits), in any digit system."""
    runs = re.findall(r"\d+", dates.western_digits(value or ""))
    return int(max(runs, key=len)) if runs else None


@dataclass(frozen=True)
class NumberedLetter:
    """One letter's number and date as its letter check read them."""

    sha256: str
    name: str
    office: str | None
    number: str | None
    serial: int | None
    date_text: str | None
    date: str | None  # ISO Gregorian
    backwards: bool = False


def numbered_letters(store: Store, shas: Sequence[str]) -> list[NumberedLetter]:
    """The letters of `shas` with their numbers and dates, each office's in date order.

    A letter whose serial is lower than that of an earlier-dated letter of the same office has
    ``backwards`` set: offices number their outgoing letters in sequence through the year, so
    this is a notice (a new year's series, another register of the office, or an OCR misreading
    are the innocent explanations).
    """
    rows: list[NumberedLetter] = []
    for sha in shas:
        report = store.latest_report(sha)
        if report is None:
            continue
        elements = {
            e.get("name"): e for e in (report.results.get("letter") or {}).get("elements", [])
        }
        number = (elements.get("number") or {}).get("value")
        date_text = (elements.get("date") or {}).get("value")
        found = dates.find_dates(date_text) if date_text else []
        iso = found[0].gregorian.isoformat() if found and found[0].gregorian else None
        claims = store.claims(sha)
        office = claims.claims.office if claims is not None else None
        if number is None and iso is None:
            continue
        rows.append(
            NumberedLetter(
                sha,
                store.document(sha).original_name,
                office,
                number,
                letter_serial(number),
                date_text,
                iso,
            )
        )
    rows.sort(key=lambda r: (r.office or "", r.date or "9999", r.serial or 0))
    out: list[NumberedLetter] = []
    highest: dict[str | None, int] = {}
    for r in rows:
        top = highest.get(r.office)
        back = r.date is not None and r.serial is not None and top is not None and r.serial < top
        if r.date is not None and r.serial is not None:
            highest[r.office] = max(top or 0, r.serial)
        out.append(NumberedLetter(**{**r.__dict__, "backwards": back}))
    return out


@dataclass
class CaseView:
    """A case: its documents, the near-duplicates and shared marks among them, the numbering."""

    name: str
    documents: list[str]
    similar: dict[str, Similar]
    letters: list[NumberedLetter]


def case_view(store: Store, case_name: str) -> CaseView:
    """Everything the case view shows, computed from the store's fingerprints and reports."""
    shas = case_documents(store, case_name)
    members = set(shas)
    pages = [p for p in page_fingerprints(store) if p.document_sha256 in members]
    marks = [m for m in mark_fingerprints(store) if m.document_sha256 in members]
    found = {
        sha: _combined(sha, near_duplicates(store, sha, pages), shared_marks(store, sha, marks))
        for sha in shas
    }
    return CaseView(case_name, shas, found, numbered_letters(store, shas))
