"""Document: the page with its evidence drawn over it, and the findings beside it."""

from __future__ import annotations

import html
import json
from typing import Any

import streamlit as st

from workbench.app.case_panel import shared_with_others
from workbench.app.shared import (
    artifact_image,
    check_explanations,
    choose_document,
    document_links,
    get_checklist,
    get_store,
    md,
    page_images,
    store_path,
)
from workbench.casework import load_review
from workbench.errors import StoreError
from workbench.export.layers import (
    crop_around,
    draw_boxes,
    draw_picture,
    finding_boxes,
    page_layers,
    page_pictures,
)
from workbench.model import Finding, Report

st.title("Document")
sha = choose_document()
if sha is None:
    st.stop()
store = get_store()
review = load_review(store, sha)
report = review.report
document_links(sha)
st.subheader(md(review.document.original_name))
st.caption(
    f"SHA-256 `{sha}` · {review.document.media_type} · {review.document.size_bytes:,} bytes · "
    f"first received {review.document.first_seen}"
)
if review.claims is not None:
    claimed = {k: v for k, v in vars(review.claims.claims).items() if k != "extra" and v}
    if claimed:
        with st.expander("What is claimed about the document", expanded=False):
            st.dataframe(
                [{"claim": k, "value": str(v)} for k, v in claimed.items()], hide_index=True
            )
if report is None:
    run = review.run
    st.error(
        "This document has no successful analysis"
        + (f": {md(run.error)}" if run is not None and run.error else ".")
    )
    st.stop()

checks = {c.name: c for c in report.checks}
problems = [c for c in report.checks if c.status.value != "ok"]
if problems:
    with st.expander(f"{len(problems)} check(s) did not run fully"):
        for c in problems:
            st.text(f"{c.name} {c.status.value}: {c.message or ''}")


def _finding_key(index: int) -> str:
    return f"highlight-{sha}-{index}"


def _no_page_image(report: Report) -> str:
    """Why there is no page to show: a text document, or an image whose pixels did not decode."""
    media_type = report.document.media_type
    if media_type.startswith("text/"):
        return "A text document: there is no page image; its text is below."
    undecoded = (report.results.get("file") or {}).get("undecoded")
    why = f": {md(str(undecoded))}" if undecoded else " (the file check says why)"
    if media_type.startswith("image/"):
        what = f"An image ({md(media_type)})"
    else:
        what = f"A file ({md(media_type)})"
    return (
        f"{what} whose pixels could not be decoded{why}. The checks that read its bytes ran; "
        "the findings beside this say what they observed."
    )


highlight: int | None = st.session_state.get(f"highlight-{sha}")
findings = list(report.findings)
if review.original_problem is not None:
    st.error(f"The stored original is not shown: {md(review.original_problem)}")
verified = review.original_problem is None
pages = page_images(sha, store_path()) if report.document.pages and verified else []

view, side = st.columns([3, 2], gap="large")
with view:
    if pages:
        page = 0
        if len(pages) > 1:
            page = st.number_input("Page", 1, len(pages), 1) - 1
        layers = {layer.label: layer for layer in page_layers(report, page)}
        shown = st.multiselect(
            "Overlays",
            list(layers),
            default=[k for k, layer in layers.items() if layer.default],
            key=f"layers-{sha}",
        )
        run_id = review.run.id if review.run else -1
        pictures = {p.artifact.id: p for p in page_pictures(report, page)}
        choices = ["page", *pictures]
        background = st.radio(
            "Background",
            choices,
            index=next(
                (i for i, k in enumerate(choices) if k in pictures and pictures[k].layer.default), 0
            ),
            horizontal=True,
            format_func=lambda k: "the page" if k == "page" else md(k.split("/", 1)[-1]),
            key=f"background-{sha}",
        )
        image = pages[page]
        try:
            if background in pictures:
                picture = artifact_image(sha, background, run_id, store_path())
                image = draw_picture(image, pictures[background], picture)
        except (KeyError, OSError, StoreError) as exc:
            st.warning(f"That artifact could not be read from the store: {md(str(exc))}")
        boxes = [b for name in shown for b in layers[name].boxes]
        focus = []
        if highlight is not None and highlight < len(findings) and findings[highlight].page == page:
            focus = finding_boxes(findings[highlight], highlight=True)
        zoom = st.select_slider("Zoom", [1.0, 1.5, 2.0, 3.0, 4.0], value=1.0, key=f"zoom-{sha}")
        drawn = draw_boxes(image, [*boxes, *focus])
        crop, _ = crop_around(drawn, focus, zoom)
        st.image(
            crop,
            width="stretch",
            caption=f"Page {page + 1} · {pages[page].width}x{pages[page].height} px",
        )
    else:
        st.info(_no_page_image(report))

