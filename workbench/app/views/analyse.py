"""Analyse: upload documents with the claims made about them; they are queued and analysed.

Each upload becomes a job of the store's queue, analysed by a worker process outside the
page's script run; the page polls the queue and shows each check's findings as it ends.
"""

from __future__ import annotations

import streamlit as st

from workbench.app.jobs import show_job
from workbench.app.shared import get_store, job_queue, md, reviewer_name
from workbench.batch.jobqueue import Job
from workbench.casework import Upload
from workbench.claims import parse_claims
from workbench.errors import WorkbenchError
from workbench.languages import CLAIM_CHOICES
from workbench.limits import Limits
from workbench.registry import discover

DOCUMENT_TYPES = [
    *("jpg", "jpeg", "png", "tif", "tiff", "bmp", "webp", "heic", "heif", "pdf"),
    *("txt", "html", "htm"),
]


def session_jobs() -> list[Job]:
    """The jobs this browser session submitted, oldest first."""
    queue = job_queue()
    jobs = (queue.job(i) for i in st.session_state.get("jobs", []))
    return [j for j in jobs if j is not None]


@st.fragment(run_every=0.5)
def jobs_panel() -> None:
    """Polls the queue while this session's uploads are analysed, outside the script run.

    Twice a second: the cheap checks end within a fraction of a second of the upload, and
    the reviewer should see them as soon as they do.
    """
    jobs = session_jobs()
    for job in jobs:
        with st.container(border=True):
            show_job(job)
    if all(j.finished for j in jobs):
        st.rerun()  # show the final state without polling


st.title("Analyse")
job_queue().warm()  # the worker loads the checks while the reviewer picks files
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
    "Language", list(CLAIM_CHOICES), format_func=CLAIM_CHOICES.__getitem__, key="claim_language"
)
source = right.text_input("Source (who supplied it, how, when)", key="claim_source")
case_name = right.text_input("Case (optional: groups related documents)", key="case_name")

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
    get_store()  # opened (and migrated) before the queue's dispatcher uses it
    references = [Upload(e.name, e.getvalue()) for e in exemplars or []]
    supplied = Upload(translation.name, translation.getvalue()) if translation else None
    for upload in documents or []:
        try:
            job_id = job_queue().submit(
                Upload(upload.name, upload.getvalue()),
                reviewer=reviewer,
                claims=claims,
                exemplars=references,
                translation=supplied,
                only=only,
                case=case_name,
            )
        except WorkbenchError as exc:  # the store's folder cannot take it (a full disk)
            st.error(md(str(exc)))
            continue
        st.session_state.setdefault("jobs", []).append(job_id)

jobs = session_jobs()
if any(not j.finished for j in jobs):
    jobs_panel()
else:
    for job in jobs:
        with st.container(border=True):
            show_job(job)
