"""Store faults (read-only database, full disk, changed objects) end in one clear message,
leave the data consistent, and a changed original is noticed everywhere and repaired."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.store.helpers import file_report, letter_file, tamper_original
from tests.test_batch_hostile import InProcess
from workbench.batch import BatchOptions, run_batch
from workbench.casework import load_review
from workbench.cli import main
from workbench.errors import StoreError
from workbench.export.casefile import export_review
from workbench.model import Claims
from workbench.store import ObjectCorruptedError, Store


def _stored(store: Store, folder: Path) -> str:
    path = letter_file(folder)
    report = file_report(path)
    store.record_run(report, original=path.read_bytes(), options={"only": ["file"]})
    return report.document.sha256


def test_object_errors_are_store_errors() -> None:
    assert issubclass(ObjectCorruptedError, StoreError)


def test_read_only_database_is_one_clear_error(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        sha = _stored(store, tmp_path / "in")
        # refuses writes as a read-only file would (file modes do not stop root)
        store.conn.execute("PRAGMA query_only = ON")
        with pytest.raises(StoreError, match=r"read-only; .*nothing was written"):
            store.answer_item(
                sha, "prov.hash", "consistent", "", reviewer="Ana", expected_version=0
            )
        store.conn.execute("PRAGMA query_only = OFF")
        assert store.answers(sha) == {}
        assert not store.conn.in_transaction


def test_full_disk_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(tmp_path / "store") as store:
        sha = _stored(store, tmp_path / "in")
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreError, match="disk is full"):
            store.set_claims(sha, Claims(author="x" * 100_000), reviewer="Ana", expected_version=0)
        assert store.claims(sha) is None

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with Store.open(tmp_path / "store") as store:
        with pytest.raises(StoreError, match="cannot write to the store"):
            store.objects.put(b"new bytes")
        assert not list((store.path / "objects").rglob(".part-*"))


def test_batch_on_a_full_disk_reports_each_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    letter_file(folder, "a.png", seed=1)
    (folder / "b.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut short")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    summary = run_batch(
        BatchOptions(root=folder, out=tmp_path / "out", store=tmp_path / "s", only=("file",)),
        executor=InProcess(),
    )
    assert [r.status for r in summary.rows] == ["error", "error"]
    assert all("No space left" in r.error for r in summary.rows), summary.rows


def test_corrupted_object_is_noticed_by_exports_and_repaired_by_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    path = letter_file(folder)
    options = BatchOptions(root=folder, out=tmp_path / "out", store=tmp_path / "s", only=("file",))
    run_batch(options, executor=InProcess())
    with Store.open(tmp_path / "s") as store:
        sha = store.list_documents()[0].document.sha256
        tamper_original(store, sha)
        review = load_review(store, sha)
        assert review.original_problem is not None and "modified" in review.original_problem
        data = json.loads(export_review(review, "json")[0])
        assert data["document"]["original_verified"] is False
        assert "Stored original not verified" in export_review(review, "md")[0].decode()
        assert "not verified" in export_review(review, "html")[0].decode()

    summary = run_batch(options, executor=InProcess())  # meets the file again
    assert [r.status for r in summary.rows] == ["reused"]
    with Store.open(tmp_path / "s") as store:
        assert store.read_original(sha) == path.read_bytes()
        assert load_review(store, sha).original_problem is None


def test_cli_export_of_a_corrupted_store_is_one_line(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        sha = _stored(store, tmp_path / "in")
        store.objects.path(sha).unlink()
    result = CliRunner().invoke(
        main, ["export", sha[:12], "--store", str(tmp_path / "store"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)["document"]
    assert document["original_verified"] is False and "missing" in document["original_problem"]
    html = CliRunner().invoke(
        main, ["export", sha[:12], "--store", str(tmp_path / "store"), "--format", "html"]
    )
    assert html.exit_code == 0 and "not verified" in html.output
