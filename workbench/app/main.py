"""Entry script of the Streamlit app (``workbench app`` runs it).

Streamlit runs it as ``__main__``. A worker process started from the app (the analysis
queue's) re-imports the parent's main script as ``__mp_main__`` before it runs anything: the
page must not be built there, or each worker would open a store and a queue of its own (the
default store, since the worker's environment is the fork server's).
"""

from __future__ import annotations

import streamlit as st

from workbench.app.shared import (
    ANALYSE_PAGE,
    CASES_PAGE,
    CHECKLIST_PAGE,
    DOCUMENT_PAGE,
    DOCUMENTS_PAGE,
    EXPORT_PAGE,
    PEOPLE_PAGE,
    job_queue,
    md,
    reviewer_input,
    store_path,
)
from workbench.errors import StoreError


def main() -> None:
    """Build the page: navigation, reviewer, the queue's stand-in dispatcher, the store."""
    st.set_page_config(page_title="Document authentication workbench", layout="wide")

    navigation = st.navigation(
        [
            st.Page(DOCUMENTS_PAGE, title="Documents", icon=":material/folder_open:", default=True),
            st.Page(ANALYSE_PAGE, title="Analyse", icon=":material/upload_file:"),
            st.Page(DOCUMENT_PAGE, title="Document", icon=":material/description:"),
            st.Page(CHECKLIST_PAGE, title="Checklist", icon=":material/checklist:"),
            st.Page(PEOPLE_PAGE, title="People and lists", icon=":material/group:"),
            st.Page(EXPORT_PAGE, title="Export", icon=":material/download:"),
            st.Page(CASES_PAGE, title="Cases", icon=":material/folder_copy:"),
        ]
    )
    reviewer_input()
    try:
        job_queue()  # a stand-in dispatcher, should the queue process started with the server end
    except StoreError as exc:
        st.sidebar.error(f"Uploads cannot be analysed: {md(str(exc))}")
    st.sidebar.caption(f"Store: `{store_path()}`")
    navigation.run()


if __name__ == "__main__":
    main()