with side:
    st.markdown("#### Findings by checklist item")
    checklist = get_checklist()
    linked = checklist.linked_findings(findings)
    index_of = {id(f): i for i, f in enumerate(findings)}
    explanations = check_explanations()

    def _show(finding: Finding) -> None:
        i = index_of[id(finding)]
        where = f" · page {finding.page + 1}" if finding.page is not None else ""
        with st.expander(f"{finding.severity.label.upper()} · {md(finding.title)}{where}"):
            st.caption(md(finding.code))
            st.text(finding.detail)
            if finding.check in explanations:
                st.caption(
                    f"What the {finding.check} check can and cannot show: "
                    f"{explanations[finding.check]}"
                )
            if finding.evidence:
                st.json(finding.evidence, expanded=False)
            if finding.regions:
                st.button(
                    "Highlight on the page",
                    key=f"{_finding_key(i)}-{id(finding) % 10_000}-{finding.code}",
                    on_click=st.session_state.__setitem__,
                    args=(f"highlight-{sha}", i),
                )

    shown_any = set()
    for section in checklist.sections:
        items = [(item, linked[item.id]) for item in section.items if linked[item.id]]
        if not items:
            continue
        st.markdown(f"**{section.title}**")
        for item, item_findings in items:
            st.caption(f"{item.id} — {md(item.question)}")
            for finding in item_findings:
                if id(finding) in shown_any:
                    continue
                shown_any.add(id(finding))
                _show(finding)
    rest = [f for f in findings if id(f) not in shown_any]
    if rest:
        st.markdown("**Other findings**")
        for finding in rest:
            _show(finding)
    if not findings:
        st.success("No findings.")

st.divider()
ocr_pages: list[dict[str, Any]] = [
    p for p in report.results.get("ocr", {}).get("pages", []) if isinstance(p, dict)
]
text_left, text_right = st.columns(2)
with text_left:
    st.markdown("#### Text")
    if ocr_pages:
        for p in ocr_pages:
            st.caption(f"OCR, page {int(p.get('index', 0)) + 1} ({p.get('language', '')})")
            st.html(
                '<div dir="rtl" lang="fa" style="text-align:right;white-space:pre-wrap;'
                f'font-size:1.1rem">{html.escape(str(p.get("text", "")))}</div>'
            )
    elif checks.get("ocr") is not None:
        st.info(f"OCR: {md(checks['ocr'].message or 'no text found')}")
    else:
        st.info("OCR did not run on this document.")
with text_right:
    st.markdown("#### Translation supplied")
    if review.translation:
        st.text(review.translation)
    else:
        st.caption("No translation was uploaded with this document.")

metadata = report.results.get("metadata")
if isinstance(metadata, dict):
    st.markdown("#### Metadata")
    summary = metadata.get("summary", {})
    st.dataframe(
        [{"field": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in summary.items()]
    )
    with st.expander("All metadata"):
        st.json({k: v for k, v in metadata.items() if k != "summary"}, expanded=False)
compression = report.results.get("compression")
if isinstance(compression, dict):
    st.markdown("#### Compression")
    st.dataframe(
        [
            {"field": k, "value": json.dumps(v, ensure_ascii=False)[:300]}
            for k, v in compression.items()
            if k != "quantization_tables"
        ]
    )
    tables = compression.get("quantization_tables")
    if tables:
        with st.expander("Quantization tables"):
            st.json(tables, expanded=False)
with st.expander("Checks and their explanations"):
    for c in report.checks:
        st.markdown(f"**{c.name}** {c.version} — {c.status.value}, {c.duration_s:.2f} s")
        if c.name in explanations:
            st.caption(explanations[c.name])
shared_with_others(store, sha)
