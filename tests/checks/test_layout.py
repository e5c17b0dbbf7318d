from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from workbench_checks.layout.line_findings import agreed

from workbench import analyze
from workbench.cli import main
from workbench.model import Region, Report, Severity
from workbench.serialize import report_to_dict, validate_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ALL_EXEMPLARS = [SAMPLES / "exemplars" / f"exemplar_0{i}.png" for i in (1, 2, 3, 4)]
EXEMPLARS = ALL_EXEMPLARS[:2]


def truth_box(name: str) -> Region:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    doc = next(d for d in manifest["documents"] if d["path"] == name)
    x, y, w, h = doc["tampering"][0]["box"]
    return Region(x, y, w, h)


def layout(path: Path, references: list[Path], out: Path | None = None) -> Report:
    report = analyze(path, references=references, only=["layout"], out=out)
    validate_report(report_to_dict(report))
    result = report.check("layout")
    assert result is not None and result.status.value == "ok", result
    return report


def codes(report: Report) -> list[str]:
    return [f.code for f in report.findings]


@pytest.mark.slow
def test_moved_letterhead_found_with_region_and_overlay(tmp_path: Path) -> None:
    name = "tampered/t08_letterhead_shift.png"
    report = layout(SAMPLES / name, EXEMPLARS, out=tmp_path)
    found = [f for f in report.findings if f.code == "layout.letterhead_changed"]
    assert found and all(f.severity == Severity.WARNING for f in found)
    truth = truth_box(name)
    assert any(r.intersection(truth) > 0 for f in found for r in f.regions)
    emblem = found[0]
    assert emblem.evidence["scale"] == pytest.approx(1.07, abs=0.015)
    assert emblem.evidence["shift_mm"] is not None
    assert "form.template" in emblem.checklist
    assert not any("forged" in f.detail.lower() for f in report.findings)
    comparisons = report.results["layout"]["comparisons"]
    assert [c["registered"] for c in comparisons] == [True, True]
    assert all(c["changed_regions"] and 0 <= c["similarity"] <= 1 for c in comparisons)
    kinds = {a.kind for a in report.artifacts}
    assert {"layout_overlay", "layout_difference"} <= kinds
    overlay = next(a for a in report.artifacts if a.kind == "layout_overlay")
    (written,) = tmp_path.rglob(overlay.path)
    with Image.open(written) as img:
        assert img.mode == "RGB" and img.width > 500


@pytest.mark.slow
def test_untampered_control_raises_nothing() -> None:
    # With all four exemplars (two signatories) the template holds only what the office's
    # letters truly share, and the untampered letter differs from it nowhere.
    report = layout(SAMPLES / "genuine/control_01.png", ALL_EXEMPLARS)
    assert not [f for f in report.findings if f.severity >= Severity.NOTICE]
    sims = [c["similarity"] for c in report.results["layout"]["comparisons"]]
    assert all(s > 0.9 for s in sims)


@pytest.mark.slow
@pytest.mark.parametrize("references", [[], EXEMPLARS[:1]])
def test_retyped_line_found_with_and_without_exemplar(references: list[Path]) -> None:
    name = "tampered/t04_retype_line.png"
    report = layout(SAMPLES / name, references)
    found = [f for f in report.findings if f.code == "layout.line_typography"]
    truth = truth_box(name)
    assert found and all(r.intersection(truth) > 0 for f in found for r in f.regions)
    assert found[0].checklist == ("img.retyped",)
    if not references:
        assert "skipped" in (report.check("layout").message or "")


def test_unrelated_documents_are_not_registered(tmp_path: Path) -> None:
    # A list of names on an A4 page shares no template with the office's letters.
    report = layout(SAMPLES / "lists/names_149_scan.jpg", EXEMPLARS[:1])
    (refused,) = [f for f in report.findings if f.code == "layout.not_registered"]
    assert refused.severity == Severity.INFO
    assert "do not appear to share a template" in refused.detail
    (comparison,) = report.results["layout"]["comparisons"]
    assert comparison["registered"] is False and comparison["similarity"] is None
    assert comparison["changed_regions"] == []


def test_text_document_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("نامه", encoding="utf-8")
    report = analyze(path, only=["layout"])
    result = report.check("layout")
    assert result is not None and result.status.value == "skipped"


def test_blank_page_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("L", (600, 850), 255).save(path)
    report = layout(path, [SAMPLES / "exemplars/exemplar_01.png"])
    assert codes(report) == ["layout.not_registered"]


@pytest.mark.slow
def test_command_line_reports_letterhead_and_writes_overlay(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(
        main,
        [
            "check",
            str(SAMPLES / "tampered/t08_letterhead_shift.png"),
            "--reference",
            str(EXEMPLARS[0]),
            "--only",
            "layout",
            "--format",
            "json",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    found = [f for f in data["findings"] if f["code"] == "layout.letterhead_changed"]
    assert found and found[0]["regions"]
    overlays = [a for a in data["artifacts"] if a["kind"] == "layout_overlay"]
    assert overlays and len(list(out.rglob(overlays[0]["path"]))) == 1


def test_a_row_compared_where_an_exemplar_has_no_line_does_not_outvote_the_lines_at_the_place() -> (
    None
):
    place, row = {"match": "place"}, {"match": "row"}
    # Two exemplars' lines at the same place agree; the third had no line there, and its
    # nearest text row did not stand out: the line still counts.
    assert agreed([place, place], seen=3, placed=2)
    # Every comparison agrees, rows included.
    assert agreed([place, row, row], seen=3, placed=1)
    # One exemplar's line at the place does not agree: not enough.
    assert not agreed([place, row], seen=3, placed=2)
    # A single exemplar is never enough.
    assert not agreed([place], seen=1, placed=1)
