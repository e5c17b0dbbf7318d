"""Whether a spliced line's type face sets it apart from the page's other body lines.

A line spliced into a page is typeset with the fonts the forger has at hand, rarely the page's
own face; where its paper and print match the page, its letter shapes may still differ. This
measures, on the untouched pages (exemplars included) and spliced-line pages of the
independent corpus's dev split
(``benchmarks/forensic_corpus.py``) and of the fresh-look set (``benchmarks/forensic_fresh.py``;
both are development sets, the test split is never read), whether figures of a line's face
tell the spliced line from the page's genuine body lines.

The page's words (`workbench.imaging.words.find_words`) are grouped into lines as glyph
consistency groups them (`glyphs._assign_lines`); a line is judged when it has
`glyphs.MIN_LINE_WORDS` words and spans `glyphs.MIN_LINE_SPAN` glyph heights, and is a body
line when its words' median height lies within `glyphs.SIZE_RATIO` of the judged lines' median
(headings and letterhead lines are other sizes). Each line's own ink (its words' ink, other
words' left out) is described by figures normalised by the line's ink height (5th to 95th
percentile of its ink rows), so that resolution and type size drop out (`face_features`):

* ``core``: share of the ink in the baseline band (rows with 40% of the densest row's ink);
* ``ascender``: reach of the ink above the baseline (2nd percentile of its rows);
* ``stroke``: mean stroke width (ridges of the distance transform, as `lines.stroke_width`);
* ``contrast``: spread of the ridge widths against their mean (thick and thin strokes);
* ``density``: ink per unit of line length;
* ``part``: median width of the line's connected components (sub-words);
* ``trace``: ink per unit of line length per stroke width, about the length of the strokes
  per unit of line length (a bolder weight of one face keeps it; another face need not);
* ``unmatched``: the share of the line's sub-words (connected components as tall as a third
  of its ink height) whose shape, scaled to a common size, correlates below 0.8 with every
  sub-word of like proportions on the page's other judged lines (`unmatched`): text in one
  face repeats its letters from line to line, another face draws them otherwise.

Each figure becomes a robust z of the line against the page's *other* body lines (median and
1.4826 MAD, with a floor of `FLOORS` times the median) when the page has at least
`MIN_BODY_LINES` body lines. A line is spliced when at least half of its ink lies in the
page's mask. Printed: per page, the spliced line's z and the untouched lines that stand out
(|z| 4 or more on some figure, with their stroke-width ratio to the page's body lines); per
figure and per rule (a line's k-th largest |z| over families of figures, ``weight`` being
stroke and density together), the line-level AUC (spliced lines against every genuine body
line of both kinds of page) and the page-level AUC (the page's highest value, spliced-line
pages against untouched pages) with the untouched pages' highest value and the spliced pages
above it. ``--save FILE`` keeps the per-line figures, ``--load FILE`` tables them again.

    python benchmarks/line_font_features.py [--sets dev fresh] [--save FILE | --load FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from workbench.geometry import union_box  # noqa: E402
from workbench.imaging.components import components_with_stats  # noqa: E402
from workbench.imaging.forensic.glyphs import (  # noqa: E402
    MIN_LINE_SPAN,
    MIN_LINE_WORDS,
    SIZE_RATIO,
    _assign_lines,
)
from workbench.imaging.words import PageWords, Word, find_words  # noqa: E402

CORPUS = HERE.parent / "out" / "forensic-corpus"
#: Floor of each figure's spread among the page's body lines, as a share of its median.
FLOORS: dict[str, float] = {
    "core": 0.05,
    "ascender": 0.05,
    "stroke": 0.06,
    "contrast": 0.05,
    "density": 0.06,
    "part": 0.08,
    "trace": 0.05,
    "unmatched": 0.0,
}
#: Families of figures: stroke width and ink per length both measure the weight.
FAMILIES: dict[str, tuple[str, ...]] = {
    "weight": ("stroke", "density"),
    "contrast": ("contrast",),
    "core": ("core",),
    "ascender": ("ascender",),
    "part": ("part",),
    "trace": ("trace",),
}
#: Figures that a bolder weight of the page's own face leaves alone (its letter shapes).
SHAPE = ("core", "ascender", "part", "trace")
#: Sub-word shapes (`sub_word_shapes`, `unmatched`): components at least this share of the
#: line's ink height, resized to this side, alike within these log ratios of aspect and
#: height, matched from this correlation.
SHAPE_LEAST = 0.35
SHAPE_SIDE = 16
SHAPE_ALIKE = 0.3
SHAPE_MATCH = 0.8
#: Absolute floors of a figure's spread, where its median can be 0.
ABSOLUTE_FLOORS: dict[str, float] = {"unmatched": 0.05}
#: A page is judged when it has at least this many body lines.
MIN_BODY_LINES = 5


def face_features(ink: np.ndarray) -> tuple[float, dict[str, float]] | None:
    """Ink height (pixels) and the face figures of one line's ink; None with too little ink."""
    total = int(np.count_nonzero(ink))
    if total < 200:
        return None
    rows = ink.sum(axis=1).astype(np.float64)
    cum = np.cumsum(rows) / rows.sum()
    height = float(max(1, int(np.searchsorted(cum, 0.95)) - int(np.searchsorted(cum, 0.05)) + 1))
    base = int(np.argmax(rows))
    dist = cv2.distanceTransform(
        np.pad(ink, 1).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE
    )[1:-1, 1:-1]
    ridge = (dist >= cv2.dilate(dist, np.ones((3, 3), np.float32))) & ink
    widths = dist[ridge] * 2.0
    _, _, stats, _ = components_with_stats(ink.astype(np.uint8))
    areas = stats[1:, cv2.CC_STAT_AREA]
    parts = stats[1:, cv2.CC_STAT_WIDTH][areas >= max(4.0, 0.05 * height * height)]
    if widths.size < 20 or parts.size == 0:
        return None
    mean_w = float(widths.mean())
    return height, {
        "core": float(rows[rows >= 0.4 * float(rows.max())].sum()) / float(rows.sum()),
        "ascender": float(base - int(np.searchsorted(cum, 0.02))) / height,
        "stroke": (mean_w - 1.0) / height,
        "contrast": float(widths.std()) / max(mean_w, 1.0),
        "density": total / (ink.shape[1] * height),
        "part": float(np.median(parts)) / height,
        "trace": total / (max(mean_w - 1.0, 1.0) * ink.shape[1]),
    }


