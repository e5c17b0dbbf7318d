"""Fingerprints in the store: the rows the case service compares, and how they are written.

A run's fingerprints come from its ``fingerprint`` check results and are written in the same
transaction as the run itself (`record_fingerprints`, called by `Store.record_run`), so they
always belong to the run that produced them; searches read the latest run's rows of each
document, through the store's public `Database.query` (case membership: `workbench.store.cases`).

Each page's hash is also written cut into bands (`hash_bands`), so that the pages within a few
bits of a hash are found by an indexed look-up (`pages_sharing_a_band`), and the small grey
reduction of the page is kept for checking candidates pixel by pixel (`page_thumbs`). The
visual words of its keypoints (`workbench.imaging.page_words`) are written with it, so that a
search picks the pages worth matching without reading every page's keypoints; pages written
before the words were kept have none (``words`` is None) and are matched as before.
"""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.imaging.fingerprint import Features, hash_bands
from workbench.imaging.layout.marks import coarse_vectors, decode_patch
from workbench.imaging.page_words import page_words, words_from_bytes, words_to_bytes
from workbench.model import Report
from workbench.store.database import Database

#: The report results that carry fingerprints.
FINGERPRINT_CHECK = "fingerprint"
MARK_KINDS = ("signature", "seal", "letterhead")


@dataclass(frozen=True)
class PageFingerprint:
    """One stored page's fingerprints: its hash, keypoints (None when not read) and words.

    ``words`` is None for a page stored before its words were kept.
    """

    document_sha256: str
    run_id: int
    page: int
    width: int
    height: int
    phash: str
    features: Features | None
    #: The row's id, by which its reduction is read (`page_thumbs`).
    id: int = 0
    #: The visual word of each keypoint (`workbench.imaging.page_words`), None when not kept.
    words: np.ndarray | None = None


@dataclass(frozen=True)
class MarkFingerprint:
    """One stored signature, seal or letterhead: its box, patch (PNG) and coarse vector.

    The coarse vector is what the first pass of a search compares
    (`workbench.imaging.layout.marks`). ``patch_png`` is empty when the patch was not read
    (`mark_fingerprints` without patches): `mark_patch` reads it by ``id``.
    """

    document_sha256: str
    run_id: int
    page: int
    kind: str
    box: tuple[int, int, int, int]
    patch_png: bytes
    coarse: np.ndarray
    #: The row's id, by which its patch is read (`mark_patch`).
    id: int = 0


def record_fingerprints(conn: sqlite3.Connection, run_id: int, report: Report) -> int:
    """Write the fingerprints a report's ``fingerprint`` check produced; returns pages written.

    Runs inside the caller's transaction. A report without the check writes nothing.
    """
    result = report.results.get(FINGERPRINT_CHECK) or {}
    pages = [p for p in result.get("pages", []) if isinstance(p, dict) and p.get("phash")]
    sha = report.document.sha256
    rows = []
    for p in pages:
        features = Features.from_text(p["features"])
        rows.append(
            (
                run_id,
                sha,
                int(p["index"]),
                int(p["width"]),
                int(p["height"]),
                str(p["phash"]),
                features.height,
                features.points.astype(np.int16).tobytes(),
                features.descriptors.tobytes(),
                base64.b64decode(p["thumb"]) if p.get("thumb") else None,
                words_to_bytes(page_words(features.descriptors)),
            )
        )
    for row in rows:
        fid = conn.execute(
            "INSERT INTO page_fingerprints (run_id, document_sha256, page, width, height, phash, "
            "feature_height, points, descriptors, thumb, words) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        ).lastrowid
        conn.executemany(
            "INSERT INTO page_hash_bands (fingerprint_id, band, value) VALUES (?, ?, ?)",
            [(fid, band, value) for band, value in enumerate(hash_bands(str(row[5])))],
        )
    conn.executemany(
        "INSERT INTO mark_fingerprints (run_id, document_sha256, page, kind, x, y, width, "
        "height, patch, coarse) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                run_id,
                sha,
                int(p["index"]),
                m["kind"],
                int(m["box"]["x"]),
                int(m["box"]["y"]),
                int(m["box"]["width"]),
                int(m["box"]["height"]),
                base64.b64decode(m["patch"]),
                coarse_vectors([decode_patch(base64.b64decode(m["patch"]))])[0]
                .astype(np.float16)
                .tobytes(),
            )
            for p in pages
            for m in p.get("marks", [])
            if m.get("kind") in MARK_KINDS
        ],
    )
    return len(pages)


