"""Case-level evidence: what one stored document shares with the others.

A check sees one document; this service sees the store. It compares the fingerprints the
``fingerprint`` check stored for each run (`workbench.store.fingerprints`):

- **near-duplicate pages** (`workbench.case_pages`): the same scan re-saved, recompressed,
  rescaled or cropped, found by perceptual hash or by keypoints and confirmed pixel by pixel
  over the overlap; with the differences between the copies and which one is likely the
  earlier;
- **shared marks**: a signature or seal closer to another document's than two separate
  impressions could be (thresholds measured in ``benchmarks/marks_benchmark.py``), and the same
  letterhead design;
- **letter numbers that go backwards in time**: letters of one numbering series (the same number
  but for its serial: one register, one year) where the one dated earlier carries the higher
  number, a notice on both;
- in a case, the **letter numbers and dates** of one office in date order, where a number that
  goes backwards in time is a notice.

Fingerprints are stored with the run that computed them; the comparisons are made when a batch
or an upload stores a document (`search_and_store`), against the latest run of every stored
document, and what they find is stored (`workbench.store.cases`): ``workbench similar`` and the
Cases and Document pages read it. A link found by either document's search counts for both, and
only links between the latest runs of both documents count, so a document analysed again is
searched again and nothing goes stale.

Findings here never say "copied" or "forged": they say what agrees and what innocent
explanations remain (a scan published twice, a letterhead printed from one design).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.case_letters import (
    NumberedLetter,
    letter_reading,
    letter_series,
    numbered_letters,
)
from workbench.case_links import (
    LetterOrder,
    NearDuplicate,
    SharedMark,
    duplicate_detail,
    duplicate_from,
    letter_order,
    mark_detail,
    mark_from,
    order_detail,
    order_from,
)
from workbench.case_pages import RecentRows, near_duplicates
from workbench.imaging.layout.marks import (
    decode_patch,
    half,
    ink_field_difference,
    patch_similarity,
)
from workbench.model import Report
from workbench.store.cases import (
    LetterReading,
    case_documents,
    latest_fingerprinted_run,
    record_case_search,
    searched_letters,
    stored_links,
    was_searched,
)
from workbench.store.fingerprints import (
    MarkFingerprint,
    mark_fingerprints,
    mark_patches,
    pages_of_others,
)
from workbench.store.service import Store

if TYPE_CHECKING:
    from workbench.case_index import CaseIndex

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
#: Most marks compared in detail with each mark, the closest by coarse correlation first: a
#: pasted copy is closer than every separate impression, and the letters of one office all
#: share its seal and letterhead, so without a bound the comparisons (and the stored links)
#: would grow with the square of the store.
MARK_CANDIDATES = 16
#: How far below a shape threshold a half-size comparison may fall and still go on to the
#: full-size one (smoothing raises the half-size score, so this only skips clear misses).
HALF_MARGIN = 0.05


#: Most decoded mark patches kept across the searches of a run (about 32 KB each, both sizes).
KEPT_PATCHES = 2048


@dataclass
class Similar:
    """Everything a document shares with the rest of the store."""

    sha256: str
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    shared_marks: list[SharedMark] = field(default_factory=list)
    letter_order: list[LetterOrder] = field(default_factory=list)

    def to_dict(self, store: Store) -> dict[str, Any]:
        """The JSON-ready form printed by ``workbench similar``."""
        names = document_names(store, {self.sha256, *self.others()})

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
                    "pixels": None
                    if d.agreement is None
                    else {
                        "inked_blocks": d.agreement.inked,
                        "agreeing_blocks": d.agreement.agreeing,
                        "share": round(d.agreement.share, 3),
                        "covered": d.agreement.covered,
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
            "letter_order": [
                {
                    "sha256": o.other,
                    "name": names.get(o.other),
                    "number": o.number,
                    "date": o.date,
                    "date_text": o.date_text,
                    "other_number": o.other_number,
                    "other_date": o.other_date,
                    "other_date_text": o.other_date_text,
                }
                for o in self.letter_order
            ],
        }

    def others(self) -> set[str]:
        """The other documents named anywhere in this result."""
        return (
            {d.other for d in self.near_duplicates}
            | {m.other for m in self.shared_marks}
            | {o.other for o in self.letter_order}
        )


def document_names(store: Store, shas: set[str]) -> dict[str, str]:
    """The stored names of documents (a removed one is named by its hash)."""
    out = {}
    for sha in shas:
        try:
            out[sha] = store.document(sha).original_name
        except Exception:  # a document removed meanwhile is named by its hash
            out[sha] = sha[:12]
    return out


# -- marks shared between documents ------------------------------------------------------------


def shared_marks(
    store: Store,
    sha256: str,
    marks: Sequence[MarkFingerprint] | None = None,
    patches: RecentRows | None = None,
    coarse: Callable[[Sequence[int]], np.ndarray] | None = None,
) -> list[SharedMark]:
    """Signatures and seals closer than two impressions, and letterheads of one design.

    A coarse correlation over all stored marks of the same kind picks the candidates (at most
    `MARK_CANDIDATES`, the closest); only those are compared shift by shift, and only their
    patches are read from the store. `patches` holds what earlier searches of the same run
    decoded, and `coarse` gives the coarse vectors of the marks at some positions of
    `marks`, stacked (`workbench.case_index`).
    """
    every = list(marks) if marks is not None else mark_fingerprints(store, with_patches=False)
    mine = [m for m in every if m.document_sha256 == sha256]
    own = mark_patches(store, mine)
    out: list[SharedMark] = []
    decoded = patches if patches is not None else RecentRows(KEPT_PATCHES)
    for kind in {m.kind for m in mine}:
        rows = [i for i, m in enumerate(every) if m.kind == kind and m.document_sha256 != sha256]
        if not rows:
            continue
        others = [every[i] for i in rows]
        vectors = coarse(rows) if coarse is not None else np.stack([m.coarse for m in others])
        threshold = MARK_SHAPE_SIMILARITY.get(kind, LETTERHEAD_SAME)
        for mark in (m for m in mine if m.kind == kind):
            patch = decode_patch(own.get(mark.id, b""))
            patch_half = half(patch)
            scores = vectors @ mark.coarse
            above = np.flatnonzero(scores >= COARSE_CANDIDATE)
            picked = [
                int(i) for i in above[np.argsort(-scores[above], kind="stable")][:MARK_CANDIDATES]
            ]
            unread = [others[i] for i in picked if not decoded.hit(others[i].id)]
            read = mark_patches(store, unread) if unread else {}
            for m in unread:
                full = decode_patch(read.get(m.id, b""))
                decoded.put(m.id, (full, half(full)))
            for i in picked:
                other = others[i]
                if not decoded.hit(other.id):  # forgotten meanwhile (a very long run)
                    full = decode_patch(mark_patches(store, [other]).get(other.id, b""))
                    decoded.put(other.id, (full, half(full)))
                other_patch, other_half = decoded[other.id]
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
                        other_run=other.run_id,
                    )
                )
    return sorted(out, key=lambda m: (-m.similarity, m.kind, m.other))


def similar(store: Store, sha256: str) -> Similar:
    """What `sha256` shares with every other stored document, as stored.

    The search is made, and stored, when a document is stored (`search_and_store`); a
    document whose latest run was never searched (a store written before searches were kept)
    is searched now, once.
    """
    store.document(sha256)
    run = latest_fingerprinted_run(store, sha256)
    if run is None:
        return Similar(sha256)
    if not was_searched(store, run):
        search_and_store(store, sha256)
    return stored_similar(store, sha256)


def search(store: Store, sha256: str, index: CaseIndex | None = None) -> Similar:
    """Compare `sha256`'s latest fingerprints with every other stored document's, now.

    With `index` (`workbench.case_index`), the stored fingerprints are those it holds.
    """
    if index is None:
        return _combined(sha256, near_duplicates(store, sha256), shared_marks(store, sha256))
    dups = near_duplicates(
        store,
        sha256,
        index.pages,
        keypoints=index.keypoints,
        thumbs=index.thumbs,
        counted=index.counted,
    )
    marks = shared_marks(store, sha256, index.marks, index.patches, index.coarse)
    return _combined(sha256, dups, marks)


def search_and_store(
    store: Store, sha256: str, index: CaseIndex | None = None, report: Report | None = None
) -> Similar | None:
    """Search the store for `sha256` and keep what was found with its latest run.

    Called when a batch or an upload stores a document; None when it has no fingerprints.
    A batch passes the `index` its searches share (it learns the document here) and the
    `report` it has just stored (otherwise read back from the store).
    """
    run = latest_fingerprinted_run(store, sha256)
    if run is None:
        return None
    if index is not None:
        index.add(store, sha256)
    result = search(store, sha256, index)
    report = report if report is not None else store.latest_report(sha256)
    letter = letter_reading(report) if report is not None else None
    if letter is not None:
        result.letter_order = _letters_out_of_order(store, sha256, letter)
    links = (
        [
            (d.other_run, d.other, "near_duplicate", d.page, d.other_page, duplicate_detail(d))
            for d in result.near_duplicates
        ]
        + [
            (m.other_run, m.other, m.kind, m.page, m.other_page, mark_detail(m))
            for m in result.shared_marks
        ]
        + [
            (o.other_run, o.other, "letter_order", 0, 0, order_detail(o))
            for o in result.letter_order
        ]
    )
    record_case_search(store, run, sha256, pages_of_others(store, sha256), links, letter)
    return result


def stored_similar(store: Store, sha256: str) -> Similar:
    """What the stored searches found between `sha256` and the other documents.

    A link found by either document's search counts for both; the document's own reading of
    a pair is preferred where both searches found it.
    """
    dups: dict[tuple[str, int, int], NearDuplicate] = {}
    marks: dict[tuple[str, str, int, int], SharedMark] = {}
    order: dict[str, LetterOrder] = {}
    for link in sorted(stored_links(store, sha256), key=lambda k: k.flipped, reverse=True):
        if link.kind == "near_duplicate":
            dups[(link.other_sha256, link.page, link.other_page)] = duplicate_from(link)
        elif link.kind == "letter_order":
            order[link.other_sha256] = order_from(link)
        else:
            key = (link.kind, link.other_sha256, link.page, link.other_page)
            marks[key] = mark_from(link)
    found = _combined(
        sha256,
        sorted(dups.values(), key=lambda d: (d.distance, d.other)),
        sorted(marks.values(), key=lambda m: (-m.similarity, m.kind, m.other)),
    )
    found.letter_order = sorted(order.values(), key=lambda o: (o.other_date, o.other))
    return found


def _letters_out_of_order(store: Store, sha256: str, letter: LetterReading) -> list[LetterOrder]:
    """Stored letters of this one's numbering series whose numbers go backwards against it.

    The series (the number but for its serial: register and year, `letter_series`) stands for
    "one office's register", known when the document is stored, before any reviewer names its
    office or case; a number that is only a serial is compared with nothing.
    """
    series = letter_series(letter.number)
    if series is None:
        return []
    out = []
    for other, (run, reading) in sorted(searched_letters(store).items()):
        if other == sha256 or letter_series(reading.number) != series:
            continue
        found = letter_order(letter, other, reading, run)
        if found is not None:
            out.append(found)
    return out


def _combined(sha256: str, dups: list[NearDuplicate], marks: list[SharedMark]) -> Similar:
    """Marks shared with a copy of the same page are that copy's, not a reuse: left out."""
    copies = {(d.other, d.page, d.other_page) for d in dups}
    kept = [m for m in marks if (m.other, m.page, m.other_page) not in copies]
    return Similar(sha256, dups, kept)


@dataclass
class CaseView:
    """A case: its documents, the near-duplicates and shared marks among them, the numbering."""

    name: str
    documents: list[str]
    similar: dict[str, Similar]
    letters: list[NumberedLetter]


def case_view(store: Store, case_name: str) -> CaseView:
    """Everything the case view shows: the stored links among the case's documents, in order."""
    shas = case_documents(store, case_name)
    members = set(shas)
    found = {}
    for sha in shas:
        everything = similar(store, sha)
        found[sha] = Similar(
            sha,
            [d for d in everything.near_duplicates if d.other in members],
            [m for m in everything.shared_marks if m.other in members],
            [o for o in everything.letter_order if o.other in members],
        )
    # the later-dated letter of a stored pair is the one whose number went backwards
    later = {sha for sha, f in found.items() for o in f.letter_order if o.date > o.other_date}
    letters = [
        replace(r, backwards=True) if r.sha256 in later else r
        for r in numbered_letters(store, shas)
    ]
    return CaseView(case_name, shas, found, letters)
