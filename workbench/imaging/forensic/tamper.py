"""All pixel-forensic methods on one page, with their maps, regions, scores and fused heatmap.

This is the array-level core of the ``forensics`` check: it takes a page's luminance and
returns everything the check reports, so the benchmark and tests can run the same analysis
on arrays that never were files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from workbench.geometry import Box
from workbench.imaging.blocks import regions_from_mask, strength_from_z, upsample_blocks
from workbench.imaging.forensic.calibration import TextCalibration, calibrated_glyphs
from workbench.imaging.forensic.copymove import ClonePair, clone_map, merge_clones
from workbench.imaging.forensic.copymove_blocks import block_clones
from workbench.imaging.forensic.copymove_keypoints import PAPER_COARSE_SIDE, keypoint_clones
from workbench.imaging.forensic.digits import ReadWord, digit_consistency
from workbench.imaging.forensic.dq_map import DqMap
from workbench.imaging.forensic.ela import (
    error_level_anomaly,
    error_level_display,
    error_levels,
    gradient_block_mean,
)
from workbench.imaging.forensic.fusion import fuse_maps, tamper_score
from workbench.imaging.forensic.ghost import (
    DEFAULT_QUALITIES,
    ghost_curves,
    ghost_strength,
    jpeg_ghost,
    page_quality_estimate,
)
from workbench.imaging.forensic.glyphs import GlyphOutlier, glyph_map
from workbench.imaging.forensic.lighting import text_page
from workbench.imaging.forensic.noise import noise_inconsistency, noise_strength
from workbench.imaging.forensic.padding import padding_mask
from workbench.imaging.forensic.paper_patch import paper_blocks
from workbench.imaging.forensic.paper_steps import bare_paper, is_paper_page, paper_steps
from workbench.imaging.forensic.textclone import TextClone, text_clone_map, text_clones
from workbench.imaging.words import find_words

#: Below this strength a method's region is not reported (the fused map still shows it).
REGION_THRESHOLD = 0.3
#: The re-save quality whose difference doubles as the error level analysis.
ELA_QUALITY = 90
GHOST_BLOCK = 16
NOISE_BLOCK = 32
ELA_BLOCK = 16
#: Resolution (pixels) of the grid the maps are fused on; divides every block size above.
CELL = 4
#: Mean gradient (grey levels) above which a tile holds print or other marks, not blank paper.
INK_EDGE = 2.0
#: How many times blank paper's own gradient a tile's edge content must reach to count as print.
PAPER_GRAIN_MARGIN = 2.5
#: JPEG ghosts are measured on tiles within this many tiles of one with marks.
GHOST_REACH = 2
#: Methods with their own viewable map.
MAP_METHODS = ("ela", "noise", "clone", "ghost", "dq", "text_clone", "glyph", "paper_step")
#: Side of the aligned double-quantisation map's blocks (the JPEG grid).
DQ_BLOCK = 8
#: Side of the paper-step map's blocks.
PAPER_BLOCK = 8


@dataclass(frozen=True)
class PageTraces:
    """What the pixel-forensic methods found on one page.

    The page-sized maps (`heatmap`, `maps`) are painted from coarser grids when asked for,
    so an analysis whose maps are not written anywhere does not pay for them.

    Attributes
    ----------
    shape : (H, W)
        Size of the analysed page.
    tamper_score : float in [0, 1]
    scores : dict method -> float in [0, 1]
        Strongest region of each method (``clone``, ``ghost``, ``noise``, ``ela``, ``dq``,
        ``text_clone``, ``glyph``, ``paper_step``).
    cells : dict name -> (ceil(H / CELL), ceil(W / CELL)) uint8
        The fused trace strength (``fused``) and the strength maps of ``noise``, ``clone``,
        ``ghost``, ``dq``, ``text_clone``, ``glyph`` and ``paper_step`` on the fusion grid,
        0 = none, 255 = strongest.
    error_levels : (H, W) uint8
        Error levels of the page (grey levels), as `error_levels` gives them.
    clones : list of ClonePair
    splice_regions, noise_regions, ela_regions : list of Box
        Regions whose compression history, noise level, or error level departs from the page.
    page_quality : int or None
        The JPEG quality at which the whole page dips, when it was saved as JPEG.
    ghost_qualities : dict
        For each splice region, the quality at which it dips (its likely own last quality).
    noise_sigma : float
        The page's median noise level, grey levels.
    dq_regions : list of Box
        Regions that lack the aligned double JPEG quantisation the rest of the page shows.
    dq_first_steps : dict
        The first quantisation steps found (zigzag position -> step), empty without a map.
    text_clones : list of TextClone
        Words that are pixel copies of other words of the page, noise included.
    glyph_outliers : list of GlyphOutlier
        Words and lines whose print differs from the page's other words.
    text_floor : float
        What two separate impressions on this page differ by at best (grey levels; 0 when
        not measured), the yardstick of text copy-move.
    calibration : TextCalibration
        The thresholds the text methods were held to (from exemplars, or none).
    notes : list of str
        Methods that could not run, and why.
    paper_step_regions : list of Box
        Regions bounded by straight steps in the paper's tone (a patch of other paper).

    """

    shape: tuple[int, int]
    tamper_score: float
    scores: dict[str, float]
    cells: dict[str, np.ndarray]
    error_levels: np.ndarray
    clones: list[ClonePair]
    splice_regions: list[Box]
    noise_regions: list[Box]
    ela_regions: list[Box]
    page_quality: int | None
    ghost_qualities: list[int]
    noise_sigma: float
    dq_regions: list[Box] = field(default_factory=list)
    dq_first_steps: dict[int, int] = field(default_factory=dict)
    text_clones: list[TextClone] = field(default_factory=list)
    glyph_outliers: list[GlyphOutlier] = field(default_factory=list)
    text_floor: float = 0.0
    calibration: TextCalibration = field(default_factory=TextCalibration)
    notes: list[str] = field(default_factory=list)
    paper_step_regions: list[Box] = field(default_factory=list)

    @property
    def heatmap(self) -> np.ndarray:
        """(H, W) uint8 fused trace strength, 0 = none, 255 = strongest."""
        return upsample_blocks(self.cells["fused"], CELL, self.shape)

    def map(self, method: str) -> np.ndarray:
        """One method's own (H, W) uint8 map for viewing.

        Error levels scaled for display (``ela``), or the strength map of ``noise``,
        ``clone``, ``ghost``, ``dq``, ``text_clone``, ``glyph`` or ``paper_step``.
        """
        if method == "ela":
            return error_level_display(self.error_levels)
        return upsample_blocks(self.cells[method], CELL, self.shape)

    @property
    def maps(self) -> dict[str, np.ndarray]:
        """Every method's own map (see `map`), keyed by method."""
        return {method: self.map(method) for method in MAP_METHODS}


