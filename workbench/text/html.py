"""The visible text of an HTML page, parsed in linear time whatever its markup."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

_SKIP_TAGS = frozenset({"script", "style", "head", "template", "noscript", "title"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
)


def parse_html(source: str) -> lxml_html.HtmlElement | None:
    """The element tree of an HTML document, or None when it holds no element at all.

    Parsed by libxml2's HTML parser (through lxml) in linear time: the standard library's
    parser rescans unclosed tags and took minutes on 400 KB of them.
    """
    parser = lxml_html.HTMLParser(
        recover=True, no_network=True, remove_comments=True, remove_pis=True
    )
    try:
        return lxml_html.document_fromstring(source.replace("\x00", ""), parser=parser)
    except (etree.ParserError, ValueError):  # no element at all: empty or only a comment
        return None


def html_to_text(source: str) -> str:
    """The visible text of an HTML document, one block per line.

    Script, style and head are skipped; block ends become newlines.
    """
    root = parse_html(source)
    if root is None:
        return ""
    parts: list[str] = []
    skipping = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIP_TAGS:
                skipping += 1
            elif not skipping:
                if tag in _BLOCK_TAGS:
                    parts.append("\n")
                parts.append(element.text or "")
            continue
        if tag in _SKIP_TAGS:
            skipping -= 1
        elif not skipping and tag in _BLOCK_TAGS:
            parts.append("\n")
        if not skipping:
            parts.append(element.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)
