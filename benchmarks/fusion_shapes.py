"""Where the fused forensic heatmap marks an edit, and the fusion's shaping rules judged on dev.

Runs the ``forensics`` check's analysis (`workbench.imaging.forensic.tamper.analyse_page` with
the file's aligned double-quantisation map and the page's OCR reading, as the check runs it)
on every page of the independent corpus's **dev** split (``benchmarks/forensic_corpus.py``)
and keeps each method's map on the fused grid and the page's copy pairs (cached next to the
corpus, keyed by the corpus and the methods' code; the fusion's own code is left out of the
key, so its rules are judged without running the methods again). The test split is never
read.

It prints:

1. the diagnosis: per tampered page, the pixel F1 of the fused heatmap (thresholded at 128)
   against the edit's mask, the share of the mask it covers and the marked area outside the
   mask (as a share of the mask's area), split by the method whose weighted layer is the
   strongest at each marked pixel;
2. each rule of `workbench.imaging.forensic.fusion` (and the paper patches of
   `workbench.imaging.forensic.paper_patch`, measured on each page when loaded) with its
   constants varied, judged by
   leave-one-chain-out: for each dev scan chain in turn, the variant with the best mean pixel
   F1 on the other chains (ties go to the rule off, then to the earlier variant) scores the
   held-out chain;
3. the marked area on the untouched pages, before and after.

With ``--fresh``, the dev split and the fresh-look development set (``forensic_fresh.py``,
cached the same way) together, each of their eight chains held out in turn.

With ``--crossed N``, the same for a **dev-only** crossed set instead: the dev generator's page
and edit functions (`forensic_corpus.make_entry`, dev fonts, templates and chains) with page
indices beyond the dev split's and the double-quantisation study's (``dq_crossed.py``), hence
other seeds, every page kind on every dev chain, untouched and with a copy-move, a spliced
line or a foreign-JPEG block, N pages of each. Rules are judged there with the constants chosen
on the dev split, not chosen again.

    python benchmarks/fusion_shapes.py [--per-kind N] [--jobs N] [--crossed N] [--fresh]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402
from forensic_diagnosis import methods_stamp  # noqa: E402
from forensics_benchmark import pixel_f1  # noqa: E402
from workbench_checks.forensics.check import ForensicsCheck  # noqa: E402

from workbench.context import Context  # noqa: E402
from workbench.imaging.blocks import upsample_blocks  # noqa: E402
from workbench.imaging.forensic import fusion, paper_patch, step_outline  # noqa: E402
from workbench.imaging.forensic.tamper import CELL, analyse_page  # noqa: E402
from workbench.limits import Limits  # noqa: E402
from workbench.loading import load_document  # noqa: E402

CACHE = HERE.parent / "out" / "forensic-corpus"
#: Methods with a map on the fused grid (error levels count at most 0.4 there, below a mark).
METHODS = ("clone", "ghost", "noise", "dq", "text_clone", "glyph", "paper_step")
#: Sources left out of the cache key: the fusion is recomputed from the cached maps.
UNSTAMPED = ("fusion.py", "fusion_weights.py", "paper_patch.py", "step_outline.py")

Copy = tuple[Any, Any, float]


def page_record(entry: fc.Entry, folder: Path) -> dict[str, Any]:
    """Each method's map on the fused grid and the copy pairs of one page, as the check sees it."""
    context = Context(document=load_document(folder / entry.path, Limits()))
    gray = np.asarray(context.page_gray(0))
    notes: list[str] = []
    traces = analyse_page(
        gray,
        dq=ForensicsCheck._dq_map(context, 0, gray.shape, notes),
        read=ForensicsCheck._reader(context, 0, 1.0, notes),
    )
    copies = [(p.source, p.target, p.strength) for p in traces.clones]
    copies += [(c.source, c.target, c.strength) for c in traces.text_clones]
    return {
        "name": entry.name,
        "tampering": entry.tampering,
        "chain": entry.chain,
        "mask": entry.mask,
        "shape": traces.shape,
        "cells": {m: traces.cells[m] for m in METHODS},
        "fused": traces.cells["fused"],
        "copies": copies,
    }


