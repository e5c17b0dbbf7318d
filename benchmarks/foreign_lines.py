"""Do the lines of a pasted block differ in print, as a run, from the page's other lines?

A foreign-JPEG block (`forensic_edits.foreign_jpeg`) replaces one to three lines of a page by
the same place of another scan. Its lines were printed and scanned through another chain, so
as a group they may differ from the page's other lines in edge sharpness, stroke width, ink
darkness, the paper's grain and noise, or the paper's level. One line alone may differ for
innocent reasons (a bold heading, a stamp); a run of adjacent lines that all shift the same
way, with a clean boundary above and below, is what a pasted block would look like.

For every line the glyph module judges (`glyphs.glyph_consistency`'s words grouped by line,
at least `glyphs.MIN_LINE_WORDS` words and `glyphs.MIN_LINE_SPAN` glyph heights wide, set in
the page's body size and weight of type) it
measures the medians of the words' print features and, in the line's band, the paper's noise
(Immerkaer's residual, `noise.noise_residual`, on bare paper, as a sigma) and level (its
median grey).
Each line feature becomes a robust z against the page's lines (median, 1.4826 MAD with a
floor). A run of 1 to `MAX_RUN` adjacent lines (ordered top to bottom) scores, per feature,

    run = min over the run's lines of s * z  -  max(0, s * z of the line above, of the line below)

where s is the sign of the run's mean z (0 unless every line shifts the same way): the
weakest shift inside the run less the strongest same-way shift just outside it. A page's
statistic is the highest run (per feature, and over all features); an edited page's is also
measured on its true run (the lines most of whose words lie in the edit's mask). Two
combinations of the features are scored too: ``all``, the root of the sum of the squares of
the features' positive run scores, and ``two``, the second-highest feature's run score (two
features shifting together).

Sets: the foreign-JPEG pages of the dev split and of the fresh-look set, `chain_edits.py`'s
foreign-JPEG pages (its cache, ``--pages 2``), and untouched pages (dev's and fresh's, and
`genuine_chains.py`'s 96). Test is never read. Prints, per feature and run length, how many
edited pages' true runs lie above the highest run of any untouched page, and every edited
page's true-run figures.

Each page's record is cached in ``out/foreign-lines.json`` (keyed by this script's and the
glyph module's source, and the page file's time).

    python benchmarks/foreign_lines.py [--json OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from workbench.imaging.forensic import glyphs  # noqa: E402
from workbench.imaging.forensic.noise import noise_residual  # noqa: E402
from workbench.imaging.words import find_words  # noqa: E402

OUT = HERE.parent / "out"
#: Longest run of adjacent lines scored (a block is one to three lines; one more for a
#: block whose lines the words split differently).
MAX_RUN = 4
#: Floors of the lines' spread per feature, as a fraction of the median (the glyph module's
#: line floors, `glyphs.FEATURES` halved), and in grey levels for the paper's level.
FLOORS = {**{k: v * 0.5 for k, v in glyphs.FEATURES.items()}, "noise": 0.05}
#: Floors in grey levels: of the paper's level and of its noise (a JPEG-smoothed paper's
#: residual is near nothing on every line).
ABSOLUTE_FLOORS = {"level": 1.0, "noise": 0.2}
FEATURE_NAMES = (*glyphs.FEATURES, "noise", "level")


def line_table(gray: np.ndarray) -> list[dict[str, Any]]:
    """Every judged line of the page, top to bottom: its box and feature values."""
    page = find_words(gray)
    scan = glyphs.glyph_consistency(gray, words=page)
    if not scan.words:
        return []
    gh = max(page.glyph_height, 1.0)
    by_line: dict[int, list[glyphs.WordPrint]] = {}
    for p in scan.words:
        by_line.setdefault(p.line, []).append(p)
    residual = noise_residual(gray) / 6.0
    near = cv2.dilate(page.ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    rows = []
    for members in by_line.values():
        x0 = min(m.box.x for m in members)
        y0 = min(m.box.y for m in members)
        x1 = max(m.box.x + m.box.width for m in members)
        y1 = max(m.box.y + m.box.height for m in members)
        if len(members) < glyphs.MIN_LINE_WORDS or x1 - x0 < glyphs.MIN_LINE_SPAN * gh:
            continue
        row: dict[str, Any] = {
            name: float(np.median([m.features[name] for m in members])) for name in glyphs.FEATURES
        }
        pad = round(0.5 * gh)
        band = (slice(max(y0 - pad, 0), y1 + pad), slice(x0, x1))
        bare = ~near[band]
        if int(bare.sum()) < 50:
            continue
        row["noise"] = float(np.mean(residual[band][bare])) * 1.2533
        row["height"] = float(np.median([m.box.height for m in members]))
        row["level"] = float(np.median(gray[band][bare]))
        row.update(x0=x0, y0=y0, x1=x1, y1=y1)
        centres = [(m.box.y + m.box.height // 2, m.box.x + m.box.width // 2) for m in members]
        row["centres"] = centres
        rows.append(row)
    if not rows:
        return rows
    # Lines set in another size of type (a heading, a letterhead, a footer) are left out:
    # their print differs for that reason alone (`glyphs.SIZE_RATIO`).
    size = float(np.median([r["height"] for r in rows]))
    rows = [r for r in rows if 1 / glyphs.SIZE_RATIO <= r["height"] / size <= glyphs.SIZE_RATIO]
    if not rows:
        return rows
    # And lines set in another weight (a bold letterhead's name, a light footer): strokes
    # `glyphs.WEIGHT_RATIO` times wider or narrower than the body's lines.
    stroke = float(np.median([r["stroke"] for r in rows]))
    rows = [r for r in rows if 1 / glyphs.WEIGHT_RATIO < r["stroke"] / stroke < glyphs.WEIGHT_RATIO]
    rows.sort(key=lambda r: (r["y0"] + r["y1"]) / 2)
    return rows


def zscores(rows: Sequence[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Each feature's robust z of every line against the page's lines."""
    out: dict[str, np.ndarray] = {}
    for name in FEATURE_NAMES:
        v = np.array([r[name] for r in rows])
        median = float(np.median(v))
        spread = 1.4826 * float(np.median(np.abs(v - median)))
        floor = max(ABSOLUTE_FLOORS.get(name, 0.0), FLOORS.get(name, 0.0) * abs(median))
        out[name] = (v - median) / max(spread, floor, 1e-9)
    return out


