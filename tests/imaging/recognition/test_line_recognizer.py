"""The second Persian reader on real line images: rendered here, and scanned from books."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytesseract
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from tests.support.text_pages import LETTER_LINES, render_page
from workbench.errors import ToolUnavailableError
from workbench.imaging.recognition.line_recognizer import (
    LineRecognizer,
    model_path,
    read_metadata,
    reader_available,
    to_reading_order,
)
from workbench.text.matching import normalize

pytestmark = pytest.mark.skipif(
    not reader_available(),
    reason="the second reader is not installed (bash scripts/dev.sh install)",
)
LINES = Path(__file__).resolve().parents[4] / "shared" / "data" / "ocr-real-lines"


def cer(truth: str, read: str) -> float:
    ref, hyp = normalize(truth), normalize(read)
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


def line_image(text: str) -> np.ndarray:
    page = np.asarray(render_page([text], size=40, width=1400, margin=40).convert("L"))
    rows = np.flatnonzero((page < 128).any(axis=1))
    cols = np.flatnonzero((page < 128).any(axis=0))
    return page[rows[0] - 10 : rows[-1] + 10, cols[0] - 10 : cols[-1] + 10]


@pytest.fixture(scope="module")
def recognizer() -> LineRecognizer:
    return LineRecognizer()


def scanned(folder: str, count: int) -> list[tuple[np.ndarray, str]]:
    path = LINES / folder
    if not path.is_dir():
        pytest.skip(f"the scanned lines are not beside the project ({path.name} missing)")
    out = []
    for png in sorted(path.glob("*.png"))[:count]:
        truth = png.with_name(png.name[: -len(".png")] + ".gt.txt").read_text(encoding="utf-8")
        with Image.open(png) as img:
            out.append((np.asarray(img.convert("L")), truth.strip()))
    return out


def tesseract_line(image: np.ndarray, lang: str) -> str:
    text: str = pytesseract.image_to_string(Image.fromarray(image), lang=lang, config="--psm 7")
    return " ".join(text.split())


def test_the_model_describes_itself() -> None:
    path = model_path()
    assert path is not None
    meta = read_metadata(path)
    assert meta["_model"] == "PPOCRv6Model"
    assert meta["height"] == 96
    assert "\u06cc" in meta["codec"] and "\u200c" in meta["codec"]


def test_reads_rendered_persian_lines_in_reading_order(recognizer: LineRecognizer) -> None:
    images = [line_image(text) for text in LETTER_LINES]
    read = recognizer.read(images)
    for text, line in zip(LETTER_LINES, read, strict=True):
        assert cer(text, line.text) < 0.1, (text, line.text)
        assert line.confidence is not None and line.confidence > 80
    # Words come in reading order: the first word of a right-to-left line is the rightmost.
    long_line = read[2]
    assert long_line.words[0].x0 > long_line.words[-1].x0
    assert long_line.text.split()[0] == long_line.words[0].text


def test_batching_does_not_change_a_reading(recognizer: LineRecognizer) -> None:
    images = [line_image(text) for text in LETTER_LINES[:3]]
    together = recognizer.read(images)
    alone = [recognizer.read([image])[0] for image in images]
    assert [r.text for r in together] == [r.text for r in alone]


def test_blank_and_empty_images_read_as_nothing(recognizer: LineRecognizer) -> None:
    blank = np.full((40, 400), 255, dtype=np.uint8)
    empty = np.zeros((0, 0), dtype=np.uint8)
    for line in recognizer.read([blank, empty]):
        assert line.text == "" and line.confidence is None and line.words == ()


def test_bidi_keeps_the_half_space_and_digit_order() -> None:
    # Display order (as printed, left to right) -> reading order.
    assert to_reading_order("دنوش\u200cیم ۱۲۳") == "۱۲۳ می\u200cشوند"
    # Glyphs are named by their look; in reading order, brackets open the right way.
    assert to_reading_order("[ار] نیشس") == "سشین [را]"
    assert to_reading_order("«ملاس»") == "«سالم»"


def test_brackets_are_read_the_way_they_were_printed(recognizer: LineRecognizer) -> None:
    text = "صلاح همگنان [را] بخیر (خواند) و «گفت»"
    read = recognizer.read([line_image(text)])[0].text
    for opening, closing in ("[]", "()", "«»"):
        assert opening in read and closing in read, read
        assert read.index(opening) < read.index(closing), read


def test_scanned_persian_lines_read_better_than_tesseract(recognizer: LineRecognizer) -> None:
    lines = scanned("fa-print-dev", 12)
    read = recognizer.read([image for image, _ in lines])
    second = sum(cer(truth, r.text) for (_, truth), r in zip(lines, read, strict=True))
    tesseract = sum(cer(truth, tesseract_line(image, "fas")) for image, truth in lines)
    assert second < 0.1 * len(lines)
    assert second < tesseract


def test_scanned_arabic_lines_are_read_by_both_readers(recognizer: LineRecognizer) -> None:
    lines = scanned("ar-print-dev", 6)
    read = recognizer.read([image for image, _ in lines])
    for (image, truth), line in zip(lines, read, strict=True):
        assert cer(truth, tesseract_line(image, "ara")) < 0.5
        assert cer(truth, line.text) < 0.6
        assert line.text


def test_a_model_of_another_kind_is_refused(tmp_path: Path) -> None:
    header = {"__metadata__": {"kraken_meta": json.dumps({"x": {"_model": "TorchVGSLModel"}})}}
    raw = json.dumps(header).encode()
    path = tmp_path / "other.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)
    with pytest.raises(ToolUnavailableError, match="PP-OCRv6"):
        LineRecognizer(path)
