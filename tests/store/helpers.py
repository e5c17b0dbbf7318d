"""Stored reports made by the real pipeline over pages rendered from code."""

from __future__ import annotations

from pathlib import Path

from tests.support.fixtures import letter_image
from workbench.api import analyze
from workbench.model import Report
from workbench.store import Store


def letter_file(folder: Path, name: str = "letter.png", seed: int = 0) -> Path:
    """A page-like PNG written to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    letter_image(width=620, height=877, seed=seed).save(path, dpi=(75, 75))
    return path


def file_report(path: Path) -> Report:
    """The report of the cheap ``file`` check on `path`."""
    return analyze(path, only=["file"])


def tamper_original(store: Store, sha256: str) -> None:
    """Change one byte of a stored original on disk, as an outside process could."""
    path = store.original_path(sha256)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
