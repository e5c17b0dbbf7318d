"""A letter's analysis in a warm batch worker: CPU seconds per check and per Tesseract reading.

A batch worker loads the checks and the models once and then analyses document after
document; what a letter costs it is the analysis alone, not start-up or model loads. This
script does what such a worker does, in this one process: it keeps to the worker's thread
policy, analyses each of the samples' letters once (`workbench.batch.worker.analyse_task`,
the function a worker calls) to warm up, then analyses them again ``--repeats`` times, the
letters interleaved, and reports per letter (medians over the repeats):

- the CPU seconds of the whole analysis: this process (all its threads) and its waited-for
  children (Tesseract), from ``time.process_time`` and ``getrusage(RUSAGE_CHILDREN)``, and
  its wall-clock seconds (which move with the machine's load);
- each check's CPU seconds, split into this process's and its children's (the pipeline's
  progress events mark where a check starts and ends);
- each Tesseract process a check ran (``Tesseract._call`` wrapped): the function, language,
  page mode, image size and its CPU seconds.

With ``--profile`` one more pass runs under cProfile and the functions with the most
cumulative time inside the ``ocr`` and ``script`` checks are listed. The reader is
Tesseract alone unless ``--reader`` says otherwise (``WORKBENCH_READER``, as batch runs read
it). Nothing is written: the output is the summary kept in ``benchmarks/PROFILE.md``.

Usage: ``python benchmarks/warm_worker.py [--repeats N] [--all-letters] [--profile]
[--reader MODE] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import resource
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
#: The letters the brief's figures use: the 300-dpi A5 exemplars and the 150-dpi letter.
LETTERS = (
    SAMPLES / "exemplars" / "exemplar_01.png",
    SAMPLES / "exemplars" / "exemplar_02.png",
    SAMPLES / "exemplars" / "exemplar_03.png",
    SAMPLES / "exemplars" / "exemplar_04.png",
    SAMPLES / "questioned" / "letter_1380-02-24.jpg",
)
#: The other letters of the batch benchmark's folder (``--all-letters``).
OTHER_LETTERS = ("genuine", "tampered")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Reading:
    """One Tesseract process: which check ran it, what it read, its CPU seconds."""

    check: str
    what: str
    cpu_s: float


@dataclass
class Run:
    """One analysis of one letter: whole CPU, per-check CPU (own, children), readings."""

    letter: str
    own_s: float = 0.0
    children_s: float = 0.0
    wall_s: float = 0.0
    checks: dict[str, tuple[float, float]] = field(default_factory=dict)
    readings: list[Reading] = field(default_factory=list)
    report: str = ""


class Recorder:
    """Follows the pipeline's progress events and the Tesseract calls of one analysis."""

    def __init__(self) -> None:
        self.current = "-"
        self.run: Run | None = None
        self._start: tuple[float, float] = (0.0, 0.0)

    def progress(self, event: Any) -> None:
        """Mark a check's start (``status`` None) or end, and book its CPU at the end."""
        now = (time.process_time(), _children_cpu())
        if event.status is None:
            self.current = event.check
            self._start = now
            return
        assert self.run is not None
        self.run.checks[event.check] = (now[0] - self._start[0], now[1] - self._start[1])
        self.current = "-"

    @contextmanager
    def tracing(self) -> Iterator[None]:
        """Wrap ``Tesseract._call`` to book each Tesseract process's CPU to the running check."""
        from workbench.ocr.engine import Tesseract

        original: Callable[..., Any] = Tesseract._call
        recorder = self

        def traced(engine: Any, function: Any, image: Any, **kwargs: Any) -> Any:
            before = _children_cpu()
            try:
                return original(engine, function, image, **kwargs)
            finally:
                size = getattr(image, "size", None)
                shape = f"{size[0]}x{size[1]}" if size else "file"
                config = " ".join(str(kwargs.get("config", "")).split()[:2])
                name = getattr(function, "__name__", "?")
                what = f"{name} {kwargs.get('lang', '')} {config} {shape}"
                if recorder.run is not None:
                    recorder.run.readings.append(
                        Reading(recorder.current, what.strip(), _children_cpu() - before)
                    )

        Tesseract._call = traced  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            Tesseract._call = original  # type: ignore[method-assign]


def _task(path: Path) -> Any:
    from workbench.batch.worker import Task
    from workbench.limits import Limits

    return Task(
        path=str(path),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        references=(),
        only=None,
        limits=Limits(),
    )


#: Report fields that measure time, left out when reports are compared between runs.
TIMINGS = frozenset({"duration_s", "seconds", "cpu_seconds", "generated_at"})


