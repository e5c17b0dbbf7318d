"""What OCR produces: words, lines and pages with boxes and confidences, and how they were read.

The data model every reader returns (`workbench.ocr.engine` for Tesseract, the reader seam for
the second reader) and every check reads: frozen dataclasses without behaviour, boxes as
``(x, y, width, height)`` in pixels of the decoded page; and the error a failed reading raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.errors import WorkbenchError


class OcrFailedError(WorkbenchError):
    """Tesseract was found and ran, but failed on this page (crash, timeout, bad image)."""


@dataclass(frozen=True)
class OcrWord:
    """One word as Tesseract read it."""

    text: str
    confidence: float | None  # 0-100 as Tesseract reports it, None when it gives none
    box: tuple[int, int, int, int]  # x, y, width, height in pixels of the decoded page
    line: int  # index of its line within the page, in reading order
    block: int


@dataclass(frozen=True)
class OcrLine:
    """One text line: its words in reading order (right to left for RTL text)."""

    index: int
    box: tuple[int, int, int, int]
    text: str  # words joined in right-to-left reading order for RTL text
    words: tuple[int, ...]  # indices into OcrPage.words


@dataclass(frozen=True)
class OcrPage:
    """The text of one page in one Tesseract language, with word boxes and confidences."""

    index: int
    language: str  # Tesseract language string used, e.g. "fas" or "fas+eng"
    text: str  # lines in reading order joined by "\n"
    words: tuple[OcrWord, ...]
    lines: tuple[OcrLine, ...]
    mean_confidence: float | None


@dataclass(frozen=True)
class OcrResult:
    """An `OcrPage` with how it was obtained: the preprocessed image and the steps taken.

    ``steps`` is JSON-ready (rotation, skew angle, scale, binarisation...) so a report can
    say what was done to the pixels before they were read.
    """

    page: OcrPage
    preprocessed: np.ndarray = field(repr=False)
    steps: dict[str, Any]
    seconds: float
    #: CPU seconds of this process and of Tesseract's (its child processes) for the reading:
    #: steadier than wall-clock time on a busy machine, the budget of a second reader.
    cpu_seconds: float | None = None
