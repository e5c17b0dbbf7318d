"""A batch over 2,000 tiny, empty and odd files: one row per file, in bounded time and memory.

The files are those of `tests.support.hostile.write_tiny_files` (empty files with document
names, single bytes, bare signatures, cut headers, images of a few pixels, a line of text,
odd extensions), 500 to a folder. Every installed check runs, with two local workers and
the default limits, into a fresh store. Measured: the rows by status, the time of the
whole run, files per second, and the peak resident memory of each worker and of the
process that runs the batch.

    .venv/bin/python benchmarks/tiny_files_benchmark.py [--count N] [--workers N] [--write]

``--write`` replaces the "Many tiny files" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import write_section  # noqa: E402
from tests.support.hostile import write_tiny_files  # noqa: E402
from workbench.batch import BatchOptions, run_batch  # noqa: E402

SECTION = "Many tiny files"
MIB = 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tiny"
        files = write_tiny_files(folder, args.count)
        started = time.perf_counter()
        summary = run_batch(
            BatchOptions(
                root=folder,
                out=Path(tmp) / "out",
                store=Path(tmp) / "store",
                workers=args.workers,
            )
        )
        elapsed = time.perf_counter() - started
        with summary.csv_path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    statuses = Counter(r["status"] for r in rows)
    one_line = all("\n" not in (r["error"] or "") for r in rows)
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    workers = sorted(summary.peak_rss_bytes.values())
    lines = [
        f"## {SECTION}",
        "",
        f"Measured {dt.date.today().isoformat()} by `benchmarks/tiny_files_benchmark.py` on a "
        "2-core machine shared with other jobs (timings are noisy): a batch over "
        f"{len(files):,} tiny, empty and odd files (`tests/support/hostile.py`, "
        f"`write_tiny_files`), every installed check, {args.workers} workers, default limits.",
        "",
        f"- rows: {len(rows):,} for {len(files):,} files ("
        + ", ".join(f"{n:,} {s}" for s, n in sorted(statuses.items()))
        + f"); every error a single line: {'yes' if one_line else 'no'}",
        f"- time: {elapsed:.0f} s ({len(files) / elapsed:.1f} files/s)",
        f"- peak resident memory: batch process {parent // MIB:,} MiB; workers "
        + ", ".join(f"{w // MIB:,} MiB" for w in workers),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
