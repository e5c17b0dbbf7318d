from __future__ import annotations

import difflib
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont, features

from tests.support.text_pages import LETTER_LINES, NAZLI, NOTO_SANS, render_page
from workbench.check import Check
from workbench.context import Context
from workbench.errors import ToolUnavailableError
from workbench.geometry import iou
from workbench.imaging.recognition.ocr_preprocess import Steps, estimate_text_height
from workbench.loading import load_document
from workbench.model import CheckResult, Claims
from workbench.ocr import (
    OcrFailedError,
    OcrPage,
    OcrResult,
    Tesseract,
    default_engine,
    language_for_claim,
    page_from_data,
    split_language,
)
from workbench.ocr.recovery import recover_lines
from workbench.ocr.tsv import insert_lines
from workbench.pipeline import run_pipeline

EXPECTED = "\n".join(LETTER_LINES)


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


@pytest.fixture(scope="module")
def letter() -> Image.Image:
    return render_page(LETTER_LINES)


@pytest.fixture(scope="module")
def letter_result(letter: Image.Image) -> OcrResult:
    return default_engine().recognize(letter, "fas")


def test_raqm_is_available() -> None:
    assert features.check("raqm"), "Pillow cannot shape right-to-left text (install libraqm0)"


def test_installation_is_checked() -> None:
    engine = Tesseract()
    assert engine.version >= (4, 1, 0)
    assert {"fas", "ara", "eng", "osd"} <= engine.languages
    engine.check("fas+eng")
    assert engine.has_language("fas+ara") and not engine.has_language("fas+zzz")


def test_reads_a_persian_page(letter_result: OcrResult) -> None:
    page = letter_result.page
    assert page.language == "fas" and page.index == 0
    assert similarity(page.text, EXPECTED) > 0.97
    assert [line.index for line in page.lines] == list(range(len(LETTER_LINES)))
    assert page.mean_confidence is not None and page.mean_confidence > 75
    for i, word in enumerate(page.words):
        assert i in page.lines[word.line].words
        assert word.confidence is not None and 0 <= word.confidence <= 100


def test_words_of_a_line_are_in_right_to_left_reading_order(letter_result: OcrResult) -> None:
    page = letter_result.page
    line = next(ln for ln in page.lines if ln.text.startswith("با سلام"))
    words = [page.words[i] for i in line.words]
    assert words[0].text == "با" and words[1].text == "سلام"
    rights = [w.box[0] + w.box[2] for w in words]
    assert rights == sorted(rights, reverse=True)
    assert line.text == " ".join(w.text for w in words)
    # The line's box is the union of its words' boxes.
    assert line.box[0] == min(w.box[0] for w in words)
    assert line.box[0] + line.box[2] == max(rights)


