"""Fuse per-method forensic maps into one tamper heatmap and one page score.

Each method's map is already calibrated against its own page (0 where the page looks like
itself, 1 at the strongest trace), so fusion can stay simple and explainable: the heatmap is
the largest weighted trace at each pixel, and the page score is a noisy-OR of the methods'
strongest regions, so one clear trace is enough and agreeing traces add up. How much each
method counts is learned from the independent corpus's dev split (``benchmarks/fit_fusion.py``)
where a method was fitted there, and reasoned otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from workbench.imaging.forensic.fusion_weights import LEARNED_WEIGHTS

#: How much each method's trace counts, as reasoned before any fit. Clones verified on
#: background texture and JPEG ghosts are specific, and so are words that share their noise
#: with other words (text copy-move) and regions without the page's aligned double JPEG
#: quantisation; noise departures, words printed differently (a bold word, a stamp) and
#: straight steps in the paper's tone (a shaded band, a fold) have more innocent causes; raw
#: error levels the most.
REASONED_WEIGHTS: dict[str, float] = {
    "clone": 1.0,
    "ghost": 0.9,
    "dq": 0.9,
    "text_clone": 0.9,
    "glyph": 0.8,
    "paper_step": 0.8,
    "noise": 0.7,
    "ela": 0.4,
}
#: The weights in use: those fitted on the independent corpus's dev split
#: (`fusion_weights.LEARNED_WEIGHTS`, written by ``benchmarks/fit_fusion.py``) where a method
#: was fitted, the reasoned ones otherwise.
DEFAULT_WEIGHTS: dict[str, float] = {**REASONED_WEIGHTS, **LEARNED_WEIGHTS}
#: Methods whose regions are the words themselves (a word's or a line's box).
TEXT_METHODS = ("glyph", "text_clone")
#: A region of the fused map (strength 0.5 and above) whose words with evidence of their own
#: cover less than this share of it is trimmed to those words: the block methods (double
#: quantisation, paper tone steps, noise) see 8 to 32 pixel blocks and spill over the paper
#: around an edited line or number, while the words that stand out are the edit.
TRIM_SHARE = 0.5
#: Margin kept around the words with evidence, in elements of the fused grid.
TRIM_MARGIN = 2
#: A word or line of the `TEXT_METHODS` at this strength or more is painted on the heatmap at
#: its own strength, not weighted down: the text methods' regions are the words their findings
#: name, and from this strength on those findings can warn, so the heatmap marks (at 0.5,
#: the level its readers and `trim_to_words` take as marked) where such a finding is. The
#: weights still set how much each method counts in `tamper_score`.
TEXT_SHOWN = 0.5


def resize_map(values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Resize a float map to ``shape`` (H, W) by nearest neighbour (blocks stay blocks)."""
    if values.shape == shape:
        return np.asarray(values, dtype=np.float32)
    h, w = shape
    return cv2.resize(values.astype(np.float32), (w, h), interpolation=cv2.INTER_NEAREST)


def fuse_maps(
    maps: Mapping[str, np.ndarray],
    shape: tuple[int, int],
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """One heatmap from several strength maps.

    Parameters
    ----------
    maps : mapping of method name -> float array in [0, 1]
        Page-sized, or coarser (block) maps, which are stretched to ``shape``.
    shape : (H, W)
        Page size.
    weights : mapping of method name -> float in [0, 1], optional
        `DEFAULT_WEIGHTS` by default; methods without a weight count fully. A text method's
        word at `TEXT_SHOWN` or more keeps its own strength.

    Returns
    -------
    (H, W) uint8 array
        0 = no trace, 255 = strongest.

    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    fused = np.zeros(shape, dtype=np.float32)
    text = np.zeros(shape, dtype=np.float32)
    for name, values in maps.items():
        raw = resize_map(np.clip(np.nan_to_num(values), 0.0, 1.0), shape)
        layer = np.float32(w.get(name, 1.0)) * raw
        if name in TEXT_METHODS:
            layer = np.where(raw >= TEXT_SHOWN, np.maximum(layer, raw), layer)
            text = np.maximum(text, layer)
        fused = np.maximum(fused, layer)
    return np.asarray(np.rint(trim_to_words(fused, text) * 255.0), dtype=np.uint8)


def trim_to_words(fused: np.ndarray, text: np.ndarray) -> np.ndarray:
    """Trim the fused map's regions to the words with evidence of their own inside them.

    Parameters
    ----------
    fused : (H, W) float array in [0, 1]
        The weighted maximum of all methods.
    text : (H, W) float array in [0, 1]
        The weighted maximum of the `TEXT_METHODS` alone.

    Returns
    -------
    (H, W) float array
        ``fused``, except that in a region (connected cells of strength 0.5 and above) where
        the words that stand out cover less than `TRIM_SHARE` of it, the cells farther than
        `TRIM_MARGIN` from those words are lowered to just below 0.5: they still show on the
        heatmap, fainter, as the surroundings of the edit rather than the edit. Regions
        without such words are left as they are.

    """
    on = fused >= 0.5
    words = text >= 0.5
    if not words.any() or not on.any():
        return fused
    count, labels = cv2.connectedComponents(on.astype(np.uint8), connectivity=8)
    size = np.bincount(labels.ravel(), minlength=count)
    covered = np.bincount(labels[words].ravel(), minlength=count)
    trim = (covered > 0) & (covered < TRIM_SHARE * size)
    trim[0] = False
    if not trim.any():
        return fused
    side = 2 * TRIM_MARGIN + 1
    near = cv2.dilate(words.astype(np.uint8), np.ones((side, side), np.uint8)).astype(bool)
    lower = trim[labels] & ~near
    out = fused.copy()
    out[lower] = np.minimum(out[lower], np.float32(127.0 / 255.0))
    return out


def tamper_score(scores: Mapping[str, float], weights: Mapping[str, float] | None = None) -> float:
    """Page score in [0, 1]: noisy-OR of the weighted per-method scores.

    Parameters
    ----------
    scores : mapping of method name -> float in [0, 1]
        Each method's strongest region on the page.
    weights : mapping, optional
        As in `fuse_maps`.

    Returns
    -------
    float in [0, 1]; 0 when no method found anything.

    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    clean = 1.0
    for name, value in scores.items():
        v = min(max(float(value), 0.0), 1.0) if np.isfinite(value) else 0.0
        clean *= 1.0 - w.get(name, 1.0) * v
    return float(min(max(1.0 - clean, 0.0), 1.0))
