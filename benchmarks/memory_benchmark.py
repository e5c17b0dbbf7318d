"""Peak memory of one document's analysis: a 100-megapixel page and 200 blank PDF pages.

The documents are made here: a scan of the questioned sample letter enlarged to 8,500 x
11,700 pixels (99.5 million, just under the pixel limit) and saved as a JPEG at quality 90,
the heaviest kind for the checks (the JPEG methods of the forensics check run on it); and a
31 KB PDF of 200 blank Letter pages (the page limit), rasterised at 300 dpi. Every installed
check runs, as `workbench check` runs them (in-process here, so the process's own memory
is what is measured). A thread samples the resident memory of this process every 20 ms,
and the peak during each check is reported with the peak of the whole document
(``ru_maxrss``, which includes loading). Tesseract runs as a child process and is not
counted: the same thread reads the high-water mark of resident memory (``VmHWM``) of every
Tesseract process of this one while it runs, and the highest is reported apart. (The
kernel's figure for children, ``RUSAGE_CHILDREN``, is not Tesseract's: a child started by
``vfork`` shares this process's memory until it runs the program, and the kernel records
that memory's high-water mark for the child, so the figure came out equal to this
process's own peak.) A Tesseract run shorter than one sampling interval can be missed.

    .venv/bin/python benchmarks/memory_benchmark.py [--only CHECKS] [--document page|pdf|both]
        [--pdf-pages N] [--write]

``--write`` replaces the section "Memory per document: the latest run" of
benchmarks/RESULTS.md (the section "Memory per document" above it is written by hand: the
history of the figures and what holds the memory).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from benchmarks.results_file import write_section  # noqa: E402
from tests.support.hostile_files import pdf_pages  # noqa: E402
from workbench.api import analyze_document  # noqa: E402
from workbench.loading import load_document  # noqa: E402
from workbench.pipeline import ProgressEvent  # noqa: E402

SECTION = "Memory per document: the latest run"
SAMPLE = ROOT / "samples" / "questioned" / "letter_1380-02-24.jpg"
MIB = 2**20


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _children() -> list[int]:
    """Process ids of this process's children, started by any of its threads."""
    found: list[int] = []
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children", encoding="ascii") as fh:
                found.extend(int(pid) for pid in fh.read().split())
        except OSError:  # the thread ended meanwhile
            continue
    return found


def _tesseract_high_water(pid: int) -> int:
    """``VmHWM`` of process `pid` in bytes if it is running Tesseract, else 0.

    Read by name: until a started child has replaced itself with the program it still
    shares this process's memory, and its figures are this process's.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as fh:
            status = dict(line.split(":", 1) for line in fh if ":" in line)
    except OSError:  # it ended between listing and reading
        return 0
    if not status.get("Name", "").strip().startswith("tesseract"):
        return 0
    return int(status.get("VmHWM", "0 kB").split()[0]) * 1024


class Sampler:
    """Resident memory sampled in a thread; the peak per phase (check) of the analysis."""

    def __init__(self) -> None:
        self.phase = "load"
        self.peaks: dict[str, int] = {}
        #: The highest ``VmHWM`` of a Tesseract child seen.
        self.tesseract_peak = 0
        #: Tesseract processes seen (each sampled at least once).
        self.tesseract_runs: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = _rss()
            if rss > self.peaks.get(self.phase, 0):
                self.peaks[self.phase] = rss
            for pid in _children():
                high = _tesseract_high_water(pid)
                if high:
                    self.tesseract_runs.add(pid)
                    self.tesseract_peak = max(self.tesseract_peak, high)
            time.sleep(0.02)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self._stop.set()
        self._thread.join()

    def progress(self, event: ProgressEvent) -> None:
        """Pipeline progress: the phase is the check running."""
        self.phase = event.check if event.status is None else "between checks"


def make_documents(folder: Path, pdf_pages_count: int = 200) -> list[Path]:
    """The 100-megapixel JPEG page and the PDF of blank pages (200, the page limit)."""
    if not SAMPLE.exists():
        sys.exit(f"{SAMPLE} is missing; run samples/generate.py first")
    page = folder / "page-100mpx.jpg"
    with Image.open(SAMPLE) as letter:
        big = letter.convert("RGB").resize((8500, 11700), Image.Resampling.LANCZOS)
    big.save(page, quality=90, dpi=(1000, 1000))
    del big
    blank = folder / f"blank-{pdf_pages_count}-pages.pdf"
    blank.write_bytes(pdf_pages(pdf_pages_count, 612, 792))
    return [page, blank]


def measure(path: Path, only: list[str] | None) -> dict[str, object]:
    """Peak resident memory of loading and analysing `path`, overall and per check."""
    started = time.perf_counter()
    with Sampler() as sampler:
        document = load_document(path)
        analysis = analyze_document(document, only=only, progress=sampler.progress)
    statuses = {c.name: c.status.value for c in analysis.report.checks}
    return {
        "name": path.name,
        "bytes": path.stat().st_size,
        "pages": len(document.pages),
        "seconds": time.perf_counter() - started,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "tesseract_peak": sampler.tesseract_peak,
        "tesseract_runs": len(sampler.tesseract_runs),
        "checks": {k: v for k, v in sampler.peaks.items() if k in statuses},
        "statuses": statuses,
    }


def _in_child(function: Any, *args: Any) -> Any:
    """`function(*args)` computed in a forked child process of its own."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        return pool.apply(function, args)


