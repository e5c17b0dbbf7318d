"""Benchmark the layout and letter checks on the samples corpus.

For every tampered sample whose manipulation is of a kind these checks are meant to see
(layout, letterhead, retype, date), a document counts as found when a layout or letter finding
of severity notice or higher has a region overlapping the manipulation's ground-truth box. The
untampered control must raise no warning. Each document is compared with all four exemplars;
the retyped-line samples are also run without exemplars (line consistency alone).

Timing: the ocr check runs first in the same analysis, so OCR is computed once and cached
and the layout and letter durations are what they add on top of OCR. Layout time is given per
exemplar (its run with four exemplars divided by four, the one-off template derivation
included) and for a run with a single exemplar.

Usage::

    python benchmarks/layout_benchmark.py            # print the figures
    python benchmarks/layout_benchmark.py --write    # also update benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any

from workbench import analyze
from workbench.model import Region, Report, Severity

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Layout and letter conventions (`layout`, `letter`)"
KINDS = {"layout", "letterhead", "retype", "date"}


def hits(report: Report, box: list[int] | None) -> list[str]:
    """Codes of layout/letter findings (notice or higher) whose regions overlap `box`."""
    if box is None:
        return []
    truth = Region(*box)
    return sorted(
        {
            f.code
            for f in report.findings
            if f.check in {"layout", "letter"}
            and f.severity >= Severity.NOTICE
            and any(r.intersection(truth) > 0 for r in f.regions)
        }
    )


def duration(report: Report, name: str) -> float:
    result = report.check(name)
    return result.duration_s if result is not None else float("nan")


def run() -> dict[str, Any]:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    docs = manifest["documents"]
    exemplars = [SAMPLES / d["path"] for d in docs if d["kind"] == "exemplar"]
    rows: list[dict[str, Any]] = []
    layout_per_exemplar: list[float] = []
    letter_times: list[float] = []
    ocr_times: list[float] = []
    for doc in docs:
        if doc["kind"] not in {"tampered", "genuine", "questioned"} or doc["path"].endswith(".txt"):
            continue
        if doc["path"].startswith("lists/"):
            continue
        path = SAMPLES / doc["path"]
        report = analyze(path, references=exemplars, only=["ocr", "layout", "letter"])
        layout_per_exemplar.append(duration(report, "layout") / len(exemplars))
        letter_times.append(duration(report, "letter"))
        ocr_times.append(duration(report, "ocr"))
        tampering = [t for t in doc.get("tampering", []) if t["kind"] in KINDS]
        warnings = sorted(
            f.code
            for f in report.findings
            if f.check in {"layout", "letter"} and f.severity >= Severity.WARNING
        )
        row: dict[str, Any] = {
            "path": doc["path"],
            "kind": doc["kind"],
            "tampering": [t["kind"] for t in doc.get("tampering", [])],
            "in_scope": bool(tampering),
            "found": [hits(report, t["box"]) for t in tampering],
            "warnings": warnings,
            "codes": sorted({f.code for f in report.findings if f.check in {"layout", "letter"}}),
        }
        if any(t["kind"] == "retype" for t in tampering):
            alone = analyze(path, only=["layout"])
            row["found_without_exemplar"] = [hits(alone, t["box"]) for t in tampering]
        rows.append(row)
        print(row["path"], row["found"], row.get("found_without_exemplar", ""), warnings)
    single: list[float] = []
    for doc in docs:
        if doc["kind"] == "genuine" and not doc["path"].startswith("lists/"):
            for _ in range(3):
                report = analyze(SAMPLES / doc["path"], references=exemplars[:1], only=["layout"])
                single.append(duration(report, "layout"))
    return {
        "rows": rows,
        "layout_per_exemplar": layout_per_exemplar,
        "layout_single": single,
        "letter": letter_times,
        "ocr": ocr_times,
        "exemplars": len(exemplars),
    }


def summary(data: dict[str, Any]) -> str:
    rows = data["rows"]
    scope = [r for r in rows if r["in_scope"]]
    found = [r for r in scope if all(r["found"])]
    control = [r for r in rows if r["kind"] == "genuine"]
    lines = [
        SECTION,
        "",
        f"Measured {dt.date.today().isoformat()} by `benchmarks/layout_benchmark.py` on a "
        f"2-core machine shared with other jobs (timings are noisy; load average at the end "
        f"{os.getloadavg()[0]:.1f}). Python {platform.python_version()}, {os.cpu_count()} CPUs.",
        f"Each document compared with the {data['exemplars']} exemplars of `samples/`; a "
        "manipulation counts as found when a layout or letter finding (notice or higher) has a "
        "region overlapping its ground-truth box.",
        "",
        "| document | manipulation | found by (region overlaps the truth) | without exemplars |",
        "| --- | --- | --- | --- |",
    ]
    for r in scope:
        by = "; ".join(", ".join(h) or "**not found**" for h in r["found"])
        alone = r.get("found_without_exemplar")
        alone_text = "" if alone is None else "; ".join(", ".join(h) or "not found" for h in alone)
        lines.append(f"| `{r['path']}` | {', '.join(r['tampering'])} | {by} | {alone_text} |")
    lines += [
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| in-scope manipulations found | {len(found)}/{len(scope)} |",
    ]
    for r in control:
        lines.append(
            f"| warnings on the untampered `{r['path']}` | {len(r['warnings'])} "
            f"({', '.join(r['codes']) or 'no finding'}) |"
        )
    for r in rows:
        if not r["in_scope"] and r["kind"] == "tampered" and r["warnings"]:
            lines.append(f"| warnings on `{r['path']}` (other manipulation) | {r['warnings']} |")

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"

    lines += [
        f"| layout, per page per exemplar (4 exemplars, template included) | "
        f"{ms(data['layout_per_exemplar'])} |",
        f"| layout, one page against one exemplar | {ms(data['layout_single'])} |",
        f"| letter, per page on top of OCR | {ms(data['letter'])} |",
        f"| OCR (ocr check), per page, for scale | {ms(data['ocr'])} |",
        f"| layout per exemplar / OCR of the page (load-independent scale) | "
        f"{statistics.median(data['layout_per_exemplar']) / statistics.median(data['ocr']):.2f} |",
        "",
        "The target is under 2 s per page per exemplar on top of OCR. The design notes measured "
        "OCR of one 300-dpi page at 0.99 s on an idle machine of this class; the OCR time "
        "above shows how loaded this run was, and the ratio line scales the layout time to an "
        "idle machine.",
        "",
        "Not in scope here: `t05_weekday_mismatch` (a body date changed in the same font: the "
        "dates check's finding) is listed because its kind is `date`; the layout check cannot "
        "see a same-font edit and the letter check reads only the date field.",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if SECTION in current:
        head, rest = current.split(SECTION, 1)
        nxt = rest.find("\n## ")
        tail = rest[nxt + 1 :] if nxt >= 0 else ""
        current = head + text + ("\n" + tail if tail else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    text = summary(run())
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
