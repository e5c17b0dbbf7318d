"""A translation compared with its original: sentences aligned, anchors that appear in one only.

A translation published beside a Persian letter can add what the letter does not say. The
comparison works without a translation engine, on what survives translation unchanged:

- **anchors**: numbers (Persian or Latin digits), dates in any calendar (compared as Gregorian
  days, so «۱۳۸۰/۰۲/۲۴» and "14 May 2001" are one date; `workbench.text.dates`), and names
  (Persian names read after an honorific or in the signature block, compared with the
  translation's names through their Latin spellings; `workbench.text.romanize`);
- **sentences**, aligned in order by length (the Gale-Church method: a translation's sentence
  lengths follow the original's at a near-constant ratio), so a sentence with no counterpart
  in the other text stands out;
- **meaning**: each pair of aligned sentences is compared through a multilingual sentence
  model (`workbench.text.meaning`), so a translated sentence that says something else than the
  original sentence it stands beside, with no number, date or name to show it, is seen too.

Inputs are bounded (`MAX_CHARS`, `MAX_ALIGN`, `MAX_MEANING`): a text too long for one of the
steps is compared in its first part only, and the comparison's notes say so.

Everything here is a pure function of the two texts and the original's names (the sentence
model is deterministic).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.text import meaning
from workbench.text.dates import find_dates, western_digits
from workbench.text.romanize import romanize
from workbench.text.translation_align import (
    MAX_MEANING_ALIGN,
    MEANING_DROP,
    MEANING_HIGH,
    align_by_meaning,
)
from workbench.text.translation_names import SAME_NAME, english_names, found_in, same_name

__all__ = [
    "MAX_MEANING_ALIGN",
    "MEANING_DROP",
    "MEANING_HIGH",
    "SAME_NAME",
    "Alignment",
    "Difference",
    "align_sentences",
    "compare_translation",
    "english_names",
    "same_name",
    "sentences",
]

_NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")
#: Abbreviations whose full stop ends no sentence ("Mr. Sadri", "10 a.m.", "No. 12").
_ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Messrs|Eng|No|Nos|St|Ave|Prof|Gen|Col|Jr|Sr|vs|etc|i\.e|e\.g|"
    r"a\.m|p\.m)\.",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n\s*\n")
#: Words of a sentence below which it is a heading or a field, not a sentence to align.
MIN_WORDS = 5
#: A sentence without counterpart is reported from this many words (shorter: fields, notes).
REPORT_WORDS = 12
#: Penalties of the sentence alignment (in the units of the length cost).
SKIP_COST = 3.0
MERGE_COST = 3.0
#: Characters of each text compared (about 30 pages of a letter); the rest is left out, with a
#: note, so that a hostile or mistaken upload cannot hold the comparison for minutes.
MAX_CHARS = 100_000
#: Sentences of each text aligned: the alignment's time grows with the product of the two
#: counts (250 x 250 takes about a second), so longer texts are aligned in their first part.
MAX_ALIGN = 250


@dataclass(frozen=True)
class Difference:
    """Something present in one text and absent from the other."""

    kind: str  # "number", "date", "name", "sentence" or "meaning"
    side: str  # "translation" (only there) or "original"
    value: str
    context: str = ""
    #: For "meaning": the similarity of the sentence with the original one it is aligned with.
    similarity: float | None = None
    #: Why it was reported, in words (for "meaning": which evidence decided).
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "only_in": self.side,
            "value": self.value,
            "context": self.context,
        }
        if self.similarity is not None:
            out["similarity"] = self.similarity
        if self.reason:
            out["reason"] = self.reason
        return out

    def explained(self) -> str:
        """One line saying what was found and why, for the pair it belongs to."""
        if self.reason:
            return self.reason
        if self.kind == "sentence":
            return f"a sentence of the {self.side} with no counterpart in the other text"
        return f"{self.kind} «{self.value}» only in the {self.side}"


@dataclass(frozen=True)
class Alignment:
    """Sentences of the two texts paired in order (an empty side has no counterpart)."""

    pairs: list[tuple[list[str], list[str]]]
    ratio: float  # translation characters per original character
    #: Per pair, the similarity of meaning of its two sides (None: not compared).
    similarity: tuple[float | None, ...] = ()
    #: Sentence counts of the two texts when they were too many to align whole (None: whole).
    totals: tuple[int, int] | None = None
    #: Per pair, why it was reported (the differences found in it, in words; empty: none).
    flags: tuple[tuple[str, ...], ...] = ()

    def as_dicts(self) -> list[dict[str, Any]]:
        """JSON-ready rows: the original's and the translation's sentences of each pair.

        With ``similarity`` when the pairs were compared by meaning (0-1, higher is closer),
        and ``flags`` when a difference was found in the pair (why, in words).
        """
        rows: list[dict[str, Any]] = []
        for k, (a, b) in enumerate(self.pairs):
            row: dict[str, Any] = {"original": list(a), "translation": list(b)}
            if k < len(self.similarity) and self.similarity[k] is not None:
                row["similarity"] = self.similarity[k]
            if k < len(self.flags) and self.flags[k]:
                row["flags"] = list(self.flags[k])
            rows.append(row)
        return rows

    def with_flags(self, differences: Sequence[Difference]) -> Alignment:
        """The same alignment with each difference placed on the pair whose text holds it.

        A sentence or meaning difference belongs to the pair holding that sentence; a number,
        date or name to the first pair of its side whose text holds it (a date or name that
        no sentence holds whole, or one in a heading left out of the alignment, is placed
        nowhere: the findings still report it).
        """
        flags: list[list[str]] = [[] for _ in self.pairs]
        for difference in differences:
            side = 0 if difference.side == "original" else 1
            needle = difference.value.split(" (")[0] if difference.kind != "sentence" else ""
            for k, pair in enumerate(self.pairs):
                texts = pair[side]
                if difference.kind in ("sentence", "meaning"):
                    hit = difference.value in texts
                else:
                    joined = western_digits(" ".join(texts)) if side == 0 else " ".join(texts)
                    hit = bool(needle) and (needle in joined or needle in " ".join(texts))
                if hit:
                    flags[k].append(difference.explained())
                    break
        return Alignment(
            self.pairs, self.ratio, self.similarity, self.totals, tuple(tuple(f) for f in flags)
        )


@dataclass
class Comparison:
    """The result of comparing a translation with its original."""

    differences: list[Difference] = field(default_factory=list)
    alignment: Alignment | None = None
    anchors: dict[str, Any] = field(default_factory=dict)
    #: What was left out of the comparison and why (too long, no sentence model).
    notes: list[str] = field(default_factory=list)
    #: The sentence model used for the meaning comparison, or None when none ran.
    meaning_model: str | None = None


def sentences(text: str) -> list[str]:
    """Sentences of a text, split at . ! ? ؟ and at the end of short lines (headings, fields).

    A line of `MIN_WORDS` words or more runs on into the next one (a wrapped line of a
    paragraph); a shorter line ends its segment. Bracketed notes («[signature]», "(fictional
    document)") are a translator's additions and are left out.
    """
    text = re.sub(r"\[[^\]]{0,300}\]|\([^)]{0,300}\)", " ", text)
    segments: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            if current:
                segments.append(" ".join(current))
                current = []
            continue
        current.append(" ".join(words))
        if len(words) < MIN_WORDS or re.search(r"[.!?؟:]$", words[-1]):
            segments.append(" ".join(current))
            current = []
    if current:
        segments.append(" ".join(current))
    out = []
    for segment in segments:
        protected = _ABBREVIATION.sub(lambda m: m[0].replace(".", "\u2024"), segment)
        for part in _SENTENCE_END.split(protected):
            if part.strip():
                out.append(part.strip().replace("\u2024", "."))
    return out


def _long(items: Sequence[str]) -> list[str]:
    return [s for s in items if len(s.split()) >= MIN_WORDS]


def align_sentences(original: Sequence[str], translation: Sequence[str]) -> Alignment:
    """Pair sentences in order by length (1-1, 1-0, 0-1, 2-1, 1-2), Gale-Church style.

    The length ratio of the two languages is first taken from the totals, then, once, from the
    median of the one-to-one pairs of that first alignment: headings and notes that one text
    has and the other lacks would otherwise skew it. Only the first `MAX_ALIGN` sentences of
    each text are aligned (the time grows with the product of the counts); the alignment's
    ``totals`` then give the full counts.
    """
    totals = (len(original), len(translation))
    if max(totals) > MAX_ALIGN:
        aligned = align_sentences(original[:MAX_ALIGN], translation[:MAX_ALIGN])
        return Alignment(aligned.pairs, aligned.ratio, totals=totals)
    a = [len(s) for s in original]
    b = [len(s) for s in translation]
    ratio = (sum(b) / sum(a)) if sum(a) else 1.0
    first = _align(original, translation, ratio)
    singles = [len(y[0]) / len(x[0]) for x, y in first.pairs if len(x) == 1 and len(y) == 1]
    if len(singles) >= 3:
        return _align(original, translation, float(sorted(singles)[len(singles) // 2]))
    return first


def _align(original: Sequence[str], translation: Sequence[str], ratio: float) -> Alignment:
    a = [len(s) for s in original]
    b = [len(s) for s in translation]

    def cost(la: int, lb: int) -> float:
        expected = la * ratio
        return abs(lb - expected) / math.sqrt(expected + lb + 1.0) if la or lb else 0.0

    n, m = len(a), len(b)
    best = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    moves = (
        (1, 1, 0.0),
        (1, 0, SKIP_COST),
        (0, 1, SKIP_COST),
        (2, 1, MERGE_COST),
        (1, 2, MERGE_COST),
    )
    for i in range(n + 1):
        for j in range(m + 1):
            if best[i][j] == math.inf:
                continue
            for di, dj, penalty in moves:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                la, lb = sum(a[i:ni]), sum(b[j:nj])
                c = best[i][j] + penalty + (cost(la, lb) if di and dj else 0.0)
                if c < best[ni][nj]:
                    best[ni][nj] = c
                    back[ni][nj] = (di, dj)
    pairs: list[tuple[list[str], list[str]]] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        pairs.append((list(original[i - di : i]), list(translation[j - dj : j])))
        i, j = i - di, j - dj
    pairs.reverse()
    return Alignment(pairs, round(ratio, 3))


def _dates(text: str) -> tuple[dict[str, str], list[tuple[int, int]]]:
    """Gregorian days (ISO) of the valid dates in `text` with their text, and their spans."""
    days: dict[str, str] = {}
    spans = []
    for found in find_dates(text):
        spans.append((found.start, found.end))
        if found.gregorian is not None:
            days.setdefault(found.gregorian.isoformat(), found.text)
    return days, spans


def _numbers(text: str, spans: Sequence[tuple[int, int]]) -> Counter[str]:
    """Numbers outside date spans, as Latin digits without grouping marks."""
    converted = western_digits(text)
    out: Counter[str] = Counter()
    for m in _NUMBER.finditer(converted):
        if any(s <= m.start() < e for s, e in spans):
            continue
        value = re.sub(r"[,٬]", "", m[0]).replace("٫", ".").lstrip("0") or "0"
        out[value] += 1
    return out


def _unmatched_of_merge(a: list[str], b: list[str], ratio: float) -> Difference | None:
    """In a one-to-two pairing, the sentence left over when the other one fits better alone.

    Translations of official letters keep the original's sentences; two sentences for one
    mean that one of them has no counterpart of its own, or that the translator split a
    sentence (the innocent explanation the finding gives).
    """
    single, pair, side = (a[0], b, "translation") if len(a) == 1 else (b[0], a, "original")
    scale = ratio if side == "translation" else 1 / ratio

    def fit(length: int) -> float:
        expected = len(single) * scale
        return abs(length - expected) / math.sqrt(expected + length + 1.0)

    keep, extra = sorted(pair, key=lambda s: fit(len(s)))
    if len(extra.split()) >= REPORT_WORDS and len(keep.split()) >= MIN_WORDS:
        return Difference("sentence", side, extra)
    return None


def _date_parts(text: str, spans: Sequence[tuple[int, int]]) -> set[str]:
    """The numbers inside a text's dates («۱۳۸۰/۰۲/۲۴» -> 1380, 2, 24), as `_numbers` gives them."""
    parts: set[str] = set()
    for start, end in spans:
        parts.update(_numbers(text[start:end], []))
    return parts


