"""The layout check alone on the independent corpus's template letters, with their exemplars.

Every letter of a template (genuine, and each kind of tampering) is run with the three
genuine letters of its template as exemplars (``--reference``), an exemplar letter with the
other two, as a reviewer runs it. Printed: per kind of letter, the worst layout finding that
touches the edit (any finding on a genuine or exemplar letter; on standard error, per letter,
the codes of those at warning), and, with ``--lines``, every
questioned line's comparison with each exemplar's line at the same place (the figures
`checks/layout/line_compare.py` measures and the exemplar rules of `checks/layout/exemplars.py`
judge), marked by whether the line touches the
edit, as JSON lines for setting limits on the ``dev`` split. ``--held-out FILE`` reads such
a file back and holds out one scan chain (or one template) at a time: each exemplar rule's
limit is set as the rule was set (1.4 times the largest figure of an untouched line, in log
units for ratios) on the other groups' letters, and the retyped-digit letters found and the
untouched lines beyond it are counted on the held-out group. A line's figure is the one it
reaches against every exemplar it was compared with, or for the tone-shift rules against all
but one of three or more (the one left out at `NEAR_SHARE` of the limit at least), as the
check counts them. A line with no line at the same place in
an exemplar is compared with its nearest text row there (``"match": "row"`` in the rows), and
with no row near it either (a line of the page's body), with every text row of the exemplar
(``"match": "body"``).

With ``--fresh N``, the dev split's generator makes letters at indices 400 to 400 + N - 1
(beyond the dev split's own; template dev-a at even indices, dev-b at odd ones), each
untouched and with retyped digits, cached under ``out/forensic-corpus/layout-fresh`` and
regenerated when the generator's source changes; each is checked against the dev split's
three genuine letters of its template. They are for checking what was set on dev against
letters it was not set on, never for setting a limit.

    python benchmarks/layout_letters.py [--split dev] [--lines FILE] [--held-out FILE]
    python benchmarks/layout_letters.py --fresh 12 [--lines FILE] [--forensics]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402
from workbench_checks.layout.line_findings import NEAR_SHARE  # noqa: E402

from workbench import analyze  # noqa: E402
from workbench.imaging.layout.word_tone import shift_share  # noqa: E402
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


#: The first index of the fresh letters (the dev split's own end before it).
FRESH_START = 400
#: Kinds of fresh letter made at each index.
FRESH_KINDS = ("none", "retyped-digits")


def fresh_letters(count: int) -> list[fc.Entry]:
    """Dev-generator letters at indices beyond the dev split's (see the module docstring)."""
    folder = CACHE / "layout-fresh"
    manifest = folder / "manifest.json"
    key = {"start": FRESH_START, "count": count, "kinds": FRESH_KINDS, "version": fc.stamp()}
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == json.loads(json.dumps(key)):
            return [fc.Entry(**e) for e in data["pages"]]
    folder.mkdir(parents=True, exist_ok=True)
    entries = [
        fc.make_entry("dev", i, kind, "letter", i % 2, folder)
        for i in range(FRESH_START, FRESH_START + count)
        for kind in FRESH_KINDS
    ]
    manifest.write_text(
        json.dumps({"key": key, "pages": [asdict(e) for e in entries]}, indent=1),
        encoding="utf-8",
    )
    return entries


