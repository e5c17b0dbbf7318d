"""Where a number sits on its own text line: retyped numbers against the numbers outside edits.

Whoever erases a number and types it again places the new digits by eye or by the erased box;
a printer set the page's numbers on the same baselines as their lines' words. Text-line
alignment alone separated forged from genuine pages in J. van Beusekom, F. Shafait and
T. Breuel, "Text-line examination for document forgery detection" (IJDAR 2013). This script
measures, for every number of a page as the check takes it
(`workbench.imaging.forensic.number_words.number_boxes` on the page's OCR words, its ink by
`number_words.number_ink`), where its ink sits against the other words of its OCR line:

* ``seat``: the bottom of the number's ink (the 95th percentile of its ink pixels' rows, so
  that a stray pixel does not set it) minus its line's baseline at the number's centre, in
  the page's glyph heights. The line's baseline is fitted through the *other* words of the
  line (their densest ink row, a Persian word's baseline stroke; words holding digits left
  out, as digits sit on the baseline differently) with the page's slope (the
  median slope of lines of three words or more);
* ``foot``: the same for the median of its digits' bottom rows (its ink pieces at least a
  third of a glyph high: a small zero or a separator does not set it);
* ``centre``: the same for the middle of its ink (5th to 95th percentile of the rows);
* ``height``: the number's ink height (5th to 95th percentile), in glyph heights;
* ``tilt``: the slope (degrees) of the bottoms of its digits (its ink pieces at least a third
  of a glyph high, three or more), less the page's slope.

Persian digits sit on the baseline differently from letters, so each value becomes a robust
z against the same value of the page's *other* numbers (median and 1.4826 MAD; floors: one
pixel in glyph heights for ``seat``, ``foot``, ``centre`` and ``height``, 1 degree for ``tilt``, as
a pixel is a lot at 150 dpi). A number is in an edit when 30% of its box lies in the edit's
mask (as `benchmarks/digit_features.py`).

Sets: the retyped pages of the dev split and of the fresh-look set (``--untouched`` adds
their untouched pages), the retyped pages of `benchmarks/chain_edits.py` (plain and with a
look, 2 per chain) and the 96 untouched pages of `benchmarks/genuine_chains.py --pages 6`.
Each page is read once by Tesseract (cached next to it, as `digit_features` caches it). It
prints per set and measurement the range of z of numbers outside edits, the retyped numbers'
z and how many lie beyond the genuine range over every set; then, among the numbers whose
print alone stands out (the check's print distance, `digits.NUMBER_Z`'s lower end: the numbers
a family of its own would have to tell apart), how many are off by |z| 3 and 5 in each
measurement. ``--save`` keeps the measured numbers, ``--load`` prints them again without
measuring. The test split is never read.

    python benchmarks/number_seat.py [--untouched] [--save FILE | --load FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import chain_digit_features as cdf  # noqa: E402
import chain_edits as ce  # noqa: E402
import digit_features as df  # noqa: E402
import forensic_corpus as fc  # noqa: E402
import forensic_fresh as ff  # noqa: E402
import genuine_chains as gc  # noqa: E402

from workbench.geometry import Box  # noqa: E402
from workbench.imaging.forensic import digits, number_words  # noqa: E402
from workbench.imaging.forensic.glyphs import print_features  # noqa: E402
from workbench.imaging.forensic.lighting import text_page  # noqa: E402
from workbench.imaging.forensic.paper_steps import bare_paper, is_paper_page  # noqa: E402
from workbench.imaging.words import find_words  # noqa: E402

#: Measurements whose MAD is floored at one pixel (in glyph heights); ``tilt``'s floor, degrees.
PIXEL_FLOORS = ("seat", "foot", "centre", "height")
TILT_FLOOR = 1.0
#: A number is compared when the page has this many other numbers with the measurement.
MIN_OTHERS = 3
#: The check's print distance from which a number's print alone is a notice
#: (`digits.NUMBER_Z`'s lower end).
PRINT_Z = digits.NUMBER_Z[0]
#: Ink pieces at least this share of a glyph height high are digits for the tilt.
DIGIT_SHARE = 0.33


def _rows(ink: np.ndarray) -> np.ndarray:
    return np.nonzero(ink)[0]


def _dense_row(ink: np.ndarray) -> float | None:
    counts = ink.sum(axis=1)
    return float(np.argmax(counts)) if counts.max() > 0 else None


def _digit_bottoms(ink: np.ndarray, glyph: float) -> tuple[list[float], list[float]]:
    """The centres and bottom rows of the number's ink pieces a third of a glyph high or more."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    xs, ys = [], []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if h >= DIGIT_SHARE * glyph:
            xs.append(float(x + w / 2))
            ys.append(float(y + h - 1))
    return xs, ys


