"""Aligned double JPEG quantisation, block by block: where a page was not compressed twice.

A scan saved as JPEG, decoded, edited and saved again carries two quantisations on the same
8 x 8 grid almost everywhere: each DCT coefficient was first a multiple of the first step
``q1`` and was then requantised with the file's step ``q2``. Its histogram over the page is
the smooth distribution of a single compression times a periodic factor ``n(k)``: the number
of multiples of ``q1`` that land on the value ``k`` (0, 1 or 2 when ``q1 > q2``; 1 or 2 when
``q1 < q2``). A region pasted from another JPEG (another quality, or off the grid) or typeset
afresh was quantised once on this grid, so its coefficients do not follow that factor.

The method follows Lin, He, Tang and Tang (*Fast, automatic and fine-grained tampered JPEG
image detection via DCT coefficient analysis*, Pattern Recognition 42(11), 2009) and the
likelihood model of Bianchi and Piva (*Image forgery localization via block-grained analysis
of JPEG artifacts*, IEEE TIFS 7(3), 2012):

1. the quantised values ``k = round(D / q2)`` of the lowest AC frequencies of every block of
   the file's grid (the luminance and its table, as the file codes them);
2. per frequency, the first step ``q1`` that best explains the page's histogram: the model
   ``n_q1(k) * envelope(k)`` against the envelope alone, where the envelope is the histogram
   smoothed over a few bins and ``n_q1`` allows for the rounding noise of the first decode;
   a frequency whose best ``q1`` does not beat the single-compression model by a margin is
   not used;
3. per block, the likelihood ratio of double against single compression is the product over
   used frequencies of ``n_q1(k) / mean(n_q1)`` (non-zero ``k`` only: zeros carry little);
4. the page is its own reference: a page saved twice as a whole is double-compressed
   everywhere, yet some of its blocks favour a single compression all the same (a block whose
   first decode clipped at white or black, one or two coefficients that happen to land on a
   gap). How often that happens depends on the block (clipped or not, how many coefficients
   it has), so per kind of block the page's own share of blocks that favour a single
   compression is measured (`page_contrast`), and each block's vote is weighed against it:
   the evidence, in nats, that a window of blocks favours a single compression more often
   than the rest of the page (a binomial likelihood ratio). Windows whose evidence is high
   are the map's suspicion, in [0, 1], kept on the blocks whose own neighbourhood leans
   single. What counts is a region whose compression history differs from the page's, not
   double compression itself.

When no frequency shows a first quantisation (a file saved once, or twice at the same
quality, or a PNG), there is no map, and the reason says so. Innocent causes of a region
without the double-compression trace: a part of the page that is blank (no coefficient to
judge), a region the encoder clipped (pure black or white), and a page resaved after being
cropped by a number of pixels that is not a multiple of 8 (then the whole page lacks it).
"""

from __future__ import annotations

import functools
import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from workbench.formats.jpeg import ZIGZAG, NotJpegError, parse_jpeg
from workbench.geometry import Box
from workbench.imaging.blocks import regions_from_mask
from workbench.imaging.forensic.double_jpeg import dct_coefficients

