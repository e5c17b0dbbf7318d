"""What each measurement of a number says at a retyped number against the page's other numbers.

For every page of one split of the independent corpus (``benchmarks/forensic_corpus.py``), the
page is read once by Tesseract (cached next to the corpus), and every word OCR reads as a
number (`workbench.imaging.forensic.digits.is_number`) is measured as the forensics check
measures it: its print (`glyphs.print_features`: ink darkness, edge sharpness, stroke width),
the paper inside its box (`digits.paper_texture`: the grain's neighbour correlation and level)
and the grain of its ink (`digits.ink_grain`). Each value becomes a robust z against the page's
*other* numbers (its paper: against the papers of the page's other words, as the check does;
median and 1.4826 MAD, with the check's floors). A number is in the edit when at least 30% of
its box lies in the edit's mask.

It prints, per page, the z of each measurement at the edited number(s) and the most extreme z
of any number outside an edit, and per measurement, over the split, the most extreme z outside
edits and the retyped numbers beyond it: which measurement separates retyped numbers from the
page's genuine ones, and by how much. Tune on ``dev`` only.

    python benchmarks/digit_features.py [--split dev] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402

from workbench.imaging.forensic import digits  # noqa: E402
from workbench.imaging.forensic.glyphs import print_features  # noqa: E402
from workbench.imaging.words import find_words  # noqa: E402
from workbench.ocr import OcrWord, default_engine  # noqa: E402

CACHE = HERE.parent / "out" / "forensic-corpus"
#: Measurement -> (floor of the MAD as a share of the median, absolute floor), as the check's.
FLOORS: dict[str, tuple[float, float]] = {
    **{name: (share, 0.0) for name, share in digits.FEATURES.items()},
    **{name: (0.0, floor) for name, floor in digits.TEXTURE_FLOORS.items()},
    "ink_grain": digits.INK_GRAIN_FLOOR,
}


def read_page(entry: fc.Entry, folder: Path) -> list[OcrWord]:
    """The page's OCR words (Tesseract ``fas``), cached as JSON next to the corpus."""
    cache = folder / "ocr" / f"{entry.name}.json"
    if cache.exists():
        return [OcrWord(t, None, tuple(b), line, 0) for t, b, line in json.loads(cache.read_text())]
    image = Image.open(folder / entry.path)
    dpi = image.info.get("dpi")
    gray = np.asarray(image.convert("L"))
    words = default_engine().recognize(gray, "fas", dpi=float(dpi[0]) if dpi else None).page.words
    cache.parent.mkdir(exist_ok=True)
    cache.write_text(json.dumps([[w.text, list(w.box), w.line] for w in words]))
    return list(words)


def measure(entry: fc.Entry, folder: Path) -> dict[str, Any]:
    """Every number's z per measurement on one page, and whether it touches the edit."""
    gray = np.asarray(Image.open(folder / entry.path).convert("L"))
    page = find_words(gray)
    mask = np.asarray(Image.open(folder / entry.mask)) > 0 if entry.mask else None
    read = read_page(entry, folder)
    papers: list[tuple[tuple[int, int, int, int], dict[str, float]]] = []
    for word in read:
        box = digits._clip(word.box, gray.shape[:2])
        measured = None if box is None else digits.paper_texture(gray, page.ink, box)
        if box is not None and measured is not None:
            papers.append(((box.x, box.y, box.width, box.height), measured))
    numbers: list[tuple[bool, dict[str, float]]] = []
    boxes: list[tuple[int, int, int, int]] = []
    for word in read:
        box = digits._clip(word.box, gray.shape[:2]) if digits.is_number(word.text) else None
        if box is None:
            continue
        own = page.ink[box.y : box.y + box.height, box.x : box.x + box.width]
        values = print_features(gray, page.ink, box, own, page.glyph_height)
        if values is None:
            continue
        values = {k: values[k] for k in digits.FEATURES}
        values.update(digits.paper_texture(gray, page.ink, box) or {})
        grain = digits.ink_grain(gray, box, own)
        if grain is not None:
            values["ink_grain"] = grain
        window = (slice(box.y, box.y + box.height), slice(box.x, box.x + box.width))
        edited = bool(mask is not None and mask[window].mean() >= 0.3)
        numbers.append((edited, values))
        boxes.append((box.x, box.y, box.width, box.height))
    rows = []
    for i, (edited, values) in enumerate(numbers):
        z: dict[str, float] = {}
        for name, value in values.items():
            if name in digits.TEXTURE_FLOORS:  # a paper against the page's words' papers
                pool = [v for b, v in papers if b != boxes[i]]
            else:  # print and ink against the page's other numbers
                pool = [v for j, (_, v) in enumerate(numbers) if j != i]
            others = np.array([v[name] for v in pool if name in v])
            if others.size < digits.MIN_OTHERS:
                continue
            median = float(np.median(others))
            share, level = FLOORS[name]
            spread = max(1.4826 * float(np.median(np.abs(others - median))), share * median, level)
            if spread > 0:
                z[name] = round((value - median) / spread, 2)
        rows.append({"edited": edited, "z": z})
    return {"name": entry.name, "tampering": entry.tampering, "chain": entry.chain, "rows": rows}


def report(pages: Sequence[dict[str, Any]]) -> list[str]:
    """Per page and per measurement: z at the edits against the extremes outside them."""
    names = list(FLOORS)
    lines = ["page | " + " | ".join(f"{n} edit / outside" for n in names)]
    low = {n: 0.0 for n in names}
    high = {n: 0.0 for n in names}
    edits: dict[str, list[float]] = {n: [] for n in names}
    for page in pages:
        cells = []
        for n in names:
            inside = [r["z"][n] for r in page["rows"] if r["edited"] and n in r["z"]]
            outside = [r["z"][n] for r in page["rows"] if not r["edited"] and n in r["z"]]
            low[n] = min(low[n], *outside) if outside else low[n]
            high[n] = max(high[n], *outside) if outside else high[n]
            edits[n] += inside if page["tampering"] == "retyped-digits" else []
            lo, hi = (min(outside), max(outside)) if outside else (0.0, 0.0)
            cells.append(f"{inside} / [{lo:+.1f}, {hi:+.1f}]")
        lines.append(f"{page['name']} ({page['chain']}) | " + " | ".join(cells))
    lines.append("")
    for n in names:
        beyond = [z for z in edits[n] if z < low[n] or z > high[n]]
        lines.append(
            f"{n}: numbers outside edits z {low[n]:+.1f} to {high[n]:+.1f}; "
            f"{len(beyond)} of {len(edits[n])} retyped numbers beyond: "
            + ", ".join(f"{z:+.1f}" for z in sorted(beyond))
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(fc.CHAINS), default="dev")
    parser.add_argument("--per-kind", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    entries = fc.build(CACHE, args.split, args.per_kind)
    folder = CACHE / args.split
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        pages = list(pool.map(measure, entries, [folder] * len(entries)))
    retyped = [p for p in pages if p["tampering"] == "retyped-digits"]
    others = [p for p in pages if p["tampering"] != "retyped-digits"]
    print("\n".join(report(retyped + others)))


if __name__ == "__main__":
    main()
