"""The Cases page shows a letter number going backwards, as the store found it when storing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.app.conftest import SAMPLES, open_cases_page
from workbench import analyze
from workbench.cases import search_and_store
from workbench.store import Store
from workbench.store.cases import add_to_case

TIMEOUT = 120


def test_cases_page_shows_a_number_going_backwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two letters of one series, given the letter check's reading: the later one numbered lower
    readings = {
        "exemplar_02.png": ("۳۳۰۷/۸۰/ب", "۱۳۸۰/۰۱/۲۷"),
        "exemplar_03.png": ("۱۰۵۰/۸۰/ب", "۱۳۸۰/۰۴/۰۵"),
    }
    store_path = tmp_path / "store"
    with Store.open(store_path) as store:
        for name, (number, date) in readings.items():
            path = SAMPLES / "exemplars" / name
            report = analyze(path, only=["file", "fingerprint"])
            letter = {
                "elements": [{"name": "number", "value": number}, {"name": "date", "value": date}]
            }
            report = replace(report, results={**report.results, "letter": letter})
            store.record_run(report, original=path.read_bytes(), original_name=name)
            search_and_store(store, report.document.sha256)
            add_to_case(store, "office", report.document.sha256, "Ana")
    monkeypatch.setenv("WORKBENCH_STORE", str(store_path))
    at = open_cases_page(TIMEOUT)
    text = " ".join(m.value for m in at.markdown)
    assert text.count("Letter number goes backwards in time") == 2  # on both letters
    # and in the numbering, on the later-dated letter
    assert [w.value.split(":")[0] for w in at.warning if "is lower than" in w.value] == [
        "exemplar\\_03.png"
    ]
