"""How the app shows queued analyses: each upload's state and its checks' findings as they end.

The queue itself (its folder in the store, the worker process, recording the results) is a
service, `workbench.batch.jobqueue`; this module only draws what the queue reports, for the
Analyse page (the uploads of this session, with findings) and the Documents page (what is
still being analysed, by anyone).
"""

from __future__ import annotations

import streamlit as st

from workbench.app.shared import DOCUMENT_PAGE, md
from workbench.batch.jobqueue import CheckEnd, Job

#: How each severity is coloured in the list of a check's findings.
_COLOURS = {"critical": "red", "warning": "orange", "notice": "blue", "info": "gray"}
#: Findings listed per check while the analysis runs; the document page has them all.
_SHOWN = 8


def _check_lines(end: CheckEnd) -> str:
    """A check's end as Markdown: its status and time, then its findings, worst first."""
    head = f"**{md(end.check)}** · {md(end.status)} · {end.duration_s:.1f} s"
    if end.message and end.status != "ok":
        head += f" — {md(end.message)}"
    lines = [head]
    for finding in end.findings[:_SHOWN]:
        label = finding.severity.label
        where = f" (page {finding.page + 1})" if finding.page is not None else ""
        colour = _COLOURS.get(label, "gray")
        lines.append(f"- :{colour}[{label.upper()}] {md(finding.title)}{where}")
    if len(end.findings) > _SHOWN:
        lines.append(f"- and {len(end.findings) - _SHOWN} more")
    if not end.findings and end.status == "ok":
        lines.append("- no findings")
    return "\n".join(lines)


def show_findings_so_far(job: Job) -> None:
    """Each ended check of a job with its findings, in the order the checks ran."""
    for end in job.ended:
        st.markdown(_check_lines(end))


def show_job(job: Job, *, findings: bool = True) -> None:
    """One upload's state: waiting, its checks as they end (with findings), or its result.

    A job being cancelled, or cancelled, says so (the Documents page cancels uploads).
    """
    name = md(job.name)
    if job.status == "done" and job.sha256:
        st.success(f"{name}: analysed")
        st.page_link(
            DOCUMENT_PAGE,
            label=f"Open {name}",
            icon=":material/description:",
            query_params={"doc": job.sha256},
        )
        if findings and job.ended:
            with st.expander("Findings as each check ended"):
                show_findings_so_far(job)
    elif job.status == "failed":
        st.error(f"{name}: not analysed: {md(job.error or 'unknown error')}")
        if findings and job.ended:
            with st.expander("Checks that ended before it failed"):
                show_findings_so_far(job)
    elif job.status == "cancelled":
        st.warning(f"{name}: cancelled; nothing was stored for it")
    elif job.cancelling:
        st.info(f"{name}: cancelling")
    elif job.status == "running":
        total = max(job.checks_total, len(job.ended), 1)
        now = f" — now {md(job.check_running)}" if job.check_running else ""
        st.progress(
            len(job.ended) / total,
            text=f"Analysing {name}: {len(job.ended)} of {job.checks_total or '?'} checks "
            f"done{now}",
        )
        if findings:
            show_findings_so_far(job)
    else:
        st.info(f"{name}: queued, waiting for the analyses before it")
