"""The independent scanned-line set: what is written is what is read back, and it is legible."""

from __future__ import annotations

import random
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytesseract
import pytest
from PIL import Image, ImageFont
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import scanned_lines as sl
from language_data import CORPUS

pytestmark = pytest.mark.skipif(
    bool(sl.missing_faces()), reason="faces not installed: " + ", ".join(sl.missing_faces())
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[sl.ScannedLine]]:
    folder = tmp_path_factory.mktemp("scanned-lines")
    return folder, sl.build(folder, per_face={"fa": 2, "ar": 1})


def test_ground_truth_round_trips(written: tuple[Path, list[sl.ScannedLine]]) -> None:
    folder, lines = written
    loaded = sl.load(folder)
    assert [(x.name, x.language, x.face, x.truth, x.chain) for x in loaded] == [
        (x.name, x.language, x.face, x.truth, x.chain) for x in lines
    ]
    assert len(loaded) == 2 * len(sl.FACES["fa"]) + len(sl.FACES["ar"])
    for line in loaded:
        assert line.truth == unicodedata.normalize("NFC", line.truth)
        assert (folder / f"{line.name}.gt.txt").read_text(encoding="utf-8") == line.truth + "\n"
        # Running text: consecutive words of the language's sentences, one after another.
        words = unicodedata.normalize("NFC", " ".join(CORPUS[line.language])).split()
        assert set(line.truth.split()) <= set(words)


def test_the_images_are_scans_of_the_chain_they_record(
    written: tuple[Path, list[sl.ScannedLine]],
) -> None:
    _, lines = written
    for line in lines:
        image = line.image()
        assert image.dtype == np.uint8 and image.ndim == 2
        dark = (image < 128).mean()
        assert 0.01 < dark < 0.5, line.name  # ink, but not a black sheet
        if line.chain.output == "bitonal":
            assert set(np.unique(image)) <= {0, 255}
        # Height of a 10.5-13 pt line at the scanning resolution, with its margins.
        assert 0.1 * line.chain.dpi < image.shape[0] < 0.5 * line.chain.dpi, line.name


def test_the_set_is_deterministic(
    tmp_path: Path, written: tuple[Path, list[sl.ScannedLine]]
) -> None:
    folder, _ = written
    again = sl.build(tmp_path, per_face={"fa": 2, "ar": 1})
    for line in again:
        assert (tmp_path / f"{line.name}.png").read_bytes() == (
            folder / f"{line.name}.png"
        ).read_bytes()


def test_a_face_that_cannot_set_the_text_is_found() -> None:
    kacst = Path("/usr/share/fonts/truetype/kacst/KacstBook.ttf")
    if not kacst.exists():
        pytest.skip("fonts-kacst is not installed")
    font = ImageFont.truetype(str(kacst), 40)
    assert sl.uncovered(font, "گزارش کار.") == ".کگ"
    amiri = ImageFont.truetype(str(sl.FACES["fa"][0][1]), 40)
    assert sl.uncovered(amiri, "گزارش کار.") == ""


def test_a_clean_scan_reads_as_its_ground_truth() -> None:
    """The text in the image is the text recorded: Tesseract reads a mild scan of it closely."""
    chain = sl.Chain(11.0, 0, 0.0, 300, 0.3, 2.0, 0, "bitonal", 140, 90)
    rng = random.Random(0)
    for language, model in (("fa", "fas"), ("ar", "ara")):
        truth = " ".join(" ".join(CORPUS[language]).split()[:7])
        font = ImageFont.truetype(str(sl.FACES[language][0][1]), round(11 * sl.PRINT_DPI / 72))
        image: Image.Image = sl.scan(sl.print_line(truth, font, 0), chain, rng)
        read = pytesseract.image_to_string(image, lang=model, config="--psm 7").strip()
        assert Levenshtein.normalized_distance(" ".join(read.split()), truth) < 0.1, read