def _tilt(ink: np.ndarray, glyph: float) -> float | None:
    """Slope (degrees, rising to the right positive) of the bottoms of the number's digits."""
    xs, ys = _digit_bottoms(ink, glyph)
    if len(xs) < 3 or max(xs) - min(xs) < glyph:
        return None
    slope = float(np.polyfit(xs, ys, 1)[0])
    return -math.degrees(math.atan(slope))


def _word_row(ink: np.ndarray, box: Box) -> dict[str, float] | None:
    own = ink[box.y : box.y + box.height, box.x : box.x + box.width]
    rows = _rows(own)
    if rows.size < 10:
        return None
    dense = _dense_row(own)
    if dense is None:
        return None
    return {
        "x": box.x + box.width / 2,
        "dense": box.y + dense,
        "bottom": box.y + float(np.percentile(rows, 95)),
    }


def _line_slope(lines: dict[int, list[dict[str, float]]]) -> float:
    """The page's slope: the median Theil-Sen slope of the dense rows of lines of 3+ words."""
    slopes = []
    for words in lines.values():
        if len(words) < 3:
            continue
        pairs = [
            (b["dense"] - a["dense"]) / (b["x"] - a["x"])
            for i, a in enumerate(words)
            for b in words[i + 1 :]
            if abs(b["x"] - a["x"]) > 1
        ]
        if pairs:
            slopes.append(float(np.median(pairs)))
    return float(np.median(slopes)) if slopes else 0.0


def measure(entry: fc.Entry, folder: Path) -> dict[str, Any]:
    """Every number's seat, centre, height and tilt on one page, and whether it is edited."""
    gray = np.asarray(Image.open(folder / entry.path).convert("L"))
    even, _ = text_page(gray, is_paper_page(*bare_paper(gray)))
    gray = gray if even is None else even
    page = find_words(gray)
    glyph = float(page.glyph_height)
    mask = np.asarray(Image.open(folder / entry.mask)) > 0 if entry.mask else None
    read = df.read_page(entry, folder)
    shape = (gray.shape[0], gray.shape[1])
    numbers = number_words.number_boxes(read, page.ink)
    lines: dict[int, list[dict[str, float]]] = {}
    words: list[tuple[int, Box, dict[str, float]]] = []
    for word in read:
        box = number_words.clip_box(word.box, shape)
        if box is None or number_words.is_number(word.text):
            continue
        if any(ch.isdigit() for ch in word.text):
            continue
        row = _word_row(page.ink, box)
        if row is not None:
            lines.setdefault(word.line, []).append(row)
            words.append((word.line, box, row))
    slope = _line_slope(lines)
    out = []
    for box in numbers:
        own = number_words.number_ink(page.ink, box, glyph)
        rows = _rows(own)
        if rows.size < 10:
            continue
        # The OCR word the number was taken from: the one whose box holds most of it.
        best, line = 0, None
        for word in read:
            wb = number_words.clip_box(word.box, shape)
            if wb is None:
                continue
            ox = min(wb.x + wb.width, box.x + box.width) - max(wb.x, box.x)
            oy = min(wb.y + wb.height, box.y + box.height) - max(wb.y, box.y)
            if ox > 0 and oy > 0 and ox * oy > best:
                best, line = ox * oy, word.line
        top = box.y + float(np.percentile(rows, 5))
        bottom = box.y + float(np.percentile(rows, 95))
        x = box.x + box.width / 2
        values: dict[str, float] = {"height": (bottom - top) / glyph}
        others = [r for ln, b, r in words if ln == line and b != box]
        if others:
            base = float(np.median([r["dense"] - slope * (r["x"] - x) for r in others]))
            values["seat"] = (bottom - base) / glyph
            values["centre"] = ((top + bottom) / 2 - base) / glyph
            values["line_words"] = len(others)
            _, feet = _digit_bottoms(own, glyph)
            if feet:
                values["foot"] = (box.y + float(np.median(feet)) - base) / glyph
        tilt = _tilt(own, glyph)
        if tilt is not None:
            values["tilt"] = tilt + math.degrees(math.atan(slope))
        printed = print_features(gray, page.ink, box, own, page.glyph_height)
        if printed is not None:
            values.update({f"print_{k}": printed[k] for k in digits.FEATURES})
        window = (slice(box.y, box.y + box.height), slice(box.x, box.x + box.width))
        edited = bool(mask is not None and mask[window].mean() >= 0.3)
        out.append({"edited": edited, "box": [box.x, box.y, box.width, box.height], **values})
    return {
        "name": entry.name,
        "tampering": entry.tampering,
        "chain": entry.chain,
        "look": entry.variant,
        "glyph": glyph,
        "numbers": out,
    }


