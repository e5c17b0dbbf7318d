"""The colour of a region's ink on a colour scan: printed type against a pen's or a stamp's ink.

A letter's type is printed in black toner; a handwritten note, a signature or a stamp is in a
pen's or a stamp's coloured ink. On a colour scan the two differ in chroma even where they
scan to the same grey, and a tone rule that compares a word's grey with the exemplars' type
must not take a note in blue ink for a word printed lighter. A pen's or a stamp's ink has
one hue, where the colour fringes of black type scanned with its channels out of register
have two opposite ones (`in_register` undoes whole pixels of such a shift, `MIN_COHERENCE`
the rest). On a grey scan every pixel has no chroma and nothing here tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x, y, width, height on the page as decoded

#: Least contrast (grey levels) between a box's paper and its ink for its ink to be measured.
MIN_CONTRAST = 20.0

#: Percentiles of a box's grey taken as its ink: the 5th, or the 1st where that leaves less
#: than `MIN_CONTRAST` (a thin ballpoint stroke in a loose box covers under 5% of it).
INK_PERCENTILE = 5.0
SPARSE_INK_PERCENTILE = 1.0


def _ink_pixels(rgb: np.ndarray, box: Box) -> np.ndarray | None:
    """The R, G, B values (n x 3) of the ink pixels in `box`, or None.

    Ink is what lies darker than halfway between the box's paper (its 90th percentile of
    grey) and its ink (`INK_PERCENTILE`, or `SPARSE_INK_PERCENTILE` for sparse ink); None
    for a box off the page, without ink or too faint.
    """
    x, y, w, h = box
    crop = rgb[max(0, y) : max(0, y + h), max(0, x) : max(0, x + w)]
    if crop.size == 0 or crop.ndim != 3:
        return None
    channels = crop.astype(np.int16)
    grey = channels.mean(axis=2)
    paper, ink = np.percentile(grey, 90), np.percentile(grey, INK_PERCENTILE)
    if paper - ink < MIN_CONTRAST:
        ink = np.percentile(grey, SPARSE_INK_PERCENTILE)
    if paper - ink < MIN_CONTRAST:
        return None
    dark = grey <= (paper + ink) / 2
    if not dark.any():
        return None
    return np.asarray(channels[dark])


def _chroma(pixels: np.ndarray) -> np.ndarray:
    """Chroma of (N, 3) RGB pixels: the largest minus the smallest of R, G, B."""
    return np.asarray(pixels.max(axis=1) - pixels.min(axis=1))


def _ink_chroma_values(rgb: np.ndarray, box: Box) -> np.ndarray | None:
    """`_chroma` of each ink pixel in `box` (`_ink_pixels`)."""
    pixels = _ink_pixels(rgb, box)
    return None if pixels is None else _chroma(pixels)


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

#: Least hue coherence (`InkColour.coherence`) of a word's coloured pixels for them to be one
#: ink. A pen's or a stamp's ink has one hue; black type scanned with its colour channels out
#: of register by a pixel has colour fringes of opposite hues on the two sides of each stroke
#: (red on one, blue or cyan on the other), which are as many pixels 20 above the type's
#: chroma: on a rendered line of Persian type with R and B shifted by 1 or 2 pixels the share
#: reached 0.25 (0.35 after 4:2:0 JPEG at quality 75), with coherence 0.11 to 0.59, where a
#: number in dark blue or navy ink, a stamp's ring and the notes of the dev generator's other
#: layouts measured 0.99 or more.
MIN_COHERENCE = 0.8


@dataclass(frozen=True)
class InkColour:
    """How a box's ink stands apart in colour from the page's type.

    `share` is the share of its ink pixels `COLOURED_STEP` or more above the type's chroma;
    `coherence` how much those pixels share one hue: the length of the sum of their
    chromatic vectors (in the plane of hue, weighted by chroma) over the sum of their
    lengths, 1.0 for one hue and near 0 for opposite hues in equal parts (None without
    such pixels).
    """

    share: float
    coherence: float | None

    @property
    def coloured(self) -> bool:
        """Whether the box holds another ink than the page's type (see `coloured_ink`)."""
        return (
            self.share >= COLOURED_SHARE
            and self.coherence is not None
            and self.coherence >= MIN_COHERENCE
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "coloured_share": round(self.share, 3),
            "hue_coherence": None if self.coherence is None else round(self.coherence, 3),
        }


#: Side (pixels) of the window in which the colour channels' misregistration is measured.
REGISTER_WINDOW = 1024
#: A channel is moved only when phase correlation finds a clear peak (response at least
#: `MIN_RESPONSE`) at most `MAX_SHIFT` pixels away: a scanner's misregistration is a pixel or
#: two, and a window of bare paper or independent channel noise gives weak peaks far away
#: (a review measured shifts of 48 and 204 pixels at responses 0.003-0.012).
MIN_RESPONSE = 0.3
MAX_SHIFT = 3


