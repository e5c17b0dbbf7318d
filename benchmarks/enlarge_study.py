"""Does enlarging small type before reading pay? Per page: text height, CER and CPU time.

The preprocessing enlarges pages whose letters are at most
`ocr_preprocess.MAX_HEIGHT_TO_ENLARGE` pixels tall to `ENLARGED_TEXT_HEIGHT` (150-dpi web
JPEGs, letters of 12-16 px), which multiplies the pixels Tesseract reads by 2-3. This study
reads the OCR benchmark's ``web150`` pages (`benchmarks.ocr_pages.build_pages`, the
development pages the preprocessing was tuned on) and the samples' page bodies small enough
to be enlarged by the largest threshold (the 150-dpi questioned letter), with
each threshold of `--thresholds` (0 enlarges nothing), declaring 150 dpi as a file would,
and prints each page's estimated letter height, CER and the CPU seconds of the reading
(this process and its Tesseract children).

Usage: ``python benchmarks/enlarge_study.py [--pages N] [--thresholds 16,13,0] [--target PX]``
(``--target``: the height enlarged to, instead of `ENLARGED_TEXT_HEIGHT`).
"""

from __future__ import annotations

import argparse
import resource
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_benchmark import cer  # noqa: E402
from benchmarks.ocr_pages import Page, build_pages, sample_pages  # noqa: E402
from workbench.imaging.recognition import ocr_preprocess  # noqa: E402
from workbench.ocr import Tesseract  # noqa: E402


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the Tesseract runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10, help="web150 pages (as the benchmark)")
    parser.add_argument("--thresholds", default="16,13,0", help="largest letter height enlarged")
    parser.add_argument(
        "--target", type=float, default=None, help="letter height enlarged to (default: as set)"
    )
    args = parser.parse_args(argv)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    pages: list[Page] = [p for p in build_pages(args.pages) if p.kind == "web150"]
    largest = max(thresholds)
    for page in sample_pages():
        height = ocr_preprocess.estimate_text_height(np.asarray(page.image.convert("L")))
        if height is not None and height <= largest:
            pages.append(page)
    engine = Tesseract()
    default = ocr_preprocess.MAX_HEIGHT_TO_ENLARGE
    if args.target:
        ocr_preprocess.ENLARGED_TEXT_HEIGHT = args.target
    totals = {t: [0.0, 0.0] for t in thresholds}
    print(
        "| page | letters, px | "
        + " | ".join(f"<= {t:g} px: CER, CPU s" for t in thresholds)
        + " |"
    )
    print("| --- | ---: |" + " ---: |" * len(thresholds))
    for page in pages:
        gray = np.asarray(page.image.convert("L"))
        height = ocr_preprocess.estimate_text_height(gray)
        cells = []
        for threshold in thresholds:
            ocr_preprocess.MAX_HEIGHT_TO_ENLARGE = threshold
            try:
                start = cpu_seconds()
                text = engine.recognize(gray, page.language, dpi=150).page.text
                seconds = cpu_seconds() - start
            finally:
                ocr_preprocess.MAX_HEIGHT_TO_ENLARGE = default
            error = cer(page.truth, text)
            totals[threshold][0] += error
            totals[threshold][1] += seconds
            cells.append(f"{error:.2%}, {seconds:.2f}")
        print(f"| {page.name} | {height or 0:.1f} | " + " | ".join(cells) + " |", flush=True)
    n = max(len(pages), 1)
    mean = [f"{e / n:.2%}, {s / n:.2f}" for e, s in totals.values()]
    print(f"| mean of {len(pages)} | | " + " | ".join(mean) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
