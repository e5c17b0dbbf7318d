"""The durable record of documents, analyses and reviewers' work.

SQLite plus content-addressed files. Callers use `Store`; the SQL stays inside this package.
"""

from __future__ import annotations

from workbench.errors import StoreError
from workbench.store.migrations import LATEST as SCHEMA_VERSION
from workbench.store.migrations import SchemaVersionError, analysis_key
from workbench.store.objects import ObjectCorruptedError, ObjectMissingError, sha256_file
from workbench.store.service import (
    ANSWERS,
    VERDICTS,
    AnswerRecord,
    ArtifactRecord,
    AuditEntry,
    ClaimsRecord,
    DocumentFilter,
    DocumentRecord,
    DocumentSummary,
    NotFoundError,
    RunRecord,
    SignOffLimitError,
    SignOffRecord,
    StaleVersionError,
    Store,
    default_store_path,
)

__all__ = [
    "ANSWERS",
    "SCHEMA_VERSION",
    "VERDICTS",
    "AnswerRecord",
    "ArtifactRecord",
    "AuditEntry",
    "ClaimsRecord",
    "DocumentFilter",
    "DocumentRecord",
    "DocumentSummary",
    "NotFoundError",
    "ObjectCorruptedError",
    "ObjectMissingError",
    "RunRecord",
    "SchemaVersionError",
    "SignOffLimitError",
    "SignOffRecord",
    "StaleVersionError",
    "Store",
    "StoreError",
    "analysis_key",
    "default_store_path",
    "sha256_file",
]
