"""What the case service costs: the search over a store of a thousand pages, and per page.

Part of ``benchmarks/cases_benchmark.py`` (its ``search`` and ``cost`` parts): the time a
near-duplicate and a marks search take over a store of real pages beside `synthetic` rows of
other letters of the template (`case_distractors`), and the fingerprint check's cost next to
a full analysis of the same page.
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import case_distractors
import cv2
import numpy as np
from PIL import Image

from workbench import analyze
from workbench.case_index import CaseIndex
from workbench.cases import near_duplicates, search_and_store, shared_marks, similar
from workbench.imaging.layout.marks import coarse_vectors
from workbench.imaging.layout.seal import find_seals
from workbench.store import Store
from workbench.store.fingerprints import page_fingerprints, record_fingerprints


def store_page(store: Store, path: Path) -> tuple[str, float]:
    """Analyse `path` with the fingerprint check (and what a batch records) and store it."""
    started = time.perf_counter()
    report = analyze(path, only=["file", "compression", "metadata", "fingerprint"])
    store.record_run(report, original=path.read_bytes())
    fp = report.check("fingerprint")
    return report.document.sha256, (fp.duration_s if fp else 0.0) or (time.perf_counter() - started)


#: Per page: name, fingerprint and all checks (wall), fingerprint own, all checks and
#: fingerprint with decoding (CPU), the seal search and the write to the store (CPU).
CostRow = tuple[str, float, float, float, float, float, float, float]


def cost_ratio(
    pages: list[Path],
) -> list[tuple[str, float, float, float, float, float, float, float]]:
    """Fingerprint time against a full default analysis of the same page (all checks).

    Per page: the fingerprint check's and all checks' wall time within one analysis; the
    process's CPU time of the fingerprint check (an analysis with that check alone less one
    with the file check alone, which loads and decodes the page as every analysis does; the
    median of 3 of each, alternated), of a full analysis, and of the analysis with the
    fingerprint check alone, decoding included (an upper bound of what the check adds); then
    the CPU time of the page's seal search (`find_seals`, which a full analysis makes once
    for the letter and fingerprint checks: `Context.page_seals`) and of writing the
    fingerprints to the store (`record_fingerprints`, visual words included), medians of 3.
    """

    def cpu() -> float:
        # this process's threads and the programs it waited for (the OCR engine runs as one)
        t = os.times()
        return time.process_time() + t.children_user + t.children_system

    def cpu_of(page: Path, only: list[str]) -> float:
        started = cpu()
        analyze(page, only=only)
        return cpu() - started

    out = []
    for page in pages:
        started = cpu()
        report = analyze(page)
        all_cpu = cpu() - started
        total = sum(c.duration_s for c in report.checks)
        fp = report.check("fingerprint")
        alone, loading = [], []
        for _ in range(3):
            alone.append(cpu_of(page, ["fingerprint"]))
            loading.append(cpu_of(page, ["file"]))
        fp_cpu = float(np.median(alone))
        own = max(0.0, fp_cpu - float(np.median(loading)))
        out.append(
            (
                page.name,
                fp.duration_s if fp else 0.0,
                total,
                own,
                all_cpu,
                fp_cpu,
                _seal_cpu(page),
                _record_cpu(page),
            )
        )
    return out


def _seal_cpu(page: Path) -> float:
    """CPU time of the page's seal search (`find_seals` on its grey page), median of 3."""
    with Image.open(page) as image:
        gray = np.asarray(image.convert("L"))
    cpus = []
    for _ in range(3):
        started = time.process_time()
        find_seals(gray)
        cpus.append(time.process_time() - started)
    return float(np.median(cpus))


def _record_cpu(page: Path) -> float:
    """CPU time of writing the page's fingerprints to a store (`record_fingerprints`), median of 3.

    Each time the rows written the time before are removed first, in the same transaction.
    """
    report = analyze(page, only=["file", "fingerprint"])
    cpus = []
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "store") as store:
        store.record_run(report, original=page.read_bytes())
        run = int(store.query("SELECT max(id) AS r FROM runs")[0]["r"])
        for _ in range(3):
            with store.transaction() as conn:
                conn.execute(
                    "DELETE FROM page_hash_bands WHERE fingerprint_id IN "
                    "(SELECT id FROM page_fingerprints WHERE run_id = ?)",
                    (run,),
                )
                conn.execute("DELETE FROM page_fingerprints WHERE run_id = ?", (run,))
                conn.execute("DELETE FROM mark_fingerprints WHERE run_id = ?", (run,))
                started = time.process_time()
                record_fingerprints(conn, run, report)
                cpus.append(time.process_time() - started)
    return float(np.median(cpus))


def other_impression(png: bytes, rng: np.random.Generator) -> tuple[bytes, bytes]:
    """Another impression of a stored mark's patch: turned (as stamps are) and inked anew."""
    patch = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE).astype(np.float32)
    side = patch.shape[0]
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), float(rng.uniform(-20, 20)), 1.0)
    patch = cv2.warpAffine(patch, turn, (side, side), borderMode=cv2.BORDER_REPLICATE)
    field = cv2.resize(rng.uniform(0.6, 1.0, (5, 5)).astype(np.float32), (side, side))
    ink = np.clip(255 - (255 - patch) * field, 0, 255).astype(np.uint8)
    coarse = coarse_vectors([ink])[0].astype(np.float16).tobytes()
    return bytes(cv2.imencode(".png", ink)[1]), coarse


