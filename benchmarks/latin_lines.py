"""Latin text on Persian pages: what the ``ocr`` check's ``eng`` reading recovers, and its cost.

The ``ocr`` check reads a page's low-confidence lines again with Tesseract's ``eng`` model
(`workbench.ocr.latin`) so that Latin words the Persian model turned into noise are found.
This benchmark measures, on Persian letters with Latin runs (`benchmarks.latin_pages`, a
development set: the rule was chosen on it) and on the samples' pages (no Latin text):

- the Latin words of the pages (exact words, punctuation included) that the check's reading
  holds: the ``fas`` reading alone (Latin letters ``fas`` wrote, confidence at least 70, as
  the check counts them) and with the ``eng`` reading of the lines each rule picks;
- lines each rule sends to ``eng``, the lines found to be Latin text (and of those, lines
  with no Latin text), the pages where the check reports Latin script;
- the ``eng`` reading's wall-clock seconds per page (one Tesseract process, or none).

Rules: ``low-confidence`` every line under the confidence bar (the rule before
`latin_candidates`); ``candidates`` `latin_candidates`.

Usage: ``python benchmarks/latin_lines.py [--pages N] [--lines]`` (N pages of each kind;
``--lines`` prints every line either rule picks, with its ``fas`` text: ``x`` picked, ``L``
picked and found to be Latin, one mark per rule).
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench_checks.ocr import SCRIPT_WORD_CONFIDENCE, OcrCheck  # noqa: E402

from benchmarks.latin_pages import LatinPage, Truth, build_latin_pages  # noqa: E402
from workbench.context import Context  # noqa: E402
from workbench.loading import load_document  # noqa: E402
from workbench.model import Claims  # noqa: E402
from workbench.ocr import OcrLine, OcrPage, OcrWord, page_from_data  # noqa: E402
from workbench.ocr.latin import (  # noqa: E402
    MAX_RECHECK_LINES,
    latin_candidates,
    latin_lines,
    low_confidence_lines,
    stack_lines,
    word_script,
)

Rule = Callable[[OcrPage], list[tuple[OcrLine, float]]]
RULES: dict[str, Rule] = {
    "low-confidence": lambda page: low_confidence_lines(page)[:MAX_RECHECK_LINES],
    "candidates": latin_candidates,
}
SAMPLE_GLOBS = ("exemplars/*.png", "genuine/*.png", "questioned/*.jpg", "tampered/*", "lists/*.jpg")


@dataclass
class Tally:
    """Counts of one rule (or of the ``fas`` reading alone) over a set of pages."""

    pages: int = 0
    words: int = 0
    correct: int = 0
    sent: int = 0
    found: int = 0
    false_lines: int = 0
    reported: int = 0
    seconds: list[float] = field(default_factory=list)


def _truth_of(line: OcrLine, truth: Sequence[Truth]) -> tuple[str, ...] | None:
    """The Latin words of the rendered line `line`'s box centre falls in (None: no line)."""
    centre = line.box[1] + line.box[3] / 2
    for top, bottom, words in truth:
        if top <= centre <= bottom:
            return words
    return None


def _correct(truth: Sequence[str], read: Sequence[str]) -> int:
    return sum((collections.Counter(truth) & collections.Counter(read)).values())


def _fas_latin(page: OcrPage, line: OcrLine) -> list[str]:
    return [
        w.text
        for i in line.words
        if word_script((w := page.words[i]).text) == "Latin"
        and w.confidence is not None
        and w.confidence >= SCRIPT_WORD_CONFIDENCE
    ]


def _read(
    context: Context, page: OcrPage, rule: Rule
) -> tuple[dict[int, tuple[OcrWord, ...]], int, float]:
    suspects = rule(page)
    if not suspects:
        return {}, 0, 0.0
    start = time.perf_counter()
    stacked, offsets = stack_lines(context.page_gray(0), [line.box for line, _ in suspects])
    data = context.ocr_engine().data(Image.fromarray(stacked), "eng", psm=6)
    english = page_from_data(data, index=0, language="eng")
    found = latin_lines(suspects, offsets, english)
    return found, len(suspects), time.perf_counter() - start


