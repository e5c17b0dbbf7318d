"""Edited pages through the scan chains of `genuine_chains`: detection where neither set looked.

`genuine_chains` measures false alarms of untouched pages on 16 scan and compression chains
that neither development set has. This script makes pages the same way (its typesetting,
`genuine_chains.scan` and `genuine_chains.encode`, on seeds of its own), edits each in the
decoded scan with one of `forensic_edits`' edits and saves it once more as its chain saves
(the chain's last save: same encoder, same quality), as a forger opens a published file,
changes it and saves it again. Kinds of page (`KINDS`):

* ``retyped-plain``: a number erased and typed again sharp on the paper's median colour, as
  the corpus's test split types it (`forensic_edits.retyped_digits` without a look);
* ``retyped-look``: the same with one of the dev split's looks (lighter, darker, sharper or
  softer than the page's print, `forensic_edits.draw_look`), the look cycled over the pages;
* ``foreign-jpeg``: a block of lines replaced by the same place of a donor page made through
  another of the chains (at this chain's resolution, colour and paper, saved once at a
  quality drawn from 60-95), off the 8 x 8 grid (`forensic_edits.foreign_jpeg`);
* ``resaved``: an untouched page opened and saved once more the same way (a control: its
  score against the edited pages' isolates the edit from the extra save);
* ``copy-move``: a word or a whole line of the page copied to a blank place of the same page
  (`forensic_edits.copy_move`; the mask covers both ends, as the corpus's does);
* ``copy-move-twice``: the same page and copy as ``copy-move`` (its seed), saved at the chain's
  last quality and then once more at another (`second_quality`: 10 lower on even pages, 10
  higher on odd ones, within 60-95), as a forger who re-saves leaves it;
* ``spliced-line``: a line typeset in another face with a look of its own, pasted into a blank
  band with its paper or darken-blended (`forensic_edits.spliced_line`).

A mask (PNG, 255 inside every edited box) is written next to each page. Each page's outcome
(score, method scores, pixel F1 of the heatmap against the mask, findings with the method
that made each and whether it lies on the edit) is cached in ``out/chain-edits`` under a key
of the generators' and the methods' source, like `genuine_chains` caches its own.

Per chain it prints, for each kind, the image-level AUC of ``tamper_score`` against that
chain's untouched pages of `genuine_chains` (its cached outcomes, run when missing), the pages
found at warning (anywhere, by a warning on the edit, and by a warning off it), the mean pixel
F1; then every edited page with the methods whose findings lie on its edit.

    python benchmarks/chain_edits.py [--pages N] [--kind KIND ...] [--chain NAME ...]
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus_pages as cp  # noqa: E402
import genuine_chains as gc  # noqa: E402
from forensic_diagnosis import methods_stamp  # noqa: E402
from forensic_edits import (  # noqa: E402
    RETYPE_DIFFERENCES,
    NoRoom,
    copy_move,
    decode,
    draw_look,
    foreign_jpeg,
    retyped_digits,
    spliced_line,
)
from forensic_sets import Case  # noqa: E402
from forensics_benchmark import auc, evaluate_one  # noqa: E402

from workbench.model import Severity  # noqa: E402

CACHE = HERE.parent / "out" / "chain-edits"
#: Seeds of this set's pages (genuine_chains uses 6203, the corpus 7001 and 9413, fresh 5119).
SEED = 8317
KINDS = (
    "retyped-plain",
    "retyped-look",
    "foreign-jpeg",
    "resaved",
    "copy-move",
    "copy-move-twice",
    "spliced-line",
)
#: Kinds made from another kind's page and edit (its seed), saved differently.
SAME_EDIT = {"copy-move-twice": "copy-move"}
#: Untouched pages per chain taken from `genuine_chains` (its `--pages`).
GENUINE_PAGES = 6


def _seed(chain: gc.Chain, kind: str, index: int, attempt: int) -> int:
    ci = gc.CHAINS.index(chain)
    k = KINDS.index(SAME_EDIT.get(kind, kind))
    return (((SEED * 100 + ci) * 10 + k) * 100 + index) * 10 + attempt


def _page_kind(chain: gc.Chain, kind: str, index: int) -> tuple[str, str]:
    """(page kind, faces) of page `index` of `kind` on `chain`: `genuine_chains.PAGES`, cycled."""
    ci = gc.CHAINS.index(chain)
    k = KINDS.index(SAME_EDIT.get(kind, kind))
    return gc.PAGES[(ci + 2 * index + k) % len(gc.PAGES)]


def _donor(
    page_kind: str, template: int, chain: gc.Chain, faces: str, seed: int, rng: np.random.Generator
) -> np.ndarray:
    """A page of the same kind and template made through the next chain (at `chain`'s
    resolution, colour and paper), saved once at a quality drawn from 60-95: the source of a
    foreign block."""
    other = gc.CHAINS[(gc.CHAINS.index(chain) + 1) % len(gc.CHAINS)]
    donor_chain = replace(
        other,
        dpi=chain.dpi,
        colour=chain.colour,
        tint=chain.tint,
        saves=(int(rng.integers(60, 96)),),
        encoder="pillow",
    )
    donor_rng = np.random.default_rng(seed + 500_000)
    donor_page = gc.typeset(page_kind, faces, chain.dpi, donor_rng, template)
    return decode(gc.encode(gc.scan(donor_page, donor_chain, donor_rng), donor_chain)[0])


def second_quality(chain: gc.Chain, index: int) -> int:
    """The quality of a twice-saved page's extra save: the chain's last quality 10 lower on
    even pages and 10 higher on odd ones, within 60-95 (the other way when that leaves it
    unchanged), so that every chain has a page re-saved lower and one re-saved higher."""
    last = chain.saves[-1]
    step = -10 if index % 2 == 0 else 10
    quality = min(95, max(60, last + step))
    return quality if quality != last else min(95, max(60, last - step))


def make_page(chain: gc.Chain, kind: str, index: int, folder: Path) -> tuple[Path, Path | None]:
    """Make page `index` of `kind` on `chain` in `folder` (once): (file, mask or None).

    The edited scan is saved once as the chain's last save (``copy-move-twice``: then once
    more at `second_quality`, by the chain's encoder: a PNG chain's second save changes no
    pixel).
    """
    stem, _, edited, boxes = edited_page(chain, kind, index)
    data, suffix = gc.encode(edited, replace(chain, saves=chain.saves[-1:]))
    if kind == "copy-move-twice":
        again = replace(chain, saves=(second_quality(chain, index),))
        data, suffix = gc.encode(decode(data), again)
    path = folder / f"{stem}{suffix}"
    path.write_bytes(data)
    if not boxes:
        return path, None
    mask = np.zeros(edited.shape[:2], np.uint8)
    for x0, y0, x1, y1 in boxes:
        mask[y0:y1, x0:x1] = 255
    mask_path = folder / f"{stem}.mask.png"
    Image.fromarray(mask).save(mask_path)
    return path, mask_path


def edited_page(
    chain: gc.Chain, kind: str, index: int
) -> tuple[str, np.ndarray, np.ndarray, list[cp.Box]]:
    """Page `index` of `kind` on `chain` before its last save: (file stem, the decoded scan as
    the chain made it, the edited scan, the edit's boxes). The first of 8 seeds with room for
    the edit is taken."""
    page_kind, faces = _page_kind(chain, kind, index)
    stem = f"{chain.name}-{kind}-{index:02d}-{page_kind}-{faces}"
    for attempt in range(8):
        seed = _seed(chain, kind, index, attempt)
        rng = np.random.default_rng(seed)
        with gc.faces_of(faces):
            page = cp.render(page_kind, "dev", chain.dpi, rng, index % 2)
            image, m = gc.scan_skewed(page, chain, rng)
            scanned = decode(gc.encode(image, chain)[0])  # the file as the chain made it
            edit_rng = np.random.default_rng(seed + 1)
            try:
                edited, boxes = _edit(scanned, page, chain, kind, index, faces, seed, edit_rng, m)
            except NoRoom:
                continue
        return stem, scanned, edited, boxes
    raise RuntimeError(f"{stem}: no room for the edit after 8 seeds")


def _edit(
    scanned: np.ndarray,
    page: cp.Page,
    chain: gc.Chain,
    kind: str,
    index: int,
    faces: str,
    seed: int,
    rng: np.random.Generator,
    m: np.ndarray,
) -> tuple[np.ndarray, list[cp.Box]]:
    """`kind`'s edit of the decoded scan (called inside the page's faces)."""
    if kind == "resaved":
        return scanned, []
    if kind == "foreign-jpeg":
        donor = _donor(page.kind, index % 2, chain, faces, seed, rng)
        return foreign_jpeg(scanned, page, donor, m, rng)
    if kind in ("copy-move", "copy-move-twice"):
        return copy_move(scanned, page, m, rng)
    if kind == "spliced-line":
        return spliced_line(scanned, page, "dev", chain, rng)  # type: ignore[arg-type]
    look = None
    if kind == "retyped-look":
        ci = gc.CHAINS.index(chain)
        look = draw_look(RETYPE_DIFFERENCES[(ci + index) % len(RETYPE_DIFFERENCES)], rng)
    return retyped_digits(scanned, page, "dev", chain, m, rng, look)  # type: ignore[arg-type]


def generator_stamp() -> str:
    """Hash of this set's page generator: `genuine_chains`' stamp, the edits' source and the
    source of the functions here that make a page (not of the tables, so that a change of a
    table does not make the pages again)."""
    digest = hashlib.sha256(gc.generator_stamp().encode())
    digest.update((HERE / "forensic_edits.py").read_bytes())
    for function in (_seed, _page_kind, _donor, second_quality, make_page, edited_page, _edit):
        digest.update(inspect.getsource(function).encode())
    return digest.hexdigest()[:16]


def analyse(path: Path, mask_path: Path | None) -> dict[str, Any]:
    """The forensics check on `path`: score, method scores, pixel F1, findings, CPU seconds.

    Each finding is kept as (code, severity, method, on the edit): its evidence's method, and
    whether one of its regions overlaps the mask.
    """
    mask = None if mask_path is None else np.asarray(Image.open(mask_path)) > 0
    with tempfile.TemporaryDirectory() as tmp:
        cpu = time.process_time()
        o = evaluate_one(Case(path.name, path, mask is not None, mask), Path(tmp))
        cpu = time.process_time() - cpu
    findings = []
    for f in o.findings:
        on = False
        if mask is not None:
            for r in f.regions:
                if mask[r.y : r.y + r.height, r.x : r.x + r.width].any():
                    on = True
        method = str(f.evidence.get("method", f.code.removeprefix("forensics.")))
        findings.append([f.code, int(f.severity), method, on])
    return {
        "score": o.score,
        "methods": {k: float(v) for k, v in o.methods.items()},
        "f1": o.f1,
        "findings": findings,
        "cpu": cpu,
    }


def outcomes(chain: gc.Chain, kind: str, pages: int, key: str) -> list[dict[str, Any]]:
    """Every page's outcome of `kind` on `chain`, from the cache when `key` matches."""
    folder = CACHE / chain.name
    stored = gc.stored_outcomes(folder, generator_stamp())
    cache = folder / "outcomes.json"
    rows = []
    for i in range(pages):
        name = f"{kind}-{i:02d}"
        row = stored["pages"].get(name)
        if row is None or row.get("methods_key") != key:
            path, mask = make_page(chain, kind, i, folder)
            row = {"file": path.name, **analyse(path, mask), "methods_key": key}
            stored["pages"][name] = row
            cache.write_text(json.dumps(stored, indent=0), encoding="utf-8")
        rows.append(row)
    return rows


