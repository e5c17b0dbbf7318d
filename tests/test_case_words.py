"""The near-duplicate filter on real pages: visual words pick the pages matched by keypoints.

A store of sample letters of one template (same letterhead, typeface, closing) holds a cropped,
rescaled and recompressed copy of one of them. With the filter keeping a single page, the copy
is still found through it, and no other letter is taken for a copy; pages stored before their
words were kept are matched keypoint by keypoint, as before the filter.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from tests.support.case_store import store_pages, write_copy
from workbench import case_pages
from workbench.case_pages import near_duplicates
from workbench.imaging import page_words
from workbench.imaging.fingerprint import Features, PageMatch
from workbench.imaging.page_words import closest_pages, vocabulary
from workbench.store import SCHEMA_VERSION, Store
from workbench.store.fingerprints import page_fingerprints
from workbench.store.migrations import migrate, schema_version

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
LETTERS = (
    "exemplars/exemplar_01.png",
    "exemplars/exemplar_02.png",
    "exemplars/exemplar_03.png",
    "genuine/control_01.png",
    "tampered/t06_impossible_date.png",
)


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Five letters of one template and a copy of the first (cropped, 70%, JPEG 60), stored."""
    base = tmp_path_factory.mktemp("words")
    box = (0.1, 0.05, 0.95, 0.9)
    copy_path = write_copy(SAMPLES / LETTERS[0], base / "copy.jpg", box, 7, mode="RGB")
    shas = store_pages(base / "store", [*(SAMPLES / name for name in LETTERS), copy_path])
    shas["store"] = str(base / "store")
    return shas


@pytest.fixture
def one_candidate(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The filter keeps one page; yields how many stored pages each keypoint pass was given."""
    monkeypatch.setattr(page_words, "CANDIDATES", 1)
    given: list[int] = []
    real = case_pages.first_pass

    def counting(query: Features, stored: Sequence[Features]) -> list[PageMatch | None]:
        given.append(len(stored))
        return real(query, stored)

    monkeypatch.setattr(case_pages, "first_pass", counting)
    yield given


def test_every_stored_page_has_its_words(letters: dict[str, str]) -> None:
    with Store.open(Path(letters["store"])) as store:
        pages = page_fingerprints(store)
    assert len(pages) == 6
    for p in pages:
        assert p.words is not None and p.features is not None
        assert len(p.words) == len(p.features.descriptors) > 100
        assert int(p.words.max()) < len(vocabulary())
        # the words are the nearest vocabulary entries of the stored descriptors
        assert np.array_equal(p.words, page_words.page_words(p.features.descriptors))


def test_the_copy_ranks_first_by_words(letters: dict[str, str]) -> None:
    with Store.open(Path(letters["store"])) as store:
        pages = page_fingerprints(store, with_features=False)
    for query_name, wanted in (("copy", "exemplar_01"), ("exemplar_01", "copy")):
        query = next(p for p in pages if p.document_sha256 == letters[query_name])
        others = [p for p in pages if p is not query]
        assert query.words is not None
        order = closest_pages(query.words, [o.words for o in others])  # type: ignore[misc]
        assert others[int(order[0])].document_sha256 == letters[wanted]


def test_a_copy_is_found_through_the_filter_and_no_other_letter(
    letters: dict[str, str], one_candidate: list[int]
) -> None:
    with Store.open(Path(letters["store"])) as store:
        found = near_duplicates(store, letters["copy"])
        assert [d.other for d in found] == [letters["exemplar_01"]]
        assert found[0].method == "keypoints" and found[0].agreement is not None
        assert found[0].agreement.share > 0.85
        # keypoints were matched on the one page the words picked, not on all five
        assert one_candidate == [1]
        for name in ("exemplar_02", "exemplar_03", "control_01", "t06_impossible_date"):
            assert near_duplicates(store, letters[name]) == []


def test_pages_stored_without_words_are_matched_as_before(
    letters: dict[str, str], one_candidate: list[int], tmp_path: Path
) -> None:
    # a copy of the store in which the original and a different letter were stored before
    # the words were kept
    source = sqlite3.connect(Path(letters["store"]) / "workbench.sqlite3")
    target = tmp_path / "old"
    target.mkdir()
    for name in ("objects",):
        (target / name).symlink_to(Path(letters["store"]) / name)
    conn = sqlite3.connect(target / "workbench.sqlite3")
    source.backup(conn)
    source.close()
    conn.execute(
        "UPDATE page_fingerprints SET words = NULL WHERE document_sha256 IN (?, ?)",
        (letters["exemplar_01"], letters["exemplar_02"]),
    )
    conn.commit()
    conn.close()
    with Store.open(target) as store:
        found = near_duplicates(store, letters["copy"])
        assert [d.other for d in found] == [letters["exemplar_01"]]
        # both pages without words, and the one the words picked among the rest
        assert one_candidate == [3]


def test_a_v7_store_takes_the_words_column_with_its_rows_left_empty(tmp_path: Path) -> None:
    folder = tmp_path / "v7"
    folder.mkdir()
    conn = sqlite3.connect(folder / "workbench.sqlite3", isolation_level=None)
    migrate(conn, target=7)
    stamp = "2026-01-01T00:00:00+00:00"
    conn.execute(
        "INSERT INTO documents VALUES (?, 'letter.png', 'image/png', 1, 1, ?, 'objects/x')",
        ("ab" * 32, stamp),
    )
    conn.execute(
        "INSERT INTO runs (document_sha256, tool_name, tool_version, check_versions, started,"
        " finished, status, report_json) VALUES (?, 'workbench', 'x', '{}', ?, ?, 'ok', '{}')",
        ("ab" * 32, stamp, stamp),
    )
    conn.execute(
        "INSERT INTO page_fingerprints (run_id, document_sha256, page, width, height, phash,"
        " feature_height, points, descriptors) VALUES (1, ?, 0, 10, 10, ?, 10, x'', x'')",
        ("ab" * 32, "0" * 64),
    )
    conn.close()
    with Store.open(folder) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION >= 8
        (page,) = page_fingerprints(store)
        assert page.words is None
