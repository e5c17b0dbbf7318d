"""Where a batch's time goes besides the checks: a worker's per-document overhead, the store.

A batch worker analyses one document at a time (`workbench.batch.worker.analyse_task`); the
batch process alone writes the store, the output folder and the case links
(`workbench.batch.run`). This measures, on the samples' letters:

1. **In a worker** (this process playing one, as a local worker process would): each
   letter's analysis time (``duration_s``, what the throughput benchmark's letters rate is
   computed from) against the sum of its checks' own times; the rest is loading the file,
   the report's JSON, reading the artifacts back and removing the scratch folder. The
   process's and Tesseract's CPU seconds per letter are given beside.
2. **In the batch process**: a real batch run of the same letters with one local worker and
   a fresh store, and the CPU seconds the batch process spends per document recording a
   worker's result (``_record``: the store's rows and objects, ``report.json`` and the
   artifacts in the output folder, the near-duplicate search for the case view), against
   the documents' analysis times. That process is the only one that writes; with two
   workers on two cores its share is what it takes from them.

Usage: ``python benchmarks/batch_overheads.py [--letters N] [--reader tesseract]``. Prints
a summary (nothing is written to RESULTS.md: its figures go into prose sections by hand).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput_benchmark import LETTER_FOLDERS, SAMPLES, build_folder  # noqa: E402

from workbench.batch import BatchOptions, run_batch  # noqa: E402
from workbench.batch import run as batch_run  # noqa: E402
from workbench.batch.discovery import expected_work  # noqa: E402
from workbench.batch.executors import ProcessExecutor  # noqa: E402
from workbench.batch.worker import Task, TaskResult, analyse_task, limit_threads  # noqa: E402
from workbench.limits import Limits  # noqa: E402
from workbench.store import sha256_file  # noqa: E402


def letters(count: int | None) -> list[Path]:
    """The samples' letters (JPEGs first, then by name), the first `count` or all."""
    found = sorted(
        (p for name in LETTER_FOLDERS for p in (SAMPLES / name).glob("*")),
        key=lambda p: (p.suffix.lower() != ".jpg", p.name),
    )
    return [p for p in found if p.suffix.lower() in (".png", ".jpg")][:count]


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def in_worker(pages: list[Path]) -> list[dict[str, Any]]:
    """Each letter analysed as a worker does it: its time, its checks' time, its CPU."""
    limit_threads()
    rows = []
    for page in pages:
        task = Task(
            path=str(page),
            sha256=sha256_file(page),
            references=(),
            only=None,
            limits=Limits.from_env(),
        )
        own, children = _cpu()
        result = analyse_task(task)
        own_after, children_after = _cpu()
        report = json.loads(result.report_json or "{}")
        checks = sum(c.get("duration_s") or 0.0 for c in report.get("checks", []))
        rows.append(
            {
                "page": page.name,
                "duration": result.duration_s,
                "checks": checks,
                "outside": result.duration_s - checks,
                "cpu": own_after - own,
                "tesseract_cpu": children_after - children,
            }
        )
        print(
            f"{page.name}: {result.duration_s:.2f} s, checks {checks:.2f} s, outside "
            f"{result.duration_s - checks:.3f} s",
            flush=True,
        )
    return rows