def sub_word_shapes(ink: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray]:
    """The line's sub-words (connected components) as shapes to compare across lines.

    Components lower than `SHAPE_LEAST` of the line's ink height (dots, marks) are left out.
    Each is resized to `SHAPE_SIDE` pixels square, blurred (sigma 1) and normalised to zero
    mean and unit length, so that the dot product of two is their correlation. Returns the
    (n, SHAPE_SIDE**2) shapes and the (n, 2) log aspect ratio and log height against the
    line's ink height (two sub-words are compared only when both are alike).
    """
    count, labels, stats, _ = components_with_stats(ink.astype(np.uint8))
    shapes, sizes = [], []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if h < SHAPE_LEAST * height or area < 10:
            continue
        own = (labels[y : y + h, x : x + w] == i).astype(np.float32)
        small = cv2.resize(own, (SHAPE_SIDE, SHAPE_SIDE), interpolation=cv2.INTER_AREA)
        flat = cv2.GaussianBlur(small, (0, 0), 1.0).ravel()
        flat = flat - flat.mean()
        norm = float(np.linalg.norm(flat))
        if norm > 1e-6:
            shapes.append(flat / norm)
            sizes.append((np.log(w / h), np.log(h / height)))
    side = SHAPE_SIDE * SHAPE_SIDE
    return np.array(shapes, np.float32).reshape(-1, side), np.array(sizes).reshape(-1, 2)


