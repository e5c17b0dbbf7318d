"""Generate the samples corpus: fictional Persian letters, tampered variants, a names list.

The corpus gives the tests, the demo and the benchmarks documents with known ground truth, shaped
like the motivating case (a scanned Farsi letter dated 1380/02/24 published as a web JPEG, its
English translation, and a list of names). Real documents cannot be shipped, so every office,
person, number and text here is invented.

Everything is deterministic: fixed seeds (derived from names with SHA-256, never Python's salted
``hash``), no timestamps in the written files, fonts from Debian packages, and Persian text shaped
right-to-left by Pillow's raqm layout. Running the script twice on one machine gives byte-identical
files; across library versions the decoded pixels may differ by a level or two, which the tests
allow.

Usage::

    python samples/generate.py                 # rewrite the committed corpus next to this script
    python samples/generate.py --out DIR       # write the corpus somewhere else
    python samples/generate.py --sources       # also write OUT/sources/: the untampered scans
    python samples/generate.py --check         # compare a fresh corpus with OUT, byte for byte

The generator itself lives in the ``generator`` package beside this script: ``conventions``
(seeds, digits, dates), ``letters`` (people and texts), ``rendering`` (drawing a page),
``scanning`` (paper and scanner), ``tampering`` (one function per manipulation), ``questioned``,
``names_list``, ``manifest`` (ground truth) and ``writers`` (files without timestamps). This
script assembles the corpus and re-exports the names the tests and benchmarks use.

See ``samples/README.md`` for what each document is and ``samples/manifest.schema.json`` for the
manifest's shape.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# The generator package sits beside this script; the tests also load this file by path.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator.conventions import A5, SEED, TEMPLATE, CorpusError, derive_seed
from generator.letters import DEPUTY, HEAD, PLANS, Names, Person, Plan, make_spec
from generator.manifest import Corpus, letter_truth
from generator.names_list import build_list
from generator.questioned import build_questioned
from generator.rendering import check_prerequisites, draw_signature, seal_image
from generator.scanning import OFFICE_SCANNER, OLD_SCANNER, paper_for, scan_letter
from generator.tampering import build_tampered
from generator.writers import dump_json, jpeg_bytes, save_png, write_text

# Used by the tests and benchmarks through this module.
__all__ = [
    "DEPUTY",
    "HEAD",
    "OLD_SCANNER",
    "PLANS",
    "CorpusError",
    "Names",
    "Person",
    "Plan",
    "build",
    "derive_seed",
    "draw_signature",
    "jpeg_bytes",
    "main",
    "make_spec",
    "paper_for",
    "save_png",
    "scan_letter",
    "seal_image",
]


def build(out: Path, sources: bool = False) -> dict[str, object]:
    """Generate the whole corpus under ``out`` and return the manifest (also written there).

    With ``sources``, also write ``out/sources/``: the untampered scan of every tampered letter,
    so that a test can check that each manipulation stays inside its mask.
    """
    check_prerequisites()
    names = Names(derive_seed("letter-names"))
    specs = {plan.slug: make_spec(plan, names) for plan in PLANS}
    corpus = Corpus(out, sources)

    exemplar_scans: dict[str, np.ndarray] = {}
    for slug in ("exemplar_01", "exemplar_02", "exemplar_03", "exemplar_04"):
        img, m, rendered = scan_letter(specs[slug])
        exemplar_scans[slug] = img
        path = f"exemplars/{slug}.png"
        save_png(out / path, img)
        corpus.add(
            path, "exemplar", TEMPLATE, letter_truth(specs[slug], rendered, m, A5, OFFICE_SCANNER)
        )

    img, m, rendered = scan_letter(specs["control_01"])
    save_png(out / "genuine/control_01.png", img)
    corpus.add(
        "genuine/control_01.png",
        "genuine",
        TEMPLATE,
        letter_truth(specs["control_01"], rendered, m, A5, OFFICE_SCANNER),
    )

    build_tampered(corpus, specs, exemplar_scans)
    build_questioned(corpus)
    build_list(corpus)

    manifest: dict[str, object] = {
        "version": 1,
        "generator": {"script": "generate.py", "seed": SEED},
        "documents": corpus.documents,
    }
    write_text(out / "manifest.json", dump_json(manifest))
    return manifest


def differing_files(fresh: Path, committed: Path) -> list[str]:
    """Files of a freshly generated corpus whose bytes differ from (or are missing in) another."""
    return [
        path.relative_to(fresh).as_posix()
        for path in sorted(fresh.rglob("*"))
        if path.is_file()
        and not (
            (committed / path.relative_to(fresh)).is_file()
            and (committed / path.relative_to(fresh)).read_bytes() == path.read_bytes()
        )
    ]


def check(committed: Path) -> int:
    """Generate into a temporary folder and compare with ``committed`` byte for byte."""
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        differing = differing_files(Path(tmp), committed)
        count = sum(1 for p in Path(tmp).rglob("*") if p.is_file())
    for name in differing:
        print(f"differs: {name}", file=sys.stderr)
    print(f"{count - len(differing)} of {count} files byte-identical to {committed}")
    return 1 if differing else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``generate.py [--out DIR] [--sources] [--check]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = Path(__file__).resolve().parent
    parser.add_argument(
        "--out",
        type=Path,
        default=here,
        help="folder to write the corpus into (default: this script's folder)",
    )
    parser.add_argument(
        "--sources",
        action="store_true",
        help="also write OUT/sources/: the untampered scans of the tampered letters",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing: generate into a temporary folder and compare it with OUT byte for "
        "byte (exit status 1 when a file differs)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.check:
            return check(args.out)
        manifest = build(args.out, args.sources)
    except CorpusError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    docs = manifest["documents"]
    assert isinstance(docs, list)
    print(f"wrote {len(docs)} documents to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
