from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from workbench_checks.forensics import ForensicsCheck

from tests.support.forensic_fixtures import jpeg, letter_page, overlaps, paste_transformed, save_png
from tests.support.scanned import scanned_letter
from workbench import analyze
from workbench.model import Report, Severity
from workbench.serialize import report_to_dict, validate_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MANIFEST = SAMPLES / "manifest.json"


def run(path: Path, out: Path | None = None) -> Report:
    report = analyze(path, only=["forensics"], out=out)
    validate_report(report_to_dict(report))
    return report


def worst(report: Report) -> Severity | None:
    return max((f.severity for f in report.findings), default=None)


def box(region: object) -> tuple[int, int, int, int]:
    return (region.x, region.y, region.width, region.height)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_clean_letter_is_quiet_and_writes_every_map(tmp_path: Path) -> None:
    path = save_png(letter_page(seed=3).image, tmp_path / "letter.png")
    report = run(path, out=tmp_path / "out")
    result = report.check("forensics")
    assert result is not None and result.status.value == "ok"
    (page,) = report.results["forensics"]["pages"]
    assert page["index"] == 0 and page["tamper_score"] < 0.3
    assert worst(report) in (None, Severity.INFO, Severity.NOTICE)
    kinds = {a.kind: a for a in report.artifacts}
    # Every per-page map the check declares for the app and the exports.
    assert set(kinds) >= {layer.artifact for layer in ForensicsCheck.layers}
    assert page["heatmap"] == kinds["tamper_heatmap"].id
    folder = next((tmp_path / "out").iterdir())
    heat = Image.open(folder / kinds["tamper_heatmap"].path)
    assert heat.mode == "L" and heat.size == (1240, 1754)
    assert set(page["scores"]) == {
        "clone",
        "ghost",
        "noise",
        "ela",
        "dq",
        "text_clone",
        "glyph",
        "paper_step",
    }


@pytest.mark.slow
def test_heatmap_is_null_without_an_output_folder(tmp_path: Path) -> None:
    path = save_png(letter_page(seed=4).image, tmp_path / "letter.png")
    (page,) = run(path).results["forensics"]["pages"]
    assert page["heatmap"] is None and all(v is None for v in page["maps"].values())


@pytest.mark.slow
def test_cloned_seal_raises_a_clone_finding_with_both_regions(tmp_path: Path) -> None:
    letter = letter_page(seed=5)
    cx, cy = letter.seal_center
    image, _ = paste_transformed(
        letter.image, (float(cx), float(cy)), (760.0, 1560.0), letter.seal_radius + 8, 3.0, 1.05
    )
    report = run(save_png(image, tmp_path / "cloned.png"), out=tmp_path / "out")
    clones = [f for f in report.findings if f.code == "forensics.clone"]
    assert clones and clones[0].severity >= Severity.WARNING
    finding = clones[0]
    assert set(finding.checklist) == {"img.clone", "form.signature"}
    regions = [box(r) for r in finding.regions]
    assert len(regions) == 2
    assert any(overlaps(r, (cx - 110, cy - 110, 220, 220)) for r in regions)
    assert any(overlaps(r, (650, 1450, 220, 220)) for r in regions)
    assert "stamp applied twice" in finding.detail
    (page,) = report.results["forensics"]["pages"]
    assert page["tamper_score"] >= 0.6 and page["clones"][0]["matches"] >= 10


@pytest.mark.slow
def test_signature_pasted_from_a_jpeg_raises_a_splice_finding(tmp_path: Path) -> None:
    letter = letter_page(seed=6)
    x, y, w, h = letter.signature_box
    x0, y0 = x // 8 * 8, y // 8 * 8
    image = letter.image.copy()
    image[y0 : y0 + h + 16, x0 : x0 + w + 16] = jpeg(letter.image, 70)[
        y0 : y0 + h + 16, x0 : x0 + w + 16
    ]
    report = run(save_png(image, tmp_path / "spliced.png"))
    splices = [f for f in report.findings if f.code == "forensics.splice"]
    assert splices and splices[0].severity == Severity.WARNING
    assert overlaps(box(splices[0].regions[0]), (x0, y0, w + 16, h + 16))
    assert splices[0].evidence["ghost_quality"] == 70
    assert "img.splice" in splices[0].checklist


@pytest.mark.slow
def test_jpeg_page_reports_its_quality_without_alarms(tmp_path: Path) -> None:
    path = tmp_path / "letter.jpg"
    Image.fromarray(letter_page(seed=7).image).save(path, quality=80)
    report = run(path)
    (page,) = report.results["forensics"]["pages"]
    assert page["jpeg_quality_estimate"] == 80
    assert worst(report) in (None, Severity.INFO, Severity.NOTICE)


