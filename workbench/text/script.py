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
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lingua import LanguageDetector

UNDETERMINED = "und"

#: Languages written in the Arabic script that the classifier tells apart.
ARABIC_SCRIPT_LANGUAGES: tuple[str, ...] = ("fa", "ar", "ur", "ps", "ckb")

#: Characters of the statistical detector's input: beyond this, more text adds no accuracy.
LINGUA_MAX_CHARS = 2000
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

ZWNJ = "\u200c"

# --------------------------------------------------------------------------------------
# Digits

#: Digit systems by name, with their ten code points.
DIGIT_SYSTEMS: dict[str, str] = {
    "persian": "۰۱۲۳۴۵۶۷۸۹",  # U+06F0-06F9, Extended Arabic-Indic (Persian, Urdu, Pashto)
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",  # U+0660-0669 (Arabic; also Sorani)
    "western": "0123456789",
}
_DIGIT_SYSTEM_OF: dict[str, str] = {
    ch: name for name, digits in DIGIT_SYSTEMS.items() for ch in digits
}
_DIGIT_CHARS = frozenset(_DIGIT_SYSTEM_OF)


@dataclass(frozen=True)
class DigitCounts:
    """How many digits of each system a text contains."""

    persian: int = 0
    arabic_indic: int = 0
    western: int = 0

    @property
    def total(self) -> int:
        """All digits of the three systems."""
        return self.persian + self.arabic_indic + self.western

    @property
    def systems(self) -> tuple[str, ...]:
        """Names of the systems in use, most used first."""
        counts = self.as_dict()
        return tuple(sorted((k for k, v in counts.items() if v), key=lambda k: -counts[k]))

    def as_dict(self) -> dict[str, int]:
        """``{"persian": n, "arabic_indic": n, "western": n}``, the report's digit block."""
        return {"persian": self.persian, "arabic_indic": self.arabic_indic, "western": self.western}

    def __add__(self, other: DigitCounts) -> DigitCounts:
        return DigitCounts(
            self.persian + other.persian,
            self.arabic_indic + other.arabic_indic,
            self.western + other.western,
        )


def count_digits(text: str) -> DigitCounts:
    """Count Persian (۰-۹), Arabic-Indic (٠-٩) and Western (0-9) digits in `text`."""
    return _digits_from_counts(Counter(text))


def _digits_from_counts(counts: Mapping[str, int]) -> DigitCounts:
    tally = {"persian": 0, "arabic_indic": 0, "western": 0}
    for ch in _DIGIT_CHARS.intersection(counts):
        tally[_DIGIT_SYSTEM_OF[ch]] += counts[ch]
    return DigitCounts(**tally)


# --------------------------------------------------------------------------------------
# Scripts

#: Words of Unicode character names that name a script, mapped to its ISO 15924 name.
_SCRIPT_WORDS: dict[str, str] = {
    "ARABIC": "Arabic",
    "LATIN": "Latin",
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
    "HEBREW": "Hebrew",
    "SYRIAC": "Syriac",
    "THAANA": "Thaana",
    "ARMENIAN": "Armenian",
    "GEORGIAN": "Georgian",
    "DEVANAGARI": "Devanagari",
    "BENGALI": "Bengali",
    "GURMUKHI": "Gurmukhi",
    "GUJARATI": "Gujarati",
    "TAMIL": "Tamil",
    "TELUGU": "Telugu",
    "KANNADA": "Kannada",
    "MALAYALAM": "Malayalam",
    "THAI": "Thai",
    "LAO": "Lao",
    "TIBETAN": "Tibetan",
    "ETHIOPIC": "Ethiopic",
    "HANGUL": "Hangul",
    "HIRAGANA": "Hiragana",
    "KATAKANA": "Katakana",
    "CJK": "Han",
    "MONGOLIAN": "Mongolian",
}

#: Scripts written (almost) only by one language, so the script answers the language.
_SINGLE_LANGUAGE_SCRIPTS: dict[str, str] = {
    "Greek": "el",
    "Hebrew": "he",
    "Armenian": "hy",
    "Georgian": "ka",
    "Thai": "th",
    "Hangul": "ko",
    "Hiragana": "ja",
    "Katakana": "ja",
    "Gujarati": "gu",
    "Gurmukhi": "pa",
    "Tamil": "ta",
    "Telugu": "te",
    "Kannada": "kn",
    "Malayalam": "ml",
    "Lao": "lo",
    "Thaana": "dv",
}