#: Stored pages at which the stored search is also timed, below the benchmark's store: a
#: batch's pages search stores of every size up to it (`batch_search_cpu`).
SMALLER_STORES = (100, 300)


def indexed_search_cpu(store: Store, shas: list[str]) -> tuple[float, float]:
    """The stored search's CPU time through a batch's index (`CaseIndex`), median of `shas`.

    First with nothing decoded yet (an index just read from the store: each page's
    candidates read and decoded for it), then again with what those searches decoded kept,
    as a batch's later documents find their candidates (mostly the same pages). Reading the
    index itself, once per run, is not counted.
    """
    index = CaseIndex(store)
    out = []
    for _ in range(2):
        cpus = []
        for sha in shas:
            started = time.process_time()
            search_and_store(store, sha, index)
            cpus.append(time.process_time() - started)
        out.append(float(np.median(cpus)))
    return out[0], out[1]


def search_time(
    folder: Path, synthetic: int, real: list[Path], distractors: list[case_distractors.SourcePage]
) -> dict[str, Any]:
    """Time `similar` for a real page over a store with `synthetic` extra fingerprinted pages.

    The store grows to that size through `SMALLER_STORES`, where the stored search
    (`search_and_store`, CPU) of the real pages is timed too, by itself and through a
    batch's index (`indexed_search_cpu`: first search, and with earlier searches decoded).
    """
    with Store.open(folder / "store") as store:
        shas = [store_page(store, p)[0] for p in real]
        marks = store.query("SELECT * FROM mark_fingerprints")
        rng = np.random.default_rng(7)
        by_size: dict[int, float] = {}
        indexed: dict[int, tuple[float, float]] = {}
        added = 0
        for size in [*(n for n in SMALLER_STORES if n < synthetic + len(real)), None]:
            rows = synthetic - added if size is None else size - len(real) - added
            _add_rows(store, distractors, rows, marks, rng)
            added += rows
            if size is not None:
                cpus = []
                for sha in shas:
                    started = time.process_time()
                    search_and_store(store, sha)
                    cpus.append(time.process_time() - started)
                by_size[size] = float(np.median(cpus))
                indexed[size] = indexed_search_cpu(store, shas)
        total = len(page_fingerprints(store, with_features=False))
        load = os.getloadavg()[0]
        times, mark_times, stored_times, read_times = [], [], [], []
        cpu: dict[str, list[float]] = {"near": [], "marks": [], "store": [], "read": []}

        def timed(name: str, into: list[float], call: Callable[[], object]) -> None:
            # wall time, and the process's CPU time: on a machine shared with other work
            # the CPU time is closer to what a quiet machine takes
            wall, started = time.perf_counter(), time.process_time()
            call()
            into.append(time.perf_counter() - wall)
            cpu[name].append(time.process_time() - started)

        for sha in shas:
            timed("near", times, functools.partial(near_duplicates, store, sha))
            timed("marks", mark_times, functools.partial(shared_marks, store, sha))
            # what a batch does when it stores the page: search both and keep the result
            timed("store", stored_times, functools.partial(search_and_store, store, sha))
            # what `workbench similar` and the case view do: read the stored links
            timed("read", read_times, functools.partial(similar, store, sha))
        by_size[total] = float(np.median(cpu["store"]))
        indexed[total] = indexed_search_cpu(store, shas)
    return {
        "pages": total,
        "median_s": float(np.median(times)),
        "max_s": max(times),
        "marks": len(marks) + 3 * synthetic,
        "marks_median_s": float(np.median(mark_times)),
        "store_median_s": float(np.median(stored_times)),
        "store_max_s": max(stored_times),
        "read_median_s": float(np.median(read_times)),
        "read_max_s": max(read_times),
        "load": load,
        "cpu_median_s": {k: float(np.median(v)) for k, v in cpu.items()},
        "store_cpu_by_size": {str(k): v for k, v in sorted(by_size.items())},
        "indexed_cpu_by_size": {str(k): list(v) for k, v in sorted(indexed.items())},
        "threads": cv2.getNumThreads(),
    }


def _add_rows(
    store: Store,
    distractors: list[case_distractors.SourcePage],
    count: int,
    marks: list[Any],
    rng: np.random.Generator,
) -> None:
    """Add `count` rows of other letters, each with 3 marks: other impressions of stored ones."""
    with store.transaction() as conn:
        for sha, run, _ in case_distractors.add_rows(conn, distractors, count, rng):
            for m in [marks[int(k)] for k in rng.integers(0, len(marks), 3)] if marks else []:
                conn.execute(
                    "INSERT INTO mark_fingerprints (run_id, document_sha256, page, kind, x, y,"
                    " width, height, patch, coarse) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run,
                        sha,
                        m["kind"],
                        m["x"],
                        m["y"],
                        m["width"],
                        m["height"],
                        *other_impression(bytes(m["patch"]), rng),
                    ),
                )


def batch_search_cpu(by_size: dict[int, float]) -> float:
    """The stored search's mean CPU time per page of a batch as large as the largest store.

    The page stored n-th searches a store of n - 1 pages: the mean over the batch of the
    search's cost, read piecewise linearly between the store sizes measured (none at 0).
    """
    sizes = sorted(by_size)
    xs = np.array([0, *sizes], float)
    ys = np.array([0.0, *(by_size[n] for n in sizes)])
    grid = np.arange(sizes[-1], dtype=float)
    return float(np.interp(grid, xs, ys).mean())