def _record_of(args: tuple[fc.Entry, Path]) -> dict[str, Any]:
    return {**page_record(*args), "folder": str(args[1])}


def records(
    per_kind: int, jobs: int, crossed: int = 0, fresh: bool = False
) -> list[dict[str, Any]]:
    """The pages' records, from the cache when the corpus and the methods match.

    The dev split's pages, with `crossed` that many rounds of the crossed set, or with `fresh`
    the fresh-look development set (``forensic_fresh.py``).
    """
    if crossed:
        folder = CROSSED
        entries = crossed_set(crossed, jobs)
    elif fresh:
        import forensic_fresh as ff

        folder = CACHE / "fresh"
        entries = ff.build(CACHE)
        stamp = ff.stamp()
    else:
        folder = CACHE / "dev"
        entries = fc.build(CACHE, "dev", per_kind)
    key: dict[str, Any] = {"corpus": stamp if fresh else fc.stamp(), "per_kind": per_kind}
    key.update({"crossed": crossed, "tamperings": list(CROSSED_TAMPERINGS)} if crossed else {})
    key["methods"] = methods_stamp(UNSTAMPED)
    path = folder / "fusion_shapes.pickle"
    if path.exists():
        cached = pickle.loads(path.read_bytes())
        if cached.get("key") == key:
            return list(cached["pages"])
    with ProcessPoolExecutor(max_workers=max(jobs, 1)) as pool:
        out = list(pool.map(_record_of, [(e, folder) for e in entries]))
    path.write_bytes(pickle.dumps({"key": key, "pages": out}))
    return out


#: Where the crossed set is generated, its first page index (beyond the dev split's 0-85 and
#: the double-quantisation study's 2000 on), and its edits.
CROSSED = HERE.parent / "out" / "fusion-crossed"
CROSSED_BASE = 5000
CROSSED_TAMPERINGS = ("none", "copy-move", "spliced-line", "foreign-jpeg")


def crossed_set(rounds: int, jobs: int) -> list[fc.Entry]:
    """Generate the crossed set (reused when the generator and the plan match)."""
    from dq_crossed import KINDS  # the page kinds and letter templates of the dev generator

    CROSSED.mkdir(parents=True, exist_ok=True)
    manifest = CROSSED / "manifest.json"
    key = {"rounds": rounds, "base": CROSSED_BASE, "version": fc.stamp()}
    key["tamperings"] = list(CROSSED_TAMPERINGS)
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return [fc.Entry(**e) for e in data["pages"]]
    rows = []
    index = CROSSED_BASE
    for _ in range(rounds):
        for tampering in CROSSED_TAMPERINGS:
            for kind, template in KINDS:
                for _chain in range(len(fc.CHAINS["dev"])):
                    rows.append(("dev", index, tampering, kind, template, CROSSED))
                    index += 1
    with ProcessPoolExecutor(max_workers=max(jobs, 1)) as pool:
        entries = list(pool.map(fc.make_entry, *zip(*rows, strict=True)))
    pages = [dataclasses.asdict(e) for e in entries]
    manifest.write_text(json.dumps({"key": key, "pages": pages}, indent=0), encoding="utf-8")
    return entries


def layers(record: dict[str, Any]) -> dict[str, np.ndarray]:
    """Each method's map from the cache, as a float map in [0, 1] on the fused grid."""
    return {m: record["cells"][m].astype(np.float32) / 255.0 for m in METHODS}


def fused(record: dict[str, Any]) -> np.ndarray:
    """The page's fused grid by today's fusion (with the module's current constants)."""
    grid = record["cells"]["dq"].shape
    return fusion.fuse_maps(
        layers(record), grid, copies=record["copies"], cell=CELL, paper=record.get("paper")
    )


