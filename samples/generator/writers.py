"""Writers for the corpus files: no timestamps and nothing machine-specific in them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
from PIL import Image

from generator.conventions import DPI

# --------------------------------------------------------------------------------------------------
# Writers (no timestamps, nothing machine-specific)
# --------------------------------------------------------------------------------------------------


def save_png(path: Path, arr: np.ndarray, dpi: int = DPI) -> None:
    """Write a PNG with only the pixel data and its resolution (no time or text chunks)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(arr).save(path, "PNG", dpi=(dpi, dpi), compress_level=6)


def save_mask(path: Path, mask: np.ndarray) -> None:
    """Write a tamper mask as a 1-bit PNG (white = changed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(mask.astype(bool)).convert("1").save(path, "PNG", compress_level=9)


def jpeg_bytes(arr: np.ndarray, quality: int, dpi: int, exif: bytes | None = None) -> bytes:
    """Encode a baseline JPEG (Pillow's default 4:2:0 subsampling for colour)."""
    buf = io.BytesIO()
    kwargs: dict[str, object] = {"quality": quality, "dpi": (dpi, dpi)}
    if exif:
        kwargs["exif"] = exif
    Image.fromarray(arr).save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def decode(data: bytes) -> np.ndarray:
    """Decode image bytes to an array."""
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img).copy()


def write_bytes(path: Path, data: bytes) -> None:
    """Write bytes, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


_SCALAR_ARRAY = re.compile(
    r'\[\n\s+((?:-?[0-9.]+|"(?:[^"\\\n]|\\.)*")(?:,\n\s+(?:-?[0-9.]+|"(?:[^"\\\n]|\\.)*"))*)\n\s*\]'
)


def dump_json(data: object) -> str:
    """Indented UTF-8 JSON with short arrays of numbers or strings kept on one line (readable)."""

    def collapse(match: re.Match[str]) -> str:
        inline = "[" + re.sub(r",\n\s+", ", ", match.group(1)) + "]"
        return inline if len(inline) <= 80 else match.group(0)

    return _SCALAR_ARRAY.sub(collapse, json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with Unix newlines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