def test_regions_are_read_alone_in_page_pixels(
    letter: Image.Image,
    letter_result: OcrResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two lines of five, read again (as the script check reads with `ara`): only their words
    # come back, at the boxes the whole-page reading found for them.
    page = letter_result.page
    chosen = (page.lines[1], page.lines[3])
    engine = default_engine()
    processes: list[str | None] = []
    real_call = Tesseract._call

    def counted(self: Tesseract, *args: Any, **kwargs: Any) -> Any:
        processes.append(kwargs.get("lang"))
        return real_call(self, *args, **kwargs)

    monkeypatch.setattr(Tesseract, "_call", counted)
    read = engine.recognize_regions(letter, "fas", [ln.box for ln in chosen])
    # One Tesseract process: the stacked lines are not searched for skipped ink again.
    assert processes == ["fas"] and "recovered_lines" not in read.steps
    regions = read.page
    assert [ln.text for ln in regions.lines] == [ln.text for ln in chosen]
    for line, again in zip(chosen, regions.lines, strict=True):
        # Same place on the page (the stack may be rescaled differently: boxes move a little).
        assert iou(line.box, again.box) > 0.7
    assert engine.recognize_regions(letter, "fas", []).page.words == ()
    # The context returns the whole-page reading instead once it has one.
    letter.save(tmp_path / "letter.png")
    context = Context(document=load_document(tmp_path / "letter.png"))
    boxes = tuple(ln.box for ln in chosen)
    assert len(context.ocr_regions(0, "fas", boxes).lines) == 2
    whole = context.ocr(0, "fas")
    assert context.ocr_regions(0, "fas", boxes) is whole


def test_boxes_are_in_pixels_of_the_decoded_page(letter: Image.Image) -> None:
    upright = default_engine().recognize(letter, "fas").page
    turned = default_engine().recognize(letter.rotate(180), "fas")
    assert turned.steps["rotation"] == 180
    width, height = letter.size
    first = upright.words[0]
    same = next(w for w in turned.page.words if w.text == first.text)
    # The same word, seen on the page turned upside down, sits at the mirrored place.
    x, y, w, h = same.box
    mirrored = (width - x - w, height - y - h)
    assert abs(mirrored[0] - first.box[0]) <= 4 and abs(mirrored[1] - first.box[1]) <= 4


@pytest.mark.parametrize("size", [15, 96])
def test_small_and_large_type_are_rescaled_and_mapped_back(size: int) -> None:
    lines = LETTER_LINES
    page = render_page(lines, size=size, width=int(size * 42))
    result = default_engine().recognize(page, "fas")
    assert result.steps["scale"] != 1.0
    assert similarity(result.page.text, "\n".join(lines)) > 0.9
    ink = np.asarray(page.convert("L")) < 128
    for word in result.page.words:
        x, y, w, h = word.box
        assert x >= 0 and x + w <= page.width and y >= 0 and y + h <= page.height
        assert ink[y : y + h, x : x + w].any(), word


def test_short_persian_lines_are_kept() -> None:
    # Tesseract's noise filter dropped both short lines at the top of this page whole.
    persian = render_page(LETTER_LINES[:3])
    english = render_page(
        ["Please find attached the report of the meeting", "held last week."],
        font=NOTO_SANS,
        rtl=False,
    )
    page = Image.new("RGB", (persian.width, persian.height + english.height), "white")
    page.paste(persian, (0, 0))
    page.paste(english, (0, persian.height))
    lines = [line.text for line in default_engine().recognize(page, "fas").page.lines]
    assert LETTER_LINES[0] in lines and LETTER_LINES[1] in lines


def centred_heading_letter() -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A letter whose centred heading Tesseract's page layout analysis skips (Nazli, 44 px)."""
    face = ImageFont.truetype(str(NAZLI), 44, layout_engine=ImageFont.Layout.RAQM)
    page = Image.new("L", (2480, 1200), 255)
    draw = ImageDraw.Draw(page)
    heading = LETTER_LINES[0]
    x = (page.width - draw.textlength(heading, font=face, direction="rtl")) / 2
    draw.text((x, 220), heading, font=face, fill=0, direction="rtl")
    x0, y0, x1, y1 = draw.textbbox((x, 220), heading, font=face, direction="rtl")
    y = 350
    for line in LETTER_LINES[1:]:
        length = draw.textlength(line, font=face, direction="rtl")
        draw.text((page.width - 220 - length, y), line, font=face, fill=0, direction="rtl")
        y += 84
    return page, (int(x0), int(y0), int(x1 - x0), int(y1 - y0))


def test_a_skipped_heading_is_read_again_in_its_place() -> None:
    page, (hx, hy, hw, hh) = centred_heading_letter()
    engine = default_engine()
    plain = engine.recognize(page, "fas", steps=replace(Steps(), recover_lines=False))
    assert LETTER_LINES[0] not in plain.page.text  # what the step is for
    result = engine.recognize(page, "fas")
    assert result.steps["recovered_lines"] == 1
    first = result.page.lines[0]
    assert first.text == LETTER_LINES[0]
    x, y, w, h = first.box
    margin = 20  # word boxes hold a little paper around the ink
    assert hx - margin <= x and x + w <= hx + hw + margin
    assert hy - margin <= y and y + h <= hy + hh + margin
    assert similarity(result.page.text, EXPECTED) > 0.95


def test_words_missed_inside_a_read_line_are_not_read_again_as_a_line() -> None:
    page = np.asarray(render_page(LETTER_LINES, size=36, width=1500).convert("L"))
    engine = default_engine()
    data = engine.data(Image.fromarray(page), "fas")
    words = [i for i, t in enumerate(data["text"]) if int(data["level"][i]) == 5 and t.strip()]
    third = [i for i in words if data["line_num"][i] == data["line_num"][words[-1]]]
    for i in third[1:3]:  # Tesseract "missed" two words inside the last line
        data["text"][i] = ""
    height = estimate_text_height(page)
    assert height is not None
    _, recovered = recover_lines(engine, page, data, "fas", height, None)
    assert recovered == 0


def test_a_recovered_line_is_placed_in_its_column() -> None:
    def column(names: list[str], x: int, first_block: int) -> list[tuple[Any, ...]]:
        return [(first_block + n, name, x, 100 + 100 * n) for n, name in enumerate(names)]

    # Tesseract's order: the right column, then the left one.
    rows = column(["R1", "R2", "R3", "R4"], 1000, 1) + column(["L1", "L2", "L3"], 100, 5)
    data: dict[str, list[Any]] = {
        "level": [5] * len(rows),
        "block_num": [r[0] for r in rows],
        "par_num": [1] * len(rows),
        "line_num": [1] * len(rows),
        "word_num": [1] * len(rows),
        "left": [r[2] for r in rows],
        "top": [r[3] for r in rows],
        "width": [400] * len(rows),
        "height": [40] * len(rows),
        "conf": [90.0] * len(rows),
        "text": [r[1] for r in rows],
    }
    recovered = [
        [("L4", 90.0, (100, 400, 400, 40))],  # below the left column's last line
        [("R2b", 90.0, (1000, 250, 400, 40))],  # between R2 and R3
        [("Heading", 90.0, (600, 20, 300, 40))],  # over both columns, above them
    ]
    merged = insert_lines(data, recovered)
    text = page_from_data(merged, index=0, language="fas").text.split("\n")
    assert text == ["Heading", "R1", "R2", "R2b", "R3", "R4", "L1", "L2", "L3", "L4"]


def test_a_misread_persian_comma_is_restored() -> None:
    lines = [
        "به استحضار می‌رساند، جلسه هماهنگی روز دوشنبه برگزار خواهد شد.",
        "با سلام و احترام، گزارش جلسه به پیوست ارسال می‌شود.",
        "به منظور صرفه‌جویی در مصرف انرژی، چراغ‌ها خاموش شوند.",
    ]
    naskh = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")
    page = render_page(lines, font=naskh, size=44, width=2480)
    engine = default_engine()
    plain = engine.recognize(page, "fas", steps=replace(Steps(), fix_commas=False)).page.text
    assert plain.count("،") < 3  # Tesseract reads some of them as « . » or « , »
    result = engine.recognize(page, "fas")
    assert result.page.text.count("،") == 3
    assert result.steps["commas_fixed"] == 3 - plain.count("،")
    # Full stops stay full stops.
    assert [line.text[-1] for line in result.page.lines] == [".", ".", "."]


def test_missing_language_data_is_actionable(tmp_path: Path) -> None:
    engine = Tesseract(tessdata=tmp_path)
    with pytest.raises(ToolUnavailableError, match="apt-get install tesseract-ocr-fas"):
        engine.check("fas")
    with pytest.raises(ToolUnavailableError, match="'zzz' is missing"):
        default_engine().recognize(render_page(LETTER_LINES[:1]), "fas+zzz")


def test_engine_with_its_own_binary_path() -> None:
    binary = shutil.which("tesseract")
    assert binary is not None
    page = Tesseract(command=binary).recognize(render_page(LETTER_LINES[:1]), "fas").page
    assert page.text == LETTER_LINES[0]


def test_missing_binary_is_actionable(tmp_path: Path) -> None:
    engine = Tesseract(command=str(tmp_path / "no-tesseract"))
    with pytest.raises(ToolUnavailableError, match="apt-get install tesseract-ocr"):
        engine.check("fas")


def test_language_strings() -> None:
    assert split_language("fas+eng") == ("fas", "eng")
    with pytest.raises(ValueError):
        split_language("fas;rm -rf")


def test_language_for_claim() -> None:
    assert language_for_claim(None) == "fas"
    assert language_for_claim("fa") == "fas"
    assert language_for_claim("ar") == "ara"
    assert language_for_claim("en") == "eng"
    assert language_for_claim("xx") == "fas"
    # Urdu's model is not installed here: Persian reads its script best of what is.
    engine = Tesseract()
    expected = "urd" if engine.has_language("urd") else "fas"
    assert language_for_claim("ur", engine) == expected


class _CountingTesseract(Tesseract):
    """A real engine that counts how often it is asked to read a page."""

    calls = 0

    def recognize(self, *args: object, **kwargs: object) -> OcrResult:
        type(self).calls += 1
        return super().recognize(*args, **kwargs)  # type: ignore[arg-type]


class _Reader(Check):
    name = "reader_a"
    version = "1"
    title = "reads page 1"
    explanation = "test check"

    def run(self, context: Context) -> CheckResult:
        page: OcrPage = context.ocr(0)
        return self.ok(results={"chars": len(page.text), "language": page.language})


class _OtherReader(_Reader):
    name = "reader_b"


def test_ocr_runs_once_per_page_and_language(tmp_path: Path, letter: Image.Image) -> None:
    path = tmp_path / "letter.png"
    letter.save(path)
    engine = _CountingTesseract()
    # Tesseract as the only reader: with the second reader, the report's text (ocr(0)) may
    # differ from Tesseract's own reading (ocr(0, "fas")) by the lines it re-read.
    context = Context(
        document=load_document(path),
        claims=Claims(language="fa"),
        options={"ocr.engine": engine, "ocr.reader": "tesseract"},
    )
    assert context.ocr_language() == "fas"
    report = run_pipeline(context, [_Reader(), _OtherReader()])
    assert report.results["reader_a"] == report.results["reader_b"]
    assert report.results["reader_a"]["language"] == "fas"
    assert engine.calls == 1
    assert context.ocr(0, "fas") is context.ocr(0)
    assert engine.calls == 1
    with pytest.raises(ToolUnavailableError):
        context.ocr(0, "zzz")


def test_tesseract_runs_single_threaded_without_limiting_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in binary that answers the installation checks and records, when asked to
    # read, the thread limit of the environment it was started with.
    seen = tmp_path / "limit.txt"
    fake = tmp_path / "tesseract"
    fake.write_text(
        "#!/bin/sh\n"
        'case "$1" in\n'
        '  --version) echo "tesseract 5.3.0";;\n'
        '  --list-langs) echo "List of available languages (1):"; echo fas;;\n'
        f'  *) echo "${{OMP_THREAD_LIMIT:-unset}}" > "{seen}"; exit 1;;\n'
        "esac\n"
    )
    fake.chmod(0o755)
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    engine = Tesseract(command=str(fake))
    with pytest.raises(OcrFailedError):
        engine.data(Image.new("L", (40, 20), 255), "fas")
    assert seen.read_text().strip() == "1"
    assert "OMP_THREAD_LIMIT" not in os.environ
    monkeypatch.setenv("OMP_THREAD_LIMIT", "2")  # a limit the user set is kept
    with pytest.raises(OcrFailedError):
        engine.data(Image.new("L", (40, 20), 255), "fas")
    assert seen.read_text().strip() == "2"
