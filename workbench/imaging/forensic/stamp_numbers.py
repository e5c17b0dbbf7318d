"""Numbers printed by a round stamp: inside its ring and in its ink, not the page's.

Persian official letters very often carry a round stamp whose middle holds a number, a date or
a word OCR reads as digits. Its print is the stamp's: stamp ink is lighter, thinner and
smoother than the page's toner, so against the page's other numbers
(`workbench.imaging.forensic.digits`) it stands out as a number typed again lighter would.
In colour the ink's hue tells the two apart (`workbench.imaging.layout.ink_colour`); on a
grey scan only where it lies and how dark it is can.

A number is taken for the stamp's (`stamp_numbers`) when both hold:

- its box lies inside a round stamp found on the page (`workbench.imaging.layout.seal`:
  a Hough circle with ink along most of its circumference), its farthest corner within the
  ring's radius (`INSIDE`); a stamp cut by the page's edge counts, its ring is found from
  the part on the page; and
- its ink is the stamp's: the stamp's ring is lighter than the page's other numbers
  (robust z of the ring's darkness against them at most `-LIGHTER_Z`), and the number's
  darkness is nearer the ring's than the other numbers' median.

A stamp near or over a number is not enough: a stamp pressed over a retyped date is common
too, and such a number, in the page's type or darker, keeps being compared with the page's
other numbers. What this cannot see: digits typed again inside a stamp's ring in the stamp's
own lighter grey, or a stamp in ink as dark as the page's type (there a stamp's number is
compared as any other, and rarely stands out in darkness).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import cv2
import numpy as np

from workbench.geometry import Box
from workbench.imaging.layout.seal import Circle

#: A number is inside a stamp when its box's farthest corner lies within this share of the
#: stamp's radius from its centre (the ring's lettering and middle, not the ring itself).
INSIDE = 1.0
#: Half the width of the band around the found radius where the ring's ink is looked for
#: (share of the radius; the Hough circle is found at a reduced size, a few pixels off).
RING_BAND = 0.08
#: The band outside the ring whose ink-free pixels give the paper's tone around it (shares of
#: the radius).
PAPER_BAND = (1.1, 1.3)
#: The ring's darkness must lie this far (robust z) below the page's other numbers' for its ink
#: to be told from the page's type.
LIGHTER_Z = 2.0
#: Ring ink pixels needed to measure the ring's darkness.
MIN_RING_PIXELS = 60


def ring_darkness(gray: np.ndarray, ink: np.ndarray, circle: Circle) -> float | None:
    """The darkness of a stamp's ring ink, measured as glyph consistency measures a word's.

    Parameters
    ----------
    gray : (H, W) uint8 array
        The page.
    ink : (H, W) bool array
        The page's binarised ink.
    circle : Circle
        The stamp, in pixels of ``gray``.

    Returns
    -------
    ``(paper - core) / paper``, with ``core`` the mean of the darkest third of the ink pixels in
    the ring's band and ``paper`` the median of the ink-free pixels just outside it (as
    `workbench.imaging.forensic.glyphs.print_features`' ``darkness``), or None when the part of
    the ring on the page holds too little ink or paper.

    """
    h, w = gray.shape[:2]
    reach = circle.radius * PAPER_BAND[1] + 2
    x0, y0 = max(int(circle.x - reach), 0), max(int(circle.y - reach), 0)
    x1, y1 = min(int(circle.x + reach) + 1, w), min(int(circle.y + reach) + 1, h)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    ys, xs = np.mgrid[y0:y1, x0:x1]
    dist = np.hypot(xs - circle.x, ys - circle.y)
    patch = gray[y0:y1, x0:x1].astype(np.float32)
    own = ink[y0:y1, x0:x1]
    band = np.abs(dist - circle.radius) <= RING_BAND * circle.radius
    values = np.sort(patch[band & own])
    near = cv2.dilate(own.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    outside = (dist >= PAPER_BAND[0] * circle.radius) & (dist <= PAPER_BAND[1] * circle.radius)
    paper_px = patch[outside & ~near]
    if values.size < MIN_RING_PIXELS or paper_px.size < MIN_RING_PIXELS:
        return None
    paper = float(np.median(paper_px))
    if paper <= 1.0:
        return None
    core = float(values[: max(1, values.size // 3)].mean())
    return (paper - core) / paper


def inside(box: Box, circle: Circle) -> bool:
    """Whether `box` lies inside `circle` (its farthest corner within `INSIDE` of the radius)."""
    far = max(
        math.hypot(x - circle.x, y - circle.y)
        for x in (box.x, box.x + box.width)
        for y in (box.y, box.y + box.height)
    )
    return far <= INSIDE * circle.radius


def stamp_numbers(
    gray: np.ndarray,
    ink: np.ndarray,
    numbers: Sequence[tuple[Box, float]],
    circles: Sequence[Circle],
    floor: float,
) -> dict[int, tuple[Circle, float]]:
    """Which of a page's numbers are printed by a round stamp (the module docstring's rule).

    Parameters
    ----------
    gray, ink : (H, W) arrays
        The page and its binarised ink.
    numbers : sequence of (Box, darkness)
        The page's measured numbers and their ink darkness (``print_features``).
    circles : sequence of Circle
        The page's round stamps (`workbench.imaging.layout.seal.find_seals`).
    floor : float
        The floor of the darkness MAD as a fraction of the median (as the number comparison's).

    Returns
    -------
    For each stamp's number (by its index in `numbers`): the stamp and its ring's darkness.

    """
    out: dict[int, tuple[Circle, float]] = {}
    rings: dict[int, float | None] = {}
    for i, (box, darkness) in enumerate(numbers):
        for c, circle in enumerate(circles):
            if not inside(box, circle):
                continue
            if c not in rings:
                rings[c] = ring_darkness(gray, ink, circle)
            ring = rings[c]
            if ring is None:
                continue
            others = np.array([d for j, (_, d) in enumerate(numbers) if j != i])
            if others.size == 0:
                continue
            median = float(np.median(others))
            spread = max(1.4826 * float(np.median(np.abs(others - median))), floor * abs(median))
            if spread <= 0 or (ring - median) / spread > -LIGHTER_Z:
                continue  # the stamp's ink is not told from the page's type
            if abs(darkness - ring) < abs(darkness - median):
                out[i] = (circle, ring)
                break
    return out


def stamp_note(stamped: Mapping[int, tuple[Circle, float]]) -> str | None:
    """The note naming the numbers left out because a round stamp printed them."""
    if not stamped:
        return None
    where = "; ".join(
        f"centre ({c.x:.0f}, {c.y:.0f}), radius {c.radius:.0f} px, ring darkness {ring:.2f}"
        for c, ring in dict(stamped.values()).items()
    )
    return (
        f"{len(stamped)} number(s) inside a round stamp, printed in the stamp's lighter ink, "
        f"were not compared with the page's numbers (stamp {where})."
    )
