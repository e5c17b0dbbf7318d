"""Genuine pages through scan and compression chains neither development set has.

An untouched page's ``tamper_score`` depends on the chain that made its file: on a chain the
thresholds never saw, methods can take the chain's own marks (sharpening halos, a denoiser's
flat paper, a second JPEG table, an encoder's other tables, a lid's shadow) for evidence of an
edit. This script typesets untouched pages with the page code of both development sets (the
corpus's ``dev`` faces and templates, `forensic_corpus`, and the fresh-look set's faces,
`forensic_fresh`), on seeds neither set uses, "prints and scans" each through every chain of
`CHAINS` (resolutions 150-300 dpi; grey, colour 4:4:4 and 4:2:0; JPEG qualities 60-95 saved
once or twice, the second save lower or higher; unsharp masking, denoising, mild blur, skew,
uneven illumination, a lid's shadow, tinted and grainy paper, halftone-like print noise; files
written by OpenCV's encoder or as PNG), and runs the ``forensics`` check on every file.

Per chain it prints the median and 90th percentile of ``tamper_score``, which methods give the
pages' top weighted score, and the pages with a notice and with a warning. Each page's outcome
(method scores, score, findings) is cached in ``out/genuine-chains`` under a key of the page
generator's and the methods' source, so a rerun after a change of the methods re-runs only the
check, and a rerun without one prints at once.

No page here is tampered: the set measures false alarms only, never detection.

    python benchmarks/genuine_chains.py [--pages N] [--chain NAME ...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus_pages as cp  # noqa: E402
import forensic_fresh as ff  # noqa: E402
from forensic_diagnosis import methods_stamp  # noqa: E402
from forensic_edits import decode, jpeg_bytes  # noqa: E402

from workbench import analyze  # noqa: E402
from workbench.imaging.forensic.fusion import DEFAULT_WEIGHTS  # noqa: E402
from workbench.model import Severity  # noqa: E402

CACHE = HERE.parent / "out" / "genuine-chains"
#: Seeds of this set's pages (the corpus uses 7001 and 9413, the fresh-look set 5119).
SEED = 6203


@dataclass(frozen=True)
class Chain:
    """One scan and compression chain. Lengths are pixels at 300 dpi (scaled to `dpi`)."""

    name: str
    dpi: int
    colour: bool
    subsampling: int  # Pillow's: 0 = 4:4:4, 2 = 4:2:0
    saves: tuple[int, ...]  # JPEG qualities, in order
    encoder: str = "pillow"  # writer of the last save: "pillow", "opencv" or "png"
    blur: float = 0.8  # Gaussian sigma of the optics
    sharpen: float = 0.0  # unsharp-mask amount
    denoise: float = 0.0  # non-local-means strength (0: none)
    skew: float = 0.4  # largest rotation, degrees
    illumination: float = 0.0  # brightness drop across the page, fraction of paper
    lid: float = 0.0  # depth of a lid's shadow along one edge, grey levels
    tint: tuple[int, int, int] = (244, 242, 236)
    grain: float = 0.0  # paper fibre texture, grey levels
    halftone: float = 0.0  # print dot noise in the ink, fraction of ink
    noise: float = 2.0  # sensor noise at full paper brightness, grey levels


CHAINS: tuple[Chain, ...] = (
    Chain("150-grey-q60", 150, False, 2, (60,)),
    Chain("150-colour420-q70-q60-blur", 150, True, 2, (70, 60), blur=1.4),
    Chain("200-grey-q75-q92", 200, False, 2, (75, 92)),
    Chain("200-colour420-denoise-q88", 200, True, 2, (88,), denoise=7.0),
    Chain("200-grey-yellow-grain-q78", 200, False, 2, (78,), tint=(236, 226, 196), grain=6.0),
    Chain("240-colour420-q95-q95", 240, True, 2, (95, 95)),
    Chain("240-grey-illum-q80", 240, False, 2, (80,), illumination=0.18),
    Chain("240-colour444-q65-q85", 240, True, 0, (65, 85)),
    Chain("300-grey-usm-q80", 300, False, 2, (80,), blur=1.0, sharpen=1.2),
    Chain("300-colour444-q95-q70", 300, True, 0, (95, 70)),
    Chain("300-grey-skew2-q90", 300, False, 2, (90,), skew=2.0),
    Chain("300-colour420-lid-q85", 300, True, 2, (85,), lid=70.0),
    Chain("300-grey-halftone-q92", 300, False, 2, (92,), halftone=0.25),
    Chain("200-colour420-opencv-q80", 200, True, 2, (80,), encoder="opencv"),
    Chain("150-grey-q70-opencv-q90", 150, False, 2, (70, 90), encoder="opencv"),
    Chain("300-grey-q85-png", 300, False, 2, (85,), encoder="png"),
)

#: (page kind, faces) of the pages made per chain, cycled: the corpus's dev faces and templates
#: and the fresh-look set's faces.
PAGES: tuple[tuple[str, str], ...] = (
    ("letter", "dev"),
    ("table", "fresh"),
    ("list", "dev"),
    ("letter", "fresh"),
    ("form", "dev"),
    ("receipt", "fresh"),
)


def faces_of(faces: str) -> AbstractContextManager[None]:
    """The context to typeset (and edit) a page of `faces` in: "dev" or "fresh" (`PAGES`)."""
    return ff.fresh_faces() if faces == "fresh" else nullcontext()


def typeset(kind: str, faces: str, dpi: int, rng: np.random.Generator, template: int) -> cp.Page:
    """A page of `kind` typeset with the corpus's dev code in `faces` (`faces_of`)."""
    with faces_of(faces):
        return cp.render(kind, "dev", dpi, rng, template)


