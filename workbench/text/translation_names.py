"""Names in a translation: English names after an honorific, and spellings of Persian names.

Part of the translation comparison (`workbench.text.translation`): a name of the original
is found in the translation through its Latin spellings (`workbench.text.romanize`), with its
surname, and a name of the translation is looked for among the original's names the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbench.text.romanize import SEYYED_FORMS, SEYYEDEH_FORMS, latin_similarity

__all__ = ["SAME_NAME", "english_names", "found_in", "same_name"]

#: Similarity (0-100) at which a Latin name counts as a spelling of a Persian one.
SAME_NAME = 80.0
#: A capitalised Latin word of a name. Spellings of Persian names carry accents and an
#: apostrophe for the ʿayn («Mortéza», «'Alí-Akbar», «Aydın», as the romanizer's other
#: candidates write them), so the letters are Latin letters with their accents, not ASCII.
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿıāēīōū"
_WORD = rf"'?[{_UPPER}][{_LOWER}']+(?:-'?[{_UPPER}{_LOWER}][{_LOWER}']+)*"
#: Honorifics before a name in English text.
_EN_HONORIFIC = re.compile(
    r"\b(Mr|Mrs|Ms|Dr|Messrs|Engineer|Eng|Seyyed|Seyed|Sayyid|Hojjatoleslam|Ayatollah)\.? +"
    rf"((?:(?:Engineer|Dr)\.? +)?{_WORD}(?: {_WORD}){{0,2}}(?: and {_WORD}(?: {_WORD}){{0,2}})*)"
)
_CAPITALISED = re.compile(_WORD)


def english_names(text: str) -> list[str]:
    """Names that follow an honorific in English text ("Messrs A B and C D" gives both)."""
    out = []
    for m in _EN_HONORIFIC.finditer(text):
        chunk = re.sub(r"^(?:Engineer|Dr)\.? +", "", m[2])
        names = re.split(r" and ", chunk) if m[1] == "Messrs" else [chunk.split(" and ")[0]]
        for name in names:
            if m[1] in ("Seyyed", "Seyed", "Sayyid"):
                name = f"{m[1]} {name}"
            if len(name.split()) >= 2:
                out.append(name.strip())
    return out


def _surname(name: str) -> tuple[int, str]:
    """(words, last word) of a Latin name, without a leading Seyyed/Seyyedeh."""
    words = [w for w in name.split() if w not in SEYYED_FORMS + SEYYEDEH_FORMS]
    return len(words), words[-1] if words else ""


def same_name(typed: str, spellings: Sequence[str]) -> bool:
    """Whether a Latin name is one of `spellings` of a Persian name, surname included.

    The whole names must agree within `SAME_NAME`, and, when both are written in the same
    number of words, so must their last words: people who share a given name («Khodakaram
    Shabani», «Khodakaram Seyfi») are as alike as two spellings of one name when their
    whole names alone are compared, and the surname is what tells them apart. Names written
    in different numbers of words («Kavianpour», «Kavian Pour») are compared whole.
    """
    words, last = _surname(typed)
    for spelling in spellings:
        if latin_similarity(typed, [spelling])[0] < SAME_NAME:
            continue
        other_words, other_last = _surname(spelling)
        if words < 2 or words != other_words:
            return True
        if latin_similarity(last, [other_last])[0] >= SAME_NAME:
            return True
    return False


def found_in(text: str, spellings: Sequence[str]) -> bool:
    """Whether a run of capitalised words of `text` is one of `spellings` (within tolerance)."""
    words = [m[0] for m in _CAPITALISED.finditer(text)]
    longest = max((len(s.split()) for s in spellings), default=0)
    for start in range(len(words)):
        for size in range(max(1, longest - 1), longest + 2):
            window = " ".join(words[start : start + size])
            if window and same_name(window, spellings):
                return True
    return False
