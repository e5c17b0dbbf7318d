"""The Document page's view of the store: copies of this page and marks shared with others.

Searching the store takes a moment, so it runs when the reviewer asks; the Cases page shows
the same evidence for a whole case, with the shared marks side by side.
"""

from __future__ import annotations

import streamlit as st

from workbench.app.shared import CASES_PAGE, md
from workbench.case_findings import findings
from workbench.cases import similar
from workbench.store import Store
from workbench.store.cases import cases_of


def shared_with_others(store: Store, sha256: str) -> None:
    """A button that searches the store, then the case-level findings of this document."""
    st.markdown("#### In the store")
    if not st.button("Look for copies of this page and shared signatures or seals"):
        return
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
