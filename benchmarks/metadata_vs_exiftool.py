"""Agreement of `results.metadata.summary` with ExifTool (``exiftool -j -n``), field by field.

Files: the folder `tests/metadata_files.build_folder` writes (camera-, scanner- and
editor-shaped JPEGs with EXIF, GPS, thumbnails, orientation, XMP history and ICC profiles; PNG
text; a 16-bit TIFF with tags; PDFs with Info, one saved twice) plus every image and PDF of the
samples corpus when it has been generated. The field mapping to ExifTool's tag names is
`tests.support.metadata_files.exiftool_expected` (PDF dates: CreateDate -> created; PDF Producer ->
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.double_jpeg import write_section  # noqa: E402
from tests.support.metadata_files import (  # noqa: E402
    SUMMARY_FIELDS,
    build_folder,
    compare_summary,
    exiftool_history,
)
from workbench import analyze  # noqa: E402

SECTION = "Metadata summary vs ExifTool"


@dataclass
class Agreement:
    """Field-by-field agreement of the metadata summary with ExifTool over some files."""

    agree: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def table(self) -> list[str]:
        """The Markdown table rows, one per compared field."""
        return [
            f"| {n} | {self.agree[n]}/{self.total[n]} | {self.present[n]} |"
            for n in (*SUMMARY_FIELDS, "history")
            if self.total[n]
        ]


def exiftool_version() -> str:
    """ExifTool's version; exits with a message when it is not installed."""
    if shutil.which("exiftool") is None:
        sys.exit("exiftool is not installed (apt-get install libimage-exiftool-perl)")
    return subprocess.run(["exiftool", "-ver"], capture_output=True, text=True).stdout.strip()


def compare_with_exiftool(files: list[Path]) -> Agreement:
    """Run ``exiftool -j -n`` and the metadata check on `files`; compare every summary field."""
    out = subprocess.run(
        ["exiftool", "-j", "-n", "-q", *map(str, files)], capture_output=True, text=True
    ).stdout
    records = {str(Path(r["SourceFile"])): r for r in json.loads(out)}
    result = Agreement()
    for path in files:
        record = records.get(str(path))
        if record is None:
            result.failed.append(f"{path.name}: ExifTool gave no record")
            continue
        start = time.perf_counter()
        try:
            metadata = analyze(path, only=["metadata"]).results["metadata"]
            summary = metadata["summary"]
        except Exception as exc:  # a file without a report is a result, not a crash
            result.failed.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        result.times.append(time.perf_counter() - start)
        theirs_history = exiftool_history(record)
        if theirs_history is not None:
            # the XMP editing history, event by event: (action, software agent)
            history = (metadata.get("xmp") or {}).get("history") or []
            ours_history = [(e.get("action"), e.get("software_agent")) for e in history]
            ok = ours_history == theirs_history
            result.total["history"] += 1
            result.agree["history"] += ok
            result.present["history"] += 1
            if not ok:
                result.misses.append(
                    f"{path.name} history: ours {ours_history!r}, ExifTool {theirs_history!r}"
                )
        for name, ours, theirs, ok in compare_summary(summary, record):
            result.total[name] += 1
            result.agree[name] += ok
            result.present[name] += theirs is not None
            if not ok:
                result.misses.append(f"{path.name} {name}: ours {ours!r}, ExifTool {theirs!r}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    version = exiftool_version()
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
        result = compare_with_exiftool(files)
    agree, total, misses, times = result.agree, result.total, result.misses, result.times
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
        *result.table(),
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
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
