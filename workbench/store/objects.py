"""Content-addressed files: originals and artifacts kept once each, read-only, hash-checked.

A file with SHA-256 ``abcdef...`` lives at ``objects/ab/cdef...``. It is written once (to a
temporary name, then renamed, so a crash never leaves half a file under a real name), made
read-only, and its hash is verified every time it is read back: a reviewer must be able to
trust that the bytes shown are the bytes received.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from workbench.errors import StoreError

READ_ONLY = 0o444


class ObjectMissingError(StoreError):
    """A stored file the database refers to is not in the objects folder."""


class ObjectCorruptedError(StoreError):
    """A stored file's bytes no longer match the SHA-256 it was stored under."""


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, read in chunks (no whole-file buffer)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


class ObjectStore:
    """The ``objects/`` folder of a store."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def relative_path(self, sha256: str) -> str:
        """Where an object lives, relative to the store folder (``objects/ab/cdef...``)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a lower-case SHA-256 hex digest: {sha256!r}")
        return f"{self.root.name}/{sha256[:2]}/{sha256[2:]}"

    def path(self, sha256: str) -> Path:
        """Absolute path of the object with this hash (it may not exist)."""
        return self.root.parent / self.relative_path(sha256)

    def put(self, data: bytes) -> str:
        """Store `data` once; returns its SHA-256.

        A present object is verified: when its bytes no longer match (changed on disk), it is
        replaced by `data`, which does, so meeting the original again repairs the store.

        Raises:
            StoreError: the object cannot be written (read-only store, full disk).

        """
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists() and self.problem(sha256) is None:
            return sha256
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        except OSError as exc:
            raise StoreError(f"cannot write to the store at {self.root.parent}: {exc}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, READ_ONLY)
            os.replace(tmp, target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise StoreError(f"cannot write to the store at {self.root.parent}: {exc}") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256

    def problem(self, sha256: str) -> str | None:
        """Why the object with this hash cannot be trusted (missing, changed), or None."""
        try:
            self.read(sha256)
        except StoreError as exc:
            return str(exc)
        return None

    def read(self, sha256: str) -> bytes:
        """The object's bytes, after checking they still hash to `sha256`.

        Raises:
            ObjectMissingError: no object with that hash.
            ObjectCorruptedError: the file was changed after it was stored.

        """
        target = self.path(sha256)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise ObjectMissingError(
                f"stored file {self.relative_path(sha256)} is missing from the store"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"stored file {self.relative_path(sha256)} cannot be read ({exc})"
            ) from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise ObjectCorruptedError(
                f"stored file {self.relative_path(sha256)} has been modified: its SHA-256 is "
                f"now {actual}, not {sha256} as when it was stored; do not trust this copy, "
                "restore it from the original source or a backup"
            )
        return data
