"""Numbers printed differently from the page's other numbers: retyped digits and dates.

Whoever changes an amount or a date after printing erases a few digits and types new ones. The new
digits are rendered, printed or pasted apart from the rest of the page, so their ink
darkness, edge sharpness or stroke width differs from those of the page's *other numbers*,
which were printed and scanned together. Comparing a number with every word of the page
(`workbench.imaging.forensic.glyphs`) cannot see this well: digits are shaped unlike letters
(their stroke width and darkness differ from the letters' innocently), and telling which ink
shapes are numbers from the pixels alone failed (digit templates took ordinary words for
numbers by the hundred). The page's OCR knows which words are numbers; this module takes
those words (text and box, page pixels; with the boxes of digits OCR misread or glued to a
label, `workbench.imaging.forensic.number_words`) and compares each number with the page's
other numbers only.

Each number is measured as glyph consistency measures a word (`glyphs.print_features`: ink
darkness, edge sharpness, stroke width relative to the page's glyph height) on the page's ink
inside its OCR box, and each feature is turned into a robust z-score against the page's
*other* numbers (median and 1.4826 MAD, with a floor on the MAD relative to the median, so a
page of near-identical numbers does not turn noise into alarms). A number stands out when
features at least `FEATURE_Z` off combine (root of the sum of squares) to `NUMBER_Z`. Darker
ink and steeper edges count in that direction only (digits rendered into the file without the
scan's blur are sharper; lighter, softer numbers are what a faint stamp or a carbon copy
looks like); stroke width counts both ways but never alone, because a number in bold (a
total, a phone number in a form) differs in stroke width innocently.

Also measured on the development split of the independent corpus and not used, because
genuine numbers spread as widely as retyped ones: the number's height and its offset from the
baseline of the other words of its OCR line (robust z up to 11 on untouched pages: OCR boxes
of numbers differ in what they hold), and requiring darkness and sharpness to stand out from
the number's own line as well (it lost a retyped number on a form and silenced no genuine
number the page comparison had raised).

**The paper under a number.** Erasing digits means covering them with paper-coloured pixels,
and whoever does it controls the colour but not the scan's grain: a scanned page's paper
noise has passed through the scanner's optics and the page's JPEG saves, so neighbouring
pixels are correlated, while a fill of flat colour has no grain and a fill of synthetic noise
has grain without that correlation. `paper_texture` measures both on the paper pixels (ink
and its blur left out) inside each OCR word's box, and a number whose paper has
less fine grain, or grain less correlated between neighbouring pixels, than the page's other
words' papers stands out (one-sided: more grain is what a dirty or textured spot looks like).
This looks at what whoever erases cannot control, so it does not care whether the retyped digits are
bold: on the development split a bold retyped number and a bold genuine one look alike in
print, not in their paper. What it cannot see: paper cloned from elsewhere on the same page
(it carries the page's grain), or a page whose paper has no grain to compare (a rendered
page; below `MIN_GRAIN` the comparison is not made). In the independent corpus the eraser's
fill is the paper's median colour with fresh noise of the paper's spread (on the dev split,
on half of the retyped pages; the others clone paper from nearby); after the high-pass
its grain is anti-correlated between neighbouring pixels (about -0.1 to -0.4), where the
scanned paper's, smoothed by the page's earlier JPEG saves, is positively correlated.

**The grain of a number's ink.** Print and scan leave the inside of a stroke uneven: the toner
or ink is not laid down evenly and the scanner adds its noise. Digits typed into the file are
one flat tone, however bold or light the forger makes them. `ink_grain` measures the spread of
the darker half of a number's core ink (its ink eroded by one pixel, so that the blurred edges
are left out), and a number whose ink is flatter than the page's other numbers' (robust z,
lower only) stands out; where its paper also stands out, the two combine. Like the paper, it
looks at what whoever retypes does not control, not at how bold the digits are: a bold number
printed with the page carries the page's grain. What it cannot see: digits printed and
scanned again (they carry a print's grain), or a page whose ink has no grain (a rendered page:
every number is flat, so none is flatter than the others); and ink flattened by a strong
JPEG save is flat on every number alike.
A number darker, wider in stroke and softer-edged than the others (bold, `bold_print`) has flat
ink of its own, innocently: its toner saturates. Its flat ink is not counted apart from its
weight. Digits typed into the file in black are darker and flat too, but sharper: theirs counts.

**Two measurements off together.** Each of the measurements above was set on one development
split whose retyped digits were darker and sharper than the page's; pages of other fonts and
scan chains can take a retyped number the other way (lighter, or softer than a page whose
scanner sharpened its type), and a single measurement's limit set on one set of chains does
not carry over. What carries over better is agreement: the measurements fall into families
that a genuine number's innocent differences move one at a time (`FAMILIES`: its weight, i.e.
darkness and stroke width together, as a bold or faint number differs; its edges; the paper
under it; the grain of its ink), while a number typed into the file differs from the page's
numbers in how it was made, so in more than one. A bolder print is darker, its core flatter
and its edges softer against its contrast all at once, and a stamp is lighter, softer and
flat, so for a number whose weight differs (`WEIGHT`) flat ink counts in its weight, and so
do softer edges when its darkness differs (`SOFTER_WITH`): a bold face printed with the page
at the page's darkness has the page's edges, so a number only wider in stroke whose edges are
softer (a bold face printed by another printer) is off in two families. Such a number needs
its paper, sharper edges, or softer edges without a darker or lighter ink. A lighter number
no taller than 1.5 times the page's other numbers (`TYPE_SIZE`) is no large stamp, though:
digits typed again lighter than the page in the number's own size keep their flat ink as a
family of its own, unless their edges are softer: number and date stamps and numbers written
by hand are in the text's size too, lighter, softer and flatter (a date stamped in lighter,
spreading ink on a rendered register printed and scanned with it: darkness z -10.2 to -10.8,
sharpness -5.1 to -8.3, ink grain -5.1 to -8.5, two families at strength 1.0). A lighter,
softer number's second family must be its paper or steeper edges.
`two_family_z` is the second largest family deviation (print both ways, paper and ink grain
lower only); from `TWO_FAMILY_Z` it gives the number a strength of its own, which does not
care in which direction the print differs.

**A round stamp's number.** A number inside a round stamp's ring, printed in the ring's
lighter ink (`workbench.imaging.forensic.stamp_numbers`), is the stamp's print, not the page's:
it is compared with nothing (neither judged nor a reference) and the note names the stamp. A
number inside a stamp in the page's darkness, or darker, is compared as any other.

Innocent explanations: a number written by hand, or one pasted in by the issuer from another
document.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from workbench.geometry import Box, intersection
from workbench.imaging.blocks import strength_from_z
from workbench.imaging.forensic.glyphs import GlyphOutlier, print_features
from workbench.imaging.forensic.number_words import ReadWord as ReadWord  # re-exported
from workbench.imaging.forensic.number_words import (
    clip_box,
    display_note,
    display_numbers,
    number_boxes,
    number_ink,
)
from workbench.imaging.forensic.stamp_numbers import stamp_note, stamp_numbers
from workbench.imaging.layout.seal import Circle, find_seals
from workbench.imaging.words import PageWords

#: Features compared between numbers, with the floor of their MAD as a fraction of the median
#: (as glyph consistency's).
FEATURES: dict[str, float] = {"darkness": 0.04, "sharpness": 0.03, "stroke": 0.08}
#: Features that count in one direction only (+1: larger than the page's numbers).
ONE_SIDED: dict[str, float] = {"darkness": 1.0, "sharpness": 1.0}
#: Features that never count alone.
NOT_ALONE = frozenset({"stroke"})
#: Robust z from which a feature counts towards a number's distance.
FEATURE_Z = 2.0
#: A number's combined distance mapped onto strength 0..1. On the development split the
#: largest distance of any number outside an edit was 4.0 (86 pages); 11 of the 15 retyped
#: numbers OCR found lay at 6.5 or more.
NUMBER_Z = (4.5, 8.0)
#: A page needs this many other measurable numbers to compare a number with.
MIN_OTHERS = 3
#: Paper under a number: features (both one-sided, lower than the page's words' papers) with
#: the absolute floor of their MAD. ``texture`` is the correlation of the fine grain between
#: neighbouring pixels, ``paper_grain`` its robust level in grey levels.
TEXTURE_FLOORS: dict[str, float] = {"texture": 0.01, "paper_grain": 0.05}
#: Combined robust z of the paper features mapped onto strength 0..1. On the development
#: split (86 pages, 780 numbers outside an edit) no genuine number's paper reached 3.5; the
#: paper under 11 of the 16 retyped numbers lay at 4.4 or more, 9 of them at 7.3 or more.
TEXTURE_Z = (4.0, 7.0)
#: Paper pixels a box needs for its texture to be measured, and the page's median grain
#: (grey levels) below which the paper is too smooth to tell a fill from it (a rendered page).
MIN_PAPER_PIXELS = 40
#: Pixels of page around a box that its grain is computed with (the blur's reach).
GRAIN_PAD = 5
MIN_GRAIN = 0.3
#: A page needs this many words with measurable paper to compare a number's paper with.
MIN_TEXTURE_WORDS = 8
#: The grain of a number's ink (`ink_grain`): the floor of its MAD against the other numbers'
#: (a fraction of their median, and grey levels), the core ink pixels a number needs, and its
#: robust z (lower only) mapped onto strength 0..1. On the development split (86 pages, one
#: Tesseract reading each; ``benchmarks/digit_features.py``) numbers outside an edit lay at
#: z -6.6 or more; 4 of the 15 retyped numbers OCR read lay at -9.1 to -14.7, 4 more at -6.0
#: to -6.4.
INK_GRAIN_FLOOR = (0.05, 0.05)
MIN_CORE_PIXELS = 15
INK_GRAIN_Z = (7.0, 11.0)
#: Families of measurements a genuine number's innocent differences move one at a time: a bold
#: or faint number differs in darkness and stroke width together (its weight).
FAMILIES: dict[str, str] = {
    "darkness": "weight",
    "stroke": "weight",
    "sharpness": "edges",
    "texture": "paper",
    "paper_grain": "paper",
    "ink_grain": "ink",
}
#: A number whose weight differs from the page's numbers in one of these (darker or lighter,
#: wider or thinner strokes) brings flatter ink and softer edges with it, innocently: a bolder
#: print's core is flatter (the toner saturates) and its edges, against its larger contrast,
#: softer (a register's bold row, printed with the page: darkness z +7.2, stroke +7.6, edges
#: -3.4, ink grain -5.0); a stamp's or a faint impression's ink is lighter, softer and often
#: of one tone (the seal of a sample letter, read by OCR as a number: darkness -4.8, edges
#: -4.9). For such a number its flat ink belongs to its weight, and so do its softer edges
#: when its darkness differs (`SOFTER_WITH`), not to families of their own.
WEIGHT = ("darkness", "stroke")
#: Softer edges count in a number's weight only when one of these differs: what softens a
#: bolder or fainter print's edges against its contrast is the contrast (its darkness), not
#: the width of its strokes. On the development split with retyped digits of four looks
#: (``benchmarks/digit_features.py``, each chain, font or layout held out, limits 1.55 times
#: the other groups' largest) two families found 5 of the 13 retyped numbers OCR read instead
#: of 3, with no number outside an edit beyond, and the largest number outside an edit stayed
#: 2.53; on the former dev split (all retyped digits darker or sharper) nothing changed.
SOFTER_WITH = ("darkness",)
#: A lighter number no taller than this many times the median box of the page's other numbers
#: is in the type's size, not a large stamp's: its flat ink is not its weight's
#: (`family_deviations`; its softer edges are, as small stamps and handwriting show them).
#: A stamp or a seal OCR reads as a number is lighter, softer and flat,
#: and larger than the line's type (the seal of a sample letter: about 6 times the other
#: numbers' height); digits typed again are set in the size of the number they replace (the
#: retyped numbers of the development split: 0.76-1.33). Not tuned between the two.
#: On the development split with retyped digits of four looks (``benchmarks/digit_features.py``,
#: 841 numbers outside an edit, 15 retyped numbers measured) the largest two-family z of a
#: number outside an edit stayed 2.53 (the numbers' heights outside edits: 0.52-2.13 times
#: the others', 99% under 1.77), and with each chain, font or layout held out in turn
#: (limits 1.55 times the other groups' largest) two families found 10 of the 15 instead of 5,
#: with no number outside an edit beyond: the lighter retyped numbers dev-057, 058, 059 and
#: the softer and lighter dev-062 (z 5.3-8.0) and dev-056 (4.24).
TYPE_SIZE = 1.5
#: Measurements whose deviation counts both ways in `two_family_z` (the others: lower only).
TWO_SIDED = frozenset({"darkness", "stroke", "sharpness"})
#: The second largest family deviation mapped onto strength 0..1. On the development split
#: (86 pages, 785 numbers outside an edit; ``benchmarks/digit_features.py``) no number outside
#: an edit reached 2.6; 10 of the 15 retyped numbers OCR read lay at 4.36 or more, three at
#: 3.3-3.6. Strength 0.5 (a warning) at 4.25, 1.7 times the largest number outside an edit;
#: with each scan chain, font or layout held out in turn, limits 1.55 times the other groups'
#: largest found 10, 12 and 10 of the 15 and no number outside an edit.
TWO_FAMILY_Z = (3.5, 5.0)
#: From this strength (the forensics findings' warning level) two families off together are
#: named as evidence beside the print (`GlyphOutlier.seen_by`); below it they add strength only.
AGREEMENT_SEEN = 0.5


@dataclass(frozen=True)
class DigitScan:
    """The page's numbers that were measured and those that stand out."""

    numbers: int
    outliers: list[GlyphOutlier]
    note: str | None = None


