"""The reader seam: which lines the second reader re-reads, which reading is kept, the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from tests.support.text_pages import LETTER_LINES, render_page
from workbench import analyze
from workbench.api import analyze_document
from workbench.cli import main
from workbench.context import Context
from workbench.imaging.recognition.line_recognizer import reader_available, shared_recognizer
from workbench.loading import load_document
from workbench.ocr import Tesseract
from workbench.reading import (
    SECOND,
    TESSERACT,
    LineEvidence,
    choose_line,
    needs_second_reading,
    reread_page,
)
from workbench.serialize import report_to_dict, validate_report

needs_reader = pytest.mark.skipif(
    not reader_available(),
    reason="the second reader is not installed (bash scripts/dev.sh install)",
)
NOTO_NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")
ARABIC_LINES = (
    "السيد المدير العام المحترم",
    "تحية طيبة وبعد",
    "نود إعلامكم بأن الاجتماع الشهري سيعقد يوم الأحد القادم في قاعة الاجتماعات.",
    "يرجى التكرم بالاطلاع واتخاذ ما ترونه مناسبا من إجراءات.",
    "وتفضلوا بقبول فائق الاحترام والتقدير.",
)


def test_low_confidence_lines_are_read_again() -> None:
    assert needs_second_reading(LineEvidence("سلام", None))
    assert needs_second_reading(LineEvidence("سلام", 70.0))
    assert not needs_second_reading(LineEvidence("سلام", 97.0))


def test_the_confident_second_reading_is_kept() -> None:
    choice = choose_line(LineEvidence("مجرماد تاریخ", 65.0), LineEvidence("محرمانه تاریخ", 99.7))
    assert choice.reader == SECOND and choice.text == "محرمانه تاریخ"
    assert not choice.uncertain


def test_an_unsure_second_reading_is_not_kept() -> None:
    choice = choose_line(LineEvidence("سس ۶۳", 49.5), LineEvidence("بی", 46.5))
    assert choice.reader == TESSERACT
    assert choice.uncertain  # the two share nothing: a reviewer should look


def test_a_very_confident_tesseract_reading_stands() -> None:
    choice = choose_line(LineEvidence("جناب آقای", 97.0), LineEvidence("جناب آقا", 90.0))
    assert choice.reader == TESSERACT


def test_an_empty_second_reading_changes_nothing() -> None:
    choice = choose_line(LineEvidence("سلام", 50.0), LineEvidence("", None))
    assert choice == choose_line(LineEvidence("سلام", 50.0), LineEvidence(" ", 10.0))
    assert choice.reader == TESSERACT and choice.agreement is None


@pytest.fixture(scope="module")
def persian_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reading") / "letter.png"
    render_page(LETTER_LINES).save(path)
    return path


@pytest.fixture(scope="module")
def arabic_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reading") / "arabic.png"
    render_page(ARABIC_LINES, font=NOTO_NASKH, size=40).save(path)
    return path


@pytest.fixture(scope="module")
def every_line(persian_page: Path) -> Context:
    """A context whose report text has every line read by both readers (computed once)."""
    if not reader_available():
        pytest.skip("the second reader is not installed (bash scripts/dev.sh install)")
    context = Context(document=load_document(persian_page), options={"ocr.reader": "all"})
    context.text_reading(0)
    return context


def test_every_line_mode_keeps_the_layout(every_line: Context) -> None:
    result, reading = every_line.text_reading(0)
    raw = every_line.ocr_result(0, "fas").page
    assert reading.lines_read_again == len(raw.lines)
    page = result.page
    assert len(page.lines) == len(raw.lines)
    for before, after in zip(raw.lines, page.lines, strict=True):
        x, y, w, h = before.box
        for i in after.words:
            wx, wy, ww, _ = page.words[i].box
            assert x - h <= wx and wx + ww <= x + w + h and wy == y
    assert page.text == "\n".join(line.text for line in page.lines)
    assert {r.reader for r in reading.lines} <= {TESSERACT, SECOND}


@needs_reader
def test_auto_mode_stays_within_its_budget(persian_page: Path) -> None:
    gray = np.asarray(Image.open(persian_page).convert("L"))
    result = Tesseract().recognize(gray, "fas")
    reading = reread_page(result.page, gray, shared_recognizer(), mode="auto", budget_s=0.0)
    assert reading.lines_read_again == 0
    assert reading.page == result.page
    wanted = [r for r in reading.lines if needs_second_reading(r.tesseract)]
    assert reading.skipped_for_budget == len(wanted)


def test_tesseract_mode_reads_once(persian_page: Path) -> None:
    report = analyze(persian_page, only=["ocr"])
    assert report.results["ocr"]["reader"] == "auto"
    document = load_document(persian_page)
    analysis = analyze_document(document, only=["ocr"], options={"ocr.reader": "tesseract"})
    ocr = analysis.report.results["ocr"]
    assert ocr["reader"] == "tesseract"
    page = ocr["pages"][0]
    assert page["preprocessing"]["reader"]["second_reader"] is None
    assert {line["reader"] for line in page["lines"]} == {TESSERACT}
    validate_report(report_to_dict(analysis.report))


@needs_reader
def test_report_says_which_reader_made_each_line(persian_page: Path) -> None:
    document = load_document(persian_page)
    analysis = analyze_document(document, only=["ocr"], options={"ocr.reader": "all"})
    data = report_to_dict(analysis.report)
    validate_report(data)
    page = data["results"]["ocr"]["pages"][0]
    assert page["preprocessing"]["reader"]["second_reader"] == SECOND
    for line in page["lines"]:
        assert line["reader"] in (TESSERACT, SECOND)
        assert set(line["readings"]) == {TESSERACT, SECOND}
        assert 0.0 <= line["agreement"] <= 1.0
        assert line["text"] == line["readings"][line["reader"]]["text"]


def test_script_evidence_never_comes_from_the_second_reader(every_line: Context) -> None:
    raw = Tesseract().recognize(every_line.page_gray(0), "fas").page
    assert every_line.ocr(0, "fas").text == raw.text
    assert every_line.ocr(0) is every_line.text_reading(0)[0].page


def test_an_arabic_page_without_a_claim_is_read_with_ara(arabic_page: Path) -> None:
    context = Context(document=load_document(arabic_page))
    result, reading = context.text_reading(0)
    assert result.page.language == "ara"
    assert reading.lines_read_again == 0  # the Persian reader is not used on Arabic text
    assert result.page.text == context.ocr(0, "ara").text
    claimed = Context(document=load_document(arabic_page), claims=None)
    assert claimed.ocr(0).language == "ara"


def test_an_unknown_reader_mode_is_an_error(persian_page: Path) -> None:
    context = Context(document=load_document(persian_page), options={"ocr.reader": "other"})
    with pytest.raises(ValueError, match="reader mode"):
        context.text_reading(0)


def test_a_line_image_is_read_as_one_line() -> None:
    page = np.asarray(render_page([LETTER_LINES[2]], size=40, margin=30).convert("L"))
    rows = np.flatnonzero((page < 128).any(axis=1))
    line = page[rows[0] - 8 : rows[-1] + 8]
    result = Tesseract().recognize(line, "fas")
    assert result.steps == {"single_line": True}
    assert len(result.page.lines) == 1
    assert result.cpu_seconds is not None and result.cpu_seconds > 0


def test_cli_reader_option(persian_page: Path) -> None:
    runner = CliRunner()
    args = ["check", str(persian_page), "--only", "ocr", "--format", "json"]
    done = runner.invoke(main, [*args, "--reader", "tesseract"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["results"]["ocr"]["reader"] == "tesseract"
    refused = runner.invoke(main, [*args, "--reader", "none"])
    assert refused.exit_code == 2 and "--reader" in refused.output
