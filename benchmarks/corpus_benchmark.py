"""The forensics and layout checks on the independent corpus (``benchmarks/forensic_corpus.py``).

For each split separately (``dev``, the one thresholds may be tuned on, and ``test``, reported
on and never tuned on): image-level ROC AUC of ``tamper_score``, mean pixel F1 of the fused
heatmap, a table per kind of tampering (each kind against the untampered pages, exemplar
letters included), untampered pages with a warning or critical finding, and tampered pages
found at warning or above. The layout check is then run on every letter of a template with
the three genuine letters of the same template as exemplars, and its findings are joined with
the forensics check's on the same letter: at which severity they touch a retyped number, a
spliced line or a copied word, and the worst severity genuine letters get. Finally the
aligned double-quantisation map (`workbench.imaging.forensic.dq_map`) alone: AUC of its region score
on foreign-JPEG pages against untampered ones. Each method's own score and the fused score
per scan chain are tabled too, to show which signal holds on which split and chain.

Called by ``benchmarks/forensics_benchmark.py`` (which writes RESULTS.md); runnable alone:

    python benchmarks/corpus_benchmark.py [--split dev|test] [--per-kind N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402
from forensic_sets import Case  # noqa: E402
from forensics_benchmark import Outcome, auc, evaluate, pixel_f1  # noqa: E402

from workbench import analyze  # noqa: E402
from workbench.model import Region, Severity  # noqa: E402

CACHE = HERE.parent / "out" / "forensic-corpus"
UNTAMPERED = ("none", "exemplar")


def cases(entries: Sequence[fc.Entry], folder: Path) -> list[tuple[fc.Entry, Case]]:
    out = []
    for e in entries:
        mask = None
        if e.mask:
            mask = np.asarray(Image.open(folder / e.mask)) > 0
        out.append((e, Case(e.name, folder / e.path, e.tampering not in UNTAMPERED, mask)))
    return out


def _sev(o: Outcome) -> int:
    return int(o.worst or 0)


def split_rows(split: str, outcomes: Sequence[tuple[fc.Entry, Outcome]]) -> list[str]:
    """Rows of the per-kind table of one split: all kinds together, then each kind."""
    neg = [o for e, o in outcomes if e.tampering in UNTAMPERED]
    rows = []
    for kind in ("all", *fc.TAMPER_KINDS):
        pos = [o for e, o in outcomes if e.tampering == kind or (kind == "all" and o.case.tampered)]
        f1s = [o.f1 for o in pos if o.f1 is not None]
        found = sum(1 for o in pos if _sev(o) >= Severity.WARNING)
        a = auc([o.score for o in neg], [o.score for o in pos])
        rows.append(
            f"| {split} | {kind} | {len(neg)} / {len(pos)} | {a:.2f} | "
            f"{np.mean(f1s) if f1s else float('nan'):.2f} | {found}/{len(pos)} | "
            f"{float(np.median([o.score for o in pos])):.2f} |"
        )
    warn = sum(1 for o in neg if _sev(o) >= Severity.WARNING)
    crit = sum(1 for o in neg if _sev(o) >= Severity.CRITICAL)
    rows.append(
        f"| {split} | untampered pages with a warning / critical | {len(neg)} | | | "
        f"{warn} / {crit} | {float(np.median([o.score for o in neg])):.2f} |"
    )
    return rows


#: The methods of the forensics check, in the order of the per-method table.
METHODS = ("clone", "ghost", "noise", "ela", "dq", "text_clone", "glyph", "paper_step")


def method_rows(split: str, outcomes: Sequence[tuple[fc.Entry, Outcome]]) -> list[str]:
    """AUC of each method's own page score, per kind, then of the fused score per scan chain."""
    neg = [o for e, o in outcomes if e.tampering in UNTAMPERED]
    rows = []
    for kind in fc.TAMPER_KINDS:
        pos = [o for e, o in outcomes if e.tampering == kind]
        cells = [
            f"{auc([o.methods.get(m, 0.0) for o in neg], [o.methods.get(m, 0.0) for o in pos]):.2f}"
            for m in METHODS
        ]
        rows.append(f"| {split} | {kind} | " + " | ".join(cells) + " |")
    return rows


