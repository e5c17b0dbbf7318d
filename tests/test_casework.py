"""Casework service and exports, on a real store and real sample files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.fixtures import letter_image
from workbench.casework import Upload, analyse_upload, checklist_progress, load_review
from workbench.errors import InputError, UsageError
from workbench.export.casefile import (
    claim_review,
    escape_markdown,
    export_review,
    spreadsheet_text,
)
from workbench.export.html import make_preview
from workbench.model import Claims, Severity
from workbench.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "store")


@pytest.fixture
def scan(tmp_path: Path) -> Upload:
    path = tmp_path / "letter.jpg"
    letter_image().save(path, quality=80)
    return Upload("letter <script>alert(1)<script>.jpg", path.read_bytes())


def test_analyse_upload_stores_run_claims_translation_and_exemplar(
    store: Store, scan: Upload, tmp_path: Path
) -> None:
    exemplar = tmp_path / "genuine.png"
    letter_image(seed=5).save(exemplar)
    claims = Claims(date="2001-05-14", author="[click](http://evil.example)", language="fa")
    sha = analyse_upload(
        store,
        scan,
        claims=claims,
        exemplars=[Upload("genuine.png", exemplar.read_bytes())],
        translation=Upload("letter.en.txt", b"Translation: *important*"),
        reviewer="Ana",
        only=["file"],
    )
    review = load_review(store, sha)
    assert review.report is not None and review.report.document.sha256 == sha
    assert review.report.document.path == scan.name
    assert review.claims is not None and review.claims.claims.date == "2001-05-14"
    assert review.translation == "Translation: *important*"
    assert store.read_original(sha) == scan.data
    assert len(store.list_documents()) >= 2  # the exemplar and translation are kept too
    assert checklist_progress(review) == (0, 24)


def test_bad_upload_is_refused_and_nothing_stored(store: Store) -> None:
    with pytest.raises(InputError, match="rename it"):
        analyse_upload(store, Upload("x.jpg", b"not an image"), reviewer="Ana", only=["file"])
    assert store.list_documents() == []


def test_exports_escape_document_strings(store: Store, scan: Upload) -> None:
    claims = Claims(author="[click](http://evil.example) <img src=x onerror=alert(1)>")
    sha = analyse_upload(store, scan, claims=claims, reviewer="Ana", only=["file"])
    store.answer_item(
        sha, "prov.hash", "consistent", "recorded <b>here</b>", reviewer="Ana", expected_version=0
    )
    review = load_review(store, sha)
    previews = [make_preview(0, letter_image())]

    html, media_type, name = export_review(review, "html", previews)
    text = html.decode()
    assert media_type == "text/html" and name.endswith(".html")
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>here" not in text
    assert "&lt;script&gt;alert(1)&lt;script&gt;" in text
    assert "data:image/jpeg;base64," in text and "recorded &lt;b&gt;here&lt;/b&gt;" in text

    md = export_review(review, "md")[0].decode()
    assert "[click](http" not in md and "\\[click\\]\\(http" in md
    assert "<script>" not in md

    data = json.loads(export_review(review, "json")[0])
    assert data["checklist"]["prov.hash"]["answer"] == "consistent"
    assert data["report"]["document"]["sha256"] == sha
    assert data["audit"][-1]["action"].startswith("checklist")


def test_claimreview_needs_an_agreed_verdict(store: Store, scan: Upload) -> None:
    sha = analyse_upload(
        store,
        scan,
        claims=Claims(date="2001-05-14", author="A. Signatory"),
        reviewer="Ana",
        only=["file"],
    )
    with pytest.raises(UsageError, match="signed off"):
        claim_review(load_review(store, sha))
    store.sign_off(sha, reviewer="Ana", verdict="not_as_claimed", reason="Title wrong for date")
    doc = claim_review(load_review(store, sha))
    assert doc["@type"] == "ClaimReview" and doc["reviewRating"]["ratingValue"] == 1
    assert doc["itemReviewed"]["author"]["name"] == "A. Signatory"
    assert doc["itemReviewed"]["dateCreated"] == "2001-05-14"
    store.sign_off(sha, reviewer="Ben", verdict="unverified", reason="Cannot tell")
    assert load_review(store, sha).verdict == "disputed"
    with pytest.raises(UsageError, match="disagree"):
        claim_review(load_review(store, sha))


def test_claimreview_cannot_close_the_script_element(store: Store, scan: Upload) -> None:
    author = "</script><script>alert(1)</script>"
    sha = analyse_upload(store, scan, claims=Claims(author=author), reviewer="Ana", only=["file"])
    store.sign_off(sha, reviewer="Ana", verdict="not_as_claimed", reason="</script> & more")
    data = export_review(load_review(store, sha), "claimreview")[0].decode("utf-8")
    assert "</script" not in data and "<" not in data
    assert json.loads(data)["itemReviewed"]["author"]["name"] == author


def test_spreadsheet_text_keeps_formulas_as_text() -> None:
    assert spreadsheet_text('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert spreadsheet_text("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_text("سیاوش") == "سیاوش"
    assert spreadsheet_text(-3) == -3


def test_escape_markdown() -> None:
    assert escape_markdown("a *b* [c](d)\n# e-f.g") == "a \\*b\\* \\[c\\]\\(d\\) \\# e-f.g"


def test_overlay_layers_colour_words_by_language() -> None:
    from workbench.export.layers import draw_boxes, report_layers
    from workbench.languages import LANGUAGE_RGB
    from workbench.model import DocumentInfo, PageInfo, Report, ToolInfo

    results = {
        "ocr": {
            "pages": [
                {
                    "index": 0,
                    "language": "fas",
                    "text": "x",
                    "words": [{"text": "a", "box": [1, 1, 5, 5]}],
                }
            ]
        },
        "script": {
            "dominant": {"script": "Arabic", "language": "fa", "confidence": 1.0},
            "pages": [
                {
                    "index": 0,
                    "words": [
                        {"text": "a", "box": [1, 1, 5, 5], "language": "ar"},
                        {"text": "b", "box": "hostile", "language": "fa"},
                    ],
                }
            ],
        },
        "dates": {
            "found": [
                {
                    "text": "d",
                    "calendar": "solar_hijri",
                    "gregorian": "2001-05-14",
                    "page": 0,
                    "box": [2, 2, 3, 3],
                }
            ]
        },
    }
    report = Report(
        tool=ToolInfo("workbench", "0"),
        document=DocumentInfo("x.png", "0" * 64, 1, "image/png", (PageInfo(0, 20, 20),)),
        claims=None,
        checks=(),
        findings=(),
        results=results,
        artifacts=(),
    )
    layers = report_layers(report, 0)
    (word,) = layers["OCR words (by language)"]
    assert word.colour == LANGUAGE_RGB["ar"]
    assert layers["Dates found"][0].label == "2001-05-14"
    assert report_layers(report, 1) == {}
    from PIL import Image

    drawn = draw_boxes(Image.new("RGB", (20, 20), "white"), [word])
    assert drawn.getpixel((1, 1)) == LANGUAGE_RGB["ar"]


def test_finding_counts_by_check_in_one_query(store: Store, scan: Upload) -> None:
    sha = analyse_upload(store, scan, reviewer="Ana", only=["file", "metadata"])
    run = store.latest_run(sha, ok_only=True)
    assert run is not None
    expected: dict[str, int] = {}
    for finding in store.findings(sha):
        if finding.severity >= Severity.NOTICE:
            expected[finding.check] = expected.get(finding.check, 0) + 1
    assert store.finding_counts_by_check([run.id]) == {run.id: expected}
    everything = store.finding_counts_by_check([run.id], min_severity=Severity.INFO)
    assert sum(everything[run.id].values()) == len(store.findings(sha))
    assert store.finding_counts_by_check([]) == {}
