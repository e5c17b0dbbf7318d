"""Names across the store: which stored documents mention a person, and which names two share.

The ``people`` and ``lists`` checks put every name they read into their results, in Persian
with its Latin spellings, and the store indexes them when it stores a report
(`workbench.store.names`). Searching reads that index for the latest successful analysis of
each stored document, never the reports themselves, and compares with the same comparison
the checks use: a Persian query against the Persian names in their compact form, a Latin one
against the spellings through `workbench.text.romanize`.
The app's "documents that mention this person" and "names of this letter that are on a list"
are built on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workbench.model import Report
from workbench.store import Store
from workbench.store.names import names_in_results
from workbench.store.names import stored_names as index_rows
from workbench.text.people import persian_similarity
from workbench.text.romanize import latin_similarity

#: Similarity (0-100) at which a stored name counts as the queried one.
SAME_NAME = 88.0
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


@dataclass(frozen=True)
class Mention:
    """A name as one stored document gives it."""

    sha256: str
    document: str  # the original file name
    source: str  # "people" (a letter) or "lists" (a list row)
    role: str  # signatory, addressee, body, or "row N"
    persian: str
    latin: tuple[str, ...]
    score: float = 100.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "sha256": self.sha256,
            "document": self.document,
            "source": self.source,
            "role": self.role,
            "persian": self.persian,
            "latin": list(self.latin),
            "score": round(self.score, 1),
        }


def names_in_report(report: Report, sha256: str, document: str) -> Iterator[Mention]:
    """Every name a report's people and lists results hold."""
    for source, role, persian, latin in names_in_results(report.results):
        yield Mention(sha256, document, source, role, persian, tuple(latin))


def stored_names(store: Store) -> Iterator[Mention]:
    """The names of every stored document's latest successful analysis (the names index)."""
    for row in index_rows(store):
        yield Mention(
            row.document_sha256, row.document, row.source, row.role, row.persian, row.latin
        )


def similarity(query: str, mention: Mention) -> float:
    """How well a query (Persian or Latin letters) matches a stored name, 0-100."""
    if _ARABIC_SCRIPT.search(query):
        return persian_similarity(query, mention.persian)
    return latin_similarity(query, mention.latin)[0]


def find_mentions(store: Store, query: str, *, min_score: float = SAME_NAME) -> list[Mention]:
    """Stored names matching `query`, best first (one per document and name)."""
    best: dict[tuple[str, str, str], Mention] = {}
    for mention in stored_names(store):
        score = similarity(query, mention)
        if score < min_score:
            continue
        key = (mention.sha256, mention.source, mention.persian)
        if key not in best or score > best[key].score:
            best[key] = Mention(**{**mention.__dict__, "score": score})
    return sorted(best.values(), key=lambda m: (-m.score, m.document, m.role))


def shared_names(store: Store, sha256: str) -> list[tuple[Mention, Mention]]:
    """Names of one stored document that other stored documents also give, as (ours, theirs)."""
    ours: list[Mention] = []
    others: list[Mention] = []
    for mention in stored_names(store):
        (ours if mention.sha256 == sha256 else others).append(mention)
    pairs = []
    for mine in ours:
        for other in others:
            if persian_similarity(mine.persian, other.persian) >= SAME_NAME:
                pairs.append((mine, other))
    return pairs
