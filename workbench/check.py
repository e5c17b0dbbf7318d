"""The check plug-in interface.

A check is a class with a stable ``name``, a ``version`` (bumped whenever its output for the
same input changes, so stored results are recomputed), a one-line ``title``, a plain-language
``explanation`` of what it can and cannot show, the inputs it ``needs``, and
``run(context) -> CheckResult``. Checks are registered through the ``workbench.checks``
entry-point group, built-in ones exactly like third-party ones.

A check returns data: it never prints, writes only through ``context.artifacts``, and does not
raise for a bad document (it returns `skipped` or `error` with a message a user can act on).
The pipeline still catches anything it raises, so one faulty check cannot sink a report.

A check also declares how its evidence is drawn over a page (`Check.layers`): boxes read from
its results, heatmap or image artifacts it writes, or its findings grouped under a label. The
app and the exports draw whatever the installed checks declare, so a new check's pictures
appear everywhere without editing them.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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


RGB = tuple[int, int, int]


class LayerKind(enum.StrEnum):
    """What a display layer is drawn from."""

    FINDING_BOXES = "finding_boxes"  # the regions of the check's findings, severity colours
    RESULT_BOXES = "result_boxes"  # boxes listed in the check's results
    HEATMAP = "heatmap"  # a per-page grayscale artifact (0 = no trace) blended over the page
    IMAGE = "image"  # a per-page picture artifact shown in place of the page


@dataclass(frozen=True)
class Layer:
    """One layer of evidence a check draws over a page, and where to find it.

    ``RESULT_BOXES`` reads rows from ``results[<check name>]``: the list under `rows`, or, when
    `pages` is set, the list under `rows` of each per-page entry of ``results[pages]`` (whose
    ``index`` is its page). Each row's ``box`` is ``[x, y, w, h]`` or a region dict; rows that
    are not dicts or whose box is malformed are left out. ``HEATMAP`` and ``IMAGE`` name the
    artifact ``kind`` the check writes. ``FINDING_BOXES`` gathers the check's findings whose
    code is in `codes` (all when empty); findings of a check that declares no such layer are
    drawn under «Findings: <check name>».
    """

    kind: LayerKind
    label: str
    #: Drawn when the viewer has not chosen: preselected in the app, drawn in static exports.
    default: bool = False
    colour: RGB = (110, 119, 129)
    thickness: int = 3
    # RESULT_BOXES: where the rows and their boxes are
    rows: str = ""
    pages: str | None = None
    box: str = "box"
    #: Key of a row's page index; a row without one is on every page when `unpaged_everywhere`.
    page_key: str = "page"
    unpaged_everywhere: bool = False
    #: Keys of a row's caption, the first non-empty one wins; none: no caption.
    caption: tuple[str, ...] = ()
    #: Key of a row value choosing the box colour from `palette` (`colour` when not in it).
    colour_by: str | None = None
    palette: Mapping[str, RGB] = field(default_factory=dict)
    #: Name of another check declaring a layer of the same label that this one replaces on
    #: every page where this check has an entry (a richer reading of the same boxes).
    replaces: str | None = None
    # HEATMAP / IMAGE: the artifact kind
    artifact: str = ""
    # FINDING_BOXES: which of the check's finding codes (all when empty)
    codes: tuple[str, ...] = ()


class Check(abc.ABC):
    """Base class of every check; subclasses set the class attributes and implement `run`."""

    name: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str]
    explanation: ClassVar[str]
    needs: ClassVar[frozenset[Need]] = frozenset()
    #: Position in reports and in the run order (lower first); ties broken by name.
    order: ClassVar[int] = 100
    #: How the check's evidence is drawn over a page (see `Layer`); its findings' regions
    #: are drawn in any case.
    layers: ClassVar[tuple[Layer, ...]] = ()
    #: Whether the check may run in a second thread beside the checks that read the page's
    #: text, when the caller asks for it (`workbench.pipeline.run_pipeline`, ``beside``;
    #: `workbench check` does): the check works on the page's pixels, mostly in code that
    #: lets other threads run (OpenCV, NumPy), keeps no state of its own between calls
    #: that another check could change, and loads no model the warm-up loads.
    beside_reading: ClassVar[bool] = False

    @abc.abstractmethod
    def run(self, context: Context) -> CheckResult:
        """Examine ``context.document`` and return what was found."""

    def warm_up(self, context: Context) -> None:  # noqa: B027 - optional hook, empty by default
        """Load ahead what `run` will need on this document (a model, a large library).

        The pipeline calls it in a background thread from when the first check that has one
        starts (``ocr``, which waits on Tesseract), so a load overlaps that wait instead of
        adding to the check that needs it. It
        must be safe to call from another thread and more than once (loads once per
        process), must not touch the document's findings, and may raise: a failure is
        logged and `run` meets the same problem and reports it. The default loads nothing.
        """

    def start_early(self, context: Context) -> None:  # noqa: B027 - optional hook, empty by default
        """Start what `run` will need from another process, before any check runs.

        The pipeline calls it in its own thread, in run order, before the first check: it
        must return at once (start the process, not wait for it) and may raise (logged).
        For work that holds nothing of this process, such as models another process loads
        (the language detector's within a whole ``workbench check``, `workbench.text.
        detector`), which can then use the machine's other core from the start. The
        default starts nothing.
        """

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
