"""The ``workbench`` command line: parse arguments, call the API, print.

Exit codes: 0 when every document was analysed, 1 when any document (or exemplar) could not be
loaded, 2 for usage errors. Input problems are printed as one line each on standard error;
tracebacks are reserved for bugs.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workbench._version import __version__
from workbench.cli_stored import export_command, names_command, similar_command
from workbench.cli_stored import store_option as _store_option
from workbench.errors import InputError, UsageError, WorkbenchError
from workbench.limits import Limits
from workbench.names import printable
from workbench.runtime import READER_MODES

if TYPE_CHECKING:
    from PIL import Image

    from workbench.api import Analysis
    from workbench.export.html import Preview
    from workbench.loading import Document
    from workbench.model import Artifact, Claims, Report

log = logging.getLogger("workbench")


def _fail_line(message: str) -> None:
    click.echo(f"workbench: error: {printable(message)}", err=True)


def _with_limits(**given: float | None) -> Limits:
    """The environment's limits with the options given on the command line."""
    limits = Limits.from_env()
    return Limits(**{**vars(limits), **{k: v for k, v in given.items() if v is not None}})


# Options several commands share, defined once so their meaning cannot drift apart.
_references_option = click.option(
    "--reference",
    "references",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A genuine exemplar of the same issuer to compare against (repeatable).",
)
_only_option = click.option(
    "--only", help="Comma-separated names of the checks to run (see 'workbench checks')."
)
_max_seconds_option = click.option(
    "--max-seconds",
    type=click.FloatRange(min=1),
    help="Stop a document's analysis after this many seconds; it becomes a one-line error "
    "(an error row in a batch) [default: 600].",
)
_max_memory_option = click.option(
    "--max-memory-bytes",
    type=click.IntRange(min=256 * 1024 * 1024),
    help="Address space for analysing one document; a document needing more becomes a "
    "one-line error (an error row in a batch) [default: 4 GiB].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbench")
