"""The reader seam: which lines the second reader re-reads, which reading is kept, the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from rapidfuzz.distance import Levenshtein

from tests.support.text_pages import LETTER_LINES, render_page
from workbench import analyze
from workbench.api import analyze_document
from workbench.cli import main
from workbench.context import Context
from workbench.imaging.recognition.line_recognizer import reader_available, shared_recognizer
from workbench.loading import load_document
from workbench.ocr import OcrPage, OcrResult, Tesseract
from workbench.reading import (
    SECOND,
    TESSERACT,
    LineEvidence,
    agreement,
    budget_columns,
    choose_line,
    needs_second_reading,
    read_page_text,
    reread_page,
)
from workbench.serialize import report_to_dict, validate_report
from workbench.text.script import classify

needs_reader = pytest.mark.skipif(
    not reader_available(),
    reason="the second reader is not installed (bash scripts/dev.sh install)",
)
SCANNED_LINES = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocr-real-lines"
README = Path(__file__).resolve().parents[1] / "README.md"
TIME_KEYS = frozenset({"seconds", "cpu_seconds"})
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
    reading = reread_page(result.page, gray, shared_recognizer(), mode="auto", budget=0.0)
    assert reading.lines_read_again == 0
    assert reading.page == result.page
    wanted = [r for r in reading.lines if needs_second_reading(r.tesseract)]
    assert reading.skipped_for_budget == len(wanted)


def test_the_budget_grows_with_the_page_and_its_lines() -> None:
    letter_300 = budget_columns((3508, 2480), 20)
    letter_150 = budget_columns((1754, 1240), 20)
    assert letter_300 > letter_150 > budget_columns((1754, 1240), 5) > 0
    assert budget_columns((3508, 2480), 20) == letter_300  # nothing measured at run time
    # About one raw Tesseract pass: on a page of body type, a line or two of it.
    assert 500 < letter_300 < 5_000


@pytest.fixture(scope="module")
def scanned_lines_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 150-dpi page holding real scanned book lines (read from the shared data, not copied)."""
    folder = SCANNED_LINES / "fa-print-dev"
    if not folder.is_dir():
        pytest.skip(f"the scanned lines are not beside the project ({folder.name} missing)")
    page = Image.new("L", (1240, 1754), 255)
    y = 120
    files = sorted(folder.glob("*.png"))
    short = sorted(files, key=lambda png: Image.open(png).width)[:3]
    for png in short + [f for f in files if f not in short][:7]:
        with Image.open(png) as line:
            image = line.convert("L")
        if image.width > 1100:
            image = image.resize((1100, round(image.height * 1100 / image.width)))
        page.paste(image, (1240 - 70 - image.width, y))
        y += image.height + 40
    path = tmp_path_factory.mktemp("reading") / "scanned-lines.png"
    page.convert("RGB").save(path)
    return path