def z_scores(page: dict[str, Any]) -> list[dict[str, float]]:
    """Each number's robust z per measurement against the page's other numbers."""
    numbers = page["numbers"]
    pixel = 1.0 / page["glyph"]
    out = []
    for i, own in enumerate(numbers):
        z: dict[str, float] = {}
        for name in (*PIXEL_FLOORS, "tilt"):
            if name not in own:
                continue
            others = np.array([n[name] for j, n in enumerate(numbers) if j != i and name in n])
            if others.size < MIN_OTHERS:
                continue
            median = float(np.median(others))
            floor = pixel if name in PIXEL_FLOORS else TILT_FLOOR
            spread = max(1.4826 * float(np.median(np.abs(others - median))), floor)
            z[name] = round((own[name] - median) / spread, 2)
            if name in PIXEL_FLOORS:  # the same offset in pixels
                z[name + "_px"] = round((own[name] - median) * page["glyph"], 1)
        # The print, as the check compares it (`digits.FEATURES`' floors), and its distance.
        printed = {}
        for name, share in digits.FEATURES.items():
            key = f"print_{name}"
            others = np.array([n[key] for j, n in enumerate(numbers) if j != i and key in n])
            if key not in own or others.size < MIN_OTHERS:
                continue
            median = float(np.median(others))
            spread = max(1.4826 * float(np.median(np.abs(others - median))), share * abs(median))
            if spread > 0:
                printed[name] = (own[key] - median) / spread
        if printed:
            z["print"] = round(df._print_rule(printed, False), 2)
        out.append(z)
    return out


def entries() -> dict[str, list[tuple[fc.Entry, Path]]]:
    """The pages of each set with their folders."""
    sets: dict[str, list[tuple[fc.Entry, Path]]] = {}
    dev = fc.build(df.CACHE, "dev", 16)
    fresh = ff.build(df.CACHE)
    sets["dev"] = [(e, df.CACHE / "dev") for e in dev]
    sets["fresh"] = [(e, df.CACHE / "fresh") for e in fresh]
    for kind in ("retyped-plain", "retyped-look"):
        sets[f"chain {kind}"] = [(e, ce.CACHE / e.chain) for e in cdf.entries([kind], 2)]
    genuine = []
    for chain in gc.CHAINS:
        folder = gc.HERE.parent / "out" / "genuine-chains" / chain.name
        for i in range(6):
            path = gc.page_file(chain, i, folder)
            genuine.append(
                (
                    fc.Entry(
                        path.stem,
                        "genuine",
                        "none",
                        "",
                        None,
                        "",
                        chain.name,
                        [],
                        path.name,
                        None,
                        [],
                    ),
                    folder,
                )
            )
    sets["genuine chains"] = genuine
    return sets


