"""The store's schema, built and upgraded by numbered steps recorded in ``PRAGMA user_version``.

Each step takes the database from version ``n - 1`` to ``n`` inside one transaction, so a
store is always at exactly one version, and two programs opening a fresh store at the same
moment cannot both apply a step (the second waits for the first and then finds nothing to do).
Steps are frozen once released: a change to the schema is a new step, never an edit of an old
one, because stores written by earlier versions must upgrade to the same shape as new ones.

- 1: core tables (documents, runs, findings, artifacts, claims, checklist answers, sign-offs).
- 2: the append-only audit log of reviewer actions, and indexes for the app's lists.
- 3: the analysis key of a run (hash of check versions and exemplars), back-filled, so that a
  batch run can tell in one indexed look-up whether a document was already analysed.
- 4: cases (documents grouped by a batch folder or a name given at upload) and the perceptual
  fingerprints of each run's pages and marks, which the case service compares across the store.
- 5: the names index (the people and list names of each run, `workbench.store.names`), filled
  from the latest successful run of each stored document.
- 6: what the case service found, stored when a document is stored (``case_searches``: which
  runs were searched, with the letter number and date each read; ``case_links``: the
  near-duplicate pages and shared marks found, append-only), the bands of each page hash for
  an indexed look-up (back-filled), and a small grey reduction of each page for checking
  candidates pixel by pixel (empty for pages fingerprinted before).
- 7: case links may also be ``letter_order``: two letters of one numbering series whose
  numbers go backwards in time, found when a document is stored (the table is rebuilt, as
  SQLite cannot change a CHECK constraint; its rows, trigger and indexes are kept).
- 8: the visual words of each fingerprinted page (`workbench.imaging.page_words`), which pick
  the stored pages a near-duplicate search matches keypoint by keypoint; rows written before
  have none and are matched as before.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.imaging.fingerprint import hash_bands
from workbench.store.names import backfill_names


class SchemaVersionError(WorkbenchError):
    """The store was written by a newer workbench than this one."""


def analysis_key(check_versions: Mapping[str, str], references: Sequence[str]) -> str:
    """What makes two analyses of the same file interchangeable, as a hex digest.

    That is the checks with their versions and the SHA-256 of the exemplars compared against.
    """
    canonical = json.dumps(
        {"checks": dict(sorted(check_versions.items())), "references": sorted(references)},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


V1_CORE = """
CREATE TABLE documents (
    sha256        TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    original_name TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
    page_count    INTEGER,
    first_seen    TEXT NOT NULL,
    object_path   TEXT NOT NULL
);

CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    tool_name       TEXT NOT NULL,
    tool_version    TEXT NOT NULL,
    check_versions  TEXT NOT NULL,
    options         TEXT NOT NULL DEFAULT '{}',
    started         TEXT NOT NULL,
    finished        TEXT NOT NULL,
    duration_s      REAL,
    timings         TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    error           TEXT,
    report_json     TEXT,
    CHECK (status = 'error' OR report_json IS NOT NULL)
);

CREATE TABLE findings (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    check_name      TEXT NOT NULL,
    code            TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('info', 'notice', 'warning', 'critical')),
    severity_rank   INTEGER NOT NULL,
    title           TEXT NOT NULL,
    detail          TEXT NOT NULL,
    page            INTEGER,
    regions         TEXT NOT NULL DEFAULT '[]',
    evidence        TEXT NOT NULL DEFAULT '{}',
    checklist       TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE artifacts (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    artifact_id   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    page          INTEGER,
    report_path   TEXT NOT NULL,
    object_sha256 TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    UNIQUE (run_id, artifact_id)
);

CREATE TABLE claims (
    document_sha256 TEXT PRIMARY KEY REFERENCES documents (sha256),
    claims          TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    updated         TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);

CREATE TABLE checklist_answers (
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    item_id         TEXT NOT NULL,
    answer          TEXT NOT NULL
        CHECK (answer IN ('consistent', 'inconsistent', 'cannot_tell', 'not_applicable')),
    note            TEXT NOT NULL DEFAULT '',
    reviewer        TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    updated         TEXT NOT NULL,
    PRIMARY KEY (document_sha256, item_id)
);

