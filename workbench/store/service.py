"""The store's service API: what the command line, batch runs and the app call; no SQL outside.

`Store` is one object over the parts of the store, each in its own module along the seams of
what changes together:

- `workbench.store.database`: the connection, its short transactions, queries, the audit log;
- `workbench.store.documents`: originals, runs, findings and artifacts;
- `workbench.store.reviews`: claims, checklist answers, sign-offs, reading the audit log;
- `workbench.store.listing`: the documents list, one query over all of the above;
- `workbench.store.records`: the records these return and the errors they raise.

Case membership (`workbench.store.cases`) and fingerprints (`workbench.store.fingerprints`)
are functions over the same public seam (`Database.transaction`, `Database.query`).
"""

from __future__ import annotations

from workbench.store.database import (
    BUSY_TIMEOUT_MS,
    DATABASE_NAME,
    default_store_path,
    now_iso,
)
from workbench.store.documents import UNKNOWN_MEDIA_TYPE
from workbench.store.listing import Listing
from workbench.store.records import (
    ANSWERS,
    MAX_SIGNOFFS,
    VERDICTS,
    Answer,
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
    Verdict,
)
from workbench.store.reviews import Reviews

__all__ = [
    "ANSWERS",
    "BUSY_TIMEOUT_MS",
    "DATABASE_NAME",
    "MAX_SIGNOFFS",
    "UNKNOWN_MEDIA_TYPE",
    "VERDICTS",
    "Answer",
    "AnswerRecord",
    "ArtifactRecord",
    "AuditEntry",
    "ClaimsRecord",
    "DocumentFilter",
    "DocumentRecord",
    "DocumentSummary",
    "NotFoundError",
    "RunRecord",
    "SignOffLimitError",
    "SignOffRecord",
    "StaleVersionError",
    "Store",
    "Verdict",
    "default_store_path",
    "now_iso",
]


class Store(Reviews, Listing):
    """An open store folder. Safe to share between threads; open one per process.

    Open it with `Store.open`; it reads and writes documents and runs (`Documents`), reviewers'
    work (`Reviews`) and lists documents (`Listing`), all over one connection and lock.
    """
