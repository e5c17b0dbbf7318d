"""The dates check on rendered Persian letters (OCR), text and HTML documents, and the samples."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont
from workbench_checks.dates import DatesCheck, file_timestamps, iran_holiday, parse_claimed

from workbench import analyze
from workbench.context import Context
from workbench.loading import load_document
from workbench.model import Finding, Region, Report, Status
from workbench.ocr import Tesseract
from workbench.serialize import report_to_dict, validate_report

FONT = Path("/usr/share/fonts/truetype/farsiweb/nazli.ttf")
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def render_letter(
    lines: Sequence[str], *, size: int = 40, width: int = 1600
) -> tuple[Image.Image, list[Region]]:
    """A white page of right-aligned Persian lines (raqm shaping), and each line's box."""
    face = ImageFont.truetype(str(FONT), size, layout_engine=ImageFont.Layout.RAQM)
    margin, step = 120, int(size * 2.1)
    page = Image.new("RGB", (width, 2 * margin + step * len(lines)), "white")
    draw = ImageDraw.Draw(page)
    boxes = []
    for n, line in enumerate(lines):
        length = draw.textlength(line, font=face, direction="rtl")
        xy = (width - margin - length, margin + n * step)
        draw.text(xy, line, font=face, fill="black", direction="rtl")
        x0, y0, x1, y1 = draw.textbbox(xy, line, font=face, direction="rtl")
        boxes.append(Region(int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
    return page, boxes


HEAD = ["بسمه تعالی", "شماره: ۴۵۶/د/۱۲"]
BODY = [
    "جناب آقای مهندس رضایی",
    "با سلام و احترام گزارش بازدید به پیوست ارسال می‌شود.",
]


def write_letter(tmp_path: Path, name: str, lines: Sequence[str]) -> tuple[Path, list[Region]]:
    image, boxes = render_letter(lines)
    path = tmp_path / name
    image.save(path, dpi=(300, 300))
    return path, boxes


def dates_of(report: Report) -> dict[str, Any]:
    result = report.check("dates")
    assert result is not None and result.status is Status.OK, result
    assert report.results["dates"] is not None
    return report.results["dates"]


def by_code(report: Report, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == f"dates.{code}"]


def overlaps(regions: Sequence[Region], box: Region) -> bool:
    return any(r.intersection(box) > 0 for r in regions)


@pytest.fixture(scope="module")
def monday_letter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Region]]:
    tmp = tmp_path_factory.mktemp("monday")
    lines = [*HEAD, "تاریخ: ۱۳۸۰/۰۲/۲۴", *BODY, "جلسه روز دوشنبه ۲۴ اردیبهشت ۱۳۸۰ برگزار شد."]
    return write_letter(tmp, "letter.png", lines)


def test_letter_date_found_as_monday_14_may_2001(
    monday_letter: tuple[Path, list[Region]],
) -> None:
    path, boxes = monday_letter
    report = analyze(path, only=["dates"], claims={"date": "2001-05-14"})
    data = dates_of(report)
    numeric = [d for d in data["found"] if d["form"] == "numeric"]
    assert numeric, data["found"]
    date = numeric[0]
    assert date["calendar"] == "solar_hijri" and date["gregorian"] == "2001-05-14"
    assert date["weekday"] == "Monday" and date["label"] == "تاریخ" and date["page"] == 0
    assert date["solar_hijri"] == "1380-02-24" and date["lunar_hijri"] == "1422-02-20"
    x, y, w, h = date["box"]
    assert Region(x, y, w, h).intersection(boxes[2]) > 0.5 * w * h  # on the date line
    assert data["found"][data["document_date"]] == date and data["claim_matches"] is True
    # The body's «دوشنبه ۲۴ اردیبهشت ۱۳۸۰» has its printed weekday, and it fits.
    named = [d for d in data["found"] if d["form"] == "month_name"]
    assert named and named[0]["printed_weekday"] == "Monday" and named[0]["weekday_matches"]
    codes = {f.code for f in report.findings}
    assert not codes & {"dates.claim_mismatch", "dates.weekday_mismatch", "dates.impossible_date"}
    # 14 May 2001 was Arbaeen, an official holiday in Iran: a weak, informational flag.
    (holiday,) = by_code(report, "holiday")
    assert holiday.severity.label == "info" and "Arbaeen" in holiday.detail
    assert "day" in holiday.detail and holiday.checklist == ("date.weekday",)
    validate_report(report_to_dict(report))


