"""Resource limits that keep hostile or accidental inputs from exhausting the machine.

Defaults suit scans of letters and reports; every limit can be raised per call, on the
command line, or through environment variables (``WORKBENCH_MAX_FILE_BYTES``,
``WORKBENCH_MAX_PIXELS``, ``WORKBENCH_MAX_PAGES``, ``WORKBENCH_PDF_DPI``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

from workbench.errors import UsageError


@dataclass(frozen=True)
class Limits:
    """Guards applied while loading a document.

    Attributes:
        max_file_bytes: largest file read at all (default 256 MiB).
        max_pixels: most pixels in one decoded page (default 100 million, above a 600-dpi A3
            scan); larger pages are refused as possible decompression bombs.
        max_pages: most pages (TIFF frames, PDF pages) in one document.
        pdf_dpi: resolution PDF pages are rasterised at; lowered for a page that would
            otherwise exceed ``max_pixels``.
        keep_decoded_pixels: pixel budget for keeping pages decoded during loading in memory,
            so the checks need not decode them again; larger documents are re-decoded on use.

    """

    max_file_bytes: int = 256 * 1024 * 1024
    max_pixels: int = 100_000_000
    max_pages: int = 200
    pdf_dpi: float = 300.0
    keep_decoded_pixels: int = 60_000_000

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) <= 0:
                raise UsageError(f"limit {f.name} must be positive, not {getattr(self, f.name)}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Defaults overridden by ``WORKBENCH_<FIELD>`` environment variables."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"WORKBENCH_{f.name.upper()}")
            if raw is None:
                continue
            try:
                value: float = float(raw) if f.name == "pdf_dpi" else int(raw)
            except ValueError:
                raise UsageError(f"WORKBENCH_{f.name.upper()}={raw!r} is not a number") from None
            values[f.name] = value
        return cls(**values)
