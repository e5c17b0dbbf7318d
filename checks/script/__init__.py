"""The ``script`` check: what language and orthography a document is written in, and where not."""

from __future__ import annotations

from .check import ScriptCheck

__all__ = ["ScriptCheck"]