def summary(pages: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Per measurement and set: numbers outside edits' z range, retyped z, beyond."""
    lines = []
    names = ("seat", "foot", "centre", "height", "tilt")
    genuine: dict[str, list[float]] = {n: [] for n in names}
    retyped: dict[str, dict[str, list[float]]] = {n: {} for n in names}
    retyped_px: dict[str, dict[str, list[float]]] = {n: {} for n in names}
    missing: dict[str, int] = {}
    for label, group in pages.items():
        for page in group:
            zs = z_scores(page)
            edited = [z for z, n in zip(zs, page["numbers"], strict=True) if n["edited"]]
            if page["tampering"] == "retyped-digits" and not any(
                n in z for z in edited for n in names
            ):
                missing[label] = missing.get(label, 0) + 1
            for z, n in zip(zs, page["numbers"], strict=True):
                for name in names:
                    if name not in z:
                        continue
                    if not n["edited"]:
                        genuine[name].append(z[name])
                    elif page["tampering"] == "retyped-digits":
                        retyped[name].setdefault(label, []).append(z[name])
                        if name + "_px" in z:
                            retyped_px[name].setdefault(label, []).append(z[name + "_px"])
    lines.append("retyped pages without a measured edited number: " + str(missing))
    for name in names:
        values = np.array(genuine[name])
        if values.size == 0:
            continue
        lo, hi = float(values.min()), float(values.max())
        p1, p99 = np.percentile(values, [1, 99])
        lines.append(
            f"\n{name}: {values.size} numbers outside edits, z {lo:+.1f} to {hi:+.1f} "
            f"(1st-99th percentile {p1:+.1f} to {p99:+.1f}; |z|>=3: "
            f"{int((np.abs(values) >= 3).sum())}, |z|>=5: {int((np.abs(values) >= 5).sum())})"
        )
        for label, zs in retyped[name].items():
            beyond = [z for z in zs if z < lo or z > hi]
            over3 = [z for z in zs if abs(z) >= 3]
            px = retyped_px[name].get(label, [])
            lines.append(
                f"  {label}: {len(zs)} retyped, |z|>=3: {len(over3)}, beyond genuine range: "
                f"{len(beyond)}; z "
                + " ".join(f"{z:+.1f}" for z in sorted(zs))
                + ("; px " + " ".join(f"{p:+.1f}" for p in sorted(px)) if px else "")
            )
    return lines


def with_print(pages: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Among numbers whose print stands out (the check's print distance from `PRINT_Z`):
    how many numbers outside edits and retyped numbers are off in each measurement too."""
    lines = [
        f"\nnumbers whose print distance is {PRINT_Z} or more (a notice by print alone): "
        "off by |z| >= 3 and >= 5 in each measurement"
    ]
    for name in ("seat", "foot", "centre", "height", "tilt"):
        genuine, retyped = [], []
        for group in pages.values():
            for page in group:
                for z, n in zip(z_scores(page), page["numbers"], strict=True):
                    if z.get("print", 0.0) < PRINT_Z or name not in z:
                        continue
                    if not n["edited"]:
                        genuine.append(z[name])
                    elif page["tampering"] == "retyped-digits":
                        retyped.append(z[name])
        cells = []
        for label, values in (("outside edits", genuine), ("retyped", retyped)):
            off3 = sum(1 for v in values if abs(v) >= 3)
            off5 = sum(1 for v in values if abs(v) >= 5)
            shown = " ".join(f"{v:+.1f}" for v in sorted(values)) if label != "retyped" else ""
            cells.append(
                f"{label} {off3} / {off5} of {len(values)}" + (f" ({shown})" if shown else "")
            )
        lines.append(f"  {name}: " + "; ".join(cells))
    return lines


def per_set_genuine(pages: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The range of z of numbers outside edits per set (is one set's genuine spread wider?)."""
    lines = ["\nnumbers outside edits per set: z range (count)"]
    for label, group in pages.items():
        cells = []
        for name in ("seat", "foot", "centre", "height", "tilt"):
            vals = [
                z[name]
                for page in group
                for z, n in zip(z_scores(page), page["numbers"], strict=True)
                if not n["edited"] and name in z
            ]
            if vals:
                cells.append(f"{name} {min(vals):+.1f}..{max(vals):+.1f} ({len(vals)})")
        lines.append(f"  {label}: " + "; ".join(cells))
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--untouched", action="store_true", help="dev and fresh untouched too")
    parser.add_argument("--save", type=Path, help="write the measured numbers here (JSON)")
    parser.add_argument("--load", type=Path, help="read them from here instead of measuring")
    args = parser.parse_args(argv)
    if args.load:
        pages = json.loads(args.load.read_text())
    else:
        pages = {}
        for label, group in entries().items():
            wanted = {"retyped-digits", "none"} if args.untouched else {"retyped-digits"}
            if label == "genuine chains":
                wanted = {"none"}
            pages[label] = [measure(e, folder) for e, folder in group if e.tampering in wanted]
            print(f"{label}: {len(pages[label])} pages measured", flush=True)
    if args.save:
        args.save.write_text(json.dumps(pages))
    print("\n".join(summary(pages)))
    print("\n".join(per_set_genuine(pages)))
    print("\n".join(with_print(pages)))


if __name__ == "__main__":
    main()