_LATEST = (
    "JOIN (SELECT document_sha256 AS d, max(run_id) AS r FROM {table} GROUP BY document_sha256)"
    " latest ON f.document_sha256 = latest.d AND f.run_id = latest.r"
)


def _of_document(document: str | None) -> tuple[str, tuple[str, ...]]:
    """The ``WHERE`` clause (and its parameters) that keeps one document's rows, or none."""
    return ("", ()) if document is None else (" WHERE f.document_sha256 = ?", (document,))


_PAGE_COLUMNS = "f.id, f.run_id, f.document_sha256, f.page, f.width, f.height, f.phash, f.words"
_FEATURE_COLUMNS = ", f.feature_height, f.points, f.descriptors"


def page_fingerprints(
    store: Database, *, with_features: bool = True, document: str | None = None
) -> list[PageFingerprint]:
    """Every document's page fingerprints, from its latest fingerprinted run, with their words.

    Keypoints are kept as raw bytes, so reading a thousand pages' worth is quick; a search
    reads them only for the pages its words picked (`page_features_of`). With `document`,
    that document's only.
    """
    columns = _PAGE_COLUMNS + (_FEATURE_COLUMNS if with_features else "")
    where, params = _of_document(document)
    rows = store.query(
        f"SELECT {columns} FROM page_fingerprints f "
        f"{_LATEST.format(table='page_fingerprints')}{where} ORDER BY f.document_sha256, f.page",
        params,
    )
    return [_page_fingerprint(r, with_features=with_features) for r in rows]


def pages_of_others(store: Database, sha256: str) -> int:
    """Pages a search of `sha256` compares with: the other documents' latest fingerprinted runs.

    A document analysed twice keeps both runs' rows; only its latest run is searched, so only
    its pages count once.
    """
    rows = store.query(
        f"SELECT count(*) AS n FROM page_fingerprints f "
        f"{_LATEST.format(table='page_fingerprints')} WHERE f.document_sha256 != ?",
        (sha256,),
    )
    return int(rows[0]["n"])


def page_features_of(store: Database, ids: Sequence[int]) -> dict[int, PageFingerprint]:
    """The fingerprint rows `ids`, keypoints included, by id."""
    rows = _rows_with_ids(
        store, f"SELECT {_PAGE_COLUMNS}{_FEATURE_COLUMNS} FROM page_fingerprints f", ids
    )
    return {r["id"]: _page_fingerprint(r, with_features=True) for r in rows}


def _rows_with_ids(
    store: Database, select: str, ids: Sequence[int], where: str = ""
) -> list[sqlite3.Row]:
    """Rows of `select` (one ``page_fingerprints`` query) for the fingerprint rows `ids`.

    Queried 500 ids at a time (SQLite's parameter limit); `where` is ``AND``-ed to the ids.
    """
    out: list[sqlite3.Row] = []
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        out += store.query(
            f"{select} WHERE id IN ({','.join('?' * len(chunk))}){where}", tuple(chunk)
        )
    return out


def _page_fingerprint(row: sqlite3.Row, *, with_features: bool) -> PageFingerprint:
    """A `PageFingerprint` from a ``page_fingerprints`` row (keypoints when asked and selected)."""
    features = None
    if with_features:
        features = Features(
            np.frombuffer(row["points"], np.int16).reshape(-1, 2).astype(np.float32),
            np.frombuffer(row["descriptors"], np.uint8).reshape(-1, 32),
            row["feature_height"],
        )
    return PageFingerprint(
        row["document_sha256"],
        row["run_id"],
        row["page"],
        row["width"],
        row["height"],
        row["phash"],
        features,
        row["id"],
        _words(row),
    )


