"""Throughput benchmark: whole ``workbench check`` against one raw Tesseract pass, and batch rates.

Two measures, both with Tesseract as the only reader (``--reader tesseract``) and with the
default reader (``auto``: the second Persian reader on the lines that need it):

1. **Ratio to raw Tesseract.** On three pages (the samples' questioned 150-dpi letter JPEG,
   a 300-dpi A5 exemplar letter and the 300-dpi A4 list scan), whole ``workbench check``
   processes with every check (start-up included, report printed as JSON) are timed
   interleaved with raw ``tesseract PAGE stdout -l fas`` (one thread) on the same page, so
   both see the same load. The figure is the ratio of the medians.
2. **Batch.** A mixed folder (the samples' letters, the A4 list scan, the 150-dpi JPEGs and a
   two-page PDF made from two letters) through the batch runner that ``workbench batch``
   uses, with 1 and then 2 local workers and a fresh store each time: pages per minute per
   worker, the speed-up of 2 workers over 1, each worker's peak resident memory, and the
   per-worker rate on the samples' letters alone (from each document's own analysis time).

The sources are byte-compiled first, as ``scripts/dev.sh install`` leaves them. On a shared
machine the wall-clock figures move with the load; the ratios are what is
comparable between runs, and the load average is written beside them.

Usage: ``python benchmarks/throughput_benchmark.py [--repeats N] [--readers tesseract,auto]
[--batch-readers auto] [--workers 1,2] [--no-batch] [--write]``; ``--write`` replaces the
"Throughput" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_file import write_section

from workbench.batch import BatchOptions, BatchSummary, run_batch

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SECTION = "Throughput: whole check against raw Tesseract (`benchmarks/throughput_benchmark.py`)"
BATCH_SECTION = (
    "Throughput: batch pages per minute per worker (`benchmarks/throughput_benchmark.py`)"
)
WORKBENCH = str(Path(sys.executable).parent / "workbench")

#: The pages of the ratio measure: (label, path).
RATIO_PAGES = (
    ("150-dpi letter JPEG (questioned sample)", SAMPLES / "questioned" / "letter_1380-02-24.jpg"),
    ("300-dpi A5 letter (exemplar_01)", SAMPLES / "exemplars" / "exemplar_01.png"),
    ("300-dpi A4 page (list scan)", SAMPLES / "lists" / "names_149_scan.jpg"),
)
LETTER_FOLDERS = ("exemplars", "genuine", "questioned", "tampered")


def _children_cpu_s() -> float:
    """User + system CPU seconds of this process's waited-for children (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def raw_tesseract_s(page: Path) -> float:
    """Wall seconds of one raw Tesseract pass (``fas``, one thread, default page mode)."""
    return raw_tesseract_wall_cpu(page)[0]