CREATE TABLE signoffs (
    id              INTEGER PRIMARY KEY,
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    reviewer        TEXT NOT NULL,
    verdict         TEXT NOT NULL
        CHECK (verdict IN ('authentic_as_claimed', 'not_as_claimed', 'unverified')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    version         INTEGER NOT NULL CHECK (version >= 1),
    signed          TEXT NOT NULL,
    UNIQUE (document_sha256, reviewer)
);

-- At most two reviewers sign off one document; the database itself refuses a third.
CREATE TRIGGER signoffs_at_most_two BEFORE INSERT ON signoffs
WHEN (SELECT count(*) FROM signoffs WHERE document_sha256 = NEW.document_sha256) >= 2
BEGIN
    SELECT RAISE(ABORT, 'a document has at most two sign-offs');
END;

CREATE INDEX runs_by_document ON runs (document_sha256, id);
CREATE INDEX findings_by_run ON findings (run_id);
CREATE INDEX artifacts_by_run ON artifacts (run_id);
"""

V2_AUDIT = """
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    document_sha256 TEXT REFERENCES documents (sha256),
    action          TEXT NOT NULL,
    target          TEXT,
    old_value       TEXT,
    new_value       TEXT
);

-- The audit log is append-only: the database refuses to change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted');
END;

CREATE INDEX audit_by_document ON audit_log (document_sha256, id);
CREATE INDEX findings_by_document ON findings (document_sha256, severity_rank);
CREATE INDEX findings_by_code ON findings (code);
CREATE INDEX signoffs_by_document ON signoffs (document_sha256);
"""


def _v3_analysis_key(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE runs ADD COLUMN analysis_key TEXT")
    rows = conn.execute("SELECT id, check_versions, options FROM runs").fetchall()
    for run_id, check_versions, options in rows:
        refs = json.loads(options or "{}").get("references", [])
        key = analysis_key(json.loads(check_versions), [str(r) for r in refs])
        conn.execute("UPDATE runs SET analysis_key = ? WHERE id = ?", (key, run_id))
    conn.execute("CREATE INDEX runs_by_analysis ON runs (document_sha256, analysis_key, status)")


V4_CASES = """
CREATE TABLE case_documents (
    case_name       TEXT NOT NULL CHECK (length(trim(case_name)) > 0),
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    added           TEXT NOT NULL,
    added_by        TEXT NOT NULL,
    PRIMARY KEY (case_name, document_sha256)
);

CREATE TABLE page_fingerprints (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    page            INTEGER NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    phash           TEXT NOT NULL CHECK (length(phash) = 64),
    feature_height  INTEGER NOT NULL,
    points          BLOB NOT NULL,
    descriptors     BLOB NOT NULL,
    UNIQUE (run_id, page)
);

CREATE TABLE mark_fingerprints (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    page            INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('signature', 'seal', 'letterhead')),
    x               INTEGER NOT NULL,
    y               INTEGER NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    patch           BLOB NOT NULL,
    coarse          BLOB NOT NULL
);

CREATE INDEX cases_by_document ON case_documents (document_sha256);
CREATE INDEX page_fingerprints_by_document ON page_fingerprints (document_sha256, run_id);
CREATE INDEX mark_fingerprints_by_document ON mark_fingerprints (document_sha256, run_id);
"""


V5_NAMES = """
CREATE TABLE names (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    source          TEXT NOT NULL CHECK (source IN ('people', 'lists')),
    role            TEXT NOT NULL,
    persian         TEXT NOT NULL,
    compact         TEXT NOT NULL,
    latin           TEXT NOT NULL DEFAULT '[]'
);

CREATE INDEX names_by_run ON names (run_id);
CREATE INDEX names_by_compact ON names (compact);
"""


def _v5_names(conn: sqlite3.Connection) -> None:
    """The names table, filled from the reports already stored."""
    for statement in _statements(V5_NAMES):
        conn.execute(statement)
    backfill_names(conn)


V6_CASE_LINKS = """
ALTER TABLE page_fingerprints ADD COLUMN thumb BLOB;

CREATE TABLE page_hash_bands (
    fingerprint_id  INTEGER NOT NULL REFERENCES page_fingerprints (id) ON DELETE CASCADE,
    band            INTEGER NOT NULL,
    value           INTEGER NOT NULL,
    PRIMARY KEY (fingerprint_id, band)
);

CREATE TABLE case_searches (
    run_id          INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    searched        TEXT NOT NULL,
    pages_compared  INTEGER NOT NULL,
    letter_number   TEXT,
    letter_date_text TEXT,
    letter_date     TEXT
);

CREATE TABLE case_links (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES case_searches (run_id) ON DELETE CASCADE,
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    other_run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    other_sha256    TEXT NOT NULL REFERENCES documents (sha256),
    kind            TEXT NOT NULL
        CHECK (kind IN ('near_duplicate', 'signature', 'seal', 'letterhead')),
    page            INTEGER NOT NULL,
    other_page      INTEGER NOT NULL,
    detail          TEXT NOT NULL
);

