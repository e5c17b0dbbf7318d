"""The ``script`` check: what language and orthography a document is written in, and where not.

`check` holds the check and its findings; `pages` the evidence it gathers on page images by
comparing the Persian and Arabic OCR readings word by word.
"""

from __future__ import annotations

from .check import ScriptCheck
from .pages import match_words

__all__ = ["ScriptCheck", "match_words"]
