"""Latin spellings of Persian names, and comparing a name typed in Latin with one read in Persian.

A Persian name has no single Latin spelling: «مرتضی» is Morteza, Mortaza or Murtaza, and the
honorific «سید» is written Seyyed, Seyed, Sayyid or Sayed. Spellings come from
`arabic-name-romanizer`, a maintained, offline romanizer whose dictionary (attested Latin
spellings of real people, from Wikidata) and small sequence model have a Persian-script
variant; it returns ranked candidates, not one "correct" form. Two things are done around it:

- a leading «سید»/«سیده» joined to the given name («سیدمرتضی») is split off and spelled from
  the list of its usual forms, because the romanizer reads the joined form as one unknown word;
- Latin names are compared through a *key* that folds the usual variation of Persian
  spellings (ou/oo/u, ee/i, w/v, q/gh, doubled letters, spaces, hyphens, apostrophes), so
  «Kavianpour», «Kavian-Pour» and «Kavianpoor» compare equal.

Everything here is a pure function of its arguments (the romanizer is loaded once, lazily).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from workbench.text.matching import normalize

__all__ = [
    "SEYYED_FORMS",
    "Spelling",
    "latin_key",
    "latin_similarity",
    "load_romanizer",
    "romanize",
    "split_seyyed",
]

#: How many candidate spellings are kept for each name.
TOP_K = 3
#: The honorific «سید» (descendant of the Prophet) in its usual Latin spellings, most common first.
SEYYED_FORMS = ("Seyyed", "Seyed", "Sayyid", "Sayed", "Seyyid", "Syed")
SEYYEDEH_FORMS = ("Seyyedeh", "Seyedeh", "Sayyida")
_SEYYED = "سید"
_SEYYEDEH = "سیده"
_ZWNJ = "\u200c"

_lock = threading.Lock()
_engine: Any = None


@dataclass(frozen=True)
class Spelling:
    """A Persian name and its candidate Latin spellings, best first."""

    persian: str
    latin: tuple[str, ...]
    source: str  # what the romanizer drew the best one from: dictionary, model, rules

    @property
    def best(self) -> str:
        """The most likely spelling ('' when none could be made)."""
        return self.latin[0] if self.latin else ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for a report."""
        return {"persian": self.persian, "latin": list(self.latin), "source": self.source}


def _transliterator() -> Any:
    """The romanizer, loaded once (its model and dictionary take a second or two to open)."""
    global _engine
    with _lock:
        if _engine is None:
            from arabic_name_romanizer import Transliterator

            _engine = Transliterator()
        return _engine


def load_romanizer() -> None:
    """Load the romanizer now (its model and dictionary), e.g. while a page is being read.

    Loading is mostly Python, which lets other threads run: about 2.3 s at load 27.
    """
    _transliterator()


def split_seyyed(name: str) -> tuple[str | None, str]:
    """Split a leading «سید»/«سیده» from a name: ``("سید", "مرتضی کاویان‌پور")``.

    Persian writes the honorific as a word of its own or joined to the given name
    («سیدمرتضی», «سید‌مرتضی»); names that merely begin with those letters («سیدی» is a
    surname) are not split unless a given name follows.
    """
    text = normalize(name)
    for prefix in (_SEYYEDEH, _SEYYED):
        if not text.startswith(prefix):
            continue
        rest = text[len(prefix) :].lstrip(" " + _ZWNJ)
        parts = rest.split()
        if not parts or (rest == text[len(prefix) :] and len(parts) < 2):
            continue  # «سیدی» alone, or «سیدی» + surname without a space after the prefix
        return prefix, rest
    return None, text


def _tidy(latin: str) -> str:
    """Join the pieces the romanizer splits at a zero-width non-joiner (Kavian Pour -> Kavianpour).

    Only the common suffix-like parts are joined, as Persian newspapers spell them.
    """
    return re.sub(
        r"\b(\w+) (Pour|Pur|Poor|Far|Nejad|Nezhad|Zadeh|Zade|Nia|Rad|Fard|Manesh|Dust|Doost)"
        r"(?![\w-])",
        lambda m: m[1] + m[2].lower(),
        latin,
    )


