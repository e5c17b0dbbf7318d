"""Cases: documents grouped by case, with what they share and one office's numbering in order."""

from __future__ import annotations

import io

import streamlit as st
from PIL import Image

from workbench.app.shared import DOCUMENT_PAGE, get_store, md, page_images, store_path
from workbench.case_findings import findings, how_matched
from workbench.cases import case_view
from workbench.provenance import image_search_links, wayback_links
from workbench.store.cases import cases

st.title("Cases")
store = get_store()
known = cases(store)
if not known:
    st.info(
        "No cases yet. A batch run makes one per folder; on the Analyse page, give a case name "
        "to group the documents you upload."
    )
    st.stop()

names = [name for name, _ in known]
counts = dict(known)
wanted = st.query_params.get("case")
chosen = st.selectbox(
    "Case",
    names,
    index=names.index(wanted) if wanted in names else 0,
    format_func=lambda n: f"{n} ({counts[n]} documents)",
    key="case_picker",
)
if st.query_params.get("case") != chosen:
    st.query_params["case"] = chosen
view = case_view(store, chosen)
titles = {sha: store.document(sha).original_name for sha in view.documents}


def region(sha: str, page: int, box: tuple[int, int, int, int]) -> Image.Image | None:
    """The part of a stored page a region covers, or None when the page is not decodable."""
    pages = page_images(sha, store_path())
    if page >= len(pages):
        return None
    x, y, w, h = box
    return pages[page].crop((x, y, x + w, y + h))


st.subheader("Documents")
for sha in view.documents:
    st.page_link(
        DOCUMENT_PAGE,
        label=f"{md(titles[sha])} ({sha[:12]})",
        icon=":material/description:",
        query_params={"doc": sha},
    )

st.subheader("Near-duplicates")
pairs = [
    (sha, d) for sha, found in view.similar.items() for d in found.near_duplicates if sha < d.other
]
if not pairs:
    st.caption("No page of one document appears in another document of this case.")
for sha, d in pairs:
    earlier = titles.get(d.earlier or "", "neither clearly")
    how = how_matched(d)
    st.markdown(
        f"**{md(titles[sha])}** page {d.page + 1} = **{md(titles[d.other])}** page "
        f"{d.other_page + 1} ({how}). Likely earlier: **{md(earlier)}**"
        f"{' (' + md('; '.join(d.reasons)) + ')' if d.reasons else ''}."
    )
    if d.differences:
        # Columns named with the hash too: two copies of a page often share a file name.
        mine, theirs = f"{titles[sha]} ({sha[:8]})", f"{titles[d.other]} ({d.other[:8]})"
        st.dataframe(
            [{"": key, mine: str(a), theirs: str(b)} for key, (a, b) in d.differences.items()],
            hide_index=True,
        )

st.subheader("Shared signatures, seals and letterheads")
shared = [(sha, m) for sha, found in view.similar.items() for m in found.shared_marks]
shown = [(sha, m) for sha, m in shared if sha < m.other]
if not shown:
    st.caption("No signature or seal is closer between two documents than two impressions.")
for sha, m in shown:
    verdict = (
        "closer than two separate impressions could be"
        if m.copy_like
        else "the same design (letters of one office share it)"
    )
    st.markdown(f"**{m.kind.capitalize()}**, similarity {m.similarity:.3f}: {verdict}.")
    left, right = st.columns(2)
    for column, (who, page, box) in zip(
        (left, right), ((sha, m.page, m.box), (m.other, m.other_page, m.other_box)), strict=True
    ):
        crop = region(who, page, box)
        caption = f"{md(titles[who])}, page {page + 1}, box {box}"  # captions are Markdown
        if crop is None:
            column.caption(f"{caption}: page not available")
        else:
            column.image(crop, caption=caption)

st.subheader("Letter numbers and dates, in date order")
if not view.letters:
    st.caption("No letter number or date was read on these documents (the letter check).")
else:
    st.dataframe(
        [
            {
                "office (claimed)": r.office or "not stated",
                "date": r.date or "",
                "date as read": r.date_text or "",
                "number as read": r.number or "",
                "serial": r.serial,
                "document": r.name,
                "note": "number goes backwards in time" if r.backwards else "",
            }
            for r in view.letters
        ],
        hide_index=True,
    )
    for r in view.letters:
        if r.backwards:
            st.warning(
                f"{md(r.name)}: number {md(r.number or '')} is lower than that of a letter of "
                "the same office dated earlier. Offices number letters in sequence through the "
                "year; a new year's series, another register of the office or an OCR misreading "
                "are innocent explanations. Read both numbers on the pages."
            )

st.subheader("Provenance links")
st.caption(
    "Links only: the workbench sends nothing anywhere. A search engine cannot open a file on "
    "this computer, so each link opens the engine's search page, where you upload the page "
    "image (download it below) if you decide to."
)
link_columns = st.columns(len(image_search_links()))
for column, link in zip(link_columns, image_search_links(), strict=True):
    column.link_button(link.label, link.url, help=link.what)
for sha in view.documents:
    with st.expander(f"{md(titles[sha])}: page images and source"):
        for index, image in enumerate(page_images(sha, store_path())):
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "PNG")
            st.download_button(
                f"Page {index + 1} as PNG",
                buffer.getvalue(),
                file_name=f"{titles[sha].rsplit('.', 1)[0]}-page{index + 1}.png",
                mime="image/png",
                key=f"page-{sha}-{index}",
            )
        claims = store.claims(sha)
        source = claims.claims.source if claims is not None else None
        links = wayback_links(source)
        if not links:
            st.caption("No web address in the claimed source, so no Wayback Machine look-up.")
        for link in links:
            st.link_button(md(link.label), link.url, help=link.what)
        for finding in findings(store, view.similar[sha]):
            st.markdown(f"- *{finding.severity.label}* {md(finding.title)}")
