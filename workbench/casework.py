"""Casework over the store: analyse an upload, gather a document's review, export it.

This is the service the app (and ``workbench export``) calls, so that pages only show and
collect: analysing uploaded bytes with their claims and exemplars and recording the run,
assembling everything known about one document (report, claims, translation, checklist
answers, sign-offs, audit trail) into a `Review`, and rendering that in the export formats.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from workbench.api import analyze_document
from workbench.cases import search_and_store
from workbench.checklist import Checklist, load_checklist
from workbench.claims import parse_claims
from workbench.errors import InputError, UsageError
from workbench.limits import Limits
from workbench.loading import Document, load_bytes
from workbench.model import Claims, DocumentInfo, Report
from workbench.pipeline import ProgressCallback
from workbench.registry import Registry, discover
from workbench.store import (
    AnswerRecord,
    AuditEntry,
    ClaimsRecord,
    DocumentRecord,
    RunRecord,
    SignOffRecord,
    Store,
)

#: Claims key under which the SHA-256 of an uploaded translation is kept.
TRANSLATION_KEY = "translation_sha256"


@dataclass(frozen=True)
class Upload:
    """A file as a user handed it over: its name and bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Review:
    """Everything recorded about one document, for showing and exporting."""

    document: DocumentRecord
    run: RunRecord | None
    report: Report | None
    claims: ClaimsRecord | None
    translation: str | None
    answers: dict[str, AnswerRecord]
    signoffs: list[SignOffRecord]
    audit: list[AuditEntry]
    #: Why the stored original cannot be trusted (changed or missing on disk), or None.
    original_problem: str | None = None

    @property
    def verdict(self) -> str | None:
        """The reviewers' common verdict, ``"disputed"`` when they disagree, else None."""
        verdicts = {s.verdict for s in self.signoffs}
        if not verdicts:
            return None
        return verdicts.pop() if len(verdicts) == 1 else "disputed"


def _load_upload(upload: Upload, limits: Limits) -> Document:
    """Load uploaded bytes with the usual guards, under the name the user gave."""
    return load_bytes(upload.data, Path(upload.name).name or "upload", limits)


def analyse_upload(
    store: Store,
    upload: Upload,
    *,
    claims: Claims | None = None,
    exemplars: Sequence[Upload] = (),
    translation: Upload | None = None,
    reviewer: str,
    limits: Limits | None = None,
    only: Sequence[str] | None = None,
    registry: Registry | None = None,
    progress: ProgressCallback | None = None,
) -> str:
    """Analyse an uploaded document, store it with its run, claims and exemplars.

    Returns the document's SHA-256. Raises `InputError` when the document, an exemplar or
    the translation cannot be loaded (nothing is stored then).
    """
    limits = limits or Limits.from_env()
    document = _load_upload(upload, limits)
    references = [_load_upload(e, limits) for e in exemplars]
    translation_doc = None
    if translation is not None:
        translation_doc = _load_upload(translation, limits)
        if translation_doc.text is None:
            raise InputError(f"{translation.name}: a translation must be a text or HTML file")
    with tempfile.TemporaryDirectory(prefix="workbench-upload-") as tmp:
        folder = Path(tmp)
        analysis = analyze_document(
            document,
            references=references,
            claims=claims,
            only=only,
            out=folder / "out",
            limits=limits,
            registry=registry or discover(),
            progress=progress,
            translation=translation_doc.text if translation_doc is not None else None,
        )
        artifacts = analysis.artifact_bytes()
    return record_upload(
        store,
        analysis.report,
        Upload(upload.name, document.data()),
        artifacts=artifacts,
        claims=claims,
        exemplars=[(Upload(r.path.name, r.data()), r.info()) for r in references],
        translation=(
            (Upload(translation_doc.path.name, translation_doc.data()), translation_doc.info())
            if translation_doc is not None
            else None
        ),
        reviewer=reviewer,
        only=only,
    )