def _around(text: str, needle: str, width: int = 60) -> str:
    pos = text.find(needle)
    if pos < 0:
        return ""
    return re.sub(r"\s+", " ", text[max(0, pos - width) : pos + len(needle) + width]).strip()


def compare_translation(
    original: str, translation: str, original_names: Sequence[str], use_meaning: bool = True
) -> Comparison:
    """Compare a translation with its original text; `original_names` are its Persian names.

    With ``use_meaning`` (the default) aligned sentences are also compared by meaning, when the
    sentence model is installed; the comparison's notes say when it is not.
    """
    result = Comparison()
    for label, text in (("original", original), ("translation", translation)):
        if len(text) > MAX_CHARS:
            result.notes.append(
                f"Too large to compare whole: the {label} has {len(text)} characters; "
                f"compared only the first {MAX_CHARS}."
            )
    original, translation = original[:MAX_CHARS], translation[:MAX_CHARS]
    result.meaning_model = meaning.MODEL if use_meaning else None
    days_o, spans_o = _dates(original)
    days_t, spans_t = _dates(translation)
    for day, text in days_t.items():
        if day not in days_o:
            result.differences.append(
                Difference("date", "translation", f"{text} ({day})", _around(translation, text))
            )
    for day, text in days_o.items():
        if day not in days_t:
            result.differences.append(
                Difference("date", "original", f"{text} ({day})", _around(original, text))
            )
    nums_o, nums_t = _numbers(original, spans_o), _numbers(translation, spans_t)
    in_dates = _date_parts(original, spans_o) | _date_parts(translation, spans_t)
    nums_o = Counter({k: v for k, v in nums_o.items() if k not in in_dates and len(k) > 1})
    nums_t = Counter({k: v for k, v in nums_t.items() if k not in in_dates and len(k) > 1})
    converted_o, converted_t = western_digits(original), translation
    for value, count in (nums_t - nums_o).items():
        result.differences.append(
            Difference("number", "translation", value, _around(converted_t, value))
        )
        del count
    for value in nums_o - nums_t:
        result.differences.append(
            Difference("number", "original", value, _around(converted_o, value))
        )
    spellings = {name: romanize(name).latin for name in original_names}
    names_t = english_names(translation)
    for name in names_t:
        if not any(same_name(name, s) for s in spellings.values()):
            result.differences.append(
                Difference("name", "translation", name, _around(translation, name))
            )
    for persian, latin in spellings.items():
        if latin and not found_in(translation, latin):
            result.differences.append(
                Difference(
                    "name", "original", f"{persian} ({latin[0]})", _around(original, persian)
                )
            )
    long_o, long_t = _long(sentences(original)), _long(sentences(translation))
    alignment = None
    if use_meaning:
        alignment = _align_meaning(long_o, long_t, spellings, result)
    if alignment is None:
        alignment = _align_length(long_o, long_t, result)
    result.alignment = alignment.with_flags(result.differences)
    result.anchors = {
        "dates": {"original": sorted(days_o), "translation": sorted(days_t)},
        "numbers": {"original": sorted(nums_o), "translation": sorted(nums_t)},
        "names": {
            "original": [{"persian": p, "latin": list(s)} for p, s in spellings.items()],
            "translation": names_t,
        },
    }
    return result


