"""Double-quantisation map rules judged on dev pages whose kind and scan chain are not confounded.

In the dev split of the independent corpus (`forensic_corpus.py`) every form and receipt lies on
one chain, so leave-one-chain-out cannot judge a rule of the aligned double-quantisation map
(`workbench.imaging.forensic.dq_map`) that matters on one kind of page. This script makes a
**dev-only** crossed set: the dev generator's own page and edit functions
(`forensic_corpus.make_entry`, dev fonts, templates and chains), with page indices far beyond
the dev split's (hence other seeds), every page kind on **every** dev chain, untouched and with
foreign-JPEG, retyped-digits and spliced-line edits and their masks. The dev and test splits
are not touched (their stamps do not change); the test split is never read.

Each rule variant is run on every page with the map alone (`dq_map_of_bytes`): the page score
is the map's strongest region (as the fusion takes it), the pixel F1 that of the map's
suspicion (>= 0.5) against the edit's mask. Rules are then chosen by leave-one-chain-out: for
each chain, the variant with the best pooled AUC (then F1) on the other three chains scores
the held-out one.

    python benchmarks/dq_crossed.py [--rounds N] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import forensic_corpus as fc  # noqa: E402
from forensics_benchmark import auc  # noqa: E402

from workbench.imaging.forensic import dq_map as dq  # noqa: E402

CACHE = HERE.parent / "out" / "dq-crossed"
#: First page index of the crossed set: far beyond the dev split's (0-85), so every seed
#: (`make_entry`: split seed * 1000 + index * 10 + attempt) differs from the dev split's.
BASE = 2000
TAMPERINGS = ("none", "foreign-jpeg", "retyped-digits", "spliced-line")
#: (page kind, template) of each page: both dev letter templates and every other kind.
KINDS = (
    ("letter", 0),
    ("letter", 1),
    ("form", 0),
    ("table", 0),
    ("list", 0),
    ("receipt", 0),
    ("book", 0),
)


def plan(rounds: int) -> list[tuple[int, str, str, int]]:
    """(index, tampering, page kind, template) of every page; index % 4 picks the dev chain.

    `make_entry` takes chain ``(index + attempt) % 4``, so a page whose first seed has no room
    for its edit moves to the next chain; the manifest records the chain each page got.
    """
    rows = []
    index = BASE
    for _ in range(rounds):
        for tampering in TAMPERINGS:
            for kind, template in KINDS:
                for _chain in range(len(fc.CHAINS["dev"])):
                    rows.append((index, tampering, kind, template))
                    index += 1
    return rows


def _make(args: tuple[int, str, str, int, Path]) -> dict[str, Any]:
    index, tampering, kind, template, folder = args
    return asdict(fc.make_entry("dev", index, tampering, kind, template, folder))


def build(rounds: int, jobs: int) -> list[dict[str, Any]]:
    """Generate the crossed set into the cache (reused when generator and plan match)."""
    folder = CACHE
    manifest = folder / "manifest.json"
    key = {"rounds": rounds, "base": BASE, "version": fc.stamp()}
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            pages: list[dict[str, Any]] = data["pages"]
            return pages
    folder.mkdir(parents=True, exist_ok=True)
    rows = [(*r, folder) for r in plan(rounds)]
    out = []
    with ProcessPoolExecutor(max_workers=max(jobs, 1)) as pool:
        for i, entry in enumerate(pool.map(_make, rows)):
            out.append(entry)
            print(f"\rgenerated {i + 1}/{len(rows)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    manifest.write_text(json.dumps({"key": key, "pages": out}, indent=0), encoding="utf-8")
    return out


# -- rule variants ---------------------------------------------------------------------------

_SHIPPED_CONTRAST = dq.page_contrast


def crowded_contrast(crowd: float | None, cap: float | None) -> Callable[..., np.ndarray]:
    """`page_contrast` with rule (a): a crowded kind takes its group's share, or a capped share.

    A kind of block is crowded when the busiest tenth of the tiles holding its votes holds
    `crowd` or more of them (a pasted block that holds most of the page's blocks of that kind);
    its reference is then the share of its whole group (unclipped kinds 1-4 or clipped 5-8),
    bounded by the group's median tile share as the shipped rule bounds a kind's. `cap` bounds
    every kind's reference share from above.
    """

    def contrast(llr: np.ndarray, kinds: np.ndarray) -> np.ndarray:
        if crowd is None and cap is None:
            return _SHIPPED_CONTRAST(llr, kinds)
        single = (llr < -dq.VOTE_MARGIN) & (kinds > 0)
        double = (llr > dq.VOTE_MARGIN) & (kinds > 0)
        n1 = np.bincount(kinds[single], minlength=9)
        n2 = np.bincount(kinds[double], minlength=9)
        t1, t2 = dq._tile_counts(kinds, single), dq._tile_counts(kinds, double)

        def reference(s1: np.ndarray, s2: np.ndarray, c1: np.ndarray, c2: np.ndarray) -> float:
            votes = int(s1.sum() + s2.sum())
            p0 = (int(s1.sum()) + 1) / (votes + 2)
            tiles = c1 + c2
            enough = tiles >= dq.TILE_VOTES
            if votes > 20 * dq.TILE_VOTES and int(enough.sum()) >= 5:
                median = float(np.median(c1[enough] / tiles[enough]))
                p0 = min(p0, max(median, 1.0 / (votes + 2)))
            return p0

        p1 = dq.DIFFERENT_SHARE
        gain_single = np.zeros(9)
        gain_double = np.zeros(9)
        for kind in np.flatnonzero(n1 + n2):
            p0 = reference(n1[kind], n2[kind], t1[:, kind], t2[:, kind])
            if crowd is not None:
                tiles = t1[:, kind] + t2[:, kind]
                held = np.sort(tiles[tiles > 0])[::-1]
                top = max(1, int(np.ceil(0.1 * held.size)))
                if held.sum() > 0 and held[:top].sum() >= crowd * held.sum():
                    group = slice(1, 5) if kind <= 4 else slice(5, 9)
                    p0 = reference(n1[group], n2[group], t1[:, group].sum(1), t2[:, group].sum(1))
            if cap is not None:
                p0 = min(p0, cap)
            if p0 >= p1:
                continue
            gain_single[kind] = np.log(p1 / p0)
            gain_double[kind] = np.log((1.0 - p1) / (1.0 - p0))
        return dq.vote_evidence(single, double, kinds, gain_single, gain_double)

    return contrast


#: name -> (MIN_NONZERO, crowd, cap). "shipped" is the map as it is.
VARIANTS: dict[str, tuple[int, float | None, float | None]] = {
    "shipped": (2000, None, None),
    "crowd0.4": (2000, 0.4, None),
    "crowd0.5": (2000, 0.5, None),
    "crowd0.6": (2000, 0.6, None),
    "cap0.3": (2000, None, 0.3),
    "nz1000": (1000, None, None),
    "nz1000+crowd0.4": (1000, 0.4, None),
    "nz1000+crowd0.5": (1000, 0.5, None),
    "nz1000+crowd0.6": (1000, 0.6, None),
}


@contextmanager
def variant(name: str) -> Iterator[None]:
    """The dq module with one variant's rules, restored afterwards."""
    nonzero, crowd, cap = VARIANTS[name]
    saved = dq.MIN_NONZERO, dq.page_contrast
    dq.MIN_NONZERO = nonzero
    dq.page_contrast = crowded_contrast(crowd, cap)  # type: ignore[assignment]
    try:
        yield
    finally:
        dq.MIN_NONZERO, dq.page_contrast = saved


def map_score(data: bytes, mask: np.ndarray | None) -> tuple[float, float | None, bool]:
    """(region score, pixel F1 of suspicion >= 0.5 or None, whether the page has a map)."""
    result = dq.dq_map_of_bytes(data)
    if not isinstance(result, dq.DqMap):
        return 0.0, (0.0 if mask is not None else None), False
    f1 = None
    if mask is not None:
        heat = np.kron(result.suspicion >= dq.REGION_THRESHOLD, np.ones((8, 8), bool))
        pred = np.zeros(mask.shape, bool)
        h, w = min(heat.shape[0], mask.shape[0]), min(heat.shape[1], mask.shape[1])
        pred[:h, :w] = heat[:h, :w]
        tp = int((pred & mask).sum())
        f1 = 2 * tp / max(2 * tp + int((pred & ~mask).sum()) + int((~pred & mask).sum()), 1)
    return result.region_score, f1, True


def _score_page(args: tuple[dict[str, Any], Path]) -> dict[str, Any]:
    entry, folder = args
    data = (folder / entry["path"]).read_bytes()
    mask = np.asarray(Image.open(folder / entry["mask"])) > 0 if entry["mask"] else None
    out: dict[str, Any] = {k: entry[k] for k in ("name", "tampering", "page_kind", "chain")}
    for name in VARIANTS:
        with variant(name):
            score, f1, has = map_score(data, mask)
        out[name] = {"score": round(score, 4), "f1": f1, "map": has}
    return out


def _other_scores(args: tuple[dict[str, Any], Path]) -> dict[str, float]:
    """Every method's page score but the map's (without the OCR reading, as the diagnosis)."""
    from workbench.imaging.forensic.tamper import analyse_page

    entry, folder = args
    gray = np.asarray(Image.open(folder / entry["path"]).convert("L"))
    scores = analyse_page(gray, dq=None).scores
    return {k: round(float(v), 4) for k, v in scores.items() if k != "dq"}


def add_fused(rows: list[dict[str, Any]], entries: Sequence[dict[str, Any]], jobs: int) -> None:
    """Add each variant's fused `tamper_score` (the map's region score with the others')."""
    from workbench.imaging.forensic.fusion import tamper_score

    path = CACHE / "others.json"
    cached = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    todo = [e for e in entries if e["name"] not in cached]
    with ProcessPoolExecutor(max_workers=max(jobs, 1)) as pool:
        for e, scores in zip(
            todo, pool.map(_other_scores, [(e, CACHE) for e in todo]), strict=True
        ):
            cached[e["name"]] = scores
    path.write_text(json.dumps(cached, indent=0), encoding="utf-8")
    for r in rows:
        for name in VARIANTS:
            fused = tamper_score({**cached[r["name"]], "dq": r[name]["score"]})
            r[f"fused:{name}"] = {
                "score": fused,
                "f1": r[name]["f1"],
                "map": r[name]["map"],
                "region": r[name]["score"] > 0,
            }


def score_pages(entries: Sequence[dict[str, Any]], folder: Path, jobs: int) -> list[dict]:
    with ProcessPoolExecutor(max_workers=max(jobs, 1)) as pool:
        return list(pool.map(_score_page, [(e, folder) for e in entries]))


# -- choosing by leave-one-chain-out ----------------------------------------------------------


def summary(rows: Sequence[dict[str, Any]], name: str) -> tuple[float, float, int, int]:
    """(AUC tampered vs untouched, mean pixel F1 of tampered, untouched with a region, maps).

    For a fused score, "a region" is still the map's own (`add_fused` records it).
    """
    neg = [r[name]["score"] for r in rows if r["tampering"] == "none"]
    pos = [r[name]["score"] for r in rows if r["tampering"] != "none"]
    f1 = [r[name]["f1"] for r in rows if r["tampering"] != "none"]
    flagged = sum(
        1 for r in rows if r["tampering"] == "none" and r[name].get("region", r[name]["score"] > 0)
    )
    maps = sum(1 for r in rows if r[name]["map"])
    return auc(neg, pos), float(np.mean(f1)) if f1 else float("nan"), flagged, maps


def leave_one_chain_out(rows: Sequence[dict[str, Any]], names: Sequence[str]) -> list[str]:
    """Per held-out chain: the variant chosen on the other three and its held-out figures."""
    lines = []
    chains = sorted({r["chain"] for r in rows})
    pooled: list[dict[str, Any]] = []
    for held in chains:
        train = [r for r in rows if r["chain"] != held]
        test = [r for r in rows if r["chain"] == held]

        def key(name: str, train: list[dict[str, Any]] = train) -> tuple[float, float, bool]:
            a, f, flagged, _ = summary(train, name)
            # A variant that puts a region on an untouched page is not a candidate.
            return (-1.0 if flagged else a, f, names.index(name) == 0)

        best = max(names, key=key)
        a, f, flagged, maps = summary(test, best)
        a0, f0, flagged0, maps0 = summary(test, names[0])
        lines.append(
            f"held out {held}: chose {best}; AUC {a0:.3f} -> {a:.3f}, map F1 {f0:.3f} -> "
            f"{f:.3f}, untouched with a region {flagged0} -> {flagged}, maps {maps0} -> {maps}"
        )
        pooled += [{**r, "chosen": r[best]} for r in test]
    a, f, flagged, maps = summary(pooled, "chosen")
    a0, f0, flagged0, maps0 = summary(rows, names[0])
    lines.append(
        f"pooled held out: AUC {a0:.3f} -> {a:.3f}, map F1 {f0:.3f} -> {f:.3f}, "
        f"untouched with a region {flagged0} -> {flagged}"
    )
    return lines


def table(rows: Sequence[dict[str, Any]], prefix: str = "") -> list[str]:
    """Each variant in sample: all pages, per chain, per tampering (AUC / map F1 / flagged)."""
    chains = sorted({r["chain"] for r in rows})
    lines = ["variant | all | " + " | ".join(chains) + " | FJ / RD / SL AUC | FJ / RD / SL F1"]
    for name in (prefix + n for n in VARIANTS):
        a, f, flagged, maps = summary(rows, name)
        cells = [f"{a:.3f} / {f:.3f} / {flagged} flagged / {maps} maps"]
        for chain in chains:
            a, f, flagged, _ = summary([r for r in rows if r["chain"] == chain], name)
            cells.append(f"{a:.3f} / {f:.3f} / {flagged}")
        kinds = []
        for tampering in TAMPERINGS[1:]:
            sub = [r for r in rows if r["tampering"] in ("none", tampering)]
            kinds.append(summary(sub, name)[:2])
        cells.append(" / ".join(f"{k[0]:.3f}" for k in kinds))
        cells.append(" / ".join(f"{k[1]:.3f}" for k in kinds))
        lines.append(f"{name} | " + " | ".join(cells))
    return lines


#: (first, second) JPEG qualities of the tests' scanned-letter fixture pages, saved twice.
FIXTURE_SAVES = ((60, 80), (70, 90), (75, 95), (80, 90), (85, 95), (95, 60))


def fixture_pages() -> list[str]:
    """Untouched pages of the tests' scanned-letter fixture: per variant, maps and regions.

    Six seeds, the plain paper and one brightened until it clips at white, each saved twice
    with the qualities of `FIXTURE_SAVES`: a variant must put a region on none of them.
    """
    from tests.support.scanned import scanned_letter

    datas = []
    for seed in range(6):
        page = np.asarray(scanned_letter(seed=seed)).astype(np.float32)
        for image in (page, page * 1.06 + 4):
            pixels = np.clip(image, 0, 255).astype(np.uint8)
            for first, second in FIXTURE_SAVES:
                data = fc.jpeg_bytes(pixels, first, 2, 150)
                datas.append(fc.jpeg_bytes(fc.decode(data), second, 2, 150))
    lines = []
    for name in VARIANTS:
        with variant(name):
            results = [dq.dq_map_of_bytes(d) for d in datas]
        maps = [r for r in results if isinstance(r, dq.DqMap)]
        regions = sum(1 for r in maps if r.regions)
        lines.append(
            f"{name}: {len(datas)} fixture pages, {len(maps)} with a map, {regions} with a region"
        )
    return lines


def _extra_page(args: tuple[str, int, int, int]) -> list[str]:
    """One untouched page saved at each of its chain's last qualities: a line per variant."""
    kind, template, chain_index, seed = args
    chain = fc.CHAINS["dev"][chain_index]
    scanned = fc._page(kind, "dev", chain, seed, template)
    lines = []
    for quality in chain.resave:
        data = fc.jpeg_bytes(scanned.image, quality, chain.subsampling, chain.dpi)
        for name in VARIANTS:
            with variant(name):
                result = dq.dq_map_of_bytes(data)
            has = isinstance(result, dq.DqMap)
            region = isinstance(result, dq.DqMap) and bool(result.regions)
            lines.append(f"{name}\t{chain.name}\t{kind}\t{int(has)}\t{int(region)}")
    return lines


def extra_untouched(jobs: int) -> list[str]:
    """Untouched dev pages beyond the crossed set: every kind, three seeds, every dev chain.

    Seeds 7_500_000 onwards (no dev, crossed or test page uses them); each page saved at each of
    its chain's last qualities. Per variant: pages with a map, and with a region (must be none).
    """
    jobs_list = [
        (kind, template, c, 7_500_000 + 100 * i + 10 * c + s)
        for i, (kind, template) in enumerate(KINDS)
        for c in range(len(fc.CHAINS["dev"]))
        for s in range(3)
    ]
    with ProcessPoolExecutor(max_workers=max(jobs, 1)) as pool:
        rows = [line.split("\t") for lines in pool.map(_extra_page, jobs_list) for line in lines]
    out = []
    for name in VARIANTS:
        mine = [r for r in rows if r[0] == name]
        maps = sum(int(r[3]) for r in mine)
        regions = [f"{r[1]} {r[2]}" for r in mine if r[4] == "1"]
        out.append(
            f"{name}: {len(mine)} extra untouched pages, {maps} with a map, "
            f"{len(regions)} with a region {regions}"
        )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="pages per kind, tampering, chain")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the per-page scores here")
    parser.add_argument(
        "--dev", action="store_true", help="also score the dev split's own pages (in sample)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="read the per-page map scores from --json"
    )
    parser.add_argument(
        "--fused", action="store_true", help="also the fused score (every method, no OCR)"
    )
    parser.add_argument(
        "--fixtures", action="store_true", help="also the tests' scanned-letter fixture pages"
    )
    parser.add_argument(
        "--extra", action="store_true", help="also untouched dev pages of other seeds"
    )
    args = parser.parse_args(argv)
    if args.extra:
        print("\n".join(extra_untouched(args.jobs)))
        return
    if args.fixtures:
        print("\n".join(fixture_pages()))
    if args.dev:
        dev = [asdict(e) for e in fc.build(HERE.parent / "out" / "forensic-corpus", "dev")]
        dev = [e for e in dev if e["tampering"] != "copy-move"]
        for e in dev:
            e["tampering"] = "none" if e["tampering"] == "exemplar" else e["tampering"]
        dev_rows = score_pages(dev, HERE.parent / "out" / "forensic-corpus" / "dev", args.jobs)
        print("dev split (in sample, copy-move left out):")
        print("\n".join(table(dev_rows)))
    entries = build(args.rounds, args.jobs)
    if args.reuse and args.json and args.json.exists():
        rows = json.loads(args.json.read_text(encoding="utf-8"))
    else:
        rows = score_pages(entries, CACHE, args.jobs)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=0), encoding="utf-8")
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        counts[(r["chain"], r["tampering"])] = counts.get((r["chain"], r["tampering"]), 0) + 1
    print("pages per chain and tampering:", dict(sorted(counts.items())))
    print("\n".join(table(rows)))
    rules = (
        ("(a) crowded kinds", ["shipped", "crowd0.4", "crowd0.5", "crowd0.6", "cap0.3"]),
        ("(b) 1,000 non-zero values", ["shipped", "nz1000"]),
        ("(a) and (b)", list(VARIANTS)),
    )
    for rule, names in rules:
        print(f"\nleave-one-chain-out, map alone, {rule}:")
        print("\n".join(leave_one_chain_out(rows, names)))
    if args.fused:
        add_fused(rows, entries, args.jobs)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=0), encoding="utf-8")
        print("\nfused score, in sample:")
        print("\n".join(table(rows, "fused:")))
        for rule, names in rules:
            print(f"\nleave-one-chain-out, fused score (map F1), {rule}:")
            print("\n".join(leave_one_chain_out(rows, [f"fused:{n}" for n in names])))


if __name__ == "__main__":
    main()
