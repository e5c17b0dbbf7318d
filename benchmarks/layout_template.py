"""Letters of a third template no layout rule was set on, with its own exemplars.

The layout check's exemplar rules were set on the dev split's two letter templates (dev-a,
dev-b), typeset in the dev faces and scanned through the dev chains. This makes letters of a
third template (`TEMPLATE`: another letterhead, a frame around the page, the number block under
the heading on the right, a smaller body size), typeset in the fresh-look set's faces
(`forensic_fresh.fresh_faces`) and scanned through its chains (`forensic_fresh.CHAINS`): three
genuine exemplars, untouched letters and letters with retyped digits (the four looks of
`forensic_edits.RETYPE_DIFFERENCES` in turn). Each letter is checked (the layout check alone,
or with ``--forensics`` the forensics check too) against the three exemplars, as a reviewer
runs it, and the worst finding that touches the edit (any finding on an untouched letter) is
printed per kind; per letter on standard error. They are for checking rules set on dev against
letters they were not set on, never for setting a limit.

Letters are cached under ``out/forensic-corpus/layout-template`` and made again when the
generators' source or this file changes.

    python benchmarks/layout_template.py [--count 12] [--forensics] [--lines FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus_pages as cp  # noqa: E402
import forensic_corpus as fc  # noqa: E402
import forensic_fresh as ff  # noqa: E402
from layout_letters import line_rows  # noqa: E402

from workbench import analyze  # noqa: E402
from workbench.model import Region, Severity  # noqa: E402

FOLDER = ff.CACHE / "layout-template"
#: The third template: centred heading, a diamond mark, a frame, the number block on the
#: right under the heading, 16 mm margins, an 11-point body.
TEMPLATE = cp.Template(
    "dev-e",
    "مؤسسه پژوهش های کشاورزی",
    "دفتر مدیر عامل",
    "centre",
    "diamond",
    "frame",
    False,
    16,
    11,
)
#: Page indices of these letters (beyond the fresh-look set's, so their text differs).
START = 700
EXEMPLARS = 3
KINDS = ("exemplar", "none", "retyped-digits")


def _stamp(count: int) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    return f"{ff.stamp()}-{count}-{digest.hexdigest()[:16]}"


def letters(count: int) -> list[fc.Entry]:
    """The exemplars, then `count` untouched and `count` retyped letters (cached)."""
    manifest = FOLDER / "manifest.json"
    key = _stamp(count)
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return [fc.Entry(**e) for e in data["pages"]]
    FOLDER.mkdir(parents=True, exist_ok=True)
    rows = [("exemplar", j) for j in range(EXEMPLARS)]
    # Pairs in an order that takes both kinds through every chain (four, in turn), and the
    # retyped looks (the n-th's, four in turn) shifted by one every four, so that over 16
    # retyped letters each look goes through every chain (over 12, through three of them).
    pair = ("none", "retyped-digits")
    for j in range(count):
        rows += [(kind, j + j // 4) for kind in (pair if (j // 2) % 2 == 0 else pair[::-1])]
    saved = cp.TEMPLATES["dev"]
    cp.TEMPLATES["dev"] = (*saved, TEMPLATE)
    try:
        with ff.fresh_faces():
            entries = [
                ff.make_entry(START + i, kind, "letter", len(saved), j, FOLDER)
                for i, (kind, j) in enumerate(rows)
            ]
    finally:
        cp.TEMPLATES["dev"] = saved
    manifest.write_text(
        json.dumps({"key": key, "pages": [asdict(e) for e in entries]}, ensure_ascii=False),
        encoding="utf-8",
    )
    return entries


def run(count: int, forensics: bool, lines_out: Path | None = None) -> list[str]:
    """Worst finding touching the edit per letter, counted per kind (table rows).

    With `lines_out`, every line's comparison rows (`layout_letters.line_rows`) are written
    to it as JSON lines.
    """
    entries = letters(count)
    exemplars = [FOLDER / e.path for e in entries if e.tampering == "exemplar"]
    only = ["layout", "forensics"] if forensics else ["layout"]
    table = []
    sink = lines_out.open("w") if lines_out else None
    for kind in KINDS:
        levels = []
        for e in entries:
            if e.tampering != kind:
                continue
            refs = [p for p in exemplars if p.name != e.path]
            report = analyze(FOLDER / e.path, references=refs, only=only, out=None)
            truths = [Region(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in e.boxes]
            found = [
                f
                for f in report.findings
                if f.check in only
                and (not truths or any(r.intersection(t) > 0 for r in f.regions for t in truths))
            ]
            worst = max(found, key=lambda f: f.severity, default=None)
            levels.append(worst.severity.name.lower() if worst else "nothing")
            codes = sorted(
                {
                    f"{f.code}:{f.severity.name.lower()}"
                    for f in found
                    if f.severity >= Severity.NOTICE
                }
            )
            print(e.name, e.chain, e.variant, levels[-1], " ".join(codes), file=sys.stderr)
            if sink is not None:
                for row in line_rows(e, report, truths):
                    sink.write(json.dumps(row) + "\n")
        counts = ", ".join(f"{k}: {levels.count(k)}" for k in sorted(set(levels)))
        table.append(f"| {TEMPLATE.name} | {kind} | {len(levels)} | {counts} |")
    if sink is not None:
        sink.close()
    return table


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=12, help="untouched and retyped letters each")
    parser.add_argument("--forensics", action="store_true", help="the forensics check too")
    parser.add_argument("--lines", type=Path, help="write the line comparison rows here")
    args = parser.parse_args(argv)
    problems = ff.check_faces()
    if problems:
        raise SystemExit("the letters cannot be made: " + "; ".join(problems))
    print("| template | kind | letters | worst finding touching the edit |")
    print("| --- | --- | --- | --- |")
    for row in run(args.count, args.forensics, args.lines):
        print(row)


if __name__ == "__main__":
    main()
