"""A scanned list in another layout than the samples': columns found from its word boxes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from workbench import analyze
from workbench.text.list_layout import WordBox, layout_from_words
from workbench.text.lists import split_father
from workbench.text.matching import compact

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.lists_benchmark import development_scan, independent_people  # noqa: E402

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")


def test_fathers_name_after_the_name_is_split_from_it() -> None:
    assert split_father("۱۲ - علی رضایی (فرزند حسن)") == ("۱۲ - علی رضایی", "حسن")
    assert split_father("مریم کاظمی فرزند محمدرضا") == ("مریم کاظمی", "محمدرضا")
    assert split_father("سیاوش گلزاری") == ("سیاوش گلزاری", "")


def test_columns_are_the_line_ups_of_row_numbers_right_to_left() -> None:
    """Two columns of «n. name» with a father's field, as a sparse OCR pass boxes them."""
    words = [WordBox("فهرست", 900, 100, 120, 40)]
    for row in range(8):
        y = 250 + 42 * row
        for right, number in ((1530, f"{row + 1}."), (820, f"{row + 9}.")):
            words.append(WordBox(number, right - 30, y, 30, 24))
            words.append(WordBox("نام", right - 120, y, 70, 28))
            words.append(WordBox("خانوادگی", right - 230, y, 95, 28))
            words.append(WordBox("پدر", right - 560, y, 60, 28))
    words.append(WordBox("۳", 1045, 300, 17, 26))  # a stray digit read inside a field
    layout = layout_from_words(words)
    assert layout is not None and len(layout.columns) == 2
    right, left = layout.columns
    assert right.numbers == (1500, 1530) and left.numbers == (790, 820)
    assert right.fields == ((1300, 1480), (970, 1062))  # the stray digit joins its field
    assert len(left.fields) == 2 and len(right.rows) == 8
    assert layout.body_top < 250


@needs_tesseract
@pytest.mark.slow
def test_two_column_list_in_another_face_at_200_dpi(tmp_path: Path) -> None:
    """The development list: Noto Naskh, a father's column, Latin numbers on its second half."""
    people = independent_people(n=70, seed=16)
    scan = tmp_path / "list.jpg"
    development_scan(scan, people)
    report = analyze(scan, claims={"count": 70}, only=["lists"])
    rows = report.results["lists"]["rows"]
    exact = sum(
        compact(r["full_name"]) == compact(n) for r, (n, _) in zip(rows, people, strict=False)
    )
    assert len(rows) == 70 and exact >= 63
    fathers = sum(
        compact(r["father"]) == compact(f) for r, (_, f) in zip(rows, people, strict=False)
    )
    assert fathers >= 56
    assert "lists.count_matches" in {f.code for f in report.findings}
