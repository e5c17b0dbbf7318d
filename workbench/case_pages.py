"""Copies of one page across the store: the near-duplicate search of the case service.

A stored page is a copy of a page of the queried document when the two agree pixel by pixel
over their overlap, however one was re-saved, recompressed, rescaled or cropped. Comparing
every stored page that way would cost in proportion to the store, and most stored pages of a
real case are letters of the same office's template (one letterhead, typeface and closing,
often the same stock paragraphs), whose keypoints verify as a copy's would. The search
therefore narrows the store in stages, each cheaper than the next and each only ruling out:

1. the stored pages closest by visual words (`workbench.imaging.page_words.closest_pages`),
   and the pages within `HASH_MATCH_BITS` of the page's hash;
2. a store-wide first look at the keypoints of the word candidates
   (`workbench.imaging.fingerprint.first_pass`), which fits a rough similarity transform per
   stored page worth a closer look;
3. that rough transform lays the page's stored reduction onto the candidate's and an even
   sample of the overlap's blocks is compared (`sampled_agreement`): a letter of the same
   template, which agrees on its letterhead and closing but not where its text differs, is
   ruled out here, before its keypoints are verified pair by pair;
4. the pairs left are verified keypoint by keypoint (`match_pair`), and the fitted transform
   decides the pixel check: a sample of the overlap again, and, where it cannot rule the pair
   out, the whole overlap (`overlap_agreement`), which alone makes a copy.

Everything a query compares with is read from the store as it was written with the
fingerprints (`workbench.store.fingerprints`): words, keypoints and the page reduction; only
the query's own reduction is converted once for all its comparisons.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from workbench.case_copies import copy_profile, differences, likely_earlier
from workbench.case_links import NearDuplicate
from workbench.imaging.fingerprint import (
    Features,
    PageMatch,
    decode_thumb,
    first_pass,
    hash_bits,
    match_pair,
)
from workbench.imaging.page_overlap import (
    Agreement,
    as_float,
    overlap_agreement,
    sampled_agreement,
    share_upper_bound,
)
from workbench.imaging.page_words import closest_pages, page_words, word_counts
from workbench.store.fingerprints import (
    PageFingerprint,
    page_features_of,
    page_fingerprints,
    page_thumbs,
)
from workbench.store.service import Store

#: Largest pHash distance (bits of 256) for two pages to be the same scan. Re-saved,
#: recompressed and 50-100% rescaled copies of the sample letters move by at most 4 bits;
#: different letters of one template stay 30 or more apart (RESULTS.md, "Cases").
HASH_MATCH_BITS = 16
#: A candidate is a copy when at least this share of the inked blocks of the overlap agree
#: pixel by pixel, over at least `MIN_INKED_BLOCKS` of them: copies of the development letters
#: agreed on 0.90 or more, different letters of the template (sharing paragraphs) on at most
#: 0.79 (RESULTS.md, "Cases"; the independent set is only measured).
AGREEING_SHARE = 0.85
MIN_INKED_BLOCKS = 40
#: Pages fingerprinted without a reduction: fewest verified keypoint matches in the body band
#: of both pages for a crop to count as the same page: midway between different letters of
#: one template (at most 21 on the development set) and copies cropped by up to 20% from one
#: side or 10% from every side (35 or more).
BODY_INLIERS = 28
#: A sample laid by the rough transform (stage 3) on which fewer than this share of the inked
#: blocks agree rules nothing out: the rough fit has then missed the alignment rather than
#: found a different letter (letters of one template, laid on each other, agree on their
#: letterhead and closing: on the development set's 5,488 candidate pairs of different
#: letters the sample agreed on 0.59 of its blocks at the median; the one copy whose rough
#: fit was wrong, a pair of copies cropped from opposite corners, agreed on 0.01). Such a
#: pair is verified keypoint by keypoint, as every pair was before the rough stage.
ROUGH_FIT_SHARE = 0.1


def near_duplicates(
    store: Store,
    sha256: str,
    pages: Sequence[PageFingerprint] | None = None,
    *,
    keypoints: Keypoints | None = None,
    thumbs: Thumbs | None = None,
    counted: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> list[NearDuplicate]:
    """The stored pages that are copies of a page of `sha256`, through the stages above.

    `pages` are the latest fingerprints of every stored document, without keypoints (read
    from the store when not given). Pages stored without words are all matched by keypoints,
    pages stored without a reduction are decided by the hash and the body-band keypoints
    (`_same_page`). `keypoints`, `thumbs` and `counted` (`word_counts` by row id) are what
    earlier searches of the same run read and counted (`workbench.case_index`): given, a
    page read once is not read again.
    """
    every = list(pages) if pages is not None else page_fingerprints(store, with_features=False)
    mine = [p for p in every if p.document_sha256 == sha256]
    others = [p for p in every if p.document_sha256 != sha256]
    if not mine or not others:
        return []
    keypoints = keypoints if keypoints is not None else Keypoints(store)
    keypoints.keep([*mine, *others])
    thumbs = thumbs if thumbs is not None else Thumbs(store)
    try:
        return _near_duplicates(store, sha256, mine, others, keypoints, thumbs, counted)
    finally:
        thumbs.queries.clear()  # the query's float copy is kept for its own search only


def _near_duplicates(
    store: Store,
    sha256: str,
    mine: Sequence[PageFingerprint],
    others: Sequence[PageFingerprint],
    keypoints: Keypoints,
    thumbs: Thumbs,
    counted: dict[int, tuple[np.ndarray, np.ndarray]] | None,
) -> list[NearDuplicate]:
    """`near_duplicates` of `mine` (the document's pages) among `others`."""
    stored_bits = hash_bits([o.phash for o in others])
    found: dict[tuple[str, int, int], NearDuplicate] = {}
    profiles: dict[str, dict[str, Any]] = {}
    for page in mine:
        distances = np.count_nonzero(stored_bits != hash_bits([page.phash])[0], axis=1)
        rough: list[PageMatch | None] = [None] * len(others)
        features = keypoints.get(page)
        if features is not None:
            picked = _word_candidates(page, features, others, counted)
            keypoints.read([others[i] for i in picked])
            usable = [(i, f) for i in picked if (f := keypoints.get(others[i])) is not None]
            fits = first_pass(features, [f for _, f in usable])
            for (i, _), fit in zip(usable, fits, strict=True):
                rough[i] = fit
        by_hash = distances <= HASH_MATCH_BITS
        wanted = [i for i in range(len(others)) if by_hash[i] or rough[i] is not None]
        thumbs.read([page, *(others[i] for i in wanted)])
        for i in wanted:
            other, distance = others[i], int(distances[i])
            fit = rough[i]
            if not by_hash[i] and fit is not None and thumbs.ruled_out(page, other, fit):
                continue
            other_features = keypoints.get(other)
            m = None
            if features is not None and other_features is not None:
                m = match_pair(features, other_features)
            if m is None and not by_hash[i]:
                continue
            agreement = thumbs.agreement(page, other, m)
            same, method = _same_page(distance, m, agreement)
            if not same:
                continue
            for sha in (sha256, other.document_sha256):
                if sha not in profiles:
                    profiles[sha] = copy_profile(store, sha)
            pa, pb = profiles[sha256], profiles[other.document_sha256]
            earlier, reasons = likely_earlier(sha256, pa, other.document_sha256, pb)
            key = (other.document_sha256, page.page, other.page)
            found[key] = NearDuplicate(
                other=other.document_sha256,
                page=page.page,
                other_page=other.page,
                method=method,
                distance=distance,
                match=m,
                differences=differences(pa, pb),
                earlier=earlier,
                reasons=tuple(reasons),
                agreement=agreement,
                other_run=other.run_id,
            )
    return sorted(found.values(), key=lambda d: (d.distance, d.other))


def _same_page(
    distance: int, match: PageMatch | None, agreement: Agreement | None
) -> tuple[bool, str]:
    """Whether a candidate is a copy of the page, and by which evidence.

    With both pages' reductions stored, the pixels of the overlap decide (a shared paragraph
    verifies as keypoints, not as pixels); pages fingerprinted before the reductions were kept
    fall back on the hash and the body-band keypoints alone.
    """
    by_hash = distance <= HASH_MATCH_BITS
    method = "hash" if by_hash else "keypoints"
    if agreement is not None:
        same = agreement.inked >= MIN_INKED_BLOCKS and agreement.share >= AGREEING_SHARE
        return same, method
    return by_hash or (match is not None and match.body_inliers >= BODY_INLIERS), method


def _word_candidates(
    page: PageFingerprint,
    features: Features,
    others: Sequence[PageFingerprint],
    counts: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> list[int]:
    """Which of `others` to match keypoint by keypoint: the closest by visual words.

    Pages stored without words (before they were kept) are all kept, as every page was
    before the filter. `counts` keeps each stored page's `word_counts` by row id across the
    searches of a run.
    """
    query = page.words if page.words is not None else page_words(features.descriptors)
    with_words = [i for i, o in enumerate(others) if o.words is not None]
    words: list[np.ndarray] = [others[i].words for i in with_words]  # type: ignore[misc]
    counted = None
    if counts is not None:  # each page's word counts, counted once per run
        for i, w in zip(with_words, words, strict=True):
            if others[i].id not in counts:
                counts[others[i].id] = word_counts(w)
        counted = [counts[others[i].id] for i in with_words]
    closest = closest_pages(query, words, counted=counted)
    kept = {with_words[int(j)] for j in closest}
    return sorted(kept | {i for i, o in enumerate(others) if o.words is None})


class RecentRows(OrderedDict[int, Any]):
    """A cache by fingerprint row id that forgets the least recently used beyond `size`.

    A row's fingerprints never change once written, so what was read stays true; the bound
    keeps a long run's memory flat (`KEPT_THUMBS`, `KEPT_KEYPOINTS`).
    """

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def hit(self, key: int) -> bool:
        """Whether `key` is held, marking it as used now."""
        if key in self:
            self.move_to_end(key)
            return True
        return False

    def put(self, key: int, value: Any) -> None:
        """Hold `value` for `key`, forgetting the least recently used beyond the bound."""
        self[key] = value
        while len(self) > self.size:
            self.popitem(last=False)


#: Most page reductions (about 230 KB each, decoded) and keypoint sets (about 20 KB) kept
#: across the searches of one run: more than the candidates of a thousand-page batch share.
KEPT_THUMBS = 768
KEPT_KEYPOINTS = 4096


class Keypoints:
    """The keypoints of the pages a search compares, read from the store only when needed.

    One instance serves one search, or every search of a run (`workbench.case_index`).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache = RecentRows(KEPT_KEYPOINTS)

    def keep(self, pages: Sequence[PageFingerprint]) -> None:
        """Hold the keypoints of those `pages` that were read with them."""
        for p in pages:
            if p.features is not None:
                self.cache.put(p.id, p.features)

    def read(self, pages: Sequence[PageFingerprint]) -> None:
        """Read the keypoints of those `pages` not held, in one query."""
        missing = [p.id for p in pages if not self.cache.hit(p.id)]
        rows = page_features_of(self.store, missing) if missing else {}
        for pid in missing:
            row = rows.get(pid)
            self.cache.put(pid, row.features if row is not None else None)

    def get(self, page: PageFingerprint) -> Features | None:
        """The page's keypoints (None when it has none), read now if not held."""
        if not self.cache.hit(page.id):
            self.read([page])
        found: Features | None = self.cache[page.id]
        return found


class Thumbs:
    """The stored page reductions, read once each, and the overlap checks made with them.

    The stored pages' reductions are kept as decoded (a sample reads a few of their blocks
    only); the query's, laid onto every candidate, is converted to float32 once per search.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache = RecentRows(KEPT_THUMBS)
        self.queries: dict[int, np.ndarray] = {}

    def read(self, pages: Sequence[PageFingerprint]) -> None:
        """Read and decode the reductions of those `pages` not held, in one query."""
        missing = [p.id for p in pages if not self.cache.hit(p.id)]
        found = page_thumbs(self.store, missing) if missing else {}
        for pid in missing:
            data = found.get(pid)
            self.cache.put(pid, decode_thumb(data) if data is not None else None)

    def get(self, page: PageFingerprint) -> np.ndarray | None:
        """The page's reduction as decoded (None when it has none), read now if not held."""
        if not self.cache.hit(page.id):
            self.read([page])
        found: np.ndarray | None = self.cache[page.id]
        return found

    def query(self, page: PageFingerprint) -> np.ndarray | None:
        """The query page's reduction as float32 (`as_float`), converted once."""
        if page.id not in self.queries:
            found = self.get(page)
            if found is None:
                return None
            self.queries[page.id] = as_float(found)
        return self.queries[page.id]

    def ruled_out(self, page: PageFingerprint, other: PageFingerprint, rough: PageMatch) -> bool:
        """Whether the rough transform's sample of the overlap already rules the pair out.

        Ruled out: the sample's upper bound stays below `AGREEING_SHARE` although its blocks
        agree often enough (`ROUGH_FIT_SHARE`) for the rough fit to have laid the pages on
        each other. Pages without a reduction are never ruled out here.
        """
        mine, theirs = self.query(page), self.get(other)
        if mine is None or theirs is None or not rough.matrix:
            return False
        sample = sampled_agreement(mine, theirs, rough.matrix, AGREEING_SHARE)
        return sample.share >= ROUGH_FIT_SHARE and share_upper_bound(sample) < AGREEING_SHARE

    def agreement(
        self, page: PageFingerprint, other: PageFingerprint, match: PageMatch | None
    ) -> Agreement | None:
        """The overlap's agreement on the verified transform: sampled, whole where needed."""
        if match is None or not match.matrix:
            return None
        mine, theirs = self.query(page), self.get(other)
        if mine is None or theirs is None:
            return None
        # an even sample of the overlap rules out what the rough transform could not, for a
        # fraction of the whole comparison, which copies then go through
        sample = sampled_agreement(mine, theirs, match.matrix, AGREEING_SHARE)
        if share_upper_bound(sample) < AGREEING_SHARE:
            return sample
        return overlap_agreement(mine, theirs, match.matrix)
