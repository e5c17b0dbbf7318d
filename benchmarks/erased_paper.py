"""Whether the paper of a retyped number's erased place stands out from the page's own paper.

To retype a number a forger erases it first: its place is filled with paper (the paper's
median colour with software noise on it, or a patch cloned from nearby) and the new digits are
typed on the fill. This script measures, without OCR, the two signatures such a fill could
leave in the paper, for every word of a page (`workbench.imaging.words.find_words`: ink groups)
and at the fill's own rectangle (from the edit's record, the best case a word's box could reach):

* **cloned paper**: the page's grain (page minus its Gaussian blur, sigma 1; ink, faint marks,
  leaps beyond 4 robust spreads and the 2 pixels around them left out; each row's and column's
  mean removed, a line scanner's offsets) inside the box is matched against the grain around it
  (6 box heights up and down, 2 box widths to the sides; `cv2.matchTemplate`, normalised over
  the box's paper pixels; the box's own place within 4 pixels and offsets on the JPEG grid in
  both axes left out). Reported as the best correlation and its significance (correlation
  times the square root of the paper pixels matched: about 4 for independent grain over the
  places searched).
* **synthesised paper**: the grain's level (1.4826 MAD) and neighbour correlation (lag 1)
  inside the box, and the step in tone and grain between the box's paper and a ring of 6 pixels
  around it, each as a robust z against the page's words measured the same way.

A word is in the edit when at least 30% of its box (with a margin of 0.3 glyph heights) lies in
the edit's mask. Printed per page: the edited words' and the fill rectangle's values, and the
most extreme of the page's other words; then per set, each measure's most extreme value on the
untouched pages' words and the edits beyond it. ``--numbers`` also measures the boxes OCR
reads as numbers (the check's `number_words.number_boxes`, with the same margin; the page's
reading is cached next to the set, as `digit_features.py` caches it). ``--set dev`` is the
corpus's dev split, ``--set fresh`` the fresh-look set, ``--set layout-variants`` the genuine
letters of other layouts (`layout_variants.py`, made there first), ``--set dev-rechained`` or
``fresh-rechained`` their untouched pages denoised, sharpened or re-saved (`rechained`); the
test split is never
read. CPU seconds per page are printed (`time.process_time`).

    python benchmarks/erased_paper.py [--set dev|fresh|layout-variants] [--numbers] [--save F]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from workbench.geometry import Box  # noqa: E402
from workbench.imaging.words import find_words  # noqa: E402

CACHE = HERE.parent / "out" / "forensic-corpus"
#: Sigma (pixels) of the blur whose difference is the paper's grain.
GRAIN_SIGMA = 1.0
#: Pixels around ink and marks left out of the grain.
HALO = 2
#: Grey levels below the page's median tone beyond which a pixel is a mark, not paper.
LIGHT_DROP = 24
#: Grain beyond this many robust spreads (and at least MIN_LEAP grey levels) is a mark's edge.
LEAP = 4.0
MIN_LEAP = 4.0
#: Margin around a word's ink box, as a share of the page's glyph height (the fill is a
#: rectangle a little larger than the ink typed on it).
MARGIN = 0.3
#: Where a copy's source is looked for: box heights up and down, box widths to the sides.
REACH_DOWN, REACH_ACROSS = 6.0, 2.0
#: Offsets within this many pixels of the box's own place are its own grain.
NEAR = 4
#: Fewest paper pixels in a box for it to be measured.
MIN_PAPER = 150
#: Width (pixels) of the ring of paper around a box its tone and grain are compared with.
RING = 6
#: Floors of the robust spreads (MAD x 1.4826) of the page's words, per measure.
FLOORS = {
    "copy": 0.02,
    "significance": 0.5,
    "level": 0.05,
    "neighbour": 0.02,
    "tone": 0.1,
    "grain_step": 0.05,
}
#: Measures judged one-sided (only a higher value is a copy); the others both ways.
ONE_SIDED = frozenset({"copy", "significance"})


def paper_grain(gray: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The page's fine grain, 0 on ink, faint marks, leaps and the pixels around them."""
    page = gray.astype(np.float32)
    grain = page - cv2.GaussianBlur(page, (0, 0), GRAIN_SIGMA)
    light = gray >= float(np.median(gray)) - LIGHT_DROP
    sigma = 1.4826 * float(np.median(np.abs(grain[light & ~ink])))
    marks = ink | ~light | (np.abs(grain) > max(LEAP * sigma, MIN_LEAP))
    side = 2 * HALO + 1
    near = cv2.dilate(marks.astype(np.uint8), np.ones((side, side), np.uint8)) > 0
    keep = ~near
    grain[near] = 0.0
    for axis in (1, 0):  # a line scanner's row and column offsets are shared along the page
        total = grain.sum(axis=axis, keepdims=True)
        grain -= total / np.maximum(keep.sum(axis=axis, keepdims=True), 1)
        grain[near] = 0.0
    return grain