METHOD = (
    "aligned double JPEG quantisation, per 8x8 block likelihood ratio "
    "(Lin et al. 2009; Bianchi & Piva 2012)"
)
#: Zigzag positions analysed: the lowest AC frequencies, the best populated on a text page.
POSITIONS: tuple[int, ...] = tuple(range(1, 15))
#: Largest |k| modelled; larger values are rare on pages and pool into the last bin.
K_MAX = 60
#: Non-zero values a frequency needs before its first step is estimated. At 2,000 a small
#: 150-dpi page (a receipt, mostly bare paper) had no map at all; 1,000 gives it one and more
#: frequencies to other 150-dpi pages. Chosen by leave-one-chain-out on dev pages whose kinds
#: vary across the dev chains (``benchmarks/dq_crossed.py``), where no untouched page got a
#: region with it; never on the test split.
MIN_NONZERO = 1000
#: Mean log-likelihood gain per non-zero coefficient (nats) a first step must bring over a
#: single compression before the frequency is used. Pages saved once reach up to about 0.2
#: on their lowest frequencies (where the shifted-grid model is least exact); pages saved at
#: a lower quality and then a higher one reach 0.3 to 2.5.
MIN_GAIN = 0.25
#: Frequencies that must show a first step before the page counts as compressed twice.
MIN_FREQUENCIES = 2
#: Smallest first step considered, as a fraction of the current one.
MIN_STEP_RATIO = 0.6
#: Standard deviation of a coefficient's rounding noise after the first decode, in DCT units.
FIRST_NOISE = 0.6
#: Per-coefficient likelihood ratios are kept within these bounds (one odd value must not
#: decide a block).
RATIO_BOUNDS = (0.05, 20.0)
#: Blocks of the shifted grid used for the single-compression model (a sample is enough for
#: a histogram, and it halves the cost on a 300-dpi page).
CALIBRATION_BLOCKS = 30_000
#: A block votes for one compression or the other only when its log ratio is beyond this
#: (nats); nearer zero (a coefficient or two of small values) it is left out of the vote.
VOTE_MARGIN = 1.0
#: Share of single-compression votes that a region whose history differs from the page's is
#: taken to have (the alternative of the binomial test). Kinds of block whose own share on
#: the page is this high or higher give no evidence either way.
DIFFERENT_SHARE = 0.5
#: Side, in blocks, of the window over which the blocks' evidence is summed.
WINDOW = 7
#: Evidence (nats) of a window at which suspicion starts and where it reaches 1.
#: The vote margin, the alternative share, the window and this range were chosen by
#: leave-one-chain-out on the dev split of the independent corpus
#: (``benchmarks/forensic_corpus.py``), never on its test split.
SUSPICION_RANGE = (20.0, 30.0)
#: Side, in blocks, of the neighbourhood whose own evidence must lean single for a block to
#: keep its window's suspicion. The window's evidence finds a region; a strong region lifts
#: windows up to three blocks beyond its edge, so the map keeps only blocks with single votes
#: next to them (chosen by leave-one-chain-out on dev, on the map's pixel F1).
LOCAL = 3
#: Luminance within this of black or white marks a block as clipped (its own kind of block).
CLIP_LEVEL = 1
#: Side, in blocks, of the tiles whose median share of single votes bounds the page's share of
#: a kind of block (so that one large pasted region does not raise the page's own reference),
#: and the fewest votes of a kind a tile needs to count (the tiles are asked only when the
#: kind has 20 times that many votes on the page and at least five tiles count).
TILE = 16
TILE_VOTES = 10
#: Suspicion a block needs to be part of a candidate region, and the fewest blocks of one.
REGION_THRESHOLD = 0.5
MIN_REGION_BLOCKS = 6


@dataclass(frozen=True)
class NoDqMap:
    """Why there is no map for this file."""

    reason: str


