"""Text copy-move, pair by pair, on the dev split and the fresh-look set.

For every copy-move page: how many words were found at each end of the copy, whether the
copied word was paired with its source and compared, and where that pair's difference lay
against the method's three references (`workbench.imaging.forensic.textclone`): the page's
paper floor (`ratio`), the page's next-closest pair of another displacement (`next`) and a
simulated copy of the word saved once at the file's JPEG quality (`resave`, `copy_floor`);
then the strength text copy-move gives the page. For every scan chain, the closest genuine
pair of its untouched pages against the same references, so that a copy's figures can be
read against what two prints of a word differ by on the same chain.

Both sets are development sets; the test split of the corpus is never read here.

    python benchmarks/textclone_pairs.py [--set fresh|dev]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402
import forensic_fresh as ff  # noqa: E402

from workbench.formats.jpeg import estimate_quality, parse_jpeg  # noqa: E402
from workbench.geometry import Box  # noqa: E402
from workbench.imaging.forensic.textclone import (  # noqa: E402
    next_pair,
    paper_floor,
    text_clones,
    word_pairs,
)
from workbench.imaging.forensic.textclone_resave import copy_floor  # noqa: E402
from workbench.imaging.words import find_words  # noqa: E402

CACHE = HERE.parent / "out" / "forensic-corpus"


def _touches(box: Box, edge: Sequence[int]) -> bool:
    x0, y0, x1, y1 = edge
    return box.x < x1 and x0 < box.x + box.width and box.y < y1 and y0 < box.y + box.height


def page_pairs(entry: fc.Entry, folder: Path) -> dict[str, Any]:
    """The page's compared pairs with their three ratios, and text copy-move's verdict."""
    path = folder / entry.path
    data = path.read_bytes()
    tables = parse_jpeg(data).quantization_tables
    estimate = estimate_quality({0: tables[0]})
    quality = estimate.quality if estimate is not None else None
    gray = np.ascontiguousarray(np.asarray(Image.open(path).convert("L")))
    page = find_words(gray)
    measured = word_pairs(gray, page)
    record: dict[str, Any] = {"quality": quality, "pairs": [], "strength": 0.0}
    edges = entry.boxes if entry.tampering == "copy-move" else []
    record["words"] = [sum(1 for w in page.words if _touches(w.box, e)) for e in edges]
    if not measured:
        return record
    sizes = np.array([(m[0].width, m[0].height) for m in measured])
    width, height = (int(v) for v in np.median(sizes, axis=0))
    floor = paper_floor(gray, page.ink, (width, height))
    record["floor"] = floor
    ranked = sorted(measured, key=lambda m: m[3])
    for src, tgt, shift, difference in ranked[:40]:
        nearest = next_pair(ranked, shift)
        simulated = copy_floor(gray, src, tgt, quality) if quality is not None else None
        at_copy = len(edges) == 2 and (
            (_touches(src, edges[0]) and _touches(tgt, edges[1]))
            or (_touches(src, edges[1]) and _touches(tgt, edges[0]))
        )
        record["pairs"].append(
            {
                "copy": at_copy,
                "edit": any(_touches(src, e) or _touches(tgt, e) for e in entry.boxes),
                "ratio": difference / floor if floor else None,
                "next": difference / nearest if nearest else None,
                "resave": difference / simulated if simulated else None,
            }
        )
    scan = text_clones(gray, words=page, quality=quality)
    record["strength"] = max((c.strength for c in scan.clones), default=0.0)
    return record


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def report(name: str) -> list[str]:
    """Markdown tables of set `name`: its copy-move pages, then its chains' genuine pairs."""
    entries = ff.build(CACHE) if name == "fresh" else fc.build(CACHE, "dev", 16)
    folder = CACHE / name
    records = {e.name: page_pairs(e, folder) for e in entries}
    lines = [
        "| page | chain | quality | words at ends | copy compared | ratio | next | resave "
        "| text copy-move |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in entries:
        if e.tampering != "copy-move":
            continue
        r = records[e.name]
        copies = [p for p in r["pairs"] if p["copy"]]
        best = min(copies, key=lambda p: p["resave"] or p["ratio"] or 9.0) if copies else None
        lines.append(
            f"| {e.name} | {e.chain} | {r['quality']} | {' / '.join(map(str, r['words']))} "
            f"| {'yes' if copies else 'no'} | {_f(best and best['ratio'])} "
            f"| {_f(best and best['next'])} | {_f(best and best['resave'])} "
            f"| {r['strength']:.2f} |"
        )
    lines += [
        "",
        "| chain | untouched pages: lowest ratio | lowest next | lowest resave "
        "| pages of other kinds, away from the edit: lowest resave |",
        "| --- | --- | --- | --- | --- |",
    ]
    for chain in sorted({e.chain for e in entries}):
        untouched = [
            p
            for e in entries
            if e.chain == chain and e.tampering in ("none", "exemplar")
            for p in records[e.name]["pairs"]
        ]
        others = [
            p
            for e in entries
            if e.chain == chain and e.tampering not in ("none", "exemplar", "copy-move")
            for p in records[e.name]["pairs"]
            if not p["edit"]
        ]

        def low(pairs: list[dict[str, Any]], key: str) -> float | None:
            return min((p[key] for p in pairs if p[key] is not None), default=None)

        lines.append(
            f"| {chain} | {_f(low(untouched, 'ratio'))} | {_f(low(untouched, 'next'))} "
            f"| {_f(low(untouched, 'resave'))} | {_f(low(others, 'resave'))} |"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("fresh", "dev"), action="append")
    args = parser.parse_args(argv)
    for name in args.set or ["fresh", "dev"]:
        print("\n".join(report(name)))
        print()


if __name__ == "__main__":
    main()
