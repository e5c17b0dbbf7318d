"""What each measurement of a number says at a retyped number against the page's other numbers.

For every page of one split of the independent corpus (``benchmarks/forensic_corpus.py``), the
page is read once by Tesseract (cached next to the corpus), and every word the check takes for a
number (`workbench.imaging.forensic.number_words.number_boxes`: read by OCR as a number, a wide
box of digits OCR read as one, or a number glued to its label) is measured as the check
measures it: its print (`glyphs.print_features`: ink darkness, edge sharpness, stroke width),
the paper inside its box (`digits.paper_texture`: the grain's neighbour correlation and level)
and the grain of its ink (`digits.ink_grain`). A dev page's retyped number is named with its
look (`forensic_edits.RetypeLook`: lighter, darker, sharper or softer than the page, its font,
its erased place's fill). Each value becomes a robust z against the page's *other* numbers
(its paper: against the papers of the page's other words, as the check does; median and
1.4826 MAD, with the check's floors). A number is in the edit when at least 30% of
its box lies in the edit's mask.

It prints, per page, the z of each measurement at the edited number(s) and the most extreme z
of any number outside an edit, and per measurement, over the split, the most extreme z outside
edits and the retyped numbers beyond it: which measurement separates retyped numbers from the
page's genuine ones, and by how much. ``--split fresh`` measures the fresh-look set
(`benchmarks/forensic_fresh.py`); both are development sets, the test split is never read.

Then the held-out tables: the pages are grouped by scan chain, by body font and by layout (a
letter's template, or the kind of page); for each measurement in each direction and each rule
built from them (the check's print distance, the paper, `digits.two_family_z`), the limit is
set on every group but one (the most extreme number outside an edit there, and that times
`WARNING_MARGIN`), and the held-out group's retyped numbers beyond it and numbers outside
edits beyond it are counted: which limits carry over to pages they were not set on.
``--save`` keeps the measured z per number, ``--load`` tables them again without measuring.

    python benchmarks/digit_features.py [--split dev|fresh] [--jobs 2] [--save FILE | --load FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402
import forensic_fresh as ff  # noqa: E402

from workbench.imaging.forensic import digits, number_words  # noqa: E402
from workbench.imaging.forensic.glyphs import print_features  # noqa: E402
from workbench.imaging.forensic.lighting import text_page  # noqa: E402
from workbench.imaging.forensic.paper_steps import bare_paper, is_paper_page  # noqa: E402
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
    # The page the check compares words on: a page lit unevenly with its lighting evened out.
    even, _ = text_page(gray, is_paper_page(*bare_paper(gray)))
    gray = gray if even is None else even
    page = find_words(gray)
    mask = np.asarray(Image.open(folder / entry.mask)) > 0 if entry.mask else None
    read = read_page(entry, folder)
    papers: list[tuple[tuple[int, int, int, int], dict[str, float]]] = []
    for word in read:
        box = number_words.clip_box(word.box, gray.shape[:2])
        measured = None if box is None else digits.paper_texture(gray, page.ink, box)
        if box is not None and measured is not None:
            papers.append(((box.x, box.y, box.width, box.height), measured))
    numbers: list[tuple[bool, dict[str, float]]] = []
    boxes: list[tuple[int, int, int, int]] = []
    for box in number_words.number_boxes(read, page.ink):
        own = number_words.number_ink(page.ink, box, page.glyph_height)
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
        heights = [b[3] for j, b in enumerate(boxes) if j != i]
        if heights:  # the box's height over the page's other numbers' (not a z)
            z["size"] = round(boxes[i][3] / float(np.median(heights)), 3)
        rows.append({"edited": edited, "z": z})
    return {
        "name": entry.name,
        "tampering": entry.tampering,
        "chain": entry.chain,
        "font": entry.font,
        "layout": entry.template or entry.page_kind,
        "look": entry.variant,
        "rows": rows,
    }


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
        look = f", {page['look']}" if page.get("look") else ""
        lines.append(f"{page['name']} ({page['chain']}{look}) | " + " | ".join(cells))
    lines.append("")
    for n in names:
        beyond = [z for z in edits[n] if z < low[n] or z > high[n]]
        lines.append(
            f"{n}: numbers outside edits z {low[n]:+.1f} to {high[n]:+.1f}; "
            f"{len(beyond)} of {len(edits[n])} retyped numbers beyond: "
            + ", ".join(f"{z:+.1f}" for z in sorted(beyond))
        )
    return lines


#: How the pages are grouped for holding one group out: the scan chain, the body font, and
#: the layout (a letter's template, or the kind of page).
GROUPINGS = ("chain", "font", "layout")


def _signed(name: str, sign: float) -> Callable[[dict[str, float]], float | None]:
    """A score: one measurement's z in one direction."""
    return lambda z: None if name not in z else sign * z[name]


def _combined(z: dict[str, float], names: Sequence[str], signs: dict[str, float]) -> float:
    """Root of the sum of squares of the z of `names` at least `FEATURE_Z` off (signed ones
    counted in their direction only)."""
    total = 0.0
    for name in names:
        value = z.get(name)
        if value is None or abs(value) < digits.FEATURE_Z or value * signs.get(name, value) < 0:
            continue
        total += value * value
    return math.sqrt(total)


def _print_rule(z: dict[str, float], two_sided: bool) -> float:
    """The check's print distance (stroke never alone); `two_sided` drops the directions."""
    signs = {} if two_sided else digits.ONE_SIDED
    if _combined(z, [n for n in digits.FEATURES if n not in digits.NOT_ALONE], signs) == 0:
        return 0.0
    return _combined(z, list(digits.FEATURES), signs)


