"""Resource limits that keep hostile or accidental inputs from exhausting the machine.

Defaults suit scans of letters and reports; every limit can be raised per call, on the
command line, or through environment variables (``WORKBENCH_MAX_FILE_BYTES``,
``WORKBENCH_MAX_PIXELS``, ``WORKBENCH_MAX_PAGES``, ``WORKBENCH_PDF_DPI``,
``WORKBENCH_MAX_SECONDS``, ``WORKBENCH_MAX_MEMORY_BYTES``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

from workbench.errors import UsageError


@dataclass(frozen=True)
class Limits:
    """Guards applied while loading and analysing a document.

    Attributes:
        max_file_bytes: largest file read at all (default 256 MiB).
        max_pixels: most pixels in one decoded page (default 100 million, above a 600-dpi A3
            scan); larger pages are refused as possible decompression bombs.
        max_pages: most pages (TIFF frames, PDF pages) in one document.
        pdf_dpi: resolution PDF pages are rasterised at; lowered for a page that would
            otherwise exceed ``max_pixels``.
        keep_decoded_pixels: pixel budget for keeping pages decoded during loading in memory,
            so the checks need not decode them again; larger documents are re-decoded on use.
        max_seconds: wall-clock time a batch worker may spend on one document (default 10
            minutes; a page takes seconds); a document over it is an error row.
        max_memory_bytes: address space of a batch worker process (default 4 GiB; a full
            page with every check peaks near 1 GiB of it); a document that needs more is an
            error row. Address space, not resident memory: libraries and thread stacks count.

    """

    max_file_bytes: int = 256 * 1024 * 1024
    max_pixels: int = 100_000_000
    max_pages: int = 200
    pdf_dpi: float = 300.0
    keep_decoded_pixels: int = 60_000_000
    max_seconds: float = 600.0
    max_memory_bytes: int = 4 * 1024**3

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
                value: float = float(raw) if f.type in (float, "float") else int(raw)
            except ValueError:
                raise UsageError(f"WORKBENCH_{f.name.upper()}={raw!r} is not a number") from None
            values[f.name] = value
        return cls(**values)
