"""OCR benchmark: character error rate and seconds per page, raw Tesseract versus the workbench.

Pages are rendered from real Persian and Arabic sentences (fictional content) in several
fonts, in three kinds:

- ``clean300``: clean 300-dpi A4 pages with body type (about 11 pt);
- ``large300``: clean 300-dpi pages with large type (about 20 pt), as in headings and
  short notices;
- ``web150``: degraded 150-dpi web JPEGs: scanned at 300 dpi, slightly blurred, noisy and
  tilted, halved, saved at JPEG quality 70 and recompressed at 75.

"Raw" is plain ``pytesseract.image_to_string(page, lang)``; "workbench" is
``workbench.ocr.Tesseract().recognize(page, lang)`` with its default steps (preprocessing,
and after reading the recovery of skipped lines and of misread Persian commas). Both run
Tesseract single-threaded. The step study runs the workbench with each step alone, and
with each default step left out, so each step's effect is measured on its own and in
company; a small set of turned pages measures orientation detection.

Character error rate = Levenshtein distance / reference length, after collapsing whitespace
(line breaks count as one space) and NFC normalisation.

The pages come from `benchmarks.ocr_pages`. The step study (15 more readers) runs on a
declared subset, the first ``--step-pages`` pages of each kind (3 by default), and its table
compares every reader, the workbench and raw included, on those same pages; the other
readers read every page.

Usage: ``python benchmarks/ocr_benchmark.py [--pages N] [--step-pages N] [--no-steps]
[--jobs N] [--write]``; ``--write`` replaces the OCR section of ``benchmarks/RESULTS.md``.
``--jobs N`` reads the pages in N processes side by side (each ``--part K/N --dump``) and
reports them together; the same by hand: ``--part K/N --dump part-K.json`` in each process,
then ``--merge part-*.json`` (with ``--write`` if wanted), reading nothing again.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import numpy as np
import pytesseract
from PIL import Image
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_measure import (  # noqa: E402
    Measure,
    compared,
    load_tables,
    markdown,
    normalise,
    save_tables,
)
from benchmarks.ocr_pages import (  # noqa: E402
    Page,
    build_pages,
    sample_pages,
)
from workbench.imaging.recognition.ocr_preprocess import Steps  # noqa: E402
from workbench.ocr import Tesseract  # noqa: E402
from workbench.reading import read_page_text  # noqa: E402

#: Every step of `Steps`, in the order the step study reports them.
ALL_STEPS = (
    "keep_noisy_rows",
    "deskew",
    "rescale",
    "denoise",
    "binarise",
    "recover_lines",
    "fix_commas",
)


def cer(truth: str, read: str) -> float:
    ref, hyp = normalise(truth), normalise(read)
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


Reader = Callable[[Page], str]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the tesseract runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(reader: Reader, page: Page) -> tuple[str, float, float]:
    started, cpu = time.perf_counter(), cpu_seconds()
    text = reader(page)
    return text, time.perf_counter() - started, cpu_seconds() - cpu


def raw_reader(page: Page) -> str:
    return str(pytesseract.image_to_string(page.image, lang=page.language))


def workbench_reader(engine: Tesseract, steps: Steps | None = None) -> Reader:
    def read(page: Page) -> str:
        if steps is None:
            return engine.recognize(page.image, page.language).page.text
        return engine.recognize(page.image, page.language, steps=steps).page.text

    return read


def report_reader(engine: Tesseract, *, claimed: bool, mode: str = "auto") -> Reader:
    """The ``ocr`` check's text: `workbench.reading.read_page_text`, with or without a claim."""

    def read(page: Page) -> str:
        gray = np.asarray(page.image.convert("L"))
        result, _ = read_page_text(
            lambda language: engine.recognize(gray, language),
            gray,
            engine=engine,
            language=page.language if claimed else None,
            mode=mode,
        )
        return result.page.text

    return read


def run(
    pages: Sequence[Page],
    readers: dict[str, Reader],
    verbose: bool,
    study: dict[str, Reader] | None = None,
    studied: Collection[str] = (),
) -> dict[tuple[str, str], Measure]:
    """Every reader on every page; the `study` readers only on the pages named in `studied`.

    Measures are summed per page kind, over all pages and per language; the studied pages
    are also summed as ``steps`` and ``steps-KIND`` for every reader that reads them, so the
    step study compares readers on the same pages.
    """
    table: dict[tuple[str, str], Measure] = {}
    for page in pages:
        chosen = {**readers, **(study or {})} if page.name in studied else readers
        for name, reader in chosen.items():
            text, seconds, cpu = timed(reader, page)
            kinds = [page.kind, "all", f"lang-{page.language}"]
            if page.name in studied:
                kinds += ["steps", f"steps-{page.kind}"]
            if name in (study or {}):
                kinds = kinds[-2:]
            for kind in kinds:
                table.setdefault((name, kind), Measure()).add(page.truth, text, seconds, cpu)
            if verbose:
                print(
                    f"  {page.name:40s} {name:18s} CER {cer(page.truth, text):6.2%} "
                    f"{seconds:5.2f} s {cpu:5.2f} cpu",
                    flush=True,
                )
    return table


