"""The people and lists page through Streamlit's AppTest, on a store with real analyses."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, SAMPLES, analyse_questioned
from workbench.casework import Upload, analyse_upload
from workbench.store import Store

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")


def test_people_page_shows_names_mentions_list_rows_and_alignment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "store"
    html_list = SAMPLES / "lists" / "names_149.html"
    with Store.open(folder) as store:
        sha = analyse_questioned(store, ["people", "translation"])
        list_sha = analyse_upload(
            store, Upload(html_list.name, html_list.read_bytes()), reviewer="Setup", only=["lists"]
        )
    monkeypatch.setenv("WORKBENCH_STORE", str(folder))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["doc"] = sha
    at.run()
    at.switch_page("views/people.py")
    at.run()
    assert not at.exception, at.exception
    people = at.dataframe[0].value
    assert "سیدمرتضی کاویان‌پور" in list(people["name"])
    assert any("Seyyed Morteza Kavianpour" in s for s in people["Latin spellings"])
    assert any("<mark" in h.proto.body for h in at.get("html")), "anchors not marked"
    (aligned,) = [h.proto.body for h in at.get("html") if "Meaning similarity" in h.proto.body]
    assert re.search(r'class="similarity">0\.\d{3}<', aligned), "no pair's similarity shown"
    bodies = at.dataframe[1].value  # the ministries and offices the page names
    assert "دفتر بازرسی و نظارت" in list(bodies["name"])
    at.text_input(key="names-query").input("Kamran Hedayati")
    at.run()
    found = at.dataframe[0].value
    assert list(found["sha256"]) == [list_sha]
