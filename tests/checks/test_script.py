from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import features

from tests.support.text_pages import FARSIWEB, LETTER_LINES, render_page
from workbench import analyze
from workbench.model import Claims, Finding, Region, Report
from workbench.serialize import report_to_dict, validate_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

PERSIAN_TEXT = "\n".join(
    [
        "بسمه تعالی",
        "جناب آقای دکتر رضایی",
        "با سلام و احترام، گزارش جلسه هفته گذشته به پیوست ارسال می‌شود.",
        "خواهشمند است دستور فرمایید بررسی لازم انجام شود و نتیجه به این دفتر اعلام گردد.",
        "شماره ۱۲۴۷ مورخ ۱۳۸۰/۰۲/۲۴",
    ]
)
ARABIC_LINES = (
    "وعلى هذا الأساس، يرجى من الإدارة العامة تسليم الملفات المكتملة",
    "الى الأرشيف المركزي في مدة أقصاها خمسة عشر يوماً، وإرسال نسخة من الإيصال الى هذا المكتب.",
)
# A Persian letter as typed with an old keyboard layout: Arabic yeh and kaf throughout.
OLD_KEYBOARD = PERSIAN_TEXT.translate(str.maketrans({"ی": "ي", "ک": "ك"}))


def run(path: Path, claims: Claims | None = None) -> Report:
    report = analyze(path, claims=claims, only=["script"])
    validate_report(report_to_dict(report))  # results.script follows the contract
    return report


