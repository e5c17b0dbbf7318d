"""Batch runs over folders built to mislead: links out of the folder, names that are not
UTF-8 or carry terminal escapes, hidden folders, copies of a failing file."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from tests.support.fixtures import letter_image
from tests.support.hostile import write_tiny_files
from workbench.batch import (
    BatchOptions,
    ProcessExecutor,
    Task,
    TaskResult,
    analyse_task,
    run_batch,
    walk,
)
from workbench.batch import worker as batch_worker
from workbench.limits import Limits
from workbench.progress import Done, LogProgress
from workbench.store import Store, sha256_file

ROOT = Path(__file__).resolve().parents[1]


class InProcess:
    """Runs the worker function here, one task after another (no process start-up)."""

    def run(self, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        for task in tasks:
            yield analyse_task(task)


def _csv_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return {row["path"]: row for row in csv.DictReader(fh)}


def _run(folder: Path, tmp_path: Path, **kwargs: object) -> dict[str, dict[str, str]]:
    summary = run_batch(
        BatchOptions(
            root=folder, out=tmp_path / "out", store=tmp_path / "store", only=("file",), **kwargs
        ),  # type: ignore[arg-type]
        executor=InProcess(),
    )
    return _csv_rows(summary.csv_path)


def _stored_names(store: Path) -> set[str]:
    with Store.open(store) as s:
        return {d.document.original_name for d in s.list_documents()}


def test_symlinks_out_of_the_folder_are_reported_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("a system file outside the folder\n", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    letter_image(300, 400).save(folder / "scan.png")
    (folder / "link.txt").symlink_to(secret)
    (folder / "inside-link.png").symlink_to(folder / "scan.png")
    (folder / "dangling.jpg").symlink_to(tmp_path / "nothing.jpg")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "out-dir").symlink_to(outside, target_is_directory=True)

    rows = _run(folder, tmp_path)
    assert {p: r["status"] for p, r in rows.items()} == {
        "dangling.jpg": "skipped",
        "inside-link.png": "skipped",
        "link.txt": "skipped",
        "loop": "skipped",
        "out-dir": "skipped",
        "scan.png": "analysed",
    }
    assert "symbolic link" in rows["link.txt"]["error"]
    assert _stored_names(tmp_path / "store") == {"scan.png"}

    # asked to follow: links inside the folder are read, the one leading out still is not
    documents, skipped = walk(folder, follow_symlinks=True)
    assert [p.name for p in documents] == ["inside-link.png", "scan.png"]
    notes = {s.path.name: s.note for s in skipped}
    assert "outside the folder" in notes["link.txt"]
    assert "leads nowhere" in notes["dangling.jpg"]


def test_documents_in_hidden_folders_get_a_row(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / ".cache").mkdir(parents=True)
    letter_image(300, 400).save(folder / ".cache" / "scan.png")
    rows = _run(folder, tmp_path)
    assert rows[".cache/scan.png"]["status"] == "skipped"
    assert rows[".cache/scan.png"]["error"] == "inside a hidden folder"


def test_name_that_is_not_utf8_is_kept_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"scan-\xff\xfe.png")
    letter_image(300, 400).save(os.fsdecode(raw))
    broken = os.path.join(os.fsencode(folder), b"broken-\xe9.jpg")
    with open(broken, "wb") as fh:
        fh.write(b"\x00\x01 not really a jpeg")

    rows = _run(folder, tmp_path)
    assert rows["scan-\\xff\\xfe.png"]["status"] == "analysed"
    assert rows["broken-\\xe9.jpg"]["status"] == "error"
    assert rows["broken-\\xe9.jpg"]["error"].startswith("broken-\\xe9.jpg: ")
    assert _stored_names(tmp_path / "store") == {"scan-\\xff\\xfe.png", "broken-\\xe9.jpg"}
    # a second run (the resume) reads the same store without failing
    rows = _run(folder, tmp_path)
    assert rows["scan-\\xff\\xfe.png"]["status"] == "reused"

    # the single-document command prints valid UTF-8 JSON naming the file escaped
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "check",
            os.fsdecode(raw),
            "--only",
            "file",
            "--format",
            "json",
        ],
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.decode("utf-8"))
    assert report["document"]["path"].endswith("scan-\\xff\\xfe.png")


def test_control_characters_in_names_never_reach_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = "evil\n\x1b[31mred\x1b[0m.jpg"
    (folder / name).write_bytes(b"\x00\x01 no image")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "batch",
            str(folder),
            "--only",
            "file",
            "--out",
            str(tmp_path / "out"),
            "--store",
            str(tmp_path / "store"),
            "--workers",
            "1",
        ],
        capture_output=True,
        cwd=ROOT,
        check=False,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert "\x1b" not in done.stdout + done.stderr
    assert "evil\\x0a\\x1b[31mred" in done.stderr
    rows = _csv_rows(tmp_path / "out" / "summary.csv")
    assert list(rows) == ["evil\\x0a\\x1b[31mred\\x1b[0m.jpg"]


def test_copies_of_a_failing_file_each_name_themselves(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "b").mkdir(parents=True)
    for relative in ("a.jpg", "b/copy.jpg"):
        (folder / relative).write_bytes(b"\x00\x01 no image")
    rows = _run(folder, tmp_path)
    assert rows["a.jpg"]["error"].startswith("a.jpg: ")
    assert rows["b/copy.jpg"]["error"].startswith("b/copy.jpg: ")
    assert "a.jpg" not in rows["b/copy.jpg"]["error"]
    rows = _run(folder, tmp_path)  # reported again from the store
    assert rows["b/copy.jpg"]["error"].startswith("b/copy.jpg: ")
    assert "a.jpg" not in rows["b/copy.jpg"]["error"]


def test_progress_lines_escape_control_characters() -> None:
    stream = io.StringIO()
    progress = LogProgress(stream)
    progress.start(1)
    progress.advance(Done("a\x1b]0;title\x07.jpg", "error", 0, None, "bad\rname"))
    assert "\x1b" not in stream.getvalue() and "\r" not in stream.getvalue()


def _endless(*args: object, **kwargs: object) -> None:
    while True:  # a check stuck in Python code, catching what it can
        try:
            time.sleep(0.05)
        except Exception:
            continue


def _scan_task(folder: Path, limits: Limits) -> Task:
    path = folder / "scan.png"
    letter_image(200, 300).save(path)
    return Task(str(path), sha256_file(path), (), ("file",), limits)


def test_a_document_over_the_time_limit_is_an_error_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_worker, "analyze_document", _endless)
    task = _scan_task(tmp_path, Limits(max_seconds=1))
    result = analyse_task(task)
    assert result.status == "error"
    assert "time limit of 1 s" in (result.error or "")
    monkeypatch.undo()
    assert analyse_task(task).status == "ok"  # the alarm is disarmed afterwards


def _raise_memory_error(*args: object, **kwargs: object) -> None:
    raise MemoryError


def test_a_document_over_the_memory_budget_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_worker, "analyze_document", _raise_memory_error)
    result = analyse_task(_scan_task(tmp_path, Limits()))
    assert result.status == "error" and "more memory than the budget" in (result.error or "")


def _allocate(task: Task) -> TaskResult:
    """Allocates `task.path` bytes (a number) in the worker."""
    try:
        block = bytearray(int(task.path))
        status = f"ok {len(block)}"
    except MemoryError:
        status = "error"
    return TaskResult(task.path, task.sha256, status)


def test_worker_processes_have_a_memory_budget() -> None:
    executor = ProcessExecutor(1, function=_allocate, memory_bytes=1536 * 2**20)
    tasks = [Task(str(n), "x", (), None, Limits()) for n in (3 * 2**30, 64 * 2**20)]
    results = {r.path: r.status for r in executor.run(tasks)}
    assert results == {str(3 * 2**30): "error", str(64 * 2**20): f"ok {64 * 2**20}"}


def test_many_tiny_files_end_in_one_row_each(tmp_path: Path) -> None:
    """The "thousands of tiny files" case at a smaller count (the full count: RESULTS.md)."""
    folder = tmp_path / "tiny"
    files = write_tiny_files(folder, 150)
    summary = run_batch(
        BatchOptions(
            root=folder,
            out=tmp_path / "out",
            store=tmp_path / "store",
            workers=2,
            only=("file", "metadata", "compression"),
            limits=Limits(max_seconds=60, max_memory_bytes=3 * 2**30),
        )
    )
    rows = _csv_rows(summary.csv_path)
    assert set(rows) == {p.relative_to(folder).as_posix() for p in files}
    for row in rows.values():
        assert row["status"] in ("analysed", "error", "skipped"), row
        if row["status"] != "analysed":
            assert row["error"] and "\n" not in row["error"], row
            assert "internal error" not in row["error"], row
    statuses = [r["status"] for r in rows.values()]
    # pixels, notes, bare signatures of images (reported from their bytes) are analysed;
    # empty files, stray bytes and bare PDF headers are errors; files that promise no
    # document are skipped
    assert statuses.count("analysed") >= 60 and statuses.count("error") >= 30
    assert all(peak < 2**30 for peak in summary.peak_rss_bytes.values())