def run_score(z: np.ndarray, a: int, b: int) -> float:
    """Score of the run of lines a..b-1 on one feature (module docstring)."""
    inner = z[a:b]
    s = float(np.sign(inner.mean()))
    if s == 0 or np.any(inner * s <= 0):
        return 0.0
    outside = [z[a - 1] * s] if a > 0 else []
    outside += [z[b] * s] if b < len(z) else []
    return float(inner.min() * s - max([0.0, *outside]))


def combined(zs: dict[str, np.ndarray], a: int, b: int) -> float:
    """All features' run scores together: root of the sum of the positive ones' squares."""
    return float(np.sqrt(sum(max(run_score(z, a, b), 0.0) ** 2 for z in zs.values())))


def second(zs: dict[str, np.ndarray], a: int, b: int) -> float:
    """The second-highest feature's run score: two features shifting together."""
    return sorted((run_score(z, a, b) for z in zs.values()), reverse=True)[1]


def page_record(path: Path, mask_path: Path | None) -> dict[str, Any]:
    """The page's highest runs (per feature and length) and, when edited, its true run's."""
    gray = np.asarray(Image.open(path).convert("L"))
    rows = line_table(gray)
    record: dict[str, Any] = {
        "page": path.name,
        "lines": len(rows),
        "edited": mask_path is not None,
    }
    if len(rows) < glyphs.MIN_LINES + 2:
        record["note"] = "too few lines"
        return record
    zs = zscores(rows)
    best: dict[str, dict[str, float]] = {}
    for length in range(1, MAX_RUN + 1):
        for a in range(0, len(rows) - length + 1):
            b = a + length
            scores = {n: run_score(zs[n], a, b) for n in FEATURE_NAMES}
            scores["all"] = combined(zs, a, b)
            scores["two"] = second(zs, a, b)
            for n, s in scores.items():
                for key in (f"{n}@{length}", f"{n}@2+" if length >= 2 else None, f"{n}@1+"):
                    if key is not None and s > best.get(key, {"score": -1.0})["score"]:
                        best[key] = {"score": s, "a": a, "b": b}
    record["best"] = best
    if mask_path is not None:
        mask = np.asarray(Image.open(mask_path)) > 0
        # A line is in the block when most of its words' centres are (a block may cover
        # part of a line's width: one column, or the right half of a letter's lines).
        inside = [
            i for i, r in enumerate(rows) if np.mean([mask[y, x] for y, x in r["centres"]]) > 0.5
        ]
        record["true"] = inside
        if inside and inside == list(range(inside[0], inside[-1] + 1)):
            a, b = inside[0], inside[-1] + 1
            true = {n: run_score(zs[n], a, b) for n in FEATURE_NAMES}
            true["all"] = combined(zs, a, b)
            true["two"] = second(zs, a, b)
            record["true_scores"] = true
            record["true_z"] = {n: [round(float(v), 2) for v in zs[n][a:b]] for n in FEATURE_NAMES}
    return record


