"""Where a line sits against the page's own lines: spliced lines against untouched ones (dev).

A line typeset elsewhere, scanned on its own and pasted into a blank band of a page may match
the page's paper and print, but its geometry was set by whoever pasted it: its baseline need
not fall on the pitch of its paragraph, its ends need not be flush with the margins the other
lines share, and its glyph height and word spacing come from another setting. This script
measures, for every line of at least three words of the **dev** split of the independent
forensic corpus, features relative to the page's own lines. Lines come either from the words
and line grouping glyph consistency itself uses (``--words check``:
`workbench.imaging.words.find_words`, lines as in `workbench.imaging.forensic.glyphs`) or from
the cached OCR reading of the dev pages (``--words ocr``: its word boxes and line numbers).

* ``pitch``: distance of the line's baseline from the grid its neighbours set (the nearest
  whole multiple of the page's line pitch, the lower quartile of the steps between lines that
  overlap across, from the line above and from the line below; the smaller of the two, as a
  fraction of the pitch);
* ``flush_right``: distance of the line's right end (Persian text is flush right first) from
  the nearest right end of another line, in glyph heights; ``flush``: the smaller of that and
  the same for its left end; ``aligned``: the smallest of these and the distance of its centre
  from another line's centre (a centred heading or signature block is aligned);
* ``shared``: as ``aligned``, but against an edge or centre that at least two other lines share
  (a margin or a column, where a ragged paragraph end matches a pasted line by chance once);
* ``height``: the line's median word height against the median of the page's lines (the
  absolute log ratio); ``gap``: the same for its median gap between neighbouring words;
* ``print`` (``--words check`` only): the line's largest weighted robust z in glyph
  consistency's own line comparison (darkness, sharpness, stroke, grain, angle), with its
  line limit set to zero so every judged line reports it.

A line is "spliced" when most of it lies in the edit's box of a spliced-line page, and
"untouched" when it lies on a page without any edit; other lines of spliced-line pages are
kept for the rank of the spliced line among its own page's lines, and lines of other edits'
pages are left out. For each feature and each held-out chain and page kind, the limit is the
highest value of the untouched lines of the other folds: the tables say how many held-out
spliced lines lie above it and how many held-out untouched lines do (false alarms). With
``--words check``, each geometry feature is also paired with ``print`` (a line off by both at
once), its two limits chosen on the other folds.

Dev only: the test split is never read.

Usage::

    python benchmarks/line_geometry.py [--words check|ocr] [--corpus out/forensic-corpus] [--jobs 2]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from workbench.imaging.forensic.glyphs import (
    FEATURE_WEIGHTS,
    LINE_Z,
    MIN_LINE_WORDS,
    _assign_lines,
    _baseline,
    glyph_consistency,
)
from workbench.imaging.words import find_words

GEOMETRY = ("pitch", "flush", "flush_right", "aligned", "shared", "height", "gap")
FEATURES = (*GEOMETRY, "print")
#: A line with a line across from it above and below within this many of its own heights
#: lies inside a block of text.
INSIDE_HEIGHTS = 3.0


@dataclass(frozen=True)
class LineRow:
    """One measured line of one dev page."""

    page: str
    chain: str
    kind: str
    label: str  # "spliced", "untouched", or on a spliced page "beside" / "partly" the edit
    words: int
    box: tuple[int, int, int, int]  # x, y, width, height in page pixels
    values: dict[str, float]


def _overlap(box: tuple[int, int, int, int], edit: list[int]) -> float:
    """Share of the line's box that lies inside the edit's box (x0, y0, x1, y1)."""
    x, y, w, h = box
    ix = max(0, min(x + w, edit[2]) - max(x, edit[0]))
    iy = max(0, min(y + h, edit[3]) - max(y, edit[1]))
    return ix * iy / max(w * h, 1)


def _second(values: list[float]) -> float:
    """The second smallest of `values` (infinite with fewer than two)."""
    return sorted(values)[1] if len(values) >= 2 else math.inf


def _grid_residual(step: float, pitch: float) -> float:
    """Distance of ``step`` from the nearest whole multiple (at least one) of ``pitch``."""
    k = max(1, round(step / pitch))
    return abs(step - k * pitch) / pitch


def _line_info(boxes: list[tuple[int, int, int, int]], baselines: list[float]) -> dict:
    """A line's box, baseline, median word height and median gap between neighbouring words."""
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0])
    ordered = [boxes[i] for i in order]
    x0 = min(b[0] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y0 = min(b[1] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    gaps = [max(b[0] - (a[0] + a[2]), 0) for a, b in itertools.pairwise(ordered)]
    return {
        "box": (x0, y0, x1 - x0, y1 - y0),
        "base": float(np.median(baselines)),
        "height": float(np.median([b[3] for b in boxes])),
        "gap": float(np.median(gaps)) if gaps else math.nan,
        "n": len(boxes),
    }


def _check_lines(path: Path) -> tuple[list[dict], float]:
    """The page's lines as glyph consistency finds them (its words, its line grouping)."""
    gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    page = find_words(gray)
    words = list(page.words)
    if len(words) < 12:
        return [], page.glyph_height
    line_of = _assign_lines(words, page.glyph_height)
    lines: dict[int, list[int]] = {}
    for i, k in enumerate(line_of):
        lines.setdefault(k, []).append(i)
    info = [
        _line_info(
            [(words[i].box.x, words[i].box.y, words[i].box.width, words[i].box.height) for i in m],
            [_baseline(page, words[i]) for i in m],
        )
        for m in lines.values()
        if len(m) >= MIN_LINE_WORDS
    ]
    # How far each line's print lies from the page's lines, below the check's own limit too:
    # glyph consistency with its line limit at zero reports every judged line's deviations.
    scan = glyph_consistency(gray, words=page, line_z=(0.0, LINE_Z[1]))
    judged = [o for o in scan.outliers if o.level == "line"]
    for line in info:
        x, y, w, h = line["box"]
        line["print"] = 0.0
        for o in judged:
            if _overlap((o.box.x, o.box.y, o.box.width, o.box.height), [x, y, x + w, y + h]) > 0.5:
                line["print"] = max(
                    (abs(d["z"]) * FEATURE_WEIGHTS.get(n, 1.0) for n, d in o.deviations.items()),
                    default=0.0,
                )
    return info, page.glyph_height


def _ocr_lines(path: Path) -> tuple[list[dict], float]:
    """The page's lines as the cached OCR reading gives them (its words' boxes and line numbers).

    OCR boxes span the line's whole height, so a box's bottom stands for the baseline and the
    page's median box height for the glyph height.
    """
    cached = path.parent / "ocr" / (path.stem + ".json")
    words = json.loads(cached.read_text())
    lines: dict[int, list[tuple[int, int, int, int]]] = {}
    for _text, box, line in words:
        lines.setdefault(int(line), []).append(tuple(box))
    heights = [b[3] for _t, b, _l in words]
    height = float(np.median(heights)) if heights else 1.0
    info = [
        _line_info(boxes, [b[1] + b[3] for b in boxes])
        for boxes in lines.values()
        if len(boxes) >= MIN_LINE_WORDS
    ]
    return info, height


def measure_page(path: Path, entry: dict, source: str = "check") -> list[LineRow]:
    """Every line of at least `MIN_LINE_WORDS` words of one page, with its features."""
    info, height = _check_lines(path) if source == "check" else _ocr_lines(path)
    if len(info) < 4:
        return []
    heights = np.array([i["height"] for i in info])
    gaps = np.array([i["gap"] for i in info if not math.isnan(i["gap"])])
    page_height = float(np.median(heights))
    page_gap = float(np.median(gaps)) if gaps.size else math.nan
    # Neighbours: lines that overlap horizontally, ordered by baseline.
    steps: list[float] = []
    above: dict[int, int] = {}
    below: dict[int, int] = {}
    for a, la in enumerate(info):
        ax0, _, aw, _ = la["box"]
        best_up, best_down = None, None
        for b, lb in enumerate(info):
            if a == b:
                continue
            bx0, _, bw, _ = lb["box"]
            if min(ax0 + aw, bx0 + bw) - max(ax0, bx0) <= 0:
                continue
            d = la["base"] - lb["base"]
            if d > 0.6 * height and (
                best_up is None or d < info[a]["base"] - info[best_up]["base"]
            ):
                best_up = b
            if d < -0.6 * height and (
                best_down is None or -d < info[best_down]["base"] - info[a]["base"]
            ):
                best_down = b
        if best_up is not None:
            above[a] = best_up
            steps.append(la["base"] - info[best_up]["base"])
        if best_down is not None:
            below[a] = best_down
    pitch = float(np.percentile(steps, 25)) if steps else math.nan
    rows = []
    for a, la in enumerate(info):
        residuals = []
        for other in (above.get(a), below.get(a)):
            if other is not None and pitch > 0:
                residuals.append(_grid_residual(abs(la["base"] - info[other]["base"]), pitch))
        # Inside a block of text: a line across from it above and below within three of its
        # own heights (not a letterhead, a date or a signature line set apart).
        in_block = all(
            other is not None
            and abs(la["base"] - info[other]["base"]) <= INSIDE_HEIGHTS * la["box"][3]
            for other in (above.get(a), below.get(a))
        )
        x0, _, w, _ = la["box"]
        rights = [o["box"][0] + o["box"][2] for b, o in enumerate(info) if b != a]
        lefts = [o["box"][0] for b, o in enumerate(info) if b != a]
        flush_right = min(abs(x0 + w - r) for r in rights) / height
        flush_left = min(abs(x0 - v) for v in lefts) / height
        centres = [o["box"][0] + o["box"][2] / 2 for b, o in enumerate(info) if b != a]
        flush_centre = min(abs(x0 + w / 2 - c) for c in centres) / height
        # An edge shared with at least two other lines: a margin or a column, where a
        # ragged paragraph end matches by chance only once.
        shared = (
            min(
                _second([abs(x0 + w - r) for r in rights]),
                _second([abs(x0 - v) for v in lefts]),
                _second([abs(x0 + w / 2 - c) for c in centres]),
            )
            / height
        )
        edits = entry.get("boxes") or []
        inside = max((_overlap(la["box"], e) for e in edits), default=0.0)
        if entry["tampering"] == "none":
            label = "untouched"
        elif entry["tampering"] == "spliced-line":
            label = "spliced" if inside >= 0.5 else "beside" if inside == 0.0 else "partly"
        else:
            continue
        rows.append(
            LineRow(
                entry["name"],
                entry["chain"],
                entry["page_kind"],
                label,
                la["n"],
                la["box"],
                {
                    "pitch": min(residuals) if residuals else math.nan,
                    "flush": min(flush_right, flush_left),
                    "flush_right": flush_right,
                    "aligned": min(flush_right, flush_left, flush_centre),
                    "shared": shared,
                    "print": la.get("print", math.nan),
                    "inside": float(in_block),
                    "height": abs(math.log(la["height"] / page_height)),
                    "gap": abs(math.log(max(la["gap"], 1.0) / max(page_gap, 1.0)))
                    if not math.isnan(la["gap"])
                    else math.nan,
                },
            )
        )
    return rows


def _held_out(
    rows: list[LineRow], feature: str, fold: str
) -> list[tuple[str, float, int, int, int, int]]:
    """Per held-out group: the limit from the other groups' untouched lines and who passes it."""
    key = (lambda r: r.chain) if fold == "chain" else (lambda r: r.kind)
    out = []
    for group in sorted({key(r) for r in rows}):
        train = [
            r.values[feature]
            for r in rows
            if key(r) != group and r.label == "untouched" and not math.isnan(r.values[feature])
        ]
        limit = max(train) if train else math.inf
        held = [r for r in rows if key(r) == group and not math.isnan(r.values[feature])]
        spliced = [r for r in held if r.label == "spliced"]
        clean = [r for r in held if r.label == "untouched"]
        out.append(
            (
                group,
                limit,
                sum(r.values[feature] > limit for r in spliced),
                len(spliced),
                sum(r.values[feature] > limit for r in clean),
                len(clean),
            )
        )
    return out


def _held_out_pair(
    rows: list[LineRow], first: str, second: str, fold: str
) -> list[tuple[str, float, float, list[str]]]:
    """Two features at once (a line off by both), limits chosen on the other folds.

    For each held-out group the pair of limits, each the value of a spliced line of the other
    groups, that the most of their spliced lines reach together while none of their untouched
    lines does (ties: the higher limits); the held-out lines that reach both are listed.
    """
    key = (lambda r: r.chain) if fold == "chain" else (lambda r: r.kind)

    def value(r: LineRow, f: str) -> float:
        v = r.values[f]
        return 0.0 if math.isnan(v) else v

    out = []
    for group in sorted({key(r) for r in rows}):
        train = [r for r in rows if key(r) != group]
        spliced = [r for r in train if r.label == "spliced"]
        clean = [r for r in train if r.label == "untouched"]
        best: tuple[int, float, float] | None = None
        for a in {value(r, first) for r in spliced}:
            for b in {value(r, second) for r in spliced}:
                if any(value(r, first) >= a and value(r, second) >= b for r in clean):
                    continue
                k = sum(value(r, first) >= a and value(r, second) >= b for r in spliced)
                if best is None or (k, a + b) > (best[0], best[1] + best[2]):
                    best = (k, a, b)
        if best is None or best[0] == 0:
            continue
        hits = [
            f"{r.page[:7]} {r.label}"
            for r in rows
            if key(r) == group
            and r.label in ("spliced", "untouched")
            and value(r, first) >= best[1]
            and value(r, second) >= best[2]
        ]
        out.append((group, best[1], best[2], hits))
    return out


def _auc(pos: Iterable[float], neg: Iterable[float]) -> float:
    p, n = list(pos), list(neg)
    if not p or not n:
        return math.nan
    wins = sum((a > b) + 0.5 * (a == b) for a in p for b in n)
    return wins / (len(p) * len(n))


def main() -> None:
    """Measure every dev page's lines and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("out/forensic-corpus"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--words",
        choices=("check", "ocr"),
        default="check",
        help="lines as glyph consistency finds them, or as the cached OCR reading gives them",
    )
    parser.add_argument("--dump", type=Path, default=None, help="write every line's row as JSON")
    args = parser.parse_args()
    root = args.corpus / "dev"
    manifest = json.loads((root / "manifest.json").read_text())
    entries = [
        e
        for e in manifest["pages"]
        if e["split"] == "dev" and e["tampering"] in ("none", "spliced-line")
    ]
    with ProcessPoolExecutor(args.jobs) as pool:
        results = pool.map(
            measure_page,
            [root / e["path"] for e in entries],
            entries,
            [args.words] * len(entries),
        )
        rows = [r for page in results for r in page]
    if args.dump:
        args.dump.write_text(json.dumps([r.__dict__ for r in rows], indent=1))
    spliced = [r for r in rows if r.label == "spliced"]
    clean = [r for r in rows if r.label == "untouched"]
    pages = {e["name"] for e in entries if e["tampering"] == "spliced-line"}
    found = {r.page for r in spliced}
    print(
        f"dev lines: {len(spliced)} spliced (on {len(found)} of {len(pages)} pages), "
        f"{len(clean)} untouched on {len({r.page for r in clean})} pages"
    )
    print(f"spliced-line pages without a measured spliced line: {sorted(pages - found)}")
    print("\nfeature  AUC  untouched max  spliced values")
    for f in FEATURES:
        pos = [r.values[f] for r in spliced if not math.isnan(r.values[f])]
        neg = [r.values[f] for r in clean if not math.isnan(r.values[f])]
        if not pos or not neg:
            continue
        print(
            f"{f:11s} {_auc(pos, neg):.2f}  {max(neg):6.3f}  "
            + " ".join(f"{r.page[4:7]}:{r.values[f]:.3f}" for r in spliced)
        )
    inside_spliced = [r for r in spliced if r.values["inside"]]
    inside_clean = [r for r in clean if r.values["inside"]]
    print(
        f"\ninside a block of text: {len(inside_spliced)} of {len(spliced)} spliced lines, "
        f"{len(inside_clean)} of {len(clean)} untouched lines; the untouched ones' highest:"
    )
    for f in GEOMETRY:
        values = [r.values[f] for r in inside_clean if not math.isnan(r.values[f])]
        if values:
            print(f"  {f:11s} {max(values):6.3f}")
    print("\nthe spliced line against the other lines of its own page (rank 1 = highest):")
    for f in FEATURES:
        ranks = []
        for name in sorted(found):
            own = [r for r in rows if r.page == name and not math.isnan(r.values[f])]
            for s in (r for r in own if r.label == "spliced"):
                ranks.append(1 + sum(o.values[f] > s.values[f] for o in own if o is not s))
        if not ranks:
            continue
        print(
            f"  {f:11s} rank 1 on {sum(k == 1 for k in ranks)} of {len(ranks)} pages, "
            f"ranks {sorted(ranks)}"
        )
    for fold in ("chain", "kind"):
        print(f"\nheld out by {fold}: limit = highest untouched line of the other folds")
        for f in FEATURES if args.words == "check" else GEOMETRY:
            for group, limit, hit, n_s, fa, n_c in _held_out(rows, f, fold):
                print(
                    f"  {f:7s} {group:24s} limit {limit:6.3f}  spliced above {hit}/{n_s}"
                    f"  untouched above {fa}/{n_c}"
                )
    if args.words == "check":
        print(
            "\ngeometry and print at once (print: the line's largest weighted z in glyph "
            "consistency), limits from the other folds; held-out lines above both:"
        )
        for fold in ("chain", "kind"):
            for f in GEOMETRY:
                for group, a, b, hits in _held_out_pair(rows, f, "print", fold):
                    if hits:
                        print(
                            f"  {fold} {group:24s} {f} >= {a:.2f} and print >= {b:.2f}: "
                            + ", ".join(hits)
                        )


if __name__ == "__main__":
    main()
