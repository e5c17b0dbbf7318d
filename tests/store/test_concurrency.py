"""Several processes writing to one store at once, as app sessions and a batch run do."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from tests.store.helpers import file_report, letter_file
from workbench.store import StaleVersionError, Store

WRITERS = 4
SAVES_EACH = 10


def _reviewer(args: tuple[str, str, int]) -> tuple[int, int]:
    """Save SAVES_EACH answers to one contended item and one own item; count refusals."""
    folder, sha, who = args
    saved = refused = 0
    with Store.open(folder) as store:
        while saved < SAVES_EACH:
            current = store.answers(sha).get("img.clone")
            version = current.version if current else 0
            try:
                store.answer_item(
                    sha,
                    "img.clone",
                    "cannot_tell",
                    f"note {saved} from writer {who}",
                    reviewer=f"writer{who}",
                    expected_version=version,
                )
                saved += 1
            except StaleVersionError:
                refused += 1
            own = store.answers(sha).get(f"own.{who}")
            store.answer_item(
                sha,
                f"own.{who}",
                "consistent",
                "",
                reviewer=f"writer{who}",
                expected_version=own.version if own else 0,
            )
    return saved, refused


def _batch_writer(args: tuple[str, str]) -> int:
    folder, image = args
    report = file_report(Path(image))
    with Store.open(folder) as store:
        for _ in range(SAVES_EACH):
            store.record_run(report, original=Path(image).read_bytes())
    return SAVES_EACH


@pytest.mark.slow
def test_concurrent_reviewers_and_a_batch_writer(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    image = letter_file(tmp_path / "in")
    report = file_report(image)
    sha = report.document.sha256
    with Store.open(folder) as store:
        store.record_run(report, original=image.read_bytes())

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WRITERS + 1) as pool:
        batch = pool.map_async(_batch_writer, [(str(folder), str(image))])
        results = pool.map(_reviewer, [(str(folder), sha, i) for i in range(WRITERS)])
        assert batch.get(timeout=120) == [SAVES_EACH]

    with Store.open(folder) as store:
        answers = store.answers(sha)
        # every accepted save is a version: none was lost, none silently overwritten
        assert answers["img.clone"].version == WRITERS * SAVES_EACH
        # each writer saved its own item once per attempt on the contended one, unhindered
        for i, (saved, refused) in enumerate(results):
            assert answers[f"own.{i}"].version == saved + refused
        audit = store.audit(sha)
        assert len([e for e in audit if e.target == "img.clone"]) == WRITERS * SAVES_EACH
        assert len(audit) == WRITERS * SAVES_EACH + sum(s + r for s, r in results)
        assert len(store.runs(sha)) == 1 + SAVES_EACH
        assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert sum(saved for saved, _ in results) == WRITERS * SAVES_EACH