def best_copy(grain: np.ndarray, box: Box) -> tuple[float, int, Box] | None:
    """(correlation, paper pixels, source) of the best match of `box`'s grain near it."""
    h, w = grain.shape
    template = np.ascontiguousarray(grain[box.y : box.y + box.height, box.x : box.x + box.width])
    paper = (template != 0).astype(np.float32)
    count = int(paper.sum())
    energy = float((template * template).sum())
    if count < MIN_PAPER or energy <= 0:
        return None
    ry, rx = round(REACH_DOWN * box.height), round(REACH_ACROSS * box.width)
    x0, y0 = max(box.x - rx, 0), max(box.y - ry, 0)
    x1, y1 = min(box.x + box.width + rx, w), min(box.y + box.height + ry, h)
    window = np.ascontiguousarray(grain[y0:y1, x0:x1])
    if window.shape[0] <= box.height or window.shape[1] <= box.width:
        return None
    product = cv2.matchTemplate(window, template, cv2.TM_CCORR)
    local = cv2.matchTemplate(window * window, paper, cv2.TM_CCORR)
    corr = product / np.sqrt(np.maximum(local, 1e-6) * energy)
    corr[local < 0.25 * energy] = 0.0  # places mostly covered by marks
    oy, ox = box.y - y0, box.x - x0
    corr[oy % 8 :: 8, ox % 8 :: 8] = 0.0  # the JPEG grid's block pattern repeats there
    corr[max(oy - NEAR, 0) : oy + NEAR + 1, max(ox - NEAR, 0) : ox + NEAR + 1] = 0.0
    by, bx = divmod(int(np.argmax(corr)), corr.shape[1])
    return float(corr[by, bx]), count, Box(x0 + bx, y0 + by, box.width, box.height)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum()) / denom if denom > 0 else 0.0


def paper_measures(gray: np.ndarray, grain: np.ndarray, box: Box) -> dict[str, float] | None:
    """Every measure of the paper of `box` (see the module's docstring), or None."""
    h, w = grain.shape
    r = grain[box.y : box.y + box.height, box.x : box.x + box.width]
    paper = r != 0
    if int(paper.sum()) < MIN_PAPER:
        return None
    found = best_copy(grain, box)
    if found is None:
        return None
    corr, count, _ = found
    across = paper[:, 1:] & paper[:, :-1]
    down = paper[1:, :] & paper[:-1, :]
    neighbour = 0.5 * (
        _correlation(r[:, 1:][across], r[:, :-1][across])
        + _correlation(r[1:, :][down], r[:-1, :][down])
    )
    x0, y0 = max(box.x - RING, 0), max(box.y - RING, 0)
    x1, y1 = min(box.x + box.width + RING, w), min(box.y + box.height + RING, h)
    big = grain[y0:y1, x0:x1]
    tone = gray[y0:y1, x0:x1].astype(np.float32)
    inner = np.zeros(big.shape, bool)
    inner[box.y - y0 : box.y - y0 + box.height, box.x - x0 : box.x - x0 + box.width] = True
    ring = (big != 0) & ~inner
    if int(ring.sum()) < MIN_PAPER // 2:
        return None
    inside = (big != 0) & inner
    return {
        "copy": corr,
        "significance": corr * math.sqrt(count),
        "level": 1.4826 * float(np.median(np.abs(r[paper]))),
        "neighbour": neighbour,
        "tone": float(tone[inside].mean() - tone[ring].mean()),
        "grain_step": math.log((float(big[inside].std()) + 1e-3) / (float(big[ring].std()) + 1e-3)),
    }


def _z(value: float, others: np.ndarray, floor: float) -> float:
    median = float(np.median(others))
    spread = max(1.4826 * float(np.median(np.abs(others - median))), floor)
    return (value - median) / spread


def _extreme(name: str, z: float) -> float:
    """How far `z` points towards an erased place (one-sided measures: only upwards)."""
    return z if name in ONE_SIDED else abs(z)


def _numbers(entry: dict[str, Any], folder: Path, ink: np.ndarray) -> list[Box]:
    """The boxes OCR reads as numbers (the check's rules), from the cached page reading."""
    import digit_features
    import forensic_corpus as fc

    from workbench.imaging.forensic.number_words import number_boxes

    read = digit_features.read_page(fc.Entry(**entry), folder)
    return number_boxes(read, ink)


