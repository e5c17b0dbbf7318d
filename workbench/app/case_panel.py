"""The Document page's view of the store: copies of this page and marks shared with others.

The store was searched when the document was stored, so this only reads what that search (and
the later searches of other documents) found; the Cases page shows the same evidence for a whole
case, with the shared marks side by side.
"""

from __future__ import annotations

import streamlit as st

from workbench.app.shared import CASES_PAGE, md
from workbench.case_findings import findings
from workbench.cases import similar
from workbench.store import Store
from workbench.store.cases import cases_of


def shared_with_others(store: Store, sha256: str) -> None:
    """The case-level findings of this document: copies of its pages, marks shared with others."""
    st.markdown("#### In the store")
    found = findings(store, similar(store, sha256))
    if not found:
        st.caption("No other stored document shares a page, a signature or a seal with this one.")
    for finding in found:
        st.markdown(f"- *{finding.severity.label}* **{md(finding.title)}**. {md(finding.detail)}")
    for case in cases_of(store, sha256):
        st.page_link(
            CASES_PAGE,
            label=f"Case {md(case)}",
            icon=":material/folder_copy:",
            query_params={"case": case},
        )
