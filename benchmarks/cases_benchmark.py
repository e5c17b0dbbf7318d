"""Near-duplicate pages across a store: found copies, false matches, cost and search time.

Two sets of letters, each with copies made of every letter, stored through the real
``fingerprint`` check and searched with the real case service (`workbench.cases`):

* **development** (thresholds tuned here): the committed sample letters (4 exemplars, the
  control, the 9 tampered letters, the questioned letter: 15 different letters of one office's
  template), each copied 13 ways: re-saved as JPEG 90/70/50, rescaled to 50/75/90%, cropped by
  5, 10 and 20% (from the top-left, the centre and the bottom-right, and 20% from one side),
  and recompressed (rescaled to 80% and saved as JPEG 60);
* **independent** (only measured): 8 new letters of the same template rendered by
  ``samples/generate.py`` with content the samples do not use and the older colour scanner
  profile, each copied 10 ways with seeded random parameters: crops of 0-20% on each side
  independently, scales 50-100%, JPEG qualities 40-95, some combined.

Found: a copy matched to its letter (in either direction). False match: two different letters
(or a copy and another letter) matched. Also measured: the fingerprint check's time next to a
full analysis of the same page (all default checks), and the search time over a store holding
1,000+ page fingerprints.

Both sets are searched in a store that also holds `--synthetic` rows of other letters (1,000
by default; `case_distractors`): each row the real fingerprints (hash, keypoints, words, page
reduction) of one of 12 further letters rendered from the same template, or of a copy of one,
re-used across rows, so that the near-duplicate filter meets candidates as hard as a real
leak's; a match with one of them is a false match. The search-time store holds the same rows,
each also with marks: a stored mark's patch turned and inked anew, as another impression of
it would be.

    python benchmarks/cases_benchmark.py [--write] [--quick] [--synthetic N]
        [--saved DIR] [--parts dev,indep,search,cost]
"""

from __future__ import annotations

import argparse
import functools
import io
import itertools
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

import case_costs  # noqa: E402
import case_distractors  # noqa: E402  (benchmarks/ is the script folder)
import generate  # noqa: E402  (samples/generate.py)
from case_costs import cost_ratio, search_time, store_page  # noqa: E402
from results_file import write_section  # noqa: E402

from workbench import case_pages  # noqa: E402
from workbench.cases import near_duplicates  # noqa: E402
from workbench.imaging import page_overlap, page_words  # noqa: E402
from workbench.imaging.page_words import closest_pages  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.store.fingerprints import page_fingerprints  # noqa: E402