def measure(entry: dict[str, Any], folder: Path, numbers: bool = False) -> dict[str, Any]:
    """Every word's and the fill rectangle's measures, as robust z against the page's words.

    With `numbers`, the boxes OCR reads as numbers (with the same margin) are measured too and
    kept apart (``"numbers"``), against the page's words.
    """
    gray = np.asarray(Image.open(folder / entry["path"]).convert("L"))
    mask = np.asarray(Image.open(folder / entry["mask"])) > 0 if entry["mask"] else None
    start = time.process_time()
    words = find_words(gray)
    grain = paper_grain(gray, words.ink)
    margin = max(1, round(MARGIN * words.glyph_height))
    h, w = gray.shape

    def around(boxes: Iterable[Box]) -> list[tuple[Box, dict[str, float]]]:
        """The paper measures of each box widened by `margin` (within the page), where measured."""
        out: list[tuple[Box, dict[str, float]]] = []
        for b in boxes:
            x0, y0 = max(b.x - margin, 0), max(b.y - margin, 0)
            x1, y1 = min(b.x + b.width + margin, w), min(b.y + b.height + margin, h)
            box = Box(x0, y0, x1 - x0, y1 - y0)
            values = paper_measures(gray, grain, box)
            if values is not None:
                out.append((box, values))
        return out

    measured = around(word.box for word in words.words)
    found_numbers = around(_numbers(entry, folder, words.ink)) if numbers else []
    fills = []
    for x0, y0, x1, y1 in entry["boxes"] if entry["tampering"] == "retyped-digits" else []:
        fills.append(paper_measures(gray, grain, Box(x0, y0, x1 - x0, y1 - y0)))
    cpu = time.process_time() - start
    table = {name: np.array([v[name] for _, v in measured]) for name in FLOORS}
    rows = []
    for i, (box, values) in enumerate(measured):
        window = (
            mask[box.y : box.y + box.height, box.x : box.x + box.width]
            if mask is not None
            else None
        )
        z = {
            name: round(_z(values[name], np.delete(table[name], i), FLOORS[name]), 2)
            for name in FLOORS
        }
        edited = bool(window is not None and window.mean() >= 0.3)
        rows.append({"box": list(box.xywh), "edited": edited, "values": values, "z": z})
    number_rows = []
    for box, values in found_numbers if len(measured) >= 3 else []:
        window = (
            mask[box.y : box.y + box.height, box.x : box.x + box.width]
            if mask is not None
            else None
        )
        number_rows.append(
            {
                "box": list(box.xywh),
                "edited": bool(window is not None and window.mean() >= 0.3),
                "values": values,
                "z": {n: round(_z(values[n], table[n], FLOORS[n]), 2) for n in FLOORS},
            }
        )
    fill_rows = [
        None
        if values is None or len(measured) < 3
        else {
            "values": values,
            "z": {n: round(_z(values[n], table[n], FLOORS[n]), 2) for n in FLOORS},
        }
        for values in fills
    ]
    return {
        "name": entry["name"],
        "tampering": entry["tampering"],
        "variant": entry.get("variant", ""),
        "chain": entry["chain"],
        "cpu": round(cpu, 2),
        "grain": round(1.4826 * float(np.median(np.abs(grain[grain != 0]))), 3),
        "rows": rows,
        "fills": fill_rows,
        "numbers": number_rows,
    }


def _page_line(page: dict[str, Any]) -> str:
    outside = [r for r in page["rows"] if not r["edited"]]
    inside = [r for r in page["rows"] if r["edited"]]
    parts = [
        f"{page['name']:32s} {page['variant']:27s} grain {page['grain']:.2f} cpu {page['cpu']:.1f}s"
    ]
    for name in FLOORS:
        top = max((_extreme(name, r["z"][name]) for r in outside), default=float("nan"))
        edit = max((_extreme(name, r["z"][name]) for r in inside), default=float("nan"))
        fill = [f["z"][name] for f in page["fills"] if f]
        fills = ",".join(f"{v:.1f}" for v in fill) or "-"
        parts.append(
            f"  {name:12s} words outside edit max {top:6.1f}  edited word {edit:6.1f}  fill {fills}"
        )
    copy = [
        f"{f['values']['copy']:.2f}/{f['values']['significance']:.1f}" for f in page["fills"] if f
    ]
    top_copy = max((r["values"]["copy"] for r in outside), default=float("nan"))
    top_sig = max((r["values"]["significance"] for r in outside), default=float("nan"))
    parts.append(
        f"  copy corr/significance: fill {' '.join(copy) or '-'}; words outside edit max "
        f"{top_copy:.2f} / {top_sig:.1f}"
    )
    return "\n".join(parts)