def record_upload(
    store: Store,
    report: Report,
    upload: Upload,
    *,
    artifacts: dict[str, bytes],
    claims: Claims | None,
    exemplars: Sequence[tuple[Upload, DocumentInfo]],
    translation: tuple[Upload, DocumentInfo] | None,
    reviewer: str,
    only: Sequence[str] | None,
    started: str | None = None,
    finished: str | None = None,
    duration_s: float | None = None,
    job: str | None = None,
) -> str:
    """Store an analysed upload: the run, its exemplars, its claims and its translation.

    The analysis may have run elsewhere (the app's worker process): the supporting files
    come with what loading them told (type, pages), so nothing is decoded here. Returns the
    document's SHA-256. The run is stored after the claims and the translation, and records
    `job` (the app's queued upload) when given: an interruption before it leaves no run and
    the upload is recorded again whole (claims already held are not saved twice); one
    after it leaves only the case search (`search_and_store`) to be done again.
    """
    for ref, info in exemplars:
        store.ingest_bytes(
            ref.data, Path(ref.name).name, info.media_type, len(info.pages), actor=reviewer
        )
    document = report.document
    store.ingest_bytes(
        upload.data,
        Path(upload.name).name or "upload",
        document.media_type,
        len(document.pages),
        actor=reviewer,
    )
    extra: dict[str, Any] = dict(claims.extra) if claims is not None else {}
    if translation is not None:
        text, info = translation
        store.ingest_bytes(
            text.data, Path(text.name).name, info.media_type, len(info.pages), actor=reviewer
        )
        extra[TRANSLATION_KEY] = info.sha256
    if claims is not None or extra:
        wanted = dataclasses.replace(claims or Claims(), extra=extra)
        current = store.claims(document.sha256)
        if current is None or current.claims != wanted:
            store.set_claims(
                document.sha256,
                wanted,
                reviewer=reviewer,
                expected_version=current.version if current else 0,
            )
    options: dict[str, Any] = {"only": list(only) if only else None, "source": "app"}
    if job is not None:
        options["job"] = job
    store.record_run(
        report,
        original=upload.data,
        original_name=upload.name,
        options=options,
        references=[info.sha256 for _, info in exemplars],
        started=started,
        finished=finished,
        duration_s=duration_s,
        artifacts=artifacts,
    )
    search_and_store(store, document.sha256)  # what it shares with the stored documents
    return document.sha256


def load_review(store: Store, sha256: str) -> Review:
    """Everything the store holds about one document."""
    document = store.document(sha256)
    run = store.latest_run(sha256)
    report = store.latest_report(sha256)
    claims = store.claims(sha256)
    translation = None
    if claims is not None:
        translation_sha = claims.claims.extra.get(TRANSLATION_KEY)
        if isinstance(translation_sha, str) and store.has_document(translation_sha):
            raw = store.read_original(translation_sha)
            translation = _decode_translation(raw)
    return Review(
        document=document,
        run=run,
        report=report,
        claims=claims,
        translation=translation,
        answers=store.answers(sha256),
        signoffs=store.signoffs(sha256),
        audit=store.audit(sha256),
        original_problem=store.objects.problem(sha256),
    )