def test_claim_mismatch_compared_in_both_calendars(
    monday_letter: tuple[Path, list[Region]],
) -> None:
    path, boxes = monday_letter
    report = analyze(path, only=["dates"], claims={"date": "2001-05-20"})
    (mismatch,) = by_code(report, "claim_mismatch")
    assert mismatch.severity.label == "warning" and mismatch.checklist == ("date.claim",)
    assert "2001-05-14" in mismatch.detail and "2001-05-20" in mismatch.detail
    assert "Solar Hijri 1380/02/30" in mismatch.detail  # the claim in the issuer's calendar
    assert mismatch.evidence["difference_days"] == -6
    assert mismatch.evidence["claimed_in_issuer_calendar"] == "Solar Hijri 1380/02/30"
    assert overlaps(mismatch.regions, boxes[2]) and mismatch.page == 0
    assert "forged" not in mismatch.detail.lower()
    validate_report(report_to_dict(report))


def test_weekday_mismatch_on_a_rendered_letter(tmp_path: Path) -> None:
    lines = [*HEAD, "تاریخ: ۱۳۸۰/۰۲/۲۸", *BODY, "جلسه روز سه‌شنبه ۲۴ اردیبهشت ۱۳۸۰ برگزار شد."]
    path, boxes = write_letter(tmp_path, "weekday.png", lines)
    report = analyze(path, only=["dates"])
    (finding,) = by_code(report, "weekday_mismatch")
    assert finding.evidence["printed_weekday"] == "Tuesday"
    assert finding.evidence["actual_weekday"] == "Monday"
    assert finding.evidence["gregorian"] == "2001-05-14"
    assert finding.checklist == ("date.weekday",) and finding.page == 0
    assert overlaps(finding.regions, boxes[-1])
    assert all(r.intersection(boxes[2]) == 0 for r in finding.regions)  # not the date line
    validate_report(report_to_dict(report))


def test_impossible_date_on_a_rendered_letter(tmp_path: Path) -> None:
    lines = [*HEAD, "تاریخ: ۱۳۸۰/۱۳/۰۵", *BODY]
    path, boxes = write_letter(tmp_path, "impossible.png", lines)
    report = analyze(path, only=["dates"], claims={"date": "2001-05-14"})
    (finding,) = by_code(report, "impossible_date")
    assert finding.evidence["month"] == 13 and "no month 13" in finding.detail
    assert overlaps(finding.regions, boxes[2])
    (date,) = dates_of(report)["found"]
    assert date["gregorian"] is None and date["status"] == "impossible"
    # An impossible date cannot match the claim either.
    assert by_code(report, "claim_mismatch")
    validate_report(report_to_dict(report))


def test_text_document(tmp_path: Path) -> None:
    path = tmp_path / "translation.txt"
    path.write_text(
        "Letter No. 456/D/12, dated 24 Ordibehesht 1380 (Date: 1380/02/24).\n"
        "The meeting of Tuesday 14 May 2001 agreed that the report is due by 2001-06-30.\n",
        encoding="utf-8",
    )
    report = analyze(path, only=["dates"], claims={"date": "2001-05-14"})
    found = dates_of(report)["found"]
    assert [(d["calendar"], d["gregorian"]) for d in found] == [
        ("solar_hijri", "2001-05-14"),
        ("gregorian", "2001-05-14"),
        ("gregorian", "2001-06-30"),
    ]
    assert all(d["page"] is None and d["box"] is None for d in found)
    assert found[0]["label"] == "Date"
    (weekday,) = by_code(report, "weekday_mismatch")
    assert weekday.evidence["printed_weekday"] == "Tuesday" and weekday.regions == ()
    (later,) = by_code(report, "after_claim")
    assert later.evidence["gregorian"] == "2001-06-30" and "deadline" in later.detail
    assert later.severity.label == "notice" and "date.anachronism" in later.checklist
    assert not by_code(report, "claim_mismatch")
    validate_report(report_to_dict(report))


def test_html_document_with_a_gregorian_year_under_the_date_label(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><p>بسمه تعالی</p><p>شماره: ۴۵۶/د/۱۲</p><p>تاریخ: ۲۰۰۱/۰۲/۲۴</p>"
        "<p>جناب آقای مهندس رضایی، با سلام و احترام گزارش بازدید به پیوست ارسال می‌شود."
        "</p></body></html>",
        encoding="utf-8",
    )
    report = analyze(path, only=["dates"], claims={"date": "2001-05-14"})
    (found,) = dates_of(report)["found"]
    assert found["calendar"] == "gregorian" and found["gregorian"] == "2001-02-24"
    (year,) = by_code(report, "year_calendar")
    assert "Solar Hijri date" in year.detail and "year was replaced" in year.detail
    assert by_code(report, "claim_mismatch")
    validate_report(report_to_dict(report))


def test_lunar_date_a_day_from_the_claim_is_consistent(tmp_path: Path) -> None:
    path = tmp_path / "lunar.txt"
    path.write_text("التاريخ: ٢٠ صفر ١٤٢٢ هـ", encoding="utf-8")
    report = analyze(path, only=["dates"], claims={"date": "2001-05-15"})
    assert dates_of(report)["claim_matches"] is True
    assert not by_code(report, "claim_mismatch") and not by_code(report, "after_claim")


