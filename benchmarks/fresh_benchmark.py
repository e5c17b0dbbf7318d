"""The forensics check on the fresh-look development set and on the dev split, side by side.

Runs the ``forensics`` check (as ``benchmarks/corpus_benchmark.py`` does, without the layout
part) on every page of the fresh-look set (``benchmarks/forensic_fresh.py``) and of the dev
split of the independent corpus, and prints for each: the per-kind table (image-level AUC of
``tamper_score``, mean pixel F1 of the heatmap, pages found at warning or above), each
method's own AUC per kind, ``tamper_score`` per scan chain, and every untouched page with its
score, its worst finding and the methods its score comes from (each method's page score times
its fusion weight, the terms of the noisy-OR of `workbench.imaging.forensic.fusion.tamper_score`),
and the aligned double-quantisation map's reach on each (pages without a map).

Both are development sets: a rule may be judged on them. The test split of the corpus is
never read here. Each set's per-page outcomes are cached next to it (``check.json``), keyed by
the set's stamp and the methods' source, so the tables can be printed again without a run.

With ``--guard``, also the sets a change must not cost (`guard_rows`): the samples' letters,
the rendered letters and the natural photographs of the forensics benchmark.

    python benchmarks/fresh_benchmark.py [--set fresh|dev] [--jobs N] [--guard]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402
import forensic_fresh as ff  # noqa: E402
from corpus_benchmark import (  # noqa: E402
    METHODS,
    UNTAMPERED,
    cases,
    chain_rows,
    dq_rows,
    method_rows,
    split_rows,
)
from forensic_diagnosis import methods_stamp  # noqa: E402
from forensic_sets import natural_photos, rendered_letters, samples_cases  # noqa: E402
from forensics_benchmark import PHOTO_SET, Outcome, evaluate, summary  # noqa: E402

from workbench.imaging.forensic.fusion import DEFAULT_WEIGHTS  # noqa: E402
from workbench.model import Severity  # noqa: E402

CACHE = HERE.parent / "out" / "forensic-corpus"
SETS = ("fresh", "dev")
#: A method's weighted page score from which it is named as a source of a page's score.
NAMED = 0.05


def entries_of(name: str) -> list[fc.Entry]:
    """The pages of set `name` (generated or read from the cache)."""
    return ff.build(CACHE) if name == "fresh" else fc.build(CACHE, "dev", 16)


def _stamp(name: str) -> str:
    return ff.stamp() if name == "fresh" else fc.stamp()


def outcomes(name: str, jobs: int = 1) -> list[tuple[fc.Entry, Outcome]]:
    """The check's outcome on every page of set `name`, from the cache when it matches."""
    entries = entries_of(name)
    folder = CACHE / name
    pairs = cases(entries, folder)
    key = {"set": _stamp(name), "methods": methods_stamp(())}
    path = folder / "check.json"
    if path.exists():
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return [
                (e, _outcome(c, row)) for (e, c), row in zip(pairs, cached["pages"], strict=True)
            ]
    with tempfile.TemporaryDirectory() as tmp:
        found = evaluate([c for _, c in pairs], Path(tmp), jobs)
    rows = [_row(o) for o in found]
    path.write_text(json.dumps({"key": key, "pages": rows}, indent=0), encoding="utf-8")
    return list(zip(entries, found, strict=True))


def _row(o: Outcome) -> dict[str, Any]:
    return {
        "name": o.case.name,
        "score": o.score,
        "f1": o.f1,
        "worst": None if o.worst is None else int(o.worst),
        "methods": o.methods,
        "findings": [[f.code, int(f.severity)] for f in o.findings],
    }


def _outcome(case: Any, row: dict[str, Any]) -> Outcome:
    if row["name"] != case.name:
        raise ValueError(f"cache out of step: {row['name']} against {case.name}")
    worst = None if row["worst"] is None else Severity(row["worst"])
    return Outcome(case, row["score"], row["f1"], worst, 0.0, row["methods"])


