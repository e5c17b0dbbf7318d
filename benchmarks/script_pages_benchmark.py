"""The ``script`` check on page images: ``ara`` on the lines that need it against the whole page.

The check reads a page with ``fas`` (the shared context's reading) and with ``ara`` only on
the lines whose ``fas`` reading points at Arabic (`lines_needing_ara`). This benchmark runs the
check on each page, then reads the same page whole with ``ara`` (what the check did before)
and derives the same evidence from it (`read_page`), and compares line by line: the Arabic
signals of every line, the digit counts, and the findings (code, severity, signals). It also
times the two ``ara`` readings (wall-clock, same process, one after the other).

Pages: the samples' letters (300-dpi exemplars, the control, the tampered variants including
an Arabic paragraph, the 150-dpi JPEGs) and the A4 list scan, claimed Persian; and rendered
pages (`tests.support.text_pages`) with Western and Persian digits, an Arabic paragraph,
Arabic-Indic digits in a font that draws them apart, a whole Arabic page claimed Persian, and
a Persian text typed with Arabic yeh and kaf.

Usage: ``python benchmarks/script_pages_benchmark.py [--write]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from results_file import write_section  # noqa: E402  (benchmarks/ is the script folder)
from workbench_checks.script.check import ScriptCheck  # noqa: E402
from workbench_checks.script.pages import PageLine, read_page  # noqa: E402

from tests.support.text_pages import FARSIWEB, LETTER_LINES, render_page  # noqa: E402
from workbench.context import Context  # noqa: E402
from workbench.loading import load_document  # noqa: E402
from workbench.model import Claims, Finding  # noqa: E402

SECTION = "Script evidence on page images (`benchmarks/script_pages_benchmark.py`)"
SAMPLES = ROOT / "samples"
ARABIC = (
    "وقد تقرر في الاجتماع الأخير أن ترسل الوزارة تقريرها الى اللجنة المختصة",
    "على أن يتم النظر فيه خلال الأسبوع القادم وإبلاغ النتائج الى الجهات المعنية.",
)


def rendered_pages(folder: Path) -> list[tuple[str, Path]]:
    """Pages rendered from code, each with a known script trait."""
    pages = {
        "rendered: Western and Persian digits": (
            [*LETTER_LINES, "شماره 1247 مورخ 1380/02/24 و ۱۳۸۰/۰۲/۲۴"],
            None,
        ),
        "rendered: Arabic paragraph in Persian": (
            [*LETTER_LINES[:3], *ARABIC, *LETTER_LINES[3:]],
            None,
        ),
        "rendered: Arabic-Indic digits (Homa)": (
            [*LETTER_LINES, "شماره ۴۵۶ مورخ ۱۳۸۰/۰۲/۲۴", "پیوست: ٤٦ برگ به شماره ٤٥٦"],
            FARSIWEB / "homa.ttf",
        ),
        "rendered: Arabic page": ([*ARABIC, *ARABIC], None),
        "rendered: Persian typed with ي ك": (
            [line.translate(str.maketrans({"ی": "ي", "ک": "ك"})) for line in LETTER_LINES],
            None,
        ),
    }
    out = []
    for number, (label, (lines, font)) in enumerate(pages.items()):
        path = folder / f"rendered_{number}.png"
        image = render_page(lines, font=font) if font else render_page(lines)
        image.save(path, dpi=(300, 300))
        out.append((label, path))
    return out


def sample_pages() -> list[tuple[str, Path]]:
    """The samples' letters and the A4 list scan."""
    out = []
    for folder in ("exemplars", "genuine", "questioned", "tampered", "lists"):
        for path in sorted((SAMPLES / folder).glob("*")):
            if path.suffix.lower() in (".png", ".jpg"):
                out.append((f"sample: {path.name}", path))
    return out


@dataclass
class Outcome:
    """One page: the evidence with ``ara`` on the needed lines and on the whole page."""

    label: str
    lines: int
    ara_lines: int
    signals_same: bool
    digits_same: bool
    findings_same: bool
    flagged_lines: int
    flagged_lines_whole: int
    findings: list[str]
    lines_s: float
    whole_s: float


#: The findings drawn from the page evidence (the claim's finding depends on the text only).
EVIDENCE_CODES = ("script.arabic_orthography", "script.mixed_digits")


def _findings_key(findings: Sequence[Finding]) -> list[str]:
    return sorted(
        f"{f.code}/{f.severity.label}/{','.join(f.evidence.get('signals', []))}"
        for f in findings
        if f.code in EVIDENCE_CODES
    )


