"""Entry script of the Streamlit app (``workbench app`` runs it)."""

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
