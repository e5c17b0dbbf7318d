"""Batch benchmark: throughput of ``workbench batch`` with 1 and 2 workers, and an unchanged re-run.

The corpus is at least 100 pages made from the committed samples' letters (exemplars, the
control, the questioned letter, the tampered variants, the scanned list): each page is a
copy of one of them with a small mark of its own in the margin, so every file has its own
hash, saved in its source's format (PNG at a fast compression level, JPEG at quality 92).
Every installed check runs (the default); no exemplars are given, so checks that need them
report "skipped" as in a plain batch run.

Measured:
- pages per minute with 1 and with 2 local worker processes (fresh store each time);
- the unchanged re-run (same folder, same store): in-process, and as a whole ``workbench
  batch`` command including interpreter start-up;
- peak resident memory of each worker process (``ru_maxrss``).

Usage: ``python benchmarks/batch_benchmark.py [--pages N] [--write]``; ``--write`` replaces
the "Batch throughput" section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from workbench.batch import BatchOptions, BatchSummary, run_batch
from workbench.registry import discover

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Batch throughput"


def sample_pages() -> list[Path]:
    folders = ("exemplars", "genuine", "questioned", "tampered", "lists")
    pages = [
        p
        for folder in folders
        for p in sorted((SAMPLES / folder).glob("*"))
        if p.suffix.lower() in (".png", ".jpg")
    ]
    if not pages:
        sys.exit("no sample pages under samples/; run samples/generate.py first")
    return pages


def build_corpus(folder: Path, count: int) -> list[Path]:
    sources = sample_pages()
    folder.mkdir(parents=True)
    made = []
    for i in range(count):
        source = sources[i % len(sources)]
        with Image.open(source) as img:
            page = img.convert("RGB")
        draw = ImageDraw.Draw(page)
        x, y = 8 + (i * 5) % 200, 8 + (i // 40) * 5
        draw.rectangle([x, y, x + 2, y + 2], fill=(120, 120, 120))
        target = folder / f"{i:03d}_{source.stem}{source.suffix.lower()}"
        if target.suffix == ".png":
            page.save(target, compress_level=1)
        else:
            page.save(target, quality=92)
        made.append(target)
    return made


def timed_run(corpus: Path, store: Path, out: Path, workers: int) -> tuple[BatchSummary, float]:
    started = time.perf_counter()
    summary = run_batch(BatchOptions(root=corpus, out=out, store=store, workers=workers))
    return summary, time.perf_counter() - started


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument(
        "--single-pages",
        type=int,
        help="measure 1 worker on only the first N pages (default: all; for a busy machine)",
    )
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()

    registry = discover()
    checks = ", ".join(f"{c.name} {c.version}" for c in registry.checks)
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="workbench-batch-bench-"))
    try:
        corpus = work / "corpus"
        build_corpus(corpus, args.pages)
        print(f"corpus: {args.pages} pages; checks: {checks}", flush=True)

        subset = work / "subset"
        subset.mkdir()
        for page in sorted(corpus.iterdir())[: args.single_pages or args.pages]:
            os.link(page, subset / page.name)
        runs: dict[int, tuple[BatchSummary, float]] = {}
        for workers in (2, 1):  # the 2-worker run first: it is also the re-run's first run
            store, out = work / f"store{workers}", work / f"out{workers}"
            folder = corpus if workers == 2 else subset
            summary, seconds = timed_run(folder, store, out, workers)
            runs[workers] = (summary, seconds)
            ppm = summary.pages_analysed / seconds * 60
            print(
                f"{workers} worker(s): {summary.pages_analysed} pages in {seconds:.1f} s "
                f"= {ppm:.1f} pages/min; {summary.count('error')} failed",
                flush=True,
            )

        rerun, rerun_s = timed_run(corpus, work / "store2", work / "out2", 2)
        assert rerun.count("analysed") == 0, "the unchanged re-run analysed documents again"
        command = [
            str(Path(sys.executable).parent / "workbench"),
            "batch",
            str(corpus),
            "--store",
            str(work / "store2"),
            "--out",
            str(work / "out2"),
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        cli_s = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    one, one_s = runs[1]
    two, two_s = runs[2]
    ppm1 = one.pages_analysed / one_s * 60
    ppm2 = two.pages_analysed / two_s * 60
    first_s = two_s
    peaks1 = ", ".join(mib(p) for p in sorted(one.peak_rss_bytes.values())) or "n/a"
    peaks2 = ", ".join(mib(p) for p in sorted(two.peak_rss_bytes.values())) or "n/a"
    rows = [
        ("1 worker", f"{one.pages_analysed} pages in {one_s:.0f} s, {ppm1:.1f} pages/min"),
        ("2 workers", f"{two.pages_analysed} pages in {two_s:.0f} s, {ppm2:.1f} pages/min"),
        ("speed-up, 2 workers over 1 (target >= 1.8x)", f"{ppm2 / ppm1:.2f}x"),
        (
            "unchanged re-run, in process (target < 5% of the first run)",
            f"{rerun_s:.2f} s = {rerun_s / first_s:.1%} of the 2-worker run, "
            f"{rerun_s / len(rerun.rows) * 1000:.0f} ms per document",
        ),
        (
            "unchanged re-run, whole `workbench batch` command",
            f"{cli_s:.2f} s = {cli_s / first_s:.1%} of the 2-worker run",
        ),
        ("peak memory per worker process", f"{peaks1} (1 worker); {peaks2} (2 workers)"),
        ("failed documents", f"{one.count('error')} (1 worker), {two.count('error')} (2 workers)"),
    ]
    today = dt.date.today().isoformat()
    lines = [
        SECTION,
        "",
        f"Measured {today} by `benchmarks/batch_benchmark.py` on a 2-core machine shared with "
        f"other jobs, so timings are noisy (load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after; "
        f"other work on the same 2 cores makes the 2-worker figure an underestimate). "
        f"CPython {platform.python_version()}, {os.cpu_count()} CPUs.",
        f"Corpus: {args.pages} single-page documents, copies of the committed samples' letters "
        f"with a mark each; every installed check ({checks}), no exemplars.",
        "",
        "| measure | value |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in rows],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(text)


def write_section(text: str) -> None:
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if SECTION in current:
        start = current.index(SECTION)
        end = current.find("\n## ", start + len(SECTION))
        tail = current[end + 1 :] if end != -1 else ""
        current = current[:start] + text + ("\n" + tail if tail else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(current, encoding="utf-8")


if __name__ == "__main__":
    main()
