"""Language identification of Persian, Arabic and Urdu, and the speed of `workbench script`.

Compares, in one run on the same items, the workbench's classifier
(`workbench.text.script.classify`: orthography + vocabulary + lingua) with lingua alone
(restricted to the same three languages, high-accuracy mode, argmax), on:

* sentences (target: at least 99 % right),
* word pairs and single words cut from them (target: better than lingua alone).

An "und" (insufficient evidence) answer counts as wrong in "accuracy"; "answered" is the share
of items given a language and "precision" the accuracy among those.

Speed: lines per second of the classifier in-process, and of the `workbench script` command
reading the lines on standard input (including start-up).

Usage: ``python benchmarks/language_benchmark.py [--write]``; ``--write`` replaces the
"Script and language" section of benchmarks/RESULTS.md with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from language_data import CORPUS
from lingua import Language, LanguageDetectorBuilder

from workbench.text.script import classify, warm_up, words

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Script and language (`script`)"
LINGUA = {Language.PERSIAN: "fa", Language.ARABIC: "ar", Language.URDU: "ur"}


def items(kind: str) -> list[tuple[str, str]]:
    """(text, language) items of one kind: sentences, pairs or words (deduplicated per kind)."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for lang, sentences in CORPUS.items():
        for sentence in sentences:
            tokens = words(sentence)
            if kind == "sentences":
                candidates = [sentence]
            elif kind == "pairs":
                candidates = [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
            else:
                candidates = tokens
            for text in candidates:
                if text not in seen:
                    seen.add(text)
                    out.append((text, lang))
    # A string that occurs in two languages has no single right answer: drop it.
    langs: dict[str, set[str]] = {}
    for text, lang in out:
        langs.setdefault(text, set()).add(lang)
    return [(t, lang) for t, lang in out if len(langs[t]) == 1]


#: Persian typed with Arabic yeh/kaf (old keyboards and encodings), and Arabic as Tesseract's
#: ``fas`` model writes it (Persian yeh/kaf code points): the spellings where the yeh/kaf code
#: points mislead, classified with ``code_points_trusted`` as the check would.
TO_ARABIC_YK = str.maketrans({"ی": "ي", "ک": "ك"})
TO_PERSIAN_YK = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})
VARIANTS = {
    "Persian sentences typed with ي ك": ("fa", TO_ARABIC_YK, True),
    "Arabic sentences with ی ک (as OCR `fas` writes them; code points not trusted)": (
        "ar",
        TO_PERSIAN_YK,
        False,
    ),
}


def variant_items(name: str) -> tuple[list[tuple[str, str]], bool]:
    lang, table, trusted = VARIANTS[name]
    return [(s.translate(table), lang) for s in CORPUS[lang]], trusted


def evaluate(kind: str, detector: object) -> dict[str, float]:
    trusted = True
    if kind in VARIANTS:
        data, trusted = variant_items(kind)
    else:
        data = items(kind)
    ours_right = ours_answered = lingua_right = 0
    for text, lang in data:
        c = classify(text, code_points_trusted=trusted)
        if c.language != "und":
            ours_answered += 1
            ours_right += c.language == lang
        guess = detector.detect_language_of(text)  # type: ignore[attr-defined]
        lingua_right += guess is not None and LINGUA[guess] == lang
    n = len(data)
    return {
        "n": n,
        "ours": ours_right / n,
        "answered": ours_answered / n,
        "precision": ours_right / max(ours_answered, 1),
        "lingua": lingua_right / n,
    }


def errors(kind: str, limit: int = 8) -> list[str]:
    out = []
    for text, lang in items(kind):
        c = classify(text)
        if c.language != lang:
            out.append(f"{lang}->{c.language} {text}")
    return out[:limit]


def speed_in_process(lines: list[str], repeat: int = 5) -> tuple[float, float]:
    """Lines per second of wall-clock time (best of `repeat`) and of this process's CPU time.

    On a machine shared with other jobs the CPU-time rate is the steadier of the two.
    """
    best = 0.0
    cpu_total = 0.0
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        for line in lines:
            classify(line)
        best = max(best, len(lines) / (time.perf_counter() - start))
        cpu_total += time.process_time() - cpu
    return best, repeat * len(lines) / cpu_total


