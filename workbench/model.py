"""The report model: what the workbench knows about one document after its checks ran.

Everything here is plain, immutable data. `workbench.serialize` turns it into the JSON of
the report contract (`workbench/contract/report.schema.json`) and back; nothing else in the
project builds report JSON by hand, so the contract has exactly one implementation.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from workbench import geometry

SCHEMA_VERSION = "1"


class Severity(enum.IntEnum):
    """How much weight a finding asks of a reviewer; ordered so that max() is the worst."""

    INFO = 0
    NOTICE = 1
    WARNING = 2
    CRITICAL = 3

    @property
    def label(self) -> str:
        """The lower-case name used in the report contract."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Read a severity from its contract name (``info``, ``notice``, ...)."""
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r}") from None


class Status(enum.StrEnum):
    """Outcome of one check on one document."""

    OK = "ok"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(frozen=True)
class Region:
    """A rectangle in pixels of the decoded page, origin top-left."""

    x: int
    y: int
    width: int
    height: int
    label: str | None = None
    score: float | None = None

    def area(self) -> int:
        """Number of pixels covered."""
        return max(self.width, 0) * max(self.height, 0)

    def intersection(self, other: Region) -> int:
        """Pixels shared with `other` (0 when they do not overlap)."""
        return geometry.intersection(self.xywh, other.xywh)

    @property
    def xywh(self) -> tuple[int, int, int, int]:
        """The region as an ``(x, y, w, h)`` tuple, for the helpers of `workbench.geometry`."""
        return self.x, self.y, self.width, self.height


@dataclass(frozen=True)
class PageInfo:
    """Size and resolution of one decoded page (the pixels themselves live in the context)."""

    index: int
    width: int
    height: int
    dpi: tuple[float, float] | None = None


@dataclass(frozen=True)
class DocumentInfo:
    """Identity of the analysed file: where it was, its hash, its detected type and pages."""

    path: str
    sha256: str
    size_bytes: int
    media_type: str
    pages: tuple[PageInfo, ...] = ()


@dataclass(frozen=True)
class Claims:
    """What is claimed about a document; every field is optional.

    ``extra`` keeps fields the contract does not name (a newsroom's own keys), so nothing a
    user supplied is silently dropped.
    """

    date: str | None = None
    author: str | None = None
    addressee: str | None = None
    office: str | None = None
    language: str | None = None
    source: str | None = None
    #: Number of entries a list is said to have ("a list of 149 names").
    count: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """True when no claim at all was made."""
        named = (self.date, self.author, self.addressee, self.office, self.language, self.source)
        return all(v is None for v in named) and self.count is None and not self.extra


@dataclass(frozen=True)
class Finding:
    """One observation a human should weigh. It never says "forged": it says what was seen."""

    check: str
    code: str
    severity: Severity
    title: str
    detail: str
    page: int | None = None
    regions: tuple[Region, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
    checklist: tuple[str, ...] = ()


@dataclass(frozen=True)
class Artifact:
    """A file a check produced (heatmap, overlay), relative to the report's output folder."""

    id: str
    kind: str
    media_type: str
    path: str
    page: int | None = None


@dataclass(frozen=True)
class CheckResult:
    """Everything one check returned for one document."""

    name: str
    version: str
    status: Status
    message: str | None = None
    duration_s: float = 0.0
    findings: tuple[Finding, ...] = ()
    results: dict[str, Any] | None = None
    artifacts: tuple[Artifact, ...] = ()


@dataclass(frozen=True)
class ToolInfo:
    """The program that wrote the report."""

    name: str
    version: str


@dataclass(frozen=True)
class Report:
    """The report for one document, in the shape of the report contract."""

    tool: ToolInfo
    document: DocumentInfo
    claims: Claims | None
    checks: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]
    results: dict[str, dict[str, Any]]
    artifacts: tuple[Artifact, ...]
    schema_version: str = SCHEMA_VERSION

    def highest_severity(self) -> Severity | None:
        """The worst severity among the findings, or None when there are none."""
        return max((f.severity for f in self.findings), default=None)

    def check(self, name: str) -> CheckResult | None:
        """The result of the named check, if it ran."""
        return next((c for c in self.checks if c.name == name), None)
