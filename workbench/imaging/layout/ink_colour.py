"""The colour of a region's ink on a colour scan: printed type against a pen's or a stamp's ink.

A letter's type is printed in black toner; a handwritten note, a signature or a stamp is in a
pen's or a stamp's coloured ink. On a colour scan the two differ in chroma even where they
scan to the same grey, and a tone rule that compares a word's grey with the exemplars' type
must not take a note in blue ink for a word printed lighter. On a grey scan every pixel has
no chroma and nothing here tells them apart.
"""

from __future__ import annotations

import numpy as np

Box = tuple[int, int, int, int]  # x, y, width, height on the page as decoded

#: Least contrast (grey levels) between a box's paper and its ink for its ink to be measured.
MIN_CONTRAST = 20.0


def _ink_chroma_values(rgb: np.ndarray, box: Box) -> np.ndarray | None:
    """Chroma (largest minus smallest of R, G, B) of each ink pixel in `box`, or None.

    Ink is what lies darker than halfway between the box's paper (its 90th percentile of
    grey) and its ink (the 5th); None for a box off the page, without ink or too faint.
    """
    x, y, w, h = box
    crop = rgb[max(0, y) : max(0, y + h), max(0, x) : max(0, x + w)]
    if crop.size == 0 or crop.ndim != 3:
        return None
    channels = crop.astype(np.int16)
    grey = channels.mean(axis=2)
    paper, ink = np.percentile(grey, 90), np.percentile(grey, 5)
    if paper - ink < MIN_CONTRAST:
        return None
    dark = grey <= (paper + ink) / 2
    if not dark.any():
        return None
    return np.asarray((channels.max(axis=2) - channels.min(axis=2))[dark])


def ink_chroma(rgb: np.ndarray, box: Box) -> float | None:
    """Median chroma of the ink pixels in `box` (`_ink_chroma_values`), or None."""
    values = _ink_chroma_values(rgb, box)
    return None if values is None else float(np.median(values))


#: How much more chroma (levels of 255) than the page's type marks a pixel of a pen's or stamp's
#: ink; and the share of a word's ink pixels so marked for the word to hold another ink than
#: the type. On the colour letters measured (dev split, dev-generator letters at other seeds,
#: genuine letters of other layouts; 5,809 words), a word's median ink chroma lay at most 8
#: above its page's type for printed words, 7 for retyped digits, 13-32 for a round stamp's
#: lettering and 45 for a note in blue ink; the share of pixels 20 above was at most 0.01 for
#: printed words that no stamp or note touches, 0.0 for retyped digits, 0.12-0.84 for a
#: stamp's lettering, 0.73-0.94 for a note's words and 0.41-0.47 for printed words a note
#: runs across (their median chroma only 11 above the type's).
COLOURED_STEP = 20.0
COLOURED_SHARE = 0.25


def type_chroma(rgb: np.ndarray, boxes: list[Box]) -> float | None:
    """The page's type's chroma: the median `ink_chroma` of `boxes` (its text lines)."""
    values = [c for c in (ink_chroma(rgb, b) for b in boxes) if c is not None]
    return float(np.median(values)) if values else None


def coloured_share(rgb: np.ndarray, box: Box, typed: float) -> float | None:
    """The share of `box`'s ink pixels `COLOURED_STEP` or more above the type's chroma."""
    values = _ink_chroma_values(rgb, box)
    return None if values is None else float(np.mean(values - typed >= COLOURED_STEP))


def coloured_ink(rgb: np.ndarray, box: Box, typed: float | None) -> bool:
    """Whether `box` holds another ink than the page's type (chroma `typed`, `type_chroma`).

    At least `COLOURED_SHARE` of its ink pixels must be `COLOURED_STEP` above the type's
    chroma: a share, not the median, so that a printed word a blue note runs across (its
    tone made lighter by the note's ink) counts too. Never on a grey scan, whose pixels
    have no chroma.
    """
    if typed is None:
        return False
    share = coloured_share(rgb, box, typed)
    return share is not None and share >= COLOURED_SHARE
