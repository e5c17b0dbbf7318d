"""Each page's logic through Streamlit's AppTest, against a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, QUESTIONED, Case
from workbench.store import Store

TIMEOUT = 120


def app(case: Case, page: str | None = None, reviewer: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["doc"] = case.sha
    at.run()
    if page is not None:
        at.switch_page(f"views/{page}.py")
        at.run()
    if reviewer is not None:
        at.sidebar.text_input(key="reviewer").input(reviewer)
        at.run()
    assert not at.exception, at.exception
    return at


def analysed(at: AppTest, seconds: float = 120) -> None:
    """Rerun the page until the uploads it queued are analysed (the page polls by itself)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pending = [p for p in at.get("progress")] + [i for i in at.info if "waiting" in i.value]
        if not pending and (at.success or at.error):
            return
        time.sleep(0.2)
        at.run()
    pytest.fail("the uploads were not analysed in time")


def test_documents_lists_the_stored_document(case: Case) -> None:
    at = app(case)
    assert at.title[0].value == "Documents"
    table = at.dataframe[0].value
    assert list(table["document"]) == [QUESTIONED.name]
    assert table["checklist"][0] == "0/24"


def test_document_page_shows_page_findings_and_texts(case: Case) -> None:
    at = app(case, "document")
    assert at.title[0].value == "Document"
    assert len(at.get("image")) == 1
    labels = [e.label for e in at.expander]
    assert any("of the file as received" in label for label in labels), labels
    texts = [t.value for t in at.text]
    assert any(t.startswith("English translation") for t in texts), texts


def test_checklist_answer_saves_and_survives_a_new_session(case: Case) -> None:
    at = app(case, "checklist", reviewer="Ana")
    radio = at.radio(key=f"answer-{case.sha}-prov.hash")
    radio.set_value("consistent").run()
    assert not at.exception
    with Store.open(case.store_path) as store:
        saved = store.answers(case.sha)["prov.hash"]
    assert (saved.answer, saved.reviewer, saved.version) == ("consistent", "Ana", 1)
    again = app(case, "checklist", reviewer="Ben")
    assert again.radio(key=f"answer-{case.sha}-prov.hash").value == "consistent"


def test_stale_checklist_save_is_refused_with_a_message(case: Case) -> None:
    at = app(case, "checklist", reviewer="Ana")
    with Store.open(case.store_path) as store:  # another reviewer saves first
        store.answer_item(
            case.sha,
            "meta.timeline",
            "inconsistent",
            "dates clash",
            reviewer="Ben",
            expected_version=0,
        )
    at.radio(key=f"answer-{case.sha}-meta.timeline").set_value("consistent").run()
    errors = [e.value for e in at.error]
    assert any("Not saved" in e and "inconsistent" in e for e in errors), errors
    assert at.radio(key=f"answer-{case.sha}-meta.timeline").value == "consistent"
    with Store.open(case.store_path) as store:
        kept = store.answers(case.sha)["meta.timeline"]
    assert (kept.answer, kept.reviewer) == ("inconsistent", "Ben")


def test_sign_off_and_audit(case: Case) -> None:
    at = app(case, "checklist", reviewer="Ana")
    form_radio = next(r for r in at.radio if r.label == "Verdict")
    form_radio.set_value("unverified")
    at.text_area[0].input("Title of the signatory does not fit the date")
    at.button[-1].click().run()  # the form's submit button is the last button
    assert not at.exception
    with Store.open(case.store_path) as store:
        (signoff,) = store.signoffs(case.sha)
    assert (signoff.reviewer, signoff.verdict) == ("Ana", "unverified")


def test_export_offers_formats_and_withholds_claimreview_without_verdict(case: Case) -> None:
    at = app(case, "export")
    captions = " ".join(c.value for c in at.caption)
    assert "ClaimReview" in captions and "signed off" in captions
    with Store.open(case.store_path) as store:
        store.sign_off(case.sha, reviewer="Ana", verdict="not_as_claimed", reason="See notes")
    at.run()
    assert "signed off" not in " ".join(c.value for c in at.caption)


