"""Batch runs over real folders: broken files, reuse, resume after kill -9, Dask, progress."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from tests.support.fixtures import letter_image
from workbench.batch import (
    BatchOptions,
    BatchSummary,
    Task,
    TaskResult,
    analyse_task,
    expected_work,
    run_batch,
    sniff,
    walk,
)
from workbench.check import Check
from workbench.cli import main
from workbench.context import Context
from workbench.limits import Limits
from workbench.model import CheckResult
from workbench.progress import Done, LogProgress, RichProgress, make_progress
from workbench.registry import Registry
from workbench.serialize import report_from_json, validate_report
from workbench.store import Store, sha256_file

ROOT = Path(__file__).resolve().parents[1]


def _letters(
    folder: Path, count: int, size: tuple[int, int] = (620, 877), suffix: str = ".png"
) -> list[Path]:
    """`count` different letter pages: one rendered page, each copy with its own mark."""
    folder.mkdir(parents=True, exist_ok=True)
    base = letter_image(*size)
    paths = []
    for i in range(count):
        page = base.copy()
        page.paste((i * 7 % 256, 40, 90), (20 + 9 * i, 20, 28 + 9 * i, 28))
        path = folder / f"letter{i:03d}{suffix}"
        page.save(path, dpi=(75, 75), **({"quality": 85} if suffix == ".jpg" else {}))
        paths.append(path)
    return paths


def _broken_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.jpg").write_bytes(b"")
    buffer = io.BytesIO()
    letter_image(400, 560, seed=9).save(buffer, format="JPEG", quality=80)
    (folder / "truncated.jpg").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 3])
    (folder / "text-named.jpg").write_text("this is a note, not a scan\n", encoding="utf-8")
    (folder / "random.jpg").write_bytes(np.random.default_rng(1).bytes(5000))
    (folder / "archive.bin").write_bytes(b"PK\x03\x04" + np.random.default_rng(2).bytes(3000))


def _csv(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return {row["path"]: row for row in csv.DictReader(fh)}


class _NoWork:
    """An executor for runs that must find nothing to analyse."""

    def run(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        pending = list(tasks)
        assert not pending, f"expected no analysis, got {[t.path for t in pending]}"
        yield from ()


def test_sniff_decides_by_content_and_promised_type(tmp_path: Path) -> None:
    _broken_files(tmp_path)
    letter_image(200, 200).save(tmp_path / "scan-without-extension", format="PNG")
    (tmp_path / "notes").write_text("یادداشت", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    assert sniff(tmp_path / "empty.jpg") is None  # a document that will fail, not a skip
    assert sniff(tmp_path / "random.jpg") is None
    assert sniff(tmp_path / "scan-without-extension") is None
    assert sniff(tmp_path / "notes") is None
    assert "not a document" in (sniff(tmp_path / "archive.bin") or "")
    assert sniff(tmp_path / ".DS_Store") == "hidden file"


def test_walk_is_recursive_and_leaves_out_its_own_folders(tmp_path: Path) -> None:
    _letters(tmp_path / "a" / "b", 2)
    _letters(tmp_path / "out", 1)
    (tmp_path / "c.bin").write_bytes(b"\x00\x01\x02garbage")
    documents, skipped = walk(tmp_path, exclude=[tmp_path / "out"])
    assert [p.relative_to(tmp_path).as_posix() for p in documents] == [
        "a/b/letter000.png",
        "a/b/letter001.png",
    ]
    assert [s.path.name for s in skipped] == ["c.bin"]


@pytest.mark.slow
def test_folder_with_broken_files(tmp_path: Path) -> None:
    folder = tmp_path / "leak"
    _letters(folder / "good", 2)
    _broken_files(folder / "bad")
    out, store = tmp_path / "out", tmp_path / "store"
    result = CliRunner().invoke(
        main,
        [
            *("batch", str(folder), "--out", str(out), "--store", str(store)),
            *("--only", "file", "--workers", "2"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "3 failed" in result.output and "3 analysed" in result.output
    rows = _csv(out / "summary.csv")
    assert {p: r["status"] for p, r in rows.items()} == {
        "bad/archive.bin": "skipped",
        "bad/empty.jpg": "error",
        "bad/random.jpg": "error",
        "bad/text-named.jpg": "error",
        "bad/truncated.jpg": "analysed",  # the part before the cut is recovered
        "good/letter000.png": "analysed",
        "good/letter001.png": "analysed",
    }
    assert "empty" in rows["bad/empty.jpg"]["error"]
    assert "file.partly_decoded" in rows["bad/truncated.jpg"]["top_findings"]
    assert "rename it" in rows["bad/text-named.jpg"]["error"]
    good = rows["good/letter000.png"]
    assert good["sha256"] == sha256_file(folder / "good" / "letter000.png")
    assert good["pages"] == "1" and good["highest_severity"] == "notice"
    assert good["top_findings"] == "file.low_resolution" and good["info"] == "1"
    reports = sorted(out.glob("reports/**/report.json"))
    assert len(reports) == 3
    for path in reports:
        validate_report(json.loads(path.read_text(encoding="utf-8")))
    with Store.open(store) as s:
        summaries = {d.document.original_name: d for d in s.list_documents()}
        assert summaries["truncated.jpg"].run_status == "ok"
        assert summaries["letter000.png"].run_status == "ok"
        assert s.run_count() == 6

    # the same run again: nothing is analysed, failures are reported from the store
    again = run_batch(
        BatchOptions(root=folder, out=out, store=store, only=("file",)), executor=_NoWork()
    )
    assert again.count("reused") == 3 and again.count("error") == 3 and again.exit_code == 1
    with Store.open(store) as s:
        assert s.run_count() == 6


class _Ordered:
    """Analyses here, one document after another, noting the order they were handed out."""

    def __init__(self) -> None:
        self.order: list[str] = []

    def run(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        for task in tasks:
            self.order.append(Path(task.path).name)
            yield analyse_task(task)


def test_the_longest_documents_are_handed_out_first(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    samples = ROOT / "samples"
    for source in (
        samples / "questioned" / "letter_1380-02-24.jpg",  # 150 dpi, 874 x 1,240
        samples / "exemplars" / "exemplar_01.png",  # 300-dpi A5
        samples / "lists" / "names_149_scan.jpg",  # 300-dpi A4
        samples / "questioned" / "letter_1380-02-24.en.txt",  # a text
    ):
        (folder / source.name).write_bytes(source.read_bytes())
    with Image.open(samples / "genuine" / "control_01.png") as page:
        rgb = page.convert("RGB")
        rgb.save(folder / "a_two_pages.pdf", save_all=True, append_images=[rgb])
    buffer = io.BytesIO()
    letter_image(400, 560).save(buffer, format="JPEG", quality=80)
    (folder / "b_truncated.jpg").write_bytes(buffer.getvalue()[:300])
    executor = _Ordered()
    summary = run_batch(
        BatchOptions(root=folder, out=tmp_path / "out", store=tmp_path / "store", only=("file",)),
        executor=executor,
    )
    # pages of unknown count first (the PDF, an image whose header is cut), then by pixels
    assert executor.order == [
        "a_two_pages.pdf",
        "b_truncated.jpg",
        "names_149_scan.jpg",
        "exemplar_01.png",
        "letter_1380-02-24.jpg",
        "letter_1380-02-24.en.txt",
    ]
    assert expected_work(folder / "names_149_scan.jpg") == (1, 2480 * 3508)
    # what is analysed and stored does not depend on the order
    assert [r.path for r in summary.rows] == sorted(executor.order)
    assert summary.count("analysed") == 6


def test_identical_files_are_analysed_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (first,) = _letters(folder, 1)
    (folder / "copy").mkdir()
    (folder / "copy" / "same.png").write_bytes(first.read_bytes())
    summary = run_batch(
        BatchOptions(
            root=folder, out=tmp_path / "out", store=tmp_path / "s", only=("file",), workers=1
        )
    )
    assert [r.status for r in summary.rows] == ["reused", "analysed"]
    assert summary.exit_code == 0
    with Store.open(tmp_path / "s") as s:
        assert s.run_count() == 1


class _HeatmapCheck(Check):
    name = "heatmap"
    version = "3"
    title = "Writes a heatmap artifact"
    explanation = "Test check that stores one PNG artifact per page."

    def run(self, context: Context) -> CheckResult:
        gray = context.page_gray(0)
        artifact = context.artifacts.write_png("page0", 255 - gray, kind="heatmap", page=0)
        return self.ok(artifacts=[artifact] if artifact else [])


def test_worker_returns_artifacts_that_the_store_keeps(tmp_path: Path) -> None:
    import workbench.batch.worker as batch

    (path,) = _letters(tmp_path / "in", 1)
    saved = batch._WORKER_STATE.pop("registry", None)
    batch._WORKER_STATE["registry"] = Registry(checks=(_HeatmapCheck,))
    try:
        task = Task(str(path), sha256_file(path), (), None, Limits())
        result = analyse_task(task)
    finally:
        batch._WORKER_STATE.pop("registry")
        if saved is not None:
            batch._WORKER_STATE["registry"] = saved
    assert result.status == "ok", result.error
    assert os.environ.get("OMP_THREAD_LIMIT") == "1"
    assert list(result.artifacts) == ["artifacts/heatmap/page0.png"]
    report = report_from_json(result.report_json or "")
    with Store.open(tmp_path / "store") as store:
        store.record_run(report, original=path.read_bytes(), artifacts=result.artifacts)
        (artifact,) = store.artifacts(report.document.sha256)
        image = Image.open(io.BytesIO(store.read_artifact(artifact)))
        assert image.size == (620, 877)


def test_changed_file_is_an_error_not_a_wrong_report(tmp_path: Path) -> None:
    (path,) = _letters(tmp_path, 1)
    task = Task(str(path), "0" * 64, (), ("file",), Limits())
    result = analyse_task(task)
    assert result.status == "error" and "changed after it was hashed" in (result.error or "")


def test_log_progress_lines() -> None:
    stream = io.StringIO()
    progress = LogProgress(stream)
    progress.start(2)
    progress.advance(Done("a.png", "analysed", 3, 1.5))
    progress.advance(Done("b.jpg", "error", 0, 0.1, "b.jpg: truncated"))
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "batch: 2 documents"
    assert lines[1].startswith("[1/2] analysed a.png (3 pages 1.5s) | ")
    assert "pages/s" in lines[1] and "left" in lines[1] and "0 failed" in lines[1]
    assert "b.jpg: truncated" in lines[2] and lines[2].endswith("1 failed")
    assert isinstance(make_progress(io.StringIO()), LogProgress)


def test_rich_progress_shows_rate_and_failures() -> None:
    from rich.console import Console

    stream = io.StringIO()
    progress = RichProgress(Console(file=stream, force_terminal=True, width=160))
    progress.start(2)
    progress.advance(Done("a.png", "analysed", 3, 1.5))
    progress.advance(Done("b.jpg", "error", 0, 0.1, "b.jpg: truncated"))
    progress.close()
    text = stream.getvalue()
    assert "2/2" in text and "pages/s" in text and "1 failed" in text
    assert "b.jpg: truncated" in text


@pytest.mark.slow
def test_resume_after_kill_9(tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")  # comes with the dev extra (distributed)
    folder = tmp_path / "in"
    total = 40
    _letters(folder, total, size=(1240, 1754), suffix=".jpg")
    store, out = tmp_path / "store", tmp_path / "out"
    command = [
        str(Path(sys.executable).parent / "workbench"),
        "batch",
        str(folder),
        "--out",
        str(out),
        "--store",
        str(store),
        "--only",
        "file",
        "--workers",
        "1",
    ]
    scratch = tmp_path / "scratch"  # the workers' temporary folder, private to this test
    scratch.mkdir()
    process = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    for line in process.stderr:
        if line.startswith("[3/"):
            break
        assert time.monotonic() < deadline, "the batch made no progress"
    helpers = psutil.Process(process.pid).children(recursive=True)
    assert helpers, "the batch runs its documents in worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # the workers notice their parent is gone and exit instead of lingering
    _, alive = psutil.wait_procs(helpers, timeout=30)
    assert not alive, f"processes outlived the killed batch: {alive}"
    # and they remove the scratch folder of the document they were working on
    assert not list(scratch.glob("workbench-batch-*")), "scratch folders left behind"
    with Store.open(store) as s:
        stored_before = s.run_count()
    assert 3 <= stored_before < total, "the run was not killed mid-way"
    assert not (out / "summary.csv").exists()

    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    rows = _csv(out / "summary.csv")
    statuses = [r["status"] for r in rows.values()]
    assert len(rows) == total
    assert statuses.count("reused") == stored_before
    assert statuses.count("analysed") == total - stored_before
    with Store.open(store) as s:
        assert s.run_count() == total  # every document exactly once
        assert s.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == total
        for summary in s.list_documents():
            assert len(s.runs(summary.document.sha256)) == 1


@pytest.mark.slow
def test_dask_on_a_local_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    folder = tmp_path / "in"
    _letters(folder, 4)
    _broken_files(folder / "bad")
    (exemplar,) = _letters(tmp_path / "exemplars", 1, suffix=".jpg")
    out, store = tmp_path / "out", tmp_path / "store"
    with distributed.LocalCluster(
        processes=True,
        n_workers=2,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        result = CliRunner().invoke(
            main,
            [
                *("batch", str(folder), "--dask", address, "--out", str(out)),
                *("--store", str(store), "--only", "file", "--reference", str(exemplar)),
            ],
        )
    assert result.exit_code == 1, result.output
    rows = _csv(out / "summary.csv")
    assert [r["status"] for p, r in sorted(rows.items()) if p.startswith("letter")] == [
        "analysed"
    ] * 4
    assert rows["bad/truncated.jpg"]["status"] == "analysed"  # from its recovered part
    assert rows["bad/random.jpg"]["status"] == "error"
    with Store.open(store) as s:
        assert s.run_count() == 8
        run = s.latest_run(rows["letter000.png"]["sha256"])
        assert run is not None and run.options["executor"] == f"dask:{address}"
        assert run.options["references"] == [sha256_file(exemplar)]
        report = s.latest_report(rows["letter000.png"]["sha256"])
        assert report is not None and report.document.path == str(folder / "letter000.png")


def _dies_on_poison(task: Task) -> TaskResult:
    """Analyse like a worker, but kill the worker process on a file called poison.png."""
    if Path(task.path).name == "poison.png":
        os._exit(1)
    return analyse_task(task)


def _batch_with_poison(
    tmp_path: Path, letters: int, function: Callable[[Task], TaskResult]
) -> tuple[Path, BatchSummary]:
    """A two-worker batch of `letters` letters, the second renamed poison.png, run by `function`."""
    from workbench.batch import ProcessExecutor

    folder = tmp_path / "in"
    _letters(folder, letters)
    (folder / "letter001.png").rename(folder / "poison.png")
    summary = run_batch(
        BatchOptions(root=folder, out=tmp_path / "out", store=tmp_path / "s", only=("file",)),
        executor=ProcessExecutor(2, function=function),
    )
    return folder, summary


def _dies_in_its_scratch(task: Task) -> TaskResult:
    """Analyse like a worker, but die on poison.png after making its scratch folder.

    The folder's path is written beside the poison file, for the test to look at.
    """
    if Path(task.path).name == "poison.png":
        from workbench.batch.worker import scratch_folder

        scratch = scratch_folder("batch")
        Path(task.path).with_suffix(".scratch").write_text(str(scratch))
        os._exit(1)
    return analyse_task(task)


@pytest.mark.slow
def test_a_worker_dying_mid_document_leaves_no_scratch_folder(tmp_path: Path) -> None:
    folder, summary = _batch_with_poison(tmp_path, 2, _dies_in_its_scratch)
    assert {r.path: r.status for r in summary.rows} == {
        "letter000.png": "analysed",
        "poison.png": "error",
    }
    scratch = Path((folder / "poison.scratch").read_text())
    assert scratch.name.startswith("workbench-batch-")
    assert not scratch.exists(), "the dead worker's scratch folder was left behind"


@pytest.mark.slow
def test_a_dying_worker_costs_only_its_document(tmp_path: Path) -> None:
    _, summary = _batch_with_poison(tmp_path, 4, _dies_on_poison)
    statuses = {r.path: r.status for r in summary.rows}
    assert statuses == {
        "letter000.png": "analysed",
        "letter002.png": "analysed",
        "letter003.png": "analysed",
        "poison.png": "error",
    }
    (poison,) = [r for r in summary.rows if r.path == "poison.png"]
    assert "worker process ended" in poison.error
    assert summary.exit_code == 1