def in_batch_process(pages: list[Path]) -> dict[str, float]:
    """A one-worker batch of `pages`: the batch process's CPU per recorded document."""
    spent: list[float] = []
    record = batch_run._record

    def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
        started = time.process_time()
        rows = list(record(*args, **kwargs))
        spent.append(time.process_time() - started)
        return iter(rows)

    work = Path(tempfile.mkdtemp(prefix="workbench-overheads-"))
    try:
        folder = work / "letters"
        folder.mkdir()
        for page in pages:
            shutil.copy(page, folder / page.name)
        batch_run._record = timed
        started, cpu = time.perf_counter(), time.process_time()
        summary = run_batch(
            BatchOptions(root=folder, out=work / "out", store=work / "store", workers=1)
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        batch_run._record = record
        shutil.rmtree(work, ignore_errors=True)
    analysed = [r.duration_s or 0.0 for r in summary.rows if r.status == "analysed"]
    return {
        "documents": len(analysed),
        "elapsed": elapsed,
        "analysis": sum(analysed),
        "process_cpu": cpu,
        "record_cpu": sum(spent),
        "record_cpu_median": statistics.median(spent) if spent else float("nan"),
    }


#: Where `traced_task` appends its lines (one JSON object per document), set by `in_workers`.
TRACE_VARIABLE = "WORKBENCH_BATCH_TRACE"


def _main_thread() -> tuple[float, float]:
    """Seconds this thread ran on a core and waited for one (Linux's schedstat), or zeros."""
    try:
        fields = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat").read_text()
    except OSError:
        return 0.0, 0.0
    ran, waited, _ = (int(f) for f in fields.split())
    return ran / 1e9, waited / 1e9


def traced_task(task: Task) -> TaskResult:
    """`analyse_task` in a worker process, with the worker's clock and CPU around it.

    Appends one line to the file named by ``WORKBENCH_BATCH_TRACE``: the worker's pid, the
    wall-clock start and end, the CPU seconds of the worker and of its children (Tesseract)
    spent on the document and in the process's life so far, the CPU seconds of the thread
    that analyses (the rest of the worker's are its other threads': the checks' warm-up)
    and the seconds that thread was ready to run but waited for a core.
    """
    own, children = _cpu()
    ran, waited = _main_thread()
    started = time.time()
    result = analyse_task(task)
    ended = time.time()
    own_after, children_after = _cpu()
    ran_after, waited_after = _main_thread()
    line = {
        "pid": os.getpid(),
        "path": Path(task.path).name,
        "start": started,
        "end": ended,
        "cpu": own_after - own,
        "children_cpu": children_after - children,
        "main_cpu": ran_after - ran,
        "main_waited": waited_after - waited,
        "life_cpu": own_after,
        "life_children_cpu": children_after,
    }
    with open(os.environ[TRACE_VARIABLE], "a", encoding="utf-8") as trace:
        trace.write(json.dumps(line) + "\n")
    return result


def in_workers(
    workers: int, folder: Path, work: Path, run: int = 0, by_name: bool = False
) -> dict[str, Any]:
    """A batch of the mixed folder with `workers` local workers, traced in every process.

    With `by_name` the documents are handed out in the order of their names, as before
    `expected_work` ordered them (for comparison).

    The batch process's CPU in storing each result (`Store.record_run` and the rest of
    `_record`) and in the near-duplicate search (`search_and_store`) is timed around those
    calls; each worker's lines come from `traced_task`.
    """
    # one file for every run: the pool's forkserver keeps the environment of the first
    trace = work / "trace.jsonl"
    os.environ[TRACE_VARIABLE] = str(trace)
    record, search = batch_run._record, batch_run.search_and_store
    recorded: list[float] = []
    searched: list[float] = []

    def timed_record(*args: Any, **kwargs: Any) -> Iterator[Any]:
        started = time.process_time()
        rows = list(record(*args, **kwargs))
        recorded.append(time.process_time() - started)
        return iter(rows)

    def timed_search(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return search(*args, **kwargs)
        finally:
            searched.append(time.process_time() - started)

    batch_run._record, batch_run.search_and_store = timed_record, timed_search
    if by_name:
        batch_run.expected_work = lambda path: (0, 0)  # sorted() keeps the order of names
    try:
        started, cpu = time.time(), time.process_time()
        summary = run_batch(
            BatchOptions(
                root=folder,
                out=work / f"out-{run}",
                store=work / f"store-{run}",
                workers=workers,
            ),
            executor=ProcessExecutor(workers, function=traced_task),
        )
        ended, cpu = time.time(), time.process_time() - cpu
    finally:
        batch_run._record, batch_run.search_and_store = record, search
        batch_run.expected_work = expected_work
    lines = [json.loads(t) for t in trace.read_text(encoding="utf-8").splitlines()]
    lines = [t for t in lines if t["start"] >= started]
    per_worker: dict[int, list[dict[str, Any]]] = {}
    for line in sorted(lines, key=lambda t: t["start"]):
        per_worker.setdefault(line["pid"], []).append(line)
    rows = []
    for pid, done in per_worker.items():
        busy = sum(t["end"] - t["start"] for t in done)
        rows.append(
            {
                "pid": pid,
                "documents": len(done),
                "busy": busy,
                "first_start": done[0]["start"] - started,
                "idle_between": sum(b["start"] - a["end"] for a, b in itertools.pairwise(done)),
                "idle_after": ended - done[-1]["end"],
                "cpu": done[-1]["life_cpu"],
                "before_first": done[0]["life_cpu"] - done[0]["cpu"],
                "first_cpu": done[0]["cpu"],
                "other_threads": sum(t["cpu"] - t["main_cpu"] for t in done[1:]),
                "first_other_threads": done[0]["cpu"] - done[0]["main_cpu"],
                "waited_for_core": sum(t["main_waited"] for t in done),
                "tesseract_cpu": done[-1]["life_children_cpu"],
                "last": done[-1]["path"],
            }
        )
    return {
        "by_name": by_name,
        "workers": workers,
        "pages": summary.pages_analysed,
        "elapsed": ended - started,
        "parent_cpu": cpu,
        "record_cpu": sum(recorded),
        "search_cpu": sum(searched),
        "record_median": statistics.median(recorded) if recorded else float("nan"),
        "search_median": statistics.median(searched) if searched else float("nan"),
        "documents": len(recorded),
        "per_worker": rows,
    }


def print_workers(run: dict[str, Any]) -> None:
    """One traced batch run, as lines of text."""
    print(
        f"{run['workers']} worker(s), {'by name' if run['by_name'] else 'longest first'}: "
        f"{run['pages']} pages, {run['documents']} documents in "
        f"{run['elapsed']:.1f} s wall; batch process {run['parent_cpu']:.2f} CPU s, of which "
        f"storing {run['record_cpu'] - run['search_cpu']:.2f} s (median "
        f"{run['record_median'] - run['search_median']:.3f} s a document) and searching "
        f"{run['search_cpu']:.2f} s (median {run['search_median']:.3f} s)"
    )
    total = run["parent_cpu"]
    for w in run["per_worker"]:
        total += w["cpu"] + w["tesseract_cpu"]
        print(
            f"  worker {w['pid']}: {w['documents']} documents, busy {w['busy']:.1f} s, first "
            f"document at {w['first_start']:.1f} s, idle between {w['idle_between']:.2f} s, "
            f"idle after its last ({w['last']}) {w['idle_after']:.1f} s; CPU "
            f"{w['cpu']:.1f} s own + {w['tesseract_cpu']:.1f} s Tesseract; before its first "
            f"document {w['before_first']:.2f} s, on it {w['first_cpu']:.2f} s; other threads "
            f"{w['first_other_threads']:.2f} s on the first document, "
            f"{w['other_threads']:.2f} s on the rest; the analysing thread waited "
            f"{w['waited_for_core']:.1f} s for a core"
        )
    print(
        f"  all processes {total:.1f} CPU s over {run['elapsed']:.1f} s wall: utilisation "
        f"{total / run['elapsed']:.2f} cores"
    )


def alone_and_in_pairs(page: Path, rounds: int) -> dict[str, list[float]]:
    """CPU and wall seconds of one raw Tesseract pass (``fas``, one thread) on `page`, run
    alone and run beside a second identical pass, `rounds` times each, interleaved.

    The same work on a machine whose two cores were independent would cost the same CPU
    seconds either way; more CPU seconds in pairs is what two workers pay for sharing the
    machine (shared caches, memory bandwidth, cores that are hardware threads of one).
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = ["tesseract", str(page), "stdout", "-l", "fas"]
    found: dict[str, list[float]] = {"alone": [], "paired": [], "alone_wall": [], "paired_wall": []}
    for _ in range(rounds):
        for copies, key in ((1, "alone"), (2, "paired")):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            running = [
                subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env) for _ in range(copies)
            ]
            for process in running:
                process.wait()
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            found[key].append(cpu / copies)
            found[f"{key}_wall"].append(wall)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, help="letters to use (default: all)")
    parser.add_argument("--reader", default="tesseract", help="reader mode of the analyses")
    parser.add_argument(
        "--workers",
        help="instead: trace batches of the throughput benchmark's mixed folder with these "
        "worker counts (e.g. 1,2,2,1: interleaved; 2n: 2 workers, documents in name order)",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        metavar="ROUNDS",
        help="instead: CPU seconds of a raw Tesseract pass alone and beside a second one",
    )
    args = parser.parse_args()
    os.environ["WORKBENCH_READER"] = args.reader
    if args.pairs:
        load = os.getloadavg()[0]
        found = alone_and_in_pairs(SAMPLES / "exemplars" / "exemplar_01.png", args.pairs)
        print(
            f"Load average {load:.1f} -> {os.getloadavg()[0]:.1f}; raw Tesseract pass of "
            f"exemplar_01, {args.pairs} rounds: alone median "
            f"{statistics.median(found['alone']):.2f} CPU s "
            f"({statistics.median(found['alone_wall']):.2f} s wall), two at once median "
            f"{statistics.median(found['paired']):.2f} CPU s each "
            f"({statistics.median(found['paired_wall']):.2f} s wall for both)"
        )
        return
    if args.workers:
        work = Path(tempfile.mkdtemp(prefix="workbench-overheads-"))
        try:
            build_folder(work / "folder", args.letters)
            for i, count in enumerate(args.workers.split(",")):
                load = os.getloadavg()[0]
                workers, by_name = int(count.rstrip("n")), count.endswith("n")
                run = in_workers(workers, work / "folder", work, i, by_name)
                print(f"load average {load:.1f} -> {os.getloadavg()[0]:.1f}, {args.reader}")
                print_workers(run)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    pages = letters(args.letters)
    load = os.getloadavg()[0]
    rows = in_worker(pages)
    batch = in_batch_process(pages)
    later = rows[1:] or rows  # the first pays the worker's imports and model loads
    print(
        f"\nLoad average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
        f"{len(rows)} letters, reader {args.reader}."
    )
    print(
        "In a worker, per letter (median; the first letter apart, it loads the checks and "
        f"models): analysis {statistics.median(r['duration'] for r in later):.2f} s, its "
        f"checks {statistics.median(r['checks'] for r in later):.2f} s, outside the checks "
        f"{statistics.median(r['outside'] for r in later):.3f} s "
        f"({100 * sum(r['outside'] for r in later) / sum(r['duration'] for r in later):.1f}% "
        f"of the analysis time); CPU {statistics.median(r['cpu'] for r in later):.2f} s of "
        f"the process and {statistics.median(r['tesseract_cpu'] for r in later):.2f} s of "
        f"Tesseract. First letter: {rows[0]['duration']:.2f} s, checks "
        f"{rows[0]['checks']:.2f} s."
    )
    print(
        f"Batch process, one worker: {batch['documents']} documents in "
        f"{batch['elapsed']:.1f} s (their analyses {batch['analysis']:.1f} s); the batch "
        f"process used {batch['process_cpu']:.2f} CPU s in all, of which recording the "
        f"results {batch['record_cpu']:.2f} s (median {batch['record_cpu_median']:.3f} s per "
        f"document, {100 * batch['record_cpu'] / max(batch['analysis'], 1e-9):.1f}% of the "
        "analysis time)."
    )


if __name__ == "__main__":
    main()