def test_partial_claims_and_no_date(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("تاریخ: ۱۳۸۰/۰۲/۲۴", encoding="utf-8")
    assert not by_code(analyze(path, only=["dates"], claims={"date": "2001-05"}), "claim_mismatch")
    assert by_code(analyze(path, only=["dates"], claims={"date": "2002"}), "claim_mismatch")
    empty = tmp_path / "empty.txt"
    empty.write_text("No dates here at all.", encoding="utf-8")
    report = analyze(empty, only=["dates"], claims={"date": "2001-05-14"})
    assert [f.code for f in report.findings] == ["dates.none_found"]
    assert dates_of(report)["found"] == []
    assert parse_claimed("2001") is not None and parse_claimed("garbage") is None


def test_date_later_than_the_exif_timestamp(
    tmp_path: Path, monday_letter: tuple[Path, list[Region]]
) -> None:
    image = Image.open(monday_letter[0]).convert("RGB")
    exif = Image.Exif()
    exif[0x0132] = "2000:01:01 10:00:00"  # DateTime: a camera clock never set
    path = tmp_path / "photo.jpg"
    image.save(path, quality=90, exif=exif)
    assert file_timestamps(path.read_bytes(), {}) == {"EXIF DateTime": dt.date(2000, 1, 1)}
    report = analyze(path, only=["dates"])
    findings = by_code(report, "after_file_timestamp")
    assert findings and all("EXIF DateTime 2000-01-01" in f.detail for f in findings)
    assert all("clock" in f.detail and "meta.timeline" in f.checklist for f in findings)
    assert dates_of(report)["file_timestamps"] == {"EXIF DateTime": "2000-01-01"}


def test_pdf_info_timestamps_are_read() -> None:
    stamps = file_timestamps(b"%PDF-", {"pdf_info": {"CreationDate": "D:20010514093000+04'30'"}})
    assert stamps == {"PDF CreationDate": dt.date(2001, 5, 14)}
    assert file_timestamps(b"\xff\xd8\xff garbage", {}) == {}


def test_holidays_come_from_the_holidays_package() -> None:
    assert iran_holiday(dt.date(2001, 5, 14)) == "Arbaeen"
    assert iran_holiday(dt.date(2001, 3, 21)) == "Nowruz"
    assert iran_holiday(dt.date(2001, 5, 16)) is None
    assert iran_holiday(dt.date(1970, 3, 21)) is None  # before the package's coverage


def test_missing_tesseract_skips_with_the_reason(
    tmp_path: Path, monday_letter: tuple[Path, list[Region]]
) -> None:
    document = load_document(monday_letter[0])
    engine = Tesseract(command=str(tmp_path / "no-tesseract"))
    context = Context(document=document, options={"ocr.engine": engine})
    result = DatesCheck().run(context)
    assert result.status is Status.SKIPPED and "OCR" in (result.message or "")


def test_blank_text_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("   \n", encoding="utf-8")
    result = analyze(path, only=["dates"]).check("dates")
    assert result is not None and result.status is Status.SKIPPED


# -------------------------------------------------------------------------------------------
# The samples corpus (samples/manifest.json), when it has been generated.
# -------------------------------------------------------------------------------------------


def sample(kind: str, match: str) -> dict[str, Any]:
    manifest = SAMPLES / "manifest.json"
    if not manifest.exists():
        pytest.skip("the samples corpus has not been generated (samples/generate.py)")
    documents = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
    for doc in documents:
        if doc["kind"] == kind and match in doc["path"] and (SAMPLES / doc["path"]).exists():
            return dict(doc)
    pytest.skip(f"no {kind} sample matching {match!r} in the manifest")


@pytest.mark.slow
def test_questioned_sample_date() -> None:
    doc = sample("questioned", ".jpg")
    report = analyze(SAMPLES / doc["path"], only=["dates"], claims=doc["claims"])
    found = dates_of(report)["found"]
    letter_date = [d for d in found if d["gregorian"] == "2001-05-14"]
    assert letter_date, found
    assert letter_date[0]["calendar"] == "solar_hijri" and letter_date[0]["weekday"] == "Monday"
    assert dates_of(report)["claim_matches"] is True
    assert not by_code(report, "claim_mismatch")
    validate_report(report_to_dict(report))


@pytest.mark.slow
def test_weekday_tampered_sample() -> None:
    doc = sample("tampered", "weekday")
    report = analyze(SAMPLES / doc["path"], only=["dates"], claims=doc.get("claims"))
    findings = by_code(report, "weekday_mismatch")
    assert findings
    truth = [Region(*t["box"]) for t in doc["tampering"] if t.get("box")]
    assert truth and any(overlaps(f.regions, box) for f in findings for box in truth)