def _words(row: sqlite3.Row) -> np.ndarray | None:
    """The row's visual words; None when not selected or not kept (a page stored before)."""
    try:
        data = row["words"]
    except IndexError:  # a query that did not select them
        return None
    return None if data is None else words_from_bytes(data)


def pages_sharing_a_band(store: Database, phash: str) -> list[PageFingerprint]:
    """The latest-run pages whose hash equals `phash` on at least one band (no keypoints).

    Every page within ``HASH_BANDS - 1`` bits of `phash` is among them; an indexed look-up.
    """
    bands = hash_bands(phash)
    where = " OR ".join("(b.band = ? AND b.value = ?)" for _ in bands)
    rows = store.query(
        "SELECT DISTINCT f.id, f.run_id, f.document_sha256, f.page, f.width, f.height, f.phash "
        f"FROM page_hash_bands b JOIN page_fingerprints f ON f.id = b.fingerprint_id "
        f"{_LATEST.format(table='page_fingerprints')} WHERE {where}",
        tuple(v for band, value in enumerate(bands) for v in (band, value)),
    )
    return [_page_fingerprint(r, with_features=False) for r in rows]


def page_thumbs(store: Database, ids: Sequence[int]) -> dict[int, bytes]:
    """The stored page reductions (JPEG) of the fingerprint rows `ids` that have one."""
    rows = _rows_with_ids(
        store, "SELECT id, thumb FROM page_fingerprints", ids, " AND thumb IS NOT NULL"
    )
    return {r["id"]: bytes(r["thumb"]) for r in rows}


def mark_fingerprints(
    store: Database, *, with_patches: bool = True, document: str | None = None
) -> list[MarkFingerprint]:
    """Every document's marks, from its latest fingerprinted run (`document`'s only, if given).

    Without patches, only the boxes and coarse vectors are read: a search compares every
    stored mark's coarse vector but the patches of a few candidates only (`mark_patch`), and
    reading every patch of a thousand documents cost more than the comparisons.
    """
    columns = "f.id, f.run_id, f.document_sha256, f.page, f.kind, f.x, f.y, f.width, f.height"
    columns += ", f.coarse" + (", f.patch" if with_patches else "")
    where, params = _of_document(document)
    rows = store.query(
        f"SELECT {columns} FROM mark_fingerprints f "
        f"{_LATEST.format(table='mark_fingerprints')}{where} "
        "ORDER BY f.document_sha256, f.page, f.kind",
        params,
    )
    return [
        MarkFingerprint(
            r["document_sha256"],
            r["run_id"],
            r["page"],
            r["kind"],
            (r["x"], r["y"], r["width"], r["height"]),
            bytes(r["patch"]) if with_patches else b"",
            np.frombuffer(r["coarse"], np.float16).astype(np.float32),
            r["id"],
        )
        for r in rows
    ]


def mark_patch(store: Database, mark: MarkFingerprint) -> bytes:
    """The mark's patch (PNG): as read with it, or read now by its id."""
    if mark.patch_png:
        return mark.patch_png
    rows = store.query("SELECT patch FROM mark_fingerprints WHERE id = ?", (mark.id,))
    return bytes(rows[0]["patch"]) if rows else b""


def mark_patches(store: Database, marks: Sequence[MarkFingerprint]) -> dict[int, bytes]:
    """The patches (PNG) of `marks`, by id: as read with them, or read now, 500 per query.

    A search reads its candidates' patches together rather than one query per patch.
    """
    out = {m.id: m.patch_png for m in marks if m.patch_png}
    missing = sorted({m.id for m in marks if not m.patch_png})
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        rows = store.query(
            f"SELECT id, patch FROM mark_fingerprints WHERE id IN ({','.join('?' * len(chunk))})",
            tuple(chunk),
        )
        out.update({r["id"]: bytes(r["patch"]) for r in rows})
    return out