def measure(
    path: Path, truth: Sequence[Truth] | None, tallies: dict[str, Tally], show: bool
) -> None:
    """Read `path` once with ``fas`` and score every rule's ``eng`` reading on it."""
    context = Context(
        document=load_document(path),
        claims=Claims(language="fa"),
        options={"ocr.reader": "tesseract"},
    )
    result, _ = context.text_reading(0)
    page = result.page
    check = OcrCheck()
    fas = tallies["fas alone"]
    fas.pages += 1
    for line in page.lines:
        expected = _truth_of(line, truth) if truth is not None else ()
        fas.correct += _correct(expected or (), _fas_latin(page, line))
    fas.words += sum(len(words) for _, _, words in truth or ())
    fas.reported += check._script_finding(page, "fa", {}) is not None
    picked: dict[str, set[int]] = {}
    kept: dict[str, set[int]] = {}
    for name, rule in RULES.items():
        tally = tallies[name]
        found, sent, seconds = _read(context, page, rule)
        picked[name] = {line.index for line, _ in rule(page)}
        kept[name] = set(found)
        tally.pages += 1
        tally.words += sum(len(words) for _, _, words in truth or ())
        tally.sent += sent
        tally.found += len(found)
        tally.seconds.append(seconds)
        tally.reported += check._script_finding(page, "fa", found) is not None
        for line in page.lines:
            expected = (_truth_of(line, truth) if truth is not None else ()) or ()
            read = [w.text for w in found[line.index]] if line.index in found else []
            read = read or _fas_latin(page, line)
            tally.correct += _correct(expected, read)
            if line.index in found and not expected:
                tally.false_lines += 1
    if show:
        for line in page.lines:
            marks = "".join(
                "L" if line.index in kept[name] else "x" if line.index in picked[name] else "."
                for name in RULES
            )
            if marks.strip("."):
                expected = _truth_of(line, truth) if truth is not None else ()
                print(f"  {marks} {path.name} {line.text!r} truth={expected}")


def _row(name: str, kind: str, t: Tally) -> str:
    seconds = sorted(t.seconds)
    median = f"{seconds[len(seconds) // 2]:.2f}" if seconds else ""
    share = f"{t.correct} of {t.words}" if t.words else "-"
    return (
        f"| {kind} | {name} | {t.pages} | {share} | {t.sent} | {t.found} | {t.false_lines} "
        f"| {t.reported} | {median} | {sum(seconds):.1f} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=8, help="pages of each rendered kind")
    parser.add_argument("--lines", action="store_true", help="print every picked line")
    parser.add_argument("--no-samples", action="store_true", help="rendered pages only")
    args = parser.parse_args(argv)
    sets: dict[str, list[tuple[Path, Sequence[Truth] | None]]] = collections.defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="latin-lines-") as folder:
        pages: list[LatinPage] = build_latin_pages(args.pages)
        for p in pages:
            path = Path(folder) / f"{p.name}.png"
            dpi = 300 if p.kind == "clean300" else 150
            p.image.save(path, dpi=(dpi, dpi))
            sets[p.kind].append((path, p.lines))
        if not args.no_samples:
            for pattern in SAMPLE_GLOBS:
                for path in sorted((ROOT / "samples").glob(pattern)):
                    sets["samples"].append((path, None))
        print(
            "| pages | reading | pages | Latin words correct | lines to eng | Latin lines "
            "| of them not Latin | pages reported | eng s/page (median) | eng s (sum) |"
        )
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for kind, items in sets.items():
            tallies = {name: Tally() for name in ("fas alone", *RULES)}
            for path, truth in items:
                measure(path, truth, tallies, args.lines)
            for name, tally in tallies.items():
                if name == "fas alone":
                    tally.seconds = []
                print(_row(name, kind, tally), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
