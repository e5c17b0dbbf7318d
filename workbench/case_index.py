"""The store's fingerprints held in memory across the documents of one run.

A batch stores a document and then searches the store for what it shares with the others
(`workbench.cases.search_and_store`). Searched one by one, each document would read every
stored page's words and hash and every stored mark's coarse vector again, and decode again
the page reductions, keypoints and mark patches of its candidates, which are mostly the
same pages from one document to the next (the letters of one office's template). A
`CaseIndex` reads the store's latest fingerprints once when the run begins, learns each
document's rows as the run stores them (`add`), and keeps what its searches read and
decoded, within bounds (`workbench.case_pages.KEPT_THUMBS`, `KEPT_KEYPOINTS`,
`workbench.cases.KEPT_PATCHES`).

It answers as the store would: the rows of every document's latest fingerprinted run, in
the store's order, so that a search through it finds exactly what one reading the store
finds. It is only right while nothing else writes fingerprints to the store, which holds
for a batch run (the one writer of its store while it runs).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from workbench import cases
from workbench.case_pages import Keypoints, RecentRows, Thumbs
from workbench.imaging.layout.marks import COARSE
from workbench.store.database import Database
from workbench.store.fingerprints import (
    MarkFingerprint,
    PageFingerprint,
    mark_fingerprints,
    page_fingerprints,
)
from workbench.store.service import Store


def _page_key(p: PageFingerprint) -> tuple[str, int]:
    return p.document_sha256, p.page


def _mark_key(m: MarkFingerprint) -> tuple[str, int, str]:
    return m.document_sha256, m.page, m.kind


class CaseIndex:
    """Every stored document's latest fingerprints, and what searches of this run decoded."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pages: list[PageFingerprint] = page_fingerprints(store, with_features=False)
        self.marks: list[MarkFingerprint] = mark_fingerprints(store, with_patches=False)
        # the marks' coarse vectors, in the order they were learnt (rows added at the end,
        # the buffer doubled when full), and the row of each of `marks`
        self._vectors = np.zeros((max(64, 2 * len(self.marks)), COARSE * COARSE), np.float32)
        for i, m in enumerate(self.marks):
            self._vectors[i] = m.coarse
        self._used = len(self.marks)
        self._row_of = np.arange(len(self.marks))
        self.keypoints = Keypoints(store)
        self.thumbs = Thumbs(store)
        self.patches = RecentRows(cases.KEPT_PATCHES)
        #: each page's `word_counts` by row id (a few KB a page)
        self.counted: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def add(self, store: Database, sha256: str) -> None:
        """Learn `sha256`'s latest fingerprints, just stored, in place of any it had.

        The rows keep the order the store reads them in (by document, page and kind), on which
        ties between equally close candidates are broken.
        """
        self.pages = [p for p in self.pages if p.document_sha256 != sha256]
        for p in page_fingerprints(store, with_features=False, document=sha256):
            bisect.insort(self.pages, p, key=_page_key)
        kept = [i for i, m in enumerate(self.marks) if m.document_sha256 != sha256]
        if len(kept) < len(self.marks):
            self.marks = [self.marks[i] for i in kept]
            self._row_of = self._row_of[kept]
        for m in mark_fingerprints(store, with_patches=False, document=sha256):
            at = bisect.bisect_right(self.marks, _mark_key(m), key=_mark_key)
            self.marks.insert(at, m)
            self._row_of = np.insert(self._row_of, at, self._append(m.coarse))

    def coarse(self, positions: Sequence[int]) -> np.ndarray:
        """The coarse vectors of the marks at `positions` of `marks`, one row each, in order."""
        found: np.ndarray = self._vectors[self._row_of[np.asarray(positions, np.int64)]]
        return found

    def _append(self, vector: np.ndarray) -> int:
        """Keep `vector` in the next free row (the buffer doubled when full); its row."""
        if self._used == len(self._vectors):
            grown = np.zeros((2 * len(self._vectors), self._vectors.shape[1]), np.float32)
            grown[: self._used] = self._vectors
            self._vectors = grown
        self._vectors[self._used] = vector
        self._used += 1
        return self._used - 1