def summary(pages: list[dict[str, Any]]) -> str:
    """Per measure: the untouched pages' most extreme word, and the edits beyond it."""
    untouched = [r for p in pages if p["tampering"] == "none" for r in p["rows"]]
    edits = [p for p in pages if p["tampering"] == "retyped-digits"]
    lines = [
        f"untouched pages {sum(p['tampering'] == 'none' for p in pages)}, words {len(untouched)}; "
        f"retyped-digits pages {len(edits)}"
    ]
    for name in FLOORS:
        limit = max((_extreme(name, r["z"][name]) for r in untouched), default=float("nan"))
        word_hits = sum(
            any(r["edited"] and _extreme(name, r["z"][name]) > limit for r in p["rows"])
            for p in edits
        )
        fill_hits = sum(
            any(f and _extreme(name, f["z"][name]) > limit for f in p["fills"]) for p in edits
        )
        lines.append(
            f"  {name:12s} untouched words' most extreme z {limit:6.1f}: beyond it, "
            f"edited words on {word_hits} pages, fill rectangles on {fill_hits} of {len(edits)}"
        )
    for name in ("copy", "significance"):
        limit = max((r["values"][name] for r in untouched), default=float("nan"))
        fills = sorted(round(f["values"][name], 2) for p in edits for f in p["fills"] if f)
        lines.append(f"  raw {name}: untouched words' highest {limit:.2f}; fill rectangles {fills}")
    if any(p["numbers"] for p in pages):
        numbers = [r for p in pages if p["tampering"] == "none" for r in p["numbers"]]
        for name in FLOORS:
            limit = max((_extreme(name, r["z"][name]) for r in numbers), default=float("nan"))
            hits = [
                round(_extreme(name, r["z"][name]), 1)
                for p in edits
                for r in p["numbers"]
                if r["edited"]
            ]
            lines.append(
                f"  numbers {name:12s} untouched pages' numbers ({len(numbers)}) most extreme z "
                f"{limit:6.1f}; edited numbers {sorted(hits)}"
            )
    grains = [p["grain"] for p in pages]
    lines.append(f"  page grain (robust spread, grey levels): {min(grains):.2f}-{max(grains):.2f}")
    return "\n".join(lines)


#: Genuine re-processings of the untouched pages (``--set dev-rechained|fresh-rechained``): what
#: a publisher's or a reader's software may do to a genuine scan before it is shared.
RECHAIN = ("denoised", "sharpened", "q60", "q95")


def rechained(source: str) -> Path:
    """The untouched pages of `source` denoised, sharpened, or re-saved at 60 and 95, cached.

    Denoised: a bilateral filter (5 pixels, 20 grey levels) then saved at 85; sharpened: an
    unsharp mask (sigma 1.5, amount 0.8) then saved at 85; q60 / q95: saved again at that
    quality. The pages are untouched, so every value they reach is a genuine page's.
    """
    folder = CACHE / f"{source}-rechained"
    manifest = folder / "manifest.json"
    if manifest.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    pages = json.loads((CACHE / source / "manifest.json").read_text())["pages"]
    out = []
    for entry in pages:
        if entry["tampering"] != "none":
            continue
        image = Image.open(CACHE / source / entry["path"])
        dpi = image.info.get("dpi", (300, 300))
        pixels = np.asarray(image.convert("RGB" if image.mode != "L" else "L"))
        for kind in RECHAIN:
            quality = 85
            if kind == "denoised":
                pixels_out = cv2.bilateralFilter(pixels, 5, 20, 3)
            elif kind == "sharpened":
                page = pixels.astype(np.float32)
                sharp = page + 0.8 * (page - cv2.GaussianBlur(page, (0, 0), 1.5))
                pixels_out = np.clip(np.rint(sharp), 0, 255).astype(np.uint8)
            else:
                pixels_out, quality = pixels, int(kind[1:])
            name = f"{entry['name']}-{kind}"
            Image.fromarray(pixels_out).save(folder / f"{name}.jpg", quality=quality, dpi=dpi)
            out.append({**entry, "name": name, "path": f"{name}.jpg", "variant": kind})
    manifest.write_text(json.dumps({"key": {"source": source}, "pages": out}, indent=1))
    return folder


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        choices=("dev", "fresh", "layout-variants", "dev-rechained", "fresh-rechained"),
        default="dev",
    )
    parser.add_argument("--names", default="", help="comma-separated page names only")
    parser.add_argument(
        "--numbers", action="store_true", help="also the numbers OCR reads (cached reading)"
    )
    parser.add_argument("--save", type=Path, help="write every page's measures as JSON")
    args = parser.parse_args(argv)
    folder = (
        rechained(args.set.split("-")[0]) if args.set.endswith("rechained") else CACHE / args.set
    )
    manifest = json.loads((folder / "manifest.json").read_text())
    names = set(filter(None, args.names.split(",")))
    pages = []
    for entry in manifest["pages"]:
        if entry["tampering"] not in ("none", "retyped-digits"):
            continue
        if names and entry["name"] not in names:
            continue
        page = measure(entry, folder, args.numbers)
        pages.append(page)
        print(_page_line(page), flush=True)
    print(summary(pages))
    if args.save:
        args.save.write_text(json.dumps(pages))


if __name__ == "__main__":
    main()
