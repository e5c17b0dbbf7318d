"""The case index a batch searches through, on real sample letters stored one by one.

A batch stores its documents one after another and searches the store after each
(`workbench.cases.search_and_store`) through one `CaseIndex`, which reads the store once and
keeps what its searches decoded. Each search through it must find what a search reading the
store finds: a cropped, rescaled, recompressed copy found, a letter sharing paragraphs with
another not matched, however small the bounds on what it keeps.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from tests.support.case_store import letters_and_a_copy
from workbench import case_pages, cases
from workbench.api import analyze
from workbench.case_index import CaseIndex
from workbench.case_pages import RecentRows
from workbench.cases import search, search_and_store
from workbench.imaging.fingerprint import decode_thumb
from workbench.imaging.page_overlap import BLOCK, BLOCK_AGREE, BLOCK_SHIFT, _agreeing_blocks
from workbench.imaging.page_words import closest_pages, word_counts
from workbench.store import Store
from workbench.store.fingerprints import (
    PageFingerprint,
    mark_fingerprints,
    page_fingerprints,
    page_thumbs,
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Four letters of one template, then a copy of the first: 20% off two sides, 60%, JPEG."""
    return letters_and_a_copy(tmp_path_factory.mktemp("index"))


def _ids(rows: list[PageFingerprint]) -> list[tuple[int, int, str, int]]:
    return [(p.id, p.run_id, p.document_sha256, p.page) for p in rows]


def _stored_one_by_one(store: Store, paths: list[Path], index: CaseIndex) -> dict[str, str]:
    """Store and search each page in turn through `index`, as a batch does; sha256 by stem."""
    shas = {}
    for path in paths:
        report = analyze(path, only=["file", "fingerprint"])
        store.record_run(report, original=path.read_bytes())
        search_and_store(store, report.document.sha256, index, report)
        shas[path.stem] = report.document.sha256
    return shas


