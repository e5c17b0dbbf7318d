from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.casework import Upload, analyse_upload
from workbench.claims import parse_claims
from workbench.store import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
APP = str(ROOT / "workbench" / "app" / "main.py")
QUESTIONED = SAMPLES / "questioned" / "letter_1380-02-24.jpg"


@dataclass
class Case:
    store_path: Path
    sha: str


def analyse_questioned(store: Store, only: list[str]) -> str:
    """Store the questioned sample with its claims and translation, analysed by `only`."""
    claims = json.loads((SAMPLES / "questioned" / "letter_1380-02-24.claims.json").read_text())
    return analyse_upload(
        store,
        Upload(QUESTIONED.name, QUESTIONED.read_bytes()),
        claims=parse_claims(claims),
        translation=Upload(
            "letter.en.txt", (SAMPLES / "questioned" / "letter_1380-02-24.en.txt").read_bytes()
        ),
        reviewer="Setup",
        only=only,
    )


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Case]:
    """A store holding the questioned sample, analysed by the cheap checks, with its claims."""
    folder = tmp_path / "store"
    with Store.open(folder) as store:
        sha = analyse_questioned(store, ["file"])
    monkeypatch.setenv("WORKBENCH_STORE", str(folder))
    yield Case(folder, sha)


def open_cases_page(timeout: float = 120) -> AppTest:
    """The app run to its Cases page over the store `WORKBENCH_STORE` names, with no exception."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    at.switch_page("views/cases.py")
    at.run()
    assert not at.exception, at.exception
    return at
