"""A translation and its original side by side, as HTML with the comparison's anchors marked.

Presentation only: the ``translation`` check aligned the sentences and listed the anchors
(numbers, dates, names) and the differences; this turns its results into an escaped HTML table
for the app and the exports. Anchors found in both texts are marked in one colour, those found
in one text only in another.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from workbench.text.dates import persian_digits

SHARED = "#d8ecff"
ONE_SIDE = "#ffd6cc"


def _terms(results: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """(anchors found in both texts, anchors found in one only) as the texts write them."""
    anchors = results.get("anchors") or {}
    shared: set[str] = set()
    for value in (anchors.get("numbers") or {}).get("translation", []):
        shared.update({str(value), persian_digits(str(value))})
    for name in (anchors.get("names") or {}).get("original", []):
        shared.add(str(name.get("persian", "")))
        shared.update(str(s) for s in name.get("latin", [])[:1])
    shared.update(str(n) for n in (anchors.get("names") or {}).get("translation", []))
    single: set[str] = set()
    for difference in results.get("differences") or []:
        if difference.get("kind") in ("number", "name"):
            value = str(difference.get("value", "")).split(" (")[0]
            single.update({value, persian_digits(value)})
    return {t for t in shared - single if t.strip()}, {t for t in single if t.strip()}


def _mark(text: str, shared: Iterable[str], single: Iterable[str]) -> str:
    colours = {t: SHARED for t in shared} | {t: ONE_SIDE for t in single}
    if not colours:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(colours, key=len, reverse=True)))
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        out.append(f'<mark style="background:{colours[m[0]]}">{html.escape(m[0])}</mark>')
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def alignment_html(results: Mapping[str, Any]) -> str:
    """The aligned sentences of a translation check's results as an HTML table."""
    shared, single = _terms(results)
    rows = []
    for pair in results.get("alignment") or []:
        original = " ".join(pair.get("original", []))
        translation = " ".join(pair.get("translation", []))
        missing = ' style="background:#fff3cd"' if not original or not translation else ""
        rows.append(
            f'<tr{missing}><td dir="rtl" lang="fa" style="text-align:right">'
            f"{_mark(original, shared, single) or '—'}</td>"
            f'<td lang="en">{_mark(translation, shared, single) or "—"}</td></tr>'
        )
    return (
        '<table style="width:100%;border-collapse:collapse" border="1" cellpadding="6">'
        "<thead><tr><th>Original</th><th>Translation</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
