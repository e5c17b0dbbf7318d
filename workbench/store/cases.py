"""Cases in the store: named sets of documents a reviewer compares against one another.

Cases are plain membership rows: one document may belong to several cases, and joining one
is audited like every other reviewer action. What a case's documents share is computed by
`workbench.cases` from the fingerprints (`workbench.store.fingerprints`).
"""

from __future__ import annotations

from workbench.store.database import now_iso, require_reviewer
from workbench.store.documents import Documents


def add_to_case(store: Documents, case_name: str, sha256: str, actor: str) -> bool:
    """Put a stored document in a case (a no-op when it is already there); True when added."""
    name = " ".join(case_name.split())
    who = require_reviewer(actor)
    store.document(sha256)
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO case_documents (case_name, document_sha256, added, added_by) "
            "VALUES (?, ?, ?, ?)",
            (name, sha256, now_iso(), who),
        )
        if cursor.rowcount:
            store.append_audit(conn, who, sha256, "case.add", name, None, name)
    return bool(cursor.rowcount)


def cases(store: Documents) -> list[tuple[str, int]]:
    """Every case with how many documents it holds, by name."""
    rows = store.query(
        "SELECT case_name, count(*) AS n FROM case_documents GROUP BY case_name ORDER BY case_name"
    )
    return [(r["case_name"], r["n"]) for r in rows]


def case_documents(store: Documents, case_name: str) -> list[str]:
    """SHA-256 of the documents in a case, in the order they joined it."""
    rows = store.query(
        "SELECT document_sha256 FROM case_documents WHERE case_name = ? ORDER BY added, rowid",
        (case_name,),
    )
    return [r["document_sha256"] for r in rows]


def cases_of(store: Documents, sha256: str) -> list[str]:
    """The cases a document belongs to."""
    rows = store.query(
        "SELECT case_name FROM case_documents WHERE document_sha256 = ? ORDER BY case_name",
        (sha256,),
    )
    return [r["case_name"] for r in rows]
