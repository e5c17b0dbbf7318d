"""Accuracy of the double-JPEG evidence (`workbench.imaging.forensic.double_jpeg`), cost per page.

Images are compressed once at Q2 and twice (Q1 then Q2, same 8x8 grid) with Pillow's
libjpeg-turbo; the compression check's decision (score >= threshold, or a recognised first
quality) is evaluated on every pair. Images: photograph-like textures built from code, scan-like
Persian letters rendered from code, and the samples corpus's exemplar and control letters when
`samples/manifest.json` exists.

    .venv/bin/python benchmarks/double_jpeg.py [--write]

``--write`` replaces the "Double JPEG compression" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from results_file import write_section  # noqa: E402  (benchmarks/ is the script folder)
from workbench_checks.compression import DOUBLE_COMPRESSION_THRESHOLD, FIRST_QUALITY_RESIDUE  # noqa: E402

from tests.support.forensic_fixtures import textured  # noqa: E402
from tests.support.scanned import scanned_letter  # noqa: E402
from workbench.formats.jpeg import estimate_quality, parse_jpeg, standard_tables  # noqa: E402
from workbench.imaging.forensic.double_jpeg import double_compression_evidence  # noqa: E402

SECTION = "Double JPEG compression"
Q2S = (75, 85, 92)
Q1S = (50, 60, 70, 80, 90, 95)
CANDIDATES = {q: standard_tables(q)[0] for q in range(1, 101)}


def save(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def evaluate(data: bytes) -> tuple[float | None, int | None, bool, float]:
    start = time.perf_counter()
    image = Image.open(io.BytesIO(data))
    image.draft("YCbCr", image.size)
    luminance = np.asarray(image)[..., 0]
    table = parse_jpeg(data).quantization_tables[0]
    current = estimate_quality({0: table})
    top = current.quality if current else 100
    # As the compression check does: only coarser first saves are candidates.
    candidates = {q: t for q, t in CANDIDATES.items() if q < top}
    ev = double_compression_evidence(luminance, table, candidates=candidates)
    elapsed = time.perf_counter() - start
    first_ok = (
        ev.first_quality_residue is not None and ev.first_quality_residue <= FIRST_QUALITY_RESIDUE
    )
    detected = (ev.score or 0.0) >= DOUBLE_COMPRESSION_THRESHOLD or (
        ev.first_quality is not None and first_ok
    )
    return ev.score, ev.first_quality if detected else None, detected, elapsed


def auc(negatives: list[float], positives: list[float]) -> float:
    neg, pos = np.array(negatives), np.array(positives)
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def images() -> list[tuple[str, Image.Image]]:
    out = [(f"texture-{i}", textured(i, (800, 600))) for i in range(4)]
    out += [(f"letter-{i}", scanned_letter(1240, 1754, seed=i)) for i in range(2)]
    manifest = ROOT / "samples" / "manifest.json"
    if manifest.exists():
        docs = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
        for doc in docs:
            if doc["kind"] in ("exemplar", "genuine") and doc["path"].endswith(".png"):
                out.append((doc["path"], Image.open(ROOT / "samples" / doc["path"]).convert("RGB")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    singles: list[float] = []
    doubles_up: list[float] = []  # first quality lower than the second (coarser first steps)
    doubles_down: list[float] = []
    det_single = det_up = det_down = 0
    first_errors: list[int] = []
    first_named = 0
    times: list[tuple[int, float]] = []
    sources = images()
    for name, image in sources:
        for q2 in Q2S:
            score, _, detected, elapsed = evaluate(save(image, q2))
            times.append((image.width * image.height, elapsed))
            singles.append(score or 0.0)
            det_single += detected
            for q1 in Q1S:
                if q1 == q2:
                    continue
                twice = save(Image.open(io.BytesIO(save(image, q1))).convert("RGB"), q2)
                score, first, detected, _ = evaluate(twice)
                if q1 < q2:
                    doubles_up.append(score or 0.0)
                    det_up += detected
                    if first is not None:
                        first_named += 1
                        first_errors.append(abs(first - q1))
                else:
                    doubles_down.append(score or 0.0)
                    det_down += detected
        print(f"{name}: done", file=sys.stderr)
    page_px = max(t[0] for t in times)
    page_times = sorted(t for px, t in times if px == page_px)
    lines = [
        f"## {SECTION}",
        "",
        f"Measured {dt.date.today().isoformat()} by `benchmarks/double_jpeg.py` on a 2-core "
        "machine "
        "shared with other jobs (timings are noisy). "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} when it finished.",
        f"Images: {len(sources)} ({', '.join(n for n, _ in sources[:3])}, ...); each saved once "
        f"at Q2 in {Q2S} and twice at Q1 in {Q1S} then Q2 (Pillow/libjpeg-turbo, same grid).",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| single saves flagged (false alarms) | {det_single}/{len(singles)} |",
        f"| double saves flagged, Q1 < Q2 | {det_up}/{len(doubles_up)} |",
        f"| double saves flagged, Q1 > Q2 | {det_down}/{len(doubles_down)} |",
        f"| score AUC, Q1 < Q2 | {auc(singles, doubles_up):.3f} |",
        f"| score AUC, Q1 > Q2 | {auc(singles, doubles_down):.3f} |",
        f"| highest single-save score | {max(singles):.3f} (threshold "
        f"{DOUBLE_COMPRESSION_THRESHOLD}) |",
        f"| first quality named (Q1 < Q2) | {first_named}/{len(doubles_up)}, within 2 of Q1: "
        f"{sum(e <= 2 for e in first_errors)}, within 5: {sum(e <= 5 for e in first_errors)} |",
        f"| time per {page_px / 1e6:.1f}-Mpixel page (decode + DCT + histograms), median | "
        f"{1000 * page_times[len(page_times) // 2]:.0f} ms |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
