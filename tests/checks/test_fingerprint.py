from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from workbench_checks.fingerprint import MARK_ELEMENTS, FingerprintCheck, _zone
from workbench_checks.letter import LetterCheck

from workbench import analyze, conventions
from workbench.context import Context
from workbench.imaging.fingerprint import (
    FEATURE_WIDTH,
    MAX_ASPECT,
    decode_thumb,
    page_features,
    page_thumb,
    reduction_size,
)
from workbench.imaging.layout import seal
from workbench.imaging.layout.marks import find_marks
from workbench.loading import load_document
from workbench.model import Status
from workbench.serialize import report_to_dict, validate_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_fingerprints_each_page_with_its_marks() -> None:
    report = analyze(SAMPLES / "exemplars" / "exemplar_02.png", only=["fingerprint"])
    result = report.check("fingerprint")
    assert result is not None and result.status is Status.OK and not result.findings
    (page,) = report.results["fingerprint"]["pages"]
    assert re.fullmatch(r"[0-9a-f]{64}", page["phash"])
    assert (page["width"], page["height"]) == (1748, 2480)
    assert page["features"]["width"] == 1000 and page["features"]["descriptors"]
    # the grey reduction candidates are checked against: 400 pixels wide, the page's shape
    thumb = decode_thumb(base64.b64decode(page["thumb"]))
    assert thumb.shape == (round(2480 * 400 / 1748), 400)
    assert 0 < thumb.min() < 100 < 200 < thumb.max()  # ink on paper
    assert {m["kind"] for m in page["marks"]} == {"signature", "seal", "letterhead"}
    assert all(set(m["box"]) == {"x", "y", "width", "height"} for m in page["marks"])
    validate_report(report_to_dict(report))


def test_a_text_document_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("بسمه تعالی\nشماره: ۱۲۳\n", encoding="utf-8")
    result = analyze(path, only=["fingerprint"]).check("fingerprint")
    assert result is not None and result.status is Status.SKIPPED


def test_pages_of_extreme_shapes_are_fingerprinted_within_bounds(tmp_path: Path) -> None:
    # a strip one pixel wide and 30,000 tall, and one 30,000 wide and one high, with ink
    # every few pixels: reduced to a fixed width they would ask for gigabytes
    for size in ((1, 30000), (30000, 1)):
        pixels = np.full(size[::-1], 250, np.uint8)
        pixels.reshape(-1)[::7] = 20
        path = tmp_path / f"strip-{size[0]}x{size[1]}.png"
        Image.fromarray(pixels).save(path)
        report = analyze(path, only=["fingerprint"])
        result = report.check("fingerprint")
        assert result is not None and result.status is Status.OK, result
        (page,) = report.results["fingerprint"]["pages"]
        assert (page["width"], page["height"]) == size
        assert re.fullmatch(r"[0-9a-f]{64}", page["phash"])
        assert page["features"]["descriptors"] == ""  # a strip holds no keypoints
        assert page["features"]["height"] <= FEATURE_WIDTH * MAX_ASPECT
        thumb = decode_thumb(base64.b64decode(page["thumb"]))
        assert max(thumb.shape) <= 400 * MAX_ASPECT


def test_a_very_tall_page_keeps_its_keypoints_in_bounds() -> None:
    # a letter stacked twelve times: 21 times as tall as wide
    letter = Image.open(SAMPLES / "exemplars" / "exemplar_02.png").convert("L")
    letter = letter.resize((300, round(300 * letter.height / letter.width)))
    tall = np.vstack([np.asarray(letter)] * 12)
    assert tall.shape[0] > MAX_ASPECT * tall.shape[1]
    features = page_features(tall)
    assert len(features.points) > 100
    assert features.height == FEATURE_WIDTH * MAX_ASPECT
    width = reduction_size(tall.shape, FEATURE_WIDTH)[0]
    assert features.width == width < FEATURE_WIDTH
    assert features.points[:, 0].max() < width
    assert features.points[:, 1].max() < features.height
    # the grey reduction is the keypoint one scaled by the same factor as for any page
    thumb = page_thumb(tall)
    assert thumb.shape == (400 * MAX_ASPECT, round(width * 400 / FEATURE_WIDTH))


def test_the_seal_search_is_made_once_per_page_for_the_letter_and_fingerprint_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both checks read the page's round stamps from the analysis context, found once."""
    calls: list[tuple[int, ...]] = []

    def counted(gray: np.ndarray, **kwargs: float) -> list[seal.Circle]:
        calls.append(np.shape(gray))
        return found_seals(gray, **kwargs)

    found_seals = seal.find_seals
    monkeypatch.setattr(seal, "find_seals", counted)
    path = SAMPLES / "exemplars" / "exemplar_02.png"
    with Image.open(path) as image:
        gray = np.asarray(image.convert("L"))
    context = Context(document=load_document(path))
    letter_seal = LetterCheck()._find_seal(context, conventions.load().element("seal"))
    result = FingerprintCheck().run(context.for_check("fingerprint", None))
    marks = result.results["pages"][0]["marks"]
    assert len(calls) == 1  # the letter check's search served the fingerprint check
    assert letter_seal is not None
    # the same seal as the fingerprint check cuts out when it searches the page itself
    (own,) = [m for m in marks if m["kind"] == "seal"]
    convention = conventions.load()
    zones = {k: _zone(convention, e) for k, e in MARK_ELEMENTS.items()}
    alone = find_marks(
        gray,
        signature_zone=zones["signature"],
        seal_zone=zones["seal"],
        letterhead_zone=zones["letterhead"],
    )
    (seal_mark,) = [m for m in alone if m.kind == "seal"]
    assert tuple(own["box"].values()) == seal_mark.box