def unmatched(lines: list[tuple[np.ndarray, np.ndarray]]) -> list[float]:
    """Per line, the share of its sub-words with no close match on the page's other lines.

    Text in one face repeats its letters and sub-words from line to line; a line in another
    face draws the same letters otherwise. A sub-word's match is its highest correlation
    with a sub-word of another judged line of like aspect and height (log ratios within
    `SHAPE_ALIKE`); below `SHAPE_MATCH` it has none. Lines with fewer than five sub-words
    get 0.
    """
    if sum(len(s) for s, _ in lines) == 0:
        return [0.0] * len(lines)
    owner = np.concatenate([np.full(len(s), i) for i, (s, _) in enumerate(lines)])
    shapes = np.concatenate([s for s, _ in lines])
    sizes = np.concatenate([z for _, z in lines])
    sim = shapes @ shapes.T
    alike = (np.abs(sizes[:, None, :] - sizes[None, :, :]) < SHAPE_ALIKE).all(axis=2)
    best = np.where(alike & (owner[:, None] != owner[None, :]), sim, -1.0).max(axis=1)
    out = []
    for i in range(len(lines)):
        mine = best[owner == i]
        out.append(float(np.mean(mine < SHAPE_MATCH)) if mine.size >= 5 else 0.0)
    return out


def line_ink(page: PageWords, members: list[Word]) -> tuple[tuple[int, int, int, int], np.ndarray]:
    """The union box of ``members`` and their own ink inside it."""
    x, y, w, h = union_box((m.box.x, m.box.y, m.box.width, m.box.height) for m in members)
    mine = np.zeros((h, w), bool)
    for m in members:
        b = m.box
        mine[b.y - y : b.y - y + b.height, b.x - x : b.x - x + b.width] |= page.word_ink(m)
    return (x, y, w, h), mine


def page_words(
    path: Path,
) -> tuple[np.ndarray | None, PageWords, dict[int, list[Word]]]:
    """A corpus page: its edit's mask (None untouched), its words, its words by line.

    Lines as glyph consistency groups them. Shared with `line_font_words`.
    """
    gray = np.asarray(Image.open(path).convert("L"))
    mask_path = path.with_suffix(".mask.png")
    mask = np.asarray(Image.open(mask_path).convert("L")) > 0 if mask_path.exists() else None
    page = find_words(gray)
    words = list(page.words)
    by_line: dict[int, list[Word]] = {}
    for word, k in zip(words, _assign_lines(words, page.glyph_height), strict=True):
        by_line.setdefault(k, []).append(word)
    return mask, page, by_line


def page_lines(path: Path) -> list[dict[str, Any]]:
    """The face figures of every judged line of one page, with whether it is the spliced one."""
    mask, page, by_line = page_words(path)
    judged = []
    shapes: list[tuple[np.ndarray, np.ndarray]] = []
    for members in by_line.values():
        if len(members) < MIN_LINE_WORDS:
            continue
        box, ink = line_ink(page, members)
        measured = face_features(ink) if box[2] >= MIN_LINE_SPAN * page.glyph_height else None
        if measured is None:
            continue
        inside = 0.0
        if mask is not None:
            x, y, w, h = box
            inside = float(mask[y : y + h, x : x + w][ink].mean())
        size = float(np.median([m.box.height for m in members]))
        judged.append((box, len(members), size, measured, inside >= 0.5))
        shapes.append(sub_word_shapes(ink, measured[0]))
    for (_, _, _, (_, features), _), share in zip(judged, unmatched(shapes), strict=True):
        features["unmatched"] = share
    typical = float(np.median([j[2] for j in judged])) if judged else 1.0
    return [
        {
            "box": list(box),
            "words": count,
            "height": height,
            "body": 1.0 / SIZE_RATIO < size / typical < SIZE_RATIO,
            "features": features,
            "spliced": spliced,
        }
        for box, count, size, (height, features), spliced in judged
    ]


