"""The store's service API: what the command line, batch runs and the app call; no SQL outside.

A store is one folder: ``workbench.sqlite3`` (SQLite in WAL mode, so readers never block the
writer and several processes can write, one short transaction at a time) and ``objects/``
(content-addressed originals and artifacts, read-only, hash-checked on every read).

Reviewer data (claims, checklist answers, sign-offs) carries a version number. A save names
the version it was based on; when someone else saved in between, the save is refused with
`StaleVersionError` naming who changed what and when, and nothing is overwritten. Every
reviewer action is appended to the audit log in the same transaction as the change itself,
and the database refuses to alter or delete audit entries.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from workbench._version import __version__
from workbench.errors import StoreError, UsageError
from workbench.limits import Limits
from workbench.loading import Document, load_document
from workbench.model import Claims, Finding, Report, Severity
from workbench.names import printable
from workbench.serialize import (
    claims_from_dict,
    claims_to_dict,
    finding_from_dict,
    region_to_dict,
    report_from_json,
    report_to_json,
)
from workbench.store.fingerprints import record_fingerprints
from workbench.store.migrations import analysis_key, migrate
from workbench.store.objects import ObjectStore

DATABASE_NAME = "workbench.sqlite3"
UNKNOWN_MEDIA_TYPE = "application/octet-stream"
BUSY_TIMEOUT_MS = 30_000

Answer = Literal["consistent", "inconsistent", "cannot_tell", "not_applicable"]
Verdict = Literal["authentic_as_claimed", "not_as_claimed", "unverified"]
ANSWERS: tuple[str, ...] = get_args(Answer)
VERDICTS: tuple[str, ...] = get_args(Verdict)
MAX_SIGNOFFS = 2


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


def default_store_path(environ: Mapping[str, str] | None = None) -> Path:
    """The per-user store folder.

    ``$WORKBENCH_STORE``, else ``$XDG_DATA_HOME/workbench``, else ``~/.local/share/workbench``.
    """
    env = os.environ if environ is None else environ
    if env.get("WORKBENCH_STORE"):
        return Path(env["WORKBENCH_STORE"]).expanduser()
    if env.get("XDG_DATA_HOME"):
        return Path(env["XDG_DATA_HOME"]).expanduser() / "workbench"
    return Path.home() / ".local" / "share" / "workbench"


def now_iso() -> str:
    """The current time as ISO 8601 in UTC, to the millisecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _reviewer(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise UsageError("a reviewer name is required for every change")
    return name


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


@dataclass
class Store:
    """An open store folder. Safe to share between threads; open one per process."""

    path: Path
    conn: sqlite3.Connection
    objects: ObjectStore
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None) -> Store:
        """Open (creating and migrating when needed) the store folder at `path`.

        With no path, the per-user default (`default_store_path`) is used.
        """
        folder = Path(path) if path is not None else default_store_path()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "objects").mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{folder}: cannot create the store folder ({exc})") from None
        conn = sqlite3.connect(
            folder / DATABASE_NAME,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{folder / DATABASE_NAME}: not a usable store ({exc})") from None
        except BaseException:
            conn.close()
            raise
        conn.row_factory = sqlite3.Row
        return cls(path=folder, conn=conn, objects=ObjectStore(folder / "objects"))

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, rolled back on any error.

        The write lock is taken up front (``BEGIN IMMEDIATE``), so two processes never
        deadlock upgrading read locks; the busy timeout makes the second one wait its turn.
        """
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._fault(exc) from None
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._fault(exc) from None
                raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._fault(exc) from None

    def _fault(self, exc: sqlite3.Error) -> StoreError:
        """A database error as one line saying what is wrong with the store.

        Nothing was written: the transaction was rolled back.
        """
        text = str(exc)
        if "readonly" in text or "read-only" in text:
            why = "the store is read-only; open a writable copy or fix its permissions"
        elif "full" in text:
            why = "the disk is full; free space and try again"
        else:
            why = f"the database failed ({text})"
        return StoreError(f"{self.path / DATABASE_NAME}: {why}; nothing was written")

    def _audit(
        self,
        conn: sqlite3.Connection,
        actor: str,
        sha256: str | None,
        action: str,
        target: str | None,
        old: Any,
        new: Any,
    ) -> None:
        conn.execute(
            "INSERT INTO audit_log (at, actor, document_sha256, action, target, old_value, "
            "new_value) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                now_iso(),
                actor,
                sha256,
                action,
                target,
                None if old is None else _json(old),
                None if new is None else _json(new),
            ),
        )

    # -- documents -------------------------------------------------------------------------

    def ingest_bytes(
        self,
        data: bytes,
        original_name: str,
        media_type: str = UNKNOWN_MEDIA_TYPE,
        page_count: int | None = None,
        *,
        actor: str | None = None,
    ) -> DocumentRecord:
        """Keep an original (once: a known hash is a no-op) and return its record.

        When `actor` is given (a reviewer uploading in the app) the upload is audited.
        """
        sha256 = self.objects.put(data)
        original_name = printable(original_name)  # a name that is not UTF-8 is kept escaped
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO documents (sha256, original_name, media_type, size_bytes, "
                "page_count, first_seen, object_path) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    sha256,
                    original_name,
                    media_type,
                    len(data),
                    page_count,
                    now_iso(),
                    self.objects.relative_path(sha256),
                ),
            )
            if cursor.rowcount and actor is not None:
                self._audit(
                    conn, _reviewer(actor), sha256, "document.ingest", None, None, original_name
                )
        return self.document(sha256)

    def ingest_document(self, document: Document, *, actor: str | None = None) -> DocumentRecord:
        """Keep a loaded document's original bytes."""
        return self.ingest_bytes(
            document.data(),
            document.path.name,
            document.media_type,
            len(document.pages),
            actor=actor,
        )

    def ingest_file(
        self, path: str | Path, limits: Limits | None = None, *, actor: str | None = None
    ) -> DocumentRecord:
        """Load (with the usual guards) and keep the document at `path`."""
        return self.ingest_document(load_document(path, limits), actor=actor)

    def has_document(self, sha256: str) -> bool:
        """Whether an original with this hash is stored."""
        return bool(self._query("SELECT 1 FROM documents WHERE sha256 = ?", (sha256,)))

    def document(self, sha256: str) -> DocumentRecord:
        """The stored document with this hash; raises `NotFoundError`."""
        rows = self._query("SELECT * FROM documents WHERE sha256 = ?", (sha256,))
        if not rows:
            raise NotFoundError(f"no document {sha256[:12]} in the store")
        return DocumentRecord(**dict(rows[0]))

    def read_original(self, sha256: str) -> bytes:
        """The original's bytes, verified against its hash (raises `ObjectCorruptedError`)."""
        self.document(sha256)
        return self.objects.read(sha256)

    def original_path(self, sha256: str) -> Path:
        """Path of the read-only stored original.

        Bytes read from it directly are unverified; `read_original` checks them.
        """
        return self.path / self.document(sha256).object_path

    # -- runs ------------------------------------------------------------------------------

    def analysed_run(self, sha256: str, key: str) -> int | None:
        """The id of a successful run of this document with this analysis key, if any."""
        run = self.run_for_key(sha256, key)
        return run.id if run is not None else None

    def run_for_key(self, sha256: str, key: str, *, with_errors: bool = False) -> RunRecord | None:
        """The latest run of this document with this analysis key (one indexed look-up).

        Only successful runs count, unless `with_errors`: then a recorded failure is returned
        too when it is the latest.
        """
        status = "" if with_errors else "AND status = 'ok' "
        rows = self._query(
            "SELECT * FROM runs WHERE document_sha256 = ? AND analysis_key = ? "
            f"{status}ORDER BY id DESC LIMIT 1",
            (sha256, key),
        )
        return self._run(rows[0]) if rows else None

    def record_run(
        self,
        report: Report,
        *,
        original: bytes | None = None,
        original_name: str | None = None,
        options: Mapping[str, Any] | None = None,
        references: Sequence[str] = (),
        started: str | None = None,
        finished: str | None = None,
        duration_s: float | None = None,
        artifacts: Mapping[str, bytes] | None = None,
    ) -> int:
        """Store a report (as contract JSON and as findings rows) in one transaction.

        Args:
            report: the pipeline's report.
            original: the document's bytes, kept when the store does not have them yet
                (they must hash to the report's SHA-256).
            original_name: the name to record for a new document (default: the report's).
            options: how the run was made (recorded as JSON).
            references: SHA-256 of the exemplars compared against; part of the analysis key.
            started: ISO 8601 time the analysis started (default: now).
            finished: ISO 8601 time it finished (default: now).
            duration_s: wall time of the analysis.
            artifacts: bytes of the report's artifacts, keyed by their report path.

        Returns:
            The new run's id.

        """
        doc = report.document
        if original is not None:
            self._ensure_document(
                original,
                original_name or Path(doc.path).name,
                doc.sha256,
                doc.media_type,
                len(doc.pages),
            )
        elif not self.has_document(doc.sha256):
            raise NotFoundError(f"document {doc.sha256[:12]} is not stored; pass its bytes")
        artifact_rows = []
        for artifact in report.artifacts:
            data = (artifacts or {}).get(artifact.path)
            if data is None:
                continue
            artifact_rows.append((artifact, self.objects.put(data), len(data)))
        check_versions = {c.name: c.version for c in report.checks}
        refs = sorted(references)
        opts = {**dict(options or {}), "references": refs}
        stamp = now_iso()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (document_sha256, tool_name, tool_version, check_versions, "
                "options, started, finished, duration_s, timings, status, error, report_json, "
                "analysis_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok', NULL, ?, ?)",
                (
                    doc.sha256,
                    report.tool.name,
                    report.tool.version,
                    _json(check_versions),
                    _json(opts),
                    started or stamp,
                    finished or stamp,
                    duration_s,
                    _json({c.name: c.duration_s for c in report.checks}),
                    report_to_json(report, indent=None),
                    analysis_key(check_versions, refs),
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO findings (run_id, document_sha256, check_name, code, severity, "
                "severity_rank, title, detail, page, regions, evidence, checklist) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        doc.sha256,
                        f.check,
                        f.code,
                        f.severity.label,
                        int(f.severity),
                        f.title,
                        f.detail,
                        f.page,
                        _json([region_to_dict(r) for r in f.regions]),
                        _json(f.evidence),
                        _json(list(f.checklist)),
                    )
                    for f in report.findings
                ],
            )
            conn.executemany(
                "INSERT INTO artifacts (run_id, artifact_id, kind, media_type, page, "
                "report_path, object_sha256, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (run_id, a.id, a.kind, a.media_type, a.page, a.path, sha, size)
                    for a, sha, size in artifact_rows
                ],
            )
            record_fingerprints(conn, run_id, report)
        return run_id

    def record_failure(
        self,
        original: bytes,
        original_name: str,
        error: str,
        *,
        check_versions: Mapping[str, str],
        options: Mapping[str, Any] | None = None,
        references: Sequence[str] = (),
        started: str | None = None,
        finished: str | None = None,
        duration_s: float | None = None,
        tool_version: str = "",
    ) -> int:
        """Record that a file could not be analysed, keeping its bytes for later inspection."""
        record = self.ingest_bytes(original, original_name)
        refs = sorted(references)
        stamp = now_iso()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (document_sha256, tool_name, tool_version, check_versions, "
                "options, started, finished, duration_s, status, error, analysis_key) "
                "VALUES (?, 'workbench', ?, ?, ?, ?, ?, ?, 'error', ?, ?)",
                (
                    record.sha256,
                    tool_version or __version__,
                    _json(dict(check_versions)),
                    _json({**dict(options or {}), "references": refs}),
                    started or stamp,
                    finished or stamp,
                    duration_s,
                    printable(error),
                    analysis_key(check_versions, refs),
                ),
            )
            return int(cursor.lastrowid or 0)

    def _ensure_document(
        self, data: bytes, name: str, sha256: str, media_type: str, pages: int
    ) -> None:
        if self.has_document(sha256):
            self.objects.put(data)  # verifies the stored copy, repairing it when it changed
            return
        record = self.ingest_bytes(data, name, media_type, pages)
        if record.sha256 != sha256:
            raise StoreError(
                f"{name}: the bytes given hash to {record.sha256[:12]}, not to the report's "
                f"{sha256[:12]} (the file changed while it was analysed?)"
            )

    def _run(self, row: sqlite3.Row) -> RunRecord:
        return RunRecord(
            id=row["id"],
            document_sha256=row["document_sha256"],
            tool_name=row["tool_name"],
            tool_version=row["tool_version"],
            check_versions=json.loads(row["check_versions"]),
            options=json.loads(row["options"]),
            started=row["started"],
            finished=row["finished"],
            duration_s=row["duration_s"],
            timings=json.loads(row["timings"]),
            status=row["status"],
            error=row["error"],
            analysis_key=row["analysis_key"],
        )

    def runs(self, sha256: str) -> list[RunRecord]:
        """Every run of a document, oldest first."""
        rows = self._query("SELECT * FROM runs WHERE document_sha256 = ? ORDER BY id", (sha256,))
        return [self._run(r) for r in rows]

    def run_count(self) -> int:
        """How many runs the store holds (all documents)."""
        return int(self._query("SELECT count(*) FROM runs")[0][0])

    def latest_run(self, sha256: str, *, ok_only: bool = False) -> RunRecord | None:
        """The most recent run of a document (only successful ones with `ok_only`)."""
        status = "AND status = 'ok' " if ok_only else ""
        rows = self._query(
            f"SELECT * FROM runs WHERE document_sha256 = ? {status}ORDER BY id DESC LIMIT 1",
            (sha256,),
        )
        return self._run(rows[0]) if rows else None

    def report(self, run_id: int) -> Report:
        """The report a successful run stored."""
        rows = self._query("SELECT report_json FROM runs WHERE id = ?", (run_id,))
        if not rows or rows[0][0] is None:
            raise NotFoundError(f"run {run_id} has no report")
        return report_from_json(rows[0][0])

    def latest_report(self, sha256: str) -> Report | None:
        """The report of the document's most recent successful run, or None."""
        run = self.latest_run(sha256, ok_only=True)
        return self.report(run.id) if run is not None else None

    def findings(self, sha256: str, *, item: str | None = None) -> list[Finding]:
        """Findings of the latest successful run, worst first.

        With `item`, only those bearing on that checklist item.
        """
        run = self.latest_run(sha256, ok_only=True)
        if run is None:
            return []
        sql = "SELECT * FROM findings WHERE run_id = ?"
        params: list[Any] = [run.id]
        if item is not None:
            sql += " AND EXISTS (SELECT 1 FROM json_each(findings.checklist) WHERE value = ?)"
            params.append(item)
        rows = self._query(sql + " ORDER BY severity_rank DESC, id", params)
        return [
            finding_from_dict(
                {
                    "check": r["check_name"],
                    "code": r["code"],
                    "severity": r["severity"],
                    "title": r["title"],
                    "detail": r["detail"],
                    "page": r["page"],
                    "regions": json.loads(r["regions"]),
                    "evidence": json.loads(r["evidence"]),
                    "checklist": json.loads(r["checklist"]),
                }
            )
            for r in rows
        ]

    def finding_counts_by_check(
        self, run_ids: Sequence[int], *, min_severity: Severity = Severity.NOTICE
    ) -> dict[int, dict[str, int]]:
        """For each run, how many findings of at least `min_severity` each check reported.

        One query for a whole documents list, instead of reading every run's findings.
        """
        ids = sorted({int(i) for i in run_ids})
        counts: dict[int, dict[str, int]] = {i: {} for i in ids}
        for start in range(0, len(ids), 500):  # stay well under SQLite's parameter limit
            chunk = ids[start : start + 500]
            rows = self._query(
                "SELECT run_id, check_name, COUNT(*) AS n FROM findings "
                f"WHERE run_id IN ({','.join('?' * len(chunk))}) AND severity_rank >= ? "
                "GROUP BY run_id, check_name",
                [*chunk, int(min_severity)],
            )
            for r in rows:
                counts[int(r["run_id"])][str(r["check_name"])] = int(r["n"])
        return counts

    def artifacts(self, sha256: str) -> list[ArtifactRecord]:
        """Artifacts of the latest successful run."""
        run = self.latest_run(sha256, ok_only=True)
        if run is None:
            return []
        rows = self._query("SELECT * FROM artifacts WHERE run_id = ? ORDER BY id", (run.id,))
        return [
            ArtifactRecord(
                run_id=r["run_id"],
                artifact_id=r["artifact_id"],
                kind=r["kind"],
                media_type=r["media_type"],
                page=r["page"],
                report_path=r["report_path"],
                object_sha256=r["object_sha256"],
                size_bytes=r["size_bytes"],
            )
            for r in rows
        ]

    def read_artifact(self, artifact: ArtifactRecord) -> bytes:
        """An artifact's bytes, verified against its hash."""
        return self.objects.read(artifact.object_sha256)

    # -- the documents list ----------------------------------------------------------------

    def list_documents(self, filters: DocumentFilter | None = None) -> list[DocumentSummary]:
        """Documents with their latest analysis and review state, worst findings first."""
        f = filters or DocumentFilter()
        where: list[str] = []
        params: list[Any] = []
        if f.min_severity is not None:
            where.append("fc.top_rank >= ?")
            params.append(int(f.min_severity))
        if f.status is not None:
            where.append("r.status = ?")
            params.append(f.status)
        if f.verdict == "none":
            where.append("so.n IS NULL")
        elif f.verdict == "disputed":
            where.append("so.verdicts > 1")
        elif f.verdict is not None:
            where.append("so.verdicts = 1 AND so.verdict = ?")
            params.append(f.verdict)
        if f.reviewer is not None:
            where.append(
                "(EXISTS (SELECT 1 FROM signoffs s WHERE s.document_sha256 = d.sha256 "
                "AND s.reviewer = ?) OR EXISTS (SELECT 1 FROM checklist_answers a "
                "WHERE a.document_sha256 = d.sha256 AND a.reviewer = ?))"
            )
            params += [f.reviewer, f.reviewer]
        if f.code is not None:
            where.append("EXISTS (SELECT 1 FROM findings x WHERE x.run_id = r.id AND x.code = ?)")
            params.append(f.code)
        if f.name_contains:
            where.append("instr(lower(d.original_name), lower(?)) > 0")
            params.append(f.name_contains)
        sql = f"""
            WITH latest AS (
                SELECT document_sha256, max(id) AS run_id FROM runs GROUP BY document_sha256
            )
            SELECT d.*, r.id AS run_id, r.status AS run_status, r.error AS run_error,
                   r.finished AS analysed, fc.top_rank,
                   coalesce(fc.info, 0) AS info, coalesce(fc.notice, 0) AS notice,
                   coalesce(fc.warning, 0) AS warning, coalesce(fc.critical, 0) AS critical,
                   coalesce(ca.answered, 0) AS answered,
                   so.verdict, so.verdicts, so.reviewers
            FROM documents d
            LEFT JOIN latest ON latest.document_sha256 = d.sha256
            LEFT JOIN runs r ON r.id = latest.run_id
            LEFT JOIN (
                SELECT f.run_id, max(f.severity_rank) AS top_rank,
                       sum(f.severity = 'info') AS info, sum(f.severity = 'notice') AS notice,
                       sum(f.severity = 'warning') AS warning,
                       sum(f.severity = 'critical') AS critical
                FROM findings f JOIN latest l ON f.run_id = l.run_id GROUP BY f.run_id
            ) fc ON fc.run_id = r.id
            LEFT JOIN (
                SELECT document_sha256, count(*) AS answered
                FROM checklist_answers GROUP BY document_sha256
            ) ca ON ca.document_sha256 = d.sha256
            LEFT JOIN (
                SELECT document_sha256, count(*) AS n, count(DISTINCT verdict) AS verdicts,
                       min(verdict) AS verdict, group_concat(reviewer, char(10)) AS reviewers
                FROM signoffs GROUP BY document_sha256
            ) so ON so.document_sha256 = d.sha256
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY coalesce(fc.top_rank, -1) DESC, d.original_name, d.sha256
            LIMIT ? OFFSET ?
        """
        params += [f.limit if f.limit is not None else -1, f.offset]
        out = []
        for row in self._query(sql, params):
            verdict = row["verdict"] if row["verdicts"] == 1 else None
            if row["verdicts"] and row["verdicts"] > 1:
                verdict = "disputed"
            top = row["top_rank"]
            out.append(
                DocumentSummary(
                    document=DocumentRecord(
                        **{k: row[k] for k in DocumentRecord.__dataclass_fields__}
                    ),
                    run_id=row["run_id"],
                    run_status=row["run_status"],
                    run_error=row["run_error"],
                    analysed=row["analysed"],
                    highest_severity=Severity(top).label if top is not None else None,
                    counts={s.label: int(row[s.label]) for s in Severity},
                    answered=int(row["answered"]),
                    verdict=verdict,
                    reviewers=tuple(sorted((row["reviewers"] or "").split("\n")))
                    if row["reviewers"]
                    else (),
                )
            )
        return out

    # -- claims ----------------------------------------------------------------------------

    def claims(self, sha256: str) -> ClaimsRecord | None:
        """The claims recorded for a document, or None."""
        rows = self._query("SELECT * FROM claims WHERE document_sha256 = ?", (sha256,))
        if not rows:
            return None
        r = rows[0]
        return ClaimsRecord(
            claims=claims_from_dict(json.loads(r["claims"])),
            version=r["version"],
            updated=r["updated"],
            updated_by=r["updated_by"],
        )

    def set_claims(
        self, sha256: str, claims: Claims, *, reviewer: str, expected_version: int
    ) -> ClaimsRecord:
        """Save the claims about a document, based on `expected_version` (0: none yet)."""
        reviewer = _reviewer(reviewer)
        self.document(sha256)
        new = claims_to_dict(claims)
        with self._write() as conn:
            row = conn.execute(
                "SELECT claims, version, updated, updated_by FROM claims WHERE document_sha256 = ?",
                (sha256,),
            ).fetchone()
            current = 0 if row is None else int(row["version"])
            if current != expected_version:
                who = f" by {row['updated_by']} at {row['updated']}" if row else ""
                raise StaleVersionError(
                    f"the claims of document {sha256[:12]} were changed{who} (now version "
                    f"{current}) after you loaded version {expected_version}; nothing was "
                    "saved: reload them, then save again",
                    current=self.claims(sha256),
                )
            stamp = now_iso()
            if row is None:
                conn.execute(
                    "INSERT INTO claims (document_sha256, claims, version, updated, updated_by) "
                    "VALUES (?, ?, 1, ?, ?)",
                    (sha256, _json(new), stamp, reviewer),
                )
            else:
                cursor = conn.execute(
                    "UPDATE claims SET claims = ?, version = version + 1, updated = ?, "
                    "updated_by = ? WHERE document_sha256 = ? AND version = ?",
                    (_json(new), stamp, reviewer, sha256, expected_version),
                )
                if cursor.rowcount != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as a guard
                    raise StaleVersionError(f"the claims of {sha256[:12]} changed meanwhile")
            old = json.loads(row["claims"]) if row is not None else None
            self._audit(conn, reviewer, sha256, "claims.set", None, old, new)
        record = self.claims(sha256)
        assert record is not None
        return record

    # -- checklist -------------------------------------------------------------------------

    def answers(self, sha256: str) -> dict[str, AnswerRecord]:
        """The checklist answers of a document, by item id."""
        rows = self._query(
            "SELECT * FROM checklist_answers WHERE document_sha256 = ? ORDER BY item_id",
            (sha256,),
        )
        return {
            r["item_id"]: AnswerRecord(
                item_id=r["item_id"],
                answer=r["answer"],
                note=r["note"],
                reviewer=r["reviewer"],
                version=r["version"],
                updated=r["updated"],
            )
            for r in rows
        }

    def answer_item(
        self,
        sha256: str,
        item: str,
        answer: str,
        note: str,
        *,
        reviewer: str,
        expected_version: int,
    ) -> AnswerRecord:
        """Save a checklist answer based on `expected_version` (0 when unanswered so far).

        Raises:
            StaleVersionError: someone saved this item after `expected_version`; ``current``
                holds their answer and nothing was written.
            UsageError: an answer outside consistent/inconsistent/cannot_tell/not_applicable.

        """
        reviewer = _reviewer(reviewer)
        if answer not in ANSWERS:
            raise UsageError(f"answer {answer!r} is not one of {', '.join(ANSWERS)}")
        if not item.strip():
            raise UsageError("a checklist item id is required")
        self.document(sha256)
        new = {"answer": answer, "note": note, "reviewer": reviewer}
        with self._write() as conn:
            stamp = now_iso()
            if expected_version == 0:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO checklist_answers (document_sha256, item_id, answer, "
                    "note, reviewer, version, updated) VALUES (?, ?, ?, ?, ?, 1, ?)",
                    (sha256, item, answer, note, reviewer, stamp),
                )
                old_row = None
            else:
                old_row = conn.execute(
                    "SELECT answer, note, reviewer FROM checklist_answers "
                    "WHERE document_sha256 = ? AND item_id = ? AND version = ?",
                    (sha256, item, expected_version),
                ).fetchone()
                cursor = conn.execute(
                    "UPDATE checklist_answers SET answer = ?, note = ?, reviewer = ?, "
                    "version = version + 1, updated = ? "
                    "WHERE document_sha256 = ? AND item_id = ? AND version = ?",
                    (answer, note, reviewer, stamp, sha256, item, expected_version),
                )
            if cursor.rowcount != 1:
                current = self.answers(sha256).get(item)
                if current is None:
                    message = (
                        f"checklist item {item} of document {sha256[:12]} has no saved answer "
                        f"(you expected version {expected_version}); nothing was saved"
                    )
                else:
                    message = (
                        f"checklist item {item} of document {sha256[:12]} was changed by "
                        f"{current.reviewer} at {current.updated} (now version "
                        f"{current.version}: {current.answer}) after you loaded version "
                        f"{expected_version}; nothing was saved: reload it, then save again"
                    )
                raise StaleVersionError(message, current=current)
            self._audit(
                conn,
                reviewer,
                sha256,
                "checklist.answer",
                item,
                dict(old_row) if old_row is not None else None,
                new,
            )
        return self.answers(sha256)[item]

    # -- sign-offs -------------------------------------------------------------------------

    def signoffs(self, sha256: str) -> list[SignOffRecord]:
        """The sign-offs of a document, oldest first."""
        rows = self._query(
            "SELECT reviewer, verdict, reason, version, signed FROM signoffs "
            "WHERE document_sha256 = ? ORDER BY id",
            (sha256,),
        )
        return [SignOffRecord(**dict(r)) for r in rows]

    def sign_off(
        self,
        sha256: str,
        *,
        reviewer: str,
        verdict: str,
        reason: str,
        expected_version: int = 0,
    ) -> SignOffRecord:
        """Record (or, with the version it replaces, change) a reviewer's verdict.

        Raises:
            SignOffLimitError: two other reviewers have already signed off.
            StaleVersionError: this reviewer's sign-off changed since `expected_version`.
            UsageError: unknown verdict or an empty reason.

        """
        reviewer = _reviewer(reviewer)
        if verdict not in VERDICTS:
            raise UsageError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
        if not reason.strip():
            raise UsageError("a sign-off needs a written reason")
        self.document(sha256)
        new = {"verdict": verdict, "reason": reason}
        with self._write() as conn:
            row = conn.execute(
                "SELECT verdict, reason, version, signed FROM signoffs "
                "WHERE document_sha256 = ? AND reviewer = ?",
                (sha256, reviewer),
            ).fetchone()
            current = 0 if row is None else int(row["version"])
            if current != expected_version:
                raise StaleVersionError(
                    f"{reviewer}'s sign-off on document {sha256[:12]} is at version {current}, "
                    f"not {expected_version} (changed at {row['signed'] if row else '?'}); "
                    "nothing was saved: reload it, then sign again",
                    current=None if row is None else SignOffRecord(reviewer=reviewer, **dict(row)),
                )
            stamp = now_iso()
            if row is None:
                try:
                    conn.execute(
                        "INSERT INTO signoffs (document_sha256, reviewer, verdict, reason, "
                        "version, signed) VALUES (?, ?, ?, ?, 1, ?)",
                        (sha256, reviewer, verdict, reason, stamp),
                    )
                except sqlite3.IntegrityError as exc:
                    if "at most two" in str(exc):
                        others = [s.reviewer for s in self.signoffs(sha256)]
                        raise SignOffLimitError(
                            f"document {sha256[:12]} already has {MAX_SIGNOFFS} sign-offs "
                            f"({', '.join(others)}); a third reviewer cannot sign off"
                        ) from None
                    raise
            else:
                conn.execute(
                    "UPDATE signoffs SET verdict = ?, reason = ?, version = version + 1, "
                    "signed = ? WHERE document_sha256 = ? AND reviewer = ? AND version = ?",
                    (verdict, reason, stamp, sha256, reviewer, expected_version),
                )
            old = {"verdict": row["verdict"], "reason": row["reason"]} if row else None
            self._audit(conn, reviewer, sha256, "signoff", reviewer, old, new)
        return next(s for s in self.signoffs(sha256) if s.reviewer == reviewer)

    # -- audit -----------------------------------------------------------------------------

    def audit(self, sha256: str | None = None, *, limit: int | None = None) -> list[AuditEntry]:
        """Reviewer actions, oldest first: of one document, or of the whole store."""
        sql = "SELECT * FROM audit_log"
        params: list[Any] = []
        if sha256 is not None:
            sql += " WHERE document_sha256 = ?"
            params.append(sha256)
        sql += " ORDER BY id LIMIT ?"
        params.append(limit if limit is not None else -1)
        return [
            AuditEntry(
                id=r["id"],
                at=r["at"],
                actor=r["actor"],
                document_sha256=r["document_sha256"],
                action=r["action"],
                target=r["target"],
                old_value=None if r["old_value"] is None else json.loads(r["old_value"]),
                new_value=None if r["new_value"] is None else json.loads(r["new_value"]),
            )
            for r in self._query(sql, params)
        ]