#: Scores held out: each measurement in each direction, and the rules built from them.
SCORES: dict[str, Callable[[dict[str, float]], float | None]] = {
    **{
        f"{name} {'higher' if sign > 0 else 'lower'}": _signed(name, sign)
        for name in FLOORS
        for sign in (1.0, -1.0)
    },
    "print, the check's rule (darker, sharper)": lambda z: _print_rule(z, False),
    "print, both ways": lambda z: _print_rule(z, True),
    "paper (texture and grain, lower)": lambda z: digits.family_deviations(z).get("paper"),
    "two families, any lighter number's flat ink and softer edges its weight's": (
        digits.two_family_z
    ),
    "two families (`digits.two_family_z`)": lambda z: digits.two_family_z(z, z.get("size")),
}
#: The check's warning level of `digits.two_family_z` over the largest z of a number outside
#: an edit on the development split (4.25 / 2.74): held out, applied to the other groups' own
#: largest.
WARNING_MARGIN = 1.55


#: Scores that can warn on their own in the check, before and with the two-family rule: a
#: number counts as found when any of them passes its own held-out limit.
UNIONS: dict[str, tuple[str, ...]] = {
    "paper or ink grain (warn alone before)": (
        "paper (texture and grain, lower)",
        "ink_grain lower",
    ),
    "paper, ink grain or two families (warn alone now)": (
        "paper (texture and grain, lower)",
        "ink_grain lower",
        "two families (`digits.two_family_z`)",
    ),
}


def held_out(
    pages: Sequence[dict[str, Any]], grouping: str, margin: float = 1.0
) -> dict[str, tuple[int, int, int]]:
    """Per score (and per union of scores, `UNIONS`): (retyped numbers beyond, of how many,
    genuine numbers beyond) when each group of `grouping` is held out and the limit is `margin`
    times the most extreme number outside an edit on the other groups' pages (every page's,
    when there is one group)."""
    groups = sorted({p[grouping] for p in pages})
    counts = {label: [0, 0, 0] for label in [*SCORES, *UNIONS]}
    for group in groups:
        limits = {}
        for label, score in SCORES.items():
            train = [
                v
                for p in pages
                if p[grouping] != group or len(groups) == 1
                for r in p["rows"]
                if not r["edited"] and (v := score(r["z"])) is not None
            ]
            limits[label] = margin * max(train, default=math.inf)
        for p in pages:
            if p[grouping] != group:
                continue
            for r in p["rows"]:
                if r["edited"] and p["tampering"] != "retyped-digits":
                    continue
                beyond = {}
                for label, score in SCORES.items():
                    v = score(r["z"])
                    beyond[label] = v is not None and v > limits[label]
                for label, members in UNIONS.items():
                    beyond[label] = any(beyond[m] for m in members)
                for label, hit in beyond.items():
                    if r["edited"]:
                        counts[label][0] += hit
                        counts[label][1] += 1
                    else:
                        counts[label][2] += hit
    return {label: (a, b, c) for label, (a, b, c) in counts.items()}


def held_out_table(pages: Sequence[dict[str, Any]], margin: float = 1.0) -> list[str]:
    """The held-out table: one row per score, one column per grouping (and in-sample)."""
    everyone = [dict(p, everyone="all") for p in pages]
    columns = {g: held_out(pages, g, margin) for g in GROUPINGS}
    inside = held_out(everyone, "everyone", margin)
    counts = {g: len({p[g] for p in pages}) for g in GROUPINGS}
    head = " | ".join(f"{g} held out ({counts[g]} groups)" for g in GROUPINGS)
    lines = [
        f"| score | {head} | in-sample (limit from every page) |",
        "| --- |" + " --- |" * (len(GROUPINGS) + 1),
    ]
    for label in [*SCORES, *UNIONS]:
        cells = [columns[g][label] for g in GROUPINGS] + [inside[label]]
        lines.append(
            f"| {label} | " + " | ".join(f"{a}/{b} ({c} genuine)" for a, b, c in cells) + " |"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split", choices=["dev", "fresh"], default="dev", help="dev split or fresh-look set"
    )
    parser.add_argument("--per-kind", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--save", type=Path, help="write the measured z per number here (JSON)")
    parser.add_argument("--load", type=Path, help="read them from here instead of measuring")
    args = parser.parse_args(argv)
    if args.load:
        pages = json.loads(args.load.read_text())
    else:
        fresh = args.split == "fresh"
        entries = ff.build(CACHE) if fresh else fc.build(CACHE, "dev", args.per_kind)
        folder = CACHE / args.split
        with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            pages = list(pool.map(measure, entries, [folder] * len(entries)))
    if args.save:
        args.save.write_text(json.dumps(pages))
    retyped = [p for p in pages if p["tampering"] == "retyped-digits"]
    others = [p for p in pages if p["tampering"] != "retyped-digits"]
    print("\n".join(report(retyped + others)))
    print()
    for margin in (1.0, WARNING_MARGIN):
        print()
        print(f"Held out: the limit of each score is {margin:g} times the most extreme number")
        print("outside an edit on the other groups' pages; retyped numbers beyond it / retyped")
        print("numbers, numbers outside edits of the held-out groups beyond it.")
        print("\n".join(held_out_table(pages, margin)))


if __name__ == "__main__":
    main()
