"""Thresholds of the text methods set from genuine exemplars of the same source.

Without exemplars, the text methods judge a page against itself: glyph consistency against
the spread of the page's own words, text copy-move against what two blank windows of the
page's paper differ by. A printer, scanner or publisher may however make genuine pages less
uniform than these defaults assume (a worn ribbon, a scanner that sharpens unevenly). When
genuine exemplars of the same source are supplied, the same measurements on them set the
thresholds instead:

* glyph consistency: each feature's spread (1.4826 x MAD of the words) on the exemplars
  becomes a lower bound of the spread on the questioned page, so
  what varies on genuine pages of this source is not unusual on the questioned one;
* both methods: the strongest trace each method finds on the exemplars (which are genuine,
  so every trace on them is a false alarm) raises the strength a trace must reach to be
  reported, to a margin above it.

Thresholds are only ever raised by exemplars above the page-only defaults' floor; with a
single exemplar they still move, since one genuine page already shows how this source prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from workbench.geometry import Box, overlap
from workbench.imaging.forensic.glyphs import (
    FEATURES,
    GlyphOutlier,
    GlyphScan,
    glyph_consistency,
)
from workbench.imaging.forensic.textclone import text_clones
from workbench.imaging.words import PageWords, find_words

#: Share of the smaller box two outliers must share to be at the same place (`calibrated_glyphs`;
#: a word inside a line the page alone flags shares all of its box).
SAME_PLACE = 0.5

#: A method's reporting threshold is its strongest trace on the exemplars plus this margin,
#: never below `MIN_THRESHOLD` (the page-only default) nor above `MAX_THRESHOLD` (a method
#: whose exemplars all look tampered still reports its strongest traces).
MARGIN = 0.1
MIN_THRESHOLD = 0.3
MAX_THRESHOLD = 0.9


@dataclass(frozen=True)
class TextCalibration:
    """What genuine exemplars say about the text methods on pages of their source.

    Attributes
    ----------
    exemplars : int
        Exemplar pages measured (0 = thresholds from the page itself).
    spreads : dict feature -> float
        Lower bounds of the glyph features' spreads.
    thresholds : dict method -> float
        Strength a trace of ``text_clone`` or ``glyph`` must reach to be reported.
    strongest : dict method -> float
        The strongest trace of each method on the exemplars.

    """

    exemplars: int = 0
    spreads: dict[str, float] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    strongest: dict[str, float] = field(default_factory=dict)

    def threshold(self, method: str, default: float) -> float:
        """The reporting threshold of `method`: calibrated, or `default` without exemplars."""
        return self.thresholds.get(method, default)


def _spreads(scan: GlyphScan) -> dict[str, float]:
    out: dict[str, float] = {}
    for name in FEATURES:
        values = np.array([w.features[name] for w in scan.words])
        if values.size >= 3:
            out[name] = 1.4826 * float(np.median(np.abs(values - np.median(values))))
    return out


def calibrate_text(
    pages: Sequence[np.ndarray], qualities: Sequence[int | None] | None = None
) -> TextCalibration:
    """Measure the text methods on genuine exemplar pages and set their thresholds.

    Parameters
    ----------
    pages : sequence of (H, W) uint8 arrays
        Greyscale pages of genuine exemplars from the same source as the questioned page.
    qualities : sequence of int or None, optional
        Each page's JPEG quality (libjpeg scale) when it is a JPEG page at its decoded size,
        else None. Text copy-move then measures the exemplars as it measures a questioned
        JPEG page (against a simulated copy as well, `textclone.copy_floor`), so their
        strongest trace sets a threshold for the same measurement.

    Returns
    -------
    TextCalibration
        Empty (page-only thresholds) when no page had words to measure.

    """
    spreads: list[dict[str, float]] = []
    strongest = {"text_clone": 0.0, "glyph": 0.0}
    measured = 0
    if qualities is None:
        qualities = [None] * len(pages)
    if len(qualities) != len(pages):
        raise ValueError(f"{len(qualities)} qualities for {len(pages)} exemplar pages")
    for page, quality in zip(pages, qualities, strict=True):
        words = find_words(page)
        scan = glyph_consistency(page, words=words)
        if not scan.words:
            continue
        measured += 1
        spreads.append(_spreads(scan))
        strongest["glyph"] = max(
            strongest["glyph"], max((o.strength for o in scan.outliers), default=0.0)
        )
        clones = text_clones(page, words=words, quality=quality).clones
        strongest["text_clone"] = max(
            strongest["text_clone"], max((c.strength for c in clones), default=0.0)
        )
    if not measured:
        return TextCalibration()
    pooled = {
        name: float(np.median([s[name] for s in spreads if name in s]))
        for name in FEATURES
        if any(name in s for s in spreads)
    }
    thresholds = {
        method: float(np.clip(value + MARGIN, MIN_THRESHOLD, MAX_THRESHOLD))
        for method, value in strongest.items()
    }
    return TextCalibration(measured, pooled, thresholds, strongest)


def calibrated_glyphs(
    gray: np.ndarray, words: PageWords, calibration: TextCalibration
) -> GlyphScan:
    """Glyph consistency held to the exemplars' spreads, never finding more than the page alone.

    The exemplars' spreads only widen the page's, so every deviation's robust z falls; but
    the rules that excuse a word or a line (lighter ink alone, another weight or size of
    type) look at which deviations are left, and a deviation that falls below its limit
    can take its excuse with it. An untouched dev letter (dev-000, with its template's three
    genuine letters as exemplars) showed it: a small word in thinner, lighter strokes was
    excused as lighter ink on the page alone, and with the exemplars' wider darkness spread
    its darkness no longer stood out, so its edges and strokes made a warning (0.76). So
    the calibrated scan keeps only the outliers the page alone also shows at the same place
    (`SAME_PLACE` of the smaller box shared, a word within a line the page alone flags
    included), each at most as strong as there:
    exemplars then only ever raise the bar, as the module says.
    """
    scan = glyph_consistency(gray, words=words, spreads=calibration.spreads)
    if not calibration.spreads or not scan.outliers:
        return scan
    alone = glyph_consistency(gray, words=words).outliers
    kept: list[GlyphOutlier] = []
    for o in scan.outliers:
        there = [a.strength for a in alone if overlap(a.box.xywh, o.box.xywh) >= SAME_PLACE]
        if there:
            strength = min(o.strength, max(there))
            box = Box(o.box.x, o.box.y, o.box.width, o.box.height, strength)
            kept.append(GlyphOutlier(box, o.level, o.deviations, o.seen_by))
    kept.sort(key=lambda o: -o.strength)
    return replace(scan, outliers=kept)
