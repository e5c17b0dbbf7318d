"""Scan simulation: paper, print and scanner for rendered ink layers, and page geometry.

Each page gets a small affine transform (skew, offset) and a paper texture seeded from its
name, so the same letter always scans the same way and an edit changes only what it touches.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from generator.conventions import A5, Box, rng_for
from generator.letters import LetterSpec, Mods
from generator.rendering import Layers, Rendered, render_letter

# --------------------------------------------------------------------------------------------------
# Scan simulation
# --------------------------------------------------------------------------------------------------


RGB = tuple[float, float, float]


@dataclass(frozen=True)
class ScanProfile:
    """How a page is printed on paper and scanned (reflectances are relative, 1 = white)."""

    name: str
    paper: RGB = (0.94, 0.935, 0.91)
    texture: float = 0.012  # amplitude of low-frequency paper mottling
    fibres: int = 70  # faint fibres in the paper
    specks: int = 25  # dust and paper specks
    skew: tuple[float, float] = (0.2, 0.8)  # |degrees|
    shift: float = 5.0  # pixels
    blur: float = 0.75  # optical blur, Gaussian sigma in pixels
    noise_fraction: float = 0.02  # share of pixels carrying sensor noise
    noise_sigma: float = 5.0  # levels
    toner: float = 0.08  # unevenness of the printed text
    ink_text: RGB = (0.07, 0.07, 0.08)  # black toner
    ink_signature: RGB = (0.16, 0.2, 0.52)  # blue ballpoint
    ink_seal: RGB = (0.42, 0.36, 0.72)  # violet stamp-pad ink


#: The scanner every exemplar, the control and the tampered letters went through.
OFFICE_SCANNER = ScanProfile("office-flatbed-300dpi")
#: The questioned letter's scanner: a little dirtier and noisier, colour.
OLD_SCANNER = ScanProfile(
    "older-flatbed-colour",
    paper=(0.93, 0.91, 0.85),
    texture=0.02,
    specks=60,
    noise_fraction=0.08,
    noise_sigma=6.0,
    blur=0.9,
)


def _luma(rgb: Sequence[float]) -> float:
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def _lowfreq(rng: np.random.Generator, h: int, w: int, cell: int) -> np.ndarray:
    """Smooth random field with features about ``cell`` pixels wide and unit-ish deviation."""
    gh, gw = h // cell + 4, w // cell + 4
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    up = cv2.resize(grid, (gw * cell, gh * cell), interpolation=cv2.INTER_CUBIC)
    return up[2 * cell : 2 * cell + h, 2 * cell : 2 * cell + w] / (float(grid.std()) + 1e-6)


def scan_matrix(key: object, profile: ScanProfile, size: tuple[int, int]) -> np.ndarray:
    """Affine transform (page -> scan) of one scan: a slight skew about the centre and a shift."""
    rng = rng_for("geometry", key)
    angle = float(rng.uniform(*profile.skew)) * (1 if rng.random() < 0.5 else -1)
    dx, dy = rng.uniform(-profile.shift, profile.shift, 2)
    m = cv2.getRotationMatrix2D(((size[0] - 1) / 2, (size[1] - 1) / 2), angle, 1.0)
    m[:, 2] += (dx, dy)
    return m


def skew_degrees(m: np.ndarray) -> float:
    """Rotation of a scan matrix in degrees (positive: counter-clockwise, as OpenCV defines it)."""
    return round(math.degrees(math.atan2(-m[0, 1], m[0, 0])), 3)


@dataclass(frozen=True)
class Paper:
    """The content-independent part of one scan: paper, toner unevenness, lamp and sensor noise."""

    reflectance: np.ndarray  # texture, fibres and specks (page coordinates), times 1
    toner: np.ndarray  # factor on the text ink density
    lamp: np.ndarray  # illumination falloff (scan coordinates)
    noise_index: np.ndarray  # flat indices of the pixels that carry sensor noise
    noise: tuple[np.ndarray, ...]  # their noise, one array per channel


@functools.lru_cache(maxsize=2)
def paper_for(key: object, profile: ScanProfile, size: tuple[int, int], channels: int) -> Paper:
    """Draw the paper and noise of one scan (cached: a tampered rendering reuses its base's)."""
    w, h = size
    rng = rng_for("scan", key)
    texture = 1.0 + profile.texture * (
        0.6 * _lowfreq(rng, h, w, 360)
        + 0.3 * _lowfreq(rng, h, w, 70)
        + 0.1 * _lowfreq(rng, h, w, 14)
    )
    marks = np.zeros((h, w), np.float32)
    for _ in range(profile.fibres):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        ang, length = rng.uniform(0, math.pi), rng.uniform(15, 60)
        bend = rng.normal(0, 4)
        t = np.linspace(0, 1, 8)
        px = x + t * length * math.cos(ang) + bend * np.sin(t * math.pi) * math.sin(ang)
        py = y + t * length * math.sin(ang) - bend * np.sin(t * math.pi) * math.cos(ang)
        pts = np.stack([px, py], 1).astype(np.int32)
        cv2.polylines(marks, [pts], False, float(rng.uniform(0.02, 0.05)), 1, cv2.LINE_AA)
    for _ in range(profile.specks):
        x, y = int(rng.uniform(0, w)), int(rng.uniform(0, h))
        radius = int(rng.integers(1, 3))
        cv2.circle(marks, (x, y), radius, float(rng.uniform(0.25, 0.6)), -1, cv2.LINE_AA)
    toner = np.clip(1.0 - profile.toner * np.abs(_lowfreq(rng, h, w, 24)), 0.6, 1.0)
    xs = ((np.arange(w, dtype=np.float32) - w / 2) / (w / 2)) ** 2
    ys = ((np.arange(h, dtype=np.float32) - h / 2) / (h / 2)) ** 2
    lamp = 1.0 - 0.025 * xs[None, :] - 0.01 * ys[:, None]
    index = np.flatnonzero(rng.random(h * w) < profile.noise_fraction)
    noise = tuple(
        rng.normal(0.0, profile.noise_sigma, index.size).astype(np.float32) for _ in range(channels)
    )
    return Paper(texture * (1.0 - marks), toner, lamp, index, noise)


def scan(layers: Layers, key: object, profile: ScanProfile, colour: bool = False) -> np.ndarray:
    """Print the ink layers on textured paper and scan them: skew, blur, lamp shading, sensor noise.

    Every random draw depends on ``key``, the profile and the page size, never on the content, so
    two renderings of one letter that differ in a few words scan to images that differ only there.
    Returns an 8-bit grayscale (or RGB when ``colour``) image.
    """
    h, w = layers.text.shape
    paper = paper_for(key, profile, (w, h), 3 if colour else 1)
    m = scan_matrix(key, profile, (w, h))
    text = layers.text * paper.toner
    inks = (
        (text, profile.ink_text),
        (layers.signature, profile.ink_signature),
        (layers.seal, profile.ink_seal),
    )
    out = []
    for c in range(3 if colour else 1):

        def pick(rgb: Sequence[float], c: int = c) -> float:
            return rgb[c] if colour else _luma(rgb)

        refl = paper.reflectance * pick(profile.paper)
        for layer, ink in inks:
            refl *= 1.0 - layer * (1.0 - pick(ink))
        refl = cv2.warpAffine(
            refl, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        values = cv2.GaussianBlur(refl, (0, 0), profile.blur) * paper.lamp * 255.0
        values.reshape(-1)[paper.noise_index] += paper.noise[c]
        out.append(np.clip(np.rint(values), 0, 255).astype(np.uint8))
    return np.dstack(out) if colour else out[0]


def transform_box(box: Box, m: np.ndarray, size: tuple[int, int], scale: float = 1.0) -> Box:
    """Map a page box through a scan matrix (and an optional resampling) to the stored image."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float64)
    mapped = (pts @ m[:, :2].T + m[:, 2]) * scale
    lo = np.floor(mapped.min(0)).astype(int)
    hi = np.ceil(mapped.max(0)).astype(int)
    return (
        max(0, int(lo[0])),
        max(0, int(lo[1])),
        min(size[0], int(hi[0])),
        min(size[1], int(hi[1])),
    )


def polygon_mask(box: Box, m: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Boolean mask of a page box after the scan transform (a slightly rotated rectangle)."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64) @ m[:, :2].T + m[:, 2]
    mask = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillPoly(mask, [np.rint(pts * 16).astype(np.int32)], 1, lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


def scan_letter(
    spec: LetterSpec,
    mods: Mods = Mods(),  # noqa: B008 (a frozen dataclass, never mutated)
    profile: ScanProfile = OFFICE_SCANNER,
) -> tuple[np.ndarray, np.ndarray, Rendered]:
    """Render and scan one letter; the scan's randomness depends on the letter's slug only."""
    rendered = render_letter(spec, mods)
    return scan(rendered.layers, spec.slug, profile), scan_matrix(spec.slug, profile, A5), rendered
