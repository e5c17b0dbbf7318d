"""The overlap check's sampled first look, on real sample letters.

A candidate copy whose keypoints verify is compared pixel by pixel; most such candidates in a
real store are other letters of the same template, and an even sample of the overlap's
blocks rules them out before the whole comparison. The sample must never rule out a copy
(cropped, rescaled, recompressed) and must rule out letters that share the template, even
those sharing whole paragraphs (whose keypoints verify as a copy's would).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.support.case_store import store_pages
from workbench import case_pages
from workbench.case_pages import AGREEING_SHARE, near_duplicates
from workbench.imaging import page_overlap
from workbench.imaging.fingerprint import decode_thumb, encode_thumb, match_pair, page_features
from workbench.imaging.fingerprint import page_thumb as reduce_page
from workbench.imaging.page_overlap import (
    SAMPLE_STEP,
    Agreement,
    overlap_agreement,
    sampled_agreement,
    share_upper_bound,
)
from workbench.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def _both(query: Image.Image, stored: Image.Image) -> tuple[Agreement, Agreement]:
    """The sample's and the whole comparison's counts, on the stored reductions."""
    grey = [np.asarray(i.convert("L")) for i in (query, stored)]
    match = match_pair(page_features(grey[0]), page_features(grey[1]))
    assert match is not None  # keypoints verify: the case the pixels must settle
    thumbs = [decode_thumb(encode_thumb(reduce_page(g))) for g in grey]
    return (
        sampled_agreement(thumbs[0], thumbs[1], match.matrix),
        overlap_agreement(thumbs[0], thumbs[1], match.matrix),
    )


def _copies() -> list[tuple[str, Image.Image, Image.Image]]:
    page = Image.open(SAMPLES / "exemplars" / "exemplar_02.png").convert("L")
    w, h = page.size
    two_sides = page.crop((int(0.2 * w), int(0.2 * h), w, h))
    centre = page.crop((int(0.1 * w), int(0.1 * h), int(0.9 * w), int(0.9 * h)))
    return [
        (
            "20% off two sides, 60%, JPEG 60",
            _jpeg(two_sides.resize((two_sides.width * 6 // 10, two_sides.height * 6 // 10)), 60),
            page,
        ),
        ("10% off every side, 50%", centre.resize((centre.width // 2, centre.height // 2)), page),
        ("80%, JPEG 45", _jpeg(page.resize((w * 4 // 5, h * 4 // 5)), 45), page),
    ]


@pytest.mark.parametrize("index", range(3))
def test_the_sample_never_rules_out_a_copy(index: int) -> None:
    name, copy, original = _copies()[index]
    sample, whole = _both(copy, original)
    assert sample.sampled and not whole.sampled
    assert share_upper_bound(sample) >= AGREEING_SHARE, name
    assert whole.share >= AGREEING_SHARE, name
    # an even sample: about one block in SAMPLE_STEP, and its share near the whole's
    assert sample.inked == pytest.approx(whole.inked / SAMPLE_STEP, rel=0.35)
    assert abs(sample.share - whole.share) < 0.1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the generator filled both from one pool of paragraphs: their keypoints verify
        ("exemplars/exemplar_03.png", "tampered/t03_retype_date.png"),
        # only the template in common
        ("exemplars/exemplar_01.png", "exemplars/exemplar_03.png"),
    ],
)
def test_the_sample_rules_out_letters_of_the_same_template(a: str, b: str) -> None:
    sample, whole = _both(Image.open(SAMPLES / a), Image.open(SAMPLES / b))
    assert whole.share < AGREEING_SHARE  # what the whole comparison decides
    assert share_upper_bound(sample) < AGREEING_SHARE
    assert abs(sample.share - whole.share) < 0.15


def test_the_upper_bound_widens_with_a_smaller_sample() -> None:
    assert share_upper_bound(Agreement(0, 0, 0.0, sampled=True)) == 1.0
    # One disagreeing block of a tiny overlap rules nothing out (its bound would be 0.80).
    assert share_upper_bound(Agreement(1, 0, 0.0, sampled=True)) == 1.0
    assert share_upper_bound(Agreement(50, 50, 0.0, sampled=True)) == 1.0
    small, large = (share_upper_bound(Agreement(n, n * 6 // 10, 0.0)) for n in (10, 100))
    assert 0.6 < large < small < 1.0
    assert share_upper_bound(Agreement(100, 60, 0.0), z=0.0) == pytest.approx(0.6)


def test_a_store_search_compares_in_full_only_what_the_sample_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the case service: the copy is found, the other letters never compared whole."""
    name, copy, _ = _copies()[0]
    copy_path = tmp_path / "copy.png"
    copy.save(copy_path)
    letters = ["exemplars/exemplar_02.png", "exemplars/exemplar_03.png"]
    letters += ["tampered/t03_retype_date.png", "genuine/control_01.png"]
    whole: list[Any] = []
    real = page_overlap.overlap_agreement

    def counting(query: np.ndarray, stored: np.ndarray, matrix: Any) -> Agreement:
        found = real(query, stored, matrix)
        whole.append(found)
        return found

    samples: list[Agreement] = []
    real_sample = page_overlap.sampled_agreement

    def sampling(
        query: np.ndarray, stored: np.ndarray, matrix: Any, needed: float | None = None
    ) -> Agreement:
        samples.append(real_sample(query, stored, matrix, needed))
        return samples[-1]

    monkeypatch.setattr(case_pages, "overlap_agreement", counting)
    monkeypatch.setattr(case_pages, "sampled_agreement", sampling)
    shas = store_pages(tmp_path / "store", [*(SAMPLES / n for n in letters), copy_path])
    with Store.open(tmp_path / "store") as store:
        found = near_duplicates(store, shas["copy"])
        assert [d.other for d in found] == [shas["exemplar_02"]], name
        assert found[0].agreement is not None and not found[0].agreement.sampled
        # the whole comparison was made for the copy alone
        assert len(whole) == 1 and whole[0].share >= AGREEING_SHARE
        whole.clear()
        samples.clear()
        assert near_duplicates(store, shas["exemplar_03"]) == []
        # the letter sharing its paragraphs verified by keypoints and reached the pixels,
        # where every letter of the template was ruled out on its sample
        assert samples and whole == []