def _without_times(value: object) -> object:
    """A report part with its run times left out (they are the only thing that may differ)."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k not in TIME_KEYS}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


@needs_reader
def test_auto_mode_reads_the_same_lines_again_on_every_run(scanned_lines_page: Path) -> None:
    runs = []
    for _ in range(2):
        analysis = analyze_document(load_document(scanned_lines_page), only=["ocr"])
        data = report_to_dict(analysis.report)
        validate_report(data)
        runs.append(data["results"]["ocr"])
    reader = runs[0]["pages"][0]["preprocessing"]["reader"]
    assert reader["second_reader"] == SECOND
    lines = len(runs[0]["pages"][0]["lines"])
    assert reader["budget_columns"] == budget_columns((1754, 1240), lines)
    # Scanned print: Tesseract is unsure of every line, the budget lets some be read again.
    assert reader["lines_read_again"] >= 1 and reader["skipped_for_budget"] >= 1
    assert _without_times(runs[0]) == _without_times(runs[1])


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
        assert isinstance(line["uncertain"], bool)
    # The schema does not name these fields (it allows more than it names): the README's
    # section on the report does, each of them.
    documented = README.read_text(encoding="utf-8").split("## The report", 1)[1]
    documented = documented.split("\n## ", 1)[0]
    fields = {key for line in page["lines"] for key in line}
    fields |= set(page["preprocessing"]["reader"])
    for name in sorted(fields | {"reader", "note"}):
        assert f"`{name}`" in documented or f".{name}`" in documented, name


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


def test_an_arabic_line_image_whose_fas_text_looks_persian_is_read_with_ara() -> None:
    """A scanned Arabic line (development lines) that the ``fas`` model reads as Persian.

    Without a claimed language the line was given the ``fas`` reading and the Persian
    reader, which write Persian letters into Arabic text; its ``ara`` reading decides now.
    A scanned Persian line stays Persian.
    """
    arabic = SCANNED_LINES / "ar-print-dev" / "094fff94-0002-4de0-aba7-a518ae268d01.png"
    persian = sorted((SCANNED_LINES / "fa-print-dev").glob("*.png"))[:1]
    if not arabic.exists() or not persian:
        pytest.skip("the scanned lines are not beside the project (ocr-real-lines missing)")
    context = Context(document=load_document(arabic))
    fas_text = context.ocr(0, "fas").text
    assert classify(fas_text, code_points_trusted=False).language == "fa"  # the case at issue
    result, reading = context.text_reading(0)
    assert result.page.language == "ara"
    assert result.page.text == context.ocr(0, "ara").text
    assert reading.lines_read_again == 0
    assert "ی" not in result.page.text and "ک" not in result.page.text
    assert Context(document=load_document(persian[0])).text_reading(0)[0].page.language == "fas"


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


@needs_reader
def test_a_line_image_tesseract_finds_nothing_in_is_read_by_the_second_reader() -> None:
    """A faint line Tesseract returns empty still reaches the second reader, as one line."""
    page = np.asarray(render_page([LETTER_LINES[2]], size=40, margin=30).convert("L"))
    rows = np.flatnonzero((page < 128).any(axis=1))
    line = page[rows[0] - 8 : rows[-1] + 8]
    engine = Tesseract()
    found = engine.recognize(line, "fas")
    nothing = OcrResult(
        page=OcrPage(0, "fas", "", (), (), None),
        preprocessed=line,
        steps=found.steps,
        seconds=0.0,
    )
    for mode, reader in (("auto", SECOND), ("tesseract", None)):
        result, reading = read_page_text(
            lambda _: nothing, line, engine=engine, language="fas", mode=mode
        )
        if reader is None:
            assert result.page.text == "" and reading.lines_read_again == 0
            continue
        assert [r.reader for r in reading.lines] == [reader]
        assert agreement(result.page.text, LETTER_LINES[2]) > 0.8, result.page.text
        assert "letters" not in result.steps["reader"]  # type: ignore[operator]


@needs_reader
def test_an_arabic_line_tesseract_finds_nothing_in_is_written_in_arabic_letters() -> None:
    """A bitonal scanned Arabic journal line in which neither ``fas`` nor ``ara`` finds text.

    The second reader reads it (in Persian letters); its reading is Arabic text, so it is
    written in Arabic letters, and the report says so.
    """
    png = SCANNED_LINES / "ar-print-dev" / "0e849278-febd-4993-91ee-596cd673b96d.png"
    if not png.exists():
        pytest.skip("the scanned lines are not beside the project (ocr-real-lines missing)")
    truth = png.with_name(png.name.replace(".png", ".gt.txt")).read_text(encoding="utf-8")
    context = Context(document=load_document(png))
    assert not context.ocr(0, "fas").text.strip() and not context.ocr(0, "ara").text.strip()
    result, reading = context.text_reading(0)
    assert [r.reader for r in reading.lines] == [SECOND]
    assert result.steps["reader"]["letters"] == "arabic"  # type: ignore[index]
    assert not set("یک۰۱۲۳۴۵۶۷۸۹") & set(result.page.text)
    assert reading.lines[0].second is not None
    assert reading.lines[0].second.text == result.page.text
    assert agreement(result.page.text, truth.strip()) > 0.85, result.page.text


def test_cli_reader_option(persian_page: Path) -> None:
    runner = CliRunner()
    args = ["check", str(persian_page), "--only", "ocr", "--format", "json"]
    done = runner.invoke(main, [*args, "--reader", "tesseract"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["results"]["ocr"]["reader"] == "tesseract"
    refused = runner.invoke(main, [*args, "--reader", "none"])
    assert refused.exit_code == 2 and "--reader" in refused.output


@needs_reader
def test_a_page_without_a_line_to_read_again_does_not_load_the_second_reader(
    persian_page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every word read with confidence 99: no line for the second reader, whose model is
    # then not loaded; the reading and its account are those of the loaded reader.
    from dataclasses import replace

    import workbench.reading as reading_module

    gray = np.asarray(Image.open(persian_page).convert("L"))
    engine = Tesseract()
    read = engine.recognize(gray, "fas")
    confident = replace(
        read,
        page=replace(read.page, words=tuple(replace(w, confidence=99.0) for w in read.page.words)),
    )
    assert confident.page.lines
    loaded = read_page_text(lambda _: confident, gray, engine=engine, language="fas", mode="auto")

    def must_not_load() -> None:
        raise AssertionError("the second reader was loaded")

    monkeypatch.setattr(reading_module, "shared_recognizer", must_not_load)
    result, reading = read_page_text(
        lambda _: confident, gray, engine=engine, language="fas", mode="auto"
    )
    assert reading.lines_read_again == 0 and reading.mode == "auto"
    assert (result, reading) == loaded
    assert result.steps["reader"]["second_reader"] == SECOND


@needs_reader
def test_the_ocr_check_warms_the_second_reader_up_only_for_a_document_of_few_pixels(
    persian_page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Six blank Letter pages at 300 dpi (50 million pixels): the model is not loaded ahead
    # of the reading; one page is.
    from workbench_checks.ocr import OcrCheck

    from tests.support.hostile_files import pdf_pages
    from workbench.imaging.recognition import line_recognizer
    from workbench.loading import load_bytes
    from workbench.reading import WARM_UP_MAX_PIXELS

    loaded: list[int] = []
    monkeypatch.setattr(line_recognizer, "shared_recognizer", lambda: loaded.append(1))
    many = load_bytes(pdf_pages(6, 612, 792), "blank.pdf")
    assert sum(p.width * p.height for p in many.pages) > WARM_UP_MAX_PIXELS
    OcrCheck().warm_up(Context(many))
    assert not loaded
    OcrCheck().warm_up(Context(load_document(persian_page)))
    assert loaded == [1]


def _truth(png: Path) -> str:
    return png.with_name(png.name[: -len(".png")] + ".gt.txt").read_text(encoding="utf-8").strip()


def _errors(truth: str, read: str) -> int:
    return int(Levenshtein.distance(" ".join(truth.split()), " ".join(read.split())))


def test_an_arabic_line_tesseract_is_unsure_of_stays_with_tesseract() -> None:
    """A scanned Arabic journal line ``ara`` reads as one line at confidence 57, nine errors.

    The Persian reader, its letters written as Arabic, reads this line better, and the
    journal's lines on the whole; the independent scanned Arabic lines it reads worse
    (``benchmarks/RESULTS.md``). Lines read as Arabic stay with Tesseract: here its raw-line
    reading (``--psm 13``), 81 confident, with four errors, is kept.
    """
    png = SCANNED_LINES / "ar-print-dev" / "0e4000a7-3a61-41e5-a4ac-d3b658b9f2d1.png"
    if not png.exists():
        pytest.skip("the scanned lines are not beside the project (ocr-real-lines missing)")
    context = Context(document=load_document(png))
    result, reading = context.text_reading(0)
    assert result.page.language == "ara"
    assert reading.lines_read_again == 0
    assert [r.reader for r in reading.lines] == [TESSERACT]
    step = result.steps["arabic_line"]
    assert step["kept"] == "--psm 13"
    assert step["raw_line_confidence"] > step["single_line_confidence"]
    single_line = context.ocr(0, "ara").text
    assert result.page.text != single_line
    assert _errors(_truth(png), result.page.text) < _errors(_truth(png), single_line)


def test_an_arabic_line_keeps_its_single_line_reading_when_that_is_more_confident() -> None:
    """A journal line ``ara`` reads as one line at 85 with two errors, as a raw line at 80."""
    png = SCANNED_LINES / "ar-print-dev" / "0dd349cd-e914-4ff6-95c9-25db444b3682.png"
    if not png.exists():
        pytest.skip("the scanned lines are not beside the project (ocr-real-lines missing)")
    context = Context(document=load_document(png))
    result, _ = context.text_reading(0)
    assert result.page.language == "ara"
    assert result.steps["arabic_line"]["kept"] == "--psm 7"
    assert result.page.text == context.ocr(0, "ara").text
    assert _errors(_truth(png), result.page.text) <= 2


def test_a_persian_line_is_not_read_as_a_raw_line() -> None:
    """The raw-line reading is for Arabic line images only: a Persian book line is unchanged."""
    persian = sorted((SCANNED_LINES / "fa-print-dev").glob("*.png"))[:1]
    if not persian:
        pytest.skip("the scanned lines are not beside the project (ocr-real-lines missing)")
    gray = np.asarray(Image.open(persian[0]).convert("L"))
    engine = Tesseract()
    result, _ = read_page_text(
        lambda language: engine.recognize(gray, language),
        gray,
        engine=engine,
        language=None,
        mode="tesseract",
    )
    assert result.page.language == "fas"
    assert "arabic_line" not in result.steps
    assert result.page.text == engine.recognize(gray, "fas").page.text


def test_a_failed_raw_line_pass_keeps_the_single_line_reading() -> None:
    """Tesseract failing on the extra raw-line pass costs the Arabic line nothing."""
    from workbench.ocr import OcrFailedError
    from workbench.reading_arabic import more_confident_line

    png = SCANNED_LINES / "ar-print-dev" / "0dd349cd-e914-4ff6-95c9-25db444b3682.png"
    if not png.exists():
        pytest.skip("the scanned lines are not beside the project (ocr-real-lines missing)")
    gray = np.asarray(Image.open(png).convert("L"))

    class RawLineFails(Tesseract):
        def data(self, image: Image.Image, language: str, **kwargs: Any) -> dict[str, list[Any]]:
            raise OcrFailedError("tesseract stopped")

    single = Tesseract().recognize(gray, "ara")
    assert more_confident_line(RawLineFails(), gray, single) is single
