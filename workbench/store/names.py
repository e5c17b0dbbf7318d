"""The names index: every person a stored analysis names, searchable without reading reports.

The ``people`` check puts the names it reads on a letter into its results, the ``lists``
check the names of a list's rows, each in Persian with its Latin spellings. A search across
the store ("every document that mentions this person") would otherwise parse the stored
report of every document. The ``names`` table (schema step 5) holds those names, one row per
name and run, written with the run in the same transaction (`record_names`, called by
`Store.record_run`); step 5 fills it from the latest successful run of each document already
stored. Searches read the rows of each document's latest successful run (`stored_names`); the
comparison of a query with a name is `workbench.mentions`'s.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the database module builds its schema with this module's back-fill
    from workbench.store.database import Database

#: The report results that carry names, and what each calls them.
NAME_SOURCES = ("people", "lists")
_SPACES = re.compile(r"[\s\u200c\u200d\u0640]+")


def compact(persian: str) -> str:
    """A Persian name without spaces, joiners and tatweel: the index's exact-match key."""
    return _SPACES.sub("", persian)


@dataclass(frozen=True)
class NameRow:
    """A name as one stored document's latest successful analysis gives it."""

    document_sha256: str
    document: str  # the original file name
    run_id: int
    source: str  # "people" (a letter) or "lists" (a list row)
    role: str  # signatory, addressee, body, or "row N"
    persian: str
    latin: tuple[str, ...]


def names_in_results(results: Mapping[str, Any]) -> Iterator[tuple[str, str, str, list[str]]]:
    """(source, role, Persian name, Latin spellings) of every name a report's results hold."""
    people = results.get("people") or {}
    for person in people.get("persons", []) or [] if isinstance(people, dict) else []:
        if isinstance(person, dict) and person.get("persian"):
            yield (
                "people",
                str(person.get("role", "")),
                str(person["persian"]),
                [str(s) for s in person.get("latin", []) or []],
            )
    lists = results.get("lists") or {}
    for row in lists.get("rows", []) or [] if isinstance(lists, dict) else []:
        if isinstance(row, dict) and row.get("full_name"):
            yield (
                "lists",
                f"row {row.get('number') or row.get('index')}",
                str(row["full_name"]),
                [str(s) for s in row.get("latin", []) or []],
            )


def record_names(
    conn: sqlite3.Connection, run_id: int, sha256: str, results: Mapping[str, Any]
) -> int:
    """Write the names of one run's results; returns how many. Runs in the caller's transaction."""
    rows = [
        (run_id, sha256, source, role, persian, compact(persian), json.dumps(latin))
        for source, role, persian, latin in names_in_results(results)
    ]
    conn.executemany(
        "INSERT INTO names (run_id, document_sha256, source, role, persian, compact, latin) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def backfill_names(conn: sqlite3.Connection) -> None:
    """Schema step 5's data: the names of each stored document's latest successful run."""
    latest = conn.execute(
        "SELECT id, document_sha256, report_json FROM runs WHERE id IN "
        "(SELECT max(id) FROM runs WHERE status = 'ok' GROUP BY document_sha256)"
    ).fetchall()
    for run_id, sha256, report_json in latest:
        try:
            results = json.loads(report_json or "{}").get("results") or {}
        except (ValueError, AttributeError):
            continue  # an unreadable stored report names nobody; it stays readable as it was
        if isinstance(results, dict):
            record_names(conn, int(run_id), str(sha256), results)


_LATEST_OK = "SELECT max(id) FROM runs WHERE status = 'ok' GROUP BY document_sha256"


def stored_names(
    store: Database, *, persian: str | None = None, source: str | None = None
) -> list[NameRow]:
    """Names of every document's latest successful run, in document and row order.

    With `persian`, only the rows whose compact form equals that name's (an indexed look-up);
    with `source`, only those of the ``people`` or the ``lists`` results.
    """
    where, params = [f"n.run_id IN ({_LATEST_OK})"], []
    if persian is not None:
        where.append("n.compact = ?")
        params.append(compact(persian))
    if source is not None:
        where.append("n.source = ?")
        params.append(source)
    rows = store.query(
        "SELECT n.document_sha256, d.original_name, n.run_id, n.source, n.role, n.persian, "
        "n.latin FROM names n JOIN documents d ON d.sha256 = n.document_sha256 "
        f"WHERE {' AND '.join(where)} ORDER BY d.original_name, n.document_sha256, n.id",
        tuple(params),
    )
    return [
        NameRow(
            str(r[0]),
            str(r[1]),
            int(r[2]),
            str(r[3]),
            str(r[4]),
            str(r[5]),
            tuple(str(s) for s in json.loads(r[6] or "[]")),
        )
        for r in rows
    ]
