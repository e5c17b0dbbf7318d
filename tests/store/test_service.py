from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.store.helpers import file_report, letter_file, tamper_original
from workbench.errors import UsageError
from workbench.model import Claims, Severity
from workbench.serialize import report_to_dict
from workbench.store import (
    DocumentFilter,
    NotFoundError,
    ObjectCorruptedError,
    SignOffLimitError,
    StaleVersionError,
    Store,
    default_store_path,
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "store") as s:
        yield s


@pytest.fixture
def stored(store: Store, tmp_path: Path) -> str:
    path = letter_file(tmp_path / "in")
    report = file_report(path)
    store.record_run(report, original=path.read_bytes(), options={"only": ["file"]})
    return report.document.sha256


def test_default_store_path_order(tmp_path: Path) -> None:
    assert default_store_path({"WORKBENCH_STORE": "/x/s", "XDG_DATA_HOME": "/d"}) == Path("/x/s")
    assert default_store_path({"XDG_DATA_HOME": "/d"}) == Path("/d/workbench")
    assert default_store_path({}) == Path.home() / ".local" / "share" / "workbench"


def test_open_uses_wal_and_foreign_keys(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert (store.path / "workbench.sqlite3").is_file()


def test_record_run_keeps_report_findings_and_original(store: Store, stored: str) -> None:
    report = store.latest_report(stored)
    assert report is not None and report.document.sha256 == stored
    # the stored contract JSON reads back into an equal report
    assert report_to_dict(report)["findings"][0]["code"].startswith("file.")
    findings = store.findings(stored)
    assert [f.code for f in findings] == [f.code for f in report.findings]
    assert [f.code for f in store.findings(stored, item="prov.hash")] == ["file.sha256"]
    record = store.document(stored)
    assert record.original_name == "letter.png" and record.media_type == "image/png"
    assert record.page_count == 1
    original = store.original_path(stored)
    assert original.relative_to(store.path).as_posix() == f"objects/{stored[:2]}/{stored[2:]}"
    assert original.stat().st_mode & 0o777 == 0o444
    assert store.read_original(stored) == original.read_bytes()
    run = store.latest_run(stored)
    assert run is not None and run.status == "ok" and run.check_versions == {"file": "1"}
    assert run.options["only"] == ["file"] and "file" in run.timings


def test_same_original_is_stored_once(store: Store, stored: str, tmp_path: Path) -> None:
    again = store.ingest_file(letter_file(tmp_path / "copy", name="renamed.png"))
    assert again.sha256 == stored and again.original_name == "letter.png"
    assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert len(list((store.path / "objects").rglob("*"))) == 2  # one folder, one file


def test_modified_original_is_caught(store: Store, stored: str) -> None:
    tamper_original(store, stored)
    with pytest.raises(ObjectCorruptedError, match="has been modified"):
        store.read_original(stored)


def test_artifacts_are_kept_and_verified(store: Store, tmp_path: Path) -> None:
    from dataclasses import replace

    from workbench.model import Artifact

    path = letter_file(tmp_path / "in", seed=3)
    report = file_report(path)
    artifact = Artifact("file/map", "heatmap", "image/png", "artifacts/file/map.png", page=0)
    report = replace(report, artifacts=(artifact,))
    store.record_run(
        report, original=path.read_bytes(), artifacts={artifact.path: b"\x89PNG fake bytes"}
    )
    (record,) = store.artifacts(report.document.sha256)
    assert record.artifact_id == "file/map" and record.size_bytes == 15
    assert store.read_artifact(record) == b"\x89PNG fake bytes"
    stored = store.objects.path(record.object_sha256)
    stored.chmod(0o644)
    stored.write_bytes(b"\x89PNG other bytes")
    with pytest.raises(ObjectCorruptedError):
        store.read_artifact(record)


def test_record_run_refuses_bytes_of_another_file(store: Store, tmp_path: Path) -> None:
    report = file_report(letter_file(tmp_path / "a", seed=1))
    with pytest.raises(Exception, match="hash"):
        store.record_run(report, original=letter_file(tmp_path / "b", seed=2).read_bytes())
    with pytest.raises(NotFoundError):
        store.record_run(file_report(letter_file(tmp_path / "c", seed=4)))


def test_stale_checklist_save_is_refused(store: Store, stored: str) -> None:
    first = store.answer_item(
        stored, "date.claim", "consistent", "matches", reviewer="maryam", expected_version=0
    )
    assert first.version == 1
    second = store.answer_item(
        stored, "date.claim", "inconsistent", "weekday off", reviewer="reza", expected_version=1
    )
    assert second.version == 2
    # maryam still has version 1 on screen: her save must not overwrite reza's
    with pytest.raises(StaleVersionError, match="changed by reza") as info:
        store.answer_item(
            stored, "date.claim", "cannot_tell", "", reviewer="maryam", expected_version=1
        )
    assert info.value.current.answer == "inconsistent"
    # a second "first answer" is stale too
    with pytest.raises(StaleVersionError):
        store.answer_item(
            stored, "date.claim", "consistent", "", reviewer="sara", expected_version=0
        )
    assert store.answers(stored)["date.claim"].answer == "inconsistent"
    with pytest.raises(UsageError):
        store.answer_item(stored, "date.claim", "maybe", "", reviewer="x", expected_version=2)
    with pytest.raises(UsageError):
        store.answer_item(stored, "date.claim", "consistent", "", reviewer=" ", expected_version=2)


def test_audit_log_records_actions_and_is_append_only(store: Store, stored: str) -> None:
    store.answer_item(stored, "lang.script", "consistent", "", reviewer="a", expected_version=0)
    store.answer_item(stored, "lang.script", "inconsistent", "n", reviewer="b", expected_version=1)
    store.set_claims(stored, Claims(date="2001-05-14"), reviewer="a", expected_version=0)
    store.sign_off(stored, reviewer="a", verdict="unverified", reason="awaiting issuer")
    entries = store.audit(stored)
    assert [e.action for e in entries] == [
        "checklist.answer",
        "checklist.answer",
        "claims.set",
        "signoff",
    ]
    assert entries[1].actor == "b" and entries[1].target == "lang.script"
    assert entries[1].old_value["answer"] == "consistent"
    assert entries[1].new_value["answer"] == "inconsistent"
    assert entries[2].new_value == {"date": "2001-05-14"}
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE audit_log SET actor = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM audit_log")
    assert len(store.audit(stored)) == 4


def test_claims_are_versioned(store: Store, stored: str) -> None:
    assert store.claims(stored) is None
    c1 = store.set_claims(stored, Claims(author="X"), reviewer="a", expected_version=0)
    assert c1.version == 1 and c1.claims.author == "X"
    with pytest.raises(StaleVersionError, match="changed by a"):
        store.set_claims(stored, Claims(author="Y"), reviewer="b", expected_version=0)
    c2 = store.set_claims(stored, Claims(author="Y"), reviewer="b", expected_version=1)
    assert c2.version == 2 and c2.updated_by == "b"


def test_at_most_two_signoffs_and_verdicts(store: Store, stored: str) -> None:
    store.sign_off(stored, reviewer="a", verdict="not_as_claimed", reason="seal cloned")
    (summary,) = store.list_documents()
    assert summary.verdict == "not_as_claimed" and summary.reviewers == ("a",)
    store.sign_off(stored, reviewer="b", verdict="unverified", reason="need issuer")
    assert store.list_documents()[0].verdict == "disputed"
    with pytest.raises(SignOffLimitError, match="already has 2"):
        store.sign_off(stored, reviewer="c", verdict="unverified", reason="x")
    with pytest.raises(StaleVersionError):
        store.sign_off(stored, reviewer="b", verdict="not_as_claimed", reason="agree")
    changed = store.sign_off(
        stored, reviewer="b", verdict="not_as_claimed", reason="agree", expected_version=1
    )
    assert changed.version == 2
    assert store.list_documents()[0].verdict == "not_as_claimed"
    with pytest.raises(UsageError):
        store.sign_off(stored, reviewer="a", verdict="forged", reason="x", expected_version=1)


def test_list_documents_with_filters(store: Store, stored: str, tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.jpg"
    from PIL import Image

    Image.new("RGB", (300, 200), "white").save(tiny)
    store.record_run(file_report(tiny), original=tiny.read_bytes())
    failed = store.record_failure(
        b"not a document", "junk.jpg", "junk.jpg: not a format", check_versions={"file": "1"}
    )
    assert failed > 0
    rows = store.list_documents()
    assert len(rows) == 3
    by_name = {r.document.original_name: r for r in rows}
    assert by_name["junk.jpg"].run_status == "error"
    assert by_name["junk.jpg"].run_error == "junk.jpg: not a format"
    assert by_name["tiny.jpg"].highest_severity == "notice"
    assert by_name["tiny.jpg"].counts["notice"] >= 1
    assert rows[0].document.original_name in ("tiny.jpg", "letter.png")
    notable = store.list_documents(DocumentFilter(min_severity=Severity.NOTICE))
    assert {r.document.original_name for r in notable} == {"tiny.jpg", "letter.png"}
    assert [
        r.document.original_name for r in store.list_documents(DocumentFilter(status="error"))
    ] == ["junk.jpg"]
    coded = store.list_documents(DocumentFilter(code="file.low_resolution"))
    assert {r.document.original_name for r in coded} == {"tiny.jpg", "letter.png"}
    store.answer_item(stored, "prov.hash", "consistent", "", reviewer="a", expected_version=0)
    mine = store.list_documents(DocumentFilter(reviewer="a"))
    assert [r.document.sha256 for r in mine] == [stored] and mine[0].answered == 1
    assert len(store.list_documents(DocumentFilter(verdict="none"))) == 3
    assert len(store.list_documents(DocumentFilter(name_contains="TINY"))) == 1
    assert len(store.list_documents(DocumentFilter(limit=1, offset=1))) == 1


def test_store_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(Exception, match="cannot create the store folder"):
        Store.open(blocker / "store")


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "workbench.sqlite3").write_bytes(os.urandom(4096))
    with pytest.raises(Exception, match="not a usable store"):
        Store.open(folder)
