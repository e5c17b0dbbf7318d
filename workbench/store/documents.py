"""Documents and their analyses in the store: originals kept once, runs, findings, artifacts.

An original is kept once by its SHA-256 (ingesting it again is a no-op). Each analysis is a
run: the report as contract JSON, its findings as rows (so lists and searches need not parse
reports), its artifacts as content-addressed objects and its fingerprints, all written in
one transaction, so a run is either wholly recorded or not at all. A file that could not be
analysed is recorded as a failed run with its error, its bytes kept for inspection.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench._version import __version__
from workbench.errors import StoreError
from workbench.limits import Limits
from workbench.loading import Document, load_document
from workbench.model import Finding, Report, Severity
from workbench.names import printable
from workbench.serialize import finding_from_dict, region_to_dict, report_from_json, report_to_json
from workbench.store.database import Database, now_iso, require_reviewer, to_json
from workbench.store.fingerprints import record_fingerprints
from workbench.store.migrations import analysis_key
from workbench.store.names import record_names
from workbench.store.records import (
    ArtifactRecord,
    DocumentRecord,
    NotFoundError,
    RunRecord,
    from_row,
)

UNKNOWN_MEDIA_TYPE = "application/octet-stream"
#: The JSON columns of a run.
_RUN_JSON = ("check_versions", "options", "timings")


class Documents(Database):
    """The originals and the analyses of them: what the pipeline and batch runs write."""

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
        with self.transaction() as conn:
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
                self.append_audit(
                    conn,
                    require_reviewer(actor),
                    sha256,
                    "document.ingest",
                    None,
                    None,
                    original_name,
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
        return bool(self.query("SELECT 1 FROM documents WHERE sha256 = ?", (sha256,)))

    def document(self, sha256: str) -> DocumentRecord:
        """The stored document with this hash; raises `NotFoundError`."""
        rows = self.query("SELECT * FROM documents WHERE sha256 = ?", (sha256,))
        if not rows:
            raise NotFoundError(f"no document {sha256[:12]} in the store")
        return from_row(DocumentRecord, rows[0])

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
        rows = self.query(
            "SELECT * FROM runs WHERE document_sha256 = ? AND analysis_key = ? "
            f"{status}ORDER BY id DESC LIMIT 1",
            (sha256, key),
        )
        return from_row(RunRecord, rows[0], decode=_RUN_JSON) if rows else None

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
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (document_sha256, tool_name, tool_version, check_versions, "
                "options, started, finished, duration_s, timings, status, error, report_json, "
                "analysis_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok', NULL, ?, ?)",
                (
                    doc.sha256,
                    report.tool.name,
                    report.tool.version,
                    to_json(check_versions),
                    to_json(opts),
                    started or stamp,
                    finished or stamp,
                    duration_s,
                    to_json({c.name: c.duration_s for c in report.checks}),
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
                        to_json([region_to_dict(r) for r in f.regions]),
                        to_json(f.evidence),
                        to_json(list(f.checklist)),
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
            record_names(conn, run_id, doc.sha256, report.results)
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
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (document_sha256, tool_name, tool_version, check_versions, "
                "options, started, finished, duration_s, status, error, analysis_key) "
                "VALUES (?, 'workbench', ?, ?, ?, ?, ?, ?, 'error', ?, ?)",
                (
                    record.sha256,
                    tool_version or __version__,
                    to_json(dict(check_versions)),
                    to_json({**dict(options or {}), "references": refs}),
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

    def runs(self, sha256: str) -> list[RunRecord]:
        """Every run of a document, oldest first."""
        rows = self.query("SELECT * FROM runs WHERE document_sha256 = ? ORDER BY id", (sha256,))
        return [from_row(RunRecord, r, decode=_RUN_JSON) for r in rows]

    def run_count(self) -> int:
        """How many runs the store holds (all documents)."""
        return int(self.query("SELECT count(*) FROM runs")[0][0])

    def latest_run(self, sha256: str, *, ok_only: bool = False) -> RunRecord | None:
        """The most recent run of a document (only successful ones with `ok_only`)."""
        status = "AND status = 'ok' " if ok_only else ""
        rows = self.query(
            f"SELECT * FROM runs WHERE document_sha256 = ? {status}ORDER BY id DESC LIMIT 1",
            (sha256,),
        )
        return from_row(RunRecord, rows[0], decode=_RUN_JSON) if rows else None

    def report(self, run_id: int) -> Report:
        """The report a successful run stored."""
        rows = self.query("SELECT report_json FROM runs WHERE id = ?", (run_id,))
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
        rows = self.query(sql + " ORDER BY severity_rank DESC, id", params)
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
            rows = self.query(
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
        rows = self.query("SELECT * FROM artifacts WHERE run_id = ? ORDER BY id", (run.id,))
        return [from_row(ArtifactRecord, r) for r in rows]

    def read_artifact(self, artifact: ArtifactRecord) -> bytes:
        """An artifact's bytes, verified against its hash."""
        return self.objects.read(artifact.object_sha256)