@dataclass(frozen=True)
class DqMap:
    """Per-block evidence of aligned double compression on the file's 8 x 8 grid."""

    #: (H // 8, W // 8) posterior that the block was compressed twice (prior 1/2; 0.5 where
    #: the block has no non-zero coefficient in the used frequencies).
    probability: np.ndarray
    #: (H // 8, W // 8) in [0, 1]: how strongly the window around the block lacks the trace
    #: the rest of the page has; the map the fusion takes.
    suspicion: np.ndarray
    #: Zigzag position -> estimated first quantisation step, for the frequencies used.
    first_steps: dict[int, int]
    #: Share of informative blocks (with non-zero coefficients) whose ratio favours a double
    #: compression: near 1 on an edited page, lower when large parts were pasted.
    double_share: float
    regions: tuple[Box, ...]
    method: str = METHOD

    @property
    def region_score(self) -> float:
        """Strength of the strongest candidate region, 0 when there is none."""
        return max((r.score for r in self.regions), default=0.0)


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF by its logistic approximation (within 0.01; ample for counts)."""
    out: np.ndarray = 1.0 / (1.0 + np.exp(-1.702 * np.clip(x, -40.0, 40.0)))
    return out


def _block_rows(image: np.ndarray, max_blocks: int) -> np.ndarray:
    """Every n-th row of 8 x 8 blocks, so that at most about `max_blocks` blocks remain."""
    rows, cols = image.shape[0] // 8, image.shape[1] // 8
    stride = max(1, -(-rows * cols // max_blocks))
    strips = image[: rows * 8].reshape(rows, 8, -1)[::stride]
    out: np.ndarray = strips.reshape(-1, image.shape[1])
    return out


@functools.lru_cache(maxsize=2048)
def soft_counts_matrix(q1: int, q2: int, m_count: int, noise: float = FIRST_NOISE) -> np.ndarray:
    """(m_count, K_MAX + 1): chance that ``|m| * q1`` plus rounding noise requantises to ``|k|``.

    Cached and shared between calls: do not modify the result.
    """
    x = np.arange(m_count, dtype=np.float64)[:, None] * q1
    edges = (np.arange(K_MAX + 1, dtype=np.float64)[None, :] + 0.5) * q2
    upper = _normal_cdf((edges - x) / noise)
    lower = np.where(edges - q2 < 0, 0.0, _normal_cdf((edges - q2 - x) / noise))
    out: np.ndarray = np.clip(upper - lower, 0.0, 1.0)
    out[:, K_MAX] += np.clip(1.0 - upper[:, K_MAX], 0.0, 1.0)  # the last bin pools the rest
    out.flags.writeable = False
    return out


def first_step(
    values: np.ndarray, shifted: np.ndarray, q2: int
) -> tuple[int, float, np.ndarray] | None:
    """Best first step for one frequency: (q1, gain per coefficient, ratio per |k|) or None.

    `values` are the page's quantised values on its grid; `shifted` the unquantised
    coefficients of the same frequency on a grid moved by 4 pixels, whose distribution stands
    in for the one before any compression (the calibration of Lukas and Fridrich, 2003).
    Single compression predicts ``P(k) = P(round(D / q2) = k)``; double compression with a
    first step ``q1`` predicts ``sum_m P(round(D / q1) = m) * P(round((m q1 + e) / q2) = k)``.
    """
    mags = np.minimum(np.abs(values[values != 0]), K_MAX)
    if mags.size < MIN_NONZERO:
        return None
    hist = np.bincount(mags, minlength=K_MAX + 1).astype(np.float64)
    hist[0] = 0.0
    raw = np.abs(shifted.astype(np.float64))

    def model(step: float) -> np.ndarray:
        capped = np.minimum(np.rint(raw / step), 4 * K_MAX).astype(np.int64)
        counts = np.bincount(capped, minlength=4 * K_MAX + 1)
        return counts.astype(np.float64) + 0.5

    single = model(q2)[: K_MAX + 1].copy()
    single[0] = 0.0
    single /= single.sum()
    used = hist > 0
    best: tuple[int, float, np.ndarray] | None = None
    # A first step much finer than the current one leaves a pattern too faint to tell from
    # the model's own error; equal steps leave none.
    for q1 in range(max(2, int(np.ceil(MIN_STEP_RATIO * q2))), 3 * q2 + 8):
        if q1 == q2:
            continue
        first = model(q1)
        # Multiples beyond the last modelled bin all land in it: pool them.
        reach = min(first.size, int(np.ceil((K_MAX + 1.5) * q2 / q1)) + 2)
        first[reach - 1] += first[reach:].sum()
        double = first[:reach] @ soft_counts_matrix(q1, q2, reach)  # (K_MAX + 1,)
        double[0] = 0.0
        double /= double.sum()
        ratio = np.clip(double / np.maximum(single, 1e-12), *RATIO_BOUNDS)
        ratio[0] = 1.0
        gain = float((hist[used] * np.log(ratio[used])).sum() / hist.sum())
        if best is None or gain > best[1]:
            best = (q1, gain, ratio)
    if best is None or best[1] < MIN_GAIN:
        return None
    return best


def aligned_dq_map(luminance: np.ndarray, table: np.ndarray) -> DqMap | NoDqMap:
    """Per-block map of aligned double quantisation for a JPEG's decoded luminance.

    Parameters
    ----------
    luminance : (H, W) uint8 array
        The Y channel as the file codes it (decode in YCbCr, see `decode_luminance`), on the
        file's own grid: not rescaled, not cropped.
    table : (8, 8) array
        The file's luminance quantisation table, natural order.

    Returns
    -------
    DqMap, or NoDqMap with the reason when no frequency shows a first quantisation.

    """
    y = np.asarray(luminance, dtype=np.uint8)
    bh, bw = y.shape[0] // 8, y.shape[1] // 8
    if bh < WINDOW or bw < WINDOW:
        return NoDqMap("the image is too small for a block map")
    steps = np.asarray(table).ravel()
    naturals = tuple(int(ZIGZAG[p]) for p in POSITIONS)
    coeffs = dct_coefficients(y, naturals)
    shifted = dct_coefficients(_block_rows(y[4:, 4:], CALIBRATION_BLOCKS), naturals)
    llr = np.zeros(bh * bw, dtype=np.float64)
    informative = np.zeros(bh * bw, dtype=bool)
    counted = np.zeros(bh * bw, dtype=np.int64)
    first: dict[int, int] = {}
    for row, pos in enumerate(POSITIONS):
        q2 = int(steps[naturals[row]])
        if q2 < 1:
            continue
        k = np.rint(coeffs[row] / q2).astype(np.int64)
        found = first_step(k, shifted[row], q2)
        if found is None:
            continue
        q1, _, ratio = found
        first[pos] = q1
        mags = np.minimum(np.abs(k), K_MAX)
        llr += np.log(ratio)[mags]
        informative |= mags > 0
        counted += mags > 0
    if len(first) < MIN_FREQUENCIES:
        return NoDqMap(
            "no trace of an earlier compression on this grid: the file was saved once, or "
            "saved again at the same quality"
        )
    llr_map = llr.reshape(bh, bw)
    probability = 1.0 / (1.0 + np.exp(-np.clip(llr_map, -30, 30)))
    inf = informative.reshape(bh, bw)
    evidence = page_contrast(llr_map, block_kinds(y, counted.reshape(bh, bw)))
    window = cv2.boxFilter(
        evidence.astype(np.float32), -1, (WINDOW, WINDOW), normalize=False,
        borderType=cv2.BORDER_CONSTANT,
    )  # fmt: skip
    low, high = SUSPICION_RANGE
    suspicion = np.clip((window.astype(np.float64) - low) / (high - low), 0.0, 1.0)
    near = cv2.boxFilter(
        evidence.astype(np.float32), -1, (LOCAL, LOCAL), normalize=False,
        borderType=cv2.BORDER_CONSTANT,
    )  # fmt: skip
    suspicion[near <= 0] = 0.0
    suspicion[~cv2.dilate(inf.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)] = 0.0
    regions = candidate_regions(suspicion, y.shape[:2])
    share = float((llr_map[inf] > 0).mean()) if inf.any() else 0.0
    return DqMap(
        probability=probability.astype(np.float32),
        suspicion=suspicion.astype(np.float32),
        first_steps=first,
        double_share=round(share, 4),
        regions=tuple(regions),
    )


def block_kinds(luminance: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """(H // 8, W // 8) kind of each block, by which its votes are compared with the page's.

    0 for a block without a non-zero coefficient in the used frequencies; otherwise 1 to 4
    for how many of them are non-zero (4 and more), plus 4 when the block holds a sample
    within `CLIP_LEVEL` of black or white (its first decode may have been clipped, which moves
    its coefficients off the first step's multiples as a single compression would).
    """
    bh, bw = counted.shape
    blocks = np.asarray(luminance)[: bh * 8, : bw * 8].reshape(bh, 8, bw, 8)
    clipped = (blocks.max(axis=(1, 3)) >= 255 - CLIP_LEVEL) | (
        blocks.min(axis=(1, 3)) <= CLIP_LEVEL
    )
    kinds: np.ndarray = np.where(counted > 0, np.minimum(counted, 4) + 4 * clipped, 0)
    return kinds


def _tile_counts(kinds: np.ndarray, votes: np.ndarray) -> np.ndarray:
    """(tiles, 9) count of `votes` of each kind in each `TILE` x `TILE` tile of blocks."""
    h, w = kinds.shape
    rows, cols = np.indices((h, w))
    tile = (rows // TILE) * -(-w // TILE) + cols // TILE
    count = -(-h // TILE) * -(-w // TILE)
    out: np.ndarray = np.bincount(tile[votes] * 9 + kinds[votes], minlength=count * 9).reshape(
        count, 9
    )
    return out


def page_contrast(llr: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Per-block evidence (nats) that a region votes single more often than the page does.

    A block votes single when its log ratio is below ``-VOTE_MARGIN`` and double above
    ``VOTE_MARGIN``. For each kind of block (`block_kinds`), the page's share ``p0`` of single
    votes is its own reference: the share over the page (with one vote of each added), or the
    median share of the page's tiles when lower, so that a large pasted region does not raise
    it. Against the alternative share `DIFFERENT_SHARE` (``p1``), a single vote adds
    ``log(p1 / p0)`` and a double vote ``log((1 - p1) / (1 - p0))``; summed over a window, this
    is the log likelihood ratio of a region voting single at ``p1`` against one voting as the
    page does. A kind whose page share is ``p1`` or more gives no evidence.

    Parameters
    ----------
    llr : (H // 8, W // 8) float array
        Each block's log ratio of double against single compression.
    kinds : (H // 8, W // 8) int array
        Each block's kind; 0 for blocks without evidence.

    Returns
    -------
    (H // 8, W // 8) float array; 0 where a block did not vote.

    """
    single = (llr < -VOTE_MARGIN) & (kinds > 0)
    double = (llr > VOTE_MARGIN) & (kinds > 0)
    n1 = np.bincount(kinds[single], minlength=9)
    n2 = np.bincount(kinds[double], minlength=9)
    t1, t2 = _tile_counts(kinds, single), _tile_counts(kinds, double)
    p1 = DIFFERENT_SHARE
    gain_single = np.zeros(9, dtype=np.float64)
    gain_double = np.zeros(9, dtype=np.float64)
    for kind in np.flatnonzero(n1 + n2):
        votes = int(n1[kind] + n2[kind])
        p0 = (int(n1[kind]) + 1) / (votes + 2)
        tiles = t1[:, kind] + t2[:, kind]
        enough = tiles >= TILE_VOTES
        if votes > 20 * TILE_VOTES and int(enough.sum()) >= 5:
            median = float(np.median(t1[enough, kind] / tiles[enough]))
            p0 = min(p0, max(median, 1.0 / (votes + 2)))
        if p0 >= p1:
            continue
        gain_single[kind] = np.log(p1 / p0)
        gain_double[kind] = np.log((1.0 - p1) / (1.0 - p0))
    return vote_evidence(single, double, kinds, gain_single, gain_double)


def vote_evidence(
    single: np.ndarray,
    double: np.ndarray,
    kinds: np.ndarray,
    gain_single: np.ndarray,
    gain_double: np.ndarray,
) -> np.ndarray:
    """Each block's evidence (nats): its kind's gain for the way it voted, 0 if it did not vote."""
    evidence: np.ndarray = np.where(
        single, gain_single[kinds], np.where(double, gain_double[kinds], 0.0)
    )
    return evidence


def candidate_regions(
    suspicion: np.ndarray,
    shape: tuple[int, ...],
    threshold: float = REGION_THRESHOLD,
    min_blocks: int = MIN_REGION_BLOCKS,
) -> list[Box]:
    """Boxes in page pixels of the groups of 8 x 8 blocks whose suspicion reaches `threshold`.

    Each box's score is the largest suspicion inside it; strongest first. Groups of fewer
    than `min_blocks` blocks are left out (a lone block is as likely a stray glyph edge).
    """
    return regions_from_mask(
        np.asarray(suspicion) >= threshold,
        8,
        strength=np.asarray(suspicion),
        min_blocks=min_blocks,
        shape=(int(shape[0]), int(shape[1])),
    )


def decode_luminance(data: bytes) -> tuple[np.ndarray, np.ndarray] | NoDqMap:
    """(luminance, luminance table) of a JPEG file's bytes, or the reason they cannot be had."""
    try:
        structure = parse_jpeg(data)
    except NotJpegError:
        return NoDqMap("not a JPEG file: there is no quantisation to analyse")
    frame = structure.frame
    if frame is None or not frame.components:
        return NoDqMap("the JPEG has no frame header")
    table = structure.quantization_tables.get(frame.components[0].table)
    if table is None:
        return NoDqMap("the JPEG has no luminance quantisation table")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
            image.draft("YCbCr", image.size)  # the coded samples, not a conversion to RGB
            image.load()
    except (OSError, ValueError, SyntaxError) as exc:
        return NoDqMap(f"the JPEG cannot be decoded: {exc}")
    if image.mode not in ("YCbCr", "L"):
        return NoDqMap(f"{image.mode} JPEGs are not analysed")
    luminance = np.asarray(image.getchannel(0) if image.mode == "YCbCr" else image)
    return luminance, np.asarray(table)


def dq_map_of_bytes(data: bytes) -> DqMap | NoDqMap:
    """`aligned_dq_map` of a JPEG file's bytes (the reason when it cannot be made)."""
    decoded = decode_luminance(data)
    if isinstance(decoded, NoDqMap):
        return decoded
    return aligned_dq_map(*decoded)
