"""Exports of a reviewed document: HTML, JSON, Markdown and a schema.org ClaimReview.

Each export carries the report, the claims, the reviewers' checklist answers, sign-offs and
audit trail. Strings that came from the document or from people are escaped for the target
format (HTML by Jinja's autoescaping, Markdown by `escape_markdown`), so a ``<script>`` or a
Markdown link in metadata is shown as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

from workbench._version import __version__
from workbench.casework import Review, require_report
from workbench.checklist import Checklist, load_checklist
from workbench.errors import UsageError
from workbench.export.html import SEVERITY_COLOURS, Preview, template_environment
from workbench.model import Finding
from workbench.provenance import Link, provenance_links
from workbench.serialize import claims_to_dict, finding_to_dict, report_to_dict

VERDICT_LABELS = {
    "authentic_as_claimed": "Authentic as claimed",
    "not_as_claimed": "Not as claimed",
    "unverified": "Unverified",
    "disputed": "Disputed (reviewers disagree)",
}
#: ClaimReview ratings: 1 = worst (not as claimed) to 3 = best (authentic as claimed).
RATINGS = {"not_as_claimed": 1, "unverified": 2, "authentic_as_claimed": 3}
EXPORT_FORMATS = {
    "html": ("text/html", "html"),
    "json": ("application/json", "json"),
    "md": ("text/markdown", "md"),
    "claimreview": ("application/ld+json", "claimreview.jsonld"),
    "csv": ("text/csv", "rows.csv"),
}
#: Columns of the list rows export, in order.
ROW_COLUMNS = (
    "index",
    "number",
    "name",
    "surname",
    "father",
    "full_name",
    "latin",
    "other",
    "page",
    "confidence",
)
#: First characters that make a spreadsheet read a CSV cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Characters of JSON text that could end or open markup when it sits inside <script>; the
#: escapes are the same JSON strings.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
# Characters that start emphasis, code, links, images, HTML, tables or headings. The text is
# flattened to one line inside other text, so list and numbering markers (- + .) cannot start
# a block and are left readable.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~$])")


def escape_markdown(text: str) -> str:
    """`text` with every Markdown-significant character backslash-escaped, on one line."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def _ocr_texts(review: Review) -> list[str]:
    report = review.report
    if report is None:
        return []
    pages = report.results.get("ocr", {}).get("pages", [])
    return [str(p.get("text", "")) for p in pages if isinstance(p, dict)]


def _sections(review: Review, checklist: Checklist) -> list[dict[str, Any]]:
    findings: Sequence[Finding] = review.report.findings if review.report else ()
    linked = checklist.linked_findings(findings)
    return [
        {
            "title": section.title,
            "rows": [
                {
                    "item": item,
                    "answer": review.answers.get(item.id),
                    "findings": linked[item.id],
                }
                for item in section.items
            ],
        }
        for section in checklist.sections
    ]


PROVENANCE_NOTE = (
    "Links only, opened by the reviewer: the workbench makes no request and sends no document "
    "data. Reverse image search engines cannot open a local file, so each link opens the "
    "engine's page, where the reviewer may upload the page image."
)


def _links(review: Review) -> list[Link]:
    return provenance_links(review.claims.claims.source if review.claims else None)


def review_html(
    review: Review, previews: Sequence[Preview] = (), checklist: Checklist | None = None
) -> str:
    """A printable, self-contained HTML report of the reviewed document."""
    checklist = checklist or load_checklist()
    item = None
    if review.report is not None:
        item = {
            "report": review.report,
            "findings": [finding_to_dict(f) for f in review.report.findings],
            "previews": list(previews),
        }
    return (
        template_environment()
        .get_template("review.html")
        .render(
            title=f"Review of {review.document.original_name}",
            document=review.document,
            original_problem=review.original_problem,
            verdict=review.verdict,
            verdict_labels=VERDICT_LABELS,
            signoffs=review.signoffs,
            sections=_sections(review, checklist),
            translation=review.translation,
            ocr_pages=_ocr_texts(review),
            item=item,
            audit=review.audit,
            links=_links(review),
            provenance_note=PROVENANCE_NOTE,
            colours=SEVERITY_COLOURS,
            version=__version__,
        )
    )