def _one(path: Path, only: list[str] | None) -> dict[str, object]:
    """`measure` in a forked child, so each document's peak is its own."""
    result: dict[str, object] = _in_child(measure, path, only)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="comma-separated checks (default: every installed one)")
    parser.add_argument(
        "--document", choices=("page", "pdf", "both"), default="both", help="which to measure"
    )
    parser.add_argument(
        "--pdf-pages",
        type=int,
        default=200,
        help="blank pages of the PDF (fewer, to measure the growth per page in less time)",
    )
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    only = args.only.split(",") if args.only else None
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        # made in a process of their own: the enlarged page must not swell the memory that
        # the measuring processes, forked from this one, start with
        page, pdf = _in_child(make_documents, Path(tmp), args.pdf_pages)
        chosen = {"page": [page], "pdf": [pdf], "both": [page, pdf]}[args.document]
        results = [_one(path, only) for path in chosen]
    lines = [
        f"## {SECTION}",
        "",
        f"Measured {dt.date.today().isoformat()} by `benchmarks/memory_benchmark.py` on a "
        f"2-core machine shared with other jobs (load average {load[0]:.0f} at the start, "
        f"{os.getloadavg()[0]:.0f} at the end); "
        + ("every installed check" if only is None else f"checks {', '.join(only)}")
        + ", default limits. Peak resident memory of the analysing process (loading "
        "included; Tesseract's own process apart, with the highest peak of its runs sampled), "
        "and the highest peak during each check.",
        "",
        "| document | pages | peak | Tesseract's peak | time | highest checks |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        checks = r["checks"]
        assert isinstance(checks, dict)
        top = sorted(checks.items(), key=lambda kv: -kv[1])[:4]
        lines.append(
            f"| {r['name']} ({int(r['bytes']) // 1024:,} KB) | {r['pages']} "  # type: ignore[call-overload]
            f"| {int(r['peak']) // MIB:,} MiB | {int(r['tesseract_peak']) // MIB:,} MiB "  # type: ignore[call-overload]
            f"| {float(r['seconds']):.0f} s | "  # type: ignore[arg-type]
            + ", ".join(f"{name} {peak // MIB:,} MiB" for name, peak in top)
            + " |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    for r in results:
        print(r["name"], r["statuses"], f"Tesseract runs sampled: {r['tesseract_runs']}")
        checks = r["checks"]
        assert isinstance(checks, dict)
        print("peak per check (MiB):", {k: v // MIB for k, v in checks.items()})
    if args.write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
