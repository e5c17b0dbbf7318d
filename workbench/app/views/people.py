"""People and lists: names with their Latin spellings, where else they appear, the translation."""

from __future__ import annotations

import streamlit as st

from workbench.app.shared import choose_document, document_links, get_store, md
from workbench.casework import load_review
from workbench.export.alignment import alignment_html
from workbench.mentions import find_mentions, shared_names

st.title("People and lists")
query = st.text_input(
    "Find a person in every stored document (Persian or Latin letters)", key="names-query"
)
store = get_store()
if query.strip():
    found = find_mentions(store, query.strip())
    if found:
        st.dataframe([m.as_dict() for m in found], hide_index=True)
    else:
        st.info(f"No stored document mentions {md(query)}.")

sha = choose_document()
if sha is None:
    st.stop()
review = load_review(store, sha)
document_links(sha)
st.subheader(md(review.document.original_name))
report = review.report
if report is None:
    st.error("This document has no successful analysis.")
    st.stop()

people = report.results.get("people") or {}
persons = [p for p in people.get("persons", []) if isinstance(p, dict)]
st.markdown("#### People on the page")
if persons:
    st.dataframe(
        [
            {
                "role": p.get("role"),
                "name": p.get("persian"),
                "Latin spellings": ", ".join(p.get("latin", [])),
                "title": (p.get("title") or {}).get("text"),
            }
            for p in persons
        ],
        hide_index=True,
    )
    chosen = st.selectbox(
        "Documents that mention this person",
        [p.get("persian", "") for p in persons],
        key=f"person-{sha}",
    )
    if chosen:
        others = [m for m in find_mentions(store, chosen) if m.sha256 != sha]
        if others:
            st.dataframe([m.as_dict() for m in others], hide_index=True)
        else:
            st.caption("No other stored document mentions this person.")
elif (people_check := report.check("people")) is not None:
    st.caption(md(people_check.message or "No people were found."))
else:
    st.caption("The people check did not run on this document.")

bodies = [b for b in people.get("bodies", []) if isinstance(b, dict)]
if bodies:
    st.markdown("#### Ministries, offices and organisations named")
    st.dataframe(
        [{"name": b.get("text"), "kind": b.get("kind"), "where": b.get("where")} for b in bodies],
        hide_index=True,
    )

on_lists = [(mine, other) for mine, other in shared_names(store, sha) if other.source == "lists"]
if on_lists:
    st.markdown("#### Names of this document that are on a stored list")
    st.dataframe(
        [
            {"name": mine.persian, "list": other.document, "row": other.role}
            for mine, other in on_lists
        ],
        hide_index=True,
    )

lists = report.results.get("lists") or {}
rows = [r for r in lists.get("rows", []) if isinstance(r, dict)]
if rows:
    st.markdown(f"#### List rows ({len(rows)}, read from the {lists.get('source')})")
    st.dataframe(
        [
            {
                "#": r.get("number") or r.get("index"),
                "name": r.get("name"),
                "surname": r.get("surname"),
                "father": r.get("father"),
                "Latin spellings": ", ".join(r.get("latin", [])),
            }
            for r in rows
        ],
        hide_index=True,
    )

translation = report.results.get("translation")
st.markdown("#### Translation beside the original")
if isinstance(translation, dict):
    st.caption(
        "Sentences aligned in order; numbers and names found in both texts are marked blue, "
        "those found in one text only red; a row with one side empty has no counterpart. The "
        "last column gives each pair's meaning similarity (0-1, from the sentence model; "
        "unrelated sentences of a letter score about 0.8) and, for a pair the check "
        "reported, why."
    )
    st.html(alignment_html(translation))
else:
    st.caption("No translation was compared for this document (upload one when analysing).")
