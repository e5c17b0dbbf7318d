"""The OCR layer: the one wrapper around Tesseract and the page model it reads into."""

from __future__ import annotations

from workbench.ocr.engine import (
    CLAIM_LANGUAGES,
    DEFAULT_TIMEOUT_S,
    FALLBACK_LANGUAGE,
    MIN_VERSION,
    OcrFailedError,
    OcrLine,
    OcrPage,
    OcrResult,
    OcrWord,
    Tesseract,
    _insert_lines,
    cpu_time,
    default_engine,
    language_for_claim,
    page_from_data,
    split_language,
)

__all__ = [
    "CLAIM_LANGUAGES",
    "DEFAULT_TIMEOUT_S",
    "FALLBACK_LANGUAGE",
    "MIN_VERSION",
    "OcrFailedError",
    "OcrLine",
    "OcrPage",
    "OcrResult",
    "OcrWord",
    "Tesseract",
    "_insert_lines",
    "cpu_time",
    "default_engine",
    "language_for_claim",
    "page_from_data",
    "split_language",
]
