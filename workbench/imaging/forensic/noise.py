"""Local noise level, and regions whose noise differs from the rest of the page.

Every scanner or camera leaves a noise floor that is roughly uniform over a page. A region
pasted from another scan, smoothed to hide an erasure, or synthesised by an editor usually
carries a different one.

The estimator is J. Immerkaer's, "Fast noise variance estimation", Computer Vision and Image
Understanding 64(2), 1996: the image is filtered with the mask
``[[1, -2, 1], [-2, 4, -2], [1, -2, 1]]`` (the difference of two Laplacians, which cancels
smooth content) and ``sigma = sqrt(pi / 2) / 6 * mean(|residual|)``. As proposed by S.-C. Tai
and S.-M. Yang ("A fast method for image noise estimation using Laplacian operator and adaptive
edge detection", ISCCSP 2008), pixels near edges are excluded first, so printed strokes do not
count as noise. Each block's estimate is then compared with the page's distribution.

Limits: JPEG compression removes fine noise, so on a heavily compressed page the map mostly
shows compression; paper texture and toner vary innocently; a region of plain paper and a
region of dense text are estimated from different numbers of pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from workbench.imaging.blocks import (
    block_max,
    block_mean,
    block_sum,
    robust_zscore,
    row_strips,
    smooth_blocks,
)
from workbench.imaging.forensic.paper_steps import median_level

_IMMERKAER = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)
_SCALE = float(np.sqrt(np.pi / 2.0) / 6.0)
#: Rows of context the edge mask needs around a strip: Gaussian (sigma 1.5, radius 6) +
#: Sobel (1) + growth (up to a few pixels), rounded up with room to spare.
_HALO = 16


@dataclass(frozen=True)
class NoiseMap:
    """Per-block noise level and how far it departs from the page.

    Attributes
    ----------
    sigma : (BH, BW) float64
        Estimated standard deviation of the noise, in grey levels (0 where invalid).
    z : (BH, BW) float64
        Robust z-score of ``log(sigma)`` against the page, smoothed over 3 x 3 blocks;
        negative where the region is smoother than the page, positive where noisier.
    valid : (BH, BW) bool
        Blocks with enough edge-free pixels for an estimate.
    block : int
        Tile side in pixels.

    """

    sigma: np.ndarray
    z: np.ndarray
    valid: np.ndarray
    block: int


def noise_residual(gray: np.ndarray) -> np.ndarray:
    """Absolute response to Immerkaer's mask: ``(H, W)`` float32, grey levels x 6 for pure noise."""
    g = np.asarray(gray, dtype=np.float32)
    return np.abs(cv2.filter2D(g, cv2.CV_32F, _IMMERKAER, borderType=cv2.BORDER_REFLECT))


def edge_mask(gray: np.ndarray, threshold: float = 40.0, grow: int = 2) -> np.ndarray:
    """Pixels on or within ``grow`` pixels of an edge.

    An edge is where Sobel |gx| + |gy| of the page, slightly blurred first (Gaussian sigma
    1.5), exceeds ``threshold``. The blur keeps strong noise (a noisy pasted region) from
    counting as edges while the strokes of print, which have far more contrast, still do.
    """
    g = cv2.GaussianBlur(np.asarray(gray, dtype=np.float32), (0, 0), 1.5)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    edges = ((np.abs(gx) + np.abs(gy)) > threshold).astype(np.uint8)
    if grow > 0:
        kernel = np.ones((2 * grow + 1, 2 * grow + 1), np.uint8)
        return np.asarray(cv2.dilate(edges, kernel), dtype=bool)
    return edges.astype(bool)