def review_json(review: Review) -> dict[str, Any]:
    """The review as one JSON object: ``report`` follows the report contract."""
    return {
        "document": {
            "sha256": review.document.sha256,
            "original_name": review.document.original_name,
            "media_type": review.document.media_type,
            "size_bytes": review.document.size_bytes,
            "first_seen": review.document.first_seen,
            "original_verified": review.original_problem is None,
            "original_problem": review.original_problem,
        },
        "report": report_to_dict(review.report) if review.report else None,
        "claims": claims_to_dict(review.claims.claims) if review.claims else None,
        "translation": review.translation,
        "checklist": {
            item_id: {
                "answer": a.answer,
                "note": a.note,
                "reviewer": a.reviewer,
                "updated": a.updated,
                "version": a.version,
            }
            for item_id, a in sorted(review.answers.items())
        },
        "provenance_links": [
            {"label": link.label, "url": link.url, "what": link.what} for link in _links(review)
        ],
        "verdict": review.verdict,
        "signoffs": [
            {"reviewer": s.reviewer, "verdict": s.verdict, "reason": s.reason, "signed": s.signed}
            for s in review.signoffs
        ],
        "audit": [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "old": e.old_value,
                "new": e.new_value,
            }
            for e in review.audit
        ],
    }


def review_markdown(review: Review, checklist: Checklist | None = None) -> str:
    """The review as Markdown, every document-supplied string escaped."""
    checklist = checklist or load_checklist()
    doc = review.document
    out = [
        f"# Review of {escape_markdown(doc.original_name)}",
        "",
        f"- SHA-256: `{doc.sha256}`",
        f"- Type: {escape_markdown(doc.media_type)}, {doc.size_bytes} bytes",
        f"- Verdict: {VERDICT_LABELS.get(review.verdict or '', 'not signed off')}",
    ]
    if review.original_problem is not None:
        out.append(
            f"- **Stored original not verified:** {escape_markdown(review.original_problem)}"
        )
    for s in review.signoffs:
        out.append(
            f"- Signed off by {escape_markdown(s.reviewer)} ({s.signed}): "
            f"{VERDICT_LABELS.get(s.verdict, s.verdict)}. {escape_markdown(s.reason)}"
        )
    if review.claims is not None:
        out += ["", "## Claims", ""]
        for key, value in claims_to_dict(review.claims.claims).items():
            out.append(f"- {escape_markdown(key)}: {escape_markdown(str(value))}")
    out += ["", "## Findings", ""]
    findings = review.report.findings if review.report else ()
    for f in findings:
        page = f" (page {f.page + 1})" if f.page is not None else ""
        out.append(
            f"- **{f.severity.label}** `{f.code}`{page}: {escape_markdown(f.title)}. "
            f"{escape_markdown(f.detail)}"
        )
    if not findings:
        out.append("- none")
    out += ["", "## Checklist", ""]
    for section in _sections(review, checklist):
        out += [f"### {section['title']}", ""]
        for row in section["rows"]:
            answer = row["answer"]
            state = (
                f"{answer.answer.replace('_', ' ')} ({escape_markdown(answer.reviewer)})"
                + (f": {escape_markdown(answer.note)}" if answer.note else "")
                if answer
                else "unanswered"
            )
            out.append(f"- `{row['item'].id}` {row['item'].question} — {state}")
        out.append("")
    out += ["## Provenance links", "", PROVENANCE_NOTE, ""]
    for link in _links(review):
        out.append(f"- [{escape_markdown(link.label)}]({link.url}): {link.what}")
    out += ["", "## Audit trail", ""]
    for e in review.audit:
        target = f" `{e.target}`" if e.target else ""
        out.append(f"- {e.at} {escape_markdown(e.actor)}: {e.action}{target}")
    if not review.audit:
        out.append("- no reviewer actions recorded")
    return "\n".join(out) + "\n"


