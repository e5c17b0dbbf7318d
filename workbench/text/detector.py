"""The statistical language detector (lingua), built once per process and per script.

`workbench.text.script` consults it only when orthography and vocabulary leave the answer
open; building a detector costs about a second, so each is built on first use, under a lock,
and shared by every thread. Lingua is imported here only, when a detector is first needed.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

#: Characters of the statistical detector's input: beyond this, more text adds no accuracy.
LINGUA_MAX_CHARS = 2000


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

DETECTORS = _Detectors()


#: Texts whose classification loads every model of the Arabic-script detector: lingua loads
#: a language's models only for text its letters allow, so a Persian-only word (with گ, ی)
#: loads Persian's alone, and the first Arabic-looking line then paid the rest.
_WARM_UP_TEXTS = ("این یک متن است", "في المدينة", "یہ ایک شہر ہے")


def warm_up() -> None:
    """Build the Arabic-script detector and load all its models now (~1 s of CPU once)."""
    detector = DETECTORS.get("Arabic")
    if detector is not None:
        for text in _WARM_UP_TEXTS:
            detector.compute_language_confidence_values(text)


def lingua_probabilities(text: str, script: str) -> dict[str, float]:
    """Lingua's probabilities by ISO 639-1 code for `text` (at most `LINGUA_MAX_CHARS`)."""
    detector = DETECTORS.get(script)
    if detector is None:
        return {}
    sample = text[:LINGUA_MAX_CHARS].encode("utf-8", "replace").decode("utf-8")
    values = detector.compute_language_confidence_values(sample)
    return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}
