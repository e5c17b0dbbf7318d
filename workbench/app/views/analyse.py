"""Analyse: upload documents with the claims made about them, run the checks, store results."""

from __future__ import annotations

import streamlit as st

from workbench.app.shared import DOCUMENT_PAGE, get_store, md, reviewer_name
from workbench.claims import parse_claims
from workbench.errors import WorkbenchError
from workbench.limits import Limits
from workbench.pipeline import ProgressEvent
from workbench.registry import discover
from workbench.review import Upload, analyse_upload

DOCUMENT_TYPES = [
    *("jpg", "jpeg", "png", "tif", "tiff", "bmp", "webp", "heic", "heif", "pdf"),
    *("txt", "html", "htm"),
]
LANGUAGES = {
    "": "not claimed",
    "fa": "Persian (fa)",
    "ar": "Arabic (ar)",
    "en": "English (en)",
    "ur": "Urdu (ur)",
    "ps": "Pashto (ps)",
    "ckb": "Kurdish, Sorani (ckb)",
}


class ProgressPanel:
    """Shows a document's checks as they run: a bar, then one line per finished check."""

    def __init__(self) -> None:
        self.bar = st.progress(0.0)
        self.lines = st.empty()
        self.log: list[str] = []

    def __call__(self, event: ProgressEvent) -> None:
        """Update the panel for one pipeline event."""
        total = max(event.total, 1)
        if event.status is None:
            self.bar.progress(
                event.index / total, text=f"{event.check} ({event.index + 1}/{event.total})"
            )
            return
        self.log.append(f"{event.check}: {event.status.value} ({event.duration_s or 0:.1f} s)")
        self.lines.text("\n".join(self.log))
        self.bar.progress((event.index + 1) / total)


st.title("Analyse")
reviewer = reviewer_name()
limits = Limits.from_env()
st.caption(
    f"Files up to {limits.max_file_bytes // (1024 * 1024)} MB each; pages up to "
    f"{limits.max_pixels:,} pixels. Originals are stored read-only and never modified."
)

documents = st.file_uploader(
    "Documents to analyse (scans, PDFs, text or HTML pages)",
    type=DOCUMENT_TYPES,
    accept_multiple_files=True,
    key="uploads",
)
exemplars = st.file_uploader(
    "Genuine exemplars of the same issuer to compare against (optional)",
    type=DOCUMENT_TYPES,
    accept_multiple_files=True,
    key="exemplars",
)
translation = st.file_uploader(
    "Translation supplied with the document (optional, text)",
    type=["txt", "html", "htm"],
    key="translation",
)

st.markdown("#### What is claimed about the document")
left, right = st.columns(2)
claimed_date = left.text_input("Date the document bears (YYYY-MM-DD)", key="claim_date")
author = left.text_input("Author or signatory", key="claim_author")
addressee = left.text_input("Addressee", key="claim_addressee")
office = right.text_input("Issuing office", key="claim_office")
language = right.selectbox(
    "Language", list(LANGUAGES), format_func=LANGUAGES.__getitem__, key="claim_language"
)
source = right.text_input("Source (who supplied it, how, when)", key="claim_source")

names = discover().names()
only = st.multiselect("Checks to run", names, default=names, key="checks")

if not reviewer:
    st.info("Type your name in the sidebar to analyse: uploads are recorded with their reviewer.")
go = st.button("Analyse", type="primary", disabled=not (documents and reviewer and only))
if go:
    fields = {
        "date": claimed_date,
        "author": author,
        "addressee": addressee,
        "office": office,
        "language": language,
        "source": source,
    }
    claims = None
    try:
        given = {k: v.strip() for k, v in fields.items() if v and v.strip()}
        claims = parse_claims(given) if given else None
    except WorkbenchError as exc:
        st.error(f"Claims not accepted: {md(str(exc))}")
        st.stop()
    store = get_store()
    references = [Upload(e.name, e.getvalue()) for e in exemplars or []]
    supplied = Upload(translation.name, translation.getvalue()) if translation else None
    done: list[tuple[str, str]] = []
    for upload in documents or []:
        with st.status(f"Analysing {md(upload.name)}", expanded=True) as status:
            progress = ProgressPanel()

            try:
                sha = analyse_upload(
                    store,
                    Upload(upload.name, upload.getvalue()),
                    claims=claims,
                    exemplars=references,
                    translation=supplied,
                    reviewer=reviewer,
                    limits=limits,
                    only=only,
                    progress=progress,
                )
            except WorkbenchError as exc:
                status.update(label=f"{md(upload.name)}: not analysed", state="error")
                st.error(md(str(exc)))
                continue
            status.update(label=f"{md(upload.name)}: analysed", state="complete", expanded=False)
            done.append((upload.name, sha))
    for name, sha in done:
        st.page_link(
            DOCUMENT_PAGE,
            label=f"Open {md(name)}",
            icon=":material/description:",
            query_params={"doc": sha},
        )