def run(split: str, lines_out: Path | None, fresh: int = 0, forensics: bool = False) -> list[str]:
    """Worst finding per letter, per kind; optionally the line rows written to `lines_out`.

    With `fresh`, the fresh letters (`fresh_letters`) instead of the split's own, against
    the split's exemplars. With `forensics`, the forensics check's findings count too (the
    worst over both checks is what a reader of the letter's report sees).
    """
    only = ["layout", "forensics"] if forensics else ["layout"]
    entries = fc.build(CACHE, split)
    exemplars: dict[str, list[fc.Entry]] = {}
    for e in entries:
        if e.tampering == "exemplar" and e.template:
            exemplars.setdefault(e.template, []).append(e)
    ref_folder = folder = CACHE / split
    if fresh:
        entries, folder = fresh_letters(fresh), CACHE / "layout-fresh"
        split = "fresh"
    table: list[str] = []
    sink = lines_out.open("w") if lines_out else None
    for kind in KINDS:
        levels: list[str] = []
        for e in entries:
            if e.tampering != kind or e.template not in exemplars:
                continue
            refs = [ref_folder / x.path for x in exemplars[e.template or ""] if x.name != e.name]
            report = analyze(folder / e.path, references=refs, only=only, out=None)
            truths = [Region(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in e.boxes]
            found = [f for f in report.findings if f.check in only]
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


def _shift(side: str) -> Callable[[dict[str, Any]], float | None]:
    """A line's darkest (lightest) word against the exemplar's, as a share of the rule's limit."""

    def score(row: dict[str, Any]) -> float | None:
        shift = row.get("tone_shift")
        if not shift:
            return None
        return shift_share(float(shift[side]), float(shift["contrast"]))

    return score


def _both(row: dict[str, Any]) -> float | None:
    values = [v for v in (_shift("darker")(row), _shift("lighter")(row)) if v is not None]
    return max(values) if values else None


#: The exemplar rules' figures (each row is a line against one exemplar's line), and whether
#: the margin is taken in log units (ratios).
LINE_SCORES: dict[str, tuple[Callable[[dict[str, Any]], float | None], bool]] = {
    "tone range wider (grey levels)": (lambda r: r.get("tone_step"), False),
    "darkest word darker (share of the limit)": (_shift("darker"), False),
    "lightest word lighter (share of the limit)": (_shift("lighter"), False),
    "darkest darker or lightest lighter": (_both, False),
    "sharpest word sharper (ratio)": (lambda r: r.get("sharper"), True),
    "sharpest word against its line, over the exemplars' text rows (ratio)": (
        lambda r: r.get("body_sharper"),
        True,
    ),
}
#: Rules whose limit is set on every line (its figure against every exemplar) but which judge
#: only lines with no line or row near them in two exemplars or more, on those comparisons.
BODY_RULES = {"sharpest word against its line, over the exemplars' text rows (ratio)"}
#: The rules' limits were set at about 1.4 times the largest untouched figure.
MARGIN = 1.4
#: The rules that count a line beyond the limit against all but one of three exemplars or
#: more (`line_findings.shift_agrees`); the others need every exemplar.
SHIFT_RULES = {
    "darkest word darker (share of the limit)",
    "lightest word lighter (share of the limit)",
    "darkest darker or lightest lighter",
}


def _agreed(values: list[float], all_but_one: bool) -> float:
    """The figure a line reaches against every exemplar (or all but one of three or more).

    As the check counts them (`line_findings.shift_agrees`), the exemplar left out must
    itself reach `NEAR_SHARE` of the check's limit. The letterhead's lines, which the check
    judges against every exemplar, are not told apart here.
    """
    ordered = sorted(values)
    if all_but_one and len(ordered) >= 3 and ordered[0] >= NEAR_SHARE:
        return ordered[1]
    return ordered[0]


def held_out(path: Path) -> list[str]:
    """Hold out each chain and each template in turn (see the module docstring)."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    lines_out = []
    for grouping in ("chain", "template"):
        groups = sorted({r[grouping] for r in rows})
        lines_out += [
            f"| rule | {grouping} held out ({len(groups)} groups): retyped letters found | "
            "untouched lines beyond | limits |",
            "| --- | --- | --- | --- |",
        ]
        for label, (score, ratio) in LINE_SCORES.items():
            # A line's figure against every exemplar it was compared with (two at least).
            per_line: dict[tuple[str, int], list[float]] = {}
            meta: dict[tuple[str, int], dict[str, Any]] = {}
            for r in rows:
                value = score(r)
                if value is not None:
                    per_line.setdefault((r["letter"], r["line"]), []).append(value)
                    meta[(r["letter"], r["line"])] = r
            lines = [
                (meta[k], _agreed(v, label in SHIFT_RULES))
                for k, v in per_line.items()
                if len(v) >= 2 and min(v) > -1e9
            ]
            judged = lines
            if label in BODY_RULES:
                on_body: dict[tuple[str, int], list[float]] = {}
                for r in rows:
                    if r["match"] == "body" and (value := score(r)) is not None:
                        on_body.setdefault((r["letter"], r["line"]), []).append(value)
                judged = [(meta[k], min(v)) for k, v in on_body.items() if len(v) >= 2]
            found, letters, false, limits = 0, 0, 0, []
            for group in groups:
                train = [v for m, v in lines if m[grouping] != group and not m["touched"]]
                top = max(train, default=math.inf)
                limit = math.exp(MARGIN * math.log(top)) if ratio and top > 0 else MARGIN * top
                limits.append(f"{limit:.3g}")
                retyped = {m["letter"] for m, _ in judged if m["kind"] == "retyped-digits"} & {
                    m["letter"] for m, _ in judged if m[grouping] == group
                }
                letters += len(retyped)
                found += len(
                    {
                        m["letter"]
                        for m, v in judged
                        if m["letter"] in retyped and m["touched"] and v >= limit
                    }
                )
                false += sum(
                    1 for m, v in judged if m[grouping] == group and not m["touched"] and v >= limit
                )
            lines_out.append(f"| {label} | {found}/{letters} | {false} | {', '.join(limits)} |")
        lines_out.append("")
    return lines_out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(fc.CHAINS), default="dev")
    parser.add_argument("--lines", type=Path, help="write every line comparison here (JSON lines)")
    parser.add_argument("--held-out", type=Path, help="read line comparisons, hold groups out")
    parser.add_argument(
        "--fresh", type=int, default=0, help="check N fresh letters of each kind instead"
    )
    parser.add_argument("--forensics", action="store_true", help="count the forensics check too")
    args = parser.parse_args(argv)
    if args.held_out:
        print("\n".join(held_out(args.held_out)))
        return
    rows = run(args.split, args.lines, args.fresh, args.forensics)
    checks = "layout or forensics" if args.forensics else "layout"
    print(f"| split | letters | count | worst {checks} finding on the edit (any, if genuine) |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