def speed_command(lines: list[str]) -> tuple[float, float, float]:
    """`workbench script` on standard input: overall and marginal lines/s, one-item seconds.

    "Marginal" discounts the start-up (imports, loading the statistical models) by
    subtracting the time of a one-word run, which loads them too, from the whole run.
    """
    exe = Path(sys.executable).with_name("workbench")
    cmd = [str(exe), "script"] if exe.exists() else [sys.executable, "-m", "workbench", "script"]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    start = time.perf_counter()
    subprocess.run(cmd, input=payload, capture_output=True, check=True)
    many = time.perf_counter() - start
    start = time.perf_counter()
    # A one-word line: too short for the letters alone, so it loads the statistical models.
    subprocess.run(cmd, input="کتاب\n".encode(), capture_output=True, check=True)
    one = time.perf_counter() - start
    marginal = (len(lines) - 1) / max(many - one, 1e-9)
    return len(lines) / many, marginal, one


def render(results: dict[str, dict[str, float]], speeds: dict[str, float]) -> str:
    today = dt.date.today().isoformat()
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    n_sentences = sum(len(v) for v in CORPUS.values())
    rows = "\n".join(
        f"| {kind} | {r['n']:.0f} | {100 * r['ours']:.1f} % | {100 * r['answered']:.1f} % | "
        f"{100 * r['precision']:.1f} % | {100 * r['lingua']:.1f} % |"
        for kind, r in results.items()
    )
    return f"""{SECTION}

Measured {today} on this project's machine ({cores} cores, shared with other jobs, so the
wall-clock speeds are noisy; load average {load:.1f} at the end of the run), Python
{platform.python_version()}, by `python benchmarks/language_benchmark.py --write`.
Items: {n_sentences} fictional sentences written for the benchmark
(`benchmarks/language_data.py`: Persian, Arabic and Urdu, 60 each), and the word pairs
and single words cut from them (strings that occur in two languages dropped). "und"
answers count as wrong in "workbench"; "answered" is the share given a language,
"precision" the accuracy among those. Lingua alone: the same three languages,
high-accuracy mode, its best guess. The last two rows re-spell the sentences: Persian with
the Arabic ي ك of old keyboards, and Arabic with the Persian ی ک that OCR's `fas` model
writes (classified with the code points not trusted, as the check does).

| items | n | workbench | answered | precision | lingua alone |
| --- | ---: | ---: | ---: | ---: | ---: |
{rows}

Speed of classification (one line = one sentence of the set above):

| measure | figure |
| --- | ---: |
| `classify()` in process, lines per second of wall-clock time (best of 5) | \
{speeds["in_process"]:,.0f} |
| `classify()` in process, lines per second of CPU time | {speeds["in_process_cpu"]:,.0f} |
| `workbench script` on standard input, {speeds["n_lines"]:.0f} lines incl. start-up, \
lines per second | {speeds["command"]:,.0f} |
| `workbench script`, same run less a one-word run (start-up discounted), lines per second | \
{speeds["marginal"]:,.0f} |
| `workbench script`, one line, seconds (start-up and model loading) | {speeds["one"]:.2f} |
"""


def write_section(text: str) -> None:
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--errors", action="store_true", help="print misclassified items")
    args = parser.parse_args()

    warm_up()
    detector = LanguageDetectorBuilder.from_languages(*LINGUA).build()
    kinds = ("sentences", "pairs", "words", *VARIANTS)
    results = {kind: evaluate(kind, detector) for kind in kinds}
    for kind, r in results.items():
        print(
            f"{kind[:30]:30s} n={r['n']:4.0f} workbench={100 * r['ours']:.1f}% "
            f"(answered {100 * r['answered']:.1f}%, precision {100 * r['precision']:.1f}%) "
            f"lingua={100 * r['lingua']:.1f}%"
        )
        if args.errors and kind not in VARIANTS:
            for line in errors(kind):
                print("   ", line)
    lines = [s for v in CORPUS.values() for s in v] * 50
    command, marginal, one = speed_command(lines)
    wall, cpu = speed_in_process([s for v in CORPUS.values() for s in v])
    speeds = {
        "in_process": wall,
        "in_process_cpu": cpu,
        "command": command,
        "marginal": marginal,
        "one": one,
        "n_lines": len(lines),
    }
    print(
        f"classify: {speeds['in_process']:,.0f} lines/s ({cpu:,.0f} per CPU second); "
        "workbench script: "
        f"{command:,.0f} lines/s over {len(lines)} lines ({marginal:,.0f} marginal); "
        f"one item {one:.2f} s"
    )
    if args.write:
        write_section(render(results, speeds))
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
