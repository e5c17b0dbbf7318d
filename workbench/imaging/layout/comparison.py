"""Pictures for a reviewer: two-colour overlays and difference maps of registered pages.

Document examiners overlay a questioned page on a genuine one in two colours: what only the
exemplar has shows in one colour, what only the questioned page has in another, and what both
share in black. A moved letterhead then shows as a red and a cyan copy side by side.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Colours (RGB) of ink only the exemplar has, only the questioned page has, and both have.
EXEMPLAR_ONLY = (220, 30, 30)
QUESTIONED_ONLY = (0, 150, 220)
COMMON = (0, 0, 0)


def ink_overlay(exemplar_ink: np.ndarray, questioned_ink: np.ndarray) -> np.ndarray:
    """Overlay two registered ink masks in the examiners' two colours.

    Parameters
    ----------
    exemplar_ink, questioned_ink : ndarray of bool, shape (H, W)
        Ink of the exemplar and of the questioned page registered onto it.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
        White paper; exemplar-only ink red, questioned-only ink cyan-blue, shared ink black.

    """
    out = np.full((*exemplar_ink.shape, 3), 255, dtype=np.uint8)
    out[exemplar_ink & ~questioned_ink] = EXEMPLAR_ONLY
    out[questioned_ink & ~exemplar_ink] = QUESTIONED_ONLY
    out[exemplar_ink & questioned_ink] = COMMON
    return out


def difference_map(
    exemplar_soft: np.ndarray,
    questioned_soft: np.ndarray,
    boxes: list[tuple[int, int, int, int]] | None = None,
) -> np.ndarray:
    """A heat map of where the softened inks of two registered pages differ.

    Parameters
    ----------
    exemplar_soft, questioned_soft : ndarray of float32, shape (H, W), in [0, 1]
        Blurred ink of the exemplar and of the registered questioned page.
    boxes : list of tuple, optional
        ``(x, y, width, height)`` boxes (template blocks) outlined in white.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
        RGB heat map (dark blue: same, red/yellow: different).

    """
    diff = np.abs(exemplar_soft - questioned_soft)
    scaled = np.clip(diff * 2.0 * 255.0, 0, 255).astype(np.uint8)
    bgr = cv2.applyColorMap(scaled, cv2.COLORMAP_INFERNO)
    for x, y, w, h in boxes or []:
        cv2.rectangle(bgr, (x, y), (x + w, y + h), (255, 255, 255), 2)
    return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