def noise_sigma_map(
    gray: np.ndarray,
    block: int = 32,
    *,
    edge_threshold: float = 40.0,
    min_fraction: float = 0.3,
    black: float = 3,
    padding: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Immerkaer noise estimate of each block, from its edge-free pixels only.

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance.
    block : int
        Tile side in pixels.
    edge_threshold : float
        Sobel |gx| + |gy| above which a pixel (and its neighbours) is treated as an edge.
    min_fraction : float
        A block needs at least this share of edge-free pixels to be estimated.
    black : float
        Pixels whose 3 x 3 neighbourhood is no brighter than this are left out too: shadows
        clipped to black (night sky, the surround of a photograph) have no noise left to
        measure and would otherwise stand out as suspiciously smooth. Print is an edge and
        is left out anyway; white is kept, so a patch whitened in an editor still shows.
    padding : (H, W) bool array, optional
        Flat fill at the page's edge (`workbench.imaging.forensic.padding.padding_mask`):
        left out too, of any tone. It is no scanned surface, so it holds no noise to
        compare (a deskewed page's filled corners, a border band, flattened transparency).

    Returns
    -------
    sigma : (H // block, W // block) float64
        Noise standard deviation in grey levels; 0 where invalid.
    valid : bool array of the same shape

    """
    img = np.asarray(gray)
    h, w = img.shape[:2]
    bh, bw = h // block, w // block
    total = np.zeros((bh, bw), dtype=np.float64)
    count = np.zeros((bh, bw), dtype=np.float64)
    # Strip by strip (with context rows for the filters), which gives the same numbers as
    # the whole page at once without its page-sized float temporaries.
    for y0, y1, a0, a1 in row_strips(h, block, _HALO):
        part = img[a0:a1]
        keep = slice(y0 - a0, y1 - a0)
        residual = noise_residual(part)[keep]
        flat = ~edge_mask(part, edge_threshold)[keep]
        if black >= 0:
            flat &= cv2.dilate(part, np.ones((3, 3), np.uint8))[keep] > black
        if padding is not None:
            flat &= ~padding[y0:y1]
        rows = slice(y0 // block, y1 // block)
        total[rows] = block_sum(np.where(flat, residual, 0.0), block)
        count[rows] = block_sum(flat, block)
    valid = count >= min_fraction * block * block
    sigma = np.where(valid, _SCALE * total / np.maximum(count, 1.0), 0.0)
    return sigma, valid


def residual_block_mean(gray: np.ndarray, block: int) -> np.ndarray:
    """Mean absolute Immerkaer residual of each whole ``block`` x ``block`` tile.

    How much fine texture (noise, grain, detail) a tile has, edges included; computed strip
    by strip like `noise_sigma_map`. Returns ``(H // block, W // block)`` float64.
    """
    img = np.asarray(gray)
    h, w = img.shape[:2]
    out = np.zeros((h // block, w // block), dtype=np.float64)
    for y0, y1, a0, a1 in row_strips(h, block, 1):
        out[y0 // block : y1 // block] = block_mean(
            noise_residual(img[a0:a1])[y0 - a0 : y1 - a0], block
        )
    return out


#: Variance of the rounding of every decoded pixel to a whole grey level (uniform over one
#: level: 1/12). A block's noise counts as *more* than the page's only by what it has above
#: it: a JPEG saved at a low quality (or a denoiser) leaves flat paper blocks with no residual
#: at all and blocks near print with a few tenths of a grey level of the quantisation's
#: residue, which in the logarithm are orders of magnitude apart although neither holds a
#: measurable noise floor.
ROUNDING_VARIANCE = 1.0 / 12.0


def noise_inconsistency(
    gray: np.ndarray,
    block: int = 32,
    *,
    floor: float = 0.05,
    rounding: float = ROUNDING_VARIANCE,
    padding: np.ndarray | None = None,
    **kwargs: float,
) -> NoiseMap:
    """Blocks whose noise level departs from the rest of the page.

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance.
    block : int
        Tile side in pixels.
    floor : float
        Noise levels are clipped below at this many grey levels before the logarithm, so
        perfectly flat synthetic areas do not produce infinite deviations.
    rounding : float
        Variance (grey levels squared) every measurement carries, by default the rounding
        of decoded pixels to whole grey levels (`ROUNDING_VARIANCE`). A block *noisier*
        than the page that holds print or lies next to it (`_near_print`) counts only as
        far as ``log(sqrt(sigma ** 2 + rounding))`` departs too: on a page whose
        compression wiped its noise out, the residue near print is not noise of another
        source. A block of bare paper is judged on its own estimate, so a region pasted
        with its scanner's noise on such a page still departs. A block *smoother* than the
        page is judged on its own estimate (a whitened patch, or a region whose own
        compression flattened noise the page kept, even a noise of a few tenths of a grey
        level).
    padding : (H, W) bool array, optional
        Flat fill at the page's edge, taken as no evidence (`noise_sigma_map`).
    **kwargs
        Passed to `noise_sigma_map`.

    Returns
    -------
    NoiseMap

    """
    sigma, valid = noise_sigma_map(gray, block, padding=padding, **kwargs)
    log_sigma = np.log(np.maximum(sigma, floor))
    z = smooth_blocks(robust_zscore(log_sigma, valid, floor=0.2), valid)
    if rounding > 0:
        resolved = 0.5 * np.log(sigma**2 + rounding)
        z_resolved = smooth_blocks(robust_zscore(resolved, valid, floor=0.2), valid)
        damped = (z > 0) & _near_print(gray, block, sigma.shape)
        z = np.where(damped, np.minimum(z, np.maximum(z_resolved, 0.0)), z)
    return NoiseMap(sigma, z, valid, block)


#: Grey levels below the page's median tone from which a pixel is print (its faint,
#: anti-aliased edges included), and how far (pixels) a compression's residue around print
#: reaches into the noise map: the 8 x 8 block the print's edge lies in, and the neighbouring
#: noise block that the map's smoothing mixes in. With 40 and 8, untouched rendered letters
#: saved at 60 then 90 kept noise regions of 0.36-0.74 beside their print; with 15 and 24
#: none, while a block of bare paper pasted with noise of 0.8 grey levels or more is found.
PRINT_DEPTH = 15
RESIDUE_REACH = 24


def _near_print(gray: np.ndarray, block: int, shape: tuple[int, ...]) -> np.ndarray:
    """Blocks of the noise grid that hold print or lie within `RESIDUE_REACH` of it.

    Only there does a compression's residue raise the measured noise without any noise of
    another source: a block of bare paper noisier than a page whose noise the compression
    wiped out (a region pasted with its scanner's noise, even a few tenths of a grey level
    after the last save) is judged on its own estimate.
    """
    img = np.asarray(gray)
    bh, bw = int(shape[0]), int(shape[1])
    if bh == 0 or bw == 0:
        return np.zeros((bh, bw), bool)
    crop = img[: bh * block, : bw * block]
    level = median_level(crop) - PRINT_DEPTH
    size = 2 * RESIDUE_REACH + 1
    near = cv2.dilate((crop < level).astype(np.uint8), np.ones((size, size), np.uint8))
    out: np.ndarray = block_max(near, block) > 0
    return out


def noise_strength(noise: NoiseMap, low: float = 3.5, high: float = 7.0) -> np.ndarray:
    """Per-block strength in [0, 1] of a noise departure, in either direction."""
    out: np.ndarray = np.clip((np.abs(noise.z) - low) / (high - low), 0.0, 1.0) * noise.valid
    return out
