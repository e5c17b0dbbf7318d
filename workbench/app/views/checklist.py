"""Checklist: answer each item beside its findings, give the verdict, sign off.

Every answer is saved as soon as it is made, based on the version this page showed; when
another reviewer saved the item meanwhile, the save is refused with their answer shown and
the reviewer's own choice left on screen, so nothing is silently lost or overwritten.
"""

from __future__ import annotations

import json

import streamlit as st

from workbench.app.shared import (
    choose_document,
    document_links,
    get_checklist,
    get_store,
    md,
    reviewer_name,
)
from workbench.casework import checklist_progress, load_review
from workbench.errors import UsageError
from workbench.store import StaleVersionError, StoreError

ANSWER_LABELS = {
    "consistent": "consistent",
    "inconsistent": "inconsistent",
    "cannot_tell": "cannot tell",
    "not_applicable": "not applicable",
}
VERDICT_LABELS = {
    "authentic_as_claimed": "authentic as claimed",
    "not_as_claimed": "not as claimed",
    "unverified": "unverified",
}

st.title("Checklist")
reviewer = reviewer_name()
sha = choose_document()
if sha is None:
    st.stop()
store = get_store()
checklist = get_checklist()
review = load_review(store, sha)
document_links(sha)
st.subheader(md(review.document.original_name))
answered, total = checklist_progress(review, checklist)
st.progress(answered / total if total else 0.0, text=f"{answered} of {total} items answered")
if not reviewer:
    st.warning("Type your name in the sidebar: every answer is recorded with its reviewer.")

findings = review.report.findings if review.report else ()
linked = checklist.linked_findings(findings)
messages = st.session_state.setdefault("checklist_messages", {})


def _save(item_id: str, loaded_version: int) -> None:
    """Save one item from its widgets; called by Streamlit when an answer or note changes."""
    answer: str | None = st.session_state.get(f"answer-{sha}-{item_id}")
    note = st.session_state.get(f"note-{sha}-{item_id}", "")
    if answer is None or sha is None:
        messages[item_id] = ("warning", "Choose an answer; the note is saved with it.")
        return
    try:
        store.answer_item(
            sha, item_id, answer, note, reviewer=reviewer, expected_version=loaded_version
        )
        messages[item_id] = ("success", "Saved.")
    except StaleVersionError as exc:
        current = exc.current
        theirs = (
            f" Their answer: {ANSWER_LABELS.get(current.answer, current.answer)}"
            f" ({current.reviewer}): {current.note}"
            if current is not None and hasattr(current, "answer")
            else ""
        )
        # Keep the reviewer's choice on screen; saving again now knowingly replaces theirs.
        st.session_state[f"version-{sha}-{item_id}"] = getattr(current, "version", loaded_version)
        messages[item_id] = (
            "error",
            f"Not saved: {exc}.{theirs} Your choice is still shown; change or save it again "
            "to replace theirs.",
        )
    except (UsageError, StoreError) as exc:
        messages[item_id] = ("error", f"Not saved: {exc}")


for section in checklist.sections:
    st.markdown(f"### {section.title}")
    for item in section.items:
        saved = review.answers.get(item.id)
        answer_key = f"answer-{sha}-{item.id}"
        note_key = f"note-{sha}-{item.id}"
        version_key = f"version-{sha}-{item.id}"
        # Widgets follow the store unless the reviewer has an unsaved (refused) choice.
        if st.session_state.get(version_key) != (saved.version if saved else 0):
            st.session_state[answer_key] = saved.answer if saved else None
            st.session_state[note_key] = saved.note if saved else ""
            st.session_state[version_key] = saved.version if saved else 0
        loaded_version = st.session_state[version_key]
        with st.container(border=True):
            st.markdown(f"**{item.question}**  \n`{item.id}`")
            for finding in linked[item.id]:
                where = f", page {finding.page + 1}" if finding.page is not None else ""
                st.caption(
                    f"{finding.severity.label}: {md(finding.title)}{where} ({md(finding.code)})"
                )
            if item.checks == ("human",) or (not linked[item.id] and item.checks):
                st.caption("No finding bears on this item; it needs a person's judgement.")
            left, right = st.columns([2, 3])
            left.radio(
                "Answer",
                list(ANSWER_LABELS),
                format_func=ANSWER_LABELS.__getitem__,
                key=answer_key,
                index=None,
                horizontal=True,
                disabled=not reviewer,
                on_change=_save,
                args=(item.id, loaded_version),
            )
            right.text_input(
                "Note",
                key=note_key,
                disabled=not reviewer,
                on_change=_save,
                args=(item.id, loaded_version),
            )
            if saved is not None:
                st.caption(
                    f"Last saved by {md(saved.reviewer)} at {saved.updated} (v{saved.version})"
                )
            message = messages.pop(item.id, None)
            if message is not None:
                kind, text = message
                getattr(st, kind)(text)

st.markdown("### Verdict and sign-off")
st.caption(
    "The verdict is the reviewers', never the software's. Up to two reviewers sign off, "
    "each with a written reason."
)
for s in review.signoffs:
    st.markdown(
        f"**{md(s.reviewer)}** ({s.signed}): {VERDICT_LABELS.get(s.verdict, s.verdict)} — "
        f"{md(s.reason)}"
    )
mine = next((s for s in review.signoffs if s.reviewer == reviewer), None)
with st.form(f"signoff-{sha}"):
    verdict = st.radio(
        "Verdict",
        list(VERDICT_LABELS),
        format_func=VERDICT_LABELS.__getitem__,
        index=list(VERDICT_LABELS).index(mine.verdict) if mine else None,
        horizontal=True,
    )
    reason = st.text_area("Reason", value=mine.reason if mine else "")
    submitted = st.form_submit_button("Sign off", disabled=not reviewer)
if submitted:
    try:
        if verdict is None:
            raise UsageError("choose a verdict")
        store.sign_off(
            sha,
            reviewer=reviewer,
            verdict=verdict,
            reason=reason,
            expected_version=mine.version if mine else 0,
        )
        st.success("Signed off.")
        st.rerun()
    except (UsageError, StoreError) as exc:
        st.error(f"Not signed off: {md(str(exc))}")

st.markdown("### Audit history")
audit = load_review(store, sha).audit
if audit:
    st.dataframe(
        [
            {
                "when": e.at,
                "who": e.actor,
                "what": e.action,
                "item": e.target or "",
                "before": json.dumps(e.old_value, ensure_ascii=False),
                "after": json.dumps(e.new_value, ensure_ascii=False),
            }
            for e in audit
        ],
        hide_index=True,
        width="stretch",
    )
else:
    st.caption("No reviewer actions yet.")
