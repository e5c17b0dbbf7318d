"""File names as text that can be stored, written and shown: escaped, never raw.

A file name is bytes on disk. Python hands names that are not valid UTF-8 over with each
undecodable byte as a lone surrogate (PEP 383), which SQLite, CSV and JSON writers refuse or
write as invalid UTF-8; and a name may carry a newline or a terminal escape. `printable`
shows every such byte or character as a backslash escape, so one name can neither stop a run
nor drive the terminal, and the escaped form still says what the name was.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

#: Unicode categories escaped: controls, surrogates, line and paragraph separators.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode carries it
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str | Path) -> str:
    r"""`text` (a name, a path, a message naming one) with unsafe characters escaped.

    Undecodable bytes become ``\xNN`` (their byte value), control characters ``\xNN``,
    other surrogates and separators ``\uNNNN``; everything else (Persian letters, the
    zero-width non-joiner) is kept. The result always encodes as UTF-8.
    """
    text = str(text)
    if text.isprintable() and text.isascii():
        return text
    return "".join(
        _escape(ch) if unicodedata.category(ch) in _ESCAPED_CATEGORIES else ch for ch in text
    )