def pages() -> list[tuple[str, Path, Path | None]]:
    """(set, page, mask or None) of every page measured."""
    out: list[tuple[str, Path, Path | None]] = []
    for name in ("dev", "fresh"):
        folder = OUT / "forensic-corpus" / name
        for p in sorted(folder.glob(f"{name}-*-foreign-jpeg-*.jpg")):
            out.append((f"{name} foreign", p, p.with_name(p.stem + ".mask.png")))
        for p in sorted(folder.glob(f"{name}-*-none-*.jpg")):
            out.append((f"{name} untouched", p, None))
    for p in sorted((OUT / "chain-edits").glob("*/*-foreign-jpeg-*")):
        if p.suffix in (".jpg", ".png") and not p.name.endswith(".mask.png"):
            out.append(("chain foreign", p, p.with_name(p.stem + ".mask.png")))
    for p in sorted((OUT / "genuine-chains").glob("*/*")):
        if p.suffix in (".jpg", ".png"):
            out.append(("genuine chains", p, None))
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write every page's record here")
    args = parser.parse_args(argv)
    records = []
    cache_path = OUT / "foreign-lines.json"
    stamp = hashlib.sha256(Path(__file__).read_bytes() + Path(glyphs.__file__).read_bytes())
    key = stamp.hexdigest()[:16]
    cache: dict[str, Any] = {}
    if cache_path.exists():
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
        if cache.get("key") != key:
            cache = {}
    cache["key"] = key
    for group, path, mask in pages():
        if not path.exists() or (mask is not None and not mask.exists()):
            continue  # being written by another benchmark
        name = f"{path.relative_to(OUT)}:{path.stat().st_mtime_ns}"
        rec = cache.get(name)
        if rec is None:
            rec = page_record(path, mask)
            cache[name] = rec
            cache_path.write_text(json.dumps(cache), encoding="utf-8")
        rec["set"] = group
        records.append(rec)
    if args.json:
        args.json.write_text(json.dumps(records, indent=0), encoding="utf-8")
    report(records)


def report(records: list[dict[str, Any]]) -> None:
    """Print the separation table and every edited page's true run."""
    marked = today()
    for r in records:
        # The chains' pages nothing marks on the heatmap today are the ones that matter.
        if r["set"] == "chain foreign" and marked.get(r["page"], "").startswith("0.00"):
            r["set"] = "chain foreign, nothing marked today"
    untouched = [r for r in records if not r["edited"] and "best" in r]
    edited = [r for r in records if r["edited"]]
    sets = sorted({r["set"] for r in edited})
    print(f"untouched pages judged: {len(untouched)} of {sum(not r['edited'] for r in records)}")
    for s in sorted({r["set"] for r in untouched}):
        tops = {
            key: max(r["best"][key]["score"] for r in untouched if r["set"] == s)
            for key in ("darkness@1+", "all@1+", "two@1+")
        }
        print(f"  {s}: highest run " + ", ".join(f"{k} {v:.2f}" for k, v in tops.items()))
    print(
        "\n| feature@run | highest untouched run (page) | "
        + " | ".join(f"{s}: true run above it / on the page's top run" for s in sets)
        + " |"
    )
    print("|" + " --- |" * (2 + len(sets)))
    for name in (*FEATURE_NAMES, "all", "two"):
        for length in ("1+", "2+"):
            key = f"{name}@{length}"
            top = max(untouched, key=lambda r: r["best"][key]["score"])
            limit = top["best"][key]["score"]
            cells = []
            for s in sets:
                rows = [r for r in edited if r["set"] == s]
                above = 0
                placed = 0
                for r in rows:
                    t = r.get("true_scores", {}).get(name, 0.0)
                    if length == "2+" and len(r.get("true", [])) < 2:
                        t = 0.0
                    if t > limit:
                        above += 1
                        b = r["best"][key]
                        if set(range(b["a"], b["b"])) & set(r["true"]):
                            placed += 1
                cells.append(f"{above} / {placed} of {len(rows)}")
            print(f"| {key} | {limit:.2f} ({top['page']}) | {' | '.join(cells)} |")
    print(
        "\n| set | page | lines in block | true-run score per feature | highest run on page "
        "| check today: pixel F1, worst finding on the edit |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for r in edited:
        ts = r.get("true_scores")
        cell = ", ".join(f"{n} {v:.1f}" for n, v in ts.items() if v > 0) if ts else "-"
        best = r.get("best", {}).get("all@1+")
        run = f"{best['score']:.1f} at lines {best['a']}-{best['b'] - 1}" if best else "-"
        now = marked.get(r["page"], "")
        print(
            f"| {r['set']} | {r['page']} | {r.get('true', '-')} | {cell or 'none'} | {run} "
            f"| {now} |"
        )


def today() -> dict[str, str]:
    """Per `chain_edits.py` page: its cached pixel F1 and worst finding on the edit."""
    out = {}
    for path in (OUT / "chain-edits").glob("*/outcomes.json"):
        stored = json.loads(path.read_text(encoding="utf-8"))
        for row in stored.get("pages", {}).values():
            worst = max((sev for _, sev, _, on in row["findings"] if on), default=0)
            names = {0: "nothing", 1: "notice", 2: "warning", 3: "critical"}
            f1 = "" if row.get("f1") is None else f"{row['f1']:.2f}"
            out[row["file"]] = f"{f1}, {names.get(worst, str(worst))}"
    return out


if __name__ == "__main__":
    main()
