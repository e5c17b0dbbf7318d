"""Evidence of double JPEG compression from periodic artefacts in DCT coefficient histograms.

When a JPEG is decoded and saved again with a different quantization step, each DCT
coefficient is quantized twice: first with step ``q1``, then with ``q2``. The histogram of
the final quantized values ``k = round(D / q2)`` is then no longer smooth: values that
``round(m * q1 / q2)`` cannot reach stay (nearly) empty when ``q1 > q2``, and some values
collect the mass of two neighbours when ``q1 < q2``. Either way the histogram carries a
periodic pattern whose period is set by ``q1 / q2``. This was shown by Popescu and Farid
(*Statistical Tools for Digital Forensics*, Information Hiding 2004, section 3.1), and
Lin, He, Tang and Tang (*Fast, automatic and fine-grained tampered JPEG image detection via
DCT coefficient analysis*, Pattern Recognition 42(11), 2009) locate the period with the
Fourier transform of the histogram. This module implements that Fourier-domain periodicity
measure:

1. decode the luminance, subtract 128 and take the orthonormal 8x8 DCT of every block of the
   grid the file was coded on (the top-left corner is a block corner);
2. for each of the lowest AC frequencies (zigzag positions 1-14 by default), divide by the
   file's step for that frequency, round, and histogram ``|k|`` for ``k = 1 .. K``;
3. remove the smooth (Laplacian-like) envelope: a cubic fitted to ``log(h + 1)``, and
   standardise the residual by its Poisson deviation;
4. the periodicity of that residual is the peak-to-mean ratio of its power spectrum,
   excluding the slowest frequencies that a mis-fitted envelope produces.

A single-compressed image gives white residuals (ratios near the maximum of exponential
noise, about 3-4); a double-compressed one gives a dominant spectral line. The per-image
score in [0, 1] is the mean over analysed frequencies of a logistic map of the ratio,
calibrated on images compressed once versus twice (see ``benchmarks/double_jpeg.py``).

Limits, stated in results: the method needs enough non-zero coefficients (flat pages give
too few), cannot see a first compression whose steps equal the current ones (same quality,
or quality 100 now), is weaker when the second quality is lower than the first, and a crop
that moved the 8x8 grid between the two saves hides the first compression from this aligned
measure.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from workbench.formats.jpeg import ZIGZAG

#: Zigzag positions of the AC coefficients analysed by default (lowest frequencies, which are
#: the best populated in any image).
DEFAULT_POSITIONS: tuple[int, ...] = tuple(range(1, 15))
#: Fewest non-zero values a coefficient needs before its histogram is interpreted.
MIN_NONZERO = 500
#: Fewest histogram bins (|k| = 1..K) worth a spectrum.
MIN_BINS = 12
#: Largest |k| histogrammed; higher values are rare and add only noise.
MAX_BINS = 96
#: Blocks analysed at most (about a 150-dpi A4 page); larger pages are sampled by block rows.
MAX_BLOCKS = 70_000
#: Logistic map of the spectral peak ratio to [0, 1]: midpoint and slope.
RATIO_MIDPOINT = 7.0
RATIO_SLOPE = 1.2

_METHOD = (
    "Fourier periodicity of quantized DCT coefficient histograms "
    "(Popescu & Farid 2004; Lin et al. 2009)"
)


def _dct_matrix() -> np.ndarray:
    n = np.arange(8)
    c = np.sqrt(2 / 8) * np.cos((2 * n[None, :] + 1) * n[:, None] * np.pi / 16)
    c[0, :] = np.sqrt(1 / 8)
    out: np.ndarray = c
    return out


_C = _dct_matrix()


def block_dct(gray: np.ndarray) -> np.ndarray:
    """Orthonormal 2-D DCT-II of every 8x8 block, as JPEG computes it.

    Parameters
    ----------
    gray : (H, W) array
        Luminance samples, 0-255 (any real dtype). Rows and columns past the last whole block
        are ignored.

    Returns
    -------
    (H // 8, W // 8, 8, 8) float32 array
        ``out[i, j, v, u]`` is the coefficient of vertical frequency ``v`` and horizontal
        frequency ``u`` of block ``(i, j)``, computed on ``gray - 128``.

    """
    arr = np.asarray(gray, dtype=np.float32)
    h, w = (arr.shape[0] // 8) * 8, (arr.shape[1] // 8) * 8
    c = _C.astype(np.float32)
    # Two large matrix products (rows, then columns of every block) rather than one tiny
    # product per block: the same arithmetic, several times faster.
    rows = (arr[:h, :w] - 128.0).reshape(h, w // 8, 8) @ c.T  # (h, blocks across, u)
    cols = rows.reshape(h // 8, 8, w).transpose(0, 2, 1) @ c.T  # (blocks down, w, v)
    out: np.ndarray = cols.reshape(h // 8, w // 8, 8, 8).transpose(0, 1, 3, 2)
    return out


def dct_coefficients(gray: np.ndarray, naturals: tuple[int, ...]) -> np.ndarray:
    """Selected coefficients of the 8x8 block DCT, cheaper than `block_dct` for a few of them.

    Parameters
    ----------
    gray : (H, W) array
        Luminance samples, 0-255, as for `block_dct`.
    naturals : tuple of int
        Natural (row-major) indices ``8 * v + u`` of the frequencies wanted.

    Returns
    -------
    (len(naturals), H // 8 * W // 8) float32 array
        Row ``i`` holds frequency ``naturals[i]`` of every block, blocks in raster order.

    """
    arr = np.asarray(gray, dtype=np.float32)
    h, w = (arr.shape[0] // 8) * 8, (arr.shape[1] // 8) * 8
    c = _C.astype(np.float32)
    rows = (arr[:h, :w] - 128.0).reshape(h // 8, 8, w // 8, 8) @ c.T  # (i, y, j, u)
    out = np.empty((len(naturals), (h // 8) * (w // 8)), dtype=np.float32)
    for u in sorted({int(n) % 8 for n in naturals}):
        # One product per horizontal frequency gives all eight vertical ones.
        column = np.ascontiguousarray(rows[..., u].transpose(1, 0, 2)).reshape(8, -1)
        full = c @ column  # (v, blocks)
        for n, natural in enumerate(naturals):
            if int(natural) % 8 == u:
                out[n] = full[int(natural) // 8]
    return out


@dataclass(frozen=True)
class CoefficientPeriodicity:
    """The periodicity measure of one DCT frequency."""

    position: int  # zigzag index 1-63
    step: int  # current quantization step of that frequency
    nonzero: int  # non-zero quantized values histogrammed
    bins: int  # K: |k| = 1..K
    peak_ratio: float  # spectral peak over mean spectral power
    period: float  # histogram period (in units of k) of the peak


@dataclass(frozen=True)
class DoubleCompressionEvidence:
    """Image-level result: ``score`` in [0, 1], or None when too few coefficients qualified."""

    score: float | None
    method: str
    analysed: tuple[CoefficientPeriodicity, ...]
    skipped_positions: tuple[int, ...]
    #: Best-supported first quality among the candidates (see `estimate_first_quality`).
    first_quality: int | None = None
    #: Observed over expected counts in the bins the first quality makes unreachable.
    first_quality_residue: float | None = None


def histogram_periodicity(values: np.ndarray) -> tuple[float, float, int] | None:
    """Spectral peak ratio of the histogram of quantized values ``k`` (integers).

    Parameters
    ----------
    values : 1-D int array
        Quantized coefficients ``round(D / q)`` of one frequency over all blocks.

    Returns
    -------
    (peak_ratio, period, bins) or None
        None when there are too few non-zero values or histogram bins to judge.

    """
    mags = np.abs(values[values != 0]).astype(np.int64)
    if mags.size < MIN_NONZERO:
        return None
    # K: the largest |k| that still has a reasonable count (99.5th percentile), capped.
    k_max = int(min(np.percentile(mags, 99.5), MAX_BINS))
    if k_max < MIN_BINS:
        return None
    hist = np.bincount(mags[mags <= k_max], minlength=k_max + 1)[1:].astype(np.float64)
    k = np.arange(1, k_max + 1, dtype=np.float64)
    coeffs = np.polyfit(k / k_max, np.log(hist + 1.0), 3)
    envelope = np.maximum(np.exp(np.polyval(coeffs, k / k_max)) - 1.0, 0.0)
    residual = (hist - envelope) / np.sqrt(envelope + 1.0)
    residual -= residual.mean()
    power = np.abs(np.fft.rfft(residual)) ** 2
    n = residual.size
    # Skip the DC term and periods longer than n / 3 bins (envelope misfit lives there).
    lo = 3
    band = power[lo:]
    if band.size < 3 or not np.isfinite(band).all() or band.mean() <= 0:
        return None
    peak = int(np.argmax(band)) + lo
    return float(band[peak - lo] / band.mean()), float(n / peak), n


def double_compression_evidence(
    luminance: np.ndarray,
    table: np.ndarray,
    positions: tuple[int, ...] = DEFAULT_POSITIONS,
    candidates: Mapping[int, np.ndarray] | None = None,
    max_blocks: int = MAX_BLOCKS,
) -> DoubleCompressionEvidence:
    """Score the evidence that a JPEG's luminance was quantized twice on its current grid.

    Parameters
    ----------
    luminance : (H, W) uint8 array
        The decoded Y channel of the JPEG (not a converted RGB: decode in YCbCr so that the
        samples are the ones the file codes), on the file's own 8x8 grid.
    table : (8, 8) array
        The file's luminance quantization table in natural order
        (`workbench.formats.jpeg.JpegStructure.quantization_tables[...]`).
    positions : tuple of int
        Zigzag positions (1-63) of the AC frequencies to analyse.
    candidates : mapping of int to (8, 8) array, optional
        Luminance tables of possible first compressions by quality (e.g. libjpeg's at 1-100);
        when given, `estimate_first_quality` names the best supported one.
    max_blocks : int
        Blocks analysed at most; larger images use every n-th row of blocks (on the same
        grid), which keeps the histograms' shape at a fraction of the cost.

    Returns
    -------
    DoubleCompressionEvidence
        ``score`` is the mean logistic-mapped peak ratio of the analysed frequencies, in
        [0, 1] (about 0.1 for single compression); None when no frequency had enough data.

    """
    rows, cols = luminance.shape[0] // 8, luminance.shape[1] // 8
    stride = max(1, -(-rows * cols // max(max_blocks, 1)))
    if stride > 1:  # every stride-th 8-pixel strip: the grid is kept
        strips = np.asarray(luminance)[: rows * 8].reshape(rows, 8, -1)[::stride]
        luminance = strips.reshape(-1, strips.shape[-1])
    naturals = tuple(int(ZIGZAG[p]) for p in positions)
    selected = dct_coefficients(luminance, naturals)
    coeffs = {natural: selected[n] for n, natural in enumerate(naturals)}
    steps = np.asarray(table, dtype=np.float32).ravel()
    analysed: list[CoefficientPeriodicity] = []
    skipped: list[int] = []
    for pos in positions:
        natural = int(ZIGZAG[pos])
        step = float(steps[natural])
        if step < 1:
            skipped.append(pos)
            continue
        k = np.rint(coeffs[natural] / step).astype(np.int64)
        measured = histogram_periodicity(k)
        if measured is None:
            skipped.append(pos)
            continue
        ratio, period, bins = measured
        analysed.append(
            CoefficientPeriodicity(
                position=pos,
                step=int(step),
                nonzero=int(np.count_nonzero(k)),
                bins=bins,
                peak_ratio=round(ratio, 3),
                period=round(period, 3),
            )
        )
    first: tuple[int, float] | None = None
    if candidates and analysed:
        first = estimate_first_quality(
            {a.position: np.rint(coeffs[int(ZIGZAG[a.position])] / a.step) for a in analysed},
            table,
            candidates,
        )
    score: float | None = None
    if analysed:
        ratios = np.array([a.peak_ratio for a in analysed])
        mapped = 1.0 / (1.0 + np.exp(-RATIO_SLOPE * (ratios - RATIO_MIDPOINT)))
        score = round(float(mapped.mean()), 4)
    return DoubleCompressionEvidence(
        score=score,
        method=_METHOD,
        analysed=tuple(analysed),
        skipped_positions=tuple(skipped),
        first_quality=first[0] if first else None,
        first_quality_residue=first[1] if first else None,
    )


@functools.lru_cache(maxsize=4096)
def reachable_bins(first_step: float, step: float, k_max: int) -> np.ndarray:
    """Which values ``|k| = 0..k_max`` a coefficient quantized first with `first_step` can take.

    After the first save a coefficient is a multiple ``m * first_step`` (plus a little decoding
    noise); requantized with `step` it lands on ``round(m * first_step / step)``, or on either
    neighbour when that ratio sits near a half. Returns a boolean array of length
    ``k_max + 1``, cached and shared between calls: do not modify it.
    """
    reach = np.zeros(k_max + 1, dtype=bool)
    m = np.arange(0, int(np.ceil((k_max + 1) * step / first_step)) + 2)
    ratio = m * first_step / step
    tolerance = 0.6 / max(step, 1.0)
    for values in (np.floor(ratio + 0.5 - tolerance), np.floor(ratio + 0.5 + tolerance)):
        idx = values[(values >= 0) & (values <= k_max)].astype(np.intp)
        reach[idx] = True
    return reach


def estimate_first_quality(
    quantized: Mapping[int, np.ndarray],
    table: np.ndarray,
    candidates: Mapping[int, np.ndarray],
    max_residue: float = 0.3,
) -> tuple[int, float] | None:
    """The first-save quality best supported by empty histogram bins, or None.

    For a candidate first table, every analysed frequency whose first step exceeds the current
    one leaves some values ``k`` unreachable (`reachable_bins`). The expected count in those
    bins is taken from the smooth envelope of the histogram; a candidate is consistent when the
    observed count there is below `max_residue` times the expected one. Among consistent
    candidates the one that empties the most expected mass wins (a coarser true first table
    also empties every bin a finer consistent one does). Only a first save at a *lower*
    quality than the current one can be recognised this way.

    Parameters
    ----------
    quantized : mapping of int to 1-D array
        Zigzag position -> quantized values ``round(D / step)`` of that frequency.
    table : (8, 8) array
        The current luminance table, natural order.
    candidates : mapping of int to (8, 8) array
        Quality -> luminance table of each candidate first compression, natural order.
    max_residue : float
        Largest observed/expected ratio in the unreachable bins that is still consistent.

    Returns
    -------
    (quality, residue) or None

    """
    current = np.asarray(table, dtype=np.float64).ravel()
    hists: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for pos, values in quantized.items():
        mags = np.abs(np.asarray(values, dtype=np.int64))
        mags = mags[mags > 0]
        if mags.size < MIN_NONZERO:
            continue
        k_max = int(min(np.percentile(mags, 99.5), MAX_BINS))
        if k_max < 4:
            continue
        hist = np.bincount(mags[mags <= k_max], minlength=k_max + 1).astype(np.float64)
        k = np.arange(1, k_max + 1, dtype=np.float64)
        fit = np.polyfit(k / k_max, np.log(hist[1:] + 1.0), min(3, k_max - 2))
        envelope = np.concatenate(([0.0], np.maximum(np.exp(np.polyval(fit, k / k_max)) - 1, 0)))
        hists[pos] = (hist, envelope)
    best: tuple[float, int, float] | None = None
    for quality, cand in candidates.items():
        first = np.asarray(cand, dtype=np.float64).ravel()
        expected = observed = 0.0
        for pos, (hist, envelope) in hists.items():
            natural = int(ZIGZAG[pos])
            if first[natural] <= current[natural]:
                continue
            empty = ~reachable_bins(float(first[natural]), float(current[natural]), hist.size - 1)
            empty[0] = False
            expected += float(envelope[empty].sum())
            observed += float(hist[empty].sum())
        if expected <= 0:
            continue
        residue = observed / expected
        if residue <= max_residue and (best is None or expected > best[0]):
            best = (expected, quality, residue)
    if best is None:
        return None
    return best[1], round(best[2], 4)
