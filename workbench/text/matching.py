"""Find conventional phrases in noisy OCR text: normalisation and fuzzy word-span matching.

OCR of Persian letters varies in ways that do not change the words: Arabic or Persian yeh and
kaf, a zero-width non-joiner read as a space or dropped («بسمه‌تعالی», «بسمه تعالی»,
«بسمهتعالی»), diacritics and tatweel, a letter misread. Phrases are therefore compared in a
compact form (unified letters, no diacritics, no spaces or joiners) with `rapidfuzz`'s
similarity, and the match is reported as the span of OCR words it covers, so its position on
the page is known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

_MAP = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
        "\u0649": "\u06cc",  # alef maksura -> yeh
        "\u0643": "\u06a9",  # Arabic kaf -> Persian kaf
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above -> heh
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0671": "\u0627",  # alef wasla
        "\u0624": "\u0648",  # waw with hamza
    }
)
_DROP = re.compile(
    "[\u064b-\u065f\u0670\u0640\u200c\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]"
)
_PUNCT = re.compile(r"[\s:：.,،؛;!؟?«»\"'()\[\]\-_/\\|]+")


def normalize(text: str) -> str:
    """Unify letter variants and drop diacritics, tatweel and joiners; keep word spaces."""
    return re.sub(r"\s+", " ", _DROP.sub("", text.translate(_MAP))).strip()


def compact(text: str) -> str:
    """`normalize`, then drop spaces and punctuation: the form phrases are compared in."""
    return _PUNCT.sub("", normalize(text))


@dataclass(frozen=True)
class PhraseMatch:
    """Where a phrase was found among a line's words."""

    pattern: str
    start: int  # index of the first matching word
    end: int  # index after the last matching word
    score: float  # 0-100


def find_phrase(
    pattern: str,
    words: Sequence[str],
    *,
    min_score: float = 85.0,
    whole_words: bool = False,
) -> PhraseMatch | None:
    """Find `pattern` in a sequence of words (one OCR line, in reading order).

    Parameters
    ----------
    pattern : str
        The phrase, as the convention writes it.
    words : sequence of str
        The words of one line.
    min_score : float
        Smallest similarity (0-100) to accept.
    whole_words : bool
        Require the phrase to cover whole words (for short marks such as «سری» that occur
        inside longer words); otherwise a phrase may match part of a word span.

    Returns
    -------
    PhraseMatch or None
        The best word span, or None when nothing reaches `min_score`.

    """
    target = compact(pattern)
    if not target or not words:
        return None
    forms = [compact(w) for w in words]
    best: PhraseMatch | None = None
    max_span = max(1, len(pattern.split()) + 2)
    for start in range(len(forms)):
        if not forms[start]:
            continue
        joined = ""
        for end in range(start + 1, min(len(forms), start + max_span) + 1):
            joined += forms[end - 1]
            if not joined:
                continue
            if whole_words:
                score = float(fuzz.ratio(target, joined))
                if len(target) <= 4 and joined != target:
                    score = 0.0  # short marks must be read exactly
            elif len(joined) <= len(target):
                # A span shorter than the phrase («و» against «موضوع») must match the whole
                # phrase, not a piece of it: plain similarity, which a truncation lowers.
                score = float(fuzz.ratio(target, joined))
            else:
                score = float(fuzz.partial_ratio(target, joined))
                # A span much longer than the phrase matches anything; penalise the excess.
                excess = max(0, len(joined) - len(target) - 2)
                score -= 100.0 * excess / max(len(joined), 1) if excess else 0.0
            if score >= min_score and (best is None or score > best.score):
                best = PhraseMatch(pattern, start, end, score)
    return best
