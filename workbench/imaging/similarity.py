"""How alike two grayscale images look: structural similarity and thumbnail matching.

Used to compare an embedded thumbnail with the image it claims to show: programs make
thumbnails by stretching, letterboxing or rotating, so the comparison tries each.
"""

from __future__ import annotations

import cv2
import numpy as np


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean structural similarity (Wang et al. 2004, Gaussian window sigma 1.5) of two images."""
    x, y = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(v: np.ndarray) -> np.ndarray:
        out: np.ndarray = cv2.GaussianBlur(v, (7, 7), 1.5)
        return out

    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    num = (2 * mx * my + c1) * (2 * sxy + c2)
    den = (mx * mx + my * my + c1) * (sxx + syy + c2)
    return float(np.mean(num / den))


def thumbnail_similarity(page: np.ndarray, thumb: np.ndarray, size: int = 64) -> float:
    """Best SSIM between a thumbnail and the page, allowing letterbox bars and stretching.

    Parameters
    ----------
    page : (H, W) uint8 array
        The full image, grayscale.
    thumb : (h, w) uint8 array
        The decoded thumbnail, grayscale.
    size : int
        Longer side, in pixels, of the versions compared (small, so that JPEG noise of the
        thumbnail and fine text do not dominate).

    Returns
    -------
    float
        The highest SSIM in [-1, 1] over the ways a program makes thumbnails: the whole
        thumbnail stretched, or its central region of the page's aspect ratio (letterbox or
        pillarbox bars), each also with the page rotated by 90/180/270 degrees.

    """
    th, tw = thumb.shape[:2]
    if th < 4 or tw < 4 or page.shape[0] < 4 or page.shape[1] < 4:
        return 0.0
    best = -1.0
    for k in range(4):
        rotated = np.rot90(page, k)
        ph, pw = rotated.shape[:2]
        regions = [thumb]
        aspect, t_aspect = pw / ph, tw / th
        if abs(aspect - t_aspect) > 0.02:
            if aspect > t_aspect:  # bars above and below
                h = max(4, round(tw / aspect))
                y0 = (th - h) // 2
                regions.append(thumb[y0 : y0 + h, :])
            else:
                w = max(4, round(th * aspect))
                x0 = (tw - w) // 2
                regions.append(thumb[:, x0 : x0 + w])
        for region in regions:
            rh, rw = region.shape[:2]
            scale = size / max(rh, rw)
            dims = (max(8, round(rw * scale)), max(8, round(rh * scale)))
            t_small = cv2.resize(np.ascontiguousarray(region), dims, interpolation=cv2.INTER_AREA)
            p_small = cv2.resize(np.ascontiguousarray(rotated), dims, interpolation=cv2.INTER_AREA)
            best = max(best, ssim(t_small, p_small))
    return best
