"""Analyse: upload documents with the claims made about them, run the checks, store results."""

from __future__ import annotations

import streamlit as st

from workbench.app.jobs import Job
from workbench.app.shared import DOCUMENT_PAGE, get_store, job_queue, md, reviewer_name
from workbench.casework import Upload, analyse_upload
from workbench.claims import parse_claims
from workbench.errors import WorkbenchError
from workbench.languages import CLAIM_CHOICES
from workbench.limits import Limits
from workbench.model import Claims
from workbench.registry import discover
from workbench.store.cases import add_to_case

DOCUMENT_TYPES = [
    *("jpg", "jpeg", "png", "tif", "tiff", "bmp", "webp", "heic", "heif", "pdf"),
    *("txt", "html", "htm"),
]


def show_job(job: Job) -> None:
    """One upload's state: waiting, its checks as they end, or its result."""
    name = md(job.name)
    if job.status == "done" and job.sha256:
        st.success(f"{name}: analysed")
        st.page_link(
            DOCUMENT_PAGE,
            label=f"Open {name}",
            icon=":material/description:",
            query_params={"doc": job.sha256},
        )
    elif job.status == "failed":
        st.error(f"{name}: not analysed: {md(job.error or 'unknown error')}")
    elif job.status == "running":
        total = max(job.checks_total, 1)
        now = f" — now {job.check_running}" if job.check_running else ""
        st.progress(len(job.checks_done) / total, text=f"Analysing {name}{now}")
        if job.checks_done:
            st.text("\n".join(job.checks_done))
    else:
        st.info(f"{name}: waiting for the analyses before it")


def session_jobs() -> list[Job]:
    """The jobs this browser session submitted, oldest first."""
    queue = job_queue()
    jobs = (queue.job(i) for i in st.session_state.get("jobs", []))
    return [j for j in jobs if j is not None]


@st.fragment(run_every=1)
def jobs_panel() -> None:
    """Polls the queue while this session's uploads are analysed, outside the script run."""
    jobs = session_jobs()
    for job in jobs:
        show_job(job)
    if all(j.status in ("done", "failed") for j in jobs):
        st.rerun()  # show the final state without polling


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
    store = get_store()
    references = [Upload(e.name, e.getvalue()) for e in exemplars or []]
    supplied = Upload(translation.name, translation.getvalue()) if translation else None
    for upload in documents or []:
        received = Upload(upload.name, upload.getvalue())

        def work(job: Job, received: Upload = received, claims: Claims | None = claims) -> str:
            """Analyse and store one upload in the queue's worker thread; file it in its case."""
            sha = analyse_upload(
                store,
                received,
                claims=claims,
                exemplars=references,
                translation=supplied,
                reviewer=reviewer,
                limits=limits,
                only=only,
                progress=job.progress,
            )
            if case_name.strip():
                add_to_case(store, case_name, sha, reviewer)
            return sha

        job = job_queue().submit(upload.name, work)
        st.session_state.setdefault("jobs", []).append(job.id)

jobs = session_jobs()
if any(j.status in ("queued", "running") for j in jobs):
    jobs_panel()
else:
    for job in jobs:
        show_job(job)
