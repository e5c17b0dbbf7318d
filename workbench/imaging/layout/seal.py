"""Find round stamps (seals) on a page: Hough circles confirmed by ink along the ring.

A seal is a ring of ink with text inside; Hough's gradient method proposes circles, and a
proposal is kept only when ink runs along most of its circumference, which text and
signatures rarely do.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Working width for the search (pixels); seals are large, so detail is not needed.
WORK_WIDTH = 800


@dataclass(frozen=True)
class Circle:
    """A round stamp candidate, in pixels of the page given."""

    x: float
    y: float
    radius: float
    ring_ink: float  # share of the circumference with ink, 0-1

    def box(self) -> tuple[int, int, int, int]:
        """``(x, y, width, height)`` of the circle's bounding square."""
        r = self.radius
        return round(self.x - r), round(self.y - r), round(2 * r), round(2 * r)


def find_seals(
    gray: np.ndarray,
    *,
    min_radius: float = 0.04,
    max_radius: float = 0.13,
    min_ring_ink: float = 0.45,
) -> list[Circle]:
    """Round stamps on a page.

    Parameters
    ----------
    gray : ndarray, shape (H, W), uint8
        The page (or a part of it), dark ink on light paper.
    min_radius, max_radius : float
        Radius range as a share of the image width.
    min_ring_ink : float
        Share of the circumference that must carry ink.

    Returns
    -------
    list of Circle
        Best first; empty for a page without a seal.

    """
    g = np.asarray(gray, dtype=np.uint8)
    if g.ndim != 2 or min(g.shape) < 40:
        return []
    factor = WORK_WIDTH / g.shape[1]
    small = cv2.resize(g, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    small = cv2.medianBlur(small, 5)
    found = cv2.HoughCircles(
        small,
        cv2.HOUGH_GRADIENT,
        dp=1.5,
        minDist=WORK_WIDTH * 0.08,
        param1=120,
        param2=45,
        minRadius=int(min_radius * WORK_WIDTH),
        maxRadius=int(max_radius * WORK_WIDTH),
    )
    if found is None:
        return []
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    angles = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    out = []
    for cx, cy, r in found[0]:
        best = 0.0
        for rr in (r - 2, r, r + 2):
            xs = np.clip(np.round(cx + rr * np.cos(angles)).astype(int), 0, small.shape[1] - 1)
            ys = np.clip(np.round(cy + rr * np.sin(angles)).astype(int), 0, small.shape[0] - 1)
            best = max(best, float(ink[ys, xs].mean()))
        if best >= min_ring_ink:
            out.append(Circle(float(cx / factor), float(cy / factor), float(r / factor), best))
    out.sort(key=lambda c: -c.ring_ink)
    return out
