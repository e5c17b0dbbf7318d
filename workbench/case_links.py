"""What the case service finds between two documents, and its stored form.

A search (`workbench.cases`) finds near-duplicate pages, shared marks and letters whose numbers
go backwards in time; each is kept as a case link (`workbench.store.cases`) whose ``detail``
reads from the searching document's side. The functions here write that detail and read it
back, turned round when the link is read from the other document's side.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from workbench.case_letters import letter_serial
from workbench.imaging.fingerprint import PageMatch
from workbench.imaging.page_overlap import Agreement
from workbench.store.cases import CaseLink, LetterReading


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
    agreement: Agreement | None = None  # the overlap checked pixel by pixel, where it could be
    other_run: int = 0  # the other document's run whose fingerprints matched


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
    other_run: int = 0  # the other document's run whose fingerprints matched


@dataclass(frozen=True)
class LetterOrder:
    """Two letters of one numbering series whose numbers go backwards in time.

    The letter dated earlier carries the higher serial. Offices number their outgoing letters
    in sequence, so this is a notice; a new year's series, another register of the office or
    a misread number are the innocent explanations.
    """

    other: str
    number: str
    date_text: str
    date: str  # ISO Gregorian
    other_number: str
    other_date_text: str
    other_date: str
    other_run: int = 0  # the other document's run whose reading was compared


def letter_order(
    reading: LetterReading, other: str, other_reading: LetterReading, other_run: int = 0
) -> LetterOrder | None:
    """The pair as a `LetterOrder` when one's number goes backwards against the other's date.

    Both letters need a number with digits and a date read; equal dates or serials say nothing.
    """
    serials = letter_serial(reading.number), letter_serial(other_reading.number)
    if None in serials or reading.date is None or other_reading.date is None:
        return None
    if reading.date == other_reading.date or serials[0] == serials[1]:
        return None
    if (reading.date < other_reading.date) == (serials[0] < serials[1]):  # type: ignore[operator]
        return None
    return LetterOrder(
        other=other,
        number=str(reading.number),
        date_text=str(reading.date_text or reading.date),
        date=reading.date,
        other_number=str(other_reading.number),
        other_date_text=str(other_reading.date_text or other_reading.date),
        other_date=other_reading.date,
        other_run=other_run,
    )


def order_detail(o: LetterOrder) -> dict[str, Any]:
    """The stored detail of a letter-order link."""
    return {k: v for k, v in asdict(o).items() if k not in ("other", "other_run")}


def order_from(link: CaseLink) -> LetterOrder:
    """A letter-order link read back from `link.document_sha256`'s side."""
    d = link.detail
    mine = ("number", "date_text", "date")
    if link.flipped:
        d = {**{k: d[f"other_{k}"] for k in mine}, **{f"other_{k}": d[k] for k in mine}}
    return LetterOrder(
        other=link.other_sha256,
        number=str(d["number"]),
        date_text=str(d["date_text"]),
        date=str(d["date"]),
        other_number=str(d["other_number"]),
        other_date_text=str(d["other_date_text"]),
        other_date=str(d["other_date"]),
    )


def duplicate_detail(d: NearDuplicate) -> dict[str, Any]:
    """The stored detail of a near-duplicate link."""
    return {
        "method": d.method,
        "distance": d.distance,
        "match": None if d.match is None else asdict(d.match),
        "agreement": None if d.agreement is None else asdict(d.agreement),
        "differences": d.differences,
        "earlier": d.earlier,
        "reasons": list(d.reasons),
    }


def duplicate_from(link: CaseLink) -> NearDuplicate:
    """A near-duplicate link read back from `link.document_sha256`'s side."""
    detail = link.detail
    match = detail.get("match")
    page_match = None
    if match is not None:
        page_match = PageMatch(
            **{
                **match,
                "offset": tuple(match["offset"]),
                "matrix": tuple(match["matrix"]),
                "heights": tuple(match["heights"]),
            }
        )
        if link.flipped:
            page_match = page_match.inverted()
    differences = detail.get("differences") or {}
    if link.flipped:
        differences = {k: list(reversed(v)) for k, v in differences.items()}
    agreement = detail.get("agreement")
    return NearDuplicate(
        other=link.other_sha256,
        page=link.page,
        other_page=link.other_page,
        method=str(detail["method"]),
        distance=int(detail["distance"]),
        match=page_match,
        differences=differences,
        earlier=detail.get("earlier"),
        reasons=tuple(detail.get("reasons") or ()),
        agreement=None if agreement is None else Agreement(**agreement),
    )


def mark_detail(m: SharedMark) -> dict[str, Any]:
    """The stored detail of a shared-mark link."""
    return {
        "box": list(m.box),
        "other_box": list(m.other_box),
        "similarity": m.similarity,
        "copy_like": m.copy_like,
        "ink_field": m.ink_field,
    }


def mark_from(link: CaseLink) -> SharedMark:
    """A shared-mark link read back from `link.document_sha256`'s side."""
    detail = link.detail
    box, other_box = detail["box"], detail["other_box"]
    if link.flipped:
        box, other_box = other_box, box
    return SharedMark(
        kind=link.kind,
        other=link.other_sha256,
        page=link.page,
        box=(int(box[0]), int(box[1]), int(box[2]), int(box[3])),
        other_page=link.other_page,
        other_box=(int(other_box[0]), int(other_box[1]), int(other_box[2]), int(other_box[3])),
        similarity=float(detail["similarity"]),
        copy_like=bool(detail["copy_like"]),
        ink_field=None if detail.get("ink_field") is None else float(detail["ink_field"]),
    )
