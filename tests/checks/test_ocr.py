from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein
from workbench_checks.ocr import OcrCheck

from tests.support.text_pages import LETTER_LINES, NOTO_SANS, render_page
from workbench import analyze
from workbench.check import Check
from workbench.context import Context
from workbench.loading import load_document
from workbench.model import CheckResult, Claims, Finding, Report, Status
from workbench.ocr import OcrResult, Tesseract
from workbench.pipeline import run_check, run_pipeline
from workbench.serialize import report_to_dict, validate_report

ENGLISH_LINES = (
    "Please find attached the minutes of the meeting",
    "held last week in the main office building.",
    "Copies were sent to all department heads.",
)


def stack(*pages: Image.Image) -> Image.Image:
    out = Image.new("RGB", (max(p.width for p in pages), sum(p.height for p in pages)), "white")
    top = 0
    for page in pages:
        out.paste(page, (0, top))
        top += page.height
    return out


@pytest.fixture(scope="module")
def persian_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "letter.png"
    render_page(LETTER_LINES).save(path, dpi=(300, 300))
    return path


@pytest.fixture(scope="module")
def mixed_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "mixed.png"
    persian = render_page(LETTER_LINES[:4])
    english = render_page(ENGLISH_LINES, font=NOTO_SANS, rtl=False, size=40)
    stack(persian, english).save(path)
    return path