def measure(sets: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Every page of ``sets`` (folders under the corpus)."""
    pages: dict[str, list[dict[str, Any]]] = {}
    for name in sets:
        for path in sorted((CORPUS / name).glob("*.jpg")):
            if not path.name.endswith(".mask.png"):
                pages[path.stem] = page_lines(path)
    return pages


def untouched(name: str) -> bool:
    """Whether a page of the corpus is untouched (a page of no edit, or an exemplar)."""
    return "-none-" in name or "-exemplar-" in name


def zscores(body: list[dict[str, Any]]) -> list[dict[str, float]]:
    """Robust z of each body line's figures against the page's other body lines."""
    if len(body) < MIN_BODY_LINES:
        return []
    out = []
    for i, line in enumerate(body):
        z = {}
        for name, floor in FLOORS.items():
            others = np.array([b["features"][name] for j, b in enumerate(body) if j != i])
            median = float(np.median(others))
            spread = max(
                1.4826 * float(np.median(np.abs(others - median))),
                floor * abs(median),
                ABSOLUTE_FLOORS.get(name, 0.0),
            )
            z[name] = (line["features"][name] - median) / spread
        out.append(z)
    return out


def kth_family(k: int, families: tuple[str, ...]) -> Callable[[dict[str, float]], float]:
    """A line's k-th largest |z| over ``families`` (a family's |z|: its largest figure's)."""

    def score(z: dict[str, float]) -> float:
        values = sorted((max(abs(z[f]) for f in FAMILIES[fam]) for fam in families), reverse=True)
        return values[k - 1]

    return score


def _absolute(name: str) -> Callable[[dict[str, float]], float]:
    """A line's |z| on one figure."""
    return lambda z: abs(z[name])


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a positive scores above a negative (ties count half)."""
    if not pos or not neg:
        return float("nan")
    p, n = np.array(pos)[:, None], np.array(neg)[None, :]
    return float((p > n).mean() + 0.5 * (p == n).mean())


def table(pages: dict[str, list[dict[str, Any]]]) -> None:
    """Print the per-page lines that matter and the per-rule AUCs (see the module docstring)."""
    judged: dict[str, list[tuple[dict[str, Any], dict[str, float]]]] = {}
    for name, lines in pages.items():
        if not untouched(name) and "-spliced-line-" not in name:
            continue
        body = [ln for ln in lines if ln["body"]]
        zs = zscores(body)
        judged[name] = list(zip(body, zs, strict=False))
        spliced = [ln for ln in lines if ln["spliced"]]
        if "-spliced-" in name and not any(ln["spliced"] for ln, _ in judged[name]):
            why = "not a judged line" if not spliced else "not among the body lines"
            if spliced and spliced[0]["body"]:
                why = f"only {len(body)} body lines"
            print(f"{name}: spliced line {why}")
        if not zs:
            continue
        stroke = float(np.median([ln["features"]["stroke"] for ln in body]))
        for ln, z in judged[name]:
            if ln["spliced"] or max(abs(v) for v in z.values()) >= 4.0:
                ratio = ln["features"]["stroke"] / stroke
                what = "SPLICED" if ln["spliced"] else "genuine"
                zt = " ".join(f"{k} {v:+.1f}" for k, v in z.items())
                share = ln["features"]["unmatched"]
                print(f"{name} {what} {ln['box']} stroke x{ratio:.2f} unmatched {share:.2f}: {zt}")
    rules: dict[str, Callable[[dict[str, float]], float]] = {
        name: _absolute(name) for name in FLOORS
    }
    rules["stroke (heavier only)"] = lambda z: z["stroke"]
    rules["unmatched (more only)"] = lambda z: z["unmatched"]
    for k in (1, 2, 3):
        rules[f"{k}-th family, all"] = kth_family(k, tuple(FAMILIES))
        rules[f"{k}-th family, shape"] = kth_family(k, SHAPE)
    for split in ("dev", "fresh"):
        names = [n for n in judged if n.startswith(split)]
        if not names:
            continue
        lines_in = sum(1 for n in names for ln, _ in judged[n] if ln["spliced"])
        print(f"\n{split}: {lines_in} spliced lines among judged body lines")
        print("rule | line AUC | page AUC | untouched pages' highest | spliced pages above it")
        for label, rule in rules.items():
            pos: list[float] = []
            neg: list[float] = []
            spliced_pages: list[float] = []
            untouched_pages: list[float] = []
            for n in names:
                values = [(rule(z), ln["spliced"]) for ln, z in judged[n]]
                pos += [v for v, s in values if s]
                neg += [v for v, s in values if not s]
                top = max((v for v, _ in values), default=0.0)
                (spliced_pages if "-spliced-" in n else untouched_pages).append(top)
            limit = max(untouched_pages)
            above = sum(v > limit for v in spliced_pages)
            print(
                f"{label} | {auc(pos, neg):.2f} | {auc(spliced_pages, untouched_pages):.2f} | "
                f"{limit:.1f} | {above} of {len(spliced_pages)}"
            )


#: Kinds of page of the corpus, as their file names say.
KINDS = ("spliced-line", "copy-move", "retyped-digits", "foreign-jpeg")


def fused_estimate(pages: dict[str, list[dict[str, Any]]]) -> None:
    """What a notice-level line score would do to the check's page scores, per kind.

    The check's own page scores are read from the set's cached benchmark results
    (``check.json`` beside the pages, written by ``benchmarks/fresh_benchmark.py``); each page's
    highest line value under a rule is mapped from z 4 to 8 onto 0..1, capped at ``cap`` (a
    notice: it never warns alone) and joined to the page's score by noisy-OR, as
    `fusion.tamper_score` joins the methods. Image-level AUC per kind against the untouched
    pages, before and after, and the untouched pages' highest score after.
    """
    rules: dict[str, Callable[[dict[str, float]], float]] = {
        "density": lambda z: abs(z["density"]),
        "heavier (stroke and density)": lambda z: min(z["stroke"], z["density"]),
        "2-th family, all": kth_family(2, tuple(FAMILIES)),
        "unmatched (more only)": lambda z: z["unmatched"],
    }
    for split in ("dev", "fresh"):
        cached = CORPUS / split / "check.json"
        if not cached.exists():
            continue
        scores = {p["name"]: p["score"] for p in json.loads(cached.read_text())["pages"]}
        print(f"\n{split}: the check's cached page scores with a line score joined (AUC per kind)")
        for label, rule in rules.items():
            for cap in (0.3, 0.45):
                after: dict[str, float] = {}
                for name, base in scores.items():
                    body = [ln for ln in pages.get(name, []) if ln["body"]]
                    top = max((rule(z) for z in zscores(body)), default=0.0)
                    line = cap * float(np.clip((top - 4.0) / 4.0, 0.0, 1.0))
                    after[name] = 1.0 - (1.0 - base) * (1.0 - line)
                cells = []
                for kind in KINDS:
                    pos = [n for n in scores if f"-{kind}-" in n]
                    neg = [n for n in scores if untouched(n)]
                    before = auc([scores[n] for n in pos], [scores[n] for n in neg])
                    now = auc([after[n] for n in pos], [after[n] for n in neg])
                    cells.append(f"{kind} {before:.2f}->{now:.2f}")
                top_untouched = max(v for n, v in after.items() if untouched(n))
                print(f"{label}, cap {cap}: {', '.join(cells)}; untouched max {top_untouched:.2f}")


def measured_pages(measure_sets: Callable[[list[str]], Any], description: str) -> Any:
    """The per-line figures from the command line: measured on ``--sets`` or read (``--load``).

    ``--save`` keeps what was measured in a JSON file, so that the tables can be redone
    without measuring again. Shared with `line_font_words`.
    """
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["dev", "fresh"])
    parser.add_argument("--save", help="keep the per-line figures in this JSON file")
    parser.add_argument("--load", help="table the per-line figures of this JSON file")
    args = parser.parse_args()
    if args.load:
        return json.loads(Path(args.load).read_text())
    pages = measure_sets(args.sets)
    if args.save:
        Path(args.save).write_text(json.dumps(pages))
    return pages


def main() -> None:
    pages = measured_pages(measure, __doc__ or "")
    table(pages)
    fused_estimate(pages)


if __name__ == "__main__":
    main()