def raw_tesseract_wall_cpu(page: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one raw Tesseract pass (``fas``, one thread, default page mode)."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    cpu, started = _children_cpu_s(), time.perf_counter()
    subprocess.run(
        ["tesseract", str(page), "stdout", "-l", "fas"],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - started, _children_cpu_s() - cpu


def whole_check(page: Path, reader: str) -> tuple[float, float, dict[str, float]]:
    """Wall and CPU seconds of a whole ``workbench check`` process (its Tesseract processes
    and forked analysis included), and each check's own wall seconds."""
    cpu, started = _children_cpu_s(), time.perf_counter()
    proc = subprocess.run(
        [WORKBENCH, "check", str(page), "--format", "json", "--reader", reader],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, cpu_s = time.perf_counter() - started, _children_cpu_s() - cpu
    report = json.loads(proc.stdout)
    checks = {r["name"]: float(r.get("duration_s") or 0.0) for r in report["checks"]}
    return seconds, cpu_s, checks


@dataclass
class RatioRow:
    """One page and reader: the medians of the interleaved runs."""

    page: str
    reader: str
    check_s: float
    tesseract_s: float
    slowest: str
    check_cpu_s: float = float("nan")
    tesseract_cpu_s: float = float("nan")

    @property
    def ratio(self) -> float:
        return self.check_s / self.tesseract_s

    @property
    def cpu_ratio(self) -> float:
        return self.check_cpu_s / self.tesseract_cpu_s


def measure_ratios(readers: Sequence[str], repeats: int) -> list[RatioRow]:
    """Interleave whole checks and raw Tesseract passes on each page; medians per pair."""
    checks: dict[tuple[str, str], list[tuple[float, float]]] = {}
    raws: dict[tuple[str, str], list[tuple[float, float]]] = {}
    parts: dict[tuple[str, str], list[dict[str, float]]] = {}
    for _ in range(repeats):
        for label, page in RATIO_PAGES:
            for reader in readers:
                key = (label, reader)
                raws.setdefault(key, []).append(raw_tesseract_wall_cpu(page))
                seconds, cpu_s, by_check = whole_check(page, reader)
                checks.setdefault(key, []).append((seconds, cpu_s))
                parts.setdefault(key, []).append(by_check)
                raw_wall, raw_cpu = raws[key][-1]
                print(
                    f"{label} / {reader}: check {seconds:.2f} s ({cpu_s:.2f} CPU s), "
                    f"raw Tesseract {raw_wall:.2f} s ({raw_cpu:.2f} CPU s); checks: "
                    + ", ".join(f"{n} {s:.2f}" for n, s in by_check.items() if s >= 0.05),
                    flush=True,
                )
    rows = []
    for (label, reader), values in checks.items():
        names = parts[(label, reader)][0].keys()
        medians = {n: statistics.median(p[n] for p in parts[(label, reader)]) for n in names}
        top = sorted(medians.items(), key=lambda kv: -kv[1])[:3]
        raw = raws[(label, reader)]
        rows.append(
            RatioRow(
                page=label,
                reader=reader,
                check_s=statistics.median(v[0] for v in values),
                tesseract_s=statistics.median(r[0] for r in raw),
                slowest=", ".join(f"{n} {s:.2f}" for n, s in top),
                check_cpu_s=statistics.median(v[1] for v in values),
                tesseract_cpu_s=statistics.median(r[1] for r in raw),
            )
        )
    return rows


def build_folder(folder: Path, count: int | None = None) -> tuple[int, set[str]]:
    """The mixed folder: letters (the first `count`, JPEGs first, or all), the A4 scan and a
    2-page PDF. Returns (pages, letter file names)."""
    folder.mkdir(parents=True)
    sources = sorted(
        (p for name in LETTER_FOLDERS for p in (SAMPLES / name).glob("*")),
        key=lambda p: (p.suffix.lower() != ".jpg", p.name),
    )
    letters: set[str] = set()
    for source in [p for p in sources if p.suffix.lower() in (".png", ".jpg")][:count]:
        shutil.copy(source, folder / source.name)
        letters.add(source.name)
    shutil.copy(SAMPLES / "lists" / "names_149_scan.jpg", folder / "names_149_scan.jpg")
    with (
        Image.open(SAMPLES / "genuine" / "control_01.png") as first,
        Image.open(SAMPLES / "exemplars" / "exemplar_02.png") as second,
    ):
        pdf = [first.convert("RGB"), second.convert("RGB")]
        pdf[0].save(
            folder / "two_letters.pdf", save_all=True, append_images=pdf[1:], dpi=(300, 300)
        )
    pages = len(list(folder.glob("*.png"))) + len(list(folder.glob("*.jpg"))) + 2
    return pages, letters


@dataclass
class BatchRow:
    """One batch run of the mixed folder."""

    reader: str
    workers: int
    pages: int
    seconds: float
    peaks: list[int]
    letters_rate: float
    failed: int

    @property
    def per_worker(self) -> float:
        return self.pages / self.seconds * 60 / self.workers


def run_once(folder: Path, work: Path, workers: int, reader: str, letters: set[str]) -> BatchRow:
    """One batch run with a fresh store; the second reader's mode set as batch runs read it."""
    # a folder of its own per run: a repeated worker count must not find the last run's store
    run = Path(tempfile.mkdtemp(prefix=f"run-{reader}-{workers}-", dir=work))
    store, out = run / "store", run / "out"
    os.environ["WORKBENCH_READER"] = reader
    started = time.perf_counter()
    summary: BatchSummary = run_batch(
        BatchOptions(root=folder, out=out, store=store, workers=workers)
    )
    seconds = time.perf_counter() - started
    durations = [
        r.duration_s
        for r in summary.rows
        if Path(r.path).name in letters and r.duration_s and r.status == "analysed"
    ]
    rate = 60 * len(durations) / sum(durations) if durations else float("nan")
    return BatchRow(
        reader=reader,
        workers=workers,
        pages=summary.pages_analysed,
        seconds=seconds,
        peaks=sorted(summary.peak_rss_bytes.values()),
        letters_rate=rate,
        failed=summary.count("error"),
    )


def _measured(load: tuple[float, float]) -> str:
    return (
        f"Measured {dt.date.today().isoformat()} on a 2-core machine (load average "
        f"{load[0]:.1f} at the start, {load[1]:.1f} at the end; other work raises it), "
        f"CPython {platform.python_version()}. Wall-clock seconds move with the load: the "
        "ratios, measured on the same pages at the same moment, are what counts."
    )


def render_ratios(ratios: Sequence[RatioRow], load: tuple[float, float], repeats: int) -> str:
    """The RESULTS.md section of the ratio measure."""
    lines = [
        f"## {SECTION}",
        "",
        _measured(load),
        "",
        f"Whole `workbench check` (every check, start-up included) against one raw Tesseract "
        f"pass (`fas`, one thread) on the same page, {repeats} interleaved runs each, ratio of "
        "medians (targets: 1.5x with Tesseract alone, 2.5x with the second reader); CPU is "
        "user + system seconds of the process and everything it ran (Tesseract included):",
        "",
        "| page | reader | check, s | raw Tesseract, s | ratio | check, CPU s | "
        "raw Tesseract, CPU s | CPU ratio | slowest checks (median s) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in ratios:
        lines.append(
            f"| {r.page} | {r.reader} | {r.check_s:.2f} | {r.tesseract_s:.2f} | "
            f"{r.ratio:.1f}x | {r.check_cpu_s:.2f} | {r.tesseract_cpu_s:.2f} | "
            f"{r.cpu_ratio:.1f}x | {r.slowest} |"
        )
    return "\n".join(lines) + "\n"


def render_batches(batches: Sequence[BatchRow], pages: int, load: tuple[float, float]) -> str:
    """The RESULTS.md section of the batch measure."""
    lines = [f"## {BATCH_SECTION}", "", _measured(load)]
    if batches:
        lines += [
            "",
            f"Batch (the runner of `workbench batch`, local worker processes, fresh store): a "
            f"mixed folder of {pages} pages (samples' letters at 300 dpi and 150 dpi, the "
            "300-dpi A4 list scan, and a 2-page PDF of two letters). Letters alone: "
            "pages per minute of one worker from each letter's own analysis time in the "
            "same run (targets: 25 pages/min per worker on the letters, 1.8x for 2 workers, "
            "1 GB per worker).",
            "",
            "| reader | workers | pages | seconds | pages/min per worker | letters, pages/min "
            "per worker | speed-up over 1 | peak RSS per worker | failed |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
        ]
        single = {b.reader: b for b in batches if b.workers == 1}
        for b in batches:
            one = single.get(b.reader)
            speed = (
                f"{b.pages / b.seconds / (one.pages / one.seconds):.2f}x"
                if one is not None and b.workers > 1
                else ""
            )
            peaks = ", ".join(f"{p / 2**20:.0f} MiB" for p in b.peaks) or "n/a"
            lines.append(
                f"| {b.reader} | {b.workers} | {b.pages} | {b.seconds:.0f} | "
                f"{b.per_worker:.1f} | {b.letters_rate:.1f} | {speed} | {peaks} | {b.failed} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs per page")
    parser.add_argument("--readers", default="tesseract,auto", help="reader modes to measure")
    parser.add_argument("--workers", default="1,2", help="batch worker counts to measure")
    parser.add_argument("--batch-readers", help="reader modes of the batch runs (default: all)")
    parser.add_argument("--letters", type=int, help="letters in the batch folder (default: all)")
    parser.add_argument("--no-batch", action="store_true", help="only the ratio measure")
    parser.add_argument("--no-ratio", action="store_true", help="only the batch measure")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    readers = [r for r in args.readers.split(",") if r]
    # As `scripts/dev.sh install` leaves the tree: the sources byte-compiled, so that a
    # cache missing or stale after an edit (never rewritten where PYTHONDONTWRITEBYTECODE
    # is set) is not timed as start-up.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "workbench"), str(ROOT / "checks")],
        check=True,
    )
    if not args.no_ratio:
        load = os.getloadavg()[0]
        ratios = measure_ratios(readers, args.repeats)
        text = render_ratios(ratios, (load, os.getloadavg()[0]), args.repeats)
        print(text)
        if args.write:
            write_section(SECTION, text, keep_subsections=True)
    if not args.no_batch:
        load = os.getloadavg()[0]
        batches: list[BatchRow] = []
        work = Path(tempfile.mkdtemp(prefix="workbench-throughput-"))
        try:
            pages, letters = build_folder(work / "folder", args.letters)
            for reader in (args.batch_readers or args.readers).split(","):
                for workers in (int(w) for w in args.workers.split(",")):
                    row = run_once(work / "folder", work, workers, reader, letters)
                    print(f"batch {reader} x{workers}: {row.per_worker:.1f} pages/min/worker")
                    batches.append(row)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        text = render_batches(batches, pages, (load, os.getloadavg()[0]))
        print(text)
        if args.write:
            write_section(BATCH_SECTION, text, keep_subsections=True)


if __name__ == "__main__":
    main()
