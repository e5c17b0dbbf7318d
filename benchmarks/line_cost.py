"""The costs the ``auto`` budget of `workbench.reading` is computed from (``--cost``).

Measured by ``benchmarks/line_benchmark.py --cost``; kept apart from it so each file stays small.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytesseract

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_pages import build_pages, sample_pages  # noqa: E402
from workbench.imaging.recognition.line_recognizer import LineRecognizer  # noqa: E402
from workbench.ocr import Tesseract, cpu_time  # noqa: E402
from workbench.reading import crop_line  # noqa: E402


def cost_section(per_kind: int) -> list[str]:
    """What the ``auto`` budget of `workbench.reading` is computed from, measured together.

    On the page benchmark's pages (`benchmarks.ocr_pages.build_pages` and the samples'
    letters): one raw Tesseract pass (``fas``, what ``auto`` is held to) on every page, fitted
    as CPU seconds per megapixel plus seconds per text line; the second reader on every line
    of the first page of each kind, as CPU seconds per 1,000 columns of line at its input
    height; and what reading every line of a page costs, in raw Tesseract passes.
    """
    engine = Tesseract()
    recognizer = LineRecognizer(pad_to=0)
    pages = build_pages(per_kind) + sample_pages()[:per_kind]
    measured: list[tuple[str, float, int, float, float, float | None]] = []
    read_kinds: set[str] = set()
    for page in pages:
        gray = np.asarray(page.image.convert("L"))
        started = cpu_time()
        pytesseract.image_to_data(page.image, lang="fas")
        raw = cpu_time() - started
        lines = engine.recognize(gray, page.language).page.lines
        crops = [crop_line(gray, line.box)[0] for line in lines]
        columns = sum(c.shape[1] * recognizer.height / max(c.shape[0], 1) for c in crops)
        second: float | None = None
        if page.kind not in read_kinds:
            read_kinds.add(page.kind)
            started = cpu_time()
            recognizer.read(crops)
            second = cpu_time() - started
        measured.append((page.kind, gray.size / 1e6, len(lines), raw, columns, second))
    design = np.array([[mpx, n] for _, mpx, n, _, _, _ in measured], dtype=float)
    target = np.array([raw for *_, raw, _, _ in measured], dtype=float)
    (per_mpx, per_line), *_ = np.linalg.lstsq(design, target, rcond=None)
    read = [(cols, sec) for *_, cols, sec in measured if sec is not None]
    per_kcol = 1000 * sum(sec for _, sec in read) / max(sum(cols for cols, _ in read), 1.0)
    rows = [
        "### Cost of the second reader against one Tesseract pass (pages)",
        "",
        "| pages | megapixels | text lines | raw Tesseract CPU s | predicted | "
        "columns of line | every line by the second reader, CPU s | in raw passes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    kinds = dict.fromkeys(kind for kind, *_ in measured)
    for kind in kinds:
        group = [m for m in measured if m[0] == kind]
        n = len(group)
        mpx = sum(m[1] for m in group) / n
        count = sum(m[2] for m in group) / n
        raw = sum(m[3] for m in group) / n
        cols = sum(m[4] for m in group) / n
        timed = [m[5] for m in group if m[5] is not None]
        every = f"{timed[0]:.1f} (1 page)" if timed else ""
        rows.append(
            f"| {kind} ({n}) | {mpx:.2f} | {count:.1f} | {raw:.2f} "
            f"| {per_mpx * mpx + per_line * count:.2f} | {cols:,.0f} | {every} "
            f"| {cols / 1000 * per_kcol / raw:.1f} |"
        )
    rows += [
        "",
        f"Fitted on these pages: one raw Tesseract pass takes {per_mpx:.3f} CPU s per megapixel "
        f"plus {per_line:.3f} s per text line; the second reader takes {per_kcol:.3f} CPU s per "
        "1,000 columns of line (`workbench.reading.TESSERACT_SECONDS_PER_MEGAPIXEL`, "
        "`TESSERACT_SECONDS_PER_LINE`, `SECOND_SECONDS_PER_KILOCOLUMN`).",
        "",
    ]
    return rows