@lru_cache(maxsize=4096)
def romanize(name: str, top_k: int = TOP_K) -> Spelling:
    """Candidate Latin spellings of a Persian personal name (no titles), best first.

    A leading «سید» is spelled from `SEYYED_FORMS` in front of each candidate of the rest.
    """
    prefix, rest = split_seyyed(name)
    if not rest.strip():
        return Spelling(name, (), "none")
    candidates = _transliterator().transliterate(rest, top_k=top_k, country="IR")
    spelled: list[str] = []
    for c in candidates:
        words = str(c.text).split()
        text = _tidy(" ".join(w[:1].upper() + w[1:] for w in words)).strip()
        if text and text not in spelled:
            spelled.append(text)
    source = str(candidates[0].source) if candidates else "none"
    if prefix is not None:
        forms = SEYYEDEH_FORMS if prefix == _SEYYEDEH else SEYYED_FORMS
        spelled = [f"{forms[0]} {s}" for s in spelled]
    return Spelling(name, tuple(spelled[:top_k]), source)


# Folding of Latin spellings: applied in order to a lower-case, accent-free string.
_FOLDS: tuple[tuple[str, str], ...] = (
    (r"\b(seyyed|seyed|sayyid|sayyed|sayed|seyyid|syed|said|sayid|sid)\b", "s"),
    (r"\b(seyyedeh|seyedeh|sayyida|sayyede)\b", "s"),
    (r"mohammad|mohamad|muhammad|mohammed|mohamed|mahammad", "mhmd"),
    (r"ou|oo|uu", "u"),
    (r"ee|ie|iy", "i"),
    (r"aa", "a"),
    (r"w", "v"),
    (r"q|gh", "g"),
    (r"kh", "h"),
    (r"dh|z", "z"),
    (r"th", "s"),
    (r"ph", "f"),
    (r"e", "a"),
    (r"o", "u"),
    (r"(.)\1+", r"\1"),
)


def latin_key(text: str) -> str:
    """A comparison key for a Latin-letter name: variation of Persian spellings folded away.

    Spaces, hyphens and apostrophes are dropped, so the key compares whole names; vowels are
    folded (a/e, o/u) because Persian writes short vowels not at all.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i"))  # Turkish dotless i
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = re.sub(r"[^a-z\s]", " ", ascii_text)
    ascii_text = re.sub(r"\s+", " ", ascii_text).strip()
    for pattern, replacement in _FOLDS[:2]:  # whole words: the honorific
        ascii_text = re.sub(pattern, replacement, ascii_text)
    ascii_text = ascii_text.replace(" ", "")
    for pattern, replacement in _FOLDS[2:]:
        ascii_text = re.sub(pattern, replacement, ascii_text)
    return ascii_text


def latin_similarity(typed: str, spellings: Iterable[str]) -> tuple[float, str | None]:
    """How well a name typed in Latin letters matches any of `spellings` (0-100) and which one.

    Compared through `latin_key`; a typed name that omits the honorific («Morteza
    Kavianpour» against «Seyyed Morteza Kavianpour») is compared without it too.
    """
    typed_keys = _keys_with_and_without_seyyed(typed)
    best: tuple[float, str | None] = (0.0, None)
    for spelling in spellings:
        for a in typed_keys:
            for b in _keys_with_and_without_seyyed(spelling):
                if not a or not b:
                    continue
                score = float(fuzz.ratio(a, b))
                if score > best[0]:
                    best = (score, spelling)
    return best


def _keys_with_and_without_seyyed(text: str) -> Sequence[str]:
    words = text.split()
    keys = [latin_key(text)]
    if words and latin_key(words[0]) == "s" and len(words) > 1:
        keys.append(latin_key(" ".join(words[1:])))
    return keys
