"""Reviewers' work in the store: claims, checklist answers, sign-offs and the audit log.

Reviewer data carries a version number. A save names the version it was based on; when
someone else saved in between, the save is refused with `StaleVersionError` naming who
changed what and when, and nothing is overwritten. Every reviewer action is appended to the
audit log in the same transaction as the change itself, and the database refuses to alter or
delete audit entries.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from workbench.errors import UsageError
from workbench.model import Claims
from workbench.serialize import claims_from_dict, claims_to_dict
from workbench.store.database import now_iso, require_reviewer, to_json
from workbench.store.documents import Documents
from workbench.store.records import (
    ANSWERS,
    MAX_SIGNOFFS,
    VERDICTS,
    AnswerRecord,
    AuditEntry,
    ClaimsRecord,
    SignOffLimitError,
    SignOffRecord,
    StaleVersionError,
    from_row,
)


class Reviews(Documents):
    """What reviewers record about stored documents, versioned and audited."""

    # -- claims ----------------------------------------------------------------------------

    def claims(self, sha256: str) -> ClaimsRecord | None:
        """The claims recorded for a document, or None."""
        rows = self.query("SELECT * FROM claims WHERE document_sha256 = ?", (sha256,))
        if not rows:
            return None
        r = rows[0]
        return from_row(ClaimsRecord, r, claims=claims_from_dict(json.loads(r["claims"])))

    def set_claims(
        self, sha256: str, claims: Claims, *, reviewer: str, expected_version: int
    ) -> ClaimsRecord:
        """Save the claims about a document, based on `expected_version` (0: none yet)."""
        reviewer = require_reviewer(reviewer)
        self.document(sha256)
        new = claims_to_dict(claims)
        with self.transaction() as conn:
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
                    (sha256, to_json(new), stamp, reviewer),
                )
            else:
                cursor = conn.execute(
                    "UPDATE claims SET claims = ?, version = version + 1, updated = ?, "
                    "updated_by = ? WHERE document_sha256 = ? AND version = ?",
                    (to_json(new), stamp, reviewer, sha256, expected_version),
                )
                if cursor.rowcount != 1:  # cannot happen inside BEGIN IMMEDIATE; kept as a guard
                    raise StaleVersionError(f"the claims of {sha256[:12]} changed meanwhile")
            old = json.loads(row["claims"]) if row is not None else None
            self.append_audit(conn, reviewer, sha256, "claims.set", None, old, new)
        record = self.claims(sha256)
        assert record is not None
        return record

    # -- checklist -------------------------------------------------------------------------

    def answers(self, sha256: str) -> dict[str, AnswerRecord]:
        """The checklist answers of a document, by item id."""
        rows = self.query(
            "SELECT * FROM checklist_answers WHERE document_sha256 = ? ORDER BY item_id",
            (sha256,),
        )
        return {r["item_id"]: from_row(AnswerRecord, r) for r in rows}

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
        reviewer = require_reviewer(reviewer)
        if answer not in ANSWERS:
            raise UsageError(f"answer {answer!r} is not one of {', '.join(ANSWERS)}")
        if not item.strip():
            raise UsageError("a checklist item id is required")
        self.document(sha256)
        new = {"answer": answer, "note": note, "reviewer": reviewer}
        with self.transaction() as conn:
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
            self.append_audit(
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
        rows = self.query(
            "SELECT reviewer, verdict, reason, version, signed FROM signoffs "
            "WHERE document_sha256 = ? ORDER BY id",
            (sha256,),
        )
        return [from_row(SignOffRecord, r) for r in rows]

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
        reviewer = require_reviewer(reviewer)
        if verdict not in VERDICTS:
            raise UsageError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
        if not reason.strip():
            raise UsageError("a sign-off needs a written reason")
        self.document(sha256)
        new = {"verdict": verdict, "reason": reason}
        with self.transaction() as conn:
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
                    current=None
                    if row is None
                    else from_row(SignOffRecord, row, reviewer=reviewer),
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
            self.append_audit(conn, reviewer, sha256, "signoff", reviewer, old, new)
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
            from_row(AuditEntry, r, decode=("old_value", "new_value"))
            for r in self.query(sql, params)
        ]
