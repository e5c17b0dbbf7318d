"""Which Tesseract language reads a document: the claimed language's model, else Persian.

The policy is kept apart from the engine because it is the workbench's choice, not
Tesseract's: the language table it reads is the project's one (`workbench.languages`).
"""

from __future__ import annotations

from workbench.languages import FALLBACK_MODEL, TESSERACT_MODELS
from workbench.ocr.engine import Tesseract, default_engine

#: ISO 639-1 (or -3) claim codes to Tesseract models; see `language_for_claim`.
CLAIM_LANGUAGES = TESSERACT_MODELS
#: The language the workbench reads when nothing better is known: its documents are
#: mostly Persian letters.
FALLBACK_LANGUAGE = FALLBACK_MODEL


def language_for_claim(claimed: str | None, engine: Tesseract | None = None) -> str:
    """The Tesseract language to read a document claimed to be in `claimed` (ISO 639).

    The rule: the claimed language's own model when it is known and installed (``fa`` ->
    ``fas``, ``ar`` -> ``ara``, ``en`` -> ``eng``, ``ur`` -> ``urd``...); otherwise, and when
    nothing is claimed, ``fas``. Persian is the fallback because the workbench's documents
    are mostly Persian letters and the ``fas`` model reads Arabic-script text of related
    languages (Urdu, Pashto, Dari) better than no text at all.
    """
    if not claimed:
        return FALLBACK_LANGUAGE
    model = TESSERACT_MODELS.get(claimed.strip().lower())
    if model is None:
        return FALLBACK_LANGUAGE
    if model == FALLBACK_LANGUAGE:
        return model
    return model if (engine or default_engine()).has_language(model) else FALLBACK_LANGUAGE