def claim_review(review: Review) -> dict[str, Any]:
    """A schema.org ``ClaimReview`` of the reviewers' verdict.

    Raises `UsageError` when there is no agreed verdict: the verdict is the reviewers', and
    the workbench does not make one up.
    """
    verdict = review.verdict
    if verdict is None:
        raise UsageError("no reviewer has signed off this document; there is no verdict to export")
    if verdict == "disputed":
        raise UsageError("the reviewers' verdicts disagree; resolve them before exporting")
    report = require_report(review)
    claims = review.claims.claims if review.claims else None
    claimed_parts = [f"The document {review.document.original_name!r}"]
    if claims is not None:
        if claims.author:
            claimed_parts.append(f"was signed by {claims.author}")
        if claims.office:
            claimed_parts.append(f"of {claims.office}")
        if claims.addressee:
            claimed_parts.append(f"addressed to {claims.addressee}")
        if claims.date:
            claimed_parts.append(f"on {claims.date}")
    item: dict[str, Any] = {
        "@type": "CreativeWork",
        "name": review.document.original_name,
        "encodingFormat": report.document.media_type,
        "sha256": review.document.sha256,
    }
    if claims is not None and claims.author:
        item["author"] = {"@type": "Person", "name": claims.author}
    if claims is not None and claims.date:
        item["dateCreated"] = claims.date
    if claims is not None and claims.language:
        item["inLanguage"] = claims.language
    if claims is not None and claims.source:
        item["sourceOrganization"] = claims.source
    latest = max(review.signoffs, key=lambda s: s.signed)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "datePublished": latest.signed[:10],
        "claimReviewed": " ".join(claimed_parts),
        "itemReviewed": item,
        "author": [{"@type": "Person", "name": s.reviewer} for s in review.signoffs],
        "reviewBody": " ".join(s.reason for s in review.signoffs),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS[verdict],
            "bestRating": 3,
            "worstRating": 1,
            "alternateName": VERDICT_LABELS[verdict],
        },
    }


def list_rows_csv(review: Review) -> str:
    """The rows the lists check read, as CSV (Latin spellings joined by « | »).

    Raises:
        UsageError: the document's report has no list rows.

    """
    report = require_report(review)
    rows = (report.results.get("lists") or {}).get("rows")
    if not rows:
        raise UsageError(
            f"document {review.document.sha256[:12]} has no list rows (the lists check found "
            "no list in it, or did not run)"
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ROW_COLUMNS)
    for row in rows:
        values = []
        for column in ROW_COLUMNS:
            value = row.get(column)
            if isinstance(value, list):
                value = " | ".join(str(v) for v in value)
            values.append("" if value is None else spreadsheet_text(value))
        writer.writerow(values)
    return buffer.getvalue()


def spreadsheet_text(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text, never evaluates as a formula.

    Names come from the document: a cell starting with = + - @ (or a tab or carriage return)
    would run as a formula when the file is opened in a spreadsheet, so such text gets a
    leading apostrophe. Numbers are kept as they are.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def export_review(
    review: Review, fmt: str, previews: Sequence[Preview] = ()
) -> tuple[bytes, str, str]:
    """(content, media type, file name) of `review` in format `fmt` (see EXPORT_FORMATS)."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    media_type, suffix = EXPORT_FORMATS[fmt]
    stem = re.sub(r"[^\w.-]+", "_", review.document.original_name.rsplit(".", 1)[0])[:60]
    name = f"{stem or 'document'}-{review.document.sha256[:12]}.{suffix}"
    if fmt == "html":
        text = review_html(review, previews)
    elif fmt == "json":
        text = json.dumps(review_json(review), ensure_ascii=False, indent=2)
    elif fmt == "md":
        text = review_markdown(review)
    elif fmt == "csv":
        text = list_rows_csv(review)
    else:
        # JSON-LD is pasted into a page's <script> element: no string may close it
        text = json.dumps(claim_review(review), ensure_ascii=False, indent=2)
        text = text.translate(_SCRIPT_SAFE)
    return text.encode("utf-8"), media_type, name
