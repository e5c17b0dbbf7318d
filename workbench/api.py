"""The public Python API: what the command line, batch runs and the app all call.

``analyze`` is the whole workbench in one function: load a document safely, run the selected
checks with a shared context, and return the report (writing artifacts and ``report.json``
under `out` when given).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.claims import parse_claims
from workbench.context import Context
from workbench.errors import InputError
from workbench.limits import Limits
from workbench.loading import Document, load_document
from workbench.model import Claims, Report
from workbench.pipeline import ProgressCallback, run_pipeline
from workbench.registry import Registry, discover
from workbench.runtime import apply_thread_policy
from workbench.serialize import report_to_json

PathLike = str | Path
_UNSAFE = re.compile(r"[^\w.-]+")


@dataclass
class Analysis:
    """A document's report with the loaded document (for previews) and its output folder."""

    document: Document
    report: Report
    out_dir: Path | None

    def artifact_bytes(self) -> dict[str, bytes]:
        """The bytes of the artifacts written, keyed by their path in the report."""
        if self.out_dir is None:
            return {}
        found = {}
        for artifact in self.report.artifacts:
            path = self.out_dir / artifact.path
            if path.is_file():
                found[artifact.path] = path.read_bytes()
        return found


def report_folder(out: Path, document: Document) -> Path:
    """The folder under `out` that holds one document's report and artifacts."""
    stem = _UNSAFE.sub("_", document.path.stem)[:60].strip("._") or "document"
    return out / f"{stem}-{document.sha256[:12]}"


def _claims(claims: Claims | Mapping[str, Any] | None) -> Claims | None:
    if claims is None or isinstance(claims, Claims):
        return claims
    return parse_claims(claims)


def load_references(
    references: Iterable[PathLike | Document], limits: Limits | None = None
) -> tuple[Document, ...]:
    """Exemplar documents, loaded with the same guards as the questioned one."""
    return tuple(r if isinstance(r, Document) else load_document(r, limits) for r in references)


def load_translation(path: PathLike, limits: Limits | None = None) -> str:
    """The text of a translation file (plain text or HTML), loaded with the usual guards.

    Raises:
        InputError: the file cannot be read or is not text.

    """
    document = load_document(path, limits)
    if document.text is None:
        raise InputError(f"{path}: a translation must be a text or HTML file")
    return document.text


def analyze_document(
    document: Document,
    *,
    references: Sequence[Document] = (),
    claims: Claims | Mapping[str, Any] | None = None,
    only: Iterable[str] | None = None,
    out: PathLike | None = None,
    limits: Limits | None = None,
    registry: Registry | None = None,
    progress: ProgressCallback | None = None,
    translation: str | None = None,
    options: Mapping[str, Any] | None = None,
    write_report: bool = True,
    beside: bool = False,
) -> Analysis:
    """Run the checks over an already loaded document.

    `translation` is its supplied translation; `options` are handed to the checks' context
    (e.g. ``{"ocr.reader": "tesseract"}``). With `write_report` False only the artifacts go
    under `out`, not ``report.json``: a batch worker sends the report back as compact JSON
    and its scratch folder is removed, so the indented file would be written for nobody.
    With `beside`, the image checks run in a second thread beside the checks that read the
    text (`run_pipeline`) and the language detector's models load and run in a process of
    their own (`workbench.text.detector`): for one document on an otherwise idle machine,
    not for workers that already keep every core busy with a document each.
    """
    apply_thread_policy()
    registry = registry or discover()
    checks = registry.select(only)
    out_dir = report_folder(Path(out), document) if out is not None else None
    context = Context(
        document=document,
        claims=_claims(claims),
        references=tuple(references),
        limits=limits or Limits(),
        translation=translation,
        options=dict(options or {}),
    )
    if beside:
        from workbench.text.detector import detector_in_a_process_of_its_own

        with detector_in_a_process_of_its_own():
            report = run_pipeline(context, checks, out_dir=out_dir, progress=progress, beside=True)
    else:
        report = run_pipeline(context, checks, out_dir=out_dir, progress=progress)
    if out_dir is not None and write_report:
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / "report.json"
        tmp = target.with_name("report.json.part")
        tmp.write_text(report_to_json(report), encoding="utf-8")
        tmp.replace(target)
    return Analysis(document=document, report=report, out_dir=out_dir)


def analyze(
    path: PathLike,
    references: Iterable[PathLike | Document] = (),
    claims: Claims | Mapping[str, Any] | None = None,
    only: Iterable[str] | None = None,
    *,
    out: PathLike | None = None,
    limits: Limits | None = None,
    progress: ProgressCallback | None = None,
) -> Report:
    """Analyse the document at `path` and return its report.

    Args:
        path: the questioned document (image, PDF, text or HTML).
        references: genuine exemplars of the same issuer, as paths or loaded documents.
        claims: what is claimed about the document (`Claims` or a mapping of its fields).
        only: names of the checks to run (default: all installed checks).
        out: folder for ``report.json`` and artifacts (nothing is written when None).
        limits: loading guards (default: `Limits.from_env()`).
        progress: called before and after each check.

    Raises:
        InputError: the document or a reference could not be loaded.
        UsageError: unknown check names or malformed claims.

    """
    limits = limits or Limits.from_env()
    registry = discover()
    registry.select(only)  # unknown check names fail before any work is done
    parsed_claims = _claims(claims)
    document = load_document(path, limits)
    refs = load_references(references, limits)
    return analyze_document(
        document,
        references=refs,
        claims=parsed_claims,
        only=only,
        out=out,
        limits=limits,
        registry=registry,
        progress=progress,
    ).report