def _region_strength(boxes: list[Box]) -> float:
    return max((b.score for b in boxes), default=0.0)


def _error_level_anomaly(
    ela: np.ndarray, img: np.ndarray, edge: np.ndarray, on_paper: bool
) -> tuple[np.ndarray, np.ndarray]:
    """`error_level_anomaly` of the page, tiles of print and tiles of paper grain apart.

    Error level relative to edge content differs between print and paper texture: on grainy
    or fibrous paper (a 200-dpi scan of paper with a fibre texture of 6 grey levels had
    paper tiles at a gradient of 2.9 to 3.1, above `INK_EDGE`) the two kinds of tile formed
    two populations, and the page's minority stood out against the other as if compressed
    apart (regions of strength up to 0.8 on every such untouched page). On a page of paper,
    tiles whose gradient stays below `PAPER_GRAIN_MARGIN` times that of its blank paper (the
    quarter of its tiles with the least) are judged against each other, and tiles of print
    against tiles of print: grain a pasted region's own compression flattened still shows
    among the grain.
    """
    if not on_paper or edge.size == 0:
        return error_level_anomaly(ela, img, ELA_BLOCK, min_edge=INK_EDGE, edge=edge)
    printed = max(INK_EDGE, PAPER_GRAIN_MARGIN * float(np.percentile(edge, 25)))
    z, valid = error_level_anomaly(ela, img, ELA_BLOCK, min_edge=printed, edge=edge)
    if printed > INK_EDGE:
        grain = np.where(edge < printed, edge, 0.0)
        z_grain, valid_grain = error_level_anomaly(
            ela, img, ELA_BLOCK, min_edge=INK_EDGE, edge=grain
        )
        z = np.where(valid, z, z_grain)
        valid = valid | valid_grain
    return z, valid


