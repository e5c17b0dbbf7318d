"""The layout check alone on the independent corpus's template letters, with their exemplars.

Every letter of a template (genuine, and each kind of tampering) is run with the three
genuine letters of its template as exemplars (``--reference``), an exemplar letter with the
other two, as a reviewer runs it. Printed: per kind of letter, the worst layout finding that
touches the edit (any finding on a genuine or exemplar letter; on standard error, per letter,
the codes of those at warning), and, with ``--lines``, every
questioned line's comparison with each exemplar's line at the same place (the figures the
exemplar rules of `checks/layout/exemplars.py` judge), marked by whether the line touches the
edit, as JSON lines for setting limits on the ``dev`` split.

    python benchmarks/layout_letters.py [--split dev] [--lines FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402

from workbench import analyze  # noqa: E402
from workbench.model import Region, Report, Severity  # noqa: E402

CACHE = HERE.parent / "out" / "forensic-corpus"
KINDS = ("none", "exemplar", "retyped-digits", "spliced-line", "copy-move", "foreign-jpeg")


def _touches(box: dict[str, int], truths: list[Region]) -> bool:
    r = Region(box["x"], box["y"], box["width"], box["height"])
    return any(r.intersection(t) > 0 for t in truths)


def line_rows(e: fc.Entry, report: Report, truths: list[Region]) -> list[dict[str, Any]]:
    """Each questioned line's comparison rows, with whether the line touches the edit."""
    result = report.results.get("layout") or {}
    pages = result.get("pages") or []
    boxes = {m["index"]: m["page_box"] for m in pages[0]["lines"]} if pages else {}
    out = []
    for comp in result.get("comparisons") or []:
        for row in comp.get("lines") or []:
            box = boxes.get(row["line"])
            out.append(
                dict(
                    row,
                    letter=e.name,
                    kind=e.tampering,
                    chain=e.chain,
                    template=e.template,
                    touched=bool(box and truths and _touches(box, truths)),
                )
            )
    return out


def run(split: str, lines_out: Path | None) -> list[str]:
    """Worst finding per letter, per kind; optionally the line rows written to `lines_out`."""
    entries = fc.build(CACHE, split)
    folder = CACHE / split
    exemplars: dict[str, list[fc.Entry]] = {}
    for e in entries:
        if e.tampering == "exemplar" and e.template:
            exemplars.setdefault(e.template, []).append(e)
    table: list[str] = []
    sink = lines_out.open("w") if lines_out else None
    for kind in KINDS:
        levels: list[str] = []
        for e in entries:
            if e.tampering != kind or e.template not in exemplars:
                continue
            refs = [folder / x.path for x in exemplars[e.template or ""] if x.name != e.name]
            report = analyze(folder / e.path, references=refs, only=["layout"], out=None)
            truths = [Region(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in e.boxes]
            found = [f for f in report.findings if f.check == "layout"]
            if truths:
                found = [
                    f
                    for f in found
                    if any(r.intersection(t) > 0 for r in f.regions for t in truths)
                ]
            worst = max(found, key=lambda f: f.severity, default=None)
            level = worst.severity.name.lower() if worst else "nothing"
            levels.append(level)
            codes = sorted({f.code for f in found if f.severity >= Severity.WARNING})
            print(e.name, level, " ".join(codes), file=sys.stderr)
            if sink is not None:
                for row in line_rows(e, report, truths):
                    sink.write(json.dumps(row) + "\n")
        counts = ", ".join(f"{k}: {levels.count(k)}" for k in sorted(set(levels)))
        table.append(f"| {split} | {kind} | {len(levels)} | {counts} |")
    if sink is not None:
        sink.close()
    return table


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(fc.CHAINS), default="dev")
    parser.add_argument("--lines", type=Path, help="write every line comparison here (JSON lines)")
    args = parser.parse_args(argv)
    rows = run(args.split, args.lines)
    print("| split | letters | count | worst layout finding on the edit (any, if genuine) |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
