"""The hostile corpus (tests/support/hostile.py): every file ends in a report or a one-line error.

One test loads every file here (fast); the other runs a batch over the whole folder, with
its symbolic links, pipe and hostile names, under a time limit and a memory budget per
document, and checks that it gives one row per file and stores nothing from outside.
"""

from __future__ import annotations

import csv
import json
import os
import stat
import warnings
from pathlib import Path

import pytest

from tests.support.hostile import write_corpus
from workbench.batch import BatchOptions, run_batch
from workbench.errors import InputError
from workbench.limits import Limits
from workbench.loading import load_document
from workbench.names import printable
from workbench.store import Store

#: The budget per document the corpus must stay within (the issue's target).
SECONDS = 60
#: The checks run here: all but OCR and the letter check that reads its text, which only
#: add time (the whole set over this corpus is measured in benchmarks/RESULTS.md).
CHECKS = ("file", "metadata", "compression", "dates", "script", "forensics", "layout")
#: Address space per worker: a full page peaks near 1 GiB of it, resident memory far less.
ADDRESS_SPACE = 3 * 2**30


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    base = tmp_path_factory.mktemp("hostile")
    return base / "leak", write_corpus(base / "leak", base / "outside")


def test_corpus_is_large_enough(corpus: tuple[Path, list[Path]]) -> None:
    assert len(corpus[1]) >= 150


def test_every_file_loads_or_fails_with_one_line(corpus: tuple[Path, list[Path]]) -> None:
    _, files = corpus
    outcomes = {"loaded": 0, "bytes only": 0, "refused": 0}
    for path in files:
        if path.name.startswith(".") or "/." in path.as_posix():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                document = load_document(path)
            except InputError as exc:
                message = printable(str(exc))
                assert "\n" not in message and message, path
                outcomes["refused"] += 1
                continue
        if document.properties.get("undecoded"):
            # an image without decodable pixels: a report from its bytes, saying why
            assert not document.pages and document.media_type.startswith("image/"), path
            assert "\n" not in document.properties["undecoded"], path
            outcomes["bytes only"] += 1
        else:
            outcomes["loaded"] += 1
    # truncations that leave no decodable pixel are reported from their bytes; bombs, empty
    # files, loops, encryption and files that are no image are refused
    assert outcomes["loaded"] >= 40 and outcomes["bytes only"] >= 25, outcomes
    assert outcomes["refused"] >= 25, outcomes


def _entries(folder: Path) -> set[str]:
    """Every name under `folder` that is not a folder entered by a walk (links included)."""
    names: set[str] = set()
    for here, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(here, d))]:
            names.add(printable(os.path.relpath(os.path.join(here, name), folder)))
    return names


@pytest.mark.slow
def test_batch_over_the_corpus(
    corpus: tuple[Path, list[Path]], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    folder, _ = corpus
    out, store_path = tmp_path / "out", tmp_path / "store"
    limits = Limits(max_seconds=SECONDS, max_memory_bytes=ADDRESS_SPACE)
    summary = run_batch(
        BatchOptions(root=folder, out=out, store=store_path, workers=2, limits=limits, only=CHECKS)
    )
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out

    with summary.csv_path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    paths = [r["path"] for r in rows]
    assert len(paths) == len(set(paths))
    assert set(paths) == _entries(folder)
    statuses = {r["path"]: r["status"] for r in rows}
    assert {s for s in statuses.values()} <= {"analysed", "reused", "error", "skipped"}
    for row in rows:
        if row["status"] in ("error", "skipped"):
            assert row["error"] and "\n" not in row["error"], row
            assert "internal error" not in row["error"], row
    for report_path in out.glob("reports/**/report.json"):
        report = json.loads(report_path.read_text(encoding="utf-8"))
        for check in report["checks"]:
            assert check["status"] in ("ok", "skipped", "error"), check
            assert "Traceback" not in (check.get("message") or ""), check
    assert summary.count("analysed") >= 40

    # nothing from outside the folder: every stored original is the content of a regular
    # file inside it
    inside = set()
    for here, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(here, name)
            if stat.S_ISREG(os.lstat(path).st_mode):
                inside.add(Path(path).read_bytes())
    with Store.open(store_path) as store:
        for summary_row in store.list_documents():
            assert store.read_original(summary_row.document.sha256) in inside
    print("peak resident memory per worker:", summary.peak_rss_bytes)
    print("rows:", {s: summary.count(s) for s in ("analysed", "reused", "error", "skipped")})
