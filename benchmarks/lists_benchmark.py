"""Lists and people on the samples: rows read from the HTML list and its scan, claims matched.

The scanned list (`samples/lists/names_149_scan.jpg`, three right-to-left columns at 300 dpi)
is the only list scan the project has, and the column reading was developed on it: its figure
is a development figure, not an independent one. Run:
``python benchmarks/lists_benchmark.py [--write]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from PIL import Image

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
    tmp = Path(tempfile.mkdtemp(prefix="lists-benchmark-"))
    scan = Image.open(SAMPLES / "lists" / "names_149_scan.jpg")
    # Copies made differently from the page the reading was developed on.
    scan.rotate(0.8, fillcolor=255).save(tmp / "rotated.jpg", quality=80, dpi=(300, 300))
    scan.resize((scan.width * 2 // 3, scan.height * 2 // 3), Image.Resampling.LANCZOS).save(
        tmp / "200dpi.jpg", quality=75, dpi=(200, 200)
    )
    documents = {
        "lists/names_149.html": SAMPLES / "lists" / "names_149.html",
        "lists/names_149_scan.jpg (development)": SAMPLES / "lists" / "names_149_scan.jpg",
        "the scan turned 0.8° more, JPEG q80": tmp / "rotated.jpg",
        "the scan at 200 dpi, JPEG q75": tmp / "200dpi.jpg",
    }
    for path, file in documents.items():
        report = analyze(file, claims={"count": 149}, only=["lists"])
        read = report.results["lists"]["rows"]
        exact = sum(
            compact(r["full_name"]) == compact(t) for r, t in zip(read, names, strict=False)
        )
        counts = sorted({f.code.split(".")[1] for f in report.findings if "count" in f.code})
        rows.append(f"| {path} | {len(read)} | {exact}/149 | {', '.join(counts)} |")
    report = analyze(
        SAMPLES / "questioned" / "letter_1380-02-24.jpg",
        claims=load_claims(SAMPLES / "questioned" / "letter_1380-02-24.claims.json"),
        only=["people"],
    )
    codes = ", ".join(sorted(f.code for f in report.findings))
    text = (
        "## People and lists on the samples (`people`, `lists`)\n\n"
        f"Measured {dt.date.today().isoformat()} by `benchmarks/lists_benchmark.py`, with the "
        "claim `count: 149`. All four figures are development figures: the column reading was "
        "developed on the samples' scan, and the turned and downscaled copies (made from it at "
        "run time) were read while developing the levelling of tilted pages and the split of "
        "the row numbers; the project has no independent list scan yet. Exact: name and "
        "surname equal to the manifest's "
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