def family_deviations(z: Mapping[str, float], size: float | None = None) -> dict[str, float]:
    """Each family's largest deviation (>= 0) among a number's robust z per measurement.

    Print measurements count both ways; the paper's and the ink's grain lower only (more grain
    is what a dirty spot or a rough stroke looks like, not a fill or a typed digit). `size` is
    the number's box height over the page's other numbers' (median): a lighter number in the
    type's size (`TYPE_SIZE`) with edges no softer than the others' is grey type, no stamp,
    so its flat ink stays a family of its own. Softer edges stay in a lighter number's
    weight (`SOFTER_WITH`), and so does its flat ink: a date stamp or a number written by
    hand is lighter, softer and flatter in the text's size too.
    """
    # A lighter number in the type's size whose edges are not softer: grey type. Lighter and
    # softer is what a date stamp or a number written by hand looks like, in the text's size
    # too: its flat ink and softer edges are its weight's, as a large stamp's are.
    faint_type = (
        size is not None
        and size <= TYPE_SIZE
        and z.get("darkness", 0.0) <= -FEATURE_Z
        and z.get("sharpness", 0.0) > -FEATURE_Z
    )
    weighty = not faint_type and any(abs(z.get(name, 0.0)) >= FEATURE_Z for name in WEIGHT)
    contrasty = any(abs(z.get(n, 0.0)) >= FEATURE_Z for n in SOFTER_WITH)
    out: dict[str, float] = {}
    for name, value in z.items():
        family = FAMILIES.get(name)
        if family is None:
            continue
        if (weighty and name == "ink_grain") or (contrasty and name == "sharpness" and value < 0):
            family = "weight"  # what a bolder or fainter print brings with it
        off = abs(value) if name in TWO_SIDED else -value
        out[family] = max(out.get(family, 0.0), off)
    return out


