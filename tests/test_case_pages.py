"""The near-duplicate search's rough stage, on real sample letters stored through the check.

The store-wide first look at the keypoints fits a rough transform per candidate; that
transform lays the stored reductions on each other, and a sample of the overlap rules out a
letter of the same template before its keypoints are verified pair by pair. A cropped,
rescaled, recompressed copy must pass that stage and be found; a letter sharing whole
paragraphs with the query (whose keypoints do verify) must be ruled out there, before
`match_pair` and before the whole pixel comparison.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.support.case_store import letters_and_a_copy, store_pages
from workbench import case_pages
from workbench.case_pages import AGREEING_SHARE, ROUGH_FIT_SHARE, Thumbs, near_duplicates
from workbench.imaging.fingerprint import Features, PageMatch, decode_thumb, match_pair
from workbench.imaging.page_overlap import (
    SAMPLE_PARTS,
    SAMPLE_STEP,
    sampled_agreement,
    share_upper_bound,
)
from workbench.store import Store
from workbench.store.fingerprints import page_features_of, page_fingerprints, page_thumbs


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Four letters of one template and a copy of the first: 20% off two sides, 60%, JPEG 60."""
    base = tmp_path_factory.mktemp("rough")
    shas = store_pages(base / "store", letters_and_a_copy(base))
    shas["store"] = str(base / "store")
    return shas


@dataclass
class Calls:
    """What one search did: the rough fits, the rough stage's verdicts, the later stages."""

    rough: list[PageMatch | None] = field(default_factory=list)
    ruled_out: list[tuple[str, bool]] = field(default_factory=list)
    verified: list[Features] = field(default_factory=list)
    whole: int = 0


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    """Records the search's stages through the functions `case_pages` calls."""
    seen = Calls()
    first_pass, pair = case_pages.first_pass, case_pages.match_pair
    whole, ruled_out = case_pages.overlap_agreement, Thumbs.ruled_out

    def fits(query: Features, others: Sequence[Features]) -> list[PageMatch | None]:
        seen.rough = first_pass(query, others)
        return seen.rough

    def verifying(query: Features, other: Features) -> PageMatch | None:
        seen.verified.append(other)
        return pair(query, other)

    def comparing(*args: Any) -> Any:
        seen.whole += 1
        return whole(*args)

    def judged(self: Thumbs, page: Any, other: Any, rough: PageMatch) -> bool:
        verdict = ruled_out(self, page, other, rough)
        seen.ruled_out.append((other.document_sha256, verdict))
        return verdict

    monkeypatch.setattr(case_pages, "first_pass", fits)
    monkeypatch.setattr(case_pages, "match_pair", verifying)
    monkeypatch.setattr(case_pages, "overlap_agreement", comparing)
    monkeypatch.setattr(Thumbs, "ruled_out", judged)
    yield seen


def test_a_cropped_rescaled_copy_passes_the_rough_stage_and_is_found(
    stored: dict[str, str], calls: Calls
) -> None:
    with Store.open(Path(stored["store"])) as store:
        found = near_duplicates(store, stored["copy"])
    assert [d.other for d in found] == [stored["exemplar_02"]]
    assert found[0].method == "keypoints" and found[0].agreement is not None
    assert found[0].agreement.share >= AGREEING_SHARE and not found[0].agreement.sampled
    # the copy's original was judged by the rough stage, kept, then verified and compared
    assert (stored["exemplar_02"], False) in calls.ruled_out
    assert calls.verified and calls.whole == 1


def test_a_letter_sharing_paragraphs_is_ruled_out_before_its_keypoints_are_verified(
    stored: dict[str, str], calls: Calls
) -> None:
    with Store.open(Path(stored["store"])) as store:
        assert near_duplicates(store, stored["exemplar_03"]) == []
        other = next(
            p for p in page_fingerprints(store) if p.document_sha256 == stored["t03_retype_date"]
        )
        mine = next(
            p for p in page_fingerprints(store) if p.document_sha256 == stored["exemplar_03"]
        )
    assert other.features is not None and mine.features is not None
    # its keypoints would verify as a copy's: what only the pixels can settle
    assert match_pair(mine.features, other.features) is not None
    # the rough stage saw it and ruled it out; it never reached `match_pair`, and no letter
    # of the template reached the whole comparison
    assert (stored["t03_retype_date"], True) in calls.ruled_out
    theirs = other.features.descriptors
    assert not any(np.array_equal(f.descriptors, theirs) for f in calls.verified)
    assert calls.whole == 0


def test_a_rough_fit_that_misses_the_alignment_rules_nothing_out(stored: dict[str, str]) -> None:
    with Store.open(Path(stored["store"])) as store:
        pages = {p.document_sha256: p for p in page_fingerprints(store, with_features=False)}
        copy, original = pages[stored["copy"]], pages[stored["exemplar_02"]]
        thumbs = Thumbs(store)
        query, page = thumbs.query(copy), thumbs.get(original)
        assert query is not None and page is not None
        keypoints = page_features_of(store, [copy.id, original.id])
        a, b = keypoints[copy.id].features, keypoints[original.id].features
        assert a is not None and b is not None
        right = match_pair(a, b)
        assert right is not None
        # the same scale, laid a third of the page too low: the pages miss each other
        m = list(right.matrix)
        m[5] += b.height / 3
        wrong = replace(right, matrix=tuple(m))
        sample = sampled_agreement(query, page, wrong.matrix, AGREEING_SHARE)
        assert sample.inked >= 10 and sample.share < ROUGH_FIT_SHARE
        assert share_upper_bound(sample) < AGREEING_SHARE  # a sample alone would rule it out
        assert not thumbs.ruled_out(copy, original, wrong)
        assert not thumbs.ruled_out(copy, original, right)


def test_the_sample_in_parts_counts_as_the_whole_sample_unless_ruled_out_early(
    stored: dict[str, str],
) -> None:
    with Store.open(Path(stored["store"])) as store:
        pages = {p.document_sha256: p for p in page_fingerprints(store)}
        reductions = page_thumbs(store, [p.id for p in pages.values()])
    thumbs = {sha: decode_thumb(reductions[p.id]) for sha, p in pages.items()}

    def both(a: str, b: str) -> tuple[Any, Any]:
        fa, fb = pages[stored[a]].features, pages[stored[b]].features
        assert fa is not None and fb is not None
        m = match_pair(fa, fb)
        assert m is not None
        qa, qb = thumbs[stored[a]], thumbs[stored[b]]
        return sampled_agreement(qa, qb, m.matrix), sampled_agreement(
            qa, qb, m.matrix, AGREEING_SHARE
        )

    whole, parts = both("copy", "exemplar_02")
    assert parts == whole and share_upper_bound(parts) >= AGREEING_SHARE
    whole, first = both("exemplar_03", "t03_retype_date")
    # ruled out on the first of the parts: about one block in SAMPLE_STEP * SAMPLE_PARTS
    assert share_upper_bound(first) < AGREEING_SHARE <= 1.0
    assert first.inked < whole.inked
    assert first.inked == pytest.approx(whole.inked / SAMPLE_PARTS, rel=0.3)
    assert np.isclose(SAMPLE_STEP * SAMPLE_PARTS, 18)
