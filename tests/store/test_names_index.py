"""The names index: filled when a report is stored, back-filled by the upgrade to schema 5."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.api import analyze
from workbench.mentions import find_mentions, shared_names
from workbench.model import Report
from workbench.store import SCHEMA_VERSION, Store
from workbench.store import database as store_database
from workbench.store import documents as store_documents
from workbench.store.migrations import migrate, schema_version
from workbench.store.names import stored_names

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LIST_HTML = SAMPLES / "lists" / "names_149.html"


@pytest.fixture(scope="module")
def list_report() -> Iterator[Report]:
    """The lists check's report on the samples' HTML list of 149 names (no OCR)."""
    yield analyze(LIST_HTML, only=["lists"])


def test_v4_store_with_reports_upgrades_and_indexes_their_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, list_report: Report
) -> None:
    folder = tmp_path / "store"
    # A store written by the previous workbench: schema 4, no names table, a report stored.
    with monkeypatch.context() as m:
        m.setattr(store_database, "migrate", lambda conn: migrate(conn, target=4))
        m.setattr(store_documents, "record_names", lambda *args: 0)
        with Store.open(folder) as store:
            assert schema_version(store.conn) == 4
            store.record_run(list_report, original=LIST_HTML.read_bytes())
    conn = sqlite3.connect(folder / "workbench.sqlite3")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "names" not in tables

    with Store.open(folder) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION
        names = stored_names(store)
        assert len(names) == 149 and {n.source for n in names} == {"lists"}
        assert names[0].role == "row 1" and names[0].latin[0].startswith("Siavash Golzari")
        # searched through the index, in Latin and in Persian letters
        (found,) = find_mentions(store, "Siavash Golzari")
        assert (found.document, found.role) == ("names_149.html", "row 1")
        assert [m.role for m in find_mentions(store, names[0].persian)] == ["row 1"]


LETTER = """جناب آقای بهروز آذرمهر
مدیر کل محترم امور اداری
با سلام و احترام
به استحضار می‌رساند جناب آقای سیاوش گلزاری و سرکار خانم هما رحیمی در جلسه هفته گذشته حضور داشتند.
خواهشمند است دستور فرمایید گزارش جلسه به این دفتر ارسال شود.
"""


def test_stored_reports_fill_the_index_and_only_the_latest_run_counts(
    tmp_path: Path, list_report: Report
) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER, encoding="utf-8")
    with Store.open(tmp_path / "store") as store:
        store.record_run(list_report, original=LIST_HTML.read_bytes())
        report = analyze(letter, only=["people"])
        store.record_run(report, original=letter.read_bytes())
        sha = report.document.sha256
        ours = {n.persian: n.role for n in stored_names(store) if n.document_sha256 == sha}
        assert {"سیاوش گلزاری", "هما رحیمی", "بهروز آذرمهر"} <= set(ours)
        assert ours["بهروز آذرمهر"] == "addressee"
        # the letter's names that are also on the list, from the index alone
        on_list = {(mine.persian, other.role) for mine, other in shared_names(store, sha)}
        assert on_list == {("سیاوش گلزاری", "row 1"), ("هما رحیمی", "row 3")}
        assert [m.document for m in find_mentions(store, "Homa Rahimi")] == [
            "letter.txt",
            "names_149.html",
        ]
        # a newer analysis without the people check: the letter no longer names anyone
        store.record_run(analyze(letter, only=["file"]), original=letter.read_bytes())
        assert [m.document for m in find_mentions(store, "Homa Rahimi")] == ["names_149.html"]
        assert shared_names(store, sha) == []
