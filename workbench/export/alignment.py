"""A translation and its original side by side, as HTML with the comparison's anchors marked.

Presentation only: the ``translation`` check aligned the sentences and listed the anchors
(numbers, dates, names) and the differences; this turns its results into an escaped HTML table
for the app and the exports. Anchors found in both texts are marked in one colour, those found
in one text only in another; each pair shows its meaning similarity and, when the check
reported something in it, why (the check's words, not recomputed here).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from workbench.text.dates import persian_digits

SHARED = "#d8ecff"
ONE_SIDE = "#ffd6cc"
#: Rows: a pair with a difference, and a sentence with no counterpart.
FLAGGED = "#ffe8e0"
UNPAIRED = "#fff3cd"


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
        flags = [str(f) for f in pair.get("flags") or []]
        if flags:
            style = f' style="background:{FLAGGED}"'
        elif not original or not translation:
            style = f' style="background:{UNPAIRED}"'
        else:
            style = ""
        rows.append(
            f'<tr{style}><td dir="rtl" lang="fa" style="text-align:right">'
            f"{_mark(original, shared, single) or '—'}</td>"
            f'<td lang="en">{_mark(translation, shared, single) or "—"}</td>'
            f"<td>{_similarity(pair.get('similarity'))}{_flags(flags)}</td></tr>"
        )
    return (
        '<table style="width:100%;border-collapse:collapse" border="1" cellpadding="6">'
        "<thead><tr><th>Original</th><th>Translation</th>"
        "<th>Meaning similarity, why reported</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _similarity(value: Any) -> str:
    """A pair's meaning similarity as the check gave it, or a dash when it was not compared."""
    if isinstance(value, int | float):
        return f'<span class="similarity">{float(value):.3f}</span>'
    return '<span class="similarity">—</span>'


def _flags(flags: Iterable[str]) -> str:
    """Why the check reported a pair: its differences, as the check worded them."""
    items = "".join(f"<li>{html.escape(f)}</li>" for f in flags)
    return f'<ul class="flags" style="margin:4px 0 0 1em;padding:0">{items}</ul>' if items else ""
