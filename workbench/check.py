"""The check plug-in interface.

A check is a class with a stable ``name``, a ``version`` (bumped whenever its output for the
same input changes, so stored results are recomputed), a one-line ``title``, a plain-language
``explanation`` of what it can and cannot show, the inputs it ``needs``, and
``run(context) -> CheckResult``. Checks are registered through the ``workbench.checks``
entry-point group, built-in ones exactly like third-party ones.

A check returns data: it never prints, writes only through ``context.artifacts``, and does not
raise for a bad document (it returns `skipped` or `error` with a message a user can act on).
The pipeline still catches anything it raises, so one faulty check cannot sink a report.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from workbench.errors import ToolUnavailableError, WorkbenchError
from workbench.model import Artifact, CheckResult, Finding, Region, Severity, Status

if TYPE_CHECKING:
    from workbench.context import Context


class Need(enum.StrEnum):
    """Inputs a check cannot do without; the pipeline skips the check when one is absent."""

    PAGES = "pages"  # page images (not text-only documents)
    TEXT = "text"  # page images or document text
    REFERENCES = "references"  # genuine exemplars to compare against
    CLAIMS = "claims"  # claims about the document


class Check(abc.ABC):
    """Base class of every check; subclasses set the class attributes and implement `run`."""

    name: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str]
    explanation: ClassVar[str]
    needs: ClassVar[frozenset[Need]] = frozenset()
    #: Position in reports and in the run order (lower first); ties broken by name.
    order: ClassVar[int] = 100

    @abc.abstractmethod
    def run(self, context: Context) -> CheckResult:
        """Examine ``context.document`` and return what was found."""

    # Helpers that keep results consistent across checks.

    def finding(
        self,
        code: str,
        severity: Severity,
        title: str,
        detail: str,
        *,
        page: int | None = None,
        regions: Iterable[Region] = (),
        evidence: dict[str, Any] | None = None,
        checklist: Sequence[str] = (),
    ) -> Finding:
        """A finding of this check; `code` is the part after ``<check name>.``."""
        return Finding(
            check=self.name,
            code=f"{self.name}.{code}",
            severity=severity,
            title=title,
            detail=detail,
            page=page,
            regions=tuple(regions),
            evidence=evidence or {},
            checklist=tuple(checklist),
        )

    def ok(
        self,
        *,
        findings: Iterable[Finding] = (),
        results: dict[str, Any] | None = None,
        artifacts: Iterable[Artifact | None] = (),
        message: str | None = None,
    ) -> CheckResult:
        """A completed result (artifacts that could not be written, given as None, are dropped)."""
        return CheckResult(
            name=self.name,
            version=self.version,
            status=Status.OK,
            message=message,
            findings=tuple(findings),
            results=results,
            artifacts=tuple(a for a in artifacts if a is not None),
        )

    def skipped(self, message: str, *, results: dict[str, Any] | None = None) -> CheckResult:
        """The check did not apply to this document, or a tool it needs is missing."""
        return CheckResult(
            name=self.name,
            version=self.version,
            status=Status.SKIPPED,
            message=message,
            results=results,
        )

    def ocr_failed(self, exc: WorkbenchError, consequence: str) -> CheckResult:
        """`skipped` when OCR is not installed, `error` when it failed on this document.

        `consequence` says what the check could not do («so no text to read»).
        """
        if isinstance(exc, ToolUnavailableError):
            return self.skipped(f"OCR is not available, {consequence}: {exc}")
        return self.error(f"OCR failed: {exc}")

    def error(self, message: str) -> CheckResult:
        """The check could not examine this document; `message` says why."""
        return CheckResult(
            name=self.name, version=self.version, status=Status.ERROR, message=message
        )