def two_family_z(z: Mapping[str, float], size: float | None = None) -> float:
    """The second largest family deviation of a number: how far two families are off together."""
    values = sorted(family_deviations(z, size).values(), reverse=True)
    return values[1] if len(values) > 1 else 0.0


def _correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    if a.size < 20:
        return None
    sa, sb = float(a.std()), float(b.std())
    if sa <= 1e-6 or sb <= 1e-6:
        return 0.0
    return float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))


def paper_texture(gray: np.ndarray, ink: np.ndarray, box: Box) -> dict[str, float] | None:
    """The fine grain of the paper inside `box`: its level and its neighbour correlation.

    Parameters
    ----------
    gray : (H, W) uint8 array
        The page.
    ink : (H, W) bool array
        The page's binarised ink; ink and the two pixels around it are left out (a stroke's
        blur is no paper).
    box : Box
        The word's box, inside the page.

    Returns
    -------
    ``{"texture": correlation, "paper_grain": grey levels}``, or None when the box holds too
    little paper. The grain is the page minus its Gaussian blur (sigma 1 pixel), computed on
    the box with `GRAIN_PAD` pixels around it (the same values as on the whole page, without
    page-sized float copies); the correlation is the mean of the horizontal and vertical
    lag-1 correlations of the grain over pairs of neighbouring paper pixels.

    """
    h, w = gray.shape[:2]
    x0, y0 = max(box.x - GRAIN_PAD, 0), max(box.y - GRAIN_PAD, 0)
    x1 = min(box.x + box.width + GRAIN_PAD, w)
    y1 = min(box.y + box.height + GRAIN_PAD, h)
    patch = gray[y0:y1, x0:x1].astype(np.float32)
    residual = patch - cv2.GaussianBlur(patch, (0, 0), 1.0)
    near = cv2.dilate(ink[y0:y1, x0:x1].astype(np.uint8), np.ones((5, 5), np.uint8))
    inner = (slice(box.y - y0, box.y - y0 + box.height), slice(box.x - x0, box.x - x0 + box.width))
    r = residual[inner]
    paper = near[inner] == 0
    if int(paper.sum()) < MIN_PAPER_PIXELS:
        return None
    across = paper[:, 1:] & paper[:, :-1]
    down = paper[1:, :] & paper[:-1, :]
    ch = _correlation(r[:, 1:][across], r[:, :-1][across])
    cv = _correlation(r[1:, :][down], r[:-1, :][down])
    if ch is None or cv is None:
        return None
    grain = float(np.median(np.abs(r[paper]))) * 1.4826
    return {"texture": 0.5 * (ch + cv), "paper_grain": grain}