def of(report: Report, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ text documents


def test_persian_text(tmp_path: Path) -> None:
    report = run(write(tmp_path, "letter.txt", PERSIAN_TEXT))
    data: dict[str, Any] = report.results["script"]
    assert data["dominant"]["language"] == "fa" and data["dominant"]["script"] == "Arabic"
    assert data["dominant"]["confidence"] > 0.95
    assert data["digits"] == {"persian": 12, "arabic_indic": 0, "western": 0}
    assert [ln["language"] for ln in data["lines"]][:4] == ["fa"] * 4
    assert {w["text"] for w in data["words"]} >= {"خواهشمند", "می‌شود"}
    assert not report.findings


def test_arabic_paragraph_in_persian_text(tmp_path: Path) -> None:
    text = PERSIAN_TEXT + "\n" + "\n".join(ARABIC_LINES) + "\nبا تشکر از همکاری شما"
    report = run(write(tmp_path, "letter.txt", text))
    (arabic,) = [f for f in of(report, "script.arabic_orthography") if "in Arabic" in f.title]
    assert arabic.evidence["lines"] == [6, 7]
    assert arabic.severity.label == "warning" and "lang.script" in arabic.checklist
    assert "forged" not in arabic.detail.lower() and "authentic" not in arabic.detail.lower()


def test_old_keyboard_persian_is_a_period_trait(tmp_path: Path) -> None:
    report = run(write(tmp_path, "old.txt", OLD_KEYBOARD))
    assert report.results["script"]["dominant"]["language"] == "fa"
    assert report.results["script"]["orthography"] == "arabic"
    (trait,) = of(report, "script.arabic_orthography")
    assert trait.severity.label == "info"
    assert "period trait" in trait.detail


def test_partly_arabic_code_points_are_a_notice(tmp_path: Path) -> None:
    mixed = PERSIAN_TEXT + "\n" + "اين نامه براي اطلاع شما و همكاران محترم فرستاده شده است."
    (finding,) = of(run(write(tmp_path, "mixed.txt", mixed)), "script.arabic_orthography")
    assert finding.severity.label == "notice"
    assert finding.evidence["lines"] == [6]


def test_mixed_digits_in_text(tmp_path: Path) -> None:
    text = PERSIAN_TEXT + "\nپیوست: ٣ برگ، شماره ٤٥٦"
    report = run(write(tmp_path, "digits.txt", text))
    (mixed,) = of(report, "script.mixed_digits")
    assert mixed.severity.label == "notice"
    assert mixed.evidence["digits"] == {"persian": 12, "arabic_indic": 4, "western": 0}
    assert any("Arabic-Indic" in f.title for f in of(report, "script.arabic_orthography"))


def test_language_differs_from_claim(tmp_path: Path) -> None:
    path = write(tmp_path, "letter.txt", PERSIAN_TEXT)
    (differs,) = of(run(path, Claims(language="ar")), "script.language_differs_from_claim")
    assert differs.evidence["claimed"] == "ar" and differs.evidence["found"] == "fa"
    assert not of(run(path, Claims(language="Persian")), "script.language_differs_from_claim")
    assert not of(run(path, Claims(language="fa-IR")), "script.language_differs_from_claim")


def test_html_document(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>\n" for line in ARABIC_LINES)
    report = run(write(tmp_path, "page.html", f"<html><body>{body}</body></html>"))
    assert report.results["script"]["dominant"]["language"] == "ar"


@pytest.mark.parametrize("content", ["   \n\n", "۱۳۸۰/۰۲/۲۴", "\ufeff\u200f\u202e ... ۱"])
def test_text_without_evidence_never_crashes(tmp_path: Path, content: str) -> None:
    report = analyze(write(tmp_path, "x.txt", content), only=["script"])
    result = report.check("script")
    assert result is not None and result.status.value in {"ok", "skipped"}
    if result.status.value == "ok":
        assert report.results["script"]["dominant"]["language"] == "und"


# ------------------------------------------------------------------ page images


def overlaps(region: Region, box: tuple[int, int, int, int]) -> float:
    """Share of `box` covered by `region`."""
    return region.intersection(Region(*box)) / (box[2] * box[3])


def on_line(region: Region, index: int, *, size: int = 44, margin: int = 120) -> float:
    """Share of the height of line `index` of `render_page` that `region` spans."""
    top = margin + int(2.0 * size) * index
    bottom = top + size
    return max(0, min(region.y + region.height, bottom) - max(region.y, top)) / size


@pytest.fixture(scope="module")
def persian_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert features.check("raqm")
    path = tmp_path_factory.mktemp("script") / "persian.png"
    lines = [*LETTER_LINES, "شماره 1247 مورخ 1380/02/24 و ۱۳۸۰/۰۲/۲۴"]
    render_page(lines).save(path, dpi=(300, 300))
    return path


@pytest.fixture(scope="module")
def arabic_paragraph_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("script") / "arabic_paragraph.png"
    lines = [*LETTER_LINES[:3], *ARABIC_LINES, *LETTER_LINES[3:]]
    render_page(lines).save(path, dpi=(300, 300))
    return path


@pytest.mark.slow
def test_persian_page(persian_page: Path) -> None:
    report = run(persian_page, Claims(language="fa"))
    data = report.results["script"]
    assert data["source"] == "ocr"
    assert data["dominant"]["language"] == "fa" and data["dominant"]["confidence"] > 0.9
    assert not of(report, "script.arabic_orthography")
    assert not of(report, "script.language_differs_from_claim")
    # Western and Persian digits on one line: a mixed-digits observation with its region.
    (mixed,) = of(report, "script.mixed_digits")
    assert mixed.severity.label == "info"
    assert data["digits"]["western"] >= 8 and data["digits"]["persian"] >= 6
    assert any(on_line(r, len(LETTER_LINES)) > 0.5 for r in mixed.regions)
    # Per-word data of both models lives under results.script, matched by box. The page is
    # not read a second time whole: `ara` reads the lines that may carry Arabic evidence,
    # here the line of digits (whose shapes tell no system), not the confident Persian lines.
    page = data["pages"][0]
    words = page["words"]
    assert all(len(w["box"]) == 4 for w in words)
    assert page["ara_lines"] == [page["lines"][-1]["line"]]
    again = [w for w in words if w["line"] in page["ara_lines"]]
    assert sum(w["ara_text"] is not None for w in again) > 0.8 * len(again)
    assert all(w["ara_text"] is None for w in words if w["line"] not in page["ara_lines"])
    assert {w["language"] for w in words} <= {"fa", "ar", "ur", "ps", "ckb", "und"}
    json.dumps(data, ensure_ascii=False)


@pytest.mark.slow
def test_arabic_paragraph_on_a_persian_page(arabic_paragraph_page: Path) -> None:
    report = run(arabic_paragraph_page, Claims(language="fa"))
    assert report.results["script"]["dominant"]["language"] == "fa"
    (finding,) = of(report, "script.arabic_orthography")
    assert finding.severity.label == "warning"
    assert "arabic_language" in finding.evidence["signals"]
    (region,) = finding.regions
    # The region covers the two Arabic lines (3 and 4) and none of the Persian ones.
    assert on_line(region, 3) > 0.5 and on_line(region, 4) > 0.5
    for persian in (0, 1, 2, 5, 6):
        assert on_line(region, persian) < 0.2
    lines = report.results["script"]["pages"][0]["lines"]
    assert [ln["language"] for ln in lines if ln["arabic_signals"]] == ["ar", "ar"]
    # Only the lines that may be Arabic were read with `ara`: the two Arabic ones among them.
    read_again = report.results["script"]["pages"][0]["ara_lines"]
    assert {lines[3]["line"], lines[4]["line"]} <= set(read_again)
    assert len(read_again) < len(lines)


@pytest.mark.slow
def test_arabic_page_claimed_persian(tmp_path: Path) -> None:
    path = tmp_path / "arabic.png"
    render_page([*ARABIC_LINES, *ARABIC_LINES]).save(path)
    report = run(path, Claims(language="fa"))
    assert report.results["script"]["dominant"]["language"] == "ar"
    assert of(report, "script.language_differs_from_claim")
    assert not of(report, "script.arabic_orthography")  # not a Persian document


@pytest.mark.slow
def test_arabic_indic_digits_on_a_persian_page(tmp_path: Path) -> None:
    # Homa draws ٤ ٥ ٦ differently from ۴ ۵ ۶; OCR writes both as Persian, the shapes tell.
    path = tmp_path / "digits.png"
    lines = [*LETTER_LINES, "شماره ۴۵۶ مورخ ۱۳۸۰/۰۲/۲۴", "پیوست: ٤٦ برگ به شماره ٤٥٦"]
    render_page(lines, font=FARSIWEB / "homa.ttf").save(path, dpi=(300, 300))
    report = run(path, Claims(language="fa"))
    data = report.results["script"]
    # OCR splits and misreads some digits; the glyph votes need only hold for most of them.
    assert data["digits"]["arabic_indic"] >= 2 and data["digits"]["persian"] >= 6
    (mixed,) = of(report, "script.mixed_digits")
    assert mixed.severity.label == "notice" and mixed.evidence["minority"] == "arabic_indic"
    assert any(on_line(r, 6) > 0.3 for r in mixed.regions)
    (orthography,) = of(report, "script.arabic_orthography")
    assert orthography.evidence["signals"] == ["arabic_indic_digits"]
    (region,) = orthography.regions
    assert on_line(region, 6) > 0.3 and on_line(region, 5) < 0.2


def test_blank_page_has_no_language(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    render_page([]).save(path)
    report = run(path)
    assert report.results["script"]["dominant"]["language"] == "und"
    assert not report.findings


# ------------------------------------------------------------------ the samples corpus


def _sample(kind: str, stem: str) -> tuple[Path, dict[str, Any]]:
    manifest = SAMPLES / "manifest.json"
    if not manifest.exists():
        pytest.skip("samples/manifest.json has not been generated")
    documents = json.loads(manifest.read_text("utf-8"))["documents"]
    for doc in documents:
        if doc["kind"] == kind and stem in doc["path"]:
            return SAMPLES / doc["path"], doc
    pytest.skip(f"no {kind} sample named {stem} in the manifest")


@pytest.mark.slow
def test_questioned_sample_is_persian() -> None:
    path, doc = _sample("questioned", "letter_1380-02-24.jpg")
    report = run(path, Claims(language=doc["claims"]["language"]))
    assert report.results["script"]["dominant"]["language"] == "fa"
    assert not of(report, "script.arabic_orthography")
    assert not of(report, "script.language_differs_from_claim")


@pytest.mark.slow
def test_orthography_sample_region_covers_the_tampered_paragraph() -> None:
    path, doc = _sample("tampered", "arabic_paragraph")
    (truth,) = [t for t in doc["tampering"] if t["kind"] == "orthography"]
    report = run(path)
    findings = of(report, "script.arabic_orthography")
    assert findings
    box = tuple(truth["box"])
    assert max(overlaps(r, box) for f in findings for r in f.regions) > 0.5
    assert all(f.severity.label == "warning" for f in findings)


@pytest.mark.slow
def test_page_evidence_is_the_same_with_the_lines_classified_once() -> None:
    # `lines_needing_ara` and `read_page` share one memo of line classifications and digit
    # glyph votes: the evidence of a real page is what each computed on its own before.
    from workbench_checks.script.pages import PageMemo, line_row, lines_needing_ara, read_page

    from workbench.context import Context
    from workbench.loading import load_document

    path, _ = _sample("questioned", "letter_1380-02-24.jpg")
    context = Context(document=load_document(path), options={"ocr.reader": "tesseract"})
    fas, gray = context.ocr(0, "fas"), context.page_gray(0)
    memo = PageMemo()
    needed = lines_needing_ara(fas, gray, memo)
    assert needed == lines_needing_ara(fas, gray)
    assert set(memo.lines) == {line.text for line in fas.lines}
    assert memo.votes  # the letter's numbers (its date, its reference) were counted
    ara = context.ocr_regions(0, "ara", tuple(fas.lines[i].box for i in needed))
    shared = read_page(0, fas, ara, gray, {}, 5000, memo)
    alone = read_page(0, fas, ara, gray, {}, 5000)
    assert [line_row(line) for line in shared[0]] == [line_row(line) for line in alone[0]]
    assert shared[1:] == alone[1:]