@functools.lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    """The ISO 15924 script name of one character (``Common`` for digits, punctuation, space).

    Arabic-Indic and Persian digits count as ``Arabic`` (their Unicode script); Western digits,
    punctuation and symbols as ``Common``; unassigned or unnamed characters as ``Unknown``.
    """
    code = ord(ch)
    if code < 0x80:
        return "Latin" if ch.isalpha() else "Common"
    if 0x0600 <= code <= 0x06FF and code not in (0x060C, 0x061B, 0x061F, 0x0640, 0x06D4):
        return "Arabic"
    if ch == ZWNJ or ch == "\u200d":
        return "Inherited"
    category = unicodedata.category(ch)
    if category[0] in "PSZC":
        return "Common" if category != "Cn" else "Unknown"
    name = unicodedata.name(ch, "")
    if not name:
        return "Unknown"
    for word in name.replace("-", " ").split():
        script = _SCRIPT_WORDS.get(word)
        if script is not None:
            return script
    if category.startswith("M"):
        return "Inherited"
    return "Common"


_CHAR_INFO: dict[str, tuple[str | None, str | None]] = {}


def _char_info(ch: str) -> tuple[str | None, str | None]:
    """(script if `ch` is a letter else None, its Arabic letter class or None), memoised."""
    info = _CHAR_INFO.get(ch)
    if info is None:
        letter_script = char_script(ch) if unicodedata.category(ch)[0] == "L" else None
        cls = _CLASS_OF.get(ch, "other") if letter_script == "Arabic" else None
        info = (letter_script, cls)
        if len(_CHAR_INFO) < 65536:
            _CHAR_INFO[ch] = info
    return info


# --------------------------------------------------------------------------------------
# Orthographic signals of the Arabic-script languages

#: Letter classes that separate the Arabic-script languages, with their members.
LETTER_CLASSES: dict[str, str] = {
    "persian_letters": "پچژگ",
    "teh_marbuta": "ة",
    "alef_maksura": "ى",
    "urdu_letters": "ٹڈڑںےۓہۂ",
    "heh_doachashmee": "ھ",
    "pashto_letters": "ټډړږښګڼۍېځڅ",
    "sorani_letters": "ڕڵۆێە",
    "heh": "ه",
    "yeh_kaf": "یکيك",
}
_CLASS_OF: dict[str, str] = {ch: cls for cls, chars in LETTER_CLASSES.items() for ch in chars}

#: Rough share of each letter class among the Arabic-script letters of running text in each
#: language (the rest is "other"). Only the ratios between languages matter; they are
#: deliberately blunt (a tenth of a percent stands for "rare: loanwords and typos") so that
#: one stray letter never decides a long text.
_CLASS_RATES: dict[str, dict[str, float]] = {
    "fa": {
        "persian_letters": 0.03,
        "teh_marbuta": 0.001,
        "alef_maksura": 0.001,
        "urdu_letters": 0.0005,
        "heh_doachashmee": 0.0005,
        "pashto_letters": 0.0003,
        "sorani_letters": 0.0003,
        "heh": 0.07,
        "yeh_kaf": 0.12,
    },
    "ar": {
        "persian_letters": 0.0005,
        "teh_marbuta": 0.025,
        "alef_maksura": 0.01,
        "urdu_letters": 0.0003,
        "heh_doachashmee": 0.001,
        "pashto_letters": 0.0003,
        "sorani_letters": 0.0005,
        "heh": 0.04,
        "yeh_kaf": 0.09,
    },
    "ur": {
        "persian_letters": 0.02,
        "teh_marbuta": 0.0005,
        "alef_maksura": 0.0005,
        "urdu_letters": 0.09,
        "heh_doachashmee": 0.015,
        "pashto_letters": 0.0005,
        "sorani_letters": 0.0005,
        "heh": 0.005,
        "yeh_kaf": 0.13,
    },
    "ps": {
        "persian_letters": 0.015,
        "teh_marbuta": 0.001,
        "alef_maksura": 0.001,
        "urdu_letters": 0.002,
        "heh_doachashmee": 0.001,
        "pashto_letters": 0.07,
        "sorani_letters": 0.001,
        "heh": 0.06,
        "yeh_kaf": 0.11,
    },
    "ckb": {
        "persian_letters": 0.02,
        "teh_marbuta": 0.0003,
        "alef_maksura": 0.0003,
        "urdu_letters": 0.001,
        "heh_doachashmee": 0.02,
        "pashto_letters": 0.0005,
        "sorani_letters": 0.12,
        "heh": 0.01,
        "yeh_kaf": 0.09,
    },
}
_CLASS_LOGP: dict[str, dict[str, float]] = {
    lang: {
        **{cls: math.log(p) for cls, p in rates.items()},
        "other": math.log(1.0 - sum(rates.values())),
    }
    for lang, rates in _CLASS_RATES.items()
}
#: Prior log-odds of the languages: Persian and Arabic are what the workbench mostly meets;
#: Pashto and Sorani must show their own letters or words before they win.
PRIORS: dict[str, float] = {"fa": 0.0, "ar": 0.0, "ur": 0.0, "ps": -2.0, "ckb": -2.0}
#: The letter model is a simplification (letters are not independent): temper it so that
#: vocabulary and the statistical detector still count on long lines.
LETTER_WEIGHT = 0.6