def in_register(rgb: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """`rgb` with its red and blue channels moved onto its green by whole pixels.

    A scanner whose colour channels are out of register by a pixel or two gives black type
    a red fringe on one side of each stroke and a blue or cyan one on the other, and those
    pixels' chroma is as high as a pen's ink: measured at the same place the page's type
    would not be black. The shift of each channel against green is measured by phase
    correlation in a window (`REGISTER_WINDOW`) at the middle of `boxes` (the page's text
    lines) and undone to the nearest pixel; what is left of a shift under half a pixel is
    for `MIN_COHERENCE`. A page in register (every page of the sets measured), or one whose
    correlation peak is weak or far (`MIN_RESPONSE`, `MAX_SHIFT`), is returned as it is.
    """
    if rgb.ndim != 3 or rgb.shape[2] < 3 or not boxes:
        return rgb
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    half = REGISTER_WINDOW // 2
    ys = slice(max(0, min(cy, rgb.shape[0]) - half), max(0, min(cy, rgb.shape[0]) + half))
    xs = slice(max(0, min(cx, rgb.shape[1]) - half), max(0, min(cx, rgb.shape[1]) + half))
    green = rgb[ys, xs, 1].astype(np.float32)
    if min(green.shape) < 32:
        return rgb
    hanning = cv2.createHanningWindow((green.shape[1], green.shape[0]), cv2.CV_32F)
    out = rgb
    for channel in (0, 2):
        moved = rgb[ys, xs, channel].astype(np.float32)
        # OpenCV applies the window to its inputs in place: give it copies.
        (dx, dy), response = cv2.phaseCorrelate(green.copy(), moved.copy(), hanning)
        if response < MIN_RESPONSE or max(abs(dx), abs(dy)) > MAX_SHIFT:
            continue
        shift = _nearest_shift(green, moved, (-round(dy), -round(dx)))
        if shift != (0, 0):
            out = out.copy() if out is rgb else out
            out[..., channel] = np.roll(rgb[..., channel], shift, axis=(0, 1))
    return out


def _nearest_shift(green: np.ndarray, moved: np.ndarray, guess: tuple[int, int]) -> tuple[int, int]:
    """The whole-pixel shift, within a pixel of `guess`, that brings `moved` closest to `green`.

    Phase correlation's estimate can be half a pixel off on a small window whose text is cut
    at its border; of the nine shifts around its rounding, the one with the least mean
    absolute difference from green is taken.
    """
    m = 4  # margin (pixels) left out at the border, where `np.roll` wraps around
    core = green[m:-m, m:-m]

    def distance(shift: tuple[int, int]) -> float:
        return float(np.abs(np.roll(moved, shift, axis=(0, 1))[m:-m, m:-m] - core).mean())

    candidates = [(guess[0] + a, guess[1] + b) for a in (-1, 0, 1) for b in (-1, 0, 1)]
    return min(candidates, key=lambda c: (distance(c), abs(c[0]) + abs(c[1])))


def type_chroma(rgb: np.ndarray, boxes: list[Box]) -> float | None:
    """The page's type's chroma: the median `ink_chroma` of `boxes` (its text lines)."""
    values = [c for c in (ink_chroma(rgb, b) for b in boxes) if c is not None]
    return float(np.median(values)) if values else None


def ink_colour(rgb: np.ndarray, box: Box, typed: float) -> InkColour | None:
    """`box`'s ink against the type's chroma `typed` (`InkColour`), or None without ink."""
    pixels = _ink_pixels(rgb, box)
    if pixels is None:
        return None
    marked = _chroma(pixels) - typed >= COLOURED_STEP
    coloured = pixels[marked].astype(np.float64)
    coherence = None
    if len(coloured):
        # Hue plane: red-green across, blue against red and green up.
        across = (coloured[:, 0] - coloured[:, 1]) * (np.sqrt(3.0) / 2)
        up = coloured[:, 2] - (coloured[:, 0] + coloured[:, 1]) / 2
        lengths = np.hypot(across, up).sum()
        if lengths > 0:
            coherence = float(np.hypot(across.sum(), up.sum()) / lengths)
    return InkColour(float(marked.mean()), coherence)


def coloured_share(rgb: np.ndarray, box: Box, typed: float) -> float | None:
    """The share of `box`'s ink pixels `COLOURED_STEP` or more above the type's chroma."""
    colour = ink_colour(rgb, box, typed)
    return None if colour is None else colour.share


def coloured_ink(rgb: np.ndarray, box: Box, typed: float | None) -> bool:
    """Whether `box` holds another ink than the page's type (chroma `typed`, `type_chroma`).

    At least `COLOURED_SHARE` of its ink pixels must be `COLOURED_STEP` above the type's
    chroma: a share, not the median, so that a printed word a blue note runs across (its
    tone made lighter by the note's ink) counts too; and those pixels must share one hue
    (`MIN_COHERENCE`), so that the colour fringes of black type scanned out of register do
    not count. Never on a grey scan, whose pixels have no chroma.
    """
    if typed is None:
        return False
    colour = ink_colour(rgb, box, typed)
    return colour is not None and colour.coloured
