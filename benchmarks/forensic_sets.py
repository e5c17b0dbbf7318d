"""The image sets of the forensics benchmark: built here or read from installed packages.

Each set is a list of `Case` (an image file, whether it was tampered, and the mask of the
tampered pixels); ``benchmarks/forensics_benchmark.py`` runs the check on them and scores it.
The sets themselves are described in that module's docstring.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.forensic_fixtures import jpeg, letter_page, paste_transformed, shapes_scene  # noqa: E402

SAMPLES = ROOT / "samples"


@dataclass
class Case:
    name: str
    path: Path
    tampered: bool
    mask: np.ndarray | None  # bool (H, W), both ends of a copy


def save(image: np.ndarray, path: Path, quality: int | None) -> Path:
    if quality is None:
        path = path.with_suffix(".png")
        Image.fromarray(image).save(path, dpi=(150, 150))
    else:
        path = path.with_suffix(".jpg")
        Image.fromarray(image).save(path, quality=quality, dpi=(150, 150))
    return path


# -- sets -----------------------------------------------------------------------------------


def samples_cases() -> tuple[list[Case], list[Case]]:
    """(pixel-manipulated + untampered letters, re-printed edits) from the committed corpus."""
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    main: list[Case] = []
    reprinted: list[Case] = []
    for doc in manifest["documents"]:
        path = SAMPLES / doc["path"]
        if doc["kind"] in ("exemplar", "genuine") and path.suffix == ".png":
            main.append(Case(doc["path"], path, False, None))
        elif doc["kind"] == "tampered":
            kinds = {t["kind"] for t in doc["tampering"]}
            mask = None
            size = Image.open(path).size
            full = np.zeros((size[1], size[0]), bool)
            for t in doc["tampering"]:
                if t.get("mask"):
                    full |= np.asarray(Image.open(SAMPLES / t["mask"]).convert("L")) > 0
                if t.get("source_box"):
                    x, y, w, h = t["source_box"]
                    yy, xx = np.mgrid[0 : size[1], 0 : size[0]]
                    cx, cy, r = x + w / 2, y + h / 2, min(w, h) / 2
                    full |= np.hypot(xx - cx, yy - cy) <= r
            mask = full if full.any() else None
            case = Case(doc["path"], path, True, mask)
            (main if kinds & {"splice", "clone"} else reprinted).append(case)
    return main, reprinted


def rendered_letters(folder: Path, count: int) -> list[Case]:
    cases: list[Case] = []
    rng = np.random.default_rng(1380)
    for i in range(count):
        quality = 90 if i % 2 else None
        letter = letter_page(seed=100 + i)
        h, w = letter.image.shape
        cases.append(
            Case(
                f"letter-{i}-clean", save(letter.image, folder / f"clean{i}", quality), False, None
            )
        )
        # Seal cloned, rotated and rescaled a little, somewhere in the lower half.
        cx, cy = letter.seal_center
        dst = (float(rng.uniform(650, 1050)), float(rng.uniform(1450, 1620)))
        angle, scale = float(rng.uniform(-5, 5)), float(rng.uniform(0.95, 1.05))
        radius = letter.seal_radius + 8
        cloned, target = paste_transformed(
            letter.image, (float(cx), float(cy)), dst, radius, angle, scale
        )
        yy, xx = np.mgrid[0:h, 0:w]
        source = np.hypot(xx - cx, yy - cy) <= radius
        cases.append(
            Case(
                f"letter-{i}-clone",
                save(cloned, folder / f"clone{i}", quality),
                True,
                source | target,
            )
        )
        # Signature area pasted from a JPEG copy of the page, on the 8 x 8 grid.
        x, y, sw, sh = letter.signature_box
        x0, y0 = x // 8 * 8, y // 8 * 8
        donor = jpeg(letter.image, int(rng.choice([60, 70, 75, 85])))
        spliced = letter.image.copy()
        spliced[y0 : y0 + sh + 16, x0 : x0 + sw + 16] = donor[y0 : y0 + sh + 16, x0 : x0 + sw + 16]
        mask = np.zeros((h, w), bool)
        mask[y0 : y0 + sh + 16, x0 : x0 + sw + 16] = True
        cases.append(
            Case(f"letter-{i}-splice", save(spliced, folder / f"splice{i}", quality), True, mask)
        )
    return cases


def procedural_scenes(folder: Path, count: int) -> list[Case]:
    cases: list[Case] = []
    rng = np.random.default_rng(2001)
    for i in range(count):
        quality = 90 if i % 2 else None
        h, w = (600, 800) if i % 3 else (768, 1024)
        img = shapes_scene((h, w), seed=500 + i, count=int(rng.integers(30, 90)))
        cases.append(
            Case(f"scene-{i}-authentic", save(img, folder / f"auth{i}", quality), False, None)
        )
        yy, xx = np.mgrid[0:h, 0:w]
        if i % 2 == 0:
            # Plain shift of a rectangle by an odd offset.
            bw, bh = int(rng.integers(60, 130)), int(rng.integers(60, 130))
            sx, sy = int(rng.integers(20, w // 2 - bw)), int(rng.integers(20, h - bh - 20))
            dx = int(rng.integers(w // 2 - sx, w - bw - sx - 10)) | 1
            dy = int(rng.integers(-sy + 10, h - bh - sy - 10)) | 1
            dy = min(max(dy, -sy), h - bh - sy - 1)
            tampered = img.copy()
            tampered[sy + dy : sy + dy + bh, sx + dx : sx + dx + bw] = img[
                sy : sy + bh, sx : sx + bw
            ]
            mask = np.zeros((h, w), bool)
            mask[sy : sy + bh, sx : sx + bw] = True
            mask[sy + dy : sy + dy + bh, sx + dx : sx + dx + bw] = True
        else:
            r = float(rng.uniform(40, 80))
            src = (float(rng.uniform(r + 10, w / 2 - r)), float(rng.uniform(r + 10, h - r - 10)))
            dst = (
                float(rng.uniform(w / 2 + r, w - r - 10)),
                float(rng.uniform(r + 10, h - r - 10)),
            )
            angle, scale = float(rng.uniform(-5, 5)), float(rng.uniform(0.95, 1.05))
            tampered, target = paste_transformed(img, src, dst, r, angle, scale)
            mask = target | (np.hypot(xx - src[0], yy - src[1]) <= r)
        cases.append(
            Case(f"scene-{i}-copymove", save(tampered, folder / f"cm{i}", quality), True, mask)
        )
    return cases


#: Real photographs inside scikit-image's wheel (skimage/data), used as shipped. Left out:
#: synthetic or drawn images (chessboard, logo, phantom, color, horse), a second view of a
#: stereo pair (motorcycle_right), a motion-blurred one (clock_motion), the tiny ones, and
#: the grass and gravel textures, which hold repeated patches of themselves (made to tile):
#: the copy-move detectors rightly find them (141 and 37 matching keypoints, with matching
#: grain), so they cannot stand for untouched photographs.
PHOTOS = (
    "astronaut.png",
    "brick.png",
    "camera.png",
    "cell.png",
    "chelsea.png",
    "coffee.png",
    "coins.png",
    "hubble_deep_field.jpg",
    "ihc.png",
    "moon.png",
    "motorcycle_left.png",
    "retina.jpg",
    "rocket.jpg",
)
#: Copy kinds, cycled over (photograph, format) so that each appears as PNG and as JPEG.
COPY_KINDS = ("shift", "rotate", "rescale", "rotate+rescale")


def photo_folder() -> Path:
    """The folder of scikit-image's bundled photographs (the package is in the dev extra)."""
    try:
        import skimage
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            "The natural-photograph set needs scikit-image (pip install -e '.[dev]')."
        ) from exc
    return Path(skimage.__file__).parent / "data"


