"""The Cases page through Streamlit's AppTest, over a store a batch run filled."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, SAMPLES, open_cases_page
from tests.support.case_store import write_copy
from workbench.batch import BatchOptions, run_batch

TIMEOUT = 120


@pytest.fixture
def leak_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A case 'leak': a letter and another carrying its signature (the samples' splice)."""
    folder = tmp_path / "leak"
    folder.mkdir()
    shutil.copy(SAMPLES / "exemplars" / "exemplar_02.png", folder)
    shutil.copy(SAMPLES / "tampered" / "t01_splice_signature.png", folder)
    store = tmp_path / "store"
    run_batch(
        BatchOptions(root=folder, out=tmp_path / "out", store=store, workers=1, only=("file",))
    )
    monkeypatch.setenv("WORKBENCH_STORE", str(store))
    yield store


def test_cases_page_shows_the_shared_signature_side_by_side(leak_store: Path) -> None:
    at = open_cases_page(TIMEOUT)
    assert at.selectbox(key="case_picker").value == "leak"
    text = " ".join(m.value for m in at.markdown)
    assert "**Signature**" in text and "closer than two separate impressions" in text
    assert "exemplar\\_02.png" in text or "exemplar_02.png" in text
    assert len(at.get("image")) >= 1  # the two signatures, side by side
    subheaders = [s.value for s in at.subheader]
    assert "Provenance links" in subheaders and "Near-duplicates" in subheaders


def test_cases_page_without_cases_says_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_STORE", str(tmp_path / "empty"))
    at = open_cases_page(TIMEOUT)
    assert "No cases yet" in at.info[0].value


def test_document_page_shows_the_shared_signature_found_when_stored(leak_store: Path) -> None:
    from workbench.store import Store, sha256_file

    sha = sha256_file(SAMPLES / "tampered" / "t01_splice_signature.png")
    with Store.open(leak_store) as store:
        assert store.has_document(sha)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["doc"] = sha
    at.run()
    at.switch_page("views/document.py")
    at.run()
    assert not at.exception, at.exception
    # the batch searched the store as it stored the letters: no button, no search now
    text = " ".join(m.value for m in at.markdown)
    assert "closer to exemplar" in text and "two impressions could be" in text


def test_cases_page_says_how_far_a_copy_agrees_pixel_by_pixel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy cropped, rescaled and recompressed: the case view names the evidence that decided."""
    folder = tmp_path / "copies"
    folder.mkdir()
    shutil.copy(SAMPLES / "exemplars" / "exemplar_02.png", folder)
    write_copy(SAMPLES / "exemplars" / "exemplar_02.png", folder / "copy.jpg", (0.1, 0.1, 1, 1), 7)
    store = tmp_path / "store"
    run_batch(
        BatchOptions(
            root=folder, out=tmp_path / "out", store=store, workers=1, only=("file", "fingerprint")
        )
    )
    monkeypatch.setenv("WORKBENCH_STORE", str(store))
    at = open_cases_page(TIMEOUT)
    text = " ".join(m.value for m in at.markdown)
    assert "keypoints verified" in text and "agree pixel by pixel" in text, text