def test_bad_and_tiny_inputs_do_not_crash(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.png"
    Image.new("L", (40, 30), 255).save(tiny)
    result = run(tiny).check("forensics")
    assert result is not None and result.status.value == "error"
    assert "too small" in (result.message or "")
    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 200), "white").save(blank)
    report = run(blank)
    assert report.results["forensics"]["pages"][0]["tamper_score"] == 0.0
    text = tmp_path / "note.txt"
    text.write_text("a translation", encoding="utf-8")
    skipped = run(text).check("forensics")
    assert skipped is not None and skipped.status.value == "skipped"


# -- the samples corpus ------------------------------------------------------------------------


def sample_docs() -> list[dict[str, object]]:
    if not MANIFEST.is_file():
        return []
    docs: list[dict[str, object]] = json.loads(MANIFEST.read_text(encoding="utf-8"))["documents"]
    return docs


def tampered(kind: str) -> list[dict[str, object]]:
    return [
        d
        for d in sample_docs()
        if any(t["kind"] == kind for t in d["tampering"])  # type: ignore[index, union-attr, attr-defined]
    ]


needs_samples = pytest.mark.skipif(not MANIFEST.is_file(), reason="samples corpus not generated")


@pytest.mark.slow
@needs_samples
@pytest.mark.parametrize(
    "kind,code", [("splice", "forensics.splice"), ("clone", "forensics.clone")]
)
def test_tampered_samples_raise_the_matching_finding(kind: str, code: str) -> None:
    docs = tampered(kind)
    assert docs, f"no {kind} sample in the manifest"
    for doc in docs:
        report = run(SAMPLES / str(doc["path"]))
        truth = [tuple(t["box"]) for t in doc["tampering"] if t["kind"] == kind]  # type: ignore[index, union-attr, attr-defined]
        hits = [f for f in report.findings if f.code == code and f.severity >= Severity.WARNING]
        assert hits, f"{doc['path']}: no {code}"
        assert any(
            overlaps(box(r), t)  # type: ignore[arg-type]
            for f in hits
            for r in f.regions
            for t in truth
        ), f"{doc['path']}: {code} regions miss the ground truth {truth}"


@pytest.mark.slow
@needs_samples
def test_untampered_samples_raise_no_warning() -> None:
    docs = [d for d in sample_docs() if d["kind"] in ("genuine", "exemplar")]
    assert docs
    for doc in docs:
        report = run(SAMPLES / str(doc["path"]))
        loud = [f.code for f in report.findings if f.severity >= Severity.WARNING]
        assert not loud, f"{doc['path']}: {loud}"
        (page,) = report.results["forensics"]["pages"]
        assert page["tamper_score"] < 0.5


@pytest.mark.slow
@needs_samples
def test_questioned_letter_shows_its_recompression_quality() -> None:
    (doc,) = [d for d in sample_docs() if d["kind"] == "questioned" and d["path"].endswith(".jpg")]  # type: ignore[union-attr]
    report = run(SAMPLES / str(doc["path"]))
    (page,) = report.results["forensics"]["pages"]
    last = doc["truth"]["jpeg_history"][-1]["quality"]  # type: ignore[index]
    assert page["jpeg_quality_estimate"] == last
    assert not [f for f in report.findings if f.severity >= Severity.CRITICAL]
    assert np.isfinite(page["tamper_score"])


@pytest.mark.slow
def test_block_pasted_with_its_own_paper_raises_a_paper_step_finding(tmp_path: Path) -> None:
    def resaved(image: np.ndarray, quality: int) -> np.ndarray:
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
        return np.asarray(Image.open(io.BytesIO(buffer.getvalue()))).copy()

    page = resaved(np.asarray(scanned_letter(seed=0)), 80)
    other = np.asarray(scanned_letter(seed=1)).astype(np.int16) - 6  # darker paper
    donor = resaved(np.clip(other, 0, 255).astype(np.uint8), 85)
    x0, y0, x1, y1 = 203, 597, 861, 803
    page[y0:y1, x0:x1] = donor[y0 + 40 : y1 + 40, x0:x1]
    path = tmp_path / "pasted.jpg"
    Image.fromarray(page).save(path, quality=90)
    report = run(path)
    found = [f for f in report.findings if f.code == "forensics.paper_step"]
    assert found and found[0].evidence["method"] == "paper_tone_steps"
    assert overlaps(box(found[0].regions[0]), (x0, y0, x1 - x0, y1 - y0))
    (page_result,) = report.results["forensics"]["pages"]
    assert page_result["scores"]["paper_step"] > 0.5 and page_result["paper_step_regions"]


