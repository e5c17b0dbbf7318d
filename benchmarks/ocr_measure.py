"""The measures of the OCR benchmarks: errors, characters and seconds per reader and kind.

`Measure` sums what `benchmarks.ocr_benchmark` and `benchmarks.line_benchmark` count;
`save_tables` and `load_tables` let pages read in several processes side by side be
reported together (their measures summed); `markdown` and `compared` report them.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein


def normalise(text: str) -> str:
    """NFC, whitespace collapsed (line breaks count as one space)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class Measure:
    errors: int = 0
    chars: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    pages: int = 0

    def add(self, truth: str, read: str, seconds: float, cpu: float) -> None:
        ref, hyp = normalise(truth), normalise(read)
        self.errors += Levenshtein.distance(ref, hyp)
        self.chars += len(ref)
        self.seconds += seconds
        self.cpu += cpu
        self.pages += 1

    @property
    def cer(self) -> float:
        return self.errors / max(self.chars, 1)

    @property
    def per_page(self) -> float:
        """Wall-clock seconds per page (noisy on a shared machine)."""
        return self.seconds / max(self.pages, 1)

    @property
    def cpu_per_page(self) -> float:
        """CPU seconds per page, this process and Tesseract's (steadier under load)."""
        return self.cpu / max(self.pages, 1)


def save_tables(path: Path, tables: Sequence[dict[tuple[str, str], Measure]]) -> None:
    """The measures of a run (or part of one) as JSON, to join parts run side by side."""
    data = [
        [{"reader": r, "kind": k, **dataclasses.asdict(m)} for (r, k), m in t.items()]
        for t in tables
    ]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def load_tables(paths: Sequence[Path]) -> list[dict[tuple[str, str], Measure]]:
    """Measures saved by `save_tables`, summed over the parts (errors, characters, seconds)."""
    joined: list[dict[tuple[str, str], Measure]] = []
    for path in paths:
        for n, rows in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            if n == len(joined):
                joined.append({})
            for row in rows:
                key = (row.pop("reader"), row.pop("kind"))
                m = joined[n].setdefault(key, Measure())
                for name, value in row.items():
                    setattr(m, name, getattr(m, name) + value)
    return joined


def markdown(
    table: dict[tuple[str, str], Measure],
    rows: Sequence[str],
    kinds: Sequence[str],
) -> list[str]:
    head = "| reader | " + " | ".join(f"{k} CER | {k} CPU s/page" for k in kinds) + " |"
    sep = "| --- |" + " ---: | ---: |" * len(kinds)
    lines = [head, sep]
    for row in rows:
        cells = []
        for kind in kinds:
            m = table.get((row, kind))
            cells += ["-", "-"] if m is None else [f"{m.cer:.2%}", f"{m.cpu_per_page:.2f}"]
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return lines


def compared(
    table: dict[tuple[str, str], Measure],
    names: Sequence[str],
    against: Measure,
    kind: str = "all",
) -> list[str]:
    """One line per reader in `names`: its CER and CPU time on `kind`'s pages, and `against`'s."""
    lines = []
    for name in names:
        m = table[(name, kind)]
        lines.append(
            f"- {name}: CER {m.cer:.2%} vs {against.cer:.2%}, "
            f"{m.cpu_per_page:.2f} vs {against.cpu_per_page:.2f} CPU s/page"
        )
    return lines