def studied_pages(pages: Sequence[Page], per_kind: int) -> set[str]:
    """The step study's pages: the first `per_kind` of each kind (the samples' included)."""
    names: set[str] = set()
    for kind in dict.fromkeys(p.kind for p in pages):
        names.update(p.name for p in [p for p in pages if p.kind == kind][:per_kind])
    return names


def run_parts(jobs: int, argv: Sequence[str], folder: Path) -> list[Path]:
    """This benchmark in `jobs` processes side by side (``--part K/N --dump``); their files.

    A part's own report is not printed: only the joined one is.
    """
    paths = [folder / f"part-{k}.json" for k in range(jobs)]
    own = [a for a in argv if a != "--write"]
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, *own, "--jobs=1", f"--part={k}/{jobs}", f"--dump={path}"],
            stdout=subprocess.DEVNULL,
        )
        for k, path in enumerate(paths)
    ]
    if any(process.wait() != 0 for process in processes):
        raise SystemExit("a part of the benchmark failed (its output is above)")
    return paths


def turned_pages(pages: Sequence[Page]) -> list[Page]:
    """Clean pages turned by 90 and 180 degrees, and tilted by about 3 degrees."""
    out = []
    for page in [p for p in pages if p.kind == "clean300"][:2]:
        for angle in (90, 180):
            image = page.image.rotate(angle, expand=True)
            out.append(
                Page(f"{page.name}-rot{angle}", f"turned{angle}", image, page.truth, page.language)
            )
        for angle in (3.0, -2.5):
            image = page.image.rotate(
                angle, expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC
            )
            out.append(Page(f"{page.name}-tilt{angle}", "tilted", image, page.truth, page.language))
    return out


def write_section(text: str) -> None:
    path = ROOT / "benchmarks" / "RESULTS.md"
    start, end = "<!-- ocr-benchmark:start -->", "<!-- ocr-benchmark:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        updated = before + block + ("\n" + after if after else "")
    else:
        updated = current.rstrip("\n") + "\n\n" + block
    path.write_text(updated, encoding="utf-8")


def build_readers(engine: Tesseract) -> dict[str, Reader]:
    """The readers compared on every page: raw, the workbench and the report's text."""
    return {
        "raw tesseract": raw_reader,
        "workbench": workbench_reader(engine),
        "report text, claimed language": report_reader(engine, claimed=True),
        "report text, no claim": report_reader(engine, claimed=False),
        "report text, no claim, tesseract only": report_reader(
            engine, claimed=False, mode="tesseract"
        ),
    }