PERSIAN_YEH_KAF = "یک"  # U+06CC, U+06A9
ARABIC_YEH_KAF = "يك"  # U+064A, U+0643

#: Marks that carry no evidence and are removed before vocabulary look-up: harakat,
#: superscript alef, tatweel, and the bidi controls that copy-paste leaves behind.
_STRIP = dict.fromkeys(
    [
        *range(0x064B, 0x0660),
        0x0670,
        0x0640,
        0x200E,
        0x200F,
        0x202A,
        0x202B,
        0x202C,
        0x202D,
        0x202E,
        0x2066,
        0x2067,
        0x2068,
        0x2069,
        0xFEFF,
    ]
)
_FOLD_YEH_KAF = str.maketrans({"ي": "ی", "ك": "ک"})
_WORD_RE = re.compile(r"[^\W\d_]+(?:[\u200c\u200d][^\W\d_]+)*")


#: Function words and formulae, in Persian code points (yeh and kaf folded), per language.
#: Chosen to be frequent in their language and rare as whole words in the others.
def _wordlist(words: str) -> frozenset[str]:
    return frozenset(words.split())


VOCABULARY: dict[str, frozenset[str]] = {
    "fa": _wordlist(
        """است این آن را که با برای به از در هم شد شده می نمی های ها بود کرد کرده کند
        نیز اما تا خود شما ایشان وی اینکه آنها باید نامه جناب آقای محترم شماره پیوست
        دارد ندارد بر روی همه چون اگر هر نیست هست بسیار سال پس شود شوند بوده گردد
        گردید کنید نمایید فرمایید خواهد خواهشمند اینجانب موضوع احتراما رونوشت
        ریاست اداره سازمان وزارت جمهوری اسلامی ایران دوشنبه سه‌شنبه چهارشنبه
        پنجشنبه یکشنبه شنبه جمعه خیلی محرمانه فوری بسمه تعالی باسمه آیا چرا کجا
        والسلام ولی زیرا بنابراین همچنین درباره مورد توسط طی جهت لطفا"""
    ),
    "ar": _wordlist(
        """فی على إلى الى التی الذی هذا هذه ذلک تلک عن مع أن إن کان کانت لم لن قد حتى
        ثم هو هی لیس أو أی عند لقد منذ هناک وفی ولا فیه فیها علیه علیها التى الذین
        یکون یجب یرجى وقد کما إذا اذا لذلک هؤلاء أیضا ایضا بأن لأن وهو وهی الله"""
    ),
    "ur": _wordlist(
        """ہے ہیں کے کی کا میں سے نے کو اور یہ وہ پر تھا تھی تھے گیا ہو ہوں جو بھی نہیں کہ
        ایک لیے لئے کر رہا رہی رہے گئی گئے ہوا ہوئی ہوئے اپنے اپنی ساتھ بعد والے"""
    ),
    "ps": _wordlist(
        """د په چې چی دا له ته کې کی یې وو دي ده څه هغه دې شو کړ کړی کړې کوي دی ولې
        پر سره لپاره ځکه"""
    ),
    "ckb": _wordlist(
        """لە بە کە ئەم ئەو بۆ لەگەڵ دەکات یان ئێمە ئێوە ئەوان بوو دەبێت هەیە نییە
        کرد لەسەر"""
    ),
}
# «کی» is Urdu "of" and colloquial Persian "when"; «که» is Persian only (Urdu writes کہ).
_VOCAB_INDEX: dict[str, tuple[str, ...]] = {}
for _lang, _words in VOCABULARY.items():
    for _w in _words:
        _VOCAB_INDEX[_w] = (*_VOCAB_INDEX.get(_w, ()), _lang)