def page_gray(record: dict[str, Any]) -> np.ndarray:
    """The page's luminance as the check reads it."""
    folder = Path(record.get("folder", CACHE / "dev"))
    context = Context(document=load_document(folder / f"{record['name']}.jpg", Limits()))
    return np.asarray(context.page_gray(0))


def with_paper(rows: Sequence[dict[str, Any]], jobs: int = 1) -> list[dict[str, Any]]:
    """The records with each page's paper (`paper_patch.paper_blocks`), measured on load.

    The paper is measured from the page itself, not cached, so the segmentation's own
    constants can be varied without running the methods again.
    """
    with ProcessPoolExecutor(max_workers=max(jobs, 1)) as pool:
        papers = list(pool.map(_paper_of, rows))
    return [{**r, "paper": p} for r, p in zip(rows, papers, strict=True)]


def _paper_of(record: dict[str, Any]) -> paper_patch.PaperBlocks | None:
    return paper_patch.paper_blocks(page_gray(record))


def marked(record: dict[str, Any], grid: np.ndarray) -> np.ndarray:
    """Page pixels marked (128 or more) by a fused grid."""
    return upsample_blocks(grid, CELL, tuple(record["shape"])) >= 128


def mask_of(record: dict[str, Any]) -> np.ndarray:
    folder = Path(record.get("folder", CACHE / "dev"))
    return np.asarray(Image.open(folder / record["mask"])) > 0


def page_f1(record: dict[str, Any]) -> float:
    return pixel_f1(np.where(marked(record, fused(record)), 255, 0), mask_of(record))


@contextmanager
def constants(**values: Any) -> Iterator[None]:
    """Set constants of `fusion` (or of `paper_patch`, `step_outline`) for a block."""
    modules = (paper_patch, step_outline, fusion)
    homes = {k: next((m for m in modules if hasattr(m, k)), fusion) for k in values}
    old = {k: getattr(homes[k], k) for k in values}
    try:
        for k, v in values.items():
            setattr(homes[k], k, v)
        yield
    finally:
        for k, v in old.items():
            setattr(homes[k], k, v)


