"""Test documents built from code, so every fixture is legible and reproducible."""

from __future__ import annotations

import signal
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw


def letter_image(width: int = 1240, height: int = 1754, seed: int = 0) -> Image.Image:
    """A page-like RGB image: off-white paper, dark text-like bars, a little noise."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (width, height), (246, 244, 238))
    draw = ImageDraw.Draw(img)
    for row in range(8, height // 40):
        y = row * 40
        x0 = int(rng.integers(80, 200))
        draw.rectangle([x0, y, width - 100, y + 14], fill=(30, 30, 40))
    arr = np.asarray(img).astype(np.int16) + rng.integers(-4, 5, (height, width, 1))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def write_png_bomb(path: Path, width: int, height: int) -> None:
    """A valid 1-bit PNG of width x height white pixels, written without holding it in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    body = bytearray()
    for _ in range(height):
        body += comp.compress(row)
    body += comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", bytes(body))
        + chunk(b"IEND", b"")
    )


@contextmanager
def gives_up_after(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the block after `seconds` (main thread only).

    A guard against superlinear work, set far above the expected time: it turns a run that
    would take minutes into a failure rather than measuring speed.
    """

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