SECTION = "Cases: near-duplicates and search"
SAMPLES = ROOT / "samples"
Variant = Callable[[Image.Image], Image.Image]


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    """The image saved as JPEG; the file's bytes ride along in ``info["file"]``."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    decoded = Image.open(io.BytesIO(buffer.getvalue()))
    decoded.info["file"] = buffer.getvalue()
    return decoded


def scale(image: Image.Image, factor: float) -> Image.Image:
    w, h = image.size
    return image.resize((round(w * factor), round(h * factor)), Image.Resampling.LANCZOS)


def crop(image: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = image.size
    box = (round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom)))
    return image.crop(box)


def chain(image: Image.Image, sides: tuple[float, ...], factor: float, quality: int) -> Image.Image:
    """Crop by `sides` (left, top, right, bottom), rescale by `factor`, save as JPEG."""
    out = crop(image, *sides) if any(sides) else image
    out = scale(out, factor) if factor != 1 else out
    return jpeg(out, quality) if quality else out


def dev_variants() -> dict[str, Variant]:
    specs: dict[str, tuple[tuple[float, ...], float, int]] = {
        f"jpeg{q}": ((0, 0, 0, 0), 1.0, q) for q in (90, 70, 50)
    }
    specs.update({f"scale{round(f * 100)}": ((0, 0, 0, 0), f, 0) for f in (0.5, 0.75, 0.9)})
    for c in (0.05, 0.1, 0.2):
        specs[f"crop{round(c * 100)}-topleft"] = ((c, c, 0, 0), 1.0, 0)
        specs[f"crop{round(c * 100)}-centre"] = ((c / 2, c / 2, c / 2, c / 2), 1.0, 0)
    specs["crop20-bottomright"] = ((0, 0, 0.2, 0.2), 1.0, 0)
    specs["crop20-one-side"] = ((0, 0, 0, 0.2), 1.0, 0)
    specs["recompressed"] = ((0, 0, 0, 0), 0.8, 60)
    return {
        name: functools.partial(chain, sides=a, factor=b, quality=q)
        for name, (a, b, q) in specs.items()
    }


def indep_variants(rng: np.random.Generator, n: int = 10) -> dict[str, Variant]:
    out: dict[str, Variant] = {}
    for i in range(n):
        sides = tuple(float(v) for v in rng.uniform(0, 0.2, 4) * (rng.random(4) < 0.6))
        factor = float(rng.uniform(0.5, 1.0))
        quality = int(rng.integers(40, 96))
        out[f"random{i}"] = functools.partial(chain, sides=sides, factor=factor, quality=quality)
    return out


def dev_letters() -> list[Path]:
    found = [
        *sorted((SAMPLES / "exemplars").glob("*.png")),
        *sorted((SAMPLES / "genuine").glob("*.png")),
        *sorted((SAMPLES / "tampered").glob("*.*")),
        *sorted((SAMPLES / "questioned").glob("*.jpg")),
    ]
    return [p for p in found if p.suffix.lower() in (".png", ".jpg")]


def indep_letters(folder: Path, count: int) -> list[Path]:
    names = generate.Names(generate.derive_seed("benchmark-letter-names"))
    out = []
    for i in range(count):
        plan = generate.Plan(
            f"bench_{i:02d}",
            (1382, 1 + i % 12, 3 + 2 * i),
            7100 + 37 * i,
            generate.HEAD if i % 2 else generate.DEPUTY,
            (i + 2) % 5,
            (3 * i + 1) % 5,
            (i + 1) % 3,
            (5 * i + 2) % 6,
        )
        try:
            spec = generate.make_spec(plan, names)
        except generate.CorpusError:
            continue  # a Friday: letters are not issued then
        img, _, _ = generate.scan_letter(spec, profile=generate.OLD_SCANNER)
        path = folder / f"{plan.slug}.png"
        Image.fromarray(img).save(path)
        out.append(path)
    return out


def evaluate(
    letters: list[Path],
    variants: dict[str, Variant],
    folder: Path,
    distractors: list[case_distractors.SourcePage],
    rows: int,
) -> dict[str, object]:
    """Store the letters and their copies beside `rows` distractor rows, search every one."""
    folder.mkdir(parents=True, exist_ok=True)
    owner: dict[str, str] = {}
    kind: dict[str, str] = {}
    with Store.open(folder / "store") as store:
        for letter in letters:
            sha, _ = store_page(store, letter)
            owner[sha], kind[sha] = letter.stem, "original"
            image = Image.open(letter)
            for name, make in variants.items():
                copy = make(image)
                if "file" in copy.info:
                    target = folder / f"{letter.stem}.{name}.jpg"
                    target.write_bytes(copy.info["file"])
                else:
                    target = folder / f"{letter.stem}.{name}.png"
                    copy.save(target)
                csha, _ = store_page(store, target)
                owner[csha], kind[csha] = letter.stem, name
        with store.transaction() as conn:
            added = case_distractors.add_rows(conn, distractors, rows, np.random.default_rng(5))
        pages = page_fingerprints(store, with_features=False)
        matched: set[frozenset[str]] = set()
        with PixelChecks() as checks:
            for sha in owner:
                for d in near_duplicates(store, sha, pages):
                    matched.add(frozenset((sha, d.other)))
        ranks = word_ranks(pages, owner, kind)
    for sha, _, source in added:
        owner[sha] = f"other letter {source}"
    found: dict[str, list[int]] = {}
    for sha, name in kind.items():
        if name == "original":
            continue
        original = next(s for s, n in kind.items() if n == "original" and owner[s] == owner[sha])
        hit = frozenset((sha, original)) in matched
        found.setdefault(name, [0, 0])[0] += int(hit)
        found[name][1] += 1
    false = [p for p in matched if len({owner[s] for s in p}) > 1]
    real = [s for s in owner if s in kind]
    different = sum(1 for a, b in itertools.combinations(real, 2) if owner[a] != owner[b])
    return {
        "distractors": len(added),
        "distractor_pairs": len(real) * len(added),
        "worst_word_rank": max(ranks) if ranks else None,
        "letters": len(letters),
        "copies": sum(v[1] for v in found.values()),
        "found": sum(v[0] for v in found.values()),
        "by_variant": found,
        "false_matches": len(false),
        "pixel_checks": checks.counts,
        "different_pairs": different,
        "false_examples": [
            sorted(kind.get(s, "row") + ":" + owner[s] for s in p) for p in false[:3]
        ],
    }


class PixelChecks:
    """Counts, while in use, what the search did with its candidates, stage by stage.

    ``rough``: candidates kept by the first look at keypoints whose rough transform's sample
    was compared (`workbench.case_pages`); ``rough_ruled_out``: those it ruled out;
    ``verified``: pairs verified keypoint by keypoint (`match_pair`); ``sampled``: samples
    taken of an overlap, on either transform (`sampled_agreement`); ``whole``: overlaps
    compared whole (`overlap_agreement`): no sample ruled them out.
    """

    NAMES: ClassVar[dict[str, str]] = {
        "verified": "match_pair",
        "sampled": "sampled_agreement",
        "whole": "overlap_agreement",
    }

    def __init__(self) -> None:
        self.counts = dict.fromkeys([*self.NAMES, "rough", "rough_ruled_out"], 0)
        self._saved = {key: getattr(case_pages, name) for key, name in self.NAMES.items()}
        self._ruled_out = case_pages.Thumbs.ruled_out

    def __enter__(self) -> PixelChecks:
        for key, name in self.NAMES.items():
            setattr(case_pages, name, self._counting(key, self._saved[key]))
        real = self._ruled_out

        def judged(thumbs: Any, *args: Any) -> bool:
            verdict = real(thumbs, *args)
            self.counts["rough"] += 1
            self.counts["rough_ruled_out"] += int(verdict)
            return verdict

        case_pages.Thumbs.ruled_out = judged  # type: ignore[method-assign]
        return self

    def _counting(self, key: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any) -> Any:
            self.counts[key] += 1
            return call(*args)

        return counted

    def __exit__(self, *exc: object) -> None:
        for key, name in self.NAMES.items():
            setattr(case_pages, name, self._saved[key])
        case_pages.Thumbs.ruled_out = self._ruled_out  # type: ignore[method-assign]


def word_ranks(pages: list[Any], owner: dict[str, str], kind: dict[str, str]) -> list[int]:
    """Where each copy's letter, and each letter's copies, rank by visual words (0 = first).

    A copy is looked for among the pages its query's words rank first (`closest_pages`);
    its rank counting only other letters' pages above it is the filter's margin: it keeps
    the copy while that stays below `CANDIDATES`.
    """
    out = []
    for query in pages:
        if query.document_sha256 not in kind or query.words is None:
            continue
        others = [p for p in pages if p.document_sha256 != query.document_sha256]
        order = closest_pages(query.words, [p.words for p in others], count=len(others))
        mine = owner[query.document_sha256]
        is_original = kind[query.document_sha256] == "original"
        above = 0
        for j in order:
            sha = others[int(j)].document_sha256
            if owner.get(sha) != mine:
                above += 1
            elif is_original or kind.get(sha) == "original":
                out.append(above)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--quick", action="store_true", help="fewer letters, no cost ratio")
    parser.add_argument("--synthetic", type=int, default=1000)
    parser.add_argument(
        "--candidates",
        type=int,
        help="pages the visual words keep per query (default: the search's own); a number "
        "above the store's size measures the search as it was before the filter",
    )
    parser.add_argument(
        "--saved",
        type=Path,
        help="folder keeping each part's result (dev, indep, search, cost) as JSON: parts "
        "found there are read, not measured again, so parts can be measured by separate runs",
    )
    parser.add_argument(
        "--parts", default="dev,indep,search,cost", help="the parts to measure (comma-separated)"
    )
    args = parser.parse_args()
    if args.candidates is not None:
        page_words.CANDIDATES = args.candidates
    load = os.getloadavg()[0]
    wanted = set(args.parts.split(","))
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)

        def part(name: str, measure: Callable[[], Any]) -> None:
            saved = args.saved / f"{name}.json" if args.saved else None
            if saved is not None and saved.exists():
                results[name] = json.loads(saved.read_text(encoding="utf-8"))
            elif name in wanted:
                results[name] = measure()
                if saved is not None:
                    saved.parent.mkdir(parents=True, exist_ok=True)
                    saved.write_text(json.dumps(results[name]), encoding="utf-8")
            print(name, json.dumps(results.get(name)), flush=True)

        @functools.cache
        def distractors() -> list[case_distractors.SourcePage]:
            return case_distractors.cached_sources(4 if args.quick else 12, args.saved)

        def independent() -> dict[str, object]:
            made = work / "made"
            made.mkdir()
            letters = indep_letters(made, 3 if args.quick else 8)
            variants = indep_variants(np.random.default_rng(11))
            return evaluate(letters, variants, work / "indep", distractors(), args.synthetic)

        dev_set = dev_letters()[: 5 if args.quick else None]
        part(
            "dev",
            lambda: evaluate(dev_set, dev_variants(), work / "dev", distractors(), args.synthetic),
        )
        part("indep", independent)
        part(
            "search",
            lambda: search_time(work / "search", args.synthetic, dev_letters()[:3], distractors()),
        )
        part("cost", lambda: [] if args.quick else cost_ratio(dev_letters()[:3]))
    if not {"dev", "indep", "search"} <= set(results):
        return 0  # a partial run: its parts are saved
    dev, ind, search = results["dev"], results["indep"], results["search"]
    cpu = search.get("cpu_median_s") or {}
    # a batch searches through its index (`workbench.case_index`), its later pages finding
    # their candidates decoded: what a page of a batch pays, where it was measured
    indexed = search.get("indexed_cpu_by_size") or {}
    per_page = indexed[str(search["pages"])][1] if indexed else cpu.get("store", 0)
    costs = results.get("cost") or []

    def row(name: str, r: dict[str, Any]) -> str:
        return (
            f"| {name} | {r['letters']} | {r['copies']} | {r['found']}/{r['copies']} | "
            f"{r['false_matches']} of {r['different_pairs'] + r.get('distractor_pairs', 0)} | "
            f"{r.get('worst_word_rank')} |"
        )

    missed = {
        n: f"{v[0]}/{v[1]}"
        for r in (dev, ind)
        for n, v in r["by_variant"].items()  # type: ignore[union-attr]
        if v[0] < v[1]
    }
    lines = [
        f"## {SECTION}",
        "",
        "`python benchmarks/cases_benchmark.py --write`, thresholds in "
        "`workbench/case_pages.py`: a candidate (pHash within 16 bits of 256, or keypoints "
        "verified by a similarity transform "
        f"on the {page_words.CANDIDATES} stored pages closest by visual words, `workbench/imaging/"
        "page_words.py`) is a copy when at least 85% of the inked 16-pixel blocks of the "
        "overlap agree once the transform lays one page's 400-pixel reduction onto the other's. "
        "The threshold was set on the development set (copies agreed on 0.90 or more, different "
        "letters on at most 0.79), and the words' vocabulary fitted on its 15 letters "
        "(`benchmarks/fit_page_words.py`); the independent set is only measured. Each set was "
        f"stored beside {dev.get('distractors', 0)} rows of other letters of the same template "
        "(`benchmarks/case_distractors.py`: the real fingerprints of 12 further rendered letters "
        "and of 4 copies of each, re-used across rows), and a match with one of them counts as "
        "a false match. All parts were measured on the shared "
        "2-core machine while other work ran on it (load average "
        f"{load:.1f} when this text was written on {time.strftime('%Y-%m-%d')}"
        f"{' from parts measured by separate runs' if args.saved else ''}).",
        "",
        "| set | letters | copies | copies matched to their letter | false matches (pairs "
        "of different letters, rows of other letters included) | most pages of other letters "
        "ranked by words above a copy |",
        "| --- | --- | --- | --- | --- | --- |",
        row("development (samples, 15 fixed copies each; tuned on)", dev),
        row("independent (new letters, older scanner, 10 random copies each; measured)", ind),
        "",
        f"Copies missed, by kind: {missed or 'none'}. Examples of false matches (copy:letter): "
        f"{dev['false_examples'] or 'none'} (development), "
        f"{ind['false_examples'] or 'none'} (independent).",
        "",
        "Candidates, stage by stage (`workbench/case_pages.py`): the first look at keypoints "
        "fits a rough transform per candidate, which lays one page's reduction onto the "
        "other's; an even sample of the overlap (one block in "
        f"{page_overlap.SAMPLE_STEP}, compared in {page_overlap.SAMPLE_PARTS} parts, the first "
        "part alone ending it when it already cannot reach 85%: the share of agreeing blocks "
        f"{page_overlap.SAMPLE_Z:g} standard errors above the sample's, Wilson's interval) "
        "rules a pair out before its keypoints are verified pair by pair; the pairs left are "
        "verified, sampled again on the verified transform, and compared whole only where that "
        "sample did not rule them out: "
        + "; ".join(
            f"{name}: {c['rough']} candidates, {c['rough_ruled_out']} ruled out on the rough "
            f"sample, {c['verified']} verified pair by pair, {c['whole']} compared whole"
            for name, r in (("development", dev), ("independent", ind))
            if (c := r.get("pixel_checks")) and "rough" in c
        )
        + ". The sample's step and margin, and the rough stage (a rough sample on which fewer "
        "than 10% of the blocks agree rules nothing out: the rough fit missed the alignment), "
        "were chosen on the development set.",
        "",
        "The sample generator fills letters from small pools of paragraphs, so different letters "
        "often carry the same paragraphs word for word in the same template: their keypoints "
        "verify as a copy's would, and only the pixels of the whole overlap tell them apart. "
        "The same sharing is what ranks a few other letters above a heavily cropped copy by "
        "visual words (last column): the filter keeps "
        f"{page_words.CANDIDATES} pages, so a copy is lost only when that many pages, of other "
        "letters or other copies of its own, rank above it.",
        "",
        f"Search over a store of {search['pages']} fingerprinted pages ({args.synthetic} of "
        "them rows of other letters, as above; median of 3 real pages, reading the fingerprints "
        f"from the store included), load average {search['load']:.1f} on 2 cores as it was "
        "measured (other work was running: a quiet machine is faster):",
        "",
        "| what | median (s) | slowest (s) | CPU time, median (s) |",
        "| --- | --- | --- | --- |",
        f"| near-duplicate search of one page | {search['median_s']:.2f} | "
        f"{search['max_s']:.2f} | {cpu.get('near', 0):.2f} |",
        f"| signature, seal and letterhead search over {search['marks']} stored marks | "
        f"{search['marks_median_s']:.2f} | | {cpu.get('marks', 0):.2f} |",
        f"| both, stored with the run (what a batch or an upload does per document) | "
        f"{search['store_median_s']:.2f} | {search['store_max_s']:.2f} | "
        f"{cpu.get('store', 0):.2f} |",
        *(
            f"| both, stored with the run through a batch's index of the store ({how}) | | | "
            f"{indexed[str(search['pages'])][i]:.2f} |"
            for i, how in enumerate(("its first search", "pages decoded by earlier searches kept"))
            if indexed
        ),
        f"| `workbench similar` / case view: reading the stored links (indexed) | "
        f"{search['read_median_s']:.3f} | {search['read_max_s']:.3f} | "
        f"{cpu.get('read', 0):.3f} |",
        "",
        "The CPU time is the searching process's own (OpenCV was allowed "
        f"{search.get('threads', '?')} threads): on a machine shared with other work it is "
        "closer than the wall time to what a quiet machine takes.",
    ]
    if costs:
        by_size = {int(k): v for k, v in (search.get("store_cpu_by_size") or {}).items()}
        if indexed:
            by_size = {int(k): v[1] for k, v in indexed.items()}
        mean = case_costs.batch_search_cpu(by_size) if by_size else per_page / 2
        full = [c for c in costs if len(c) > 7]  # rows measured before lack the parts

        def added(c: list[Any]) -> float:
            # what fingerprinting adds to a full analysis: the check less the seal search
            # the letter check shares with it, plus writing the fingerprints
            return float(c[3] - c[6] + c[7])

        lines += [
            "",
            "Cost per page: what fingerprinting adds to a full default analysis of the same page "
            "(all checks, one process), and the stored search of a store of the size above (the "
            "most a page of a 1,000-page batch pays"
            + (", through the batch's index with earlier searches decoded" if indexed else "")
            + "). Wall times are those of the loaded machine within one analysis; CPU times are "
            "the process's own: the fingerprint check's measured as an analysis with that check "
            "alone less one with the file check alone (loading and decoding the page, which "
            "every analysis pays once; medians of 3, alternated), less its seal search, which a "
            "full analysis makes once for the letter and fingerprint checks "
            "(`Context.page_seals`), plus writing the fingerprints to the store "
            "(`record_fingerprints`, the visual words included; medians of 3):",
            "",
            "| page | fingerprint (s, wall) | all checks (s, wall) | fingerprint check (s, CPU) | "
            "of it, the seal search shared with the letter check (s, CPU) | writing the "
            "fingerprints (s, CPU) | stored search (s, CPU) | all checks (s, CPU) | share at "
            "1,000 pages (CPU) | share of a 1,000-page batch (CPU) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            *[
                f"| {c[0]} | {c[1]:.2f} | {c[2]:.1f} | {c[3]:.2f} | {c[6]:.2f} | {c[7]:.3f} | "
                f"{per_page:.2f} | {c[4]:.1f} | {(added(c) + per_page) / c[4]:.1%} | "
                f"{(added(c) + mean) / c[4]:.1%} |"
                for c in full
            ],
        ]
        if full:
            alone = [added(c) / c[4] for c in full]
            both = [(added(c) + per_page) / c[4] for c in full]
            batch = [(added(c) + mean) / c[4] for c in full]
            verdict = "within" if max(batch) <= 0.05 else "above"
            sizes = ", ".join(f"{n} pages {v:.2f} s" for n, v in sorted(by_size.items()))
            lines += [
                "",
                f"Fingerprinting alone adds {min(alone):.1%}-{max(alone):.1%} to a page's "
                f"analysis (the check with the decoding every analysis pays: "
                f"{min(c[5] for c in full):.2f}-{max(c[5] for c in full):.2f} s of CPU); with "
                f"the search stored beside it, the last page of a 1,000-page batch "
                f"pays {min(both):.1%}-{max(both):.1%}. A batch's pages search stores of every "
                f"size up to it: the stored search, timed at several sizes ({sizes}; CPU, median "
                f"of the 3 pages{', through the index as above' if indexed else ''}) and read "
                f"linearly between them, costs {mean:.2f} s per page "
                f"on average over a 1,000-page batch, so the batch as a whole pays "
                f"{min(batch):.1%}-{max(batch):.1%} on these pages: {verdict} the 5% aimed at.",
            ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
