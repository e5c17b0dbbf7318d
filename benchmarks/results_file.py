"""Writing one benchmark's section of ``benchmarks/RESULTS.md`` without touching the others."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(
    title: str, text: str, path: Path = RESULTS, *, keep_subsections: bool = False
) -> None:
    """Replace the section headed ``## title`` (up to the next ``## ``) or append it.

    HTML comments directly above the next heading are kept: they mark the start of another
    benchmark's generated block. With ``keep_subsections``, only the text before the
    section's first ``### `` heading is replaced: the subsections below it are written by
    hand (measurements of single changes) and a re-run of the table must not remove them.
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
        if keep_subsections:
            end = next((i for i in range(start + 1, end) if lines[i].startswith("### ")), end)
        new = "".join(lines[:start]) + text.rstrip("\n") + "\n\n" + "".join(lines[end:])
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")