def test_a_batch_finds_through_its_index_what_a_search_of_the_store_finds(
    pages: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # keeping two reductions, keypoint sets and patches at most: forgetting must not matter
    monkeypatch.setattr(case_pages, "KEPT_THUMBS", 2)
    monkeypatch.setattr(case_pages, "KEPT_KEYPOINTS", 2)
    monkeypatch.setattr(cases, "KEPT_PATCHES", 2)
    with Store.open(tmp_path / "store") as store:
        index = CaseIndex(store)  # an empty store: it learns every page as it is stored
        shas = _stored_one_by_one(store, pages, index)
        assert _ids(index.pages) == _ids(page_fingerprints(store, with_features=False))
        assert [m.id for m in index.marks] == [m.id for m in mark_fingerprints(store)]
        everything = range(len(index.marks))
        assert np.array_equal(index.coarse(everything), np.stack([m.coarse for m in index.marks]))
        assert len(index.thumbs.cache) <= 2 and len(index.patches) <= 2
        for sha in shas.values():
            assert search(store, sha, index) == search(store, sha)
        copy = search(store, shas["copy"], index)
        assert [d.other for d in copy.near_duplicates] == [shas["exemplar_02"]]
        assert copy.near_duplicates[0].agreement is not None
        assert copy.near_duplicates[0].agreement.share >= case_pages.AGREEING_SHARE
        # the letter sharing paragraphs with exemplar_03 is not a copy of it
        assert search(store, shas["exemplar_03"], index).near_duplicates == []
        # what the batch stored says the same from both sides
        assert [
            d.other for d in cases.stored_similar(store, shas["exemplar_02"]).near_duplicates
        ] == [shas["copy"]]


def test_a_document_analysed_again_replaces_its_rows_in_the_index(
    pages: list[Path], tmp_path: Path
) -> None:
    with Store.open(tmp_path / "store") as store:
        index = CaseIndex(store)
        shas = _stored_one_by_one(store, pages[:2], index)
        again = analyze(pages[0], only=["file", "fingerprint"])
        store.record_run(again, original=pages[0].read_bytes())
        search_and_store(store, again.document.sha256, index, again)
        assert _ids(index.pages) == _ids(page_fingerprints(store, with_features=False))
        runs = {p.run_id for p in index.pages if p.document_sha256 == shas["exemplar_02"]}
        assert len(runs) == 1 and len(index.pages) == 2
        assert [m.id for m in index.marks] == [m.id for m in mark_fingerprints(store)]


def test_recent_rows_forget_the_least_recently_used() -> None:
    kept = RecentRows(2)
    kept.put(1, "a")
    kept.put(2, "b")
    assert kept.hit(1)  # 1 used now: 2 is the oldest
    kept.put(3, "c")
    assert list(kept) == [1, 3] and not kept.hit(2)


def _agreeing_shift_by_shift(
    chosen: np.ndarray, q_centred: np.ndarray, q_spread: np.ndarray, stored: np.ndarray, cols: int
) -> int:
    """The blocks that agree at some shift, each shift tried on its own (the definition)."""
    padded = np.pad(stored.astype(np.float32), BLOCK_SHIFT, mode="edge")
    agreeing = 0
    for k, block in enumerate(chosen):
        y, x = block // cols * BLOCK, block % cols * BLOCK
        for dy, dx in itertools.product(range(-BLOCK_SHIFT, BLOCK_SHIFT + 1), repeat=2):
            t = padded[
                y + BLOCK_SHIFT + dy : y + BLOCK_SHIFT + dy + BLOCK,
                x + BLOCK_SHIFT + dx : x + BLOCK_SHIFT + dx + BLOCK,
            ].ravel()
            t = t - t.mean()
            spread = np.sqrt((t * t).mean())
            if spread > 0 and (q_centred[k] * t).mean() / (q_spread[k] * spread) >= BLOCK_AGREE:
                agreeing += 1
                break
    return agreeing


def test_the_blocks_that_agree_are_those_some_shift_agrees_on(
    pages: list[Path], tmp_path: Path
) -> None:
    with Store.open(tmp_path / "store") as store:
        shas = _stored_one_by_one(store, [pages[0], pages[2]], CaseIndex(store))
        rows = {p.document_sha256: p.id for p in page_fingerprints(store, with_features=False)}
        thumbs = {
            sha: decode_thumb(data) for sha, data in page_thumbs(store, list(rows.values())).items()
        }
    one, other = (thumbs[rows[shas[stem]]] for stem in ("exemplar_02", "t03_retype_date"))
    rng = np.random.default_rng(3)
    cols = one.shape[1] // BLOCK
    for query, stored, shift in ((one, one, (1, 2)), (one, other, (0, 0))):
        rows_n = min(query.shape[0], stored.shape[0]) // BLOCK - 1
        chosen = np.sort(rng.choice(rows_n * cols, 140, replace=False))
        chosen = chosen[chosen % cols < cols - 1]  # room for the shift on the right
        # the query's blocks, moved by `shift` pixels against the page compared with
        ys, xs = chosen // cols * BLOCK + shift[0], chosen % cols * BLOCK + shift[1]
        q = np.stack(
            [
                query[y : y + BLOCK, x : x + BLOCK].astype(np.float32).ravel()
                for y, x in zip(ys, xs, strict=True)
            ]
        )
        q_centred = q - q.mean(axis=1, keepdims=True)
        q_spread = np.sqrt((q_centred**2).mean(axis=1))
        keep = q_spread > 1e-3
        args = (chosen[keep], q_centred[keep], q_spread[keep], stored, cols)
        found = _agreeing_blocks(*args)
        assert found == _agreeing_shift_by_shift(*args)
        if stored is query:
            assert found > 0.8 * keep.sum()  # the page on itself, moved: nearly every block


def test_word_counts_given_rank_the_pages_as_counted_anew() -> None:
    rng = np.random.default_rng(5)
    stored = [rng.integers(0, 400, rng.integers(50, 300)).astype(np.uint16) for _ in range(40)]
    query = stored[7][::2].copy()
    counted = [word_counts(w) for w in stored]
    plain = closest_pages(query, stored, count=10)
    assert np.array_equal(closest_pages(query, stored, count=10, counted=counted), plain)
    assert plain[0] == 7
