"""Document authentication workbench: checks a scanned document against what is claimed of it.

The public API is `analyze` (one document in, one `Report` out); the report's JSON shape is
the contract in ``workbench/contract/report.schema.json``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from workbench.api import analyze
from workbench.model import (
    Artifact,
    CheckResult,
    Claims,
    Finding,
    Region,
    Report,
    Severity,
    Status,
)

__all__ = [
    "Artifact",
    "CheckResult",
    "Claims",
    "Finding",
    "Region",
    "Report",
    "Severity",
    "Status",
    "__version__",
    "analyze",
]
