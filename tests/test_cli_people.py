"""The command line for lists, translations and names: real subprocesses, real samples."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from tests.test_cli import run
from workbench.claims import parse_claims
from workbench.errors import ClaimsError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
LIST_HTML = SAMPLES / "lists" / "names_149.html"
QUESTIONED = SAMPLES / "questioned" / "letter_1380-02-24.jpg"
TRANSLATION = SAMPLES / "questioned" / "letter_1380-02-24.en.txt"


def test_count_claim_is_a_whole_number() -> None:
    assert parse_claims({"count": 149}).count == 149
    assert parse_claims({"count": "149"}).count == 149
    for bad in (-1, 1.5, "many", True):
        with pytest.raises(ClaimsError, match="count"):
            parse_claims({"count": bad})


def test_count_claim_reaches_the_lists_check(tmp_path: Path) -> None:
    claims = tmp_path / "claims.json"
    claims.write_text(json.dumps({"count": 150}), encoding="utf-8")
    result = run("check", LIST_HTML, "--claims", claims, "--only", "lists", "--format", "json")
    report = json.loads(result.stdout)
    assert report["claims"] == {"count": 150}
    codes = {f["code"] for f in report["findings"]}
    assert "lists.count_differs" in codes


def test_missing_translation_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("check", LIST_HTML, "--translation", tmp_path / "missing.txt")
    assert result.returncode == 2 and "missing.txt" in result.stderr


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")
def test_translation_option_runs_the_comparison() -> None:
    result = run(
        "check", QUESTIONED, "--translation", TRANSLATION, "--only", "translation", "--format",
        "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [c["status"] for c in report["checks"]] == ["ok"]
    assert report["results"]["translation"]["alignment"]


def test_rows_exported_as_csv_and_names_searched(tmp_path: Path) -> None:
    store = tmp_path / "store"
    folder = tmp_path / "lists"
    folder.mkdir()
    shutil.copy(LIST_HTML, folder / LIST_HTML.name)
    result = run("batch", folder, "--store", store, "--only", "lists", "--out",
                 tmp_path / "out", "--workers", "1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    exported = run("export", LIST_HTML, "--store", store, "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == 149
    assert rows[0]["father"] == "مجید" and rows[0]["latin"].startswith("Siavash Golzari")
    found = run("names", "Siavash Golzari", "--store", store, "--format", "json")
    mentions = json.loads(found.stdout)
    assert [m["role"] for m in mentions if m["document"] == "names_149.html"] == ["row 1"]
