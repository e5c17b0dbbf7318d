"""Why forensics tuned on one corpus split does or does not hold on the other: per-method scores.

Runs every method of `workbench.imaging.forensic.tamper.analyse_page` (with the file's aligned
double-quantisation map, as the ``forensics`` check does) on each page of both splits of the
independent corpus (``benchmarks/forensic_corpus.py``) and records, per page, each method's
page score and its pixel F1 against the edit's mask. The per-page records are cached next to
the corpus (``scores.json`` of each split, keyed by the corpus and the methods' versions), so
that fusion and thresholds can be studied without running the methods again.

It prints, per split, the AUC of each method alone for each kind of tampering against the
untampered pages, the same per scan chain, and the median score of untampered and tampered
pages: which method's signal vanishes on which chain or font.

    python benchmarks/forensic_diagnosis.py [--split dev|test] [--per-kind N]
"""

from __future__ import annotations

import argparse
import hashlib
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
from forensics_benchmark import auc, pixel_f1  # noqa: E402

from workbench.imaging.forensic.dq_map import DqMap, dq_map_of_bytes  # noqa: E402
from workbench.imaging.forensic.fusion import tamper_score  # noqa: E402
from workbench.imaging.forensic.tamper import MAP_METHODS, analyse_page  # noqa: E402

CACHE = HERE.parent / "out" / "forensic-corpus"
UNTAMPERED = ("none", "exemplar")
METHODS = ("clone", "ghost", "noise", "ela", "dq", "text_clone", "glyph", "paper_step")


def page_record(entry: fc.Entry, folder: Path) -> dict[str, Any]:
    """Every method's score and pixel F1 on one page of the corpus."""
    data = (folder / entry.path).read_bytes()
    gray = np.asarray(Image.open(folder / entry.path).convert("L"))
    dq = dq_map_of_bytes(data)
    traces = analyse_page(gray, dq=dq if isinstance(dq, DqMap) else None)
    record: dict[str, Any] = {
        "name": entry.name,
        "tampering": entry.tampering,
        "chain": entry.chain,
        "font": entry.font,
        "page_kind": entry.page_kind,
        "scores": {k: round(float(v), 4) for k, v in traces.scores.items()},
        "tamper_score": round(traces.tamper_score, 4),
        "f1": {},
    }
    if entry.mask:
        mask = np.asarray(Image.open(folder / entry.mask)) > 0
        for method in (*MAP_METHODS, "fused"):
            heat = traces.heatmap if method == "fused" else traces.map(method)
            if method == "ela":
                continue
            record["f1"][method] = round(pixel_f1(heat, mask), 4)
    return record


#: Sources left out of the cache key: the fitted fusion weights change no method's own
#: score, and the fused score is recomputed from those on every load (`records`).
UNSTAMPED = ("fusion_weights.py",)


def methods_stamp(unstamped: tuple[str, ...] = UNSTAMPED) -> str:
    """Hash of the methods' source (the imaging modules and the check), for the cache key.

    Files named in `unstamped` are left out (a cache that recomputes from them on load).
    """
    digest = hashlib.sha256()
    root = HERE.parent
    for path in sorted(
        [
            *(root / "workbench" / "imaging").rglob("*.py"),
            *(root / "checks" / "forensics").glob("*.py"),
        ]
    ):
        if path.name not in unstamped:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _record_of(args: tuple[fc.Entry, Path]) -> dict[str, Any]:
    return page_record(*args)


def _fused(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with ``tamper_score`` recomputed from the methods' scores by today's fusion.

    The cached ``f1["fused"]`` stays the one measured with the weights of the run that made
    the cache.
    """
    return [{**r, "tamper_score": round(tamper_score(r["scores"]), 4)} for r in rows]


def records(split: str, per_kind: int, jobs: int = 1) -> list[dict[str, Any]]:
    """The per-page records of `split`, from the cache when the corpus and methods match."""
    entries = fc.build(CACHE, split, per_kind)
    folder = CACHE / split
    key = {"corpus": fc.stamp(), "per_kind": per_kind, "methods": methods_stamp()}
    path = folder / "scores.json"
    if path.exists():
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return _fused(list(cached["pages"]))
    out = []
    with ProcessPoolExecutor(max_workers=max(jobs, 1)) as pool:
        for i, record in enumerate(pool.map(_record_of, [(e, folder) for e in entries])):
            out.append(record)
            print(f"\r{split}: {i + 1}/{len(entries)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    path.write_text(json.dumps({"key": key, "pages": out}, indent=0), encoding="utf-8")
    return _fused(out)


def method_table(rows: Sequence[dict[str, Any]], group: str | None = None) -> list[str]:
    """AUC of each method alone per kind (or per `group` value), against untampered pages."""
    lines = []
    groups = sorted({r[group] for r in rows}) if group else ["all"]
    for g in groups:
        sel = [r for r in rows if group is None or r[group] == g]
        neg = [r for r in sel if r["tampering"] in UNTAMPERED]
        for kind in fc.TAMPER_KINDS:
            pos = [r for r in sel if r["tampering"] == kind]
            if not neg or not pos:
                continue
            cells = []
            for m in (*METHODS, "fused"):
                key = "tamper_score"
                n = [r[key] if m == "fused" else r["scores"][m] for r in neg]
                p = [r[key] if m == "fused" else r["scores"][m] for r in pos]
                cells.append(f"{auc(n, p):.2f}")
            lines.append(f"| {g} | {kind} | {len(neg)}/{len(pos)} | " + " | ".join(cells) + " |")
    return lines


def medians(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Median and 90th percentile of each method's score, untampered against each kind."""
    lines = []
    for kind in ("untampered", *fc.TAMPER_KINDS):
        sel = [
            r
            for r in rows
            if (r["tampering"] in UNTAMPERED if kind == "untampered" else r["tampering"] == kind)
        ]
        cells = []
        for m in METHODS:
            v = np.array([r["scores"][m] for r in sel])
            cells.append(f"{np.median(v):.2f}/{np.percentile(v, 90):.2f}")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(fc.CHAINS), action="append")
    parser.add_argument("--per-kind", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=1, help="processes for the methods' runs")
    args = parser.parse_args(argv)
    head = "| " + " | ".join((*METHODS, "fused")) + " |"
    for split in args.split or ["dev", "test"]:
        rows = records(split, args.per_kind, args.jobs)
        print(f"\n## {split}: AUC per method alone, per kind\n\n| | kind | n | {head[2:]}")
        print("\n".join(method_table(rows)))
        print(f"\n## {split}: per chain\n\n| chain | kind | n | {head[2:]}")
        print("\n".join(method_table(rows, "chain")))
        print(f"\n## {split}: median/p90 of each score\n\n| pages | " + head[2:])
        print("\n".join(medians(rows)))
        print(f"\n## {split}: mean pixel F1 per method\n")
        for kind in fc.TAMPER_KINDS:
            sel = [r for r in rows if r["tampering"] == kind]
            f1 = {m: np.mean([r["f1"].get(m, 0.0) for r in sel]) for m in (*METHODS, "fused")}
            print(kind, " ".join(f"{m}={v:.2f}" for m, v in f1.items() if m != "ela"))


if __name__ == "__main__":
    main()
