"""Agreement of `results.metadata.summary` with ExifTool (``exiftool -j -n``), field by field.

Files: the folder `tests/metadata_files.build_folder` writes (camera-, scanner- and
editor-shaped JPEGs with EXIF, GPS, thumbnails, orientation, XMP history and ICC profiles; PNG
text; a 16-bit TIFF with tags; PDFs with Info, one saved twice) plus every image and PDF of the
samples corpus when it has been generated. The field mapping to ExifTool's tag names is
`tests.metadata_files.exiftool_expected` (PDF dates: CreateDate -> created; PDF Producer ->
software; pixel fields are not compared for PDFs, which ExifTool does not rasterise).

    .venv/bin/python benchmarks/metadata_vs_exiftool.py [--write]

``--write`` replaces the "Metadata summary vs ExifTool" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.double_jpeg import write_section  # noqa: E402
from tests.metadata_files import SUMMARY_FIELDS, build_folder, compare_summary  # noqa: E402
from workbench import analyze  # noqa: E402

SECTION = "Metadata summary vs ExifTool"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    if shutil.which("exiftool") is None:
        sys.exit("exiftool is not installed (apt-get install libimage-exiftool-perl)")
    version = subprocess.run(["exiftool", "-ver"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        build_folder(folder)
        files = sorted(folder.iterdir())
        samples = ROOT / "samples"
        if (samples / "manifest.json").exists():
            files += sorted(
                p
                for p in samples.rglob("*")
                if p.suffix in (".jpg", ".png", ".tif", ".pdf") and "masks" not in p.parts
            )
        out = subprocess.run(
            ["exiftool", "-j", "-n", "-q", *map(str, files)], capture_output=True, text=True
        ).stdout
        records = {str(Path(r["SourceFile"])): r for r in json.loads(out)}
        agree: Counter[str] = Counter()
        total: Counter[str] = Counter()
        present: Counter[str] = Counter()
        misses: list[str] = []
        times: list[float] = []
        for path in files:
            record = records.get(str(path))
            if record is None:
                continue
            start = time.perf_counter()
            summary = analyze(path, only=["metadata"]).results["metadata"]["summary"]
            times.append(time.perf_counter() - start)
            for name, ours, theirs, ok in compare_summary(summary, record):
                total[name] += 1
                agree[name] += ok
                present[name] += theirs is not None
                if not ok:
                    misses.append(f"{path.name} {name}: ours {ours!r}, ExifTool {theirs!r}")
    compared = sum(total.values())
    agreed = sum(agree.values())
    lines = [
        f"## {SECTION}",
        "",
        f"Measured {dt.date.today().isoformat()} by `benchmarks/metadata_vs_exiftool.py` with "
        f"ExifTool {version}, on a 2-core machine shared with other jobs (timings are noisy).",
        f"{len(times)} files ({len(times) - len([p for p in files if 'samples' in p.parts])} "
        "built from code, the rest from the samples corpus); "
        f"{agreed}/{compared} field comparisons agree ({100 * agreed / max(compared, 1):.1f}%).",
        "",
        "| field | agree / compared | ExifTool has a value |",
        "| --- | --- | --- |",
        *[f"| {n} | {agree[n]}/{total[n]} | {present[n]} |" for n in SUMMARY_FIELDS if total[n]],
        "",
        f"Median time of the metadata check alone per file (load included): "
        f"{1000 * sorted(times)[len(times) // 2]:.0f} ms.",
        "",
    ]
    if misses:
        lines += ["Disagreements:", "", *[f"- {m}" for m in misses[:30]], ""]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(ROOT / "benchmarks" / "RESULTS.md", SECTION, text)


if __name__ == "__main__":
    main()
