"""A page's lighting made even, so that the text methods can judge a page lit unevenly.

The methods that compare a page's words with each other (text copy-move, glyph and line
consistency, the number comparison) judge only a page of mostly light bare paper
(`workbench.imaging.forensic.paper_steps.is_paper_page`: most of it within a few grey levels
of its median tone), because a photograph or a drawn scene is no print on paper. A scan lit
unevenly (a lamp brighter at one end, a photographed page) is print on paper too, but its
paper's tone drifts across the page by more than that margin, so none of its words was
compared: on pages of `benchmarks/genuine_chains.py`'s chain whose brightness falls by 18%
from top to bottom, 55-57% of the page lay near its median tone, and retyped numbers there
went unseen.

Lighting multiplies the page's tone by a field that varies slowly across the page; it does
not change how ink, edges and grain differ *within* a few glyphs. `even_lighting` estimates
that field from the paper (the page reduced, its ink removed by a maximum filter, smoothed)
and divides it out. The text methods take the page so evened out only where the page itself
is no paper page and its evened-out version is one (`text_page`); every other page is judged
as before, and a photograph stays no paper page (its tones do not become one flat paper by
removing a slow field). A shadow with a hard edge is no slow field: such a page is left
unjudged as before (`MAX_MISFIT`).
"""

from __future__ import annotations

import cv2
import numpy as np

from workbench.imaging.forensic.paper_steps import bare_paper, is_paper_page

#: Longer side of the reduced page the lighting is estimated on (pixels), the side of the
#: maximum filter that removes ink there (reduced pixels: wider than a line of text at that
#: size), and the sigma of the smoothing after it (reduced pixels).
LIGHT_SIDE = 256
INK_SPAN = 7
LIGHT_SIGMA = 6.0
#: The evened page is refused when the smooth field does not explain the paper: when the
#: `MISFIT_SHARE` quantile of the reduced ink-free paper's relative departure from it exceeds
#: `MAX_MISFIT`. A shadow with a hard edge (a hand, a phone, a book's gutter) is lighting the
#: field cannot follow: next to its edge the paper is divided by the wrong tone, clipped
#: white on the bright side (its grain gone) and left dark on the other (strokes thicker),
#: and words along the edge then differ from the page's other words by lighting alone.
#: Measured: smooth lighting 0.003-0.031 (the uneven-light chain of
#: `benchmarks/genuine_chains.py` 0.012-0.013, a vignette 0.031), a soft-edged shadowed
#: corner 0.051, a corner shadow with a 3-pixel edge 20% darker 0.079, 40% darker 0.18-0.19;
#: the other 90 pages of `genuine_chains.py --pages 6` at most 0.03 but for the lid-shadowed
#: chain's 0.07-0.09 (paper pages as they are, never evened). No page of the dev split or the
#: fresh-look set is evened out, so neither moves. Measured on the paper alone (solid print
#: left out): a 40% gradient with a solid 80- or 160-pixel logo 0.013, with a dark 30-pixel
#: border 0.013 (0.046 and 0.717 when solid print counted, which refused those pages).
MISFIT_SHARE = 0.995
#: A reduced, ink-free pixel darker than this share of their median is solid print, not
#: paper (`_evened`); a blur window holding less than `MIN_HELD` paper takes the plain blur.
PAPER_SHARE = 0.5
#: Reduced pixels around solid print that are not paper either (its blurred rim).
EDGE_SPAN = 5
MIN_HELD = 1e-3
MAX_MISFIT = 0.04


def _evened(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """`gray` with its slowly varying paper tone divided out, and how badly that tone fitted.

    The paper's tone is the page reduced to `LIGHT_SIDE` pixels, its ink removed by a
    maximum filter of `INK_SPAN`, smoothed by `LIGHT_SIGMA` over its paper only (solid
    print wider than the filter left out, `PAPER_SHARE`) and enlarged again; the result is
    scaled to the tone's median, so that the page's paper keeps its level. The misfit is the
    `MISFIT_SHARE` quantile, over that paper, of how far the reduced ink-free paper departs
    from its smoothed tone (relative): small when the lighting varies slowly, large along a
    sharp shadow's edge, which the smooth field cannot follow.
    """
    img = np.asarray(gray, dtype=np.uint8)
    h, w = img.shape[:2]
    side = max(h, w)
    size = (max(1, round(w * LIGHT_SIDE / side)), max(1, round(h * LIGHT_SIDE / side)))
    small = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    bare = cv2.dilate(small, np.ones((INK_SPAN, INK_SPAN), np.uint8)).astype(np.float32)
    # Areas of solid print wider than the filter (a logo, a photograph, a scanner's dark
    # border) are no paper: the tone is the blur of the paper alone, normalised by how much
    # paper each blur window holds, and the misfit is measured on the paper only.
    solid = (bare < PAPER_SHARE * float(np.median(bare))).astype(np.uint8)
    paper_mask = cv2.dilate(solid, np.ones((EDGE_SPAN, EDGE_SPAN), np.uint8)) == 0  # and its rim
    if not paper_mask.any():
        paper_mask[:] = True
    weight = paper_mask.astype(np.float32)
    held = cv2.GaussianBlur(weight, (0, 0), LIGHT_SIGMA)
    blurred = cv2.GaussianBlur(bare * weight, (0, 0), LIGHT_SIGMA)
    plain = cv2.GaussianBlur(bare, (0, 0), LIGHT_SIGMA)
    smooth = np.where(held > MIN_HELD, blurred / np.maximum(held, MIN_HELD), plain)
    departure = np.abs(bare / np.maximum(smooth, 1.0) - 1.0)[paper_mask]
    misfit = float(np.quantile(departure, MISFIT_SHARE))
    paper = np.asarray(cv2.resize(smooth, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
    level = float(np.median(paper))
    even = img.astype(np.float32) * (level / np.maximum(paper, 1.0))
    return np.clip(np.rint(even), 0, 255).astype(np.uint8), misfit


def even_lighting(gray: np.ndarray) -> np.ndarray:
    """`gray` (uint8, dark print on light paper) divided by its slowly varying paper tone.

    See `_evened` for how the tone is estimated.
    """
    return _evened(gray)[0]


def text_page(gray: np.ndarray, on_paper: bool) -> tuple[np.ndarray | None, str | None]:
    """The page the text methods judge: (page, note), or (None, None) when none is.

    `on_paper` says whether `gray` is itself mostly light bare paper; then it is judged as it
    is (no note). Otherwise the page with its lighting evened out is judged when the
    lighting was smooth enough to divide out (`MAX_MISFIT`) and the evened page is mostly
    light bare paper, with a note saying so.
    """
    if on_paper:
        return gray, None
    even, misfit = _evened(gray)
    if misfit > MAX_MISFIT:
        return None, None
    share, level = bare_paper(even)
    if not is_paper_page(share, level):
        return None, None
    return even, (
        "The page is lit unevenly: the words were compared on the page with its lighting "
        f"evened out ({share:.0%} of it then near its paper tone {level:.0f})."
    )