def chain_rows(split: str, outcomes: Sequence[tuple[fc.Entry, Outcome]]) -> list[str]:
    """AUC of `tamper_score` per scan chain and kind, against the chain's own untampered pages."""
    rows = []
    for chain in sorted({e.chain for e, _ in outcomes}):
        mine = [(e, o) for e, o in outcomes if e.chain == chain]
        neg = [o.score for e, o in mine if e.tampering in UNTAMPERED]
        cells = []
        for kind in fc.TAMPER_KINDS:
            pos = [o.score for e, o in mine if e.tampering == kind]
            cells.append(f"{auc(neg, pos):.2f} ({len(pos)})")
        rows.append(
            f"| {split} | {chain} | {len(neg)} | {float(np.median(neg)):.2f} | "
            + " | ".join(cells)
            + " |"
        )
    return rows


def layout_rows(
    split: str,
    entries: Sequence[fc.Entry],
    folder: Path,
    forensics: dict[str, Outcome] | None = None,
) -> list[str]:
    """The layout check on template letters, their template's genuine letters as exemplars.

    As a reviewer runs it with ``--reference``. The forensics check's findings on the same
    letter (from `evaluate`, without exemplars) are counted with the layout check's when
    `forensics` is given: how each word is printed is reported by forensics only. A finding
    counts on a tampered letter when its region touches the edit.
    """
    by_template: dict[str, list[Path]] = {}
    for e in entries:
        if e.tampering == "exemplar" and e.template:
            by_template.setdefault(e.template, []).append(folder / e.path)
    rows = []
    for kind in (*UNTAMPERED[:1], "retyped-digits", "spliced-line", "copy-move", "foreign-jpeg"):
        letters = [e for e in entries if e.tampering == kind and e.template in by_template]
        if not letters:
            continue
        levels: list[str] = []
        for e in letters:
            report = analyze(
                folder / e.path, references=by_template[e.template or ""], only=["layout"], out=None
            )
            found = [f for f in report.findings if f.check == "layout"]
            if forensics is not None and e.name in forensics:
                found += forensics[e.name].findings
            if e.boxes:
                truths = [Region(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in e.boxes]
                found = [
                    f
                    for f in found
                    if any(r.intersection(t) > 0 for r in f.regions for t in truths)
                ]
            worst = max((f.severity for f in found), default=None)
            levels.append(worst.name.lower() if worst is not None else "nothing")
        counts = {level: levels.count(level) for level in sorted(set(levels))}
        what = "genuine letters, worst finding" if kind == "none" else f"{kind}: finding on it"
        rows.append(
            f"| {split} | {what} | {len(letters)} | "
            + ", ".join(f"{k}: {v}" for k, v in counts.items())
            + " |"
        )
    return rows


def dq_rows(split: str, entries: Sequence[fc.Entry], folder: Path) -> list[str]:
    """AUC of the aligned double-quantisation map's region score, foreign JPEG vs untampered."""
    from workbench.imaging.forensic.dq_map import NoDqMap, dq_map_of_bytes

    neg: list[float] = []
    pos: list[float] = []
    f1s = []
    no_map = 0
    for e in entries:
        if e.tampering not in (*UNTAMPERED, "foreign-jpeg"):
            continue
        result = dq_map_of_bytes((folder / e.path).read_bytes())
        if isinstance(result, NoDqMap):
            no_map += 1
            score = 0.0
        else:
            score = result.region_score
        (pos if e.tampering == "foreign-jpeg" else neg).append(score)
        if e.mask:
            mask = np.asarray(Image.open(folder / e.mask)) > 0
            found = np.zeros(mask.shape, bool)
            if not isinstance(result, NoDqMap):
                for r in result.regions:
                    found[r.y : r.y + r.height, r.x : r.x + r.width] = True
            f1s.append(pixel_f1(found.astype(np.uint8) * 255, mask))
    return [
        f"| {split} | {len(neg)} / {len(pos)} | {auc(neg, pos):.2f} | "
        f"{np.mean(f1s) if f1s else float('nan'):.2f} | {max(neg, default=0):.2f} | "
        f"{sum(1 for s in pos if s > 0)}/{len(pos)} | {no_map} |"
    ]


def run(
    splits: Sequence[str], per_kind: int, work: Path, layout: bool = True, jobs: int = 1
) -> list[str]:
    """The corpus part of the "Pixel forensics" section, as Markdown lines."""
    table, lay, dq, notes, per_method, per_chain = [], [], [], [], [], []
    for split in splits:
        entries = fc.build(CACHE, split, per_kind)
        folder = CACHE / split
        pairs = cases(entries, folder)
        outcomes = evaluate([c for _, c in pairs], work, jobs)
        joined = list(zip(entries, outcomes, strict=True))
        table += split_rows(split, joined)
        per_method += method_rows(split, joined)
        per_chain += chain_rows(split, joined)
        missed = [o.case.name for _, o in joined if o.case.tampered and _sev(o) < Severity.WARNING]
        alarms = [
            o.case.name for _, o in joined if not o.case.tampered and _sev(o) >= Severity.WARNING
        ]
        notes.append(
            f"{split}: {len(missed)} tampered pages below warning; untampered with a warning: "
            + (", ".join(alarms) if alarms else "none")
            + "."
        )
        if layout:
            lay += layout_rows(split, entries, folder, {o.case.name: o for _, o in joined})
        dq += dq_rows(split, entries, folder)
    lines = [
        "| split | tampering | untampered / tampered | AUC | pixel F1 | found (warning+) "
        "| median score |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *table,
        "",
        *notes,
        "",
        "Each method's own page score (its strongest region), AUC per kind against the "
        "untampered pages of the split:",
        "",
        "| split | tampering | " + " | ".join(METHODS) + " |",
        "| --- | --- |" + " --- |" * len(METHODS),
        *per_method,
        "",
        "`tamper_score` per scan chain: AUC of each kind against the chain's own untampered "
        "pages (tampered pages of the kind in brackets):",
        "",
        "| split | chain | untampered | median untampered score | "
        + " | ".join(fc.TAMPER_KINDS)
        + " |",
        "| --- | --- | --- | --- |" + " --- |" * len(fc.TAMPER_KINDS),
        *per_chain,
        "",
    ]
    if lay:
        lines += [
            "Layout check on the template letters, each run with the three genuine letters of "
            "its template as exemplars (`--reference`), together with the forensics check's "
            "findings on the same letter (page-only thresholds; how words are printed is "
            "reported by forensics only); a finding counts when its region touches the edit:",
            "",
            "| split | letters | count | severity |",
            "| --- | --- | --- | --- |",
            *lay,
            "",
        ]
    if dq:
        lines += [
            "Aligned double-quantisation map alone (`workbench/imaging/forensic/dq_map.py`; "
            "the check fuses "
            "it with the other methods), region score of foreign-JPEG pages against untampered "
            "pages; a "
            "page without a map (saved once, or last at a lower quality than before) scores 0:",
            "",
            "| split | untampered / foreign JPEG | AUC | pixel F1 (regions) | highest untampered "
            "| foreign pages with a region | pages without a map |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *dq,
            "",
        ]
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(fc.CHAINS), action="append")
    parser.add_argument("--per-kind", type=int, default=16)
    parser.add_argument("--no-layout", action="store_true")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the forensics runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        lines = run(
            args.split or ["dev", "test"], args.per_kind, Path(tmp), not args.no_layout, args.jobs
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
