"""The OCR layer: the one wrapper around Tesseract and the page model it reads into.

The pieces, each along its own seam:

- `workbench.ocr.model`: what a reading produces (`OcrWord`, `OcrLine`, `OcrPage`,
  `OcrResult`) and the error a failed reading raises;
- `workbench.ocr.engine`: the Tesseract installation and how a page is read (`Tesseract`);
- `workbench.ocr.activity`: whether a Tesseract process is running, and the CPU time used;
- `workbench.ocr.probe`: the installation asked its version and models ahead of a reading;
- `workbench.ocr.tsv`: Tesseract's TSV columns, edited and turned into an `OcrPage`;
- `workbench.ocr.recovery`: skipped lines read again one by one;
- `workbench.ocr.several`: several images read by one Tesseract process;
- `workbench.ocr.image_files`: images handed to Tesseract as uncompressed files;
- `workbench.ocr.latin`: Latin text a Persian or Arabic model misread, found and read with ``eng``;
- `workbench.ocr.policy`: which language model reads a claimed language.

Callers import the names below from ``workbench.ocr``.
"""

from __future__ import annotations

from workbench.ocr.activity import cpu_time
from workbench.ocr.engine import (
    DEFAULT_TIMEOUT_S,
    MIN_VERSION,
    Tesseract,
    default_engine,
    split_language,
    tesseract_environment,
)
from workbench.ocr.model import OcrFailedError, OcrLine, OcrPage, OcrResult, OcrWord
from workbench.ocr.policy import CLAIM_LANGUAGES, FALLBACK_LANGUAGE, language_for_claim
from workbench.ocr.tsv import page_from_data

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
    "cpu_time",
    "default_engine",
    "language_for_claim",
    "page_from_data",
    "split_language",
    "tesseract_environment",
]
