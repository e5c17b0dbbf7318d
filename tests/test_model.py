from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.support.shared import shared_file
from workbench import analyze
from workbench.model import (
    Artifact,
    CheckResult,
    Claims,
    DocumentInfo,
    Finding,
    PageInfo,
    Region,
    Report,
    Severity,
    Status,
    ToolInfo,
)
from workbench.serialize import (
    report_from_dict,
    report_from_json,
    report_to_dict,
    report_to_json,
    validate_report,
)


def sample_report() -> Report:
    finding = Finding(
        check="demo",
        code="demo.thing_seen",
        severity=Severity.WARNING,
        title="Something «دیده شد»",
        detail="<b>markup</b> stays text",
        page=0,
        regions=(Region(1, 2, 3, 4, label="seal", score=0.5),),
        evidence={"n": 3, "nested": {"a": [1, 2]}},
        checklist=("img.clone",),
    )
    artifact = Artifact(
        id="demo/heat",
        kind="tamper_heatmap",
        media_type="image/png",
        path="artifacts/demo/heat.png",
        page=0,
    )
    result = CheckResult(
        name="demo",
        version="2",
        status=Status.OK,
        duration_s=0.25,
        findings=(finding,),
        results={"pages": [{"index": 0}]},
        artifacts=(artifact,),
    )
    skipped = CheckResult(
        name="other", version="1", status=Status.SKIPPED, message="needs exemplars"
    )
    return Report(
        tool=ToolInfo("workbench", "0.1.0"),
        document=DocumentInfo(
            path="x.jpg",
            sha256="a" * 64,
            size_bytes=10,
            media_type="image/jpeg",
            pages=(PageInfo(0, 100, 200, (150.0, 150.0)),),
        ),
        claims=Claims(date="2001-05-14", language="fa", extra={"signatory_title": "مدیر"}),
        checks=(result, skipped),
        findings=(finding,),
        results={"demo": {"pages": [{"index": 0}]}},
        artifacts=(artifact,),
    )


def test_round_trip_is_lossless() -> None:
    report = sample_report()
    assert report_from_json(report_to_json(report)) == report
    assert report_from_dict(report_to_dict(report)) == report


def test_serialised_report_validates_against_contract() -> None:
    validate_report(report_to_dict(sample_report()))


def test_contract_copy_matches_shared_contract() -> None:
    # The contract's master copy lives in ../shared: skipped (with the reason) in a plain clone.
    shared_schema = shared_file("contract", "report.schema.json")
    from workbench.serialize import report_schema

    assert report_schema() == json.loads(shared_schema.read_text("utf-8"))


def test_invalid_report_is_rejected() -> None:
    data = report_to_dict(sample_report())
    data["findings"][0]["severity"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        validate_report(data)


def test_severity_order_and_parse() -> None:
    assert Severity.INFO < Severity.NOTICE < Severity.WARNING < Severity.CRITICAL
    assert Severity.parse("critical") is Severity.CRITICAL
    with pytest.raises(ValueError):
        Severity.parse("bad")


def test_real_report_round_trips(jpeg_letter: Path) -> None:
    """Every installed check's real output survives JSON and back unchanged."""
    report = analyze(jpeg_letter, claims={"date": "2001-05-14", "language": "fa"})
    data = report_to_dict(report)
    validate_report(data)
    assert report_from_dict(json.loads(json.dumps(data))) == report
    assert report.highest_severity() == max(f.severity for f in report.findings)
    assert "file.sha256" in {f.code for f in report.findings}


def test_region_geometry() -> None:
    a, b = Region(0, 0, 10, 10), Region(5, 5, 10, 10)
    assert a.area() == 100 and a.intersection(b) == 25
    assert a.intersection(Region(20, 20, 1, 1)) == 0
