"""Whether the same words drawn on two lines tell a spliced line from a line alone by design.

`line_font_features.py` found that a spliced line's sub-words match nothing on the page's
other lines (`unmatched`), but so do genuine lines alone in their style (bold headings, an
addressee line in a sans face, a form's line). This measures two ways to tell them apart on
the untouched pages (exemplars included) and spliced-line pages of the independent corpus's
dev split and of the fresh-look set (both development sets; the test split is never read):

* **the same words in two faces** (`word_odd`): the page's OCR words (Tesseract ``fas``,
  cached under ``ocr/`` beside the pages as `digit_features.py` caches them) give words of
  the same text on different body lines; each copy's ink, trimmed and scaled to a common
  height and width, is compared with its copies on the other lines (correlation after a
  blur, and the log ratio of their aspects). A copy is *odd* when no copy on another line
  matches it while two copies on two other lines match each other: the page draws that word
  one way and this line another. A line's figure is the count of its odd words and their
  share of its words with copies on other lines;
* **position** (`inside`): the line sits inside a paragraph: the body lines just above and
  below it lie at the page's usual line pitch, their sub-words match each other's
  (`line_font_features.unmatched` between the two), and their left and right ends lie
  within a glyph height or two of its own (the margins of one block). Headings, subject and
  date lines, signature blocks stand apart or end a block.

Printed: per page, each body line with odd words or unmatched 0.5 or more (spliced or not)
with its copies' best matches and its position; per rule the line and page AUCs as
`line_font_features.py` tables them (page: the page's highest line value, spliced-line pages
against untouched pages), the untouched pages' highest value, the spliced pages above it and
the untouched pages above 0; then how many lines each idea can reach (words with copies,
odd words, lines inside a paragraph, spliced lines at a block's end). ``--save FILE`` keeps
the per-line figures, ``--load FILE`` tables them again.

    python benchmarks/line_font_words.py [--sets dev fresh] [--save FILE | --load FILE]
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import line_font_features as lff  # noqa: E402

from workbench.imaging.forensic.glyphs import (  # noqa: E402
    MIN_LINE_SPAN,
    MIN_LINE_WORDS,
    SIZE_RATIO,
)
from workbench.ocr import default_engine  # noqa: E402

#: A word's copies are compared at this height (pixels) and at their mean width.
WORD_SIDE = 24
#: Two copies of a word match from this correlation, with aspects within this log ratio.
WORD_MATCH = 0.75
WORD_ASPECT = 0.25
#: Words of fewer letters than this are left out (one letter is too little to draw a face).
WORD_LETTERS = 2
#: Letters of the Persian and Arabic script (digits and marks left out).
_LETTERS = re.compile(r"[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u0622]")


def read_words(path: Path) -> list[tuple[str, tuple[int, int, int, int]]]:
    """The page's OCR words as (letters only, box), cached as `digit_features.py` caches them."""
    cache = path.parent / "ocr" / f"{path.stem}.json"
    if cache.exists():
        raw = json.loads(cache.read_text())
    else:
        image = Image.open(path)
        dpi = image.info.get("dpi")
        gray = np.asarray(image.convert("L"))
        words = default_engine().recognize(gray, "fas", dpi=float(dpi[0]) if dpi else None)
        raw = [[w.text, list(w.box), w.line] for w in words.page.words]
        cache.parent.mkdir(exist_ok=True)
        cache.write_text(json.dumps(raw))
    out = []
    for text, box, *_ in raw:
        letters = "".join(_LETTERS.findall(text))
        if len(letters) >= WORD_LETTERS:
            out.append((letters, (int(box[0]), int(box[1]), int(box[2]), int(box[3]))))
    return out


def word_shape(ink: np.ndarray) -> np.ndarray | None:
    """The word's ink trimmed to its rows and columns of ink; None when it has none."""
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size < 3 or cols.size < 3:
        return None
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32)


