"""What the store hands back and what it raises: its records, its errors, and the row mapping.

Every record is a frozen dataclass whose fields are named after the columns they come from,
so one helper (`from_row`) builds any of them from a `sqlite3.Row`: JSON columns are named
once where the record is read, and the few fields that are not plain columns are given by the
caller. Adding a column to a record is then one field here and one column in a migration.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

from workbench.errors import StoreError
from workbench.model import Claims, Severity

Answer = Literal["consistent", "inconsistent", "cannot_tell", "not_applicable"]
Verdict = Literal["authentic_as_claimed", "not_as_claimed", "unverified"]
ANSWERS: tuple[str, ...] = get_args(Answer)
VERDICTS: tuple[str, ...] = get_args(Verdict)
MAX_SIGNOFFS = 2

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def from_row(cls: type[R], row: sqlite3.Row, *, decode: tuple[str, ...] = (), **given: Any) -> R:
    """A `cls` record with each field read from the row's column of the same name.

    Columns named in `decode` hold JSON text and are parsed (NULL stays None); `given`
    supplies fields that are not plain columns (or that need converting) by name.
    """
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in given:
            values[f.name] = given[f.name]
        elif f.name in decode:
            text = row[f.name]
            values[f.name] = None if text is None else json.loads(text)
        else:
            values[f.name] = row[f.name]
    return cls(**values)


class NotFoundError(StoreError):
    """No such document (or record) in the store."""


class StaleVersionError(StoreError):
    """A save was based on a version someone else has since replaced; nothing was written.

    ``current`` is the record as it is now, so the caller can show it and let the reviewer
    decide again.
    """

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class SignOffLimitError(StoreError):
    """A third reviewer tried to sign off a document that already has two sign-offs."""


@dataclass(frozen=True)
class DocumentRecord:
    """A stored original: its identity and where its bytes are kept."""

    sha256: str
    original_name: str
    media_type: str
    size_bytes: int
    page_count: int | None
    first_seen: str
    object_path: str


@dataclass(frozen=True)
class RunRecord:
    """One analysis of one document: what ran, when, how long, and how it ended."""

    id: int
    document_sha256: str
    tool_name: str
    tool_version: str
    check_versions: dict[str, str]
    options: dict[str, Any]
    started: str
    finished: str
    duration_s: float | None
    timings: dict[str, float]
    status: str
    error: str | None
    analysis_key: str | None


@dataclass(frozen=True)
class ArtifactRecord:
    """A file a check produced in a run, kept as a content-addressed object."""

    run_id: int
    artifact_id: str
    kind: str
    media_type: str
    page: int | None
    report_path: str
    object_sha256: str
    size_bytes: int


@dataclass(frozen=True)
class ClaimsRecord:
    """The claims recorded for a document, with their version for optimistic saves."""

    claims: Claims
    version: int
    updated: str
    updated_by: str


@dataclass(frozen=True)
class AnswerRecord:
    """A reviewer's answer to one checklist item."""

    item_id: str
    answer: str
    note: str
    reviewer: str
    version: int
    updated: str


@dataclass(frozen=True)
class SignOffRecord:
    """One reviewer's verdict on a document, with the written reason."""

    reviewer: str
    verdict: str
    reason: str
    version: int
    signed: str


@dataclass(frozen=True)
class AuditEntry:
    """One reviewer action: who, when, what, and the value before and after."""

    id: int
    at: str
    actor: str
    document_sha256: str | None
    action: str
    target: str | None
    old_value: Any
    new_value: Any


@dataclass(frozen=True)
class DocumentSummary:
    """One row of the documents list: identity, latest analysis, review progress."""

    document: DocumentRecord
    run_id: int | None
    run_status: str | None
    run_error: str | None
    analysed: str | None
    highest_severity: str | None
    counts: dict[str, int]
    answered: int
    verdict: str | None
    reviewers: tuple[str, ...]


@dataclass(frozen=True)
class DocumentFilter:
    """What to list. Every field narrows the list; the defaults list everything.

    ``verdict`` also accepts ``"disputed"`` (two sign-offs that disagree) and ``"none"``
    (no sign-off yet).
    """

    min_severity: Severity | None = None
    status: str | None = None
    verdict: str | None = None
    reviewer: str | None = None
    code: str | None = None
    name_contains: str | None = None
    limit: int | None = None
    offset: int = 0
