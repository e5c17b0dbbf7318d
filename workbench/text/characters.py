"""What each character is: its script (ISO 15924) and, for digits, its digit system.

The character-level facts the script classifier (`workbench.text.script`) builds on, and that
other text and checks use alone (the OCR check names the scripts of words it did not expect,
the dates and script checks count digit systems). Pure functions of their argument.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

ZWNJ = "\u200c"


#: Digit systems by name, with their ten code points.
DIGIT_SYSTEMS: dict[str, str] = {
    "persian": "۰۱۲۳۴۵۶۷۸۹",  # U+06F0-06F9, Extended Arabic-Indic (Persian, Urdu, Pashto)
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",  # U+0660-0669 (Arabic; also Sorani)
    "western": "0123456789",
}
DIGIT_SYSTEM_OF: dict[str, str] = {
    ch: name for name, digits in DIGIT_SYSTEMS.items() for ch in digits
}
DIGIT_CHARS = frozenset(DIGIT_SYSTEM_OF)


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
    return digits_from_counts(Counter(text))


def digits_from_counts(counts: Mapping[str, int]) -> DigitCounts:
    """The digit counts of a text from its character counts (a `Counter` of it)."""
    tally = {"persian": 0, "arabic_indic": 0, "western": 0}
    for ch in DIGIT_CHARS.intersection(counts):
        tally[DIGIT_SYSTEM_OF[ch]] += counts[ch]
    return DigitCounts(**tally)


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
SINGLE_LANGUAGE_SCRIPTS: dict[str, str] = {
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
