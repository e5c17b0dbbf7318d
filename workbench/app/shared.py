"""What every page of the app shares: the store, its queue, the checklist, the reviewer.

Engines and connections are cached with ``st.cache_resource``; decoded pages with
``st.cache_data`` keyed by document hash. ``st.session_state`` holds UI state only (the
reviewer's name, which the browser also remembers in a cookie; the highlighted finding);
the document being viewed is in the URL's query string, so a reload keeps it.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from urllib.parse import quote, unquote

import streamlit as st
import streamlit.components.v1 as components
from PIL import Image

from workbench.batch.jobqueue import JobQueue
from workbench.casework import stored_pages
from workbench.checklist import Checklist, load_checklist
from workbench.export.casefile import escape_markdown as md
from workbench.limits import Limits
from workbench.registry import discover
from workbench.store import Store, default_store_path

__all__ = ["md"]

PAGES_DIR = Path(__file__).parent / "views"
ANALYSE_PAGE = str(PAGES_DIR / "analyse.py")
DOCUMENTS_PAGE = str(PAGES_DIR / "documents.py")
DOCUMENT_PAGE = str(PAGES_DIR / "document.py")
CHECKLIST_PAGE = str(PAGES_DIR / "checklist.py")
EXPORT_PAGE = str(PAGES_DIR / "export.py")
PEOPLE_PAGE = str(PAGES_DIR / "people.py")
CASES_PAGE = str(PAGES_DIR / "cases.py")


def store_path() -> str:
    """The store folder: ``WORKBENCH_STORE`` (set by ``workbench app --store``) or the default."""
    return os.environ.get("WORKBENCH_STORE") or str(default_store_path())


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store.open(path)


def get_store() -> Store:
    """The app's store, opened once per process."""
    return _open_store(store_path())


@st.cache_resource(show_spinner=False)
def _job_queue(path: str) -> JobQueue:
    return JobQueue(_open_store(path), limits=Limits.from_env()).start()


def job_queue() -> JobQueue:
    """The store's analysis queue, with a stand-in dispatcher thread in this process.

    ``workbench app`` runs the queue in a process of its own from the server's start; this
    process's dispatcher waits for that one's lock and takes over only if it ends (or when
    the app was started without it). The queue lives in the store folder, so uploads queued
    before a restart are analysed once the app serves again.
    """
    return _job_queue(store_path())


@st.cache_resource(show_spinner=False)
def check_explanations() -> dict[str, str]:
    """What each installed check can and cannot show, by check name."""
    return {c.name: c.explanation for c in discover().checks}


@st.cache_resource(show_spinner=False)
def get_checklist() -> Checklist:
    """The reviewer checklist (``WORKBENCH_CHECKLIST`` names a newsroom's own file)."""
    return load_checklist(os.environ.get("WORKBENCH_CHECKLIST") or None)


@st.cache_data(show_spinner=False, max_entries=16)
def page_images(sha256: str, store_folder: str) -> list[Image.Image]:
    """The decoded pages of a stored original, verified against its hash on the way."""
    return stored_pages(_open_store(store_folder), sha256)


@st.cache_data(show_spinner=False, max_entries=64)
def artifact_image(sha256: str, artifact_id: str, run_id: int, store_folder: str) -> Image.Image:
    """An artifact image of a run (heatmap, overlay), read and hash-checked from the store."""
    store = _open_store(store_folder)
    for artifact in store.artifacts(sha256):
        if artifact.run_id == run_id and artifact.artifact_id == artifact_id:
            return Image.open(io.BytesIO(store.read_artifact(artifact))).copy()
    raise KeyError(artifact_id)


#: Cookie in which the browser remembers the reviewer's name (reloads, new tabs).
REVIEWER_COOKIE = "workbench_reviewer"
_COOKIE_DAYS = 365