def _decode_translation(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "cp1256"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def checklist_progress(review: Review, checklist: Checklist | None = None) -> tuple[int, int]:
    """(answered, total) checklist items of a review."""
    checklist = checklist or load_checklist()
    ids = checklist.item_ids()
    return sum(1 for item in review.answers if item in ids), len(ids)


def require_report(review: Review) -> Report:
    """The review's report, or a `UsageError` saying the document was never analysed."""
    if review.report is None:
        raise UsageError(f"document {review.document.sha256[:12]} has no successful analysis")
    return review.report


@dataclass(frozen=True)
class SeedResult:
    """What seeding a store from a samples folder did."""

    analysed: list[str]
    already_present: list[str]
    failed: dict[str, str]


def seed_from_manifest(
    store: Store,
    samples: Path,
    *,
    reviewer: str = "workbench samples",
    limits: Limits | None = None,
    only: Sequence[str] | None = None,
    on_document: Callable[[str, int, int], None] | None = None,
) -> SeedResult:
    """Analyse the documents of a samples folder (``manifest.json``) into the store.

    Letters are compared against the first exemplar of their template (an exemplar against
    the next one), the claims in the manifest are recorded, and a translation is attached to
    the document it translates. Documents already analysed are left alone, so seeding is
    cheap to repeat and resumes where an interrupted one stopped.
    """
    manifest = json.loads((samples / "manifest.json").read_text("utf-8"))
    documents = [d for d in manifest["documents"] if isinstance(d, dict) and "path" in d]
    translations = {
        d["truth"]["translation_of"]: d["path"]
        for d in documents
        if isinstance(d.get("truth"), dict) and d["truth"].get("translation_of")
    }
    exemplars: dict[str, list[str]] = {}
    for d in documents:
        if d.get("kind") == "exemplar":
            exemplars.setdefault(str(d.get("template")), []).append(d["path"])
    result = SeedResult([], [], {})
    targets = [d for d in documents if d["path"] not in translations.values()]
    registry = discover()
    for position, entry in enumerate(targets):
        path = entry["path"]
        if on_document is not None:
            on_document(path, position, len(targets))
        data = (samples / path).read_bytes()
        if store.latest_run(hashlib.sha256(data).hexdigest(), ok_only=True) is not None:
            result.already_present.append(path)
            continue
        pool = [p for p in exemplars.get(str(entry.get("template")), []) if p != path]
        refs = [Upload(Path(p).name, (samples / p).read_bytes()) for p in pool[:1]]
        claims = parse_claims(entry["claims"]) if entry.get("claims") else None
        translation = None
        if path in translations:
            t = translations[path]
            translation = Upload(Path(t).name, (samples / t).read_bytes())
        try:
            analyse_upload(
                store,
                Upload(Path(path).name, data),
                claims=claims,
                exemplars=refs,
                translation=translation,
                reviewer=reviewer,
                limits=limits,
                only=only,
                registry=registry,
            )
            result.analysed.append(path)
        except InputError as exc:
            result.failed[path] = str(exc)
    return result


#: File in the store folder where background seeding says how far it got.
SEED_PROGRESS_NAME = "seeding.json"


def write_seed_progress(store_folder: Path, **progress: Any) -> None:
    """Record how far seeding got (total, done, current, finished, failed), atomically."""
    target = store_folder / SEED_PROGRESS_NAME
    part = target.with_name(target.name + ".part")
    part.write_text(json.dumps(progress, ensure_ascii=False), encoding="utf-8")
    part.replace(target)


def read_seed_progress(store_folder: Path) -> dict[str, Any] | None:
    """What `write_seed_progress` last recorded, or None when no seeding was started."""
    try:
        value = json.loads((store_folder / SEED_PROGRESS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def find_document(store: Store, reference: str) -> str:
    """The SHA-256 of a stored document named by a file path, its hash, or a unique prefix."""
    path = Path(reference)
    if path.is_file():
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if not store.has_document(sha):
            raise UsageError(f"{reference}: this file is not in the store")
        return sha
    prefix = reference.strip().lower()
    if len(prefix) < 6 or any(c not in "0123456789abcdef" for c in prefix):
        raise UsageError(f"{reference!r} is neither a file nor a SHA-256 prefix of 6+ hex digits")
    matches = [
        d.document.sha256 for d in store.list_documents() if d.document.sha256.startswith(prefix)
    ]
    if not matches:
        raise UsageError(f"no stored document's SHA-256 starts with {prefix}")
    if len(matches) > 1:
        raise UsageError(f"{prefix} matches {len(matches)} documents; give more digits")
    return matches[0]


def stored_artifact(store: Store, sha256: str, artifact_id: str) -> Image.Image:
    """An image artifact of the latest successful run, its bytes verified against the hash.

    Raises:
        KeyError: the run wrote no artifact called `artifact_id`.

    """
    for artifact in store.artifacts(sha256):
        if artifact.artifact_id == artifact_id:
            with Image.open(io.BytesIO(store.read_artifact(artifact))) as image:
                return image.copy()
    raise KeyError(artifact_id)


def stored_pages(store: Store, sha256: str) -> list[Image.Image]:
    """The decoded pages of a stored original, its bytes verified against the hash first."""
    record = store.document(sha256)
    document = load_bytes(store.read_original(sha256), record.original_name)
    return [document.page_image(p.index) for p in document.pages]