def measure(label: str, path: Path) -> Outcome:
    """Run the check, then the whole-page ``ara`` evidence of the same page."""
    check = ScriptCheck()
    context = Context(document=load_document(path), claims=Claims(language="fa"))
    fas = context.ocr(0, "fas")  # the shared reading, which the ocr check makes anyway
    started = time.perf_counter()
    result = check.run(context.for_check("script", None))
    lines_s = time.perf_counter() - started
    page: dict[str, Any] = result.results["pages"][0]
    ara_lines = page["ara_lines"]

    started = time.perf_counter()
    whole = context.ocr(0, "ara")
    lines, _, digits = read_page(0, fas, whole, context.page_gray(0), {}, 5000)
    whole_s = time.perf_counter() - started
    old_findings = _old_findings(check, lines, result.results["dominant"]["language"])

    new_signals = {row["line"]: row["arabic_signals"] for row in page["lines"]}
    old_signals = {ln.index: ln.reasons for ln in lines}
    return Outcome(
        label=label,
        lines=len(fas.lines),
        ara_lines=len(fas.lines) if ara_lines is None else len(ara_lines),
        signals_same=new_signals == old_signals,
        digits_same=result.results["digits"] == digits.as_dict(),
        findings_same=_findings_key(result.findings) == _findings_key(old_findings),
        flagged_lines=sum(1 for s in new_signals.values() if s),
        flagged_lines_whole=sum(1 for s in old_signals.values() if s),
        findings=_findings_key(result.findings),
        lines_s=lines_s,
        whole_s=whole_s,
    )


def _old_findings(check: ScriptCheck, lines: Sequence[PageLine], language: str) -> list[Finding]:
    """The check's orthography and digit findings from the whole-page evidence."""
    findings = list(check._image_orthography(lines)) if language == "fa" else []
    digits = sum((ln.digits for ln in lines), start=type(lines[0].digits)()) if lines else None
    if digits is not None:
        findings += check._mixed_digits(
            digits,
            [(ln.index, ln.digits) for ln in lines],
            {(ln.page, ln.index): ln for ln in lines},
        )
    return findings


def render(outcomes: Sequence[Outcome], load: tuple[float, float]) -> str:
    """The RESULTS.md section."""
    same = sum(o.signals_same and o.digits_same and o.findings_same for o in outcomes)
    total_lines = sum(o.lines for o in outcomes)
    read = sum(o.ara_lines for o in outcomes)
    lines_s = sum(o.lines_s for o in outcomes)
    whole_s = sum(o.whole_s for o in outcomes)
    text = [
        f"## {SECTION}",
        "",
        f"Measured {dt.date.today().isoformat()} on a 2-core machine shared with other heavy "
        f"jobs (load average {load[0]:.1f} at the start, {load[1]:.1f} at the end). "
        f"{len(outcomes)} pages, claimed Persian. The check reads with `ara` only the lines "
        "whose `fas` reading points at Arabic; each page's evidence is compared with the "
        "evidence from a whole-page `ara` reading (the check's earlier way).",
        "",
        f"- Pages whose line signals, digit counts and findings are all identical: "
        f"**{same} of {len(outcomes)}**.",
        f"- Lines read with `ara`: {read} of {total_lines} ({read / max(total_lines, 1):.0%}).",
        f"- Time of the `ara` evidence (wall-clock, same process): {lines_s:.1f} s on the "
        f"needed lines (the whole check after the shared `fas` reading) against {whole_s:.1f} s "
        f"for whole-page `ara` readings ({lines_s / max(whole_s, 1e-9):.2f}x).",
        "",
        "| page | lines | read by `ara` | lines with Arabic signals (needed lines / whole page) "
        "| same signals, digits, findings | findings | `ara` s: lines / whole |",
        "| --- | ---: | ---: | ---: | --- | --- | ---: |",
    ]
    for o in outcomes:
        same_row = (
            "yes"
            if o.signals_same and o.digits_same and o.findings_same
            else (
                "no: "
                + ", ".join(
                    name
                    for name, ok in (
                        ("signals", o.signals_same),
                        ("digits", o.digits_same),
                        ("findings", o.findings_same),
                    )
                    if not ok
                )
            )
        )
        text.append(
            f"| {o.label} | {o.lines} | {o.ara_lines} | {o.flagged_lines} / "
            f"{o.flagged_lines_whole} | {same_row} | {'; '.join(o.findings) or 'none'} | "
            f"{o.lines_s:.2f} / {o.whole_s:.2f} |"
        )
    return "\n".join(text) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="workbench-script-pages-") as scratch:
        for label, path in [*sample_pages(), *rendered_pages(Path(scratch))]:
            outcome = measure(label, path)
            print(
                f"{label}: {outcome.ara_lines}/{outcome.lines} lines; same "
                f"{outcome.signals_same}/{outcome.digits_same}/{outcome.findings_same}; "
                f"{outcome.lines_s:.2f} s vs {outcome.whole_s:.2f} s",
                flush=True,
            )
            outcomes.append(outcome)
    text = render(outcomes, (load, os.getloadavg()[0]))
    print(text)
    if args.write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
