"""Does a pasted region show a JPEG grid of its own? A measurement on dev and the fresh-look set.

A spliced line in the independent corpus is typeset and saved as its own JPEG, pasted at a
position not necessarily on the page's 8 x 8 grid, and the page is saved again; a foreign-JPEG
block comes from another scan moved 1-7 pixels off the grid. Where the region's first
quantisation survives the page's last save, the DCT coefficients of 8 x 8 blocks taken on the
region's *own* grid still sit near multiples of a quantiser step (the non-aligned double JPEG
case; Bianchi and Piva 2012, IEEE TIFS), and on no other grid but the page's.

The statistic, per box: for each of the 64 grid offsets, seven low-frequency DCT coefficients of
the box's blocks on that grid, and for each the strongest lattice (the resultant length of
``exp(2 pi i c / q)`` over coefficients of magnitude 0.75 q or more, scaled by the square root
of their number, over q = 3..16, these coefficients' steps at a quality of 50 or more); the
offset's score is the mean over the seven coefficients.
The box's statistic is the best offset other than the page's own (0, 0), as a robust z against
the other 62 offsets (median, 1.4826 MAD): self-normalised, no quality or offset supplied.

Per page it prints the statistic in the edit's box (its best offset and, for a spliced line, the
offset its own grid was pasted at), and the same statistic on ``--windows`` boxes of the same
size placed at random elsewhere on the page with a similar share of ink (within half of the
box's, at least 0.03), with the box's robust z against those windows. An untouched page gets
windows of a text line's size (0.3 of the page's width, 0.022 of its height) holding ink (0.03
or more). Only the dev split and the fresh-look set (``forensic_corpus.py``,
``forensic_fresh.py``; generate them first) are read; the test split is never read.

    python benchmarks/nonaligned_grid.py --set dev|fresh [--kinds spliced-line,foreign-jpeg,none]
        [--windows 20]
"""

from __future__ import annotations

import argparse
import json
import time
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

CACHE = Path(__file__).resolve().parents[1] / "out" / "forensic-corpus"
_N = np.arange(8)
DCT = np.sqrt(2 / 8) * np.cos((2 * _N[None, :] + 1) * _N[:, None] * np.pi / 16)
DCT[0] /= np.sqrt(2)
COEFS = [(0, 1), (1, 0), (1, 1), (0, 2), (2, 0), (1, 2), (2, 1)]
STEPS = np.arange(3, 17, dtype=np.float64)  # a quality of 50 or more: steps of 16 or less here
MIN_COEFS = 12  # fewer coefficients off zero than this: no lattice measured for that step


def lattice(region: np.ndarray, ox: int, oy: int) -> float:
    """How strongly the region's 8 x 8 blocks on the grid at (`ox`, `oy`) sit on a quantiser."""
    sub = region[oy:, ox:]
    h, w = sub.shape[0] // 8 * 8, sub.shape[1] // 8 * 8
    blocks = sub[:h, :w].reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3).reshape(-1, 8, 8)
    coefs = np.einsum("ui,nij,vj->nuv", DCT, blocks - 128.0, DCT)
    total = 0.0
    for u, v in COEFS:
        c = coefs[:, u, v]
        off_zero = np.abs(c)[None, :] >= 0.75 * STEPS[:, None]
        count = off_zero.sum(axis=1)
        phase = np.exp(2j * np.pi * c[None, :] / STEPS[:, None]) * off_zero
        strength = np.abs(phase.sum(axis=1)) / np.sqrt(np.maximum(count, 1))
        strength[count < MIN_COEFS] = 0.0
        total += float(strength.max())
    return total / len(COEFS)


def own_grid(grey: np.ndarray, box: tuple[int, int, int, int]) -> tuple[float, tuple[int, int]]:
    """The best grid offset other than the page's in `box`: its robust z and (dx, dy)."""
    x0, y0, x1, y1 = box
    region = grey[y0 // 8 * 8 : y1, x0 // 8 * 8 : x1]
    scores = np.array([[lattice(region, ox, oy) for ox in range(8)] for oy in range(8)])
    others = scores.ravel()[1:]
    median = float(np.median(others))
    spread = 1.4826 * float(np.median(np.abs(others - median))) + 1e-6
    z = (scores - median) / spread
    z[0, 0] = -np.inf
    oy, ox = np.unravel_index(int(np.argmax(z)), z.shape)
    return float(z[oy, ox]), (int(ox), int(oy))


def _ink(grey: np.ndarray, box: tuple[int, int, int, int], paper: float) -> float:
    x0, y0, x1, y1 = box
    return float(np.mean(grey[y0:y1, x0:x1] < paper - 40))


def measure(page: dict[str, object], folder: Path, windows: int) -> str:
    """One line for `page`: the statistic in its edit's box against windows elsewhere."""
    name = str(page["name"])
    grey = np.asarray(Image.open(folder / str(page["path"])).convert("L")).astype(np.float64)
    height, width = grey.shape
    paper = float(np.percentile(grey, 75))
    boxes = [tuple(int(v) for v in b) for b in page["boxes"]]  # type: ignore[attr-defined]
    box = boxes[0] if boxes else (0, 0, int(width * 0.3), int(height * 0.022))
    bw, bh = box[2] - box[0], box[3] - box[1]
    ink = _ink(grey, box, paper) if boxes else None
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    zs: list[float] = []
    for _ in range(3000):
        if len(zs) >= windows:
            break
        x0, y0 = int(rng.integers(0, width - bw)), int(rng.integers(0, height - bh))
        w = (x0, y0, x0 + bw, y0 + bh)
        if boxes and not (w[2] < box[0] or w[0] > box[2] or w[3] < box[1] or w[1] > box[3]):
            continue
        share = _ink(grey, w, paper)
        if (ink is not None and abs(share - ink) > max(0.03, 0.5 * ink)) or (
            ink is None and share < 0.03
        ):
            continue
        zs.append(own_grid(grey, w)[0])
    ref = np.array(zs)
    if not len(ref):  # a block as large as the page's other text: nothing to compare with
        return f"{name} {page['chain']} saves {page['saves']}: no comparable window"
    line = (
        f"{name} {page['chain']} saves {page['saves']}: {len(ref)} windows,"
        f" median {np.median(ref):.1f}, 90th {np.percentile(ref, 90):.1f}, max {ref.max():.1f}"
    )
    if boxes:
        z, (dx, dy) = own_grid(grey, box)
        median = float(np.median(ref))
        spread = 1.4826 * float(np.median(np.abs(ref - median))) + 1e-6
        # A spliced line's own grid starts at its box's corner; a foreign block's donor was
        # moved by an offset the manifest does not record.
        pasted = (
            f"pasted at ({box[0] % 8}, {box[1] % 8})"
            if page["tampering"] == "spliced-line"
            else "donor offset not recorded"
        )
        line += (
            f" | box {z:.1f} at ({dx}, {dy}), {pasted},"
            f" robust z against the windows {(z - median) / spread:.1f}"
        )
    return line


def main() -> None:
    """Print the measurement for the chosen set and kinds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["dev", "fresh"], required=True)
    parser.add_argument("--kinds", default="spliced-line,foreign-jpeg,none")
    parser.add_argument("--windows", type=int, default=20)
    args = parser.parse_args()
    folder = CACHE / args.set
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    kinds = args.kinds.split(",")
    start = time.process_time()
    for page in manifest["pages"]:
        if page["tampering"] in kinds:
            print(measure(page, folder, args.windows), flush=True)
    print(f"CPU {time.process_time() - start:.1f} s")


if __name__ == "__main__":
    main()