def study_readers(engine: Tesseract) -> dict[str, Reader]:
    """The step study: each step alone, each default step left out, each other one added."""
    none = Steps.none()
    readers = {"no preprocessing": workbench_reader(engine, none)}
    for step in ALL_STEPS:
        alone = dataclasses.replace(none, **{step: True})
        readers[f"{step.replace('_', ' ')} only"] = workbench_reader(engine, alone)
    for step in ALL_STEPS:
        if getattr(Steps(), step):
            without = dataclasses.replace(Steps(), **{step: False})
            readers[f"default without {step.replace('_', ' ')}"] = workbench_reader(engine, without)
    readers["default + denoise"] = workbench_reader(engine, Steps(denoise=True))
    readers["default + binarise"] = workbench_reader(engine, Steps(binarise=True))
    return readers


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10, help="pages per kind")
    parser.add_argument("--no-steps", action="store_true", help="skip the step study")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--language", help="only pages read in this model (fas or ara)")
    parser.add_argument(
        "--part",
        default=None,
        metavar="K/N",
        help="read only pages K, K+N, K+2N, ... (parts run side by side; with --dump)",
    )
    parser.add_argument("--no-turned", action="store_true", help="skip the turned and tilted pages")
    parser.add_argument("--dump", type=Path, default=None, help="save the measures as JSON")
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        default=None,
        metavar="JSON",
        help="report the parts saved with --dump, reading nothing",
    )
    parser.add_argument(
        "--step-pages",
        type=int,
        default=3,
        metavar="N",
        help="the step study reads the first N pages of each kind (default 3; 0: every page)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="read the pages in this many processes side by side, then report them together",
    )
    args = parser.parse_args(argv)

    engine = Tesseract()
    engine.check("fas+ara")
    readers = build_readers(engine)
    study = {} if args.no_steps else study_readers(engine)
    if args.jobs > 1 and not args.merge and not args.part:
        with tempfile.TemporaryDirectory() as folder:
            paths = run_parts(args.jobs, argv if argv is not None else sys.argv[1:], Path(folder))
            table, turned_table = load_tables(paths)
    elif args.merge:
        table, turned_table = load_tables(args.merge)
    else:
        pages = build_pages(args.pages) + sample_pages()
        if args.language:
            pages = [p for p in pages if p.language == args.language]
        studied = studied_pages(pages, args.step_pages or len(pages)) if study else set()
        turned = [] if args.no_turned else turned_pages(pages)
        if args.part:
            k, n = (int(x) for x in args.part.split("/"))
            pages, turned = pages[k::n], turned[k::n]
        print(f"{len(pages)} pages, {len(readers)} readers, the step study on {len(studied)}")
        table = run(pages, readers, args.verbose, study, studied)
        turned_table = run(
            turned,
            {
                "raw tesseract": raw_reader,
                "workbench": workbench_reader(engine),
                "no preprocessing": workbench_reader(engine, Steps.none()),
            },
            args.verbose,
        )
        if args.dump:
            save_tables(args.dump, [table, turned_table])
    count = max(m.pages for (r, k), m in table.items() if k == "all")
    readers = {name: readers[name] for name in readers if (name, "all") in table}
    study = {name: study[name] for name in study if any(r == name for r, _ in table)}
    # The study's own pages (``steps``); measures saved before it had its own were on all.
    steps = "steps" if ("workbench", "steps") in table else "all"
    kinds = ["clean300", "large300", "web150", "samples", "all"]
    kinds = [k for k in kinds if ("raw tesseract", k) in table]

    raw, wb = table[("raw tesseract", "all")], table[("workbench", "all")]
    lines = [
        "## OCR (`benchmarks/ocr_benchmark.py`)",
        "",
        f"Measured {dt.date.today().isoformat()} on a 2-core machine shared with other work "
        f"(timings are noisy), Tesseract {'.'.join(map(str, engine.version))} single-threaded, "
        f"Python {platform.python_version()}. {count} pages ({args.pages} per kind) of "
        "Persian (`fas`) and Arabic (`ara`) sentences in Nazli, Homa, Titr, Noto Naskh Arabic "
        "and Noto Sans Arabic; CER = edit distance / reference characters, whitespace collapsed.",
        "",
        *markdown(table, list(readers), kinds),
        "",
        "Orientation and skew (clean pages turned by 90 and 180 degrees, tilted by 2.5-3 degrees):",
        "",
        *markdown(
            turned_table,
            ["raw tesseract", "workbench", "no preprocessing"],
            ["turned90", "turned180", "tilted"],
        ),
        "",
        f"Overall: workbench CER {wb.cer:.2%} vs raw {raw.cer:.2%} "
        f"({(1 - wb.cer / raw.cer) if raw.cer else 0:.0%} lower), "
        f"{wb.cpu_per_page:.2f} vs {raw.cpu_per_page:.2f} CPU seconds per page "
        f"({wb.cpu_per_page / raw.cpu_per_page:.2f}x); wall clock {wb.per_page:.2f} s vs "
        f"{raw.per_page:.2f} s ({wb.per_page / raw.per_page:.2f}x).",
    ]
    lines += [
        "",
        "Targets (CER at most 2%, at least a third lower than raw, at most 1.5x raw's time):",
        "",
    ]
    for kind in kinds:
        r, w = table[("raw tesseract", kind)], table[("workbench", kind)]
        drop = 1 - w.cer / r.cer if r.cer else 0.0
        ratio = w.cpu_per_page / r.cpu_per_page if r.cpu_per_page else 0.0
        verdict = [
            "CER <= 2%: " + ("met" if w.cer <= 0.02 else "MISSED"),
            "a third lower: " + ("met" if drop >= 1 / 3 else "MISSED"),
            "<= 1.5x time: " + ("met" if ratio <= 1.5 else "MISSED"),
        ]
        lines.append(
            f"- {kind}: {w.cer:.2%} vs raw {r.cer:.2%} ({drop:.0%} lower), "
            f"{ratio:.2f}x raw's CPU time; " + "; ".join(verdict)
        )
    report_rows = [n for n in readers if n.startswith("report text")]
    lines += [
        "",
        "The `ocr` check's text (`workbench.reading`: the page language chosen from the text when "
        "none is claimed, and on Persian pages the second reader within about one raw Tesseract "
        "pass, a budget computed from the page's size and lines), "
        "by language of the page:",
        "",
        *markdown(table, ["raw tesseract", "workbench", *report_rows], ["lang-fas", "lang-ara"]),
    ]
    if study:
        studied = table[("workbench", steps)].pages
        columns = [f"{steps}-{k}" for k in kinds if k != "all"] + [steps]
        if steps == "all":
            columns = kinds
        base, wb = table[("no preprocessing", steps)], table[("workbench", steps)]
        lines += [
            "",
            f"Step study ({studied} pages: the first {args.step_pages or 'all'} of each kind; "
            "the workbench and raw rows here are on the same pages):",
            "",
            *markdown(table, ["raw tesseract", "workbench", *study], columns),
            "",
            f"Each step alone, against no preprocessing ({studied} pages):",
            "",
        ]
        lines += compared(table, [n for n in study if n.endswith(" only")], base, steps)
        lines += ["", f"Each default step left out, and each other step added ({studied} pages):"]
        lines += [""]
        lines += compared(table, [n for n in study if n.startswith("default ")], wb, steps)
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    main()
