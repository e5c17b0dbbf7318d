"""Visual words of a page: a cheap first look that picks the stored pages worth matching.

Matching a page's keypoints with every stored page's (`workbench.imaging.fingerprint.match_pages`)
costs in proportion to the store; most stored pages are plainly not copies. Each keypoint's ORB
descriptor is therefore also replaced by the nearest of a fixed vocabulary of descriptors (its
*visual word*), and a page becomes a bag of words: a copy of a page, however re-saved, rescaled or
cropped, keeps most of its words, while a different letter keeps only those its typeface and
template share. The stored pages whose bags are closest to the query's (cosine of counts weighted
by how rare each word is in the store, tf-idf) are the only ones matched keypoint by keypoint.

Words alone do not rank copies perfectly: letters of one template share their letterhead,
closing and typeface, and the sample generator's letters share whole paragraphs, so a few
different letters can rank above a heavily cropped copy. The filter therefore keeps a generous
number of pages (`CANDIDATES`), measured against that margin in ``benchmarks/cases_benchmark.py``
(RESULTS.md, "Cases"), and the keypoint and pixel checks still decide.

The vocabulary (``workbench/data/page_words.npy``) was fitted once on the development letters
by ``benchmarks/fit_page_words.py``; a store keeps each page's words with its fingerprints, so
the query's words are the only ones computed at search time.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from importlib import resources

import cv2
import numpy as np

#: Where the vocabulary lives, inside the package's data.
VOCABULARY_FILE = "page_words.npy"
#: Stored pages kept by the filter for each query page, the closest first. At 1,000 stored
#: pages this is about a sixteenth of the store; see the module's docstring for why it is not
#: smaller.
CANDIDATES = 64


@functools.cache
def vocabulary() -> np.ndarray:
    """The fixed vocabulary: (V, 32) uint8 ORB descriptors."""
    data = resources.files("workbench.data").joinpath(VOCABULARY_FILE).read_bytes()
    words: np.ndarray = np.load(io.BytesIO(data), allow_pickle=False)
    return np.ascontiguousarray(words, np.uint8)


def page_words(descriptors: np.ndarray) -> np.ndarray:
    """The visual word (index into `vocabulary`) of each descriptor, as uint16.

    Parameters
    ----------
    descriptors : ndarray (N, 32) uint8
        ORB descriptors of a page (`Features.descriptors`).

    """
    if len(descriptors) == 0:
        return np.zeros(0, np.uint16)
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    found = matcher.match(np.ascontiguousarray(descriptors, np.uint8), vocabulary())
    out = np.zeros(len(descriptors), np.uint16)
    for m in found:
        out[m.queryIdx] = m.trainIdx
    return out


def words_to_bytes(words: np.ndarray) -> bytes:
    """The words as they are stored (little-endian uint16)."""
    return np.asarray(words, "<u2").tobytes()


def words_from_bytes(data: bytes) -> np.ndarray:
    """Read back what `words_to_bytes` wrote."""
    return np.frombuffer(data, "<u2").astype(np.uint16)


def word_counts(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct words of one page (ascending, int64) and how often each occurs.

    What `closest_pages` computes of every stored page; a run that searches many times keeps
    it per page (`workbench.case_index`).
    """
    found, counts = np.unique(np.asarray(words, np.int64), return_counts=True)
    return found, counts.astype(np.int64)


def closest_pages(
    query: np.ndarray,
    stored: Sequence[np.ndarray],
    count: int | None = None,
    counted: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
) -> np.ndarray:
    """Indices of the `count` stored pages whose words are closest to `query`'s, closest first.

    Words are weighted by their rarity among the stored pages and the query (inverse
    document frequency), so that what every letter of one template carries counts little.
    All pages are returned, in order, when there are no more than `count` (by default
    `CANDIDATES`). `counted`, when given, is `word_counts` of each of `stored`, computed
    before (the same ranking, without counting every page's words again).
    """
    count = CANDIDATES if count is None else count
    n = len(stored)
    if n == 0:
        return np.zeros(0, int)
    size = len(vocabulary())
    # each (page, word) present, with its count: the sparse word counts of the store
    if counted is None:
        counted = [word_counts(w) for w in stored]
    page = np.repeat(np.arange(n, dtype=np.int64), [len(c[0]) for c in counted])
    word = np.concatenate([*(c[0] for c in counted), np.zeros(0, np.int64)])
    counts = np.concatenate([*(c[1] for c in counted), np.zeros(0, np.int64)])
    mine = np.bincount(query.astype(np.int64), minlength=size).astype(np.float64)
    present = np.bincount(word, minlength=size) + (mine > 0)
    idf = np.log((n + 1) / (present + 1)) + 1e-3
    weighted = counts * idf[word]
    weighted_query = mine * idf
    norms = np.sqrt(np.bincount(page, weights=weighted**2, minlength=n))
    dots = np.bincount(page, weights=weighted * weighted_query[word], minlength=n)
    scale = np.maximum(norms, 1e-9) * max(float(np.linalg.norm(weighted_query)), 1e-9)
    scores = dots.astype(np.float64) / scale
    order = np.argsort(-scores, kind="stable")
    return order[: min(count, n)]