CREATE TRIGGER case_links_no_update BEFORE UPDATE ON case_links
BEGIN
    SELECT RAISE(ABORT, 'case_links is append-only: links cannot be changed');
END;

CREATE INDEX page_hash_bands_by_value ON page_hash_bands (band, value);
CREATE INDEX case_searches_by_document ON case_searches (document_sha256);
CREATE INDEX case_links_by_document ON case_links (document_sha256, run_id);
CREATE INDEX case_links_by_other ON case_links (other_sha256, other_run_id);
"""


def _v6_case_links(conn: sqlite3.Connection) -> None:
    for statement in _statements(V6_CASE_LINKS):
        conn.execute(statement)
    rows = conn.execute("SELECT id, phash FROM page_fingerprints").fetchall()
    conn.executemany(
        "INSERT INTO page_hash_bands (fingerprint_id, band, value) VALUES (?, ?, ?)",
        [(fid, band, value) for fid, phash in rows for band, value in enumerate(hash_bands(phash))],
    )


V7_LETTER_ORDER = """
CREATE TABLE case_links_v7 (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES case_searches (run_id) ON DELETE CASCADE,
    document_sha256 TEXT NOT NULL REFERENCES documents (sha256),
    other_run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    other_sha256    TEXT NOT NULL REFERENCES documents (sha256),
    kind            TEXT NOT NULL
        CHECK (kind IN ('near_duplicate', 'signature', 'seal', 'letterhead', 'letter_order')),
    page            INTEGER NOT NULL,
    other_page      INTEGER NOT NULL,
    detail          TEXT NOT NULL
);

INSERT INTO case_links_v7 SELECT id, run_id, document_sha256, other_run_id, other_sha256, kind,
    page, other_page, detail FROM case_links;

DROP TABLE case_links;

ALTER TABLE case_links_v7 RENAME TO case_links;

CREATE TRIGGER case_links_no_update BEFORE UPDATE ON case_links
BEGIN
    SELECT RAISE(ABORT, 'case_links is append-only: links cannot be changed');
END;

CREATE INDEX case_links_by_document ON case_links (document_sha256, run_id);
CREATE INDEX case_links_by_other ON case_links (other_sha256, other_run_id);
"""


def _v8_page_words(conn: sqlite3.Connection) -> None:
    # rows written before have no words: the search matches them keypoint by keypoint, as
    # it did before the filter (`workbench.cases.near_duplicates`)
    conn.execute("ALTER TABLE page_fingerprints ADD COLUMN words BLOB")


@dataclass(frozen=True)
class Migration:
    """One step: takes the schema to `version`, by SQL script or by a Python function."""

    version: int
    description: str
    apply: str | Callable[[sqlite3.Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core tables", V1_CORE),
    Migration(2, "audit log and list indexes", V2_AUDIT),
    Migration(3, "analysis key of runs", _v3_analysis_key),
    Migration(4, "cases and perceptual fingerprints", V4_CASES),
    Migration(5, "names index", _v5_names),
    Migration(6, "stored case links, hash bands and page reductions", _v6_case_links),
    Migration(7, "letter numbers going backwards as case links", V7_LETTER_ORDER),
    Migration(8, "visual words of each fingerprinted page", _v8_page_words),
)
LATEST = MIGRATIONS[-1].version


def _statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (trigger bodies kept whole)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:60]}")
    return statements


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version the database is at (0 for a new, empty database)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> list[int]:
    """Bring the database to `target`, one step per transaction; returns the steps applied.

    `conn` must be in autocommit mode (``isolation_level=None``): each step runs in its own
    ``BEGIN IMMEDIATE`` transaction, which also serialises concurrent migrators.

    Raises:
        SchemaVersionError: the database is newer than this program knows.

    """
    applied: list[int] = []
    previous = 0
    for step in MIGRATIONS:
        if step.version > target:
            break
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            if current > LATEST:
                raise SchemaVersionError(
                    f"the store is at schema version {current}, newer than this workbench "
                    f"knows ({LATEST}); upgrade the workbench to open it"
                )
            if current >= step.version:
                conn.execute("COMMIT")
                previous = step.version
                continue
            if current != previous:
                raise SchemaVersionError(f"store schema {current} cannot take step {step.version}")
            if isinstance(step.apply, str):
                for statement in _statements(step.apply):
                    conn.execute(statement)
            else:
                step.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(step.version)
        previous = step.version
    return applied