def analyse_page(
    gray: np.ndarray,
    *,
    keypoints: bool = True,
    blocks: bool = True,
    jpeg_grid: bool = True,
    text: bool = True,
    calibration: TextCalibration | None = None,
    dq: DqMap | None = None,
    jpeg_quality: int | None = None,
    read: Callable[[], Sequence[ReadWord] | None] | None = None,
    min_region_blocks: int = 4,
) -> PageTraces:
    """Run the pixel-forensic methods on one page and fuse them.

    Error level analysis, noise, copy-move and JPEG ghosts look at the pixels; text
    copy-move and glyph consistency look at the words printed on the page.

    Parameters
    ----------
    gray : (H, W) uint8 array
        Page luminance at its decoded resolution (the JPEG grid must be intact, so do not
        rescale or crop it first).
    keypoints, blocks : bool
        Run the keypoint and block copy-move detectors.
    jpeg_grid : bool
        Whether the page still sits on its JPEG 8 x 8 grid. When False (a page the caller had
        to rescale), JPEG ghosts are not computed and error levels are only for viewing.
    text : bool
        Run the text methods (text copy-move, glyph and line consistency).
    calibration : TextCalibration, optional
        Thresholds of the text methods set from genuine exemplars (`calibrate_text`);
        traces weaker than them are dropped. Without it the page is its own reference.
    dq : DqMap, optional
        The page's aligned double-quantisation map (`workbench.imaging.forensic.dq_map`), made from
        the file's own coefficients by the caller (it needs the JPEG file, not pixels).
    jpeg_quality : int, optional
        The file's JPEG quality (libjpeg scale, from its luminance table) when ``gray`` is a
        JPEG page at its decoded size: text copy-move then also compares each pair of words
        with a simulated copy saved at that quality (`textclone.copy_floor`).
    read : callable returning a sequence of ReadWord or None, optional
        The page's words as OCR reads them (boxes in pixels of ``gray``), asked for only when
        the page is printed paper: its numbers are compared with each other
        (`workbench.imaging.forensic.digits`) and join glyph consistency's outliers. Without
        it, or when it returns None, numbers are judged as words only.
    min_region_blocks : int
        Smallest region, in ghost blocks (16 x 16), reported for splices.

    Returns
    -------
    PageTraces

    """
    img = np.ascontiguousarray(gray, dtype=np.uint8)
    h, w = img.shape
    notes: list[str] = []

    if jpeg_grid:
        qualities = DEFAULT_QUALITIES
    else:
        qualities = (ELA_QUALITY,)
        notes.append(
            "The page was rescaled for analysis, so JPEG ghosts were not computed and its "
            "error levels are for viewing only."
        )
    # Edge content per tile, shared by error level analysis (which ignores blank tiles) and
    # JPEG ghosts, which are measured only on and around print: blank paper far from any
    # mark is where nothing was pasted that a reader would care about, and on a sparse
    # page it is most of the re-saving work.
    edge = gradient_block_mean(img, ELA_BLOCK)
    near_ink = cv2.dilate(
        (edge >= INK_EDGE).astype(np.uint8), np.ones((2 * GHOST_REACH + 1,) * 2, np.uint8)
    ).astype(bool)
    curves, resaved = ghost_curves(img, qualities, GHOST_BLOCK, tiles=near_ink, keep=(ELA_QUALITY,))
    splice: list[Box] = []
    ghost_q: list[int] = []
    page_quality: int | None = None
    g_strength = np.zeros(curves.shape[1:], dtype=np.float64)
    if jpeg_grid:
        ghost = jpeg_ghost(img, qualities, GHOST_BLOCK, curves=curves)
        page_quality = page_quality_estimate(ghost)
        g_strength = ghost_strength(ghost)
        left_out, judged = int(ghost.clipped.sum()), int(ghost.valid.sum())
        if left_out and left_out >= judged:
            notes.append(
                f"Most of the page is clipped at pure white or black ({left_out} of "
                f"{left_out + judged} blocks near print, more than half their pixels): JPEG "
                "ghosts judged only the other blocks, since a clipped area re-saves almost "
                "unchanged at any quality. Innocent causes: a scanner's background whitening, "
                "a copier, a brightened image."
            )
        if not any(ghost.usable):
            notes.append(
                "JPEG ghosts were not usable: every re-save quality tried lies at or above "
                "the page's own last JPEG save (or that save showed only as a rise of the "
                "error), so a region saved apart from the page could not show. Other methods "
                "still looked at it."
            )
        splice = regions_from_mask(
            g_strength >= REGION_THRESHOLD,
            GHOST_BLOCK,
            strength=g_strength,
            min_blocks=min_region_blocks,
            shape=(h, w),
        )
        for box in splice:
            bx0, by0 = box.x // GHOST_BLOCK, box.y // GHOST_BLOCK
            bx1 = (box.x + box.width) // GHOST_BLOCK
            by1 = (box.y + box.height) // GHOST_BLOCK
            sel = g_strength[by0:by1, bx0:bx1] >= REGION_THRESHOLD
            qs = ghost.quality[by0:by1, bx0:bx1][sel]
            ghost_q.append(int(np.bincount(qs).argmax()) if qs.size else 0)

    # Whether the page is mostly light bare paper decides which methods judge it and how.
    share, level = bare_paper(img)
    on_paper = is_paper_page(share, level)
    ela = error_levels(img, ELA_QUALITY, resaved=resaved[ELA_QUALITY])
    ela_z, ela_valid = _error_level_anomaly(ela, img, edge, on_paper)
    e_strength = strength_from_z(np.abs(ela_z), 4.0, 8.0) * ela_valid
    if not jpeg_grid:
        e_strength = np.zeros_like(e_strength)
    ela_boxes = regions_from_mask(
        e_strength >= REGION_THRESHOLD, ELA_BLOCK, strength=e_strength, min_blocks=4, shape=(h, w)
    )

    # Flat fill along the page's edge (a deskewed page's corners, a border, flattened
    # transparency) is no scanned surface: no evidence for the noise and paper-step methods.
    padding = padding_mask(img, level)
    padded = bool(padding.any())
    if padded:
        notes.append(
            f"Flat fill along the page's edge ({padding.mean():.0%} of the page, with its "
            "rim) holds no scanner noise, so the noise and paper-step methods did not judge "
            "it: a deskewed or padded scan (filled corners, a border, flattened "
            "transparency), or an area erased flat up to the page's edge."
        )
    noise = noise_inconsistency(img, NOISE_BLOCK, padding=padding if padded else None)
    n_strength = noise_strength(noise)
    if page_quality is not None and page_quality < 90:
        # JPEG quantisation flattens noise unevenly (more in flat paper than near strokes);
        # on such pages the noise map mostly shows compression.
        n_strength = n_strength * 0.45
        notes.append(
            f"The page was saved as JPEG at about quality {page_quality}; noise estimates are "
            "dominated by compression and count for less than half."
        )
    noise_boxes = regions_from_mask(
        n_strength >= REGION_THRESHOLD,
        NOISE_BLOCK,
        strength=n_strength,
        min_blocks=2,
        shape=(h, w),
    )
    sigma_valid = noise.sigma[noise.valid]
    noise_sigma = float(np.median(sigma_valid)) if sigma_valid.size else 0.0

    # Straight steps in the paper's tone: the edges of a patch that brought its own paper.
    steps = paper_steps(img, padding=padding) if padded else paper_steps(img, paper=(share, level))
    if steps.note:
        notes.append(steps.note)

    pairs: list[ClonePair] = []
    if keypoints:
        try:
            # On paper, copied words are text copy-move's: keypoints look for marks first
            # on the page reduced further, at full detail only around what they find there.
            pairs += keypoint_clones(img, coarse_side=PAPER_COARSE_SIDE if on_paper else None)
        except cv2.error as exc:  # pragma: no cover - depends on OpenCV's build
            notes.append(f"keypoint copy-move detection failed: {exc}")
    if blocks:
        pairs += block_clones(img)
    pairs = merge_clones(pairs)

    calib = calibration or TextCalibration()
    copied: list[TextClone] = []
    printed: list[GlyphOutlier] = []
    floor = 0.0
    # A page lit unevenly is compared with its lighting evened out (`text_page`).
    page_text, lit_note = text_page(img, on_paper) if text else (None, None)
    if text and page_text is None:
        # The text methods compare print on paper. A photograph or a drawn scene has bright
        # strokes and repeated shapes that are no print: glyph consistency gave untouched
        # procedural scenes warnings (a line segment's sharpness at robust z 18), and text
        # copy-move's "words" on a copied scene area trimmed the copy's own region.
        notes.append(
            "Words were not compared (text copy-move, glyph and line consistency): the page "
            f"is not mostly light bare paper ({share:.0%} of it near its median tone "
            f"{level:.0f})."
        )
    elif page_text is not None:
        notes += [lit_note] if lit_note else []
        words = find_words(page_text)
        scan = text_clones(page_text, words=words, quality=jpeg_quality if jpeg_grid else None)
        floor = scan.floor
        limit = calib.threshold("text_clone", 0.0)
        copied = [c for c in scan.clones if c.strength >= limit]
        glyphs = calibrated_glyphs(page_text, words, calib)
        limit = calib.threshold("glyph", 0.0)
        printed = [o for o in glyphs.outliers if o.strength >= limit]
        notes += [n for n in (scan.note, glyphs.note) if n]
        read_words = read() if read is not None else None
        if read_words is not None:
            numbers = digit_consistency(page_text, words, read_words)
            printed += [o for o in numbers.outliers if o.strength >= limit]
            printed.sort(key=lambda o: -o.strength)
            notes += [numbers.note] if numbers.note else []

    # Maps are fused on a grid of CELL x CELL pixels (every method's blocks are whole cells)
    # and only the results are painted back at page size: fusing four page-sized float maps
    # would cost more than some of the methods.
    grid = (-(-h // CELL), -(-w // CELL))
    maps_float = {
        "clone": clone_map((h, w), pairs, cell=CELL),
        "ghost": upsample_blocks(g_strength, GHOST_BLOCK // CELL, grid),
        "noise": upsample_blocks(n_strength, NOISE_BLOCK // CELL, grid),
        "ela": upsample_blocks(e_strength, ELA_BLOCK // CELL, grid),
        "dq": (
            upsample_blocks(dq.suspicion, DQ_BLOCK // CELL, grid)
            if dq is not None
            else np.zeros(grid, np.float32)
        ),
        "text_clone": text_clone_map((h, w), copied, cell=CELL),
        "glyph": glyph_map((h, w), printed, cell=CELL),
        "paper_step": upsample_blocks(steps.strength, PAPER_BLOCK // CELL, grid),
    }
    scores = {
        "clone": max((p.strength for p in pairs), default=0.0),
        "ghost": _region_strength(splice),
        "noise": _region_strength(noise_boxes),
        "ela": _region_strength(ela_boxes),
        "dq": dq.region_score if dq is not None else 0.0,
        "text_clone": max((c.strength for c in copied), default=0.0),
        "glyph": max((o.strength for o in printed), default=0.0),
        "paper_step": steps.region_score,
    }
    # Both ends of every copy pair, for the fusion to mark a weak copy that another method
    # found one end of.
    copies = [(p.source, p.target, p.strength) for p in pairs]
    copies += [(c.source, c.target, c.strength) for c in copied]
    # The page's paper, so that a region of double quantisation, paper steps, words printed
    # differently or noise departures is marked as the whole patch of other paper that holds it.
    paper = paper_blocks(img, paper=(share, level)) if on_paper else None
    cells = {"fused": fuse_maps(maps_float, grid, copies=copies, cell=CELL, paper=paper)}
    for method in ("noise", "clone", "ghost", "dq", "text_clone", "glyph", "paper_step"):
        cells[method] = np.rint(maps_float[method] * 255).astype(np.uint8)
    return PageTraces(
        shape=(h, w),
        tamper_score=tamper_score(scores),
        scores=scores,
        cells=cells,
        error_levels=ela,
        clones=pairs,
        splice_regions=splice,
        noise_regions=noise_boxes,
        ela_regions=ela_boxes,
        page_quality=page_quality,
        ghost_qualities=ghost_q,
        noise_sigma=noise_sigma,
        dq_regions=list(dq.regions) if dq is not None else [],
        dq_first_steps=dict(dq.first_steps) if dq is not None else {},
        text_clones=copied,
        glyph_outliers=printed,
        text_floor=floor,
        calibration=calib,
        notes=notes,
        paper_step_regions=steps.regions,
    )