def diagnosis(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Per tampered page: F1, covered share of the mask, and marked area in / out per method.

    Pixels marked only because a paper patch was grown around a method's region are counted
    as the paper patch's.
    """
    out = ["| page | chain | F1 | mask covered | marked outside / mask | by method (in/out) |"]
    out.append("| --- | --- | --- | --- | --- | --- |")
    weights = fusion.DEFAULT_WEIGHTS
    for r in rows:
        if not r["mask"]:
            continue
        mask = mask_of(r)
        on = marked(r, fused(r))
        with constants(**PATCH_VARIANTS[0]):
            grown = on & ~marked(r, fused(r))  # marked only as part of a paper patch
        stack = []
        for m in METHODS:
            raw = r["cells"][m].astype(np.float32) / 255.0
            stack.append(fusion.method_layer(m, raw, weights.get(m, 1.0), CELL))
        top = upsample_blocks(np.argmax(np.stack(stack), axis=0), CELL, tuple(r["shape"]))
        area = max(int(mask.sum()), 1)
        parts = []
        for i, m in enumerate(METHODS):
            sel = on & ~grown & (top == i)
            inside, outside = int((sel & mask).sum()), int((sel & ~mask).sum())
            if inside or outside:
                parts.append(f"{m} {inside / area:.2f}/{outside / area:.2f}")
        if grown.any():
            inside, outside = int((grown & mask).sum()), int((grown & ~mask).sum())
            parts.append(f"paper patch {inside / area:.2f}/{outside / area:.2f}")
        f1 = pixel_f1(np.where(on, 255, 0), mask)
        out.append(
            f"| {r['name']} | {r['chain']} | {f1:.2f} | {(on & mask).sum() / area:.2f} | "
            f"{(on & ~mask).sum() / area:.2f} | {', '.join(parts) or 'nothing marked'} |"
        )
    return out


def per_kind(rows: Sequence[dict[str, Any]], f1: Callable[[dict[str, Any]], float]) -> str:
    """Mean pixel F1 per kind of tampering."""
    cells = []
    for kind in fc.TAMPER_KINDS:
        sel = [f1(r) for r in rows if r["tampering"] == kind]
        cells.append(f"{kind} {np.mean(sel):.3f}")
    return ", ".join(cells)


#: The copy-end rule's variants: off (a floor above any strength), and a grid of its constants.
COPY_VARIANTS: list[dict[str, float]] = [{"COPY_LEAST": 2.0}] + [
    {"COPY_SHARE": share, "COPY_LEAST": least}
    for share in (0.3, 0.5, 0.7, 0.9)
    for least in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
]


#: The paper-step rectangle rule's variants: off (no region is near a side), and tolerances.
RECT_VARIANTS: list[dict[str, float]] = [{"RECT_TOLERANCE": -(10**6)}] + [
    {"RECT_TOLERANCE": t} for t in (1, 2, 4, 6)
]
#: The paper-patch growth's variants: off (no method's region is evidence), as shipped, and
#: each of its constants a step either side (`paper_patch`; the grid they were chosen from is
#: in ``benchmarks/RESULTS.md``).
PATCH_SHIPPED: dict[str, Any] = {
    "PATCH_EVIDENCE": ("dq", "paper_step", "glyph", "noise"),
    "OFF": 3.5,
    "DISTINCT": 6.0,
    "REACH": 64,
    "POOL": 3,
}
PATCH_VARIANTS: list[dict[str, Any]] = [
    {"PATCH_EVIDENCE": ()},
    PATCH_SHIPPED,
    {**PATCH_SHIPPED, "PATCH_EVIDENCE": ("dq", "paper_step", "glyph")},
    {**PATCH_SHIPPED, "PATCH_EVIDENCE": ("dq", "paper_step")},
    *({**PATCH_SHIPPED, "OFF": v} for v in (3.0, 4.5)),
    *({**PATCH_SHIPPED, "DISTINCT": v} for v in (5.0, 8.0)),
    *({**PATCH_SHIPPED, "REACH": v} for v in (16, 128)),
    *({**PATCH_SHIPPED, "POOL": v} for v in (1, 5)),
]


def leave_one_chain_out(
    rows: Sequence[dict[str, Any]], variants: list[dict[str, Any]]
) -> list[str]:
    """Each chain held out in turn: the variant best on the others, scored on it."""
    tampered = [r for r in rows if r["mask"]]
    scores: list[dict[str, float]] = []
    for v in variants:
        with constants(**v):
            scores.append({r["name"]: page_f1(r) for r in tampered})
    out = ["| held-out chain | variant chosen on the others | held-out F1 off -> chosen |"]
    out.append("| --- | --- | --- |")
    for chain in sorted({r["chain"] for r in tampered}):
        train = [r["name"] for r in tampered if r["chain"] != chain]
        test = [r["name"] for r in tampered if r["chain"] == chain]
        best = max(range(len(variants)), key=lambda i: (np.mean([scores[i][n] for n in train]), -i))
        before = np.mean([scores[0][n] for n in test])
        after = np.mean([scores[best][n] for n in test])
        out.append(f"| {chain} | {variants[best]} | {before:.3f} -> {after:.3f} |")
    out.append("")
    out += [
        f"- {v}: all pages {np.mean(list(s.values())):.4f}"
        for v, s in zip(variants, scores, strict=True)
    ]
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=1, help="processes for the methods' runs")
    parser.add_argument("--crossed", type=int, default=0, help="rounds of the crossed set")
    parser.add_argument(
        "--fresh", action="store_true", help="the dev split and the fresh-look set together"
    )
    args = parser.parse_args(argv)
    rows = with_paper(records(args.per_kind, args.jobs, args.crossed), args.jobs)
    if args.crossed:
        crossed_report(rows)
        return
    name = "dev"
    if args.fresh:
        rows += with_paper(records(args.per_kind, args.jobs, fresh=True), args.jobs)
        name = "dev and fresh"
    tampered = [r for r in rows if r["mask"]]
    untouched = [r for r in rows if not r["mask"]]

    def cached_f1(r: dict[str, Any]) -> float:
        return pixel_f1(np.where(marked(r, r["fused"]), 255, 0), mask_of(r))

    print(f"## {name}: the fused heatmap against the edits' masks\n")
    print("\n".join(diagnosis(rows)))
    print(f"\nMean pixel F1 as the methods' run fused them: {per_kind(tampered, cached_f1)}")
    with constants(**COPY_VARIANTS[0]):
        print(f"Without the copy-end rule: {per_kind(tampered, page_f1)}")
    with constants(**RECT_VARIANTS[0]):
        print(f"Without paper-step rectangles: {per_kind(tampered, page_f1)}")
    with constants(**PATCH_VARIANTS[0]):
        print(f"Without paper patches: {per_kind(tampered, page_f1)}")
    print(f"With today's fusion: {per_kind(tampered, page_f1)}")
    print(f"\n## {name}: copy ends, leave-one-chain-out\n")
    print("\n".join(leave_one_chain_out(rows, COPY_VARIANTS)))
    print(f"\n## {name}: paper-step rectangles, leave-one-chain-out\n")
    print("\n".join(leave_one_chain_out(rows, RECT_VARIANTS)))
    print(f"\n## {name}: paper patches grown from other methods' regions, leave-one-chain-out\n")
    print("\n".join(leave_one_chain_out(rows, PATCH_VARIANTS)))
    for name, values in (("without paper patches", PATCH_VARIANTS[0]), ("as shipped", {})):
        with constants(**values):
            area = [float(marked(r, fused(r)).mean()) for r in untouched]
        print(
            f"\nUntouched pages ({len(untouched)}), {name}: with a marked pixel "
            f"{sum(a > 0 for a in area)}, largest marked share {max(area, default=0.0):.4f}"
        )


def crossed_report(rows: Sequence[dict[str, Any]]) -> None:
    """The crossed set with each rule off and as shipped: F1 per kind and chain, untouched marks."""
    tampered = [r for r in rows if r["mask"]]
    untouched = [r for r in rows if not r["mask"]]
    print(f"## crossed dev set: {len(tampered)} edited, {len(untouched)} untouched pages\n")
    runs: dict[str, dict[str, float]] = {}
    areas: dict[str, list[float]] = {}
    rules = {"all rules off": {**COPY_VARIANTS[0], **RECT_VARIANTS[0], **PATCH_VARIANTS[0]}}
    rules |= {"without copy ends": COPY_VARIANTS[0], "without rectangles": RECT_VARIANTS[0]}
    rules |= {"without paper patches": PATCH_VARIANTS[0], "as shipped": {}}
    for name, values in rules.items():
        with constants(**values):
            runs[name] = {r["name"]: page_f1(r) for r in tampered}
            areas[name] = [float(marked(r, fused(r)).mean()) for r in untouched]
    print("| kind | chain | pages | " + " | ".join(runs) + " |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in runs) + " |")
    kinds = sorted({r["tampering"] for r in tampered})
    for kind in kinds:
        for chain in [*sorted({r["chain"] for r in tampered}), "all"]:
            names = [
                r["name"]
                for r in tampered
                if r["tampering"] == kind and chain in ("all", r["chain"])
            ]
            cells = " | ".join(f"{np.mean([f[n] for n in names]):.3f}" for f in runs.values())
            print(f"| {kind} | {chain} | {len(names)} | {cells} |")
    off, on = runs["without paper patches"], runs["as shipped"]
    changed = [(n, round(off[n], 2), round(on[n], 2)) for n in on if abs(on[n] - off[n]) > 0.005]
    print(f"\nPages whose F1 changed (without paper patches -> as shipped): {changed}")
    for name, area in areas.items():
        print(
            f"Untouched pages ({len(untouched)}), {name}: with a marked pixel "
            f"{sum(a > 0 for a in area)}, largest marked share {max(area, default=0.0):.4f}"
        )


if __name__ == "__main__":
    main()
