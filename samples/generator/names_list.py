"""The list of 149 fictional names: a right-to-left HTML page and a scanned A4 page."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from generator.conventions import A4, DPI, derive_seed, fa_digits, rng_for
from generator.letters import Names
from generator.manifest import Corpus
from generator.rendering import Layers, draw_text, font
from generator.scanning import OFFICE_SCANNER, scan, scan_matrix, skew_degrees
from generator.writers import jpeg_bytes, write_bytes, write_text

# --------------------------------------------------------------------------------------------------
# The list of 149 names
# --------------------------------------------------------------------------------------------------

LIST_TITLE = "فهرست اسامی کارکنان اعزامی به دوره\u200cهای آموزشی"
LIST_SUBTITLE = "دفتر بازرسی و نظارت، سال 1380"


def list_people() -> list[dict[str, str]]:
    """149 fictional people (both genders) with fathers' names, from a seeded farsi-faker."""
    names = Names(derive_seed("list-149"))
    rng = rng_for("list-149-genders")
    people = []
    for _ in range(149):
        gender = "female" if rng.random() < 0.3 else "male"
        rec = names.full(gender)
        people.append(
            {
                "first": rec["first_name"],
                "last": rec["last_name"],
                "name": rec["name"],
                "father": names.first("male"),
            }
        )
    return people


def names_html(people: Sequence[dict[str, str]]) -> str:
    """The list as a right-to-left UTF-8 HTML page."""
    rows = "\n".join(
        f"      <tr><td>{fa_digits(str(i))}</td><td>{html.escape(p['first'])}</td>"
        f"<td>{html.escape(p['last'])}</td><td>{html.escape(p['father'])}</td></tr>"
        for i, p in enumerate(people, 1)
    )
    return f"""<!DOCTYPE html>
<html lang="fa" dir="rtl">
  <head>
    <meta charset="utf-8">
    <title>{LIST_TITLE}</title>
    <style>
      body {{ font-family: Nazli, "Noto Naskh Arabic", serif; margin: 2em; }}
      table {{ border-collapse: collapse; }}
      th, td {{ border: 1px solid #888; padding: 0.2em 0.8em; }}
    </style>
  </head>
  <body>
    <h1>{LIST_TITLE}</h1>
    <p>{fa_digits(LIST_SUBTITLE)}. {fa_digits("149")} نفر. این فهرست ساختگی است.</p>
    <table>
      <thead><tr><th>ردیف</th><th>نام</th><th>نام خانوادگی</th><th>نام پدر</th></tr></thead>
      <tbody>
{rows}
      </tbody>
    </table>
  </body>
</html>
"""


def names_page(people: Sequence[dict[str, str]]) -> np.ndarray:
    """The list typed on an A4 page in three columns (right to left) and scanned."""
    size = A4
    layers = Layers.blank(size)
    img = Image.new("L", size, 0)
    d = ImageDraw.Draw(img)
    right = size[0] - 130
    draw_text(d, (size[0] / 2, 170), LIST_TITLE, font("titr", 56), anchor="ms")
    draw_text(
        d,
        (size[0] / 2, 250),
        fa_digits(f"{LIST_SUBTITLE} ({149} نفر)"),
        font("nazli", 44),
        anchor="ms",
    )
    d.line([(130, 290), (right, 290)], fill=255, width=3)
    col_w = (right - 130) // 3
    f = font("nazli", 40)
    for i, p in enumerate(people):
        col, row = divmod(i, 50)
        x = right - col * col_w
        y = 380 + row * 62
        draw_text(d, (x, y), fa_digits(f"{i + 1}."), f)
        draw_text(d, (x - 95, y), p["name"], f)
    layers.text[:] = np.asarray(img, np.float32) / 255.0
    return scan(layers, "names-149", OFFICE_SCANNER)


def build_list(corpus: Corpus) -> None:
    """Write the names list as HTML and as a scanned page."""
    people = list_people()
    write_text(corpus.out / "lists/names_149.html", names_html(people))
    names = [p["name"] for p in people]
    corpus.add(
        "lists/names_149.html",
        "text",
        "names-list",
        {
            "language": "fa",
            "dates": [],
            "names": names,
            "count": len(names),
            "expected_findings": [],
            "optional_findings": [],
        },
    )
    page = names_page(people)
    write_bytes(corpus.out / "lists/names_149_scan.jpg", jpeg_bytes(page, 90, DPI))
    corpus.add(
        "lists/names_149_scan.jpg",
        "genuine",
        "names-list",
        {
            "language": "fa",
            "dates": [],
            "names": names,
            "count": len(names),
            "page_size": "A4",
            "dpi": DPI,
            "columns": 3,
            "scan": {
                "profile": OFFICE_SCANNER.name,
                "skew_degrees": skew_degrees(scan_matrix("names-149", OFFICE_SCANNER, A4)),
            },
            "expected_findings": [],
            "optional_findings": [],
        },
    )