def worst(row: dict[str, Any], on_edit: bool | None = None) -> int:
    """The page's worst severity (of the findings on the edit only, with `on_edit` True; of
    those off it only, with False; of all, with None)."""
    return max(
        (s for _, s, _, on in row["findings"] if on_edit is None or on == on_edit), default=0
    )


def finders(row: dict[str, Any]) -> str:
    """The methods of the page's findings on the edit (on an untouched page: of all its
    findings), worst first: "method (severity)"."""
    seen: dict[str, int] = {}
    for _, severity, method, on in row["findings"]:
        if on or row["f1"] is None:
            seen[method] = max(seen.get(method, 0), severity)
    named = sorted(seen.items(), key=lambda t: -t[1])
    return ", ".join(f"{m} ({Severity(s).name.lower()})" for m, s in named) or "none"


def kind_cells(genuine: Sequence[float], rows: Sequence[dict[str, Any]]) -> str:
    """AUC against `genuine` | pages with a warning (anywhere / on the edit / off the edit) |
    mean pixel F1."""
    if not rows:
        return " | | "
    a = auc(list(genuine), [r["score"] for r in rows])
    found = sum(1 for r in rows if worst(r) >= Severity.WARNING)
    placed = sum(1 for r in rows if worst(r, True) >= Severity.WARNING)
    off = sum(1 for r in rows if worst(r, False) >= Severity.WARNING)
    f1s = [r["f1"] for r in rows if r["f1"] is not None]
    f1 = f"{np.mean(f1s):.2f}" if f1s else ""
    return f"{a:.2f} | {found} / {placed} / {off} of {len(rows)} | {f1}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="pages per chain and kind")
    parser.add_argument("--kind", action="append", choices=KINDS, help="only these kinds")
    parser.add_argument("--chain", action="append", help="only these chains (by name)")
    args = parser.parse_args(argv)
    kinds = args.kind or ["retyped-plain", "retyped-look", "resaved"]
    chosen = [c for c in gc.CHAINS if not args.chain or c.name in args.chain]
    key = methods_stamp(())
    header = "| chain | untouched max |" + "".join(
        f" {k}: AUC | warning (any / on edit / off edit) | pixel F1 |" for k in kinds
    )
    table, pages = [header, "|" + " --- |" * (2 + 3 * len(kinds))], []
    every: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    genuine_all: list[float] = []
    groups: dict[int, tuple[list[float], dict[str, list[dict[str, Any]]]]] = {}
    cpu = 0.0
    for chain in chosen:
        genuine = [r["score"] for r in gc.outcomes(chain, GENUINE_PAGES, key)]
        genuine_all += genuine
        group = groups.setdefault(chain.dpi, ([], {k: [] for k in kinds}))
        group[0].extend(genuine)
        cells = []
        for kind in kinds:
            rows = outcomes(chain, kind, args.pages, key)
            every[kind] += rows
            group[1][kind] += rows
            cells.append(kind_cells(genuine, rows))
            cpu += sum(r["cpu"] for r in rows)
            for r in rows:
                pages.append(
                    f"| {r['file']} | {r['score']:.2f} | "
                    f"{'' if r['f1'] is None else format(r['f1'], '.2f')} | "
                    f"{Severity(worst(r)).name.lower() if worst(r) else 'nothing'} | {finders(r)} |"
                )
        table.append(f"| {chain.name} | {max(genuine):.2f} | {' | '.join(cells)} |")
    for dpi, (genuine, by_kind) in sorted(groups.items()):
        cells = [kind_cells(genuine, by_kind[k]) for k in kinds]
        table.append(f"| all {dpi} dpi | {max(genuine):.2f} | {' | '.join(cells)} |")
    cells = [kind_cells(genuine_all, every[k]) for k in kinds]
    table.append(f"| all | {max(genuine_all):.2f} | {' | '.join(cells)} |")
    print("\n".join(table))
    print(
        "\nEvery page: score, pixel F1, worst finding, methods of the findings on the edit "
        "(of an untouched page: of all its findings).\n"
    )
    print("| page | score | pixel F1 | worst finding | findings on the edit by |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(pages))
    print(f"\nCheck CPU seconds over these pages (as measured when each was run): {cpu:.0f}")


if __name__ == "__main__":
    main()