def test_analyse_page_uploads_and_stores(case: Case) -> None:
    at = app(case, "analyse", reviewer="Ana")
    import io

    from tests.support.fixtures import letter_image

    buffer = io.BytesIO()
    letter_image().save(buffer, format="PNG")
    at.file_uploader(key="uploads").upload("new-scan.png", buffer.getvalue(), "image/png")
    at.multiselect(key="checks").set_value(["file"])
    at.text_input(key="claim_date").input("2001-05-14")
    at.run()
    next(b for b in at.button if b.label == "Analyse").click().run()
    analysed(at)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("new-scan.png: analysed" in s.value for s in at.success)
    with Store.open(case.store_path) as store:
        names = [d.document.original_name for d in store.list_documents()]
    assert "new-scan.png" in names


def test_analyse_page_rejects_bad_claims_and_bad_files(case: Case) -> None:
    at = app(case, "analyse", reviewer="Ana")
    at.file_uploader(key="uploads").upload("broken.jpg", b"not really a jpeg", "image/jpeg")
    at.multiselect(key="checks").set_value(["file"])
    at.run()
    next(b for b in at.button if b.label == "Analyse").click().run()
    analysed(at)
    assert any("rename it" in e.value for e in at.error)
    at.text_input(key="claim_date").input("14 May 2001")
    at.run()
    next(b for b in at.button if b.label == "Analyse").click().run()
    assert any("Claims not accepted" in e.value for e in at.error)


def test_hostile_metadata_is_shown_as_text_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    from tests.support.fixtures import letter_image
    from workbench.casework import Upload, analyse_upload

    hostile = "<script>alert(1)</script> [click](http://evil.example) **bold**"
    exif = Image.Exif()
    exif[0x0131] = f"Adobe Photoshop 7.0 {hostile}"  # Software
    exif[0x013B] = hostile  # Artist
    path = tmp_path / "hostile.jpg"
    letter_image().save(path, quality=85, exif=exif)
    folder = tmp_path / "store"
    with Store.open(folder) as store:
        sha = analyse_upload(
            store,
            Upload(f"{hostile}.jpg", path.read_bytes()),
            reviewer="Ana",
            only=["file", "metadata"],
        )
    monkeypatch.setenv("WORKBENCH_STORE", str(folder))
    for page in ("document", "checklist", "export", None):
        at = app(Case(folder, sha), page)
        rendered = [
            *(m.value for m in at.markdown),
            *(c.value for c in at.caption),
            *(e.label for e in at.expander),
            *(s.value for s in at.subheader),
        ]
        for text in rendered:
            assert "[click](http" not in text, (page, text)
            assert "<script>" not in text, (page, text)
            assert "**bold**" not in text, (page, text)
    document_page = app(Case(folder, sha), "document")
    labels = [e.label for e in document_page.expander]
    assert any("editing software" in label.lower() for label in labels), labels


def test_failure_messages_show_file_names_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A batch failure whose message names a file called like a Markdown link and image.
    name = "[click](http://evil.example) ![x](http://evil.example/x.png).jpg"
    folder = tmp_path / "store"
    with Store.open(folder) as store:
        store.record_failure(
            b"\xff\xd8\xff\xe0 cut short", name, f"{name}: cannot be decoded", check_versions={}
        )
        sha = store.list_documents()[0].document.sha256
    monkeypatch.setenv("WORKBENCH_STORE", str(folder))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["doc"] = sha
    at.run()
    at.switch_page("views/document.py")
    at.run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors and all("](http" not in e for e in errors), errors
    assert any("\\[click\\]\\(http" in e for e in errors), errors


def test_documents_page_shows_samples_being_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.casework import write_seed_progress

    folder = tmp_path / "store"
    Store.open(folder).close()
    write_seed_progress(folder, total=17, done=3, current="genuine/control_01.png", finished=False)
    monkeypatch.setenv("WORKBENCH_STORE", str(folder))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    texts = [p.proto.text for p in at.get("progress")]
    assert any("3 of 17 done" in t and "control\\_01" in t for t in texts), texts


def test_document_page_says_an_image_without_decodable_pixels_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.casework import Upload, analyse_upload

    cut = QUESTIONED.read_bytes()[:600]  # the headers only: no pixel can be decoded
    folder = tmp_path / "store"
    with Store.open(folder) as store:
        sha = analyse_upload(store, Upload("cut.jpg", cut), reviewer="Ana", only=["file"])
    monkeypatch.setenv("WORKBENCH_STORE", str(folder))
    at = app(Case(folder, sha), "document")
    infos = [i.value for i in at.info]
    assert not any("text document" in i for i in infos), infos
    assert any(
        i.startswith("An image (image/jpeg) whose pixels could not be decoded: ") for i in infos
    ), infos
