"""Running checks over one loaded document and assembling its report.

Each check runs in isolation: what it raises becomes an ``error`` result for that check alone;
what it returns is validated (names, finding codes, JSON-serialisable results) before it enters
the report. Each check is timed. Checks whose needs the document cannot meet are skipped with
the reason.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from workbench._version import __version__
from workbench.check import Check, Need
from workbench.context import Context
from workbench.model import CheckResult, Finding, Report, Status, ToolInfo
from workbench.runtime import return_freed_memory

log = logging.getLogger(__name__)
_CODE = re.compile(r"^[a-z0-9_]+\.[a-z0-9_.]+$")
TOOL = ToolInfo(name="workbench", version=__version__)


@dataclass(frozen=True)
class ProgressEvent:
    """Reported before (``status`` None) and after each check of a document.

    The event after a check carries its validated ``result`` (findings included), so a
    caller can show each check's findings as soon as it ends instead of at the report's end.
    When `run_pipeline` runs checks beside the reading (``beside``), events come from two
    threads, the two lanes' interleaved: a callback must then be safe to call from either
    (``index`` is the check's place among the checks given, not the order of the events).
    """

    check: str
    index: int
    total: int
    status: Status | None = None
    duration_s: float | None = None
    result: CheckResult | None = None


ProgressCallback = Callable[[ProgressEvent], None]

#: Above this many pixels in a document and its exemplars together (an A4 page at 600 dpi
#: is 35 million) the image checks do not run beside the text checks (`run_pipeline`,
#: ``beside``): two checks' page-sized arrays at once would raise the analysis's peak memory
#: where it is largest.
BESIDE_MAX_PIXELS = 40_000_000


def unmet_need(check: Check, context: Context) -> str | None:
    """Why `check` cannot run on this document, or None when it can."""
    doc = context.document
    for need in check.needs:
        undecoded = doc.properties.get("undecoded")
        if need in (Need.PAGES, Need.TEXT) and not doc.pages and undecoded:
            return (
                f"needs page images; the pixels of this {doc.media_type} file could not be "
                f"decoded ({undecoded})"
            )
        if need is Need.PAGES and not doc.pages:
            return f"needs page images; this document is {doc.media_type} text"
        if need is Need.TEXT and not doc.pages and not (doc.text or "").strip():
            return "needs page images or text; the document has neither"
        if need is Need.REFERENCES and not context.references:
            return "needs genuine exemplars to compare against (give them with --reference)"
        if need is Need.CLAIMS and (context.claims is None or context.claims.is_empty()):
            return "needs claims about the document (give them with --claims)"
    return None


def _validated(check: Check, result: CheckResult) -> CheckResult:
    """`result` with identity fields enforced; raises ValueError when it breaks the contract."""
    if not isinstance(result, CheckResult):
        raise ValueError(f"returned {type(result).__name__}, not a CheckResult")
    for finding in result.findings:
        if finding.check != check.name or not _CODE.match(finding.code):
            raise ValueError(f"finding code {finding.code!r} is not of the form {check.name}.xxx")
        if not finding.code.startswith(f"{check.name}."):
            raise ValueError(f"finding code {finding.code!r} does not start with {check.name}.")
    for artifact in result.artifacts:
        if not artifact.id.startswith(f"{check.name}/"):
            raise ValueError(f"artifact id {artifact.id!r} does not start with {check.name}/")
    if result.results is not None:
        json.dumps(result.results, allow_nan=False)  # raises TypeError/ValueError if not JSON
    return replace(result, name=check.name, version=check.version)


#: OpenCV's error code for a failed allocation (``cv::Error::StsNoMem``).
_OPENCV_NO_MEMORY = -4


def _out_of_memory(exc: BaseException) -> bool:
    """Whether `exc` is an allocation that failed, in Python or in OpenCV's native code.

    OpenCV reports a failed allocation as its own ``cv2.error`` (code -4), not as a
    `MemoryError`; under a memory budget that is the same resource limit.
    """
    if isinstance(exc, MemoryError):
        return True
    return type(exc).__module__ == "cv2" and getattr(exc, "code", None) == _OPENCV_NO_MEMORY


def run_check(check: Check, context: Context) -> CheckResult:
    """Run one check with failure isolation and timing."""
    started = time.perf_counter()
    reason = unmet_need(check, context)
    if reason is not None:
        result = check.skipped(reason)
    else:
        try:
            result = _validated(check, check.run(context))
        except Exception as exc:  # isolation: one faulty check never sinks the report
            if _out_of_memory(exc):
                # A resource limit, not a fault of the check: the document's pages do not fit
                # the memory budget of this process (batch workers run under one). Say so,
                # without a traceback.
                result = check.error(
                    f"check {check.name} ran out of memory on this document: its pages do not "
                    "fit the memory budget (raise --max-memory-bytes, or lower --max-pixels)"
                )
            else:
                log.exception("check %s failed on %s", check.name, context.document.path)
                result = check.error(
                    f"internal error in check {check.name}: {type(exc).__name__}: {exc}"
                )
    return replace(result, duration_s=round(time.perf_counter() - started, 4))


def _worst_first(finding: Finding) -> int:
    return -int(finding.severity)


def assemble_report(context: Context, results: Sequence[CheckResult]) -> Report:
    """The report of one document from its checks' results.

    Findings are ordered worst first, keeping the run order of checks among equals.
    """
    # Each check's findings are ordered like the report's list (worst first, stable), so a
    # report read back from JSON, which regroups that list by check, compares equal.
    results = [replace(r, findings=tuple(sorted(r.findings, key=_worst_first))) for r in results]
    findings = sorted((f for r in results for f in r.findings), key=_worst_first)
    data: dict[str, dict[str, Any]] = {r.name: r.results for r in results if r.results is not None}
    return Report(
        tool=TOOL,
        document=context.document.info(),
        claims=context.claims,
        checks=tuple(results),
        findings=tuple(findings),
        results=data,
        artifacts=tuple(a for r in results for a in r.artifacts),
    )


def _warm_up_in_background(
    context: Context, checks: Sequence[Check], give_up: threading.Event
) -> None:
    """Call each check's `Check.warm_up` in order in one daemon thread, failures logged.

    The models a later check loads (the language detector, the second reader) then load
    while the check running meanwhile waits on Tesseract, a separate process. On page
    images the thread first waits for that wait (`workbench.ocr.activity.wait_while_reading`)
    until `give_up` is set: lingua loads its models in one call that holds the
    interpreter's lock for seconds, and begun earlier it stopped the page's reading before
    Tesseract had started (on the samples' 150-dpi letter at load 12-15, Tesseract began
    3.7 s into the ``ocr`` check, after the whole load, against 0.4 s now).
    """

    def warm() -> None:
        if context.document.pages:
            from workbench.ocr.activity import wait_while_reading

            wait_while_reading(give_up)
        _call_each(context, checks, "warm_up")

    threading.Thread(target=warm, name="workbench-warm-up", daemon=True).start()


def run_pipeline(
    context: Context,
    checks: Sequence[Check],
    *,
    out_dir: Path | None = None,
    progress: ProgressCallback | None = None,
    beside: bool = False,
) -> Report:
    """Run `checks` over the context's document and return its report.

    Artifacts go under `out_dir` (nothing is written when it is None). With `beside`, the
    checks that declare `Check.beside_reading` run in a second thread, in their order,
    while the others run in this one (`_run_beside`), on documents of at most
    `BESIDE_MAX_PIXELS` with their exemplars; the report is the same, its checks in run
    order. `progress` is then called from both threads, the two lanes' events interleaved.
    """
    _call_each(context, checks, "start_early")
    results: list[CheckResult | None] = [None] * len(checks)
    documents = (context.document, *context.references)
    pixels = sum(p.width * p.height for d in documents for p in d.pages)
    beside = beside and pixels <= BESIDE_MAX_PIXELS
    side = [i for i, c in enumerate(checks) if beside and c.beside_reading]
    main = [i for i in range(len(checks)) if i not in side]
    if side and main:
        _run_beside(context, checks, main, side, results, out_dir, progress)
    else:
        _run_lane(context, checks, range(len(checks)), results, out_dir, progress)
    return assemble_report(context, [r for r in results if r is not None])


def _call_each(context: Context, checks: Sequence[Check], hook: str) -> None:
    """Call `hook` (``warm_up`` or ``start_early``) of each check that has its own, in run order.

    A failure is logged and the next check's hook called: the check's `run` meets the same
    problem and reports it.
    """
    for check in checks:
        if getattr(type(check), hook) is getattr(Check, hook):
            continue
        try:
            getattr(check, hook)(context)
        except Exception:
            log.debug("%s of check %s failed", hook, check.name, exc_info=True)


def _run_lane(
    context: Context,
    checks: Sequence[Check],
    lane: Sequence[int],
    results: list[CheckResult | None],
    out_dir: Path | None,
    progress: ProgressCallback | None,
    *,
    first_ended: threading.Event | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Run the checks at positions `lane` of `checks` in order, each result at its position.

    The checks' warm-ups (`Check.warm_up`) start with the lane's first check that has one;
    `first_ended` is set when the lane's first check has ended. Once `stop` is set, no
    further check of the lane starts (the other lane failed or was interrupted).
    """
    total = len(checks)
    warming: threading.Event | None = None
    for index in lane:
        if stop is not None and stop.is_set():
            return
        check = checks[index]
        if warming is None and type(check).warm_up is not Check.warm_up:
            # From the first check that has a warm-up (``ocr``, which starts Tesseract), not
            # from the start: loading the language models holds the interpreter's lock, and
            # the Python work of the checks before it (c2pa, fingerprint) would wait.
            warming = threading.Event()
            _warm_up_in_background(context, checks[index:], warming)
        if progress is not None:
            progress(ProgressEvent(check.name, index, total))
        result = run_check(check, context.for_check(check.name, out_dir))
        return_freed_memory()  # what the check freed is not kept for the next one
        if warming is not None:
            warming.set()  # that check has read its pages: warm up now if not yet begun
        results[index] = result
        if first_ended is not None:
            first_ended.set()
        if progress is not None:
            progress(
                ProgressEvent(check.name, index, total, result.status, result.duration_s, result)
            )


def _run_beside(
    context: Context,
    checks: Sequence[Check],
    main: Sequence[int],
    side: Sequence[int],
    results: list[CheckResult | None],
    out_dir: Path | None,
    progress: ProgressCallback | None,
) -> None:
    """Run the `side` checks in a second thread while the `main` ones run in this one.

    The checks that read the page's text (``ocr`` and those after it) wait on Tesseract,
    a process of its own, for much of their time, and the image checks spend theirs in
    OpenCV and NumPy, which let other threads run: beside each other the two use both
    cores of the machine. They share the context (`Context.cached`): a check asking for
    evidence the other thread is computing (the page's reading, which ``forensics`` reads
    numbers from) waits for it.
    """
    failure: list[BaseException] = []
    first_ended = threading.Event()
    stop = threading.Event()

    def run_side() -> None:
        try:
            if context.document.pages:
                # Not before Tesseract reads: the text checks' first one (``ocr``) prepares
                # the page in Python first, and every check beside it would delay the
                # reading that the rest of those checks wait for.
                from workbench.ocr.activity import wait_while_reading

                wait_while_reading(first_ended, settle_s=0.0)
            if not stop.is_set():
                _run_lane(context, checks, side, results, out_dir, progress, stop=stop)
        except BaseException as exc:  # raised again in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run_side, name="workbench-checks-beside", daemon=True)
    thread.start()
    ended = False
    try:
        _run_lane(context, checks, main, results, out_dir, progress, first_ended=first_ended)
        ended = True
    finally:
        if not ended:  # interrupted or failed: the other lane starts no further check
            stop.set()
        first_ended.set()
        thread.join()
        if failure and not ended:
            log.error("a check beside the reading failed too", exc_info=failure[0])
    if failure:
        raise failure[0]
