"""The store's database seam: the connection, its transactions, queries and the audit log.

A store is one folder: ``workbench.sqlite3`` (SQLite in WAL mode, so readers never block the
writer and several processes can write, one short transaction at a time) and ``objects/``
(content-addressed originals and artifacts, read-only, hash-checked on every read).

`Database` is what every part of the store builds on (documents and runs, reviews, the
documents list, cases and fingerprints): `transaction` for one short write, `query` for a
read, `append_audit` to log a reviewer's action inside the transaction that makes it. A
database error comes out as one `StoreError` line saying what is wrong with the store.
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
from typing import Any, Self

from workbench.errors import StoreError, UsageError
from workbench.store.migrations import migrate
from workbench.store.objects import ObjectStore

DATABASE_NAME = "workbench.sqlite3"
BUSY_TIMEOUT_MS = 30_000


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


def to_json(value: Any) -> str:
    """`value` as JSON text the way the store keeps it (UTF-8 as is, keys sorted)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def require_reviewer(name: str) -> str:
    """The reviewer's name, trimmed; every change must say who made it."""
    name = (name or "").strip()
    if not name:
        raise UsageError("a reviewer name is required for every change")
    return name


@dataclass
class Database:
    """An open store folder's database and objects. Safe to share between threads."""

    path: Path
    conn: sqlite3.Connection
    objects: ObjectStore
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None) -> Self:
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, rolled back on any error.

        The write lock is taken up front (``BEGIN IMMEDIATE``), so two processes never
        deadlock upgrading read locks; the busy timeout makes the second one wait its turn.
        """
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self.fault(exc) from None
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self.fault(exc) from None
                raise

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """The rows of one read query (a database error becomes a `StoreError`)."""
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self.fault(exc) from None

    def fault(self, exc: sqlite3.Error) -> StoreError:
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

    def append_audit(
        self,
        conn: sqlite3.Connection,
        actor: str,
        sha256: str | None,
        action: str,
        target: str | None,
        old: Any,
        new: Any,
    ) -> None:
        """Log a reviewer's action inside the transaction `conn` that makes the change.

        The database refuses to alter or delete audit entries once written.
        """
        conn.execute(
            "INSERT INTO audit_log (at, actor, document_sha256, action, target, old_value, "
            "new_value) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                now_iso(),
                actor,
                sha256,
                action,
                target,
                None if old is None else to_json(old),
                None if new is None else to_json(new),
            ),
        )