def reviewer_input() -> None:
    """The reviewer's name field; drawn once by the entry script so every page shares it.

    The name is remembered by the browser (a cookie, read when a session starts), so a
    reload or a new tab keeps it. A newsroom that signs people in at a reverse proxy names
    the header carrying the user in ``WORKBENCH_REVIEWER_HEADER``: the name then comes from
    the sign-in and cannot be typed.
    """
    header = os.environ.get("WORKBENCH_REVIEWER_HEADER")
    signed_in = _text(st.context.headers.get(header)) if header else ""
    if signed_in:
        st.session_state["reviewer"] = signed_in[:200]
        st.sidebar.text_input(
            "Reviewer", key="reviewer", disabled=True, help="Signed in by the newsroom's sign-in."
        )
        return
    if "reviewer" not in st.session_state:
        remembered = unquote(_text(st.context.cookies.get(REVIEWER_COOKIE)))
        st.session_state["reviewer"] = remembered[:200]
        st.session_state["reviewer_remembered"] = st.session_state["reviewer"]
    st.sidebar.text_input(
        "Reviewer",
        key="reviewer",
        help="Your name; recorded with every answer and sign-off, and remembered by this browser.",
    )
    name = reviewer_name()
    if name != st.session_state.get("reviewer_remembered"):
        _remember_in_browser(name)
        st.session_state["reviewer_remembered"] = name


def _text(value: object) -> str:
    """A header or cookie value as stripped text ('' when absent or not text)."""
    return value.strip() if isinstance(value, str) else ""


def _remember_in_browser(name: str) -> None:
    """Set (or clear) the browser's reviewer cookie from a zero-height component."""
    value = quote(name, safe="")
    age = _COOKIE_DAYS * 86400 if name else 0
    cookie = json.dumps(f"{REVIEWER_COOKIE}={value}; path=/; max-age={age}; SameSite=Strict")
    components.html(
        f"<script>try {{ window.parent.document.cookie = {cookie}; }} "
        f"catch (e) {{ document.cookie = {cookie}; }}</script>",
        height=0,
    )


def reviewer_name() -> str:
    """The reviewer's name as typed in the sidebar (required for every change)."""
    return str(st.session_state.get("reviewer") or "").strip()


def selected_document() -> str | None:
    """SHA-256 of the document being reviewed, if it is in the store.

    The URL's ``?doc=`` decides (a reload keeps it); moving between pages through the
    sidebar keeps the document last viewed in this session.
    """
    sha = st.query_params.get("doc") or st.session_state.get("current_document")
    if sha and get_store().has_document(sha):
        return str(sha)
    return None


def choose_document() -> str | None:
    """The selected document, or a picker when none is selected yet."""
    sha = selected_document()
    store = get_store()
    documents = store.list_documents()
    if not documents:
        st.info("No documents yet. Upload one on the Analyse page.")
        st.page_link(ANALYSE_PAGE, label="Analyse a document", icon=":material/upload:")
        return None
    options = [d.document.sha256 for d in documents]
    names = {
        d.document.sha256: f"{d.document.original_name} ({d.document.sha256[:8]})"
        for d in documents
    }
    index = options.index(sha) if sha in options else None
    chosen = st.selectbox(
        "Document",
        options,
        index=index,
        format_func=names.__getitem__,
        placeholder="Choose a document",
        key="document_picker",
    )
    if chosen:
        st.session_state["current_document"] = chosen
        if st.query_params.get("doc") != chosen:
            st.query_params["doc"] = chosen
    return chosen


def document_links(sha256: str) -> None:
    """Links to the other views of the same document, keeping it selected."""
    columns = st.columns(4)
    for column, (page, label, icon) in zip(
        columns,
        [
            (DOCUMENT_PAGE, "Evidence", ":material/description:"),
            (CHECKLIST_PAGE, "Checklist", ":material/checklist:"),
            (PEOPLE_PAGE, "People and lists", ":material/group:"),
            (EXPORT_PAGE, "Export", ":material/download:"),
        ],
        strict=True,
    ):
        column.page_link(page, label=label, icon=icon, query_params={"doc": sha256})
