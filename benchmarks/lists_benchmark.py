"""Lists and people on the samples: rows read from the HTML list and its scan, claims matched.

The scanned list (`samples/lists/names_149_scan.jpg`, three right-to-left columns at 300 dpi)
is the only list scan the project has, and the column reading was developed on it: its figure
is a development figure, not an independent one. Run:
``python benchmarks/lists_benchmark.py [--write]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import write_section  # noqa: E402
from workbench.api import analyze  # noqa: E402
from workbench.claims import load_claims  # noqa: E402
from workbench.text.matching import compact  # noqa: E402

SAMPLES = ROOT / "samples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write RESULTS.md's section")
    args = parser.parse_args()
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    truth = next(d for d in manifest["documents"] if d["path"] == "lists/names_149.html")
    names = truth["truth"]["names"]
    rows = ["| document | rows read | names exact | count finding |", "| --- | --- | --- | --- |"]
    for path in ("lists/names_149.html", "lists/names_149_scan.jpg"):
        report = analyze(SAMPLES / path, claims={"count": 149}, only=["lists"])
        read = report.results["lists"]["rows"]
        exact = sum(
            compact(r["full_name"]) == compact(t) for r, t in zip(read, names, strict=False)
        )
        counts = sorted({f.code.split(".")[1] for f in report.findings if "count" in f.code})
        rows.append(f"| `{path}` | {len(read)} | {exact}/149 | {', '.join(counts)} |")
    report = analyze(
        SAMPLES / "questioned" / "letter_1380-02-24.jpg",
        claims=load_claims(SAMPLES / "questioned" / "letter_1380-02-24.claims.json"),
        only=["people"],
    )
    codes = ", ".join(sorted(f.code for f in report.findings))
    text = (
        "## People and lists on the samples (`people`, `lists`)\n\n"
        "`benchmarks/lists_benchmark.py`, with the claim `count: 149`. The scanned list is the "
        "page the column reading was developed on (the project has no other list scan), so "
        "its figure is a development figure. Exact: name and surname equal to the manifest's "
        "in their compact form (letter variants, joiners and spaces aside).\n\n"
        + "\n".join(rows)
        + "\n\nOn the questioned letter with its claims, the people check reports: "
        f"{codes}.\n"
    )
    print(text)
    if args.write:
        write_section("People and lists on the samples (`people`, `lists`)", text)


if __name__ == "__main__":
    main()