@click.option("-v", "--verbose", is_flag=True, help="Log progress and diagnostics on stderr.")
def main(verbose: bool) -> None:
    """Document authentication workbench: check scans against what is claimed of them."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_references_option
@click.option(
    "--claims",
    "claims_file",
    type=click.Path(path_type=Path),
    help="JSON file of claims: date, author, addressee, office, language, source, count.",
)
@click.option(
    "--translation",
    "translation_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A translation supplied with the document (text or HTML), compared with its text.",
)
@_only_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="What to print on standard output.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for each document's report.json, report.html and artifacts.",
)
@click.option("--max-file-bytes", type=click.IntRange(min=1), help="Refuse larger files.")
@click.option("--max-pixels", type=click.IntRange(min=1), help="Refuse pages with more pixels.")
@click.option("--max-pages", type=click.IntRange(min=1), help="Refuse documents with more pages.")
@_max_seconds_option
@_max_memory_option
@click.option("--all-findings", is_flag=True, help="In text output, list info findings too.")
@click.option(
    "--reader",
    type=click.Choice(READER_MODES),
    default=None,
    help="OCR readers for the report's text: auto (Tesseract, and the second Persian reader "
    "on the lines that need it, when installed; the default), tesseract (Tesseract alone), "
    "all (the second reader on every line of Persian pages). Also WORKBENCH_READER.",
)
def check(
    paths: Sequence[Path],
    references: Sequence[Path],
    claims_file: Path | None,
    translation_file: Path | None,
    only: str | None,
    fmt: str,
    out: Path | None,
    max_file_bytes: int | None,
    max_pixels: int | None,
    max_pages: int | None,
    max_seconds: float | None,
    max_memory_bytes: int | None,
    all_findings: bool,
    reader: str | None,
) -> None:
    """Run the checks on each document PATH and print what they found.

    Each document is analysed within the per-document time and memory limits of a batch
    run; one over either is a one-line error and the others go on.
    """
    probing: threading.Thread | None = None
    if not only:
        # Every check (the default) includes those that read the page: Tesseract answers
        # its version and models while the rest of the command and the checks' modules
        # import, not in each document's analysis. (Not imported for a few chosen checks:
        # the OCR layer brings OpenCV.)
        from workbench.ocr.probe import probe_in_background

        probing = probe_in_background()
    from workbench.api import analyze_document, load_references, load_translation
    from workbench.batch.isolated import run_within_limits
    from workbench.claims import load_claims
    from workbench.export.text import render_text
    from workbench.loading import load_document
    from workbench.registry import discover
    from workbench.serialize import report_to_dict

    try:
        limits = _with_limits(
            max_file_bytes=max_file_bytes,
            max_pixels=max_pixels,
            max_pages=max_pages,
            max_seconds=max_seconds,
            max_memory_bytes=max_memory_bytes,
        )
        selected = only.split(",") if only else None
        registry = discover(only=selected)
        registry.select(selected)
        claims: Claims | None = load_claims(claims_file) if claims_file else None
        translation = load_translation(translation_file, limits) if translation_file else None
    except (UsageError, InputError) as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        if probing is not None:
            probing.join()  # before any document's analysis is forked

    failures = 0
    refs: list[Document] = []
    for ref in references:
        try:
            refs.extend(load_references([ref], limits))
        except InputError as exc:
            failures += 1
            _fail_line(f"exemplar {exc}")

    def analyse(path: Path) -> tuple[Report, list[Preview]]:
        analysis = analyze_document(
            load_document(path, limits),
            references=refs,
            claims=claims,
            only=selected,
            out=out,
            limits=limits,
            registry=registry,
            translation=translation,
            options={"ocr.reader": reader} if reader else None,
            beside=True,  # one document at a time: the image checks beside the reading
        )
        previews = _previews(analysis) if out is not None or fmt == "html" else []
        if analysis.out_dir is not None:
            from workbench.export.html import render_html  # jinja2: only when HTML is written

            html = render_html([analysis.report], [previews])
            (analysis.out_dir / "report.html").write_text(html, encoding="utf-8")
        return analysis.report, previews

    done: list[tuple[Report, list[Preview]]] = []
    for path in paths:
        try:  # each document in a process of its own, held to the per-document limits
            done.append(run_within_limits(functools.partial(analyse, path), limits, str(path)))
        except WorkbenchError as exc:
            failures += 1
            _fail_line(str(exc))
            continue
        if fmt == "text":
            click.echo(render_text(done[-1][0], verbose=all_findings))
            click.echo()

    if fmt == "json":
        data: Any = [report_to_dict(report) for report, _ in done]
        if len(paths) == 1:
            data = data[0] if data else None
        if data is not None:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "html" and done:
        from workbench.export.html import render_html

        click.echo(render_html([d[0] for d in done], [d[1] for d in done]))
    if failures:
        sys.exit(1)


def _artifact_in(folder: Path, artifact: Artifact) -> Image.Image:
    from PIL import Image

    with Image.open(folder / artifact.path) as image:
        return image.copy()


def _previews(analysis: Analysis) -> list[Preview]:
    """The page previews of an analysis, with the declared pictures its output folder holds."""
    from workbench.export.html import page_previews

    document, out_dir = analysis.document, analysis.out_dir
    read = functools.partial(_artifact_in, out_dir) if out_dir is not None else None
    pages = (document.page_image(p.index) for p in document.pages[:20])
    return page_previews(analysis.report, pages, read)


@main.command("checks")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_checks(fmt: str) -> None:
    """List the installed checks with their versions and what they can show."""
    from workbench.registry import discover

    registry = discover()
    if fmt == "json":
        data = {
            "checks": [
                {
                    "name": c.name,
                    "version": c.version,
                    "title": c.title,
                    "explanation": c.explanation,
                    "needs": sorted(n.value for n in c.needs),
                }
                for c in registry.checks
            ],
            "broken": [vars(b) for b in registry.broken],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for c in registry.checks:
        click.echo(f"{c.name} {c.version}  {c.title}")
        click.echo(
            click.wrap_text(
                c.explanation, width=88, initial_indent="    ", subsequent_indent="    "
            )
        )
    for b in registry.broken:
        click.echo(f"{b.name} (broken: {b.error})")


@main.command("script")
@click.argument("text", required=False)
@click.option(
    "--evidence", is_flag=True, help="Add the evidence that decided, and per-language scores."
)
def script_command(text: str | None, evidence: bool) -> None:
    """Classify TEXT, or each line of standard input: script, language, digits.

    Prints one JSON object per item: {"text", "script", "language", "confidence", "digits"}.
    "language" is an ISO 639-1 code (fa, ar, ur, ps, en, ...; ckb for Kurdish Sorani), or
    "und" when the item is too short to tell (a date, a number).
    """
    from workbench.text.script import classify

    out = sys.stdout.buffer

    def emit(item: str) -> None:
        data = {"text": item, **classify(item).as_dict(detail=evidence)}
        out.write(json.dumps(data, ensure_ascii=False).encode("utf-8", "replace") + b"\n")

    if text is not None:
        emit(text)
    else:
        for raw in sys.stdin.buffer:
            emit(raw.decode("utf-8", "replace").rstrip("\r\n"))
    out.flush()


@main.command()
@click.argument(
    "folder", type=click.Path(path_type=Path, exists=True, file_okay=False, dir_okay=True)
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for summary.csv and each document's report [default: ./<FOLDER>-workbench].",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Local worker processes, one document each [default: number of cores].",
)
@click.option("--dask", "dask_address", help="Run on the Dask scheduler at this address.")
@_references_option
@_store_option
@_only_option
@click.option(
    "--retry-failed",
    is_flag=True,
    help="Analyse again the documents that failed in an earlier run (default: report them).",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Analyse symbolic links to files inside FOLDER (default: list them as skipped); "
    "links leading out of FOLDER are never followed.",
)
@_max_seconds_option
@_max_memory_option
def batch(
    folder: Path,
    out: Path | None,
    workers: int | None,
    dask_address: str | None,
    references: Sequence[Path],
    store_path: Path | None,
    only: str | None,
    retry_failed: bool,
    follow_symlinks: bool,
    max_seconds: float | None,
    max_memory_bytes: int | None,
) -> None:
    """Analyse every document under FOLDER: store results, write reports and summary.csv.

    Documents already analysed with the same check versions and exemplars are reused from
    the store, so an interrupted run is resumed by starting it again. Exit 1 when any
    document failed.
    """
    from workbench.batch import BatchOptions, run_batch
    from workbench.progress import make_progress

    options = BatchOptions(
        root=folder,
        out=out,
        store=store_path,
        workers=workers,
        dask=dask_address,
        references=tuple(references),
        only=tuple(n.strip() for n in only.split(",") if n.strip()) if only else None,
        retry_failed=retry_failed,
        follow_symlinks=follow_symlinks,
        limits=_with_limits(max_seconds=max_seconds, max_memory_bytes=max_memory_bytes),
    )
    try:
        summary = run_batch(options, progress=make_progress())
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except WorkbenchError as exc:
        _fail_line(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _fail_line("interrupted; run the same command again to resume where it stopped")
        sys.exit(130)
    minutes = summary.elapsed_s / 60
    rate = summary.pages_analysed / minutes if minutes > 0 else 0.0
    click.echo(
        f"{len(summary.rows)} files: {summary.count('analysed')} analysed, "
        f"{summary.count('reused')} already in the store, {summary.count('error')} failed, "
        f"{summary.count('skipped')} skipped (not documents)"
    )
    click.echo(
        f"{summary.pages_analysed} pages analysed in {summary.elapsed_s:.1f} s "
        f"({rate:.1f} pages/min)"
    )
    worst = ", ".join(f"{n} {label}" for label, n in summary.severity_counts().items() if n)
    click.echo(f"highest severity per document: {worst or 'no findings'}")
    for row in summary.rows:
        if row.status == "error":
            click.echo(f"failed: {row.error}")
    click.echo(f"summary: {summary.csv_path}")
    click.echo(f"store: {summary.store}")
    sys.exit(summary.exit_code)


@main.command()
@_store_option
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option(
    "--samples",
    type=click.Path(path_type=Path, file_okay=False),
    help="Samples folder (with manifest.json) analysed into the store before the app starts "
    "[default: ./samples when present].",
)
@click.option("--no-seed", is_flag=True, help="Start without analysing the samples first.")
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (the app has no log-in: keep it on loopback unless a proxy "
    "in front of it authenticates users).",
)
def app(
    store_path: Path | None, port: int, samples: Path | None, no_seed: bool, address: str
) -> None:
    """Start the review app (on 127.0.0.1 by default); the samples are analysed meanwhile.

    The app serves at once: the samples not yet in the store are analysed by a background
    process, and appear on the Documents page as each is done.
    """
    import importlib.util
    import subprocess

    from workbench.casework import write_seed_progress
    from workbench.store import Store, default_store_path

    if importlib.util.find_spec("streamlit") is None:
        raise click.UsageError("the app needs Streamlit: pip install 'workbench[app]'")
    folder = store_path or default_store_path()
    samples = samples or (Path("samples") if (Path("samples") / "manifest.json").exists() else None)
    seed = samples if not no_seed else None
    if seed is not None and not (seed / "manifest.json").is_file():
        raise click.UsageError(f"{samples}: no manifest.json (see samples/README.md)")
    Store.open(folder).close()  # created (and migrated) once, before several processes use it
    # the analysis queue runs beside the server from the start, not from the first page view
    subprocess.Popen([sys.executable, "-m", "workbench", "queue", "--store", str(folder)])
    if seed is not None:
        write_seed_progress(folder, total=0, done=0, current=None, finished=False)
        subprocess.Popen(
            [sys.executable, "-m", "workbench", "seed", str(seed), "--store", str(folder)]
        )
    script = Path(__file__).parent / "app" / "main.py"
    limits = Limits.from_env()
    argv = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.address", address,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        # A served app does not follow edits to its source: watching files only costs CPU,
        # and a file written beside the code (a checkout, an export) would rerun the page.
        "--server.fileWatcherType", "none",
        "--server.maxUploadSize", str(max(1, limits.max_file_bytes // (1024 * 1024))),
    ]  # fmt: skip
    os.environ["WORKBENCH_STORE"] = str(folder)
    click.echo(f"workbench app on http://{address}:{port} (store {folder})", err=True)
    os.execv(sys.executable, argv)


@main.command("seed", hidden=True)
@click.argument("samples", type=click.Path(path_type=Path, file_okay=False))
@_store_option
def seed_command(samples: Path, store_path: Path | None) -> None:
    """Analyse the samples folder into the store, recording progress for the app."""
    from workbench.casework import seed_from_manifest, write_seed_progress
    from workbench.store import Store, default_store_path

    folder = store_path or default_store_path()
    progress: dict[str, Any] = {"total": 0, "done": 0, "current": None, "finished": False}

    def on_document(path: str, index: int, total: int) -> None:
        progress.update(total=total, done=index, current=path)
        write_seed_progress(folder, **progress)
        click.echo(f"samples: {index + 1}/{total} {printable(path)}", err=True)

    write_seed_progress(folder, **progress)
    parent = os.getppid()

    def exit_with_the_app() -> None:  # the app process ended: stop between transactions
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=exit_with_the_app, daemon=True).start()
    try:
        with Store.open(folder) as store:
            seeded = seed_from_manifest(store, samples, on_document=on_document)
    except WorkbenchError as exc:
        write_seed_progress(folder, **{**progress, "finished": True, "error": str(exc)})
        _fail_line(str(exc))
        sys.exit(exc.exit_code)
    done = len(seeded.analysed) + len(seeded.already_present) + len(seeded.failed)
    write_seed_progress(
        folder,
        **{**progress, "done": done, "current": None, "finished": True},
        failed=seeded.failed,
    )
    for path, error in seeded.failed.items():
        _fail_line(f"sample {path}: {error}")
    click.echo(
        f"samples: {len(seeded.analysed)} analysed, {len(seeded.already_present)} already "
        f"in the store at {folder}",
        err=True,
    )


@main.command("queue", hidden=True)
@_store_option
def queue_command(store_path: Path | None) -> None:
    """Analyse the uploads queued in the store's queue until the app process ends."""
    from workbench.batch.jobqueue import serve
    from workbench.store import Store, default_store_path

    parent = os.getppid()
    with Store.open(store_path or default_store_path()) as store:
        serve(store, while_running=lambda: os.getppid() == parent, limits=Limits.from_env())


main.add_command(export_command)
main.add_command(names_command)
main.add_command(similar_command)
