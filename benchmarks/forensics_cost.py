"""Cost of the forensics check alone: time against one raw Tesseract pass, and peak memory.

Two measures of the ``forensics`` check by itself (``--only forensics``):

1. **Time.** On the 300-dpi A4 list scan (``samples/lists/names_149_scan.jpg``, the page the
   throughput benchmark uses), or on each page given with ``--page`` (``--letters``: the
   300-dpi A5 letter ``samples/exemplars/exemplar_01.png`` and the 150-dpi questioned letter
   as well), `--repeats` interleaved runs of ``workbench check PAGE --only
   forensics`` and of one raw Tesseract pass (``fas``, one thread) on the same page; the
   check's own duration (from its report, start-up excluded) over the median Tesseract pass.
   On a shared machine both suffer the same load, which is why the runs are interleaved.
   The CPU seconds of each (the check warm, in a fresh interpreter, loading included; every
   thread counted) are measured in the same rounds: a shared machine disturbs them less.
   Run alone, the check reads the page with Tesseract for its number comparison (in a whole
   check that reading is the ``ocr`` check's): its CPU seconds count that Tesseract process,
   and the check's own cost, without the reading, is given on rows of its own.
2. **Memory.** The 100-megapixel page of ``benchmarks/memory_benchmark.py`` (the questioned
   sample enlarged to 8,500 x 11,700 pixels, JPEG quality 90), analysed in a forked process
   with only the forensics check: resident memory after loading, and the peaks while loading
   and during the check (which decodes the page: the decoded page is part of its peak).

3. **Stages** (``--stages``): where the check's own time goes on each page, method by method
   and within keypoint copy-move stage by stage (the reduced first pass, the crops described
   again at full detail, matching): every function `analyse_page` calls, timed in CPU
   seconds on one thread as the check runs (with the file's JPEG quality for text copy-move's
   simulated copies, as the check gives it), in a fresh interpreter per round, rounds
   interleaved over the pages (with ``--before``, the earlier code right after the current
   one on each page); the medians of ``--repeats`` rounds. Times are inclusive (a stage's
   time holds the stages it calls). A JPEG page's double-quantisation map, which the check
   makes from the file's coefficients before `analyse_page`, is timed on a row of its own
   and given to `analyse_page` as the check gives it.

Prints a Markdown paragraph and table (date, load average); it writes nothing.

    python benchmarks/forensics_cost.py [--repeats N] [--page PATH ... | --letters]
        [--before TREE] [--skip-time] [--skip-memory] [--stages]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from memory_benchmark import MIB, Sampler, _in_child, _rss, make_documents  # noqa: E402
from throughput_benchmark import WORKBENCH, raw_tesseract_s  # noqa: E402

from workbench.api import analyze_document  # noqa: E402
from workbench.loading import load_document  # noqa: E402

PAGE = HERE.parent / "samples" / "lists" / "names_149_scan.jpg"
#: The letters of the speed target: a 300-dpi A5 letter and the 150-dpi questioned letter.
LETTERS = (
    HERE.parent / "samples" / "exemplars" / "exemplar_01.png",
    HERE.parent / "samples" / "questioned" / "letter_1380-02-24.jpg",
)


def forensics_seconds(page: Path) -> float:
    """The forensics check's own seconds in one ``workbench check --only forensics`` run."""
    proc = subprocess.run(
        [WORKBENCH, "check", str(page), "--only", "forensics", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(proc.stdout)
    (check,) = [c for c in report["checks"] if c["name"] == "forensics"]
    return float(check.get("duration_s") or 0.0)


#: Run in a fresh interpreter: the check once to warm up (imports, caches), then once more
#: with the CPU time of the whole process (every thread) and of its child processes (the
#: Tesseract pass of the number comparison's reading) around it, then once without the OCR
#: reading (the context's reader unavailable: the check then says numbers were not compared),
#: which is the check's own cost; its duration too.
CPU_CHILD = """
import json, resource, sys, time
from pathlib import Path
from workbench.api import analyze_document
from workbench.context import Context
from workbench.errors import ToolUnavailableError
from workbench.loading import load_document
page = Path(sys.argv[1])
def children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
analyze_document(load_document(page), only=["forensics"])
started, tesseract = time.process_time(), children()
analyze_document(load_document(page), only=["forensics"])
with_read = time.process_time() - started + children() - tesseract
def unread(self, *args, **kwargs):
    raise ToolUnavailableError("not read in this measurement")
Context.ocr_result = unread
started = time.process_time()
report = analyze_document(load_document(page), only=["forensics"])
own = time.process_time() - started
(check,) = [c for c in report.report.checks if c.name == "forensics"]
print(json.dumps({"with_read": with_read, "own": own, "own_wall": check.duration_s}))
"""


def forensics_cpu_seconds(page: Path, code: Path | None = None) -> dict[str, float]:
    """CPU seconds of one warm forensics analysis of `page`, loading included (`CPU_CHILD`).

    ``with_read``: the whole check with its OCR reading (this process's threads and the
    Tesseract process); ``own``: the check without the reading; ``own_wall``: the latter's
    duration in seconds. With ``code`` (a source tree of the project, e.g. an earlier
    version unpacked with ``git archive``), that tree's code is measured instead.
    """
    return _child_figures(CPU_CHILD, page, code)


def _child_figures(child: str, page: Path, code: Path | None) -> dict[str, float]:
    """The figures `child` (a script) prints last for ``page``, run in a fresh interpreter.

    With ``code`` (an earlier source tree) its folder comes first on the import path, before
    the installed project.
    """
    env = None if code is None else {**os.environ, "PYTHONPATH": str(code.resolve())}
    proc = subprocess.run(
        [sys.executable, "-c", child, str(page.resolve())],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=code,
    )
    result: dict[str, float] = json.loads(proc.stdout.splitlines()[-1])
    return result


#: Run in a fresh interpreter, one OpenCV thread as the check runs: `analyse_page` once to
#: warm up, then once with each function it calls wrapped in a CPU timer (inclusive times,
#: summed over calls), and the whole analysis and the page's decoding around it.
STAGES_CHILD = """
import json, sys, time
from collections import defaultdict
import cv2
from workbench.runtime import apply_thread_policy
apply_thread_policy()
from workbench.imaging.forensic import copymove_keypoints as kp, ghost, tamper, textclone
from workbench.loading import load_document
from workbench.context import Context
from workbench_checks.forensics.check import ForensicsCheck
page = sys.argv[1]
STAGES = {
    tamper: ["gradient_block_mean", "ghost_curves", "jpeg_ghost", "error_levels",
             "error_level_anomaly", "noise_inconsistency", "bare_paper", "paper_steps",
             "keypoint_clones", "block_clones", "merge_clones", "find_words", "text_clones",
             "glyph_consistency", "calibrated_glyphs", "digit_consistency", "paper_blocks",
             "clone_map", "text_clone_map", "glyph_map", "fuse_maps", "regions_from_mask",
             "upsample_blocks"],
    ghost: ["straight_blocks"],
    textclone: ["word_pairs", "resave_ratios"],
    kp: ["_sift_features", "_features_in", "_matched_pairs", "_reduced"],
}
spent = defaultdict(float)
def timed(name, fn):
    def run(*args, **kwargs):
        started = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - started
    return run
started = time.process_time()
document = load_document(page)
gray = Context(document).page_gray(0)
decode = time.process_time() - started
# The double-quantisation map is made from the JPEG file's own coefficients, outside
# analyse_page, as the check makes it (`checks/forensics/check.py`: one-page JPEG files).
dq, dq_spent = None, 0.0
if document.media_type == "image/jpeg":
    from workbench.imaging.forensic.dq_map import DqMap, dq_map_of_bytes
    dq_map_of_bytes(document.data())
    started = time.process_time()
    made = dq_map_of_bytes(document.data())
    dq_spent = time.process_time() - started
    if isinstance(made, DqMap) and made.probability.shape == tuple(n // 8 for n in gray.shape):
        dq = made
# The quality text copy-move simulates a copy's save at, as the check gives it.
quality = ForensicsCheck._jpeg_quality(document)
tamper.analyse_page(gray, dq=dq, jpeg_quality=quality)
for module, names in STAGES.items():
    for name in names:
        if hasattr(module, name):
            prefix = "keypoint " if module is kp else ""
            setattr(module, name, timed(prefix + name.strip("_"), getattr(module, name)))
started = time.process_time()
tamper.analyse_page(gray, dq=dq, jpeg_quality=quality)
spent["analyse_page"] = time.process_time() - started
spent["decode"] = decode
spent["dq map (outside analyse_page)"] = dq_spent
print(json.dumps(spent))
"""


def _stages(page: Path, code: Path | None) -> dict[str, float]:
    """One fresh interpreter's `STAGES_CHILD` on ``page`` (``code``: an earlier source tree)."""
    return _child_figures(STAGES_CHILD, page, code)


def stage_rows(repeats: int, pages: Sequence[Path], before: Path | None = None) -> list[str]:
    """Medians of ``repeats`` interleaved rounds of `STAGES_CHILD` on each page, as Markdown.

    With ``before`` (a source tree of earlier code), each page is measured with the earlier
    code right after the current code in every round, and each row gives both (earlier ->
    current).
    """
    codes: list[Path | None] = [None] if before is None else [None, before]
    runs: dict[tuple[Path, Path | None], list[dict[str, float]]] = {
        (page, code): [] for page in pages for code in codes
    }
    for _ in range(repeats):
        for page in pages:
            for code in codes:
                runs[page, code].append(_stages(page, code))
                spent = runs[page, code][-1]["analyse_page"]
                label = "" if code is None else ", earlier code"
                print(f"{page.name}: analyse_page {spent:.3f} CPU s{label}", flush=True)
    med = statistics.median

    def value(name: str, page: Path, code: Path | None) -> float:
        return med(r.get(name, 0.0) for r in runs[page, code])

    names = sorted({n for rounds in runs.values() for r in rounds for n in r})
    names.sort(key=lambda n: -sum(value(n, p, None) for p in pages))
    rows = [
        "| stage (CPU s, median of rounds"
        + (", earlier -> current" if before is not None else "")
        + ") | "
        + " | ".join(p.name for p in pages)
        + " |",
        "| --- |" + " ---: |" * len(pages),
    ]
    for name in names:
        cells = [
            (f"{value(name, p, before):.3f} -> " if before is not None else "")
            + f"{value(name, p, None):.3f}"
            for p in pages
        ]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return rows


def tesseract_cpu_seconds(page: Path) -> float:
    """CPU seconds of one raw Tesseract pass (``fas``, one thread), from its process's usage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    raw_tesseract_s(page)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def time_rows(
    repeats: int, pages: Sequence[Path] = (PAGE,), before: Path | None = None
) -> list[str]:
    """Interleaved runs on each page; the medians and their ratios as Markdown lines.

    Wall seconds (the check's own duration against a Tesseract pass), and CPU seconds, which
    the load of a shared machine disturbs less (a process waiting for a core uses none).
    Within a round every page is measured in turn, so that all pages share the load. With
    ``before`` (a source tree of earlier code), the earlier check's CPU seconds without the
    reading are measured in the same rounds too, right after the current code's.
    """
    runs: dict[Path, tuple[list[float], ...]] = {page: ([], [], [], [], [], []) for page in pages}
    earlier: dict[Path, list[float]] = {page: [] for page in pages}
    for _ in range(repeats):
        for page in pages:
            checks, raws, check_cpu, raw_cpu, own_cpu, own_wall = runs[page]
            raws.append(raw_tesseract_s(page))
            checks.append(forensics_seconds(page))
            raw_cpu.append(tesseract_cpu_seconds(page))
            cpu = forensics_cpu_seconds(page)
            check_cpu.append(cpu["with_read"])
            own_cpu.append(cpu["own"])
            own_wall.append(cpu["own_wall"])
            if before is not None:
                earlier[page].append(forensics_cpu_seconds(page, before)["own"])
            print(
                f"{page.name}: forensics {checks[-1]:.2f} s ({check_cpu[-1]:.2f} CPU s with "
                f"its reading, {own_cpu[-1]:.2f} without: {own_wall[-1]:.2f} s), raw "
                f"Tesseract {raws[-1]:.2f} s ({raw_cpu[-1]:.2f} CPU s)"
                + (f", earlier code {earlier[page][-1]:.2f} CPU s" if earlier[page] else ""),
                flush=True,
            )
    med = statistics.median
    rows = [
        "| page | measure | forensics | raw Tesseract | ratio | runs (forensics / Tesseract) |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for page, (checks, raws, check_cpu, raw_cpu, own_cpu, own_wall) in runs.items():
        check, raw, ccpu, rcpu = med(checks), med(raws), med(check_cpu), med(raw_cpu)
        ocpu, owall = med(own_cpu), med(own_wall)
        rows += [
            f"| {_describe(page)} | wall s | {check:.2f} | {raw:.2f} | {check / raw:.2f}x | "
            + ", ".join(f"{c:.1f}/{r:.1f}" for c, r in zip(checks, raws, strict=True))
            + " |",
            f"| {_describe(page)} | CPU s | {ccpu:.2f} | {rcpu:.2f} | {ccpu / rcpu:.2f}x | "
            + ", ".join(f"{c:.2f}/{r:.2f}" for c, r in zip(check_cpu, raw_cpu, strict=True))
            + " |",
            f"| {_describe(page)} | CPU s without the reading | {ocpu:.2f} | {rcpu:.2f} | "
            f"{ocpu / rcpu:.2f}x | "
            + ", ".join(f"{c:.2f}/{r:.2f}" for c, r in zip(own_cpu, raw_cpu, strict=True))
            + " |",
            f"| {_describe(page)} | wall s without the reading (warm) | {owall:.2f} | "
            f"{raw:.2f} | {owall / raw:.2f}x | "
            + ", ".join(f"{c:.1f}/{r:.1f}" for c, r in zip(own_wall, raws, strict=True))
            + " |",
        ]
        if earlier[page]:
            ecpu = med(earlier[page])
            rows.append(
                f"| {_describe(page)} | CPU s without the reading, earlier code | {ecpu:.2f} | "
                f"{rcpu:.2f} | {ecpu / rcpu:.2f}x | "
                + ", ".join(f"{c:.2f}/{r:.2f}" for c, r in zip(earlier[page], raw_cpu, strict=True))
                + " |"
            )
    return rows


def _describe(page: Path) -> str:
    """A page's resolution and size in words, with its file name."""
    from PIL import Image

    with Image.open(page) as image:
        dpi = image.info.get("dpi", (0, 0))[0]
        width, height = image.size
    return f"{round(dpi) or '?'}-dpi page of {width} x {height} ({page.name})"


def _peaks(path: Path) -> dict[str, float]:
    """Resident memory (bytes) after loading `path`, its peaks while loading and during the
    forensics check, and the check's seconds; run in a forked child (`_in_child`)."""
    with Sampler() as sampler:
        document = load_document(path)
        loaded = _rss()
        started = time.perf_counter()
        analyze_document(document, only=["forensics"], progress=sampler.progress)
        seconds = time.perf_counter() - started
    return {
        "loaded": loaded,
        "load": sampler.peaks.get("load", 0),
        "forensics": sampler.peaks.get("forensics", 0),
        "seconds": seconds,
    }


def memory_rows() -> list[str]:
    """Peak memory of the forensics check alone on the 100-megapixel page."""
    with tempfile.TemporaryDirectory() as tmp:
        page, _ = _in_child(make_documents, Path(tmp))
        size = page.stat().st_size
        result: dict[str, float] = _in_child(_peaks, page)
    return [
        "| page | resident after loading | peak while loading | peak during forensics "
        "| forensics time (s) |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| 100-megapixel JPEG ({size // 1024:,} KB) | {int(result['loaded']) // MIB:,} MiB | "
        f"{int(result['load']) // MIB:,} MiB | {int(result['forensics']) // MIB:,} MiB | "
        f"{result['seconds']:.0f} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--page", type=Path, action="append", help="page(s) to time")
    parser.add_argument("--letters", action="store_true", help="time the letters as well")
    parser.add_argument("--skip-time", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--stages", action="store_true", help="time each method of the check (no other measure)"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="source tree of earlier code (e.g. from `git archive`), timed in the same rounds",
    )
    args = parser.parse_args()
    lines = []
    if args.stages:
        pages = list(args.page or [PAGE]) + (list(LETTERS) if args.letters else [])
        lines += [*stage_rows(args.repeats, pages, args.before), ""]
    elif not args.skip_time:
        pages = list(args.page or [PAGE]) + (list(LETTERS) if args.letters else [])
        lines += [*time_rows(args.repeats, pages, args.before), ""]
    if not args.skip_memory and not args.stages:
        lines += [*memory_rows(), ""]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\nMeasured {now}, load average {load}.\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
