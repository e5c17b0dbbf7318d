from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.store.helpers import file_report, letter_file
from workbench.store import SCHEMA_VERSION, SchemaVersionError, Store, analysis_key
from workbench.store.migrations import MIGRATIONS, migrate, schema_version


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [(t, n, " ".join((s or "").split())) for t, n, s in rows]


STEPS = [m.version for m in MIGRATIONS]


def test_steps_are_numbered_in_order() -> None:
    # numbers are handed out per change, so one may be skipped until its step lands
    assert STEPS[0] == 1 and sorted(set(STEPS)) == STEPS and STEPS[-1] == SCHEMA_VERSION


@pytest.mark.parametrize("start", [0, *STEPS])
def test_upgrade_from_every_earlier_version_gives_the_same_schema(
    tmp_path: Path, start: int
) -> None:
    fresh = tmp_path / "fresh"
    with Store.open(fresh) as store:
        expected = _schema(store.conn)
    old = tmp_path / "old"
    old.mkdir()
    conn = _connect(old / "workbench.sqlite3")
    assert migrate(conn, target=start) == [v for v in STEPS if v <= start]
    conn.close()
    with Store.open(old) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION
        assert _schema(store.conn) == expected


def test_v1_store_with_data_upgrades_and_keeps_it(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    conn = _connect(folder / "workbench.sqlite3")
    migrate(conn, target=1)
    sha = "ab" * 32
    conn.execute(
        "INSERT INTO documents VALUES (?, 'letter.jpg', 'image/jpeg', 10, 1, "
        "'2024-01-02T03:04:05.000+00:00', ?)",
        (sha, f"objects/ab/{sha[2:]}"),
    )
    conn.execute(
        "INSERT INTO runs (document_sha256, tool_name, tool_version, check_versions, options, "
        "started, finished, status, error) VALUES (?, 'workbench', '0.1.0', ?, ?, "
        "'2024-01-02T03:04:05Z', '2024-01-02T03:04:06Z', 'error', 'could not decode')",
        (sha, json.dumps({"file": "1", "ocr": "2"}), json.dumps({"references": ["cd" * 32]})),
    )
    conn.execute(
        "INSERT INTO checklist_answers VALUES (?, 'date.claim', 'consistent', 'ok', 'maryam', 3, "
        "'2024-01-02T03:04:07Z')",
        (sha,),
    )
    conn.close()

    with Store.open(folder) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION
        (run,) = store.runs(sha)
        assert run.error == "could not decode"
        assert run.analysis_key == analysis_key({"ocr": "2", "file": "1"}, ["cd" * 32])
        answer = store.answers(sha)["date.claim"]
        assert answer.version == 3 and answer.reviewer == "maryam"
        # the audit log added by step 2 works on the upgraded store
        store.answer_item(
            sha, "date.claim", "inconsistent", "", reviewer="reza", expected_version=3
        )
        assert [e.old_value["answer"] for e in store.audit(sha)] == ["consistent"]


def test_upgraded_store_takes_new_runs(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    conn = _connect(folder / "workbench.sqlite3")
    migrate(conn, target=2)
    conn.close()
    path = letter_file(tmp_path)
    report = file_report(path)
    with Store.open(folder) as store:
        run_id = store.record_run(report, original=path.read_bytes())
        key = analysis_key({"file": "1"}, [])
        assert store.analysed_run(report.document.sha256, key) == run_id


def test_newer_store_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    Store.open(folder).close()
    conn = _connect(folder / "workbench.sqlite3")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaVersionError, match="newer than this workbench"):
        Store.open(folder)


def test_failed_step_leaves_the_store_at_its_version(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "db.sqlite3")
    migrate(conn, target=1)
    # a table with the name of step 2's last index makes that step fail after its other work
    conn.execute("CREATE TABLE signoffs_by_document (x)")
    with pytest.raises(sqlite3.OperationalError, match="already"):
        migrate(conn)
    assert schema_version(conn) == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "audit_log" not in names and "audit_by_document" not in names
