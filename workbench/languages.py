"""The languages the workbench knows: their codes, names, OCR models and display colours.

One table, read by everything that speaks of a language: the OCR layer (which Tesseract model
reads a claimed language), the script check (which of its classifier's languages a claim
means, and how to name it in a finding), the app (the languages a user may claim) and the
page overlays (the colour of a word by its language). Pure data, no imports beyond the
standard library, so any layer may use it.

Two mappings from what a user writes to a code are kept apart on purpose, because they answer
different questions: `TESSERACT_MODELS` says which installed model *reads* a claimed language
(it includes languages of other scripts, and maps ``ku`` to Tesseract's ``kur`` model), while
`CLASSIFIER_CODES` says which language of the script classifier a claim *means* (``ku`` is
Sorani there, the Kurdish the classifier knows).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The classifier's answer when a text is too short or too mixed to tell.
UNDETERMINED = "und"


@dataclass(frozen=True)
class Language:
    """A language the script classifier tells apart and a user may claim."""

    code: str  # ISO 639 code, the classifier's and the claim's
    name: str  # English name used in findings
    label: str  # how the app offers it as a claim
    rgb: tuple[int, int, int]  # colour of its words on page overlays


#: The classifier's languages, in the order the app offers them as claims.
LANGUAGES: tuple[Language, ...] = (
    Language("fa", "Persian", "Persian (fa)", (31, 111, 235)),
    Language("ar", "Arabic", "Arabic (ar)", (207, 34, 46)),
    Language("en", "English", "English (en)", (26, 127, 55)),
    Language("ur", "Urdu", "Urdu (ur)", (130, 80, 223)),
    Language("ps", "Pashto", "Pashto (ps)", (191, 135, 0)),
    Language("ckb", "Kurdish (Sorani)", "Kurdish, Sorani (ckb)", (26, 127, 55)),
)
#: Languages written in the Arabic script that the classifier tells apart.
ARABIC_SCRIPT_LANGUAGES: tuple[str, ...] = ("fa", "ar", "ur", "ps", "ckb")

#: Code -> English name, with the undetermined answer named too.
LANGUAGE_NAMES: dict[str, str] = {
    **{language.code: language.name for language in LANGUAGES},
    UNDETERMINED: "undetermined",
}
#: Code -> overlay colour of words in that language.
LANGUAGE_RGB: dict[str, tuple[int, int, int]] = {
    language.code: language.rgb for language in LANGUAGES
}
#: Overlay colour of words in any other language, or none.
OTHER_RGB = (110, 119, 129)
#: The claims the app offers: code -> label ("" is no claim).
CLAIM_CHOICES: dict[str, str] = {
    "": "not claimed",
    **{language.code: language.label for language in LANGUAGES},
}

#: Claimed-language spellings a user may give, mapped to the classifier's codes.
CLASSIFIER_CODES: dict[str, str] = {
    "fa": "fa", "fas": "fa", "per": "fa", "persian": "fa", "farsi": "fa", "prs": "fa",
    "ar": "ar", "ara": "ar", "arb": "ar", "arabic": "ar",
    "ur": "ur", "urd": "ur", "urdu": "ur",
    "ps": "ps", "pus": "ps", "pashto": "ps",
    "ckb": "ckb", "ku": "ckb", "kurdish": "ckb", "sorani": "ckb",
    "en": "en", "eng": "en", "english": "en",
}  # fmt: skip

#: ISO 639-1 (or -3) claim codes to the Tesseract model that reads them.
TESSERACT_MODELS: dict[str, str] = {
    "fa": "fas",
    "fas": "fas",
    "per": "fas",
    "prs": "fas",  # Dari is written and read like Persian
    "ar": "ara",
    "ara": "ara",
    "en": "eng",
    "eng": "eng",
    "ur": "urd",
    "urd": "urd",
    "ps": "pus",
    "pus": "pus",
    "ku": "kur",
    "ckb": "ckb",
    "kmr": "kmr",
    "ug": "uig",
    "sd": "snd",
    "fr": "fra",
    "de": "deu",
    "es": "spa",
    "ru": "rus",
    "tr": "tur",
    "az": "aze",
}
#: The Tesseract model the workbench reads with when nothing better is known: its documents
#: are mostly Persian letters.
FALLBACK_MODEL = "fas"


def classifier_code(claimed: str | None) -> str | None:
    """The classifier's code for a claimed language (``"fa-IR"``, ``"Farsi"`` -> ``"fa"``).

    None when nothing is claimed; an unknown claim is returned as its lower-case primary tag.
    """
    if not claimed:
        return None
    key = claimed.strip().lower().replace("_", "-").split("-")[0]
    return CLASSIFIER_CODES.get(key, key)


def language_name(code: str) -> str:
    """The English name of a classifier code, the code itself when it is not known."""
    return LANGUAGE_NAMES.get(code, code)