@pytest.fixture(scope="module")
def persian_report(persian_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    out = tmp_path_factory.mktemp("out")
    return analyze(persian_path, claims={"language": "fa"}, only=["ocr"], out=out)


@pytest.fixture(scope="module")
def mixed_report(mixed_path: Path) -> Report:
    return analyze(mixed_path, claims={"language": "fa"}, only=["ocr"])


def findings(report: Report, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def test_reads_the_page_into_the_report(persian_report: Report) -> None:
    result = persian_report.check("ocr")
    assert result is not None and result.status is Status.OK
    data = persian_report.results["ocr"]
    assert data["language"] == "fas"
    (page,) = data["pages"]
    assert page["index"] == 0 and page["language"] == "fas"
    ratio = difflib.SequenceMatcher(None, page["text"], "\n".join(LETTER_LINES)).ratio()
    assert ratio > 0.97
    assert page["mean_confidence"] > 75
    word = page["words"][0]
    assert word["text"] == "بسمه" and len(word["box"]) == 4 and word["line"] == 0
    assert [line["index"] for line in page["lines"]] == list(range(len(LETTER_LINES)))
    assert "skew_degrees" in page["preprocessing"]
    # A clean Persian letter raises nothing.
    assert not [f for f in persian_report.findings if f.check == "ocr"]


def test_report_validates_against_the_schema(persian_report: Report, mixed_report: Report) -> None:
    validate_report(report_to_dict(persian_report))
    validate_report(report_to_dict(mixed_report))


def test_preprocessed_page_is_an_artifact(persian_report: Report) -> None:
    (artifact,) = persian_report.artifacts
    assert artifact.kind == "ocr_preprocessed" and artifact.page == 0
    assert artifact.path.endswith(".png")


def test_latin_text_on_a_persian_letter(mixed_report: Report, mixed_path: Path) -> None:
    (finding,) = findings(mixed_report, "ocr.unexpected_script")
    assert finding.evidence["scripts"] == ["Latin"]
    assert finding.evidence["foreign_words"] >= 10
    assert "meeting" in " ".join(finding.evidence["examples"] + [""]) or any(
        "meeting" in t for t in finding.evidence["english_reading"].values()
    )
    assert set(finding.checklist) >= {"lang.script", "lang.ocr"}
    # The regions cover the English lines, at the bottom of the page, not the Persian ones.
    height = Image.open(mixed_path).height
    assert len(finding.regions) == len(ENGLISH_LINES)
    assert all(r.y > height / 2 for r in finding.regions)
    # The Persian model read the English lines with low confidence, and says so.
    (weak,) = findings(mixed_report, "ocr.low_confidence_region")
    assert {r.y for r in weak.regions} <= {r.y for r in finding.regions}


def test_latin_text_is_expected_when_english_is_claimed(mixed_path: Path) -> None:
    report = analyze(mixed_path, claims={"language": "en"}, only=["ocr"])
    assert report.results["ocr"]["language"] == "eng"
    assert not findings(report, "ocr.unexpected_script") or all(
        f.evidence["scripts"] == ["Arabic"] for f in findings(report, "ocr.unexpected_script")
    )


def test_a_page_read_in_the_wrong_language_has_low_confidence(tmp_path: Path) -> None:
    path = tmp_path / "english.png"
    render_page(ENGLISH_LINES * 2, font=NOTO_SANS, rtl=False, size=40).save(path)
    report = analyze(path, claims={"language": "fa"}, only=["ocr"])
    (low,) = findings(report, "ocr.low_confidence_page")
    assert low.evidence["mean_confidence"] < 65 and low.page == 0
    assert findings(report, "ocr.unexpected_script")


def test_blank_page_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("RGB", (1200, 1600), "white").save(path)
    report = analyze(path, only=["ocr"])
    assert report.results["ocr"]["pages"][0]["text"] == ""
    assert findings(report, "ocr.no_text")


def test_skipped_when_the_language_data_is_missing(persian_path: Path, tmp_path: Path) -> None:
    context = Context(
        document=load_document(persian_path),
        options={"ocr.engine": Tesseract(tessdata=tmp_path)},
    )
    result = run_check(OcrCheck(), context)
    assert result.status is Status.SKIPPED
    assert result.message is not None
    assert "apt-get install tesseract-ocr-fas" in result.message


def test_skipped_when_tesseract_is_missing(persian_path: Path, tmp_path: Path) -> None:
    context = Context(
        document=load_document(persian_path),
        options={"ocr.engine": Tesseract(command=str(tmp_path / "missing"))},
    )
    result = run_check(OcrCheck(), context)
    assert result.status is Status.SKIPPED and "tesseract" in (result.message or "")


def test_text_documents_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("\n".join(LETTER_LINES), encoding="utf-8")
    report = analyze(path, only=["ocr"])
    result = report.check("ocr")
    assert result is not None and result.status is Status.SKIPPED
    assert "page images" in (result.message or "")


class _Counting(Tesseract):
    calls = 0

    def recognize(self, *args: object, **kwargs: object) -> OcrResult:
        type(self).calls += 1
        return super().recognize(*args, **kwargs)  # type: ignore[arg-type]


class _TextReader(Check):
    name = "text_reader"
    version = "1"
    title = "reads the OCR text"
    explanation = "test check"

    def run(self, context: Context) -> CheckResult:
        return self.ok(results={"text": context.ocr(0).text})


def test_ocr_is_shared_with_other_checks(persian_path: Path) -> None:
    engine = _Counting()
    context = Context(
        document=load_document(persian_path),
        claims=Claims(language="fa"),
        options={"ocr.engine": engine},
    )
    report = run_pipeline(context, [OcrCheck(), _TextReader()])
    assert engine.calls == 1
    assert report.results["text_reader"]["text"] == report.results["ocr"]["pages"][0]["text"]


SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def sample(kind: str) -> dict[str, Any]:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    return next(d for d in manifest["documents"] if d["kind"] == kind)


@pytest.mark.skipif(not (SAMPLES / "manifest.json").exists(), reason="samples not generated")
def test_questioned_sample_text_is_in_the_report() -> None:
    doc = sample("questioned")
    claims = json.loads(
        (SAMPLES / doc["path"]).with_suffix(".claims.json").read_text(encoding="utf-8")
    )
    report = analyze(SAMPLES / doc["path"], claims=claims, only=["ocr"])
    (page,) = report.results["ocr"]["pages"]
    assert page["language"] == "fas"
    body = "\n".join(doc["truth"]["body_lines"])
    # The body lines, in order: a small edit distance on a 150-dpi recompressed JPEG.
    start = page["text"].find(doc["truth"]["body_lines"][0][:10])
    assert start >= 0, page["text"]
    read = page["text"][start : start + len(body)]
    errors = Levenshtein.distance(" ".join(read.split()), " ".join(body.split()))
    assert errors / len(body) < 0.05
    assert "تاریخ" in page["text"] and "۱۳۸۰" in page["text"]
    validate_report(report_to_dict(report))
