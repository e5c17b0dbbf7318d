"""What a batch run writes besides the store: a report folder per document and ``summary.csv``.

Reports are written to ``reports/<folder>/<name>-<sha256>/report.json`` (with their artifacts)
under the output folder, and the CSV has one `Row` per file, skipped files included; both are
written to a temporary name first, so a run killed meanwhile leaves no half-written file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.model import Report, Severity
from workbench.names import printable
from workbench.serialize import report_to_json

SUMMARY_NAME = "summary.csv"
CSV_COLUMNS = (
    "path",
    "sha256",
    "pages",
    "status",
    "highest_severity",
    "info",
    "notice",
    "warning",
    "critical",
    "top_findings",
    "error",
    "duration_s",
)
TOP_FINDINGS = 5
_UNSAFE = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class Row:
    """One line of ``summary.csv``."""

    path: str
    sha256: str = ""
    pages: int = 0
    status: str = "error"
    highest_severity: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    top_findings: tuple[str, ...] = ()
    error: str = ""
    duration_s: float | None = None

    def __post_init__(self) -> None:
        # names that are not UTF-8, or carry control characters, are kept escaped
        object.__setattr__(self, "path", printable(self.path))
        object.__setattr__(self, "error", printable(self.error))

    def as_csv(self) -> dict[str, Any]:
        """The row as the CSV's columns."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "pages": self.pages,
            "status": self.status,
            "highest_severity": self.highest_severity,
            **{s.label: self.counts.get(s.label, 0) for s in Severity},
            "top_findings": ";".join(self.top_findings),
            "error": self.error,
            "duration_s": "" if self.duration_s is None else f"{self.duration_s:.3f}",
        }


@dataclass(frozen=True)
class BatchSummary:
    """What a run did, for the end-of-run summary and the exit code."""

    rows: tuple[Row, ...]
    out: Path
    store: Path
    csv_path: Path
    elapsed_s: float
    peak_rss_bytes: dict[str, int]

    def count(self, status: str) -> int:
        """Rows with this status (analysed, reused, error, skipped)."""
        return sum(1 for r in self.rows if r.status == status)

    @property
    def pages_analysed(self) -> int:
        """Pages analysed in this run (reused documents excluded)."""
        return sum(r.pages for r in self.rows if r.status == "analysed")

    @property
    def exit_code(self) -> int:
        """1 when any document failed, else 0."""
        return 1 if self.count("error") else 0

    def severity_counts(self) -> dict[str, int]:
        """How many documents have each highest severity."""
        out = {s.label: 0 for s in Severity}
        for r in self.rows:
            if r.highest_severity:
                out[r.highest_severity] += 1
        return out


def row_from_report(path: str, report: Report, status: str, duration: float | None) -> Row:
    """The CSV row of a document from its report: counts by severity, the worst codes."""
    counts = {s.label: 0 for s in Severity}
    for f in report.findings:
        counts[f.severity.label] += 1
    top: list[str] = []
    for f in report.findings:  # worst first
        if f.severity > Severity.INFO and f.code not in top:
            top.append(f.code)
    highest = report.highest_severity()
    return Row(
        path=path,
        sha256=report.document.sha256,
        pages=len(report.document.pages),
        status=status,
        highest_severity=highest.label if highest is not None else "",
        counts=counts,
        top_findings=tuple(top[:TOP_FINDINGS]),
        duration_s=duration,
    )


def report_dir(out: Path, relative: Path, sha256: str) -> Path:
    """The folder of a document's report: its relative folder, a safe stem, its hash."""
    stem = _UNSAFE.sub("_", relative.stem)[:60].strip("._") or "document"
    return out / "reports" / relative.parent / f"{stem}-{sha256[:12]}"


def write_report(folder: Path, report: Report, artifacts: dict[str, bytes]) -> None:
    """Write a report and its artifacts into `folder` (``report.json`` last, whole)."""
    folder.mkdir(parents=True, exist_ok=True)
    for relative, data in artifacts.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    tmp = folder / "report.json.part"
    tmp.write_text(report_to_json(report), encoding="utf-8")
    tmp.replace(folder / "report.json")


def write_csv(path: Path, rows: Sequence[Row]) -> None:
    """Write ``summary.csv``: one row per file, sorted by path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in sorted(rows, key=lambda r: r.path):
            writer.writerow(row.as_csv())
    tmp.replace(path)
