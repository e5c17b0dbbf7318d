"""Line OCR benchmark: character error rate and CPU seconds per line, per reader and policy.

Two sets of text-line images:

- ``fa-print-dev`` / ``ar-print-dev`` (development set, tuned on): lines scanned from printed
  books, read in place from ``../shared/data/ocr-real-lines/`` (never copied); skipped with
  a note when that folder is absent.
- ``scanned-fa`` / ``scanned-ar`` (independent set, never tuned on, the one reported):
  running text in faces no other OCR set uses, printed and scanned by code unlike anything
  tuned on (`benchmarks.scanned_lines`, cached under ``out/``); raw Tesseract reads it with
  both models and the ``ocr`` check's text is also measured with ``--reader tesseract``.
- ``rendered`` (independent set, never tuned on): Persian and Arabic sentences of the page
  benchmark set by this file in seven faces (none of which the dev lines use), then "printed
  and scanned" by code: rescaled, blurred, noised, and either binarised (a bitonal scan) or
  saved as a JPEG.

Readers: raw Tesseract in single-line mode (``--psm 7``, the anchor of the data's README);
``Tesseract.recognize`` (what the ``ocr`` check calls; it now detects a single line); the
Persian recognizer (`workbench.imaging.recognition.line_recognizer`) reading each set in one batch.
Policies combine the two per line (`workbench.reading.choose_line`), reading every line
again or only the lines `workbench.reading.needs_second_reading` selects; on the Arabic
sets, the rule tried for Arabic lines and not adopted (`benchmarks.arabic_lines`): the
recognizer's reading in Arabic letters, on the lines Tesseract's ``ara`` is unsure of.

CER = edit distance / reference characters. "strict": NFC, whitespace collapsed. "relaxed"
additionally folds what the transcriptions make inconsistently or what says nothing of the
reader: diacritics dropped, ZWNJ as a space, Arabic yeh/kaf as Persian, all digits as ASCII,
and heh with hamza (``ۀ``, the ezafe mark) as heh: the hamza typed as a separate mark is a
diacritic and already dropped, so the precomposed letter is folded the same way (ParisaOCR's
own relaxed metric folds it too).

The sets and the scoring are in `benchmarks.line_sets`, the ``--cost`` table in
`benchmarks.line_cost`.

Usage: ``python benchmarks/line_benchmark.py [--limit N] [--write]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytesseract
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.arabic_lines import ARABIC_REREAD_BELOW, arabic_letters, check_texts  # noqa: E402
from benchmarks.line_cost import cost_section  # noqa: E402
from benchmarks.line_sets import (  # noqa: E402
    DATA,
    Line,
    Score,
    load_real,
    render_lines,
    scanned_set,
)
from benchmarks.results_file import write_section  # noqa: E402
from workbench.imaging.recognition.line_recognizer import (  # noqa: E402
    LineRecognizer,
    reader_available,
)
from workbench.ocr import Tesseract, cpu_time  # noqa: E402
from workbench.reading import (  # noqa: E402
    LineEvidence,
    choose_line,
    needs_second_reading,
    read_page_text,
)

PAD_WIDTHS = (0, 1280, 2560)
#: The stored readings an Arabic set's ``ocr`` check text is rebuilt from (`check_texts`).
READ = ("tesseract fas --psm 7", "tesseract ara --psm 7", "Persian recognizer")
#: The raw-line reading of an Arabic line (`workbench.reading_arabic.more_confident_line`).
RAW = "tesseract ara --psm 13"
#: The rows of the ``ocr`` check's own text (`check_text`), by default and Tesseract alone.
CHECK_TEXT = "ocr check, no claimed language"
CHECK_TESSERACT = "ocr check, no claimed language, --reader tesseract"


@dataclass
class Readings:
    """Per line: each reader's text and confidence; per reader: CPU seconds in total."""

    text: dict[str, list[str]] = field(default_factory=dict)
    confidence: dict[str, list[float | None]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


def tesseract_psm7(lines: Sequence[Line], lang: str, out: Readings, key: str, psm: int = 7) -> None:
    """Raw Tesseract on each line image in page-segmentation mode `psm` (7: one line)."""
    started = cpu_time()
    texts, confs = [], []
    for line in lines:
        data = pytesseract.image_to_data(
            Image.fromarray(line.image), lang=lang, config=f"--psm {psm}", output_type="dict"
        )
        pairs = zip(data["text"], data["conf"], strict=True)
        words = [(t.strip(), float(c)) for t, c in pairs if t.strip()]
        texts.append(" ".join(t for t, _ in words))
        confs.append(sum(c for _, c in words) / len(words) if words else None)
    out.text[key], out.confidence[key] = texts, confs
    out.cpu[key] = cpu_time() - started


def workbench_recognize(lines: Sequence[Line], lang: str, out: Readings, key: str) -> None:
    engine = Tesseract()
    started = cpu_time()
    out.text[key] = [engine.recognize(line.image, lang).page.text for line in lines]
    out.cpu[key] = cpu_time() - started


def check_text(lines: Sequence[Line], out: Readings, key: str, mode: str = "auto") -> None:
    """The ``ocr`` check's text of each line image analysed with no claimed language.

    `workbench.reading.read_page_text` as `Context.text_reading` calls it: read with ``fas``
    as one line, again with ``ara`` when that text is Arabic, and on a Persian line the
    second reader, each line on its own (not batched), as a line image is analysed.
    """
    engine = Tesseract()
    started = cpu_time()
    texts = []
    for line in lines:
        result, _ = read_page_text(
            lambda language, image=line.image: engine.recognize(image, language),
            line.image,
            engine=engine,
            language=None,
            mode=mode,
        )
        texts.append(result.page.text)
    out.text[key] = texts
    out.cpu[key] = cpu_time() - started


def second_reader(
    lines: Sequence[Line], recognizer: LineRecognizer, out: Readings, key: str
) -> None:
    started = cpu_time()
    read = recognizer.read([line.image for line in lines])
    out.cpu[key] = cpu_time() - started
    out.text[key] = [r.text for r in read]
    out.confidence[key] = [r.confidence for r in read]


def policy(
    count: int, out: Readings, tess: str, second: str, *, every_line: bool, arabic: bool = False
) -> tuple[list[str], int]:
    """The text each policy keeps per line, and how many lines it read again.

    On Arabic lines (`arabic`) the rule tried for them (`benchmarks.arabic_lines`, not used by
    the ``ocr`` check): the lines under `ARABIC_REREAD_BELOW` read again, the second reading
    in Arabic letters.
    """
    texts, reread = [], 0
    for i in range(count):
        first = LineEvidence(out.text[tess][i], out.confidence[tess][i])
        wanted = (
            first.confidence is None or first.confidence < ARABIC_REREAD_BELOW
            if arabic
            else needs_second_reading(first)
        )
        if not every_line and not wanted:
            texts.append(first.text)
            continue
        reread += 1
        text = out.text[second][i]
        other = LineEvidence(
            arabic_letters(text, first.text) if arabic else text, out.confidence[second][i]
        )
        texts.append(choose_line(first, other).text)
    return texts, reread


def read_set(lines: Sequence[Line], lang: str, second: bool = True, both: bool = False) -> Readings:
    """Every reader's reading of every line, with the CPU time each reader took.

    Without `second` the Persian recognizer's own row (and the policies built on it) is
    left out; the ``ocr`` check's text still runs it where the check would. With `both`,
    raw Tesseract reads every line with both models and the ``ocr`` check's text is also
    measured with ``--reader tesseract`` (the independent scanned set).
    """
    out = Readings()
    tesseract_psm7(lines, lang, out, f"tesseract {lang} --psm 7")
    if lang == "ara":
        tesseract_psm7(lines, lang, out, RAW, psm=13)
    if lang != "fas":
        tesseract_psm7(lines, "fas", out, "tesseract fas --psm 7")
    elif both:
        tesseract_psm7(lines, "ara", out, "tesseract ara --psm 7")
    workbench_recognize(lines, lang, out, f"Tesseract.recognize ({lang})")
    if second:
        second_reader(lines, LineRecognizer(pad_to=0), out, "Persian recognizer")
    check_text(lines, out, CHECK_TEXT)
    if both:
        check_text(lines, out, CHECK_TESSERACT, mode="tesseract")
    return out


def save_readings(path: Path, lines: Sequence[Line], out: Readings) -> None:
    """The readings of a set (or part of one) as JSON, to merge parts run separately."""
    records = [
        {
            "name": line.name,
            "truth": line.truth,
            **{
                k: [out.text[k][i], out.confidence.get(k, [None] * len(lines))[i]] for k in out.text
            },
        }
        for i, line in enumerate(lines)
    ]
    data = {"lines": records, "cpu": out.cpu}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def load_readings(paths: Sequence[Path]) -> tuple[list[str], Readings]:
    """Truths and readings of parts saved by `save_readings`, joined (CPU times summed)."""
    truths: list[str] = []
    out = Readings()
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        for record in data["lines"]:
            truths.append(record["truth"])
            for key, value in record.items():
                if key in ("name", "truth"):
                    continue
                out.text.setdefault(key, []).append(value[0])
                out.confidence.setdefault(key, []).append(value[1])
        for key, seconds in data["cpu"].items():
            out.cpu[key] = out.cpu.get(key, 0.0) + seconds
    return truths, out


def table(name: str, truths: Sequence[str], out: Readings, lang: str) -> list[str]:
    """CER strict and relaxed and CPU seconds per line, per reader and per choice policy."""
    rows = [
        f"### {name}: {len(truths)} lines",
        "",
        "| reader or policy | CER strict | CER relaxed | CPU s/line | lines read again |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    n = max(len(truths), 1)
    for key, texts in out.text.items():
        score = Score()
        for truth, text in zip(truths, texts, strict=True):
            score.add(truth, text)
        rows.append(f"| {key} | {score.row()} | {out.cpu[key] / n:.3f} | |")
    tess = f"tesseract {lang} --psm 7"
    if "Persian recognizer" not in out.text:
        return rows
    arabic = lang == "ara"
    if arabic:
        score = Score()
        for truth, text, first in zip(
            truths, out.text["Persian recognizer"], out.text[tess], strict=True
        ):
            score.add(truth, arabic_letters(text, first))
        cost = out.cpu["Persian recognizer"] / n
        rows.append(f"| Persian recognizer, in Arabic letters | {score.row()} | {cost:.3f} | |")
        readings = [list(zip(out.text[k], out.confidence[k], strict=True)) for k in READ]
        raw = (
            list(zip(out.text[RAW], out.confidence[RAW], strict=True)) if RAW in out.text else None
        )
        for label, rule in (("", False), (", rule tried", True)):
            score = Score()
            for truth, text in zip(truths, check_texts(*readings, rule=rule, raw=raw), strict=True):
                score.add(truth, text)
            rows.append(f"| ocr check rebuilt from these readings{label} | {score.row()} | | |")
    kind = "choice in Arabic letters" if arabic else "choice"
    last = f"ara confidence under {ARABIC_REREAD_BELOW:.0f}" if arabic else "default"
    for label, every in ((f"{kind}, every line read again", True), (f"{kind}, {last}", False)):
        texts, reread = policy(
            len(truths), out, tess, "Persian recognizer", every_line=every, arabic=arabic
        )
        score = Score()
        for truth, text in zip(truths, texts, strict=True):
            score.add(truth, text)
        cost = out.cpu[tess] + out.cpu["Persian recognizer"] * reread / n
        rows.append(f"| {label} | {score.row()} | {cost / n:.3f} | {reread} |")
    return rows


def evaluate(
    name: str, lines: list[Line], lang: str, dump: Path | None = None, second: bool = True
) -> list[str]:
    out = read_set(lines, lang, second, both=name.startswith("scanned"))
    if dump is not None:
        part = name.rsplit("part ", 1)[1].replace("/", "of") if ", part " in name else "all"
        save_readings(dump / f"{name.split()[0]}-{lang}.{part}.json", lines, out)
    return [*table(name, [line.truth for line in lines], out, lang), ""]


def padding_sweep(lines: Sequence[Line]) -> list[str]:
    """The second reader with its lines padded to each of `PAD_WIDTHS`, one batch each."""
    rows = [f"Padding width (first {len(lines)} lines of fa-print-dev, one batch each):", ""]
    rows += [
        "| pad lines to | CER strict | CER relaxed | CPU s/line |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for pad in PAD_WIDTHS:
        sweep = Readings()
        second_reader(lines, LineRecognizer(pad_to=pad), sweep, "p")
        score = Score()
        for line, text in zip(lines, sweep.text["p"], strict=True):
            score.add(line.truth, text)
        rows.append(
            f"| {pad or 'widest in batch'} | {score.row()} | {sweep.cpu['p'] / len(lines):.3f} |"
        )
    return [*rows, ""]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="lines per real set")
    parser.add_argument(
        "--sets",
        default="fa,pads,ar,scanned-fa,scanned-ar,rendered-fa,rendered-ar",
        help="comma-separated sets to run: fa, ar (real scans), scanned-fa, scanned-ar "
        "(independent scans, `benchmarks/scanned_lines.py`), rendered-fa, rendered-ar, and "
        "pads (the padding-width sweep on the first 24 lines of fa)",
    )
    parser.add_argument("--dump", type=Path, default=None, help="folder for per-line JSON")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument(
        "--no-second",
        action="store_true",
        help="leave out the Persian recognizer's row and the policies (the slow part)",
    )
    parser.add_argument(
        "--cost",
        type=int,
        default=0,
        metavar="N",
        help="also measure the auto budget's costs on N pages per kind of the page benchmark",
    )
    parser.add_argument(
        "--part",
        default=None,
        metavar="K/N",
        help="read only lines K, K+N, K+2N, ... of each set (parts run side by side; --dump)",
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        default=None,
        metavar="JSON",
        help="print the table of one set from the --dump files of its parts, reading nothing",
    )
    parser.add_argument("--lang", default="fas", help="the set's Tesseract model (--merge)")
    args = parser.parse_args(argv)
    if args.merge:
        truths, merged = load_readings(args.merge)
        name = args.merge[0].stem.split(".")[0]
        print("\n".join(table(f"{name} (parts merged)", truths, merged, args.lang)))
        return 0
    part = tuple(int(x) for x in args.part.split("/")) if args.part else None
    started = time.perf_counter()
    sections: list[str] = []
    if args.cost:
        sections += cost_section(args.cost)
        print("\n".join(sections), flush=True)
    wanted = set(args.sets.split(","))
    if "pads" in wanted and DATA.is_dir():
        sections += padding_sweep(load_real("fa-print-dev", "fa", 24))
        print("\n".join(sections), flush=True)
    jobs: list[tuple[str, str, Callable[[], list[Line]], str]] = []
    if DATA.is_dir():
        jobs += [
            (
                "fa",
                "fa-print-dev (development set)",
                lambda: load_real("fa-print-dev", "fa", args.limit),
                "fas",
            ),
            (
                "ar",
                "ar-print-dev (development set)",
                lambda: load_real("ar-print-dev", "ar", args.limit),
                "ara",
            ),
        ]
    else:
        sections.append(
            f"(the scanned lines were not found beside the project: {DATA.name} skipped)\n"
        )
    for language, model, title in (("fa", "fas", "Persian"), ("ar", "ara", "Arabic")):
        jobs += [
            (
                f"scanned-{language}",
                f"scanned {title} (independent set, `benchmarks/scanned_lines.py`)",
                lambda language=language: scanned_set(language, args.limit),
                model,
            ),
            (
                f"rendered-{language}",
                f"rendered {title} (independent set)",
                lambda language=language: [x for x in render_lines() if x.language == language],
                model,
            ),
        ]
    for key, name, load, lang in jobs:
        if key not in wanted:
            continue
        lines = load()
        if part is not None:
            lines = lines[part[0] :: part[1]]
            name = f"{name}, part {part[0]}/{part[1]}"
        print(f"{name}: {len(lines)} lines", file=sys.stderr)
        sections += evaluate(name, lines, lang, args.dump, not args.no_second)
        print("\n".join(sections), flush=True)
    version = ".".join(map(str, Tesseract().version))
    backend = LineRecognizer().backend if reader_available() else "not installed"
    elapsed = time.perf_counter() - started
    header = [
        "## OCR of text lines (`benchmarks/line_benchmark.py`)",
        "",
        f"Measured {dt.date.today().isoformat()} on a 2-core machine shared with other work "
        f"(CPU seconds, this process and Tesseract's), Tesseract {version}, Python "
        f"{platform.python_version()}, the second reader on {backend}. Run time {elapsed:.0f} s.",
        "",
    ]
    text = "\n".join(header + sections)
    print(text)
    if args.write:
        write_section("OCR of text lines (`benchmarks/line_benchmark.py`)", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