def _textured_centre(
    gray: np.ndarray, radius: float, rng: np.random.Generator, away: tuple[float, float] | None
) -> tuple[float, float]:
    """A disc centre inside the picture where the detail is at least the picture's median.

    A forger copies an object, not a patch of clear sky: copies of flat areas are invisible
    to every method and would only measure luck. With ``away``, the disc must also lie clear
    of the disc around that point.
    """
    h, w = gray.shape
    size = max(int(radius), 3) | 1
    blur = cv2.GaussianBlur(gray.astype(np.float32), (0, 0), 1.0)
    detail = cv2.blur(np.abs(cv2.Laplacian(blur, cv2.CV_32F)), (size, size))
    margin = radius + 4
    inner = detail[int(margin) : int(h - margin), int(margin) : int(w - margin)]
    floor = float(np.median(inner))
    best: tuple[float, tuple[float, float]] | None = None
    for _ in range(200):
        cx, cy = float(rng.uniform(margin, w - margin)), float(rng.uniform(margin, h - margin))
        if away is not None and np.hypot(cx - away[0], cy - away[1]) < 2.3 * radius:
            continue
        value = float(detail[int(cy), int(cx)])
        if away is not None or value >= floor:
            return cx, cy
        if best is None or value > best[0]:
            best = (value, (cx, cy))
    if best is None:
        raise ValueError("no room for a copy in this picture")
    return best[1]


def natural_photos(folder: Path, count: int | None = None) -> list[Case]:
    """Authentic and copy-moved versions of the bundled photographs, as PNG and as JPEG 90."""
    source = photo_folder()
    cases: list[Case] = []
    rng = np.random.default_rng(4242)
    names = PHOTOS if count is None else PHOTOS[:count]
    for i, name in enumerate(names):
        with Image.open(source / name) as im:
            rgb = np.asarray(im.convert("RGB")).copy()
        h, w = rgb.shape[:2]
        gray = np.asarray(Image.fromarray(rgb).convert("L"))
        stem = Path(name).stem
        for j, quality in enumerate((None, 90)):
            kind = COPY_KINDS[(2 * i + j) % len(COPY_KINDS)]
            fmt = "png" if quality is None else "jpeg90"
            radius = float(rng.uniform(0.08, 0.12)) * min(h, w)
            src = _textured_centre(gray, radius, rng, None)
            dst = _textured_centre(gray, radius, rng, src)
            angle = scale = 0.0
            if "rotate" in kind:
                angle = float(rng.choice([-1, 1]) * rng.uniform(3, 8))
            if "rescale" in kind:
                scale = float(rng.choice([-1, 1]) * rng.uniform(0.04, 0.08))
            if kind == "shift":  # whole-pixel offset: the copy is exact
                dst = (src[0] + round(dst[0] - src[0]), src[1] + round(dst[1] - src[1]))
            tampered, target = paste_transformed(rgb, src, dst, radius, angle, 1.0 + scale)
            yy, xx = np.mgrid[0:h, 0:w]
            mask = target | (np.hypot(xx - src[0], yy - src[1]) <= radius)
            cases.append(
                Case(
                    f"{stem}-{fmt}-authentic",
                    save(rgb, folder / f"photo-{stem}-{fmt}", quality),
                    False,
                    None,
                )
            )
            cases.append(
                Case(
                    f"{stem}-{fmt}-{kind}",
                    save(tampered, folder / f"photo-{stem}-{fmt}-copy", quality),
                    True,
                    mask,
                )
            )
    return cases