def test_a_page_recovered_in_part_weighs_its_traces_no_higher_than_a_notice(
    tmp_path: Path,
) -> None:
    # A progressive JPEG cut at a tenth of its bytes decodes as a blurred page whose missing
    # part is decoder fill: repeated blocks that copy-move matching takes for a clone.
    from tests.support.fixtures import letter_image

    buffer = io.BytesIO()
    letter_image(240, 340, seed=4).save(buffer, "JPEG", quality=80, progressive=True)
    data = buffer.getvalue()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 10])
    report = analyze(path, only=["file", "forensics"])
    assert {f.code for f in report.findings} >= {"file.partly_decoded"}
    traces = [f for f in report.findings if f.check == "forensics"]
    assert traces, "the fill still shows as a trace, said of the partly decoded page"
    for finding in traces:
        assert finding.severity <= Severity.NOTICE
        assert finding.evidence["page_partly_decoded"] is True
        assert "only partly decoded" in finding.detail


def test_a_band_printed_across_an_untouched_letter_is_a_notice(tmp_path: Path) -> None:
    # A band six grey levels darker across the whole letter, saved at quality 85: its two
    # edges are straight steps in the paper's tone that run from edge to edge of the page, as
    # a printed band's, a fold's or a shadow's do. Noticed, with that said; no warning.
    page = np.asarray(scanned_letter(seed=0).convert("L")).astype(np.int16)
    page[400:700, :] -= 6
    path = tmp_path / "band.jpg"
    Image.fromarray(np.clip(page, 0, 255).astype(np.uint8)).save(path, quality=85)
    report = analyze(path, only=["forensics"], out=tmp_path / "out")
    steps = [f for f in report.findings if f.evidence.get("method") == "paper_tone_steps"]
    assert steps and all(f.evidence["crosses_page"] for f in steps)
    assert all("across the whole page" in f.detail for f in steps)
    assert max(f.severity for f in report.findings) < Severity.WARNING


def test_a_block_pasted_across_a_folds_shadow_still_warns_by_its_paper(tmp_path: Path) -> None:
    # A letter whose lower part lies in a fold's shadow six grey levels darker, edge to edge,
    # with a block of another scan (its paper five levels darker) pasted across that edge:
    # the step line and the block join one region, which is a patch, not a line crossing
    # the page, and warns; the fold's own edge beside it is a line crossing the page.
    page = jpeg(np.asarray(scanned_letter(seed=0).convert("L")), 80).astype(np.int16)
    other = jpeg(np.asarray(scanned_letter(seed=1).convert("L")), 85).astype(np.int16) - 5
    x0, y0, x1, y1 = 203, 597, 861, 803
    page[700:, :] -= 6
    page[y0:y1, x0:x1] = other[y0 + 40 : y1 + 40, x0:x1]
    path = tmp_path / "folded.jpg"
    Image.fromarray(np.clip(page, 0, 255).astype(np.uint8)).save(path, quality=90)
    report = analyze(path, only=["forensics"], out=tmp_path / "out")
    steps = [f for f in report.findings if f.evidence.get("method") == "paper_tone_steps"]
    on_block = [
        f
        for f in steps
        if overlaps(
            (f.regions[0].x, f.regions[0].y, f.regions[0].width, f.regions[0].height),
            (x0, y0, x1 - x0, y1 - y0),
        )
    ]
    assert on_block and all(f.severity >= Severity.WARNING for f in on_block)
    assert all(not f.evidence["crosses_page"] for f in on_block)


@pytest.mark.slow
def test_a_page_analysed_at_reduced_size_says_what_was_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A page over the pixel limit is analysed at reduced size: every method that needs the
    # file's own 8x8 grid is left out, and the notes name each of them.
    import workbench_checks.forensics.check as forensics_check

    monkeypatch.setattr(forensics_check, "MAX_PIXELS", 1_000_000)  # the letter has 2.2 M
    path = save_png(letter_page(seed=3).image, tmp_path / "letter.png")
    notes = " ".join(run(path).results["forensics"]["notes"])
    assert "Page 1 was analysed at 68% of its size" in notes
    assert "double-quantisation map" in notes and "saved copy" in notes
    assert "JPEG ghosts were not computed" in notes and "for viewing only" in notes