def match(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two copies scaled to `WORD_SIDE` high and their mean width; -1 when
    their aspects differ by more than `WORD_ASPECT` (log ratio)."""
    ra, rb = a.shape[1] / a.shape[0], b.shape[1] / b.shape[0]
    if abs(np.log(ra / rb)) > WORD_ASPECT:
        return -1.0
    width = max(4, round(WORD_SIDE * (ra + rb) / 2))
    flat = []
    for s in (a, b):
        small = cv2.resize(s, (width, WORD_SIDE), interpolation=cv2.INTER_AREA)
        v = cv2.GaussianBlur(small, (0, 0), 1.0).ravel()
        v = v - v.mean()
        flat.append(v / max(float(np.linalg.norm(v)), 1e-6))
    return float(flat[0] @ flat[1])


def odd_words(copies: list[tuple[int, str, np.ndarray]]) -> dict[int, dict[str, Any]]:
    """Per line: its words with copies on other lines (``shared``), how many of them are odd
    (``odd``) and each one's best match with its copies (``best``).

    ``copies``: (line, text, trimmed ink). A copy is odd when its best match with copies on
    other lines is below `WORD_MATCH` while two copies on two other lines match each other.
    """
    by_text: dict[str, list[tuple[int, np.ndarray]]] = {}
    for line, text, shape in copies:
        by_text.setdefault(text, []).append((line, shape))
    out: dict[int, dict[str, Any]] = {}
    for group in by_text.values():
        if len({ln for ln, _ in group}) < 2:
            continue
        n = len(group)
        sim = np.full((n, n), -1.0)
        for i in range(n):
            for j in range(i + 1, n):
                if group[i][0] != group[j][0]:
                    sim[i, j] = sim[j, i] = match(group[i][1], group[j][1])
        for i, (line, _) in enumerate(group):
            best = sim[i].max()
            others = [
                sim[j, k]
                for j in range(n)
                for k in range(j + 1, n)
                if group[j][0] != line and group[k][0] != line and group[j][0] != group[k][0]
            ]
            odd = best < WORD_MATCH and bool(others) and max(others) >= WORD_MATCH
            entry = out.setdefault(line, {"shared": 0, "odd": 0, "best": []})
            entry["shared"] += 1
            entry["odd"] += int(odd)
            entry["best"].append(float(best))
    return out


def mark_positions(
    lines: list[dict[str, Any]],
    shapes: list[tuple[np.ndarray, np.ndarray]],
    body: list[int],
    g: float,
) -> None:
    """Set each line's ``inside`` (and ``position`` for lines between two body lines).

    A line is inside a paragraph when the body lines just above and below lie at 0.75-1.3
    of the page's median line pitch, their right ends (the text is right to left) within
    two glyph heights of its own, the line above reaches its left end (only a paragraph's
    last line ends short), and the two neighbours' sub-words match each other's
    (`line_font_features.unmatched` between them below 0.5 both ways).
    """
    for ln in lines:
        ln["inside"] = False
    order = sorted(body, key=lambda i: lines[i]["box"][1] + lines[i]["box"][3] / 2)
    centres = [lines[i]["box"][1] + lines[i]["box"][3] / 2 for i in order]
    pitch = float(np.median(np.diff(centres))) if len(order) >= 3 else 0.0
    for k, i in enumerate(order):
        ln = lines[i]
        if k == 0 or k == len(order) - 1 or pitch <= 0:
            continue
        up, down = lines[order[k - 1]], lines[order[k + 1]]
        gaps = (centres[k] - centres[k - 1], centres[k + 1] - centres[k])
        at_pitch = all(0.75 * pitch <= d <= 1.3 * pitch for d in gaps)
        x0, x1 = ln["box"][0], ln["box"][0] + ln["box"][2]
        # Right-to-left text: the right margin is shared; the left end may end short
        # on a paragraph's last line, so only the neighbours' right ends and the line's own.
        right = all(abs((n["box"][0] + n["box"][2]) - x1) <= 2 * g for n in (up, down))
        left = up["box"][0] <= x0 + 2 * g
        pair = lff.unmatched([shapes[order[k - 1]], shapes[order[k + 1]]])
        alike = max(pair) < 0.5
        ln["inside"] = bool(at_pitch and right and left and alike)
        ln["position"] = {
            "gaps": [d / pitch for d in gaps],
            "right": right,
            "left": left,
            "neighbours_unmatched": pair,
        }


def page_lines(path: Path) -> list[dict[str, Any]]:
    """Every judged line of one page: box, body, spliced, unmatched, odd words, position."""
    mask, page, by_line = lff.page_words(path)
    lines: list[dict[str, Any]] = []
    shapes = []
    for members in by_line.values():
        if len(members) < MIN_LINE_WORDS:
            continue
        box, ink = lff.line_ink(page, members)
        measured = lff.face_features(ink) if box[2] >= MIN_LINE_SPAN * page.glyph_height else None
        if measured is None:
            continue
        inside = (
            float(mask[box[1] : box[1] + box[3], box[0] : box[0] + box[2]][ink].mean())
            if (mask is not None)
            else 0.0
        )
        size = float(np.median([m.box.height for m in members]))
        lines.append({"box": list(box), "size": size, "spliced": inside >= 0.5})
        shapes.append(lff.sub_word_shapes(ink, measured[0]))
    typical = float(np.median([ln["size"] for ln in lines])) if lines else 1.0
    for ln, share in zip(lines, lff.unmatched(shapes), strict=True):
        ln["unmatched"] = share
        ln["body"] = 1.0 / SIZE_RATIO < ln["size"] / typical < SIZE_RATIO
    body = [i for i, ln in enumerate(lines) if ln["body"]]
    # The same words on two lines.
    copies = []
    for text, (x, y, w, h) in read_words(path):
        cy = y + h / 2
        owner = [
            i
            for i in body
            if lines[i]["box"][1] <= cy <= lines[i]["box"][1] + lines[i]["box"][3]
            and x < lines[i]["box"][0] + lines[i]["box"][2]
            and x + w > lines[i]["box"][0]
        ]
        if len(owner) != 1:
            continue
        shape = word_shape(page.ink[y : y + h, x : x + w])
        if shape is not None:
            copies.append((owner[0], text, shape))
    odd = odd_words(copies)
    for i, ln in enumerate(lines):
        ln.update(odd.get(i, {"shared": 0, "odd": 0, "best": []}))
    mark_positions(lines, shapes, body, page.glyph_height)
    return lines


def measure(sets: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Untouched and spliced-line pages of ``sets``."""
    pages = {}
    for name in sets:
        for path in sorted((lff.CORPUS / name).glob("*.jpg")):
            if lff.untouched(path.stem) or "-spliced-line-" in path.stem:
                pages[path.stem] = page_lines(path)
    return pages


def table(pages: dict[str, list[dict[str, Any]]]) -> None:
    """Per page the lines that stand out, per rule the line and page AUCs."""
    rules: dict[str, Callable[[dict[str, Any]], float]] = {
        "unmatched": lambda ln: ln["unmatched"],
        "odd words (count)": lambda ln: ln["odd"],
        "odd share (3+ shared)": lambda ln: ln["odd"] / ln["shared"] if ln["shared"] >= 3 else 0,
        "odd 2+ and share 0.5+": lambda ln: float(
            ln["odd"] >= 2 and ln["odd"] >= 0.5 * ln["shared"]
        ),
        "inside": lambda ln: float(ln["inside"]),
        "lowest best match": lambda ln: 1.0 - min(ln["best"], default=1.0),
        "median best match": lambda ln: 1.0 - float(np.median(ln["best"])) if ln["best"] else 0.0,
        "unmatched, a copy below match": lambda ln: (
            ln["unmatched"] * (min(ln["best"], default=1.0) < WORD_MATCH)
        ),
        "unmatched, median copy below match": lambda ln: (
            ln["unmatched"] * (float(np.median(ln["best"])) < WORD_MATCH if ln["best"] else 0.0)
        ),
        "unmatched, inside only": lambda ln: ln["unmatched"] * ln["inside"],
        "unmatched x odd share": lambda ln: ln["unmatched"] * (ln["odd"] / max(ln["shared"], 1)),
        "unmatched, odd 2+": lambda ln: ln["unmatched"] * (ln["odd"] >= 2),
        "unmatched, inside or odd 2+": lambda ln: (
            ln["unmatched"] * (ln["inside"] or ln["odd"] >= 2)
        ),
    }
    for name, lines in pages.items():
        for ln in lines:
            if ln["body"] and (ln["spliced"] or ln["odd"] or ln["unmatched"] >= 0.5):
                what = "SPLICED" if ln["spliced"] else "genuine"
                print(
                    f"{name} {what} {ln['box']} unmatched {ln['unmatched']:.2f} "
                    f"odd {ln['odd']}/{ln['shared']} best {[round(b, 2) for b in ln['best']]} "
                    f"inside {ln['inside']} {ln.get('position', '')}"
                )
    for split in ("dev", "fresh"):
        names = [n for n in pages if n.startswith(split)]
        if not names:
            continue
        print(
            f"\n{split}: rule | line AUC | page AUC | untouched highest | spliced pages above it"
            " | untouched pages above 0"
        )
        for label, rule in rules.items():
            pos, neg, sp, un = [], [], [], []
            for n in names:
                values = [(float(rule(ln)), ln["spliced"]) for ln in pages[n] if ln["body"]]
                pos += [v for v, s in values if s]
                neg += [v for v, s in values if not s]
                top = max((v for v, _ in values), default=0.0)
                (sp if "-spliced-" in n else un).append(top)
            limit = max(un)
            print(
                f"{label} | {lff.auc(pos, neg):.2f} | {lff.auc(sp, un):.2f} | {limit:.2f} | "
                f"{sum(v > limit for v in sp)} of {len(sp)} | {sum(v > 0 for v in un)} of {len(un)}"
            )


def summary(pages: dict[str, list[dict[str, Any]]]) -> None:
    """How many lines each idea can reach: copies, odd words, lines inside a paragraph."""
    for split in ("dev", "fresh"):
        names = [n for n in pages if n.startswith(split)]
        if not names:
            continue
        body = [ln for n in names for ln in pages[n] if ln["body"]]
        genuine = [ln for ln in body if not ln["spliced"]]
        spliced = [ln for ln in body if ln["spliced"]]
        alone = [ln for ln in genuine if ln["unmatched"] >= 0.5]
        untouched = [n for n in names if "-spliced-" not in n]
        print(f"\n{split}: {len(body)} body lines, {len(spliced)} spliced")
        copied = sorted(ln["shared"] for ln in spliced)
        print(
            f"  spliced lines' words with copies on other body lines {copied}, "
            f"odd {sorted(ln['odd'] for ln in spliced)}"
        )
        print(
            f"  genuine lines with 2+ copied words {sum(ln['shared'] >= 2 for ln in genuine)} of "
            f"{len(genuine)}, with 1+ odd {sum(ln['odd'] >= 1 for ln in genuine)}, 2+ odd "
            f"{sum(ln['odd'] >= 2 for ln in genuine)}; untouched pages with an odd word "
            f"{sum(any(ln['body'] and ln['odd'] for ln in pages[n]) for n in untouched)} of "
            f"{len(untouched)}"
        )
        print(
            f"  genuine lines unmatched 0.5+: {len(alone)}, with a copied word "
            f"{sum(ln['shared'] > 0 for ln in alone)}, inside a paragraph "
            f"{sum(ln['inside'] for ln in alone)}"
        )
        for label, group in (("genuine", genuine), ("spliced", spliced)):
            best = np.array([b for ln in group for b in ln["best"]])
            if best.size:
                print(
                    f"  {label} copies' best match: median {np.median(best):.2f}, below "
                    f"{WORD_MATCH}: {np.mean(best < WORD_MATCH):.2f} of {best.size}"
                )
        inside = sum(ln["inside"] for ln in genuine)
        print(
            f"  inside a paragraph: genuine {inside} of {len(genuine)}, "
            f"spliced {sum(ln['inside'] for ln in spliced)} of {len(spliced)}"
        )
        ends = sum("position" not in ln for ln in spliced)
        print(f"  spliced lines that are the first or last body line: {ends} of {len(spliced)}")
        for ln in spliced:
            if "position" in ln:
                where = ln["position"]
                gaps = ", ".join(f"{d:.2f}" for d in where["gaps"])
                print(
                    f"  a spliced line between body lines: gaps {gaps} pitches, right margin "
                    f"{where['right']}, left {where['left']}, neighbours unmatched "
                    f"{[round(v, 2) for v in where['neighbours_unmatched']]}"
                )


def main() -> None:
    pages = lff.measured_pages(measure, __doc__ or "")
    table(pages)
    summary(pages)


if __name__ == "__main__":
    main()
