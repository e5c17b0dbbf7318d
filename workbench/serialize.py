"""The one place where reports become contract JSON and contract JSON becomes reports.

The JSON shape is `workbench/contract/report.schema.json`; `validate_report` checks a dict
against it. `report_from_dict(report_to_dict(r)) == r` for every report the pipeline makes.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

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

CLAIM_FIELDS = ("date", "author", "addressee", "office", "language", "source")
#: Claims that are numbers, not text.
NUMBER_CLAIM_FIELDS = ("count",)


def region_to_dict(region: Region) -> dict[str, Any]:
    """A region as the contract's ``$defs/region`` object."""
    out: dict[str, Any] = {
        "x": region.x,
        "y": region.y,
        "width": region.width,
        "height": region.height,
    }
    if region.label is not None:
        out["label"] = region.label
    if region.score is not None:
        out["score"] = region.score
    return out


def region_from_dict(data: dict[str, Any]) -> Region:
    """Inverse of `region_to_dict`."""
    return Region(
        x=int(data["x"]),
        y=int(data["y"]),
        width=int(data["width"]),
        height=int(data["height"]),
        label=data.get("label"),
        score=data.get("score"),
    )


def claims_to_dict(claims: Claims) -> dict[str, Any]:
    """Claims as the contract's ``claims`` object (extra keys kept beside the named ones)."""
    out: dict[str, Any] = dict(claims.extra)
    for name in (*CLAIM_FIELDS, *NUMBER_CLAIM_FIELDS):
        value = getattr(claims, name)
        if value is not None:
            out[name] = value
    return out


def claims_from_dict(data: dict[str, Any]) -> Claims:
    """Inverse of `claims_to_dict`; unknown keys go to ``extra``."""
    fields = (*CLAIM_FIELDS, *NUMBER_CLAIM_FIELDS)
    named = {k: data[k] for k in fields if data.get(k) is not None}
    extra = {k: v for k, v in data.items() if k not in fields}
    return Claims(**named, extra=extra)


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as the contract's finding object."""
    return {
        "check": finding.check,
        "code": finding.code,
        "severity": finding.severity.label,
        "title": finding.title,
        "detail": finding.detail,
        "page": finding.page,
        "regions": [region_to_dict(r) for r in finding.regions],
        "evidence": finding.evidence,
        "checklist": list(finding.checklist),
    }


def finding_from_dict(data: dict[str, Any]) -> Finding:
    """Inverse of `finding_to_dict`."""
    return Finding(
        check=data["check"],
        code=data["code"],
        severity=Severity.parse(data["severity"]),
        title=data["title"],
        detail=data["detail"],
        page=data.get("page"),
        regions=tuple(region_from_dict(r) for r in data.get("regions", ())),
        evidence=dict(data.get("evidence", {})),
        checklist=tuple(data.get("checklist", ())),
    )


def artifact_to_dict(artifact: Artifact) -> dict[str, Any]:
    """An artifact as the contract's artifact object."""
    return {
        "id": artifact.id,
        "kind": artifact.kind,
        "page": artifact.page,
        "media_type": artifact.media_type,
        "path": artifact.path,
    }


def artifact_from_dict(data: dict[str, Any]) -> Artifact:
    """Inverse of `artifact_to_dict`."""
    return Artifact(
        id=data["id"],
        kind=data["kind"],
        media_type=data["media_type"],
        path=data["path"],
        page=data.get("page"),
    )


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict in the shape of the report contract."""
    doc = report.document
    return {
        "schema_version": report.schema_version,
        "tool": {"name": report.tool.name, "version": report.tool.version},
        "document": {
            "path": doc.path,
            "sha256": doc.sha256,
            "size_bytes": doc.size_bytes,
            "media_type": doc.media_type,
            "pages": [
                {
                    "index": p.index,
                    "width": p.width,
                    "height": p.height,
                    "dpi": list(p.dpi) if p.dpi is not None else None,
                }
                for p in doc.pages
            ],
        },
        "claims": claims_to_dict(report.claims) if report.claims is not None else None,
        "checks": [
            {
                "name": c.name,
                "version": c.version,
                "status": c.status.value,
                "message": c.message,
                "duration_s": c.duration_s,
            }
            for c in report.checks
        ],
        "findings": [finding_to_dict(f) for f in report.findings],
        "results": report.results,
        "artifacts": [artifact_to_dict(a) for a in report.artifacts],
    }


def report_from_dict(data: dict[str, Any]) -> Report:
    """Rebuild a report from contract JSON.

    Per-check findings and artifacts are regrouped from the report's flat lists by check name,
    so a report read back compares equal to the one that was written.
    """
    findings = tuple(finding_from_dict(f) for f in data["findings"])
    artifacts = tuple(artifact_from_dict(a) for a in data["artifacts"])
    results = dict(data["results"])
    checks = []
    for c in data["checks"]:
        name = c["name"]
        checks.append(
            CheckResult(
                name=name,
                version=c["version"],
                status=Status(c["status"]),
                message=c.get("message"),
                duration_s=float(c.get("duration_s", 0.0)),
                findings=tuple(f for f in findings if f.check == name),
                results=results.get(name),
                artifacts=tuple(a for a in artifacts if a.id.startswith(f"{name}/")),
            )
        )
    doc = data["document"]
    return Report(
        schema_version=data["schema_version"],
        tool=ToolInfo(name=data["tool"]["name"], version=data["tool"]["version"]),
        document=DocumentInfo(
            path=doc["path"],
            sha256=doc["sha256"],
            size_bytes=doc["size_bytes"],
            media_type=doc["media_type"],
            pages=tuple(
                PageInfo(
                    index=p["index"],
                    width=p["width"],
                    height=p["height"],
                    dpi=(float(p["dpi"][0]), float(p["dpi"][1])) if p.get("dpi") else None,
                )
                for p in doc["pages"]
            ),
        ),
        claims=claims_from_dict(data["claims"]) if data.get("claims") is not None else None,
        checks=tuple(checks),
        findings=findings,
        results=results,
        artifacts=artifacts,
    )


def report_to_json(report: Report, indent: int | None = 2) -> str:
    """The report as contract JSON text (UTF-8 characters kept readable, not escaped)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=indent)


def report_from_json(text: str) -> Report:
    """Inverse of `report_to_json`."""
    return report_from_dict(json.loads(text))


@cache
def report_schema() -> dict[str, Any]:
    """The report contract this version of the workbench writes."""
    text = resources.files("workbench.contract").joinpath("report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_report(data: dict[str, Any]) -> None:
    """Raise `jsonschema.ValidationError` when `data` does not follow the report contract."""
    import jsonschema  # only validation needs it: kept out of every command's start-up

    validator = jsonschema.Draft202012Validator(report_schema())
    validator.validate(data)
