"""Script, language and digit systems of a piece of text, with the evidence that decided.

Telling Persian from Arabic (and from Urdu, Pashto and Kurdish Sorani, which share the
Arabic script) is the question fact-checkers ask most of a Persian letter. Two kinds of
evidence answer it, and this module combines them rather than trusting either alone:

* **Orthography** (cheap, explainable, strong even on one word): letters only some of the
  languages use (Persian پ چ ژ گ; Urdu ٹ ڈ ڑ ں ے ہ ھ; Pashto ټ ډ ړ ږ ښ ګ ڼ ۍ ې; Sorani ڕ ڵ ۆ ێ ە;
  Arabic ة ى), the code points of yeh and kaf (Persian ی ک, U+06CC/U+06A9, against Arabic ي ك,
  U+064A/U+0643), the zero-width non-joiner of Persian compounds, digit systems, and
  function words («است», «را» against «في», «الذي»). Each letter class has a rough frequency
  per language; the letters of a text are scored as a naive Bayes model over those classes,
  so the *absence* of Urdu letters in a long line counts against Urdu as well.
* **A statistical detector**: `lingua-language-detector`, built once and restricted to the
  candidate languages. It is consulted only when orthography and vocabulary leave the answer
  open (short or unusual strings), which keeps classification at thousands of lines a second.
  Lingua has no Pashto or Sorani model: those two are decided by their letters and words.

Short strings (a date, a number, a single letter) answer ``language="und"`` ("insufficient
evidence") with a low confidence instead of a guess.

The yeh/kaf code points are reported separately as the text's *orthography*, because they are
not the language: typed Persian of the 1990s-2000s often carries Arabic ي/ك from old keyboards
and encodings (a period trait), and on a scan the code points come from the OCR model, not the
paper (Tesseract's ``fas`` model writes Persian forms, ``ara`` Arabic ones, whatever was
printed). For such text pass ``code_points_trusted=False``: the yeh/kaf choice then carries no
weight, and words are matched to the vocabulary with yeh and kaf folded together.

Scripts are named as in ISO 15924 / the Unicode Script property (``Arabic``, ``Latin``,
``Cyrillic``, ...; ``Common`` for text with only punctuation or Western digits, ``Unknown``
for empty text); languages by ISO 639-1 (``fa``, ``ar``, ``ur``, ``ps``, ``en``, ...) and
``ckb`` (ISO 639-3) for Kurdish Sorani, which has no two-letter code of its own.

The classifier is here; what it weighs lives beside it: character scripts and digit systems
in `workbench.text.characters`, the letter and word tables in `workbench.text.orthography`,
the statistical detector in `workbench.text.detector`, language codes in `workbench.languages`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.languages import ARABIC_SCRIPT_LANGUAGES, UNDETERMINED
from workbench.text.characters import (
    DIGIT_SYSTEMS,
    SINGLE_LANGUAGE_SCRIPTS,
    ZWNJ,
    DigitCounts,
    char_script,
    count_digits,
    digits_from_counts,
)
from workbench.text.detector import lingua_probabilities, warm_up
from workbench.text.orthography import (
    ARABIC_YEH_KAF,
    ARTICLE_WEIGHT,
    CLASS_LOGP,
    CLASS_OF,
    FOLD_YEH_KAF,
    LETTER_CLASSES,
    LETTER_WEIGHT,
    PERSIAN_PREFIX_WEIGHT,
    PERSIAN_YEH_KAF,
    PRIORS,
    VOCAB_INDEX,
    VOCABULARY,
    VOCABULARY_WEIGHT,
    words,
)

# Names the classifier's callers import from here, whichever module they now live in.
__all__ = [
    "ARABIC_SCRIPT_LANGUAGES",
    "DIGIT_SYSTEMS",
    "LETTER_CLASSES",
    "UNDETERMINED",
    "VOCABULARY",
    "Classification",
    "DigitCounts",
    "Evidence",
    "char_script",
    "classify",
    "classify_lines",
    "classify_words",
    "count_digits",
    "warm_up",
    "words",
]


#: Orthography and vocabulary alone decide when the best language leads by this many
#: natural-log units (odds of about 400:1); below it the statistical detector is consulted.
DECISIVE_MARGIN = 6.0
#: Weight of the statistical detector's log-probabilities against the other evidence.
LINGUA_WEIGHT = 2.0
#: Below this probability for the best language, or with fewer letters than
#: `MIN_LETTERS`, the answer is "und" (insufficient evidence).
UNDETERMINED_BELOW = 0.4
MIN_LETTERS = 2
#: Letters at which the evidence is "full": confidence = p * (1 - exp(-letters / this)).
LETTERS_SCALE = 6.0


_CHAR_INFO: dict[str, tuple[str | None, str | None]] = {}


def _char_info(ch: str) -> tuple[str | None, str | None]:
    """(script if `ch` is a letter else None, its Arabic letter class or None), memoised."""
    info = _CHAR_INFO.get(ch)
    if info is None:
        letter_script = char_script(ch) if unicodedata.category(ch)[0] == "L" else None
        cls = CLASS_OF.get(ch, "other") if letter_script == "Arabic" else None
        info = (letter_script, cls)
        if len(_CHAR_INFO) < 65536:
            _CHAR_INFO[ch] = info
    return info


# --------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Evidence:
    """One signal and the languages it favours, with how often it was seen.

    ``signal`` is a stable name (``persian_letters``, ``arabic_yeh_kaf``, ``vocabulary``,
    ``statistical``...); ``favours`` the language it pushed towards; ``weight`` the share of
    the winning margin, in natural-log units, of its kind of evidence (orthography,
    vocabulary or statistical; positive: for the answer), the same for signals of one kind.
    """

    signal: str
    favours: str
    count: int = 0
    examples: tuple[str, ...] = ()
    weight: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "signal": self.signal,
            "favours": self.favours,
            "count": self.count,
            "examples": list(self.examples),
            "weight": round(self.weight, 2),
        }


@dataclass(frozen=True)
class Classification:
    """What a piece of text is written in, how sure we are, and why.

    ``orthography`` is the yeh/kaf spelling of Arabic-script text: ``persian`` (ی ک),
    ``arabic`` (ي ك), ``mixed`` or None (neither letter present). ``arabic_forms`` counts
    the Arabic-only code points (ي ك ة ى) that a Persian text would not normally carry.
    ``decided_by`` names the kinds of evidence that made the answer, strongest first
    (``orthography``, ``vocabulary``, ``statistical``, ``script``), or is empty for "und".
    """

    script: str
    language: str
    confidence: float
    digits: DigitCounts
    letters: int = 0
    orthography: str | None = None
    arabic_forms: int = 0
    probabilities: dict[str, float] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    decided_by: tuple[str, ...] = ()

    def as_dict(self, *, detail: bool = True) -> dict[str, Any]:
        """A JSON-ready dict; with ``detail=False`` only script, language, confidence, digits."""
        data: dict[str, Any] = {
            "script": self.script,
            "language": self.language,
            "confidence": round(self.confidence, 4),
            "digits": self.digits.as_dict(),
        }
        if detail:
            data.update(
                letters=self.letters,
                orthography=self.orthography,
                arabic_forms=self.arabic_forms,
                probabilities={k: round(v, 4) for k, v in self.probabilities.items()},
                decided_by=list(self.decided_by),
                evidence=[e.as_dict() for e in self.evidence],
            )
        return data


# --------------------------------------------------------------------------------------
# Classification


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(text: str) -> str:
    """`text` with control characters and lone surrogates replaced by spaces.

    Hostile input never raises; format characters (ZWNJ, bidi marks) are kept, since the
    zero-width non-joiner is evidence and `words` drops the rest.
    """
    return _CONTROLS.sub(" ", text)


def classify(
    text: str, *, code_points_trusted: bool = True, statistical: bool = True
) -> Classification:
    """Script, language, digit systems and evidence for `text` taken as one item.

    Parameters
    ----------
    text : str
        Any string: a word, a line or a whole document. Control characters, lone surrogates
        and megabyte-long strings are handled (only the first `LINGUA_MAX_CHARS` characters
        go to the statistical detector; counts cover everything).
    code_points_trusted : bool
        False for OCR output, whose yeh/kaf code points come from the OCR model rather than
        from the page: the yeh/kaf spelling is then still reported as ``orthography`` but
        carries no weight for the language.
    statistical : bool
        False to leave the statistical detector out (orthography and vocabulary only): for
        bulk per-word tables, where a millisecond per word adds up and "und" is an honest
        answer for a word without telling letters.

    Returns
    -------
    Classification
        ``language`` is ``"und"`` when the text has fewer than `MIN_LETTERS` letters or no
        language reaches `UNDETERMINED_BELOW`.

    """
    text = _clean(text)
    counts = Counter(text)
    digits = digits_from_counts(counts)
    per_script: dict[str, int] = {}
    by_class: dict[str, int] = {}
    for ch, n in counts.items():
        letter_script, cls = _CHAR_INFO.get(ch) or _char_info(ch)
        if letter_script is not None:
            per_script[letter_script] = per_script.get(letter_script, 0) + n
            if cls is not None:
                by_class[cls] = by_class.get(cls, 0) + n
    if not per_script:
        return _no_letters(text, digits)
    script = max(per_script, key=lambda k: per_script[k])
    if script == "Arabic":
        return _classify_arabic(
            text, counts, by_class, digits, per_script["Arabic"], code_points_trusted, statistical
        )
    return _classify_other(text, script, digits, per_script[script], statistical)


def _no_letters(text: str, digits: DigitCounts) -> Classification:
    if not text.strip():
        script = "Unknown"
    elif digits.persian + digits.arabic_indic > digits.western:
        script = "Arabic"
    else:
        script = "Common"
    return Classification(script=script, language=UNDETERMINED, confidence=0.0, digits=digits)


def _confidence(p: float, letters: int) -> float:
    return p * (1.0 - math.exp(-letters / LETTERS_SCALE))


def _classify_other(
    text: str, script: str, digits: DigitCounts, letters: int, statistical: bool = True
) -> Classification:
    """Text in a script other than Arabic: the script itself or lingua names the language."""
    single = SINGLE_LANGUAGE_SCRIPTS.get(script)
    if single is not None:
        conf = _confidence(0.95, letters)
        return Classification(
            script=script,
            language=single if letters >= MIN_LETTERS else UNDETERMINED,
            confidence=conf,
            digits=digits,
            letters=letters,
            probabilities={single: 0.95},
            evidence=(Evidence("script", single, letters, (), 0.0),),
            decided_by=("script",),
        )
    probs = lingua_probabilities(text, script) if letters >= MIN_LETTERS and statistical else {}
    if not probs:
        return Classification(script, UNDETERMINED, 0.0, digits, letters)
    best = max(probs, key=lambda k: probs[k])
    p = probs[best]
    language = best if p >= UNDETERMINED_BELOW and letters >= 3 else UNDETERMINED
    top = dict(sorted(probs.items(), key=lambda kv: -kv[1])[:4])
    return Classification(
        script=script,
        language=language,
        confidence=_confidence(p, letters) if language != UNDETERMINED else min(p, 0.3),
        digits=digits,
        letters=letters,
        probabilities=top,
        evidence=(Evidence("statistical", best, 1, (), 0.0),),
        decided_by=("statistical",) if language != UNDETERMINED else (),
    )


@dataclass
class _Scores:
    """Per-language log scores, split by the kind of evidence (for the explanation)."""

    parts: dict[str, dict[str, float]] = field(default_factory=dict)
    evidence: list[tuple[str, str, str, int, tuple[str, ...]]] = field(default_factory=list)

    def add(self, kind: str, lang: str, value: float) -> None:
        part = self.parts.get(kind)
        if part is None:
            part = self.parts[kind] = dict.fromkeys(ARABIC_SCRIPT_LANGUAGES, 0.0)
        part[lang] += value

    def note(
        self, kind: str, signal: str, favours: str, count: int, examples: Iterable[str] = ()
    ) -> None:
        self.evidence.append((kind, signal, favours, count, tuple(examples)[:5]))

    def total(self) -> dict[str, float]:
        out = dict.fromkeys(ARABIC_SCRIPT_LANGUAGES, 0.0)
        for part in self.parts.values():
            for lang, v in part.items():
                out[lang] += v
        return out


def _ranked(scores: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _classify_arabic(
    text: str,
    counts: Mapping[str, int],
    by_class: Mapping[str, int],
    digits: DigitCounts,
    letters: int,
    trusted: bool,
    statistical: bool = True,
) -> Classification:
    scores = _Scores()
    for lang, prior in PRIORS.items():
        scores.add("prior", lang, prior)
    _score_letters(counts, by_class, scores)
    n_persian_yk = sum(counts.get(ch, 0) for ch in PERSIAN_YEH_KAF)
    n_arabic_yk = sum(counts.get(ch, 0) for ch in ARABIC_YEH_KAF)
    if trusted:
        _score_yeh_kaf(n_persian_yk, n_arabic_yk, scores)
    _score_digits(digits, scores)
    tokens = words(text)
    _score_words(tokens, scores)

    total = scores.total()
    ranked = _ranked(total)
    if statistical and ranked[0][1] - ranked[1][1] < DECISIVE_MARGIN:
        sample = text if trusted else text.translate(FOLD_YEH_KAF)
        probs = lingua_probabilities(sample, "Arabic")
        if probs:
            # Lingua knows no Pashto or Sorani: it says nothing about them (a uniform share).
            for lang in ARABIC_SCRIPT_LANGUAGES:
                p = probs.get(lang, 1.0 / len(probs))
                scores.add("statistical", lang, LINGUA_WEIGHT * math.log(max(p, 1e-3)))
            best_stat = max(probs, key=lambda k: probs[k])
            scores.note("statistical", "statistical", best_stat, 1)
            total = scores.total()
            ranked = _ranked(total)

    top = ranked[0][1]
    exps = {lang: math.exp(v - top) for lang, v in total.items()}
    z = sum(exps.values())
    probabilities = {lang: e / z for lang, e in sorted(exps.items(), key=lambda kv: -kv[1])}
    best, p_best = next(iter(probabilities.items()))
    runner_up = ranked[1][0]
    undetermined = p_best < UNDETERMINED_BELOW or letters < MIN_LETTERS

    # Explain: each kind of evidence's share of the lead of the answer over the runner-up.
    shares = {kind: part[best] - part[runner_up] for kind, part in scores.parts.items()}
    decided_by = (
        ()
        if undetermined
        else tuple(
            k for k, v in sorted(shares.items(), key=lambda kv: -kv[1]) if v > 0.05 and k != "prior"
        )
    )
    evidence = tuple(
        Evidence(signal, favours, count, examples, shares.get(kind, 0.0))
        for kind, signal, favours, count, examples in scores.evidence
    )
    if n_persian_yk and n_arabic_yk:
        orthography: str | None = "mixed"
    elif n_arabic_yk:
        orthography = "arabic"
    elif n_persian_yk:
        orthography = "persian"
    else:
        orthography = None
    arabic_forms = n_arabic_yk + counts.get("ة", 0) + counts.get("ى", 0)
    language = UNDETERMINED if undetermined else best
    return Classification(
        script="Arabic",
        language=language,
        confidence=min(_confidence(p_best, letters), 0.35)
        if undetermined
        else _confidence(p_best, letters),
        digits=digits,
        letters=letters,
        orthography=orthography,
        arabic_forms=arabic_forms,
        probabilities=probabilities,
        evidence=evidence,
        decided_by=decided_by,
    )


_CLASS_FAVOURS: dict[str, str] = {
    "persian_letters": "fa",
    "teh_marbuta": "ar",
    "alef_maksura": "ar",
    "urdu_letters": "ur",
    "heh_doachashmee": "ur",
    "pashto_letters": "ps",
    "sorani_letters": "ckb",
}


def _score_letters(counts: Mapping[str, int], by_class: Mapping[str, int], scores: _Scores) -> None:
    """Naive Bayes over letter classes: presence and absence both count."""
    for lang, logp in CLASS_LOGP.items():
        scores.add(
            "orthography", lang, LETTER_WEIGHT * sum(logp[c] * n for c, n in by_class.items())
        )
    for cls, favours in _CLASS_FAVOURS.items():
        if by_class.get(cls):
            chars = [ch for ch in LETTER_CLASSES[cls] if ch in counts]
            scores.note("orthography", cls, favours, by_class[cls], chars)


def _score_yeh_kaf(n_persian: int, n_arabic: int, scores: _Scores) -> None:
    """Yeh/kaf code points, as one observation per text (not per letter).

    Modern Arabic never writes ی ک; Persian, Urdu and Sorani write them, and older Persian
    typing often has ي ك instead (a period trait), so Arabic forms alone weigh little.
    Pashto mixes ي and ی by rule.
    """
    if n_persian and not n_arabic:
        scores.add("orthography", "ar", -3.0)
        scores.note("orthography", "persian_yeh_kaf", "fa", n_persian)
    elif n_arabic and not n_persian:
        for lang, v in (("ar", 2.0), ("fa", -0.5), ("ur", -3.0), ("ckb", -3.0), ("ps", -1.0)):
            scores.add("orthography", lang, v)
        scores.note("orthography", "arabic_yeh_kaf", "ar", n_arabic)
    elif n_arabic and n_persian:
        scores.add("orthography", "ps", 1.0)
        scores.note("orthography", "mixed_yeh_kaf", "ps", n_arabic + n_persian)


def _score_digits(digits: DigitCounts, scores: _Scores) -> None:
    if digits.persian:
        for lang, v in (("fa", 0.5), ("ur", 0.3), ("ps", 0.3), ("ar", -0.5)):
            scores.add("orthography", lang, v)
        scores.note("orthography", "persian_digits", "fa", digits.persian)
    if digits.arabic_indic:
        for lang, v in (("ar", 0.5), ("ckb", 0.3), ("fa", -0.3), ("ur", -0.3)):
            scores.add("orthography", lang, v)
        scores.note("orthography", "arabic_indic_digits", "ar", digits.arabic_indic)


def _score_words(tokens: list[str], scores: _Scores) -> None:
    """Function words (yeh and kaf folded), Arabic articles, Persian verb prefixes, ZWNJ."""
    hits: dict[str, list[str]] = {}
    articles: list[str] = []
    prefixed: list[str] = []
    zwnj_words = 0
    folded_tokens = (
        [t.translate(FOLD_YEH_KAF) for t in tokens]
        if any("ي" in t or "ك" in t for t in tokens)
        else tokens
    )
    for token, folded in zip(tokens, folded_tokens, strict=True):
        langs = VOCAB_INDEX.get(folded)
        if langs:
            for lang in langs:
                hits.setdefault(lang, []).append(token)
        if ZWNJ in token:
            zwnj_words += 1
            if folded.startswith(("می\u200c", "نمی\u200c")):
                prefixed.append(token)
        if len(token) >= 5 and token.startswith(("ال", "وال", "بال")) and langs is None:
            articles.append(token)
    for lang, found in hits.items():
        scores.add("vocabulary", lang, VOCABULARY_WEIGHT * len(found))
        scores.note("vocabulary", f"vocabulary_{lang}", lang, len(found), found)
    if articles:
        scores.add("vocabulary", "ar", ARTICLE_WEIGHT * len(articles))
        scores.note("vocabulary", "arabic_article", "ar", len(articles), articles)
    if prefixed:
        scores.add("vocabulary", "fa", PERSIAN_PREFIX_WEIGHT * len(prefixed))
        scores.note("vocabulary", "persian_verb_prefix", "fa", len(prefixed), prefixed)
    if zwnj_words:
        n = min(zwnj_words, 5)
        for lang, v in (("fa", 0.8), ("ckb", 0.3), ("ur", 0.2), ("ar", -1.0)):
            scores.add("orthography", lang, v * n)
        scores.note("orthography", "zwnj", "fa", zwnj_words)


def classify_lines(text: str, *, code_points_trusted: bool = True) -> list[Classification]:
    """`classify` each line of `text` (split on newlines; empty lines included)."""
    return [classify(line, code_points_trusted=code_points_trusted) for line in text.split("\n")]


def classify_words(
    text: str, *, code_points_trusted: bool = True
) -> Iterator[tuple[str, Classification]]:
    """Each word of `text` with its own classification (short: often "und")."""
    for token in words(text):
        yield token, classify(token, code_points_trusted=code_points_trusted)