def scan(page: cp.Page, chain: Chain, rng: np.random.Generator) -> np.ndarray:
    """Print `page` on the chain's paper and scan it (before any compression); uint8 image."""
    return scan_skewed(page, chain, rng)[0]


def scan_skewed(
    page: cp.Page, chain: Chain, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """`scan`, and the 2 x 3 affine of its skew (from the typeset page to the scan)."""
    h, w = page.ink.shape
    scale = page.dpi / 300
    low = cv2.resize(
        rng.normal(0, 1, (h // 40 + 2, w // 40 + 2)).astype(np.float32),
        (w, h),
        interpolation=cv2.INTER_CUBIC,
    )
    ink = page.ink * np.clip(0.88 + 0.05 * low, 0.7, 0.98)
    if chain.halftone:  # toner laid as dots: the ink's cover varies from pixel to pixel
        dots = rng.uniform(1 - chain.halftone, 1, (h, w)).astype(np.float32)
        ink = ink * cv2.GaussianBlur(dots, (0, 0), 0.5 * scale + 0.3)
    tint = np.array(chain.tint, np.float32)
    a = ink[..., None]
    s = (page.stamp * 0.8)[..., None]
    rgb = tint * (1 - a) + np.array([30, 30, 36], np.float32) * a
    rgb = rgb * (1 - s) + np.array([60, 70, 170], np.float32) * s
    rgb += (2.0 * low)[..., None]
    if chain.grain:  # paper fibres: fine texture, a little elongated
        fibre = rng.normal(0, 1, (h, w)).astype(np.float32)
        fibre = cv2.GaussianBlur(fibre, (0, 0), sigmaX=1.5 * scale + 0.5, sigmaY=0.6 * scale + 0.3)
        fibre *= chain.grain / max(float(fibre.std()), 1e-6)
        rgb += (fibre * (1 - ink))[..., None]
    angle = float(rng.uniform(-chain.skew, chain.skew))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rgb = cv2.warpAffine(
        rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
        borderValue=tuple(map(float, tint)),
    )  # fmt: skip
    rgb = cv2.GaussianBlur(rgb, (0, 0), chain.blur * scale)
    if chain.illumination:  # a lamp brighter at one end of the page
        ramp = 1.0 - chain.illumination * np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        rgb = rgb * ramp
    if chain.lid:  # the lid's shadow: a dark band fading in from the binding edge
        x = np.arange(w, dtype=np.float32) / (60 * scale)
        rgb = rgb - (chain.lid * np.exp(-x))[None, :, None]
    shot = np.sqrt(np.clip(rgb, 1, 255) / 255)
    rgb = rgb + rng.normal(0, 1, rgb.shape).astype(np.float32) * chain.noise * shot
    if chain.sharpen:
        rgb = rgb + chain.sharpen * (rgb - cv2.GaussianBlur(rgb, (0, 0), 1.5 * scale))
    out = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    if chain.denoise:
        out = cv2.fastNlMeansDenoisingColored(out, None, chain.denoise, chain.denoise, 5, 15)
    if not chain.colour:
        out = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
    return out, m


def encode(image: np.ndarray, chain: Chain) -> tuple[bytes, str]:
    """The chain's file of `image`: its saves, the last by its encoder; (bytes, suffix)."""
    saves = chain.saves if chain.encoder == "pillow" else chain.saves[:-1]
    data = b""
    for q in saves:
        data = jpeg_bytes(image, q, chain.subsampling, chain.dpi)
        image = decode(data)
    if chain.encoder == "pillow":
        return data, ".jpg"
    if chain.encoder == "png":
        buf = cv2.imencode(".png", image if image.ndim == 2 else image[..., ::-1])[1]
        return buf.tobytes(), ".png"
    bgr = image if image.ndim == 2 else image[..., ::-1]
    # OpenCV's writer: libjpeg's standard tables scaled its own way, 4:2:0 for colour.
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, chain.saves[-1]])
    if not ok:
        raise RuntimeError(f"OpenCV could not encode {chain.name}")
    return buf.tobytes(), ".jpg"


def page_file(chain: Chain, index: int, folder: Path) -> Path:
    """Make page `index` of `chain` in `folder` (once) and return its path."""
    kind, faces = PAGES[index % len(PAGES)]
    ci = CHAINS.index(chain)
    seed = SEED * 1000 + ci * 50 + index
    rng = np.random.default_rng(seed)
    page = typeset(kind, faces, chain.dpi, rng, index % 2)
    data, suffix = encode(scan(page, chain, rng), chain)
    path = folder / f"{chain.name}-{index:02d}-{kind}-{faces}{suffix}"
    if not path.exists():
        path.write_bytes(data)
    return path


def generator_stamp() -> str:
    """Hash of the page generator's source (this file's scan and the typesetting it uses)."""
    digest = hashlib.sha256()
    for name in ("genuine_chains.py", "corpus_pages.py", "corpus_text.py", "forensic_fresh.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def analyse(path: Path) -> dict[str, Any]:
    """The forensics check's outcome on `path`: score, method scores, findings, CPU seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        cpu = time.process_time()
        report = analyze(path, only=["forensics"], out=Path(tmp))
        cpu = time.process_time() - cpu
    page = report.results["forensics"]["pages"][0]
    return {
        "score": float(page["tamper_score"]),
        "methods": {k: float(v) for k, v in page["scores"].items()},
        "findings": [[f.code, int(f.severity)] for f in report.findings],
        "cpu": cpu,
    }


def stored_outcomes(folder: Path, generator: str) -> dict[str, Any]:
    """The outcomes cached in `folder`'s ``outcomes.json`` (the folder made if missing).

    When they were read on pages of another `generator` (its stamp), the folder is emptied,
    pages and outcomes, and an empty record of `generator` is returned.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cache = folder / "outcomes.json"
    stored: dict[str, Any] = {}
    if cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
    if stored.get("generator") != generator:
        shutil.rmtree(folder)
        folder.mkdir()
        stored = {"generator": generator, "pages": {}}
    return stored


def outcomes(chain: Chain, pages: int, key: str) -> list[dict[str, Any]]:
    """Every page's outcome on `chain`, from the cache when its methods' `key` matches.

    `key` is `methods_stamp` taken when the methods were imported (at the start of the run),
    so a source edited during a run cannot label outcomes of the code that ran.
    """
    folder = CACHE / chain.name
    stored = stored_outcomes(folder, generator_stamp())
    cache = folder / "outcomes.json"
    rows = []
    for i in range(pages):
        path = page_file(chain, i, folder)
        row = stored["pages"].get(path.name)
        if row is None or row.get("methods_key") != key:
            row = {**analyse(path), "methods_key": key}
            stored["pages"][path.name] = row
            cache.write_text(json.dumps(stored, indent=0), encoding="utf-8")
        rows.append({"name": path.name, **row})
    return rows


def top_method(row: dict[str, Any]) -> tuple[str, float]:
    """The method with the highest weighted page score (its term of the fusion's noisy-OR)."""
    terms = [(DEFAULT_WEIGHTS.get(m, 1.0) * v, m) for m, v in row["methods"].items()]
    value, name = max(terms, default=(0.0, "none"))
    return (name, value) if value > 0 else ("none", 0.0)


def chain_row(chain: Chain, rows: Sequence[dict[str, Any]]) -> str:
    """One Markdown row: median / p90 score, top methods, pages with a notice / a warning."""
    scores = np.array([r["score"] for r in rows])
    worst = [max((s for _, s in r["findings"]), default=0) for r in rows]
    notices = sum(1 for w in worst if w == Severity.NOTICE)
    warnings = sum(1 for w in worst if w >= Severity.WARNING)
    tops: dict[str, int] = {}
    for r in rows:
        name, value = top_method(r)
        if value >= 0.05:
            tops[name] = tops.get(name, 0) + 1
    named = ", ".join(f"{m} {n}" for m, n in sorted(tops.items(), key=lambda t: -t[1])) or "none"
    return (
        f"| {chain.name} | {len(rows)} | {np.median(scores):.2f} | "
        f"{np.percentile(scores, 90):.2f} | {scores.max():.2f} | {named} | {notices} | {warnings} |"
    )


def page_rows(rows: Sequence[dict[str, Any]], least: float) -> list[str]:
    """Pages scoring `least` or more, with their weighted method terms."""
    out = []
    for r in sorted(rows, key=lambda r: -r["score"]):
        if r["score"] < least:
            continue
        terms = sorted(
            ((DEFAULT_WEIGHTS.get(m, 1.0) * v, m) for m, v in r["methods"].items()), reverse=True
        )
        named = ", ".join(f"{m} {v:.2f}" for v, m in terms if v >= 0.05)
        counts: dict[str, int] = {}
        for code, severity in r["findings"]:
            label = f"{code.removeprefix('forensics.')} ({Severity(severity).name.lower()})"
            counts[label] = counts.get(label, 0) + 1
        codes = ", ".join(f"{n} x {label}" if n > 1 else label for label, n in counts.items())
        out.append(f"| {r['name']} | {r['score']:.2f} | {named} | {codes or 'none'} |")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=4, help="pages per chain")
    parser.add_argument("--chain", action="append", help="only these chains (by name)")
    parser.add_argument("--least", type=float, default=0.2, help="list pages scoring this or more")
    args = parser.parse_args(argv)
    chosen = [c for c in CHAINS if not args.chain or c.name in args.chain]
    key = methods_stamp(())
    table, pages, every = [], [], []
    for chain in chosen:
        rows = outcomes(chain, args.pages, key)
        every += rows
        table.append(chain_row(chain, rows))
        pages += page_rows(rows, args.least)
    scores = np.array([r["score"] for r in every])
    print("| chain | pages | median score | p90 | max | top method (pages) | notice | warning |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(table))
    print(
        f"| all | {len(every)} | {np.median(scores):.2f} | {np.percentile(scores, 90):.2f} | "
        f"{scores.max():.2f} | | | |"
    )
    print(f"\nPages scoring {args.least} or more (weighted method terms of 0.05 or more):\n")
    print("| page | score | score from (weighted) | findings |")
    print("| --- | --- | --- | --- |")
    print("\n".join(pages))
    cpu = sum(r["cpu"] for r in every)
    print(f"\nCheck CPU seconds over these pages (as measured when each was run): {cpu:.0f}")


if __name__ == "__main__":
    main()
