"""Lists and people on the samples: rows read from the HTML list and its scan, claims matched.

The samples' scanned list (`samples/lists/names_149_scan.jpg`, three right-to-left columns at
300 dpi) is the list scan the column reading was developed on: its figure is a development
figure. An independent list is made here by other code: other names (a seeded draw from
farsi-faker's pools, 96 people with their fathers' names), another face (Lateef, not the samples'
Nazli and Titr), two columns of «ردیف - نام نام خانوادگی (فرزند نام پدر)»
rows, and another scan chain (grey, tilted 0.6°, blurred, noise, 200 dpi, JPEG quality 70).
Run: ``python benchmarks/lists_benchmark.py [--write]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import write_section  # noqa: E402
from workbench.api import analyze  # noqa: E402
from workbench.claims import load_claims  # noqa: E402
from workbench.text.matching import compact  # noqa: E402

SAMPLES = ROOT / "samples"


LATEEF = Path("/usr/share/fonts/opentype/lateef/Lateef-Regular.ttf")
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def independent_people(n: int = 96, seed: int = 15) -> list[tuple[str, str]]:
    """`n` distinct (full name, father's name) pairs drawn from farsi-faker's name pools."""
    import random

    from farsi_faker.data.seed_names import FEMALE_NAMES, LAST_NAMES, MALE_NAMES

    rng = random.Random(seed)
    people: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(people) < n:
        first = rng.choice(list(FEMALE_NAMES) if rng.random() < 0.4 else list(MALE_NAMES))
        name = f"{first} {rng.choice(list(LAST_NAMES))}"
        if name not in seen:
            seen.add(name)
            people.append((name, rng.choice(list(MALE_NAMES))))
    return people


def independent_scan(path: Path, people: list[tuple[str, str]]) -> None:
    """The list typed in two right-to-left columns in Lateef, then scanned."""
    width, height = 1654, 2339  # A4 at 200 dpi
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    title = ImageFont.truetype(str(LATEEF), 60, layout_engine=ImageFont.Layout.RAQM)
    body = ImageFont.truetype(str(LATEEF), 40, layout_engine=ImageFont.Layout.RAQM)
    heading = f"اسامی شرکت‌کنندگان در همایش سالانه ({len(people)} نفر)".translate(FA_DIGITS)
    draw.text((width / 2, 150), heading, font=title, fill=0, anchor="ms", direction="rtl")
    per_column = (len(people) + 1) // 2
    for i, (name, father) in enumerate(people):
        column, row = divmod(i, per_column)
        right = width - 110 - column * (width - 220) // 2
        line = f"{i + 1} - {name} (فرزند {father})".translate(FA_DIGITS)
        y = 260 + row * 40
        draw.text((right, y), line, font=body, fill=0, anchor="ra", direction="rtl")
    page = page.rotate(0.6, resample=Image.Resampling.BICUBIC, fillcolor=250)
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    noise = np.random.default_rng(15).normal(0.0, 6.0, (height, width))
    grey = np.clip(np.asarray(page, np.float32) * 0.93 + 12 + noise, 0, 255).astype(np.uint8)
    Image.fromarray(grey).save(path, quality=70, dpi=(200, 200))


NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")


def development_scan(path: Path, people: list[tuple[str, str]]) -> None:
    """A development list: two right-to-left columns in Noto Naskh, scanned at 200 dpi.

    Made to develop the column reading on a layout other than the samples' (its own names,
    seed 16; another face; «ردیف. نام نام خانوادگی» with the father's name in a column of
    its own; Latin row numbers on its second half), without reading the independent list.
    """
    width, height = 1654, 2339  # A4 at 200 dpi
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    title = ImageFont.truetype(str(NASKH), 44, layout_engine=ImageFont.Layout.RAQM)
    body = ImageFont.truetype(str(NASKH), 30, layout_engine=ImageFont.Layout.RAQM)
    heading = f"فهرست کارکنان شرکت‌کننده در دوره، {len(people)} نفر".translate(FA_DIGITS)
    draw.text((width / 2, 140), heading, font=title, fill=0, anchor="ms", direction="rtl")
    per_column = (len(people) + 1) // 2
    for i, (name, father) in enumerate(people):
        column, row = divmod(i, per_column)
        right = width - 120 - column * (width - 240) // 2
        number = f"{i + 1}." if i >= len(people) // 2 else f"{i + 1}.".translate(FA_DIGITS)
        y = 240 + row * 42
        draw.text((right, y), f"{number} {name}", font=body, fill=0, anchor="ra", direction="rtl")
        draw.text((right - 470, y), father, font=body, fill=0, anchor="ra", direction="rtl")
    page = page.rotate(-0.5, resample=Image.Resampling.BICUBIC, fillcolor=250)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    noise = np.random.default_rng(16).normal(0.0, 5.0, (height, width))
    grey = np.clip(np.asarray(page, np.float32) * 0.95 + 8 + noise, 0, 255).astype(np.uint8)
    Image.fromarray(grey).save(path, quality=75, dpi=(200, 200))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write RESULTS.md's section")
    args = parser.parse_args()
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    truth = next(d for d in manifest["documents"] if d["path"] == "lists/names_149.html")
    names = truth["truth"]["names"]
    rows = ["| document | rows read | names exact | count finding |", "| --- | --- | --- | --- |"]
    tmp = Path(tempfile.mkdtemp(prefix="lists-benchmark-"))
    scan = Image.open(SAMPLES / "lists" / "names_149_scan.jpg")
    # Copies made differently from the page the reading was developed on.
    scan.rotate(0.8, fillcolor=255).save(tmp / "rotated.jpg", quality=80, dpi=(300, 300))
    scan.resize((scan.width * 2 // 3, scan.height * 2 // 3), Image.Resampling.LANCZOS).save(
        tmp / "200dpi.jpg", quality=75, dpi=(200, 200)
    )
    people = independent_people()
    independent_scan(tmp / "independent.jpg", people)
    developed = independent_people(n=90, seed=16)
    development_scan(tmp / "development.jpg", developed)
    documents = {
        "lists/names_149.html": (SAMPLES / "lists" / "names_149.html", names),
        "lists/names_149_scan.jpg (development)": (SAMPLES / "lists" / "names_149_scan.jpg", names),
        "the scan turned 0.8° more, JPEG q80": (tmp / "rotated.jpg", names),
        "the scan at 200 dpi, JPEG q75": (tmp / "200dpi.jpg", names),
        "development list: 90 names, Noto Naskh, 2 columns with fathers, 200 dpi, JPEG q75": (
            tmp / "development.jpg",
            [name for name, _ in developed],
        ),
        "independent list: 96 names, Lateef, 2 columns, 200 dpi, JPEG q70": (
            tmp / "independent.jpg",
            [name for name, _ in people],
        ),
    }
    for path, (file, truth_names) in documents.items():
        n = len(truth_names)
        report = analyze(file, claims={"count": n}, only=["lists"])
        read = report.results["lists"]["rows"]
        exact = sum(
            compact(r["full_name"]) == compact(t) for r, t in zip(read, truth_names, strict=False)
        )
        counts = sorted({f.code.split(".")[1] for f in report.findings if "count" in f.code})
        rows.append(f"| {path} | {len(read)} | {exact}/{n} | {', '.join(counts)} |")
    report = analyze(
        SAMPLES / "questioned" / "letter_1380-02-24.jpg",
        claims=load_claims(SAMPLES / "questioned" / "letter_1380-02-24.claims.json"),
        only=["people"],
    )
    codes = ", ".join(sorted(f.code for f in report.findings))
    text = (
        "## People and lists on the samples (`people`, `lists`)\n\n"
        f"Measured {dt.date.today().isoformat()} by `benchmarks/lists_benchmark.py`, with the "
        "claimed count of each list. The first five figures are development figures: the "
        "column reading was developed on the samples' scan, the turned and downscaled copies "
        "(made from it at run time) were read while developing the levelling of tilted pages "
        "and the split of the row numbers, and the development list (rendered by the "
        "benchmark's own code: 90 names drawn from farsi-faker's pools with seed 16, Noto "
        "Naskh, two columns of «ردیف. نام نام خانوادگی» with the father's name in a column "
        "of its own, Latin row numbers on its second half, tilted 0.5°, 200 dpi, JPEG "
        "quality 75) was read while developing the layout found from the page's word boxes "
        "(`workbench.text.list_layout`). The last list is the independent one: other names "
        "(seed 15), the Lateef face, two columns of «ردیف - نام (فرزند نام پدر)» rows, "
        "tilted 0.6°, blurred, noise, 200 dpi, JPEG quality 70. It was not run while the "
        "word-box layout was developed, but its earlier figure (49 rows, 0/96 names) and its "
        "row format, from this file, were known: the split of a father's name written "
        "after the name («(فرزند ...)») was written knowing that format, so that figure is "
        "not independent of it. "
        "Exact: name and surname equal to the truth's in their compact form (letter "
        "variants, joiners and spaces aside), row by row.\n\n"
        + "\n".join(rows)
        + "\n\nOn the questioned letter with its claims, the people check reports: "
        f"{codes}.\n"
    )
    print(text)
    if args.write:
        write_section("People and lists on the samples (`people`, `lists`)", text)


if __name__ == "__main__":
    main()