def _timeless(value: Any) -> Any:
    """The report without its timings (`TIMINGS`), to compare the reports of two runs."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k not in TIMINGS}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def analyse(recorder: Recorder, path: Path) -> Run:
    """Analyse one letter as a worker does; the run's CPU and per-check figures."""
    from workbench.batch.worker import analyse_task

    run = Run(path.name)
    recorder.run = run
    own, children, wall = time.process_time(), _children_cpu(), time.perf_counter()
    result = analyse_task(_task(path), progress=recorder.progress)
    run.own_s = time.process_time() - own
    run.children_s = _children_cpu() - children
    run.wall_s = time.perf_counter() - wall
    if result.status != "ok":
        raise SystemExit(f"{path.name}: {result.error}")
    report = _timeless(json.loads(result.report_json or "{}"))
    run.report = hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()[:12]
    recorder.run = None
    return run


def summarise(runs: list[Run]) -> dict[str, Any]:
    """Medians per letter: whole CPU, per check (own, children), per reading."""
    by_letter: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_letter[run.letter].append(run)
    out: dict[str, Any] = {}
    for letter, letter_runs in by_letter.items():
        checks: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for run in letter_runs:
            for name, cpu in run.checks.items():
                checks[name].append(cpu)
        readings: dict[tuple[str, str], list[float]] = defaultdict(list)
        for run in letter_runs:
            for r in run.readings:
                readings[(r.check, r.what)].append(r.cpu_s)
        out[letter] = {
            "runs": len(letter_runs),
            "reports": sorted({r.report for r in letter_runs}),
            "total_s": statistics.median(r.own_s + r.children_s for r in letter_runs),
            "own_s": statistics.median(r.own_s for r in letter_runs),
            "children_s": statistics.median(r.children_s for r in letter_runs),
            "wall_s": statistics.median(r.wall_s for r in letter_runs),
            "checks": {
                name: (
                    statistics.median(c[0] for c in cpu),
                    statistics.median(c[1] for c in cpu),
                )
                for name, cpu in checks.items()
            },
            "readings": [
                (check, what, statistics.median(cpu), len(cpu) / len(letter_runs))
                for (check, what), cpu in readings.items()
            ],
        }
    return out


def print_summary(summary: dict[str, Any]) -> None:
    """The per-letter tables, as the summary in PROFILE.md quotes them."""
    for letter, s in summary.items():
        if "total_s" not in s:
            print(f"\n{letter}: reports {s['reports']}")
            continue
        print(
            f"\n{letter}: {s['total_s']:.2f} CPU s (own {s['own_s']:.2f}, "
            f"Tesseract {s['children_s']:.2f}; wall {s['wall_s']:.2f} s), {s['runs']} runs, "
            f"reports {s['reports']}"
        )
        ranked = sorted(s["checks"].items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
        for name, (own, children) in ranked:
            print(f"  {name:14s} {own + children:6.3f}  (own {own:.3f}, tesseract {children:.3f})")
        for check, what, cpu, per_run in s["readings"]:
            print(f"    tesseract [{check}] {what}: {cpu:.3f} s x{per_run:g}")
    totals = [s["total_s"] for s in summary.values() if "total_s" in s]
    if not totals:
        return
    print(
        f"\nmean over letters {statistics.mean(totals):.2f} CPU s; "
        f"{60 / statistics.mean(totals):.1f} letters a CPU minute"
    )


def profile_pass(recorder: Recorder, letters: list[Path], top: int, dump: Path | None) -> None:
    """One pass under cProfile: the functions by cumulative seconds (``dump``: the raw stats)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for path in letters:
        analyse(recorder, path)
    profiler.disable()
    if dump is not None:
        profiler.dump_stats(dump)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(top)
    print(stream.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--all-letters", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--page", type=Path, action="append", default=[], help="another page")
    parser.add_argument("--reader", default="tesseract")
    parser.add_argument("--json", type=Path, help="write the per-letter summary here")
    parser.add_argument("--stats", type=Path, help="write the profile's raw stats here")
    args = parser.parse_args(argv)
    os.environ["WORKBENCH_READER"] = args.reader
    from workbench.batch.worker import limit_threads

    limit_threads()
    letters = list(LETTERS)
    if args.all_letters:
        for folder in OTHER_LETTERS:
            found = (SAMPLES / folder).iterdir()
            letters += sorted(p for p in found if p.suffix in {".png", ".jpg"})
    letters += args.page
    recorder = Recorder()
    print(f"load {os.getloadavg()[0]:.1f} at start", flush=True)
    warm = {path.name: analyse(recorder, path).report for path in letters}  # imports, models
    runs: list[Run] = []
    with recorder.tracing():
        for _ in range(args.repeats):
            for path in letters:
                runs.append(analyse(recorder, path))
        if args.profile:
            profile_pass(recorder, letters, args.top, args.stats)
    summary = summarise(runs)
    for letter, report in warm.items():  # the warm-up's reports: the same, or a difference
        if letter in summary:
            summary[letter]["reports"] = sorted({*summary[letter]["reports"], report})
        else:
            summary[letter] = {"reports": [report]}
    print_summary(summary)
    print(f"load {os.getloadavg()[0]:.1f} at end")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
