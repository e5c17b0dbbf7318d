"""Document authentication workbench: checks a scanned document against what is claimed of it.

The public API is `analyze` (one document in, one `Report` out); the report's JSON shape is
the contract in ``workbench/contract/report.schema.json``.

Importing the package is cheap: the report model and `analyze` load on first use (PEP 562),
so that importing a pure module such as ``workbench.text.script`` does not load the
pipeline, the OCR layer or OpenCV.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from workbench._version import __version__

if TYPE_CHECKING:
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

_LAZY = {
    "analyze": "workbench.api",
    "Artifact": "workbench.model",
    "CheckResult": "workbench.model",
    "Claims": "workbench.model",
    "Finding": "workbench.model",
    "Region": "workbench.model",
    "Report": "workbench.model",
    "Severity": "workbench.model",
    "Status": "workbench.model",
}

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


def __getattr__(name: str) -> Any:
    """Load the public API on first use instead of at package import."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