def ink_grain(gray: np.ndarray, box: Box, own_ink: np.ndarray) -> float | None:
    """How unevenly the core of a number's ink is printed: grey levels, or None.

    Parameters
    ----------
    gray : (H, W) uint8 array
        The page.
    box : Box
        The number's box, inside the page.
    own_ink : (box.height, box.width) bool array
        The page's binarised ink inside the box.

    Returns
    -------
    The standard deviation of the darker half of the ink's core (the ink eroded by one pixel,
    so that the strokes' blurred edges are left out), or None when the core holds fewer than
    `MIN_CORE_PIXELS` pixels. Printed and scanned ink carries the toner's unevenness and the
    scanner's noise; digits rendered into the file are one flat tone.

    """
    core = cv2.erode(own_ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    if int(core.sum()) < MIN_CORE_PIXELS:
        return None
    values = gray[box.y : box.y + box.height, box.x : box.x + box.width][core].astype(np.float32)
    darker = values[values <= np.percentile(values, 50)]
    return float(darker.std())


def _ink_deviations(grains: list[float | None]) -> list[dict[str, dict[str, float]]]:
    """For each number, its ink grain's deviation (lower only) from the other numbers'."""
    out: list[dict[str, dict[str, float]]] = []
    for i, own in enumerate(grains):
        others = [g for j, g in enumerate(grains) if j != i and g is not None]
        if own is None or len(others) < MIN_OTHERS:
            out.append({})
            continue
        values = np.array(others)
        median = float(np.median(values))
        share, level = INK_GRAIN_FLOOR
        spread = max(1.4826 * float(np.median(np.abs(values - median))), share * median, level)
        z = (own - median) / spread
        out.append(
            {"ink_grain": {"value": round(own, 3), "median": round(median, 3), "z": round(z, 2)}}
            if z <= -FEATURE_Z
            else {}
        )
    return out


def _texture_deviations(
    gray: np.ndarray, page: PageWords, read: Sequence[ReadWord], numbers: list[Box]
) -> list[dict[str, dict[str, float]]]:
    """For each of `numbers`, its paper's deviations (lower only) from the page's other words."""
    none: list[dict[str, dict[str, float]]] = [{} for _ in numbers]
    shape = (gray.shape[0], gray.shape[1])
    words: list[tuple[Box, dict[str, float]]] = []
    for word in read:
        box = clip_box(word.box, shape)
        if box is None:
            continue
        measured = paper_texture(gray, page.ink, box)
        if measured is not None:
            words.append((box, measured))
    if len(words) < MIN_TEXTURE_WORDS:
        return none
    if float(np.median([f["paper_grain"] for _, f in words])) < MIN_GRAIN:
        return none
    out: list[dict[str, dict[str, float]]] = []
    for number in numbers:
        own = paper_texture(gray, page.ink, number)
        if own is None:
            out.append({})
            continue
        # Not the word the number was cut from (a label glued to it): its own paper.
        others = [f for b, f in words if intersection(b, number) == 0]
        if len(others) < MIN_TEXTURE_WORDS:  # every word read overlaps it: nothing to compare
            out.append({})
            continue
        devs: dict[str, dict[str, float]] = {}
        for name, floor in TEXTURE_FLOORS.items():
            values = np.array([f[name] for f in others])
            median = float(np.median(values))
            spread = max(1.4826 * float(np.median(np.abs(values - median))), floor)
            z = (own[name] - median) / spread
            if z <= -FEATURE_Z:
                devs[name] = {
                    "value": round(own[name], 4),
                    "median": round(median, 4),
                    "z": round(z, 2),
                }
        out.append(devs)
    return out


def bold_print(z: Mapping[str, float]) -> bool:
    """Whether a number's print is bold against the page's numbers: darker, wider, softer.

    A bold number printed with the page has flatter ink of its own (the toner saturates its
    core) and softer edges against its larger contrast, so its flat ink is no evidence apart
    from its weight: it neither stands out alone (`INK_GRAIN_Z`) nor names the ink's grain as
    a method of its own, as in `family_deviations` (a receipt's bold total of the fresh-look
    set: darkness z +7.2, stroke +4.4, edges -4.3, ink grain -11.1, a warning before). Digits
    typed into the file in black are darker, flat and often wider too, but *sharper* than the
    scanned print (no scan blur): their edges are what tells them from a bold print, so only a
    number whose edges are softer than the page's numbers' median (z below 0, as softer edges
    count in a number's weight in `family_deviations`) is bold here. On the development
    split's pages with their numbers typed into the file (``plain_retype``), dev-054's retyped
    number (darkness +2.8, stroke +3.0, edges +2.3, ink grain -9.1) is a warning again (0.53;
    0.05 when darker and wider sufficed). The genuine bold numbers of the development split
    and the fresh-look set with flatter ink (``benchmarks/digit_features.py``) have edges at
    -4.3 to +0.3; none with ink grain at -7 or less has edges at or above 0.
    """
    return (
        z.get("darkness", 0.0) >= FEATURE_Z
        and z.get("stroke", 0.0) >= FEATURE_Z
        and z.get("sharpness", 0.0) < 0.0
    )


def _stamps_numbers(
    img: np.ndarray,
    page: PageWords,
    measured: Sequence[tuple[Box, dict[str, float]]],
    seals: Sequence[Circle] | None,
) -> dict[int, tuple[Circle, float]]:
    """The measured numbers a round stamp printed (`stamp_numbers`), by index.

    The page's stamps are searched (a Hough search at reduced size) only when some number is
    lighter than the others by `FEATURE_Z`: a stamp's number that is not lighter is compared
    as any other.
    """
    if len(measured) < 2:
        return {}
    dark = np.array([f["darkness"] for _, f in measured])
    floor = FEATURES["darkness"]
    lighter = False
    for i, value in enumerate(dark):
        others = np.delete(dark, i)
        median = float(np.median(others))
        spread = max(1.4826 * float(np.median(np.abs(others - median))), floor * abs(median))
        lighter = lighter or (spread > 0 and (value - median) / spread <= -FEATURE_Z)
    if not lighter:
        return {}
    circles = find_seals(img) if seals is None else seals
    if not circles:
        return {}
    numbers = [(box, float(f["darkness"])) for box, f in measured]
    return stamp_numbers(img, page.ink, numbers, circles, floor)


def digit_consistency(
    gray: np.ndarray,
    page: PageWords,
    read: Sequence[ReadWord],
    *,
    number_z: tuple[float, float] = NUMBER_Z,
    seals: Sequence[Circle] | None = None,
) -> DigitScan:
    """Numbers of a page whose print differs from the page's other numbers.

    Parameters
    ----------
    gray : (H, W) uint8 array
        The page, dark print on light paper.
    page : PageWords
        The page's ink and glyph height (`workbench.imaging.words.find_words`).
    read : sequence of ReadWord
        The page's words as OCR read them, boxes in pixels of ``gray``.
    number_z : (low, high)
        Combined robust z mapped to strength 0 and 1.
    seals : sequence of Circle, optional
        The page's round stamps when already found; else found here (`find_seals`) when a
        number is lighter than the others. A number printed by a stamp
        (`workbench.imaging.forensic.stamp_numbers`) is compared with nothing and named in
        the note.

    Returns
    -------
    DigitScan
        Outliers are `GlyphOutlier` of level ``"number"``, deviations against the page's
        other numbers.

    """
    img = np.ascontiguousarray(gray, dtype=np.uint8)
    measured: list[tuple[Box, dict[str, float]]] = []
    grains: list[float | None] = []
    for box in number_boxes(read, page.ink):
        own = number_ink(page.ink, box, page.glyph_height)
        features = print_features(img, page.ink, box, own, page.glyph_height)
        if features is not None:
            measured.append((box, features))
            grains.append(ink_grain(img, box, own))
    stamped = _stamps_numbers(img, page, measured, seals)
    if stamped:
        measured = [m for i, m in enumerate(measured) if i not in stamped]
        grains = [g for i, g in enumerate(grains) if i not in stamped]
    # Display type stays among the references (leaving it out narrowed a genuine letter's
    # spread until one of its numbers warned) but is never judged itself.
    large = display_numbers([box for box, _ in measured])
    left_out = " ".join(n for n in (stamp_note(stamped), display_note(len(large))) if n) or None
    if len(measured) < MIN_OTHERS + 1:
        return DigitScan(
            len(measured),
            [],
            f"Numbers were not compared with each other: OCR found {len(measured)} measurable "
            f"number(s) on the page, {MIN_OTHERS + 1} are needed."
            + (f" {left_out}" if left_out else ""),
        )
    outliers: list[GlyphOutlier] = []
    papers = _texture_deviations(img, page, read, [box for box, _ in measured])
    inks = _ink_deviations(grains)
    heights = [box.height for box, _ in measured]
    for i, (box, features) in enumerate(measured):
        if i in large:
            continue
        others = [f for j, (_, f) in enumerate(measured) if j != i]
        devs: dict[str, dict[str, float]] = {}
        either: dict[str, dict[str, float]] = {}  # print deviations in both directions
        print_z: dict[str, float] = {}  # every print feature's z, however small
        for name, floor in FEATURES.items():
            values = np.array([f[name] for f in others])
            median = float(np.median(values))
            spread = max(1.4826 * float(np.median(np.abs(values - median))), floor * abs(median))
            z = (features[name] - median) / spread if spread > 0 else 0.0
            print_z[name] = z
            if abs(z) < FEATURE_Z:
                continue
            either[name] = {
                "value": round(features[name], 4),
                "median": round(median, 4),
                "z": round(z, 2),
            }
            if z * ONE_SIDED.get(name, z) >= 0:
                devs[name] = either[name]
        strength = 0.0
        if devs and not set(devs) <= NOT_ALONE:
            combined = math.sqrt(sum(d["z"] ** 2 for d in devs.values()))
            strength = float(strength_from_z(np.array(combined), *number_z))
        if papers[i]:
            combined = math.sqrt(sum(d["z"] ** 2 for d in papers[i].values()))
            texture = float(strength_from_z(np.array(combined), *TEXTURE_Z))
            if texture > 0:
                devs.update(papers[i])
                strength = max(strength, texture)
        if inks[i] and not bold_print(print_z):
            scan = {**papers[i], **inks[i]}
            combined = math.sqrt(sum(d["z"] ** 2 for d in scan.values()))
            flat = float(strength_from_z(np.array(combined), *INK_GRAIN_Z))
            if flat > 0:
                devs.update(scan)
                strength = max(strength, flat)
        every = {**either, **papers[i], **inks[i]}
        size = box.height / float(np.median(heights[:i] + heights[i + 1 :]))
        two = two_family_z({name: d["z"] for name, d in every.items()}, size)
        agreeing = float(strength_from_z(np.array(two), *TWO_FAMILY_Z))
        seen: tuple[str, ...] = ()
        if agreeing > 0:
            devs.update(every)
            strength = max(strength, agreeing)
            # Evidence of its own (beside the print) only from the strength of a warning.
            seen = ("two_measurements",) if agreeing >= AGREEMENT_SEEN else ()
        if strength > 0:
            outliers.append(
                GlyphOutlier(
                    Box(box.x, box.y, box.width, box.height, strength), "number", devs, seen
                )
            )
    outliers.sort(key=lambda o: -o.strength)
    return DigitScan(len(measured), outliers, left_out)
