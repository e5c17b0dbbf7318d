"""The documents list: every document with its latest analysis and review state, in one query.

This is the one read that joins every part of the store (runs, findings, checklist answers,
sign-offs), so the app's list and the command line's ``list`` cost one query whatever the
store holds; `DocumentFilter` narrows it in SQL rather than after reading.
"""

from __future__ import annotations

from typing import Any

from workbench.model import Severity
from workbench.store.database import Database
from workbench.store.records import DocumentFilter, DocumentRecord, DocumentSummary, from_row


class Listing(Database):
    """The documents list of a store."""

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
        for row in self.query(sql, params):
            verdict = row["verdict"] if row["verdicts"] == 1 else None
            if row["verdicts"] and row["verdicts"] > 1:
                verdict = "disputed"
            top = row["top_rank"]
            out.append(
                DocumentSummary(
                    document=from_row(DocumentRecord, row),
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
