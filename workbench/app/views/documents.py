"""Documents: every stored document, sortable and filterable, with its review state."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from workbench.app.jobs import show_job
from workbench.app.shared import (
    DOCUMENT_PAGE,
    get_checklist,
    get_store,
    job_queue,
    md,
    store_path,
)
from workbench.casework import read_seed_progress
from workbench.errors import StoreError
from workbench.model import Severity
from workbench.store import DocumentFilter

SEVERITIES = ["info", "notice", "warning", "critical"]

st.title("Documents")
store = get_store()


@st.fragment(run_every=3)
def seeding_panel(shown: int) -> None:
    """Progress of the samples analysed in the background; the page refreshes as they land."""
    seeding = read_seed_progress(Path(store_path()))
    if seeding is None or seeding.get("finished"):
        st.rerun()
        return
    total, done = int(seeding.get("total") or 0), int(seeding.get("done") or 0)
    current = seeding.get("current")
    st.progress(
        done / total if total else 0.0,
        text=f"Analysing the samples in the background: {done} of {total or '?'} done"
        + (f", now {md(str(current))}" if current else "")
        + ". Each appears below as it finishes.",
    )
    if len(get_store().list_documents()) != shown:
        st.rerun()


@st.fragment(run_every=2)
def queue_panel(shown: list[str]) -> None:
    """Uploads still queued or being analysed, by anyone; the page refreshes as they end."""
    running = job_queue().unfinished()
    if [j.id for j in running] != shown:
        st.rerun()  # one ended (its document joins the table) or another was queued
        return
    st.markdown(f"**Being analysed ({len(running)})**: each appears below when done.")
    for job in running:
        state, action = st.columns([5, 1], vertical_alignment="center")
        with state:
            show_job(job, findings=False)
        if not job.cancelling and action.button(
            "Cancel",
            key=f"cancel-{job.id}",
            help="Stop analysing this upload; nothing is stored for it.",
        ):
            try:
                job_queue().cancel(job.id)
            except StoreError as exc:
                st.error(md(str(exc)))
            else:
                st.rerun()


unfinished = [j.id for j in job_queue().unfinished()]
if unfinished:
    queue_panel(unfinished)

seeding = read_seed_progress(Path(store_path()))
if seeding is not None and not seeding.get("finished"):
    seeding_panel(len(store.list_documents()))

left, middle, right = st.columns(3)
min_severity = left.selectbox("At least this severity", ["any", *SEVERITIES], index=0)
verdict = middle.selectbox(
    "Verdict", ["any", "none", "authentic_as_claimed", "not_as_claimed", "unverified", "disputed"]
)
name = right.text_input("Name contains")
filters = DocumentFilter(
    min_severity=None if min_severity == "any" else Severity.parse(min_severity),
    verdict=None if verdict == "any" else verdict,
    name_contains=name or None,
)
show_unanalysed = st.toggle(
    "Also show documents stored only as exemplars or translations", value=False
)
documents = [
    d for d in store.list_documents(filters) if show_unanalysed or d.run_status is not None
]
total_items = len(get_checklist().item_ids())

per_run = store.finding_counts_by_check([d.run_id for d in documents if d.run_id is not None])
rows = []
for d in documents:
    per_check = per_run.get(d.run_id, {}) if d.run_id is not None else {}
    rows.append(
        {
            "document": d.document.original_name,
            "sha256": d.document.sha256[:12],
            "highest": d.highest_severity or "",
            "critical": d.counts.get("critical", 0),
            "warning": d.counts.get("warning", 0),
            "notice": d.counts.get("notice", 0),
            "findings by check": ", ".join(f"{k} {v}" for k, v in sorted(per_check.items())),
            "checklist": f"{d.answered}/{total_items}",
            "verdict": (d.verdict or "").replace("_", " "),
            "reviewers": ", ".join(d.reviewers),
            "analysed": d.analysed or "",
            "status": d.run_status or "not analysed",
        }
    )

if not rows:
    st.info("No documents match. Upload documents on the Analyse page or run `workbench batch`.")
else:
    st.caption(f"{len(rows)} document(s). Click a row to open it; click a header to sort.")
    event = st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="documents_table",
    )
    selected = event.selection.rows if event is not None else []
    if selected:
        st.switch_page(DOCUMENT_PAGE, query_params={"doc": documents[selected[0]].document.sha256})
