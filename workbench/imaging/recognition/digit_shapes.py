"""Persian or Arabic-Indic digits, told apart by the shapes on the page.

Persian digits (U+06F0-06F9) and Arabic-Indic digits (U+0660-0669) share most shapes, but
4, 5 and 6 differ in most typefaces (Persian ۴ ۵ ۶ against Arabic ٤ ٥ ٦). OCR cannot be asked:
Tesseract's ``fas`` model writes every Eastern digit as Persian and ``ara`` misreads Persian
digits. So each glyph of a numeric word is compared with templates rendered from the
Arabic-script fonts Debian ships, and only templates whose Persian and Arabic forms really
differ in their font cast a vote (some fonts, e.g. Nazli, draw ٤ ٥ with the Persian shapes:
on such a page the digits carry no evidence, and none is claimed).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
#: Side of the square every glyph is normalised to before comparison.
TEMPLATE_SIZE = 24
#: Fonts whose digits serve as templates, by file name; looked up in the usual font folders.
TEMPLATE_FONTS = (
    "homa.ttf",
    "nazli.ttf",
    "titr.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoKufiArabic-Regular.ttf",
)
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/farsiweb"),
    Path("/usr/share/fonts/truetype/noto"),
)
#: Two renderings this similar (normalised correlation) count as the same shape.
SAME_SHAPE = 0.9
#: A glyph must match its best template at least this well to be read at all, and a
#: system-specific template must beat the best template of the other system by this margin.
MIN_MATCH = 0.6
MIN_MARGIN = 0.05


def _normalise(mask: np.ndarray) -> np.ndarray | None:
    """A boolean glyph mask as a zero-mean, unit-norm ``(TEMPLATE_SIZE**2,)`` float vector.

    The glyph is cropped to its ink, centred in a square (aspect ratio kept, so "1" and "0"
    stay apart) and resized. Returns None for an empty mask.
    """
    ys, xs = np.nonzero(mask)
    if ys.size == 0:
        return None
    crop = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32)
    h, w = crop.shape
    side = max(h, w)
    square = np.zeros((side, side), np.float32)
    square[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = crop
    small = cv2.resize(square, (TEMPLATE_SIZE, TEMPLATE_SIZE), interpolation=cv2.INTER_AREA)
    vec = small.ravel() - small.mean()
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm > 0 else None


def _render(ch: str, face: ImageFont.FreeTypeFont) -> np.ndarray:
    image = Image.new("L", (96, 96), 255)
    ImageDraw.Draw(image).text((16, 8), ch, font=face, fill=0)
    return np.asarray(image) < 128


def _font_paths() -> list[Path]:
    found = []
    for name in TEMPLATE_FONTS:
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return found


@functools.cache
def templates() -> tuple[tuple[str, np.ndarray], ...]:
    """``(system, vector)`` templates: ``persian``, ``arabic_indic`` or ``either``.

    A digit's two forms in one font are labelled with their system only where they differ
    in that font; everything else (0-3, 7-9, and 4-6 in fonts that draw them alike) is
    ``either``, so it can match a glyph without voting. Empty when no font is installed.
    """
    out: list[tuple[str, np.ndarray]] = []
    missing_probe = "\ue000"  # a private-use code point: renders as the font's "missing" box
    for path in _font_paths():
        try:
            face = ImageFont.truetype(str(path), 56)
        except OSError:
            continue
        missing = _normalise(_render(missing_probe, face))
        for persian, arabic in zip(PERSIAN_DIGITS, ARABIC_INDIC_DIGITS, strict=True):
            p = _normalise(_render(persian, face))
            a = _normalise(_render(arabic, face))
            if p is None or a is None:
                continue
            if missing is not None and (p @ missing > 0.98 or a @ missing > 0.98):
                continue
            if float(p @ a) >= SAME_SHAPE:
                out.append(("either", p))
            else:
                out.extend((("persian", p), ("arabic_indic", a)))
    return tuple(out)


def glyph_masks(word: np.ndarray) -> list[np.ndarray]:
    """The glyphs of a numeric word image, left to right, as boolean masks.

    Parameters
    ----------
    word : ndarray, shape (H, W), uint8
        Greyscale crop of one word (dark ink on light paper), 0-255.

    Returns
    -------
    list of ndarray, each (h, w) bool
        One mask per connected component tall enough to be a digit (at least 35 % of the
        tallest), so the dot-like zeros and specks are left out.

    """
    if word.ndim != 2 or word.size == 0 or min(word.shape) < 4:
        return []
    gray = np.ascontiguousarray(word, dtype=np.uint8)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return []
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    tallest = int(heights.max())
    order = sorted(range(1, n), key=lambda i: int(stats[i, cv2.CC_STAT_LEFT]))
    masks = []
    for i in order:
        x, y, w, h = (int(v) for v in stats[i, :4])
        if h < 0.35 * tallest:
            continue
        masks.append(labels[y : y + h, x : x + w] == i)
    return masks


def digit_systems(word: np.ndarray) -> list[str]:
    """The digit system each glyph of a numeric word image is drawn in.

    Labels: ``persian``, ``arabic_indic``, ``either`` (a shape both systems share in the
    matching font) or ``unknown`` (matches no digit template well).

    Parameters
    ----------
    word : ndarray, shape (H, W), uint8
        Greyscale crop of one word whose OCR reading is (mostly) digits.

    Returns
    -------
    list of str
        One label per glyph, left to right; empty when no template font is installed.

    """
    bank = templates()
    if not bank:
        return []
    labels = np.array([label for label, _ in bank])
    matrix = np.stack([vec for _, vec in bank])
    out = []
    for mask in glyph_masks(word):
        vec = _normalise(mask)
        if vec is None:
            continue
        scores = matrix @ vec
        best = int(np.argmax(scores))
        label = str(labels[best])
        if scores[best] < MIN_MATCH:
            out.append("unknown")
            continue
        if label != "either":
            other = "arabic_indic" if label == "persian" else "persian"
            rival = scores[labels == other]
            if rival.size and scores[best] - float(rival.max()) < MIN_MARGIN:
                label = "either"
        out.append(label)
    return out


def count_systems(labels: Iterable[str]) -> dict[str, int]:
    """Votes per system among glyph labels: ``{"persian": n, "arabic_indic": n}``."""
    votes = {"persian": 0, "arabic_indic": 0}
    for label in labels:
        if label in votes:
            votes[label] += 1
    return votes