VOCABULARY_WEIGHT = 1.5
#: An Arabic definite article on a longer word: frequent in Arabic, rarer in Persian
#: (where it appears in loan phrases such as «حجت‌الاسلام»).
ARTICLE_WEIGHT = 0.8
#: Persian verbs with «می‌»/«نمی‌» joined by a zero-width non-joiner.
PERSIAN_PREFIX_WEIGHT = 1.5


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
# The statistical detector, built once per process


class _Detectors:
    """Lazily built lingua detectors, one per script, shared by all threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: dict[str, LanguageDetector | None] = {}

    def get(self, script: str) -> LanguageDetector | None:
        with self._lock:
            if script not in self._built:
                self._built[script] = _build_detector(script)
            return self._built[script]


def _build_detector(script: str) -> LanguageDetector | None:
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:  # pragma: no cover - a declared dependency; degrade, never crash
        return None
    if script == "Arabic":
        # High accuracy mode: short strings are exactly where the detector is needed.
        return LanguageDetectorBuilder.from_languages(
            Language.PERSIAN, Language.ARABIC, Language.URDU
        ).build()
    languages = _LINGUA_BY_SCRIPT.get(script)
    if not languages:
        return None
    chosen = [getattr(Language, name) for name in languages]
    return LanguageDetectorBuilder.from_languages(*chosen).with_low_accuracy_mode().build()


#: Lingua languages considered for text in other scripts (low-accuracy mode: small and fast).
_LINGUA_BY_SCRIPT: dict[str, tuple[str, ...]] = {
    "Latin": (
        "ENGLISH",
        "FRENCH",
        "GERMAN",
        "SPANISH",
        "ITALIAN",
        "PORTUGUESE",
        "DUTCH",
        "TURKISH",
        "AZERBAIJANI",
        "INDONESIAN",
        "POLISH",
        "SWEDISH",
    ),
    "Cyrillic": ("RUSSIAN", "UKRAINIAN", "BULGARIAN", "SERBIAN", "KAZAKH", "MONGOLIAN"),
}

_DETECTORS = _Detectors()


def warm_up() -> None:
    """Build and load the Arabic-script detector now (the first call otherwise pays ~1 s)."""
    detector = _DETECTORS.get("Arabic")
    if detector is not None:
        detector.compute_language_confidence_values("این یک متن است")


def _lingua_probabilities(text: str, script: str) -> dict[str, float]:
    """Lingua's probabilities by ISO 639-1 code for `text` (at most `LINGUA_MAX_CHARS`)."""
    detector = _DETECTORS.get(script)
    if detector is None:
        return {}
    sample = text[:LINGUA_MAX_CHARS].encode("utf-8", "replace").decode("utf-8")
    values = detector.compute_language_confidence_values(sample)
    return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}


# --------------------------------------------------------------------------------------
# Classification


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(text: str) -> str:
    """`text` with control characters and lone surrogates replaced by spaces.

    Hostile input never raises; format characters (ZWNJ, bidi marks) are kept, since the
    zero-width non-joiner is evidence and `words` drops the rest.
    """
    return _CONTROLS.sub(" ", text)


def words(text: str) -> list[str]:
    """The words of `text`: runs of letters, kept whole across zero-width (non-)joiners."""
    return _WORD_RE.findall(text.translate(_STRIP))


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
    digits = _digits_from_counts(counts)
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
    single = _SINGLE_LANGUAGE_SCRIPTS.get(script)
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
    probs = _lingua_probabilities(text, script) if letters >= MIN_LETTERS and statistical else {}
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
        sample = text if trusted else text.translate(_FOLD_YEH_KAF)
        probs = _lingua_probabilities(sample, "Arabic")
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
    for lang, logp in _CLASS_LOGP.items():
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
        [t.translate(_FOLD_YEH_KAF) for t in tokens]
        if any("ي" in t or "ك" in t for t in tokens)
        else tokens
    )
    for token, folded in zip(tokens, folded_tokens, strict=True):
        langs = _VOCAB_INDEX.get(folded)
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
