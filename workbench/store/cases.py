"""Cases in the store: named sets of documents a reviewer compares against one another.

Cases are plain membership rows: one document may belong to several cases, and joining one
is audited like every other reviewer action. What a case's documents share is computed by
`workbench.cases` from the fingerprints (`workbench.store.fingerprints`) when a document is
stored, and kept here (`record_case_search`, `stored_links`): one search row per run, and the
links it found, append-only, which the case view and ``workbench similar`` read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from workbench.store.database import Database, now_iso, require_reviewer
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


# -- what the case service found, stored -------------------------------------------------------


@dataclass(frozen=True)
class CaseLink:
    """One stored near-duplicate page or shared mark, seen from `document_sha256`'s side.

    ``flipped`` is True when the row was written by the other document's search (its
    ``detail`` then reads from the other side and the case service turns it round).
    """

    document_sha256: str
    other_sha256: str
    kind: str
    page: int
    other_page: int
    detail: dict[str, Any]
    flipped: bool


LINK_KINDS = ("near_duplicate", "signature", "seal", "letterhead", "letter_order")


class LetterReading(NamedTuple):
    """A letter's number and date as its letter check read them (date also as ISO Gregorian)."""

    number: str | None
    date_text: str | None
    date: str | None


def stored_letter_readings(store: Database, shas: Sequence[str]) -> dict[str, LetterReading]:
    """The readings stored with the searches of the documents' latest successful runs.

    A document whose latest successful run was not searched is left out.
    """
    out: dict[str, LetterReading] = {}
    wanted = list(dict.fromkeys(shas))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = store.query(
            "SELECT s.document_sha256, s.letter_number, s.letter_date_text, s.letter_date "
            "FROM case_searches s JOIN (SELECT document_sha256 AS d, max(id) AS r FROM runs "
            "WHERE status = 'ok' GROUP BY document_sha256) latest "
            "ON latest.d = s.document_sha256 AND latest.r = s.run_id "
            f"WHERE s.document_sha256 IN ({','.join('?' * len(chunk))})",
            tuple(chunk),
        )
        out.update(
            {
                r["document_sha256"]: LetterReading(
                    r["letter_number"], r["letter_date_text"], r["letter_date"]
                )
                for r in rows
            }
        )
    return out


def searched_letters(store: Database) -> dict[str, tuple[int, LetterReading]]:
    """The searched run and letter reading of every document read with a number and a date.

    Only each document's latest fingerprinted run counts; a document whose latest run was not
    searched, or whose letter check read no number or no date, is left out.
    """
    rows = store.query(
        "SELECT s.run_id, s.document_sha256, s.letter_number, s.letter_date_text, "
        "s.letter_date FROM case_searches s JOIN (SELECT document_sha256 AS d, "
        "max(run_id) AS r FROM page_fingerprints GROUP BY document_sha256) latest "
        "ON latest.d = s.document_sha256 AND latest.r = s.run_id "
        "WHERE s.letter_number IS NOT NULL AND s.letter_date IS NOT NULL"
    )
    return {
        r["document_sha256"]: (
            int(r["run_id"]),
            LetterReading(r["letter_number"], r["letter_date_text"], r["letter_date"]),
        )
        for r in rows
    }


def latest_fingerprinted_run(store: Database, sha256: str) -> int | None:
    """The id of the document's latest run that stored page fingerprints, or None."""
    rows = store.query(
        "SELECT max(run_id) AS r FROM page_fingerprints WHERE document_sha256 = ?", (sha256,)
    )
    return int(rows[0]["r"]) if rows and rows[0]["r"] is not None else None


def was_searched(store: Database, run_id: int) -> bool:
    """Whether the case service's search for this run has been stored."""
    return bool(store.query("SELECT 1 FROM case_searches WHERE run_id = ?", (run_id,)))


def record_case_search(
    store: Database,
    run_id: int,
    sha256: str,
    pages_compared: int,
    links: Sequence[tuple[int, str, str, int, int, dict[str, Any]]],
    letter: LetterReading | None = None,
) -> None:
    """Store one run's search and what it found, in one transaction (a repeat is a no-op).

    `links` are ``(other_run_id, other_sha256, kind, page, other_page, detail)``; `letter` is
    the number and date the run's letter check read, for the case's numbering.
    """
    reading = letter or LetterReading(None, None, None)
    with store.transaction() as conn:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO case_searches (run_id, document_sha256, searched, "
            "pages_compared, letter_number, letter_date_text, letter_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (run_id, sha256, now_iso(), pages_compared, *reading),
        )
        if not cursor.rowcount:
            return
        conn.executemany(
            "INSERT INTO case_links (run_id, document_sha256, other_run_id, other_sha256, kind, "
            "page, other_page, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (run_id, sha256, orun, osha, kind, page, opage, json.dumps(detail))
                for orun, osha, kind, page, opage, detail in links
            ],
        )


def stored_links(store: Database, sha256: str) -> list[CaseLink]:
    """The stored links of a document, found by its own search or by later ones of others.

    Only links between the latest fingerprinted runs of both documents count: a document
    analysed again is searched again, and its older links no longer do.
    """
    rows = store.query(
        "WITH latest AS (SELECT document_sha256 AS d, max(run_id) AS r FROM page_fingerprints "
        "GROUP BY document_sha256) "
        "SELECT l.*, l.document_sha256 = ? AS mine FROM case_links l "
        "JOIN latest a ON a.d = l.document_sha256 AND a.r = l.run_id "
        "JOIN latest b ON b.d = l.other_sha256 AND b.r = l.other_run_id "
        "WHERE l.document_sha256 = ? OR l.other_sha256 = ? ORDER BY l.id",
        (sha256, sha256, sha256),
    )
    out = []
    for r in rows:
        mine = bool(r["mine"])
        out.append(
            CaseLink(
                sha256,
                r["other_sha256"] if mine else r["document_sha256"],
                r["kind"],
                r["page"] if mine else r["other_page"],
                r["other_page"] if mine else r["page"],
                json.loads(r["detail"]),
                not mine,
            )
        )
    return out