def sources(o: Outcome) -> str:
    """The methods a page's score comes from: weighted page scores of `NAMED` or more."""
    terms = sorted(
        ((DEFAULT_WEIGHTS.get(m, 1.0) * v, m) for m, v in o.methods.items()), reverse=True
    )
    named = [f"{m} {v:.2f}" for v, m in terms if v >= NAMED]
    return ", ".join(named) if named else "none"


def untouched_rows(name: str, pairs: Sequence[tuple[fc.Entry, Outcome]]) -> list[str]:
    """Every untouched page: chain, face, score, worst finding, and where the score comes from."""
    rows = []
    for e, o in sorted(pairs, key=lambda p: -p[1].score):
        if e.tampering not in UNTAMPERED:
            continue
        worst = o.worst.name.lower() if o.worst is not None else "nothing"
        rows.append(
            f"| {name} | {e.name} | {e.chain} | {e.font} | {o.score:.2f} | {worst} | {sources(o)} |"
        )
    return rows


def report(names: Sequence[str], jobs: int = 1) -> list[str]:
    """The tables of the sets `names`, as Markdown lines."""
    table, per_method, per_chain, pages, dq = [], [], [], [], []
    for name in names:
        pairs = outcomes(name, jobs)
        dq += dq_rows(name, [e for e, _ in pairs], CACHE / name)
        table += split_rows(name, pairs)
        per_method += method_rows(name, pairs)
        per_chain += chain_rows(name, pairs)
        pages += untouched_rows(name, pairs)
    return [
        "| set | tampering | untampered / tampered | AUC | pixel F1 | found (warning+) "
        "| median score |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *table,
        "",
        "Each method's own page score, AUC per kind against the set's untampered pages:",
        "",
        "| set | tampering | " + " | ".join(METHODS) + " |",
        "| --- | --- |" + " --- |" * len(METHODS),
        *per_method,
        "",
        "`tamper_score` per scan chain (AUC against the chain's own untampered pages):",
        "",
        "| set | chain | untampered | median untampered score | "
        + " | ".join(fc.TAMPER_KINDS)
        + " |",
        "| --- | --- | --- | --- |" + " --- |" * len(fc.TAMPER_KINDS),
        *per_chain,
        "",
        "Untouched pages, highest score first; the methods named are those whose page score "
        f"times its fusion weight is {NAMED} or more:",
        "",
        "| set | page | chain | face | score | worst finding | score from (weighted) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *pages,
        "",
        "Aligned double-quantisation map alone, foreign-JPEG pages against untampered pages "
        "(a page without a map scores 0):",
        "",
        "| set | untampered / foreign JPEG | AUC | pixel F1 (regions) | highest untampered "
        "| foreign pages with a region | pages without a map |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *dq,
        "",
    ]


def guard_rows(jobs: int = 1) -> list[str]:
    """The sets a change must not cost: the samples' letters, rendered letters, photographs.

    As the forensics benchmark builds them (its summary row per set: AUC, pixel F1,
    untampered pages with a warning / critical finding, tampered pages found).
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        (folder / "out").mkdir()
        sets = {
            "samples letters": samples_cases()[0],
            "rendered letters": rendered_letters(folder / "in", 10),
            PHOTO_SET: natural_photos(folder / "in"),
        }
        lines = [
            "| set | untampered / tampered | AUC | pixel F1 | untampered: warning / critical "
            "| tampered found | highest untampered score | lowest tampered score |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, found in sets.items():
            lines += summary(name, evaluate(found, folder / "out", jobs))
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, action="append", dest="sets")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the check's runs")
    parser.add_argument(
        "--guard", action="store_true", help="also the samples, rendered letters and photographs"
    )
    args = parser.parse_args(argv)
    print("\n".join(report(args.sets or list(SETS), args.jobs)))
    if args.guard:
        print("\n".join(guard_rows(args.jobs)))


if __name__ == "__main__":
    main()
