"""Where ``workbench check`` spends its time: start-up imports, each check, the hot functions.

For each of three pages (the samples' questioned 150-dpi letter JPEG, a 300-dpi A5 exemplar
letter and the 300-dpi A4 list scan), every check, Tesseract as the only reader:

- ``python -X importtime -m workbench check PAGE --only file``: the interpreter's and the
  imports' start-up, and the modules slowest to import (cumulative microseconds) when only
  the cheapest check is chosen; once more with ``--help`` (what a user waits for first);
- ``python -m cProfile benchmarks/profiled_workbench.py check PAGE`` (the command line with
  the document analysed in its own process, not a forked child): the whole process, each
  check's own time (from the report), the number of Tesseract processes, and the functions
  with the most time of their own in this process (Tesseract runs in child processes: its
  time shows as waiting in ``select.poll``);
- one raw Tesseract pass (``fas``, one thread) on the same page, for scale.

Writes its section, headed by ``--label``, of ``benchmarks/PROFILE.md`` (date, load average,
commit, figures); run it when the cost of a check or of start-up changes. Usage:
``python benchmarks/profile_check.py [--reader MODE] [--label TITLE]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_file import write_section
from throughput_benchmark import RATIO_PAGES, raw_tesseract_s

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "benchmarks" / "PROFILE.md"
_IMPORT = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")
TOP_IMPORTS = 8
TOP_FUNCTIONS = 12


def import_profile(args: list[str]) -> tuple[float, list[tuple[str, float]]]:
    """Seconds of the whole process, and the top-level imports by cumulative seconds."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "workbench", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    top: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        match = _IMPORT.match(line)
        if match is None:
            continue
        indent = len(match[3]) - 1
        if indent == 0:  # imported by the program itself, not by another module
            top[match[4]] = top.get(match[4], 0.0) + int(match[2]) / 1e6
    ranked = sorted(top.items(), key=lambda kv: -kv[1])
    return seconds, ranked[:TOP_IMPORTS]


def call_profile(page: Path, reader: str, work: Path) -> tuple[float, dict[str, float], str, int]:
    """Seconds of a profiled ``check``, each check's own seconds, the hot-function table and
    the number of Tesseract processes (calls of `Tesseract._call`, each one process)."""
    stats = work / f"{page.stem}.prof"
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            str(stats),
            str(ROOT / "benchmarks" / "profiled_workbench.py"),
            "check",
            str(page),
            "--format",
            "json",
            "--reader",
            reader,
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    report = json.loads(proc.stdout)
    checks = {r["name"]: float(r.get("duration_s") or 0.0) for r in report["checks"]}
    table = pstats.Stats(str(stats))
    rows = []
    entries = table.stats  # type: ignore[attr-defined]
    processes = sum(
        calls
        for (filename, _, name), (_, calls, _, _, _) in entries.items()
        if name == "_call" and filename.endswith("ocr/engine.py")
    )
    for (filename, line, name), (_, calls, own, total, _) in sorted(
        entries.items(), key=lambda kv: -kv[1][2]
    ):
        where = _short(filename)
        place = where if where == "(built-in)" else f"{where}:{line}"
        rows.append(f"| `{place}` `{name}` | {calls} | {own:.2f} | {total:.2f} |")
        if len(rows) >= TOP_FUNCTIONS:
            break
    return seconds, checks, "\n".join(rows), processes


def _short(filename: str) -> str:
    """A file name relative to the checkout or to site-packages, never a machine path."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    standard = re.search(r"python3\.\d+/(.*)$", filename)
    if standard:
        return standard[1]
    if filename.startswith("~") or filename.startswith("<"):
        return "(built-in)"
    try:
        return str(Path(filename).resolve().relative_to(ROOT))
    except ValueError:
        return Path(filename).name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", default="tesseract", help="reader mode of the checks")
    parser.add_argument("--label", default="Current", help="title of this run's section")
    args = parser.parse_args()
    load = os.getloadavg()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    out = [
        f"## {args.label}",
        "",
        f"Written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `benchmarks/profile_check.py` "
        f"at commit {commit or 'unknown'} (reader `{args.reader}`), "
        f"CPython {platform.python_version()}, {os.cpu_count()} "
        f"CPUs shared with other jobs: load average {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} (1, 5, 15 min) at the start. Seconds are wall-clock and move with "
        "the load; compare shares, not absolute figures.",
        "",
        "### Start-up",
        "",
    ]
    for label, argv in (
        ("`workbench --help`", ["--help"]),
        ("`workbench check PAGE --only file` (150-dpi letter)", []),
    ):
        if not argv:
            argv = ["check", str(RATIO_PAGES[0][1]), "--only", "file", "--format", "json"]
        seconds, top = import_profile(argv)
        out += [
            f"{label}: {seconds:.2f} s in all; slowest imports (cumulative s): "
            + ", ".join(f"`{m}` {s:.2f}" for m, s in top),
            "",
        ]
    with tempfile.TemporaryDirectory(prefix="workbench-profile-") as scratch:
        for label, page in RATIO_PAGES:
            raw = raw_tesseract_s(page)
            seconds, checks, table, processes = call_profile(page, args.reader, Path(scratch))
            by_check = sorted(checks.items(), key=lambda kv: -kv[1])
            out += [
                f"### {label}",
                "",
                f"Whole `check` under cProfile {seconds:.2f} s; raw Tesseract pass {raw:.2f} s; "
                f"checks' own times: "
                + ", ".join(f"`{n}` {s:.2f}" for n, s in by_check)
                + f"; sum {sum(checks.values()):.2f} s; Tesseract processes {processes}.",
                "",
                "| function (this process; by own time) | calls | own s | cumulative s |",
                "| --- | ---: | ---: | ---: |",
                table,
                "",
            ]
    if not PROFILE.exists():
        PROFILE.write_text(
            "# Profile of `workbench check`\n\nEach section is one run of "
            "`benchmarks/profile_check.py`.\n",
            encoding="utf-8",
        )
    text = "\n".join(out)
    write_section(args.label, text, PROFILE)
    print(text)


if __name__ == "__main__":
    main()
