"""The layout check's comparison with exemplars on a partly decoded page ignores the fill.

The genuine sample letter, saved as a JPEG and cut short halfway, compared with three
exemplars of its template: the lower half the decoder filled in is not compared (before, its
five template blocks there were each reported as changed), and the decoded half still is.
A truncated JPEG of the hostile corpus compared with the same exemplars does not fail.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests.support.hostile import corpus_files
from workbench import analyze
from workbench.context import Context
from workbench.loading import load_document
from workbench.loading.fill import box_decoded

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EXEMPLARS = [SAMPLES / "exemplars" / f"exemplar_0{i}.png" for i in (1, 2, 3)]


def test_blocks_on_the_fill_are_not_compared(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.open(SAMPLES / "genuine" / "control_01.png").convert("RGB").save(
        buffer, "JPEG", quality=85
    )
    data = buffer.getvalue()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    decoded = Context(load_document(path)).decoded_pixels(0)
    assert decoded is not None and 0.2 < decoded.mean() < 0.8  # the lower part is fill
    report = analyze(path, references=EXEMPLARS, only=["layout"], out=None)
    assert not [f for f in report.findings if f.check == "layout"]
    comparisons = report.results["layout"]["comparisons"]
    assert len(comparisons) == 3
    for entry in comparisons:
        assert entry["registered"]
        assert entry["blocks_on_fill"] >= 1
        assert entry["blocks"] and all(b["status"] == "same" for b in entry["blocks"])
        assert entry["similarity"] >= 0.85  # the decoded half agrees with the exemplar


def test_a_truncated_jpeg_is_compared_without_failing(tmp_path: Path) -> None:
    path = tmp_path / "jpg-50.jpg"
    path.write_bytes(corpus_files()["truncated/jpg-50.jpg"])
    decoded = Context(load_document(path)).decoded_pixels(0)
    assert decoded is not None
    report = analyze(path, references=EXEMPLARS, only=["layout"], out=None)
    result = report.check("layout")
    assert result is not None and result.status.value == "ok", result
    for f in report.findings:
        if f.code in {"layout.block_changed", "layout.block_moved", "layout.letterhead_changed"}:
            for region in f.regions:  # a block reported is one of the decoded part
                assert box_decoded(decoded, region.xywh)
