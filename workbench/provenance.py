"""Provenance links: where a reviewer can look for earlier copies of a page, and of its source.

Links only: the workbench itself makes no network request and sends no document data
anywhere. Reverse image search engines take an upload or an image's public address; a local
file has no public address, so each search link opens the engine's search page and the
reviewer uploads the page image there (exported from the workbench) if they choose to. The
Wayback Machine link looks up a claimed source address in the Internet Archive.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

#: Reverse image search pages: each opens the engine's own upload form.
IMAGE_SEARCH = (
    ("Google Lens", "https://lens.google.com/"),
    ("Bing Visual Search", "https://www.bing.com/visualsearch"),
    ("TinEye", "https://tineye.com/"),
    ("Yandex Images", "https://yandex.com/images/"),
)
_URL = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A link a reviewer may open, with what it does when opened."""

    label: str
    url: str
    what: str


def source_urls(source: str | None) -> list[str]:
    """The web addresses named in a claimed source (free text), in order, without repeats."""
    found = [m.group(0).rstrip(".,;:)]") for m in _URL.finditer(source or "")]
    return list(dict.fromkeys(found))


def image_search_links() -> list[Link]:
    """Reverse image search pages for a page image the reviewer uploads themselves."""
    return [
        Link(
            label,
            url,
            f"Opens {label}'s search page; upload the exported page image there yourself. "
            "Nothing is sent from the workbench.",
        )
        for label, url in IMAGE_SEARCH
    ]


def wayback_links(source: str | None) -> list[Link]:
    """Wayback Machine look-ups (all captures) for each address in the claimed source."""
    return [
        Link(
            f"Wayback Machine: {url}",
            "https://web.archive.org/web/*/" + urllib.parse.quote(url, safe=":/?&=%#~+@!$,;"),
            "Lists the Internet Archive's captures of the claimed source address, with their "
            "dates: whether and when the page was online, and what it showed then.",
        )
        for url in source_urls(source)
    ]


def provenance_links(source: str | None) -> list[Link]:
    """Every provenance link for a document whose claimed source is `source`."""
    return [*image_search_links(), *wayback_links(source)]
