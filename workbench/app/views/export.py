"""Export: the reviewed document as HTML, JSON, Markdown or a schema.org ClaimReview."""

from __future__ import annotations

import streamlit as st

from workbench.app.shared import (
    artifact_image,
    choose_document,
    document_links,
    get_store,
    md,
    page_images,
    store_path,
)
from workbench.casework import load_review
from workbench.errors import UsageError
from workbench.export.casefile import export_review
from workbench.export.html import page_previews

LABELS = {
    "html": "HTML report (printable, self-contained)",
    "json": "JSON (report, claims, checklist, sign-offs, audit)",
    "md": "Markdown",
    "claimreview": "ClaimReview JSON-LD (schema.org) of the verdict",
    "csv": "CSV of the list rows (names with their Latin spellings)",
}

st.title("Export")
sha = choose_document()
if sha is None:
    st.stop()
store = get_store()
review = load_review(store, sha)
document_links(sha)
st.subheader(md(review.document.original_name))

previews = []
if review.report is not None and review.report.document.pages:
    run_id = review.run.id if review.run else -1
    previews = page_previews(
        review.report,
        page_images(sha, store_path()),
        lambda artifact: artifact_image(review.document.sha256, artifact.id, run_id, store_path()),
    )

for fmt, label in LABELS.items():
    try:
        data, media_type, name = export_review(review, fmt, previews)
    except UsageError as exc:
        st.button(label, disabled=True, key=f"export-{fmt}", help=str(exc))
        st.caption(f"{label}: {md(str(exc))}")
        continue
    st.download_button(label, data, file_name=name, mime=media_type, key=f"export-{fmt}")
