"""Stores of fingerprinted pages for the case tests: copies of a letter and the pages stored.

The near-duplicate tests all need the same two things: a copy of a sample letter made as a
leak makes one (cropped, rescaled, saved as JPEG), and a store holding a few letters of one
template with that copy, each analysed by the `file` and `fingerprint` checks as a batch
run stores them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PIL import Image

from workbench.api import analyze
from workbench.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
#: Four sample letters of one template; the third is filled from the same pool of paragraphs
#: as the second, so their keypoints verify as a copy's would.
TEMPLATE_LETTERS = (
    "exemplars/exemplar_02.png",
    "exemplars/exemplar_03.png",
    "tampered/t03_retype_date.png",
    "genuine/control_01.png",
)


def write_copy(
    source: Path,
    destination: Path,
    box: tuple[float, float, float, float],
    tenths: int,
    quality: int = 60,
    mode: str = "L",
) -> Path:
    """Save ``source`` cropped to ``box`` (fractions of the page), at ``tenths``/10, as JPEG."""
    page = Image.open(source).convert(mode)
    w, h = page.size
    copy = page.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    size = (copy.width * tenths // 10, copy.height * tenths // 10)
    copy = copy.resize(size, Image.Resampling.LANCZOS)
    copy.save(destination, "JPEG", quality=quality)
    return destination


def store_pages(store_path: Path, paths: Iterable[Path]) -> dict[str, str]:
    """Analyse and store each page as a batch run does; the stored sha256 by file stem."""
    shas: dict[str, str] = {}
    with Store.open(store_path) as store:
        for path in paths:
            report = analyze(path, only=["file", "fingerprint"])
            store.record_run(report, original=path.read_bytes())
            shas[path.stem] = report.document.sha256
    return shas


def letters_and_a_copy(folder: Path) -> list[Path]:
    """The four template letters, then a copy of the first: 20% off two sides, 60%, JPEG 60."""
    copy = write_copy(SAMPLES / TEMPLATE_LETTERS[0], folder / "copy.jpg", (0.2, 0.2, 1.0, 1.0), 6)
    return [*(SAMPLES / name for name in TEMPLATE_LETTERS), copy]
