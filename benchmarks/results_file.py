"""Writing one benchmark's section of ``benchmarks/RESULTS.md`` without touching the others."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(title: str, text: str, path: Path = RESULTS) -> None:
    """Replace the section headed ``## title`` (up to the next ``## ``) or append it.

    HTML comments directly above the next heading are kept: they mark the start of another
    benchmark's generated block.
    """
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == f"## {title}"), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        # Comment lines just above the next heading belong to it (another benchmark's
        # markers), not to the section being replaced.
        while end > start + 1 and end < len(lines) and lines[end - 1].startswith("<!--"):
            end -= 1
        new = "".join(lines[:start]) + text.rstrip("\n") + "\n\n" + "".join(lines[end:])
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")