def _anchors(
    texts: Sequence[str], spellings: dict[str, tuple[str, ...]], persian: bool
) -> list[frozenset[str]]:
    """Per sentence, the keys of its anchors: numbers, Gregorian days and the original's names.

    The keys are the same in both texts («۱۲۰» and "120" are ``number:120``; a Persian name
    and its Latin spelling are ``name:`` the Persian name), so that the alignment can draw
    together the sentences that share one.
    """
    out = []
    for text in texts:
        days, spans = _dates(text)
        keys = {f"date:{day}" for day in days}
        keys |= {f"number:{n}" for n in _numbers(text, spans) if len(n) > 1}
        for name, latin in spellings.items():
            if (name in text) if persian else (bool(latin) and found_in(text, latin)):
                keys.add(f"name:{name}")
        out.append(frozenset(keys))
    return out


def _align_meaning(
    long_o: list[str], long_t: list[str], spellings: dict[str, tuple[str, ...]], result: Comparison
) -> Alignment | None:
    """Sentences aligned and judged by meaning (`workbench.text.translation_align`).

    A sentence left without counterpart is reported from `REPORT_WORDS` words, and a pair much
    less similar than the letter's median pair is reported as a "meaning" difference. None
    (the caller aligns by length) when the model is unavailable, with a note, or when the
    texts have more than `MAX_MEANING_ALIGN` sentences, with a note.
    """
    why = meaning.unavailable()
    if why is not None:
        result.meaning_model = None
        result.notes.append(
            f"Sentences were not compared by meaning: {why}. Numbers, dates, names and "
            "sentence counts were compared."
        )
        return None
    if max(len(long_o), len(long_t)) > MAX_MEANING_ALIGN:
        result.meaning_model = None
        result.notes.append(
            f"Too many sentences to compare by meaning: the original has {len(long_o)} and "
            f"the translation {len(long_t)} (at most {MAX_MEANING_ALIGN}); they were aligned "
            "by length, and numbers, dates, names and sentence counts were compared."
        )
        return None
    aligned = align_by_meaning(
        long_o,
        long_t,
        _anchors(long_o, spellings, persian=True),
        _anchors(long_t, spellings, persian=False),
    )
    if aligned is None:
        result.meaning_model = None
        return None
    pairs = [([long_o[i] for i in a], [long_t[j] for j in b]) for a, b in aligned.steps]
    for a, b in pairs:
        if not a or not b:
            side, texts = ("translation", b) if b else ("original", a)
            result.differences.extend(
                Difference("sentence", side, s) for s in texts if len(s.split()) >= REPORT_WORDS
            )
    for k in aligned.outliers():
        a, b = pairs[k]
        score = aligned.similarity[k]
        if len(" ".join(b).split()) < REPORT_WORDS:
            continue  # a field or a heading: too little to weigh its meaning
        result.differences.append(
            Difference(
                "meaning",
                "translation",
                " ".join(b),
                " ".join(a),
                similarity=score,
                reason=(
                    f"meaning far from the original beside it: similarity {score:.3f}, "
                    f"against {aligned.median:.3f} for the letter's median pair (reported "
                    f"below the median less {MEANING_DROP}, and below {MEANING_HIGH})"
                ),
            )
        )
    ratio = sum(map(len, long_t)) / max(1, sum(map(len, long_o)))
    return Alignment(pairs, round(ratio, 3), tuple(aligned.similarity))


def _align_length(long_o: list[str], long_t: list[str], result: Comparison) -> Alignment:
    """Sentences aligned by length (no sentence model, or too many sentences for it).

    A sentence without counterpart is reported from `REPORT_WORDS` words, and so is the
    left-over sentence of a one-to-two pair that fits its length worse than the other.
    """
    alignment = align_sentences(long_o, long_t)
    if alignment.totals is not None:
        result.notes.append(
            f"Too large to align: the original has {alignment.totals[0]} sentences and the "
            f"translation {alignment.totals[1]}; compared only the first "
            f"{min(alignment.totals[0], MAX_ALIGN)} and {min(alignment.totals[1], MAX_ALIGN)}."
        )
    for a, b in alignment.pairs:
        if sorted((len(a), len(b))) == [1, 2]:
            extra = _unmatched_of_merge(a, b, alignment.ratio)
            if extra is not None:
                result.differences.append(extra)
        elif not a or not b:
            side, texts = ("translation", b) if b else ("original", a)
            result.differences.extend(
                Difference("sentence", side, s) for s in texts if len(s.split()) >= REPORT_WORDS
            )
    return alignment
